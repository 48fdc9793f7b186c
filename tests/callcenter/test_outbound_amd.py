"""The FastAGI step outbound-amd with a fake session: bad input is logged and handled the
lawful way, a machine follows the campaign's setting, and a person nobody can take within
2 seconds is left to the safe-harbour message and counted abandoned."""

import logging
from dataclasses import dataclass, field, replace

import pytest

from callcenter.campaign_calls import CampaignCalls
from callcenter.outbound_amd import OutboundAmdRoute
from dialer.retries import Outcome
from tests.callcenter.test_campaign_runtime import (
    FakePbx,
    FakeStore,
    due,
    running,
    runtime,
    settle_tasks,
)
from tests.virtual_time import run_in_virtual_time


@dataclass
class FakeSession:
    """What the route sees of a FastAGI session: its arguments and the commands it sends."""

    args: tuple[str, ...]
    variables: dict[str, str]
    peer: str = "127.0.0.1:40000"
    channel: str = "PJSIP/trunk-00000001"
    sent: list[str] = field(default_factory=list)

    async def get_variable(self, name: str) -> str | None:
        return self.variables.get(name)

    async def set_variable(self, name: str, value: str) -> None:
        self.sent.append(f"SET {name}={value}")

    async def exec(self, app: str, options: str = "") -> int:
        self.sent.append(f"EXEC {app} {options}")
        return 0


async def answered_dial(machine_message: str = "") -> tuple[object, FakeStore, str]:
    store = FakeStore([due(2, "+12125550002")])
    rt = runtime(store, FakePbx())
    run = running(rt)
    run.campaign = replace(run.campaign, machine_message=machine_message)
    rt.seats.sit("alice", 1, "1001", 0.0)
    await rt.pace_campaign(run)
    await settle_tasks()
    rt.seats.get("alice").state = "talking"  # type: ignore[union-attr]
    [call_id] = rt.dials
    return rt, store, call_id


def route(rt: object) -> OutboundAmdRoute:
    calls = CampaignCalls(crm=None, hub=rt.hub, clock=rt.clock, wrap_up_seconds=15.0,  # type: ignore[arg-type,attr-defined]
                          is_seated=lambda seat: True)  # fmt: skip
    return OutboundAmdRoute(runtime=rt, calls=calls, clock=rt.clock)  # type: ignore[arg-type,attr-defined]


def test_a_person_with_no_agent_free_within_two_seconds_hears_the_safe_harbour(
    caplog: pytest.LogCaptureFixture,
) -> None:
    run_in_virtual_time(_no_agent_in_time(caplog))


async def _no_agent_in_time(caplog: pytest.LogCaptureFixture) -> None:
    rt, store, call_id = await answered_dial()
    session = FakeSession(("HUMAN", "HUMAN-800-800"), {"CTI_CALL_ID": call_id})
    started = rt.clock.now()  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, "callcenter.outbound_amd"):
        await route(rt)(session)  # type: ignore[arg-type]
    waited = rt.clock.now() - started  # type: ignore[attr-defined]
    assert 1.8 <= waited <= 2.0  # it waited for an agent, but not past the rule
    assert session.sent == []  # no CTI_DONE: the dialplan plays the message
    assert store.finished == [(1, Outcome.HUMAN)]
    assert "no agent free within 2 s" in caplog.text


def test_bad_amd_arguments_are_logged_naming_the_peer_and_treated_as_a_person(
    caplog: pytest.LogCaptureFixture,
) -> None:
    run_in_virtual_time(_bad_arguments(caplog))


async def _bad_arguments(caplog: pytest.LogCaptureFixture) -> None:
    rt, store, call_id = await answered_dial()
    session = FakeSession(("ROBOT",), {"CTI_CALL_ID": call_id})
    with caplog.at_level(logging.INFO, "callcenter.outbound_amd"):
        await route(rt)(session)  # type: ignore[arg-type]
    assert "127.0.0.1:40000" in caplog.text and "'ROBOT'" in caplog.text
    assert store.finished == [(1, Outcome.HUMAN)]


async def test_an_unknown_dial_is_logged_and_left_to_the_safe_harbour(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rt, store, _ = await answered_dial()
    session = FakeSession(("HUMAN", ""), {"CTI_CALL_ID": "dial-9-9-9"})
    with caplog.at_level(logging.INFO, "callcenter.outbound_amd"):
        await route(rt)(session)  # type: ignore[arg-type]
    assert "unknown dial 'dial-9-9-9'" in caplog.text
    assert session.sent == [] and store.finished == []


@pytest.mark.parametrize(("message", "sent"), [
    ("", ["SET CTI_DONE=1"]),
    ("cc-sorry-we-missed-you", ["EXEC Playback cc-sorry-we-missed-you", "SET CTI_DONE=1"]),
])  # fmt: skip
async def test_a_machine_is_dropped_or_left_the_campaigns_message(
    message: str, sent: list[str]
) -> None:
    rt, store, call_id = await answered_dial(machine_message=message)
    session = FakeSession(("MACHINE", "LONGGREETING-1500-1500"), {"CTI_CALL_ID": call_id})
    await route(rt)(session)  # type: ignore[arg-type]
    assert session.sent == sent
    assert store.finished == [(1, Outcome.MACHINE)]
