"""The dialer's shell: running campaigns place their dials, and each dial's end is recorded.

Owns ``CampaignRuntime``: which campaigns run (the REST life cycle tells it through
``campaign_moved``; a restart reloads the running ones), a tick that asks ``dialer.pacing``
how many dials each running campaign should place now, passes each due lead through
``dialer.gate.decide`` right before its Originate (``PJSIP/<number>@<trunk>`` into
``[cti-dialer]`` with ``CTI_CALL_ID``, ringing at least 15 s), and the end of dials that
never reach the FastAGI step (busy, no answer, failed; hung up during detection). What an
answered dial becomes is ``callcenter/outbound_amd.py``'s. Pausing or stopping places no
new dial; calls in flight finish. The agents' seats (nailed-up lines) are
``callcenter/campaign_seats.py``, their sign-in ``callcenter/campaign_agents.py``.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from agent_ws.campaign_checks import rules_of
from agent_ws.hub import Hub
from callcenter.campaign_reconcile import LINK_LOST, Adopt, Seen, adopted_end
from callcenter.campaign_schedule import follow_schedule
from callcenter.campaign_seats import Seat, Seats
from callcenter.campaign_store import CampaignStore, DueLead
from callcenter.clock import LoopClock
from crm_core.campaign_leads import LeadRecord
from crm_core.campaigns import CampaignRecord
from crm_core.errors import CrmError
from crm_core.vocabulary import AmdResult, CampaignMode
from cti.commands import Originate
from cti.errors import OriginateFailed, PbxError
from cti.events import ChannelAnswered, ChannelHungUp, LinkLost
from cti.ids import ChannelName
from cti.telephony import Telephony
from dialer.abandon import AbandonLedger
from dialer.campaign import CampaignState, dials_allowed
from dialer.dispatch import outcome_of_originate
from dialer.gate import CampaignRules, Dial, Skip, decide
from dialer.pacing import Mode, PacingConfig, PacingState, pace
from dialer.retries import LeadHistory, Outcome

log = logging.getLogger(__name__)

DIALER_CONTEXT = "cti-dialer"
#: The law's minimum ring time; a shorter configured ring is raised to it.
MIN_RING_MS = 15_000
#: How often running campaigns are paced.
TICK_SECONDS = 1.0
#: Every this many ticks, campaigns' start and end times are applied.
SCHEDULE_EVERY = 15


@dataclass(slots=True)
class Run:
    """A running campaign, as the pacer sees it."""

    campaign: CampaignRecord
    rules: CampaignRules
    ledger: AbandonLedger
    dials_ended: int = 0
    answered: int = 0
    #: Talk time of the bridged calls (the pacer's mean talk uses the last 50).
    talk_seconds: list[float] = field(default_factory=list)


@dataclass(slots=True)
class LiveDial:
    """One dial in flight: placed, and not yet ended or with an agent."""

    call_id: str
    run: Run
    attempt_id: int
    lead: LeadRecord
    history: LeadHistory
    number: str
    started_at: float
    answered_at: float | None = None
    #: The FastAGI step took the call over (it records the end).
    claimed: bool = False
    ended: bool = False
    #: A scheduled callback's agent: only they take the call.
    owner: str | None = None
    #: Found live after a restart (``callcenter/campaign_recovery.py``): how it stood.
    adopted: Adopt | None = None
    #: The AMI link failed during its Originate: the next reconciliation finds how it
    #: stands (its events may end it before that).
    lost: bool = False


class CampaignRuntime:
    def __init__(
        self,
        *,
        store: CampaignStore,
        hub: Hub,
        clock: LoopClock,
        telephony: Callable[[], Telephony | None],
        trunk: str,
        ring_ms: int,
        predictive_ring_ms: int,
        wrap_up_seconds: float,
    ) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.wrap_up_seconds = wrap_up_seconds
        self.seats = Seats(telephony, self._seat_gone)
        self.runs: dict[int, Run] = {}
        self.dials: dict[str, LiveDial] = {}
        self._telephony = telephony
        self._trunk = trunk
        self._ring_ms = max(ring_ms, MIN_RING_MS)
        self._predictive_ring_ms = max(predictive_ring_ms, MIN_RING_MS)
        self._sequence = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._placing: set[int] = set()
        #: Set once the running campaigns are loaded at start-up.
        self.loaded = asyncio.Event()
        #: Pacing waits for this: a reconciliation (``campaign_recovery.py``) clears it
        #: until it has adopted the dials a previous run left, so none is placed twice.
        self.ready = asyncio.Event()
        self.ready.set()
        #: Called when a dial is lost track of (``lost``): reconcile it when the link is up.
        self.on_lost: Callable[[], None] | None = None

    # -- the life cycle ------------------------------------------------------------------
    def campaign_moved(self, campaign_id: int, status: str) -> None:
        """The stored state changed (REST): a running campaign dials, any other stops."""
        if dials_allowed(CampaignState(status)):
            self.spawn(self._load(campaign_id), f"campaign-{campaign_id}-load")
        elif self.runs.pop(campaign_id, None) is not None:
            log.info("campaign %s %s: no new dials, calls in flight finish", campaign_id, status)

    async def _load(self, campaign_id: int) -> None:
        campaign = await self.store.campaign(campaign_id)
        if campaign is None or not dials_allowed(CampaignState(campaign.status.value)):
            log.warning("campaign %s is not running, nothing to dial", campaign_id)
            return
        await self._start(campaign)

    async def run_of(self, campaign_id: int) -> Run | None:
        """The campaign's run, loading it now if it is running but not loaded yet (a start
        just stored over REST whose load has not finished)."""
        run = self.runs.get(campaign_id)
        if run is None:
            campaign = await self.store.campaign(campaign_id)
            if campaign is not None and dials_allowed(CampaignState(campaign.status.value)):
                await self._start(campaign)
                run = self.runs.get(campaign_id)
        return run

    async def _start(self, campaign: CampaignRecord) -> None:
        if campaign.campaign_id in self.runs:
            return  # already loaded (by run_of, or a start stored twice)
        now = self.clock.now()
        ledger = await self.store.ledger(campaign, now)
        ended, answered = await self.store.sample(campaign.campaign_id)
        self.runs[campaign.campaign_id] = Run(
            campaign, rules_of(campaign), ledger, dials_ended=ended, answered=answered
        )
        log.info("campaign %s (%s) running", campaign.campaign_id, campaign.mode.value)

    async def run(self) -> None:
        """Reload the running campaigns, then pace them every tick until cancelled."""
        try:
            for campaign in await self.store.running():
                await self._start(campaign)
        except (CrmError, SQLAlchemyError) as exc:
            # The daemon keeps serving calls; a campaign started again over REST reloads.
            log.error("running campaigns could not be reloaded: %r", exc)
        self.loaded.set()
        ticks = 0
        while True:
            if ticks % SCHEDULE_EVERY == 0:
                await follow_schedule(self)
            ticks += 1
            # No dial while the PBX link is down: it could not ring, and would end "failed".
            pacing = self.ready.is_set() and self._telephony() is not None
            for run in list(self.runs.values()) if pacing else []:
                if run.campaign.campaign_id not in self._placing:
                    self.spawn(self.pace_campaign(run), f"campaign-{run.campaign.campaign_id}-pace")
            await asyncio.sleep(TICK_SECONDS)

    # -- pacing and placing ----------------------------------------------------------------
    def pacing_state(self, run: Run, now: float) -> PacingState:
        cid = run.campaign.campaign_id
        seats = self.seats.of(cid)
        flying = [d for d in self.dials.values() if d.run.campaign.campaign_id == cid]
        waiting = [d for d in flying if not (d.claimed or d.ended)]
        talks = run.talk_seconds[-50:]
        return PacingState(
            free_agents=len(self.seats.free(cid, now)),
            wrap_up_left=tuple(s.wrap_up_until - now for s in seats if s.state == "wrap_up"),
            talking_for=tuple(now - s.since for s in seats if s.state == "talking"),
            in_flight=len(waiting),
            ringing_for=tuple(now - d.started_at for d in waiting),
            dials_ended=run.dials_ended,
            answered=run.answered,
            mean_talk=sum(talks) / len(talks) if talks else 120.0,
            wrap_up=self.wrap_up_seconds,
            ledger=run.ledger,
        )

    async def pace_campaign(self, run: Run) -> None:
        cid = run.campaign.campaign_id
        if run.campaign.mode is CampaignMode.PREVIEW:
            return  # preview hands records to agents who ask; nothing is dialled ahead
        self._placing.add(cid)
        try:
            now = self.clock.now()
            config = PacingConfig(mode=Mode(run.campaign.mode.value))
            wanted = pace(self.pacing_state(run, now), now, config)
            if wanted > 0:
                await self._place(run, wanted, now)
        except (CrmError, PbxError) as exc:
            log.warning("campaign %s: pacing step failed: %s", cid, exc)
        finally:
            self._placing.discard(cid)

    async def _place(self, run: Run, wanted: int, now: float) -> None:
        cid = run.campaign.campaign_id
        dialing = {d.lead.lead_id for d in self.dials.values()}
        draw = await self.store.due(run.campaign, now, wanted)
        taken: dict[int | None, int] = {}
        for due in draw.leads:
            if wanted <= 0 or self.runs.get(cid) is not run:
                return
            if due.lead.lead_id in dialing:
                continue
            group = due.lead.list_id
            if draw.shares is not None and taken.get(group, 0) >= draw.shares.get(group, 0):
                continue  # this list's share of the dials is placed (priority, quota, yield)
            if due.owner is not None and due.owner not in self.seats.free(cid, now):
                continue  # an owned callback waits until its agent is free
            verdict = decide(due.facts, due.history, run.rules, self.clock.now())
            if isinstance(verdict, Skip):
                log.info("campaign %s lead %s skipped: %s", cid, due.lead.lead_id, verdict.reasons)
                await self.store.skip(due.lead.lead_id, verdict.reasons, self.clock.now())
            elif isinstance(verdict, Dial):
                await self._dial(run, due, verdict.number)
                taken[group] = taken.get(group, 0) + 1
                wanted -= 1

    async def _dial(self, run: Run, due: DueLead, number: str) -> None:
        now = self.clock.now()
        self._sequence += 1
        call_id = f"dial-{run.campaign.campaign_id}-{due.lead.lead_id}-{self._sequence}"
        attempt_id = await self.store.start(due.lead.lead_id, number, call_id, now)
        dial = LiveDial(
            call_id, run, attempt_id, due.lead, due.history, number, now, owner=due.owner
        )
        self.dials[call_id] = dial
        self.spawn(self._originate(dial), f"dial-{call_id}")

    def ring_ms(self, mode: CampaignMode) -> int:
        """How long a dial rings before the PBX gives it up (Originate's ``Timeout``).

        Predictive dials ring shorter: until its end is reported a dial counts among the
        calls in flight that the abandon cap's worst-case bound allows (``dialer.pacing``),
        so a dial nobody is likely to answer any more keeps the next one from being placed.
        """
        return self._predictive_ring_ms if mode is CampaignMode.PREDICTIVE else self._ring_ms

    async def _originate(self, dial: LiveDial) -> None:
        digits = dial.number.lstrip("+")
        telephony = self._telephony()
        command = Originate(
            f"PJSIP/{digits}@{self._trunk}",
            context=DIALER_CONTEXT,
            exten=digits,
            caller_id=dial.run.campaign.caller_id,
            timeout_ms=self.ring_ms(dial.run.campaign.mode),
            variables={"CTI_CALL_ID": dial.call_id},
            channel_id=dial.call_id,
        )
        try:
            if telephony is None:
                raise PbxError("the PBX link is down")
            await telephony.originate(command)
        except OriginateFailed as exc:
            log.info("dial %s to %s: %s", dial.call_id, dial.number, exc.reason)
            await self.settle(dial, outcome_of_originate(exc.reason_code))
            return
        except PbxError as exc:
            if telephony is None:  # never sent: nothing rang
                log.warning("dial %s to %s failed: %s", dial.call_id, dial.number, exc)
                await self.settle(dial, Outcome.FAILED)
            elif not dial.lost:  # (a lost dial is the reconciliation's already)
                # The Originate may be ringing: follow it until the reconciliation says
                # how it stands, rather than write the number off as failed.
                log.warning("dial %s to %s: %s; reconciling", dial.call_id, dial.number, exc)
                self._lose(dial)
                if self.on_lost is not None:
                    self.on_lost()
            return
        dial.answered_at = dial.answered_at or self.clock.now()

    def claim(self, call_id: str) -> LiveDial | None:
        """The FastAGI step takes over an answered dial (None: not ours, or ended)."""
        dial = self.dials.get(call_id)
        if dial is None or dial.claimed:
            return None
        dial.claimed = True
        dial.answered_at = dial.answered_at or self.clock.now()
        return dial

    async def settle(
        self,
        dial: LiveDial,
        outcome: Outcome,
        *,
        amd: AmdResult | None = None,
        abandoned: bool = False,
        agent_id: str | None = None,
    ) -> None:
        """Record the dial's end (the retry rules requeue the lead) and count it."""
        if dial.ended:
            return
        dial.ended = True
        now = self.clock.now()
        run = dial.run
        run.dials_ended += 1
        if outcome is Outcome.HUMAN:
            run.answered += 1
            run.ledger = run.ledger.record(now, abandoned=abandoned)
        try:
            await self.store.finish(
                dial.attempt_id,
                dial.history,
                dial.number,
                outcome,
                run.rules,
                now,
                answered_at=dial.answered_at if outcome is Outcome.HUMAN else None,
                amd=amd,
                abandoned=abandoned,
                agent_id=agent_id,
            )
        except CrmError as exc:
            log.error("dial %s: could not record its end (%s): %s", dial.call_id, outcome, exc)
        finally:
            # Only now: whoever waits for the dial to be gone may read its record.
            self.dials.pop(dial.call_id, None)

    def link_lost(self, event: LinkLost) -> None:
        """Dials whose Originate waits for its answer will not hear it on this link (the
        OriginateResponse goes to the next one): follow them by their channel's events,
        and let the reconciliation at the next AMI login say how each stands."""
        for dial in list(self.dials.values()):
            if not (dial.claimed or dial.ended or dial.lost) and dial.answered_at is None:
                self._lose(dial)

    def _lose(self, dial: LiveDial) -> None:
        dial.adopted = Adopt(Seen.RINGING, f"{LINK_LOST}: followed until reconciled")
        dial.lost = True

    def channel_answered(self, event: ChannelAnswered) -> None:
        """An adopted dial has no Originate waiting for its answer: the AMI says it."""
        dial = self.dials.get(event.uniqueid)
        if dial is not None and dial.adopted is not None and dial.answered_at is None:
            dial.answered_at = event.at

    def channel_hung_up(self, event: ChannelHungUp) -> None:
        """An answered dial that hung up before the FastAGI step (during detection)."""
        self.seats.channel_hung_up(event)
        dial = self.dials.get(event.uniqueid)
        if dial is not None and dial.adopted is not None:
            self.spawn(self._adopted_end(dial, dial.adopted, event.cause), f"end-{dial.call_id}")
        elif dial is not None and dial.answered_at is not None and not dial.claimed:
            dial.claimed = True
            self.spawn(
                self.settle(dial, Outcome.NO_ANSWER, amd=AmdResult.HANGUP), f"hangup-{dial.call_id}"
            )

    async def _adopted_end(self, dial: LiveDial, adopted: Adopt, cause: int) -> None:
        """A dial from before a restart ended; unless our FastAGI step took it over (and
        records its end itself), its outcome comes from how it stood and the cause."""
        bridged = adopted.seen is Seen.BRIDGED
        if dial.claimed and not bridged:
            return
        dial.claimed = True
        answered = dial.answered_at is not None
        end = adopted_end(adopted.seen, answered, adopted.amd_status, cause, adopted.agent_id)
        log.info("adopted dial %s ended (cause %s): %s", dial.call_id, cause, end.outcome)
        await self.settle(dial, end.outcome, amd=end.amd, abandoned=end.abandoned,
                          agent_id=end.agent_id)  # fmt: skip
        telephony = self._telephony()
        seated = {s.channel for s in self.seats.all()}
        if adopted.line and adopted.line not in seated and telephony is not None:
            # The agent's line from before went back to [cti-nailed]; no seat uses it.
            try:
                await telephony.hangup(ChannelName(adopted.line))
            except PbxError as exc:
                log.info("nailed line %s already gone: %s", adopted.line, exc)

    def _seat_gone(self, seat: Seat) -> None:
        self.hub.send_to_agent(
            seat.agent_id,
            "campaign_state",
            {"campaign_id": seat.campaign_id, "state": "signed_out"},
        )

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: "asyncio.Task[None]") -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
