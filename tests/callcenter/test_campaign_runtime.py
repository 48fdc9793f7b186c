"""The dialer shell's decisions, with a fake CRM store and a fake PBX: how many dials a
campaign places and to whom, what reaches the Originate, how unanswered dials are
recorded, and that pausing stops new dials while calls in flight finish."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from agent_ws.campaign_checks import rules_of
from agent_ws.hub import Hub
from callcenter.campaign_runtime import CampaignRuntime, LiveDial, Run
from callcenter.campaign_store import Draw, DueLead
from callcenter.clock import LoopClock
from crm_core.campaign_leads import LeadRecord
from crm_core.campaigns import CallWindowSpec, CampaignRecord
from crm_core.vocabulary import CampaignMode, CampaignStatus, LeadState
from cti.commands import Originate
from cti.errors import OriginateFailed
from cti.ids import ChannelName, UniqueId
from cti.telephony import OriginateResult
from dialer.abandon import AbandonLedger
from dialer.compliance import LeadFacts
from dialer.retries import LeadHistory, Outcome

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def campaign(mode: CampaignMode = CampaignMode.PROGRESSIVE) -> CampaignRecord:
    return CampaignRecord(
        campaign_id=1, name="care", mode=mode, status=CampaignStatus.RUNNING, queue="sales",
        caller_id="18005550100", abandon_cap=Fraction(3, 100),
        window=CallWindowSpec(time(0, 0), time.max, frozenset(range(7))), timezone=None,
        max_attempts=5, starts_at=None, ends_at=None, created_at=NOW, updated_at=NOW, version=2,
    )  # fmt: skip


def due(lead_id: int, number: str, *, dnc: bool = False, owner: str | None = None) -> DueLead:
    lead = LeadRecord(
        lead_id=lead_id, campaign_id=1, contact_id=100 + lead_id, phone=number, alternates=(),
        state=LeadState.PENDING, attempts=0, next_attempt_at=None, last_attempt_at=None,
        last_outcome=None, skip_reason="", timezone="America/New_York", list_id=None,
    )  # fmt: skip
    facts = LeadFacts(str(lead_id), ("America/New_York",), on_internal_dnc=dnc)
    return DueLead(lead, facts, LeadHistory((number,)), owner)


@dataclass
class FakeStore:
    leads: list[DueLead] = field(default_factory=list)
    skipped: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    started: list[tuple[int, str, str]] = field(default_factory=list)
    finished: list[tuple[int, Outcome]] = field(default_factory=list)

    async def due(self, record: CampaignRecord, now: float, wanted: int) -> Draw:
        return Draw(self.leads[: wanted * 4 + 10], None)

    async def skip(self, lead_id: int, reasons: tuple[str, ...], now: float) -> None:
        self.skipped.append((lead_id, reasons))
        self.leads = [d for d in self.leads if d.lead.lead_id != lead_id]

    async def start(self, lead_id: int, number: str, call_id: str, now: float) -> int:
        self.started.append((lead_id, number, call_id))
        self.leads = [d for d in self.leads if d.lead.lead_id != lead_id]
        return len(self.started)

    async def finish(self, attempt_id: int, history: Any, number: str, outcome: Outcome,
                     *args: Any, **kwargs: Any) -> None:  # fmt: skip
        self.finished.append((attempt_id, outcome))


@dataclass
class FakePbx:
    """Answers every Originate, or fails it with ``reason`` (Asterisk's code)."""

    reason: int | None = None
    sent: list[Originate] = field(default_factory=list)

    async def originate(self, command: Originate) -> OriginateResult:
        self.sent.append(command)
        if self.reason is not None:
            raise OriginateFailed(self.reason, command.channel)
        return OriginateResult(UniqueId(command.channel_id or ""), ChannelName("x"), None)


def runtime(
    store: FakeStore, pbx: FakePbx, ring_ms: int = 30_000, predictive_ring_ms: int = 18_000
) -> CampaignRuntime:
    clock = LoopClock(wall_start=NOW.timestamp())
    return CampaignRuntime(
        store=store, hub=Hub(clock=clock), clock=clock,  # type: ignore[arg-type]
        telephony=lambda: pbx, trunk="trunk", ring_ms=ring_ms,  # type: ignore[arg-type,return-value]
        predictive_ring_ms=predictive_ring_ms, wrap_up_seconds=15.0,
    )  # fmt: skip


def running(rt: CampaignRuntime, mode: CampaignMode = CampaignMode.PROGRESSIVE) -> Run:
    record = campaign(mode)
    run = Run(record, rules_of(record), AbandonLedger())
    rt.runs[1] = run
    return run


async def settle_tasks() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_progressive_campaign_dials_one_lead_per_free_agent_through_the_gate() -> None:
    store = FakeStore([due(1, "+12125550001", dnc=True), due(2, "+12125550002"),
                       due(3, "+12125550003"), due(4, "+12125550004")])  # fmt: skip
    pbx = FakePbx()
    rt = runtime(store, pbx, ring_ms=5_000)
    run = running(rt)
    for agent in ("alice", "bob"):
        rt.seats.sit(agent, 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    assert store.skipped == [(1, ("internal do-not-call",))]
    assert [(lead, number) for lead, number, _ in store.started] == [
        (2, "+12125550002"),
        (3, "+12125550003"),
    ]
    first = pbx.sent[0]
    assert (first.channel, first.context, first.exten) == (
        "PJSIP/12125550002@trunk",
        "cti-dialer",
        "12125550002",
    )
    assert first.variables == {"CTI_CALL_ID": first.channel_id}
    assert first.timeout_ms == 15_000  # a shorter ring is raised to the law's 15 s
    # Both dials are in flight: no agent is left uncovered, so nothing more is placed.
    await rt.pace_campaign(run)
    assert len(store.started) == 2


@pytest.mark.parametrize(
    ("mode", "predictive_ring_ms", "timeout_ms"),
    [
        (CampaignMode.PREDICTIVE, 18_000, 18_000),
        (CampaignMode.PREDICTIVE, 9_000, 15_000),  # never under the law's 15 s
        (CampaignMode.PROGRESSIVE, 18_000, 30_000),
    ],
)
async def test_a_predictive_campaign_rings_its_dials_for_the_predictive_ring_time(
    mode: CampaignMode, predictive_ring_ms: int, timeout_ms: int
) -> None:
    store = FakeStore([due(2, "+12125550002")])
    pbx = FakePbx()
    rt = runtime(store, pbx, ring_ms=30_000, predictive_ring_ms=predictive_ring_ms)
    run = running(rt, mode)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    [sent] = pbx.sent
    assert sent.timeout_ms == timeout_ms


@pytest.mark.parametrize(("reason", "outcome"), [(5, Outcome.BUSY), (3, Outcome.NO_ANSWER),
                                                 (8, Outcome.FAILED)])  # fmt: skip
async def test_an_unanswered_dial_is_recorded_with_its_outcome(
    reason: int, outcome: Outcome
) -> None:
    store = FakeStore([due(2, "+12125550002")])
    rt = runtime(store, FakePbx(reason=reason))
    run = running(rt)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    assert store.finished == [(1, outcome)]
    assert rt.dials == {}


async def test_pausing_places_no_new_dial_but_the_call_in_flight_still_ends() -> None:
    store = FakeStore([due(2, "+12125550002")])
    rt = runtime(store, FakePbx())
    run = running(rt)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    [dial] = rt.dials.values()
    rt.campaign_moved(1, "paused")
    assert rt.runs == {}
    await rt.settle(dial, Outcome.HUMAN, agent_id="alice")
    assert store.finished == [(1, Outcome.HUMAN)]
    assert run.ledger.totals(rt.clock.now()).live_answered == 1


async def test_an_owned_callback_waits_until_its_agent_is_free() -> None:
    store = FakeStore([due(2, "+12125550002", owner="carol"), due(3, "+12125550003")])
    rt = runtime(store, FakePbx())
    run = running(rt)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    assert [lead for lead, _, _ in store.started] == [3]
    dial = next(iter(rt.dials.values()))
    assert isinstance(dial, LiveDial) and dial.owner is None


async def test_a_preview_campaign_dials_nothing_ahead() -> None:
    store = FakeStore([due(2, "+12125550002")])
    pbx = FakePbx()
    rt = runtime(store, pbx)
    run = running(rt, CampaignMode.PREVIEW)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    assert pbx.sent == [] and store.started == []


class UnreachableStore(FakeStore):
    """A database whose connection pool is exhausted (the daemon under heavy load)."""

    async def running(self) -> list[CampaignRecord]:
        raise sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")

    async def all_campaigns(self) -> list[CampaignRecord]:
        raise sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")


async def test_a_database_out_of_reach_is_logged_and_does_not_end_the_runtime(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rt = runtime(UnreachableStore(), FakePbx())
    task = asyncio.create_task(rt.run())
    await asyncio.sleep(0.2)
    assert not task.done()  # still ticking: it would have taken the daemon down with it
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert "running campaigns could not be reloaded" in caplog.text
    assert "campaign schedule not applied this time" in caplog.text
