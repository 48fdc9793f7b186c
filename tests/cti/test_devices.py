"""DeviceStates: every Asterisk device state, table-driven, plus the recorded stream."""

import pytest

from cti.devices import Availability, DeviceStates, availability
from cti.events import DeviceStateChanged
from tests.cti.test_tracker import replay

F, B, U = Availability.FREE, Availability.BUSY, Availability.UNREACHABLE


@pytest.mark.parametrize(
    ("state", "expected", "free", "reachable", "uncertain"),
    [
        ("NOT_INUSE", F, True, True, False),
        ("UNKNOWN", F, True, True, True),
        ("INUSE", B, False, True, False),
        ("BUSY", B, False, True, False),
        ("RINGING", B, False, True, False),
        ("RINGINUSE", B, False, True, False),
        ("ONHOLD", B, False, True, False),
        ("UNAVAILABLE", U, False, False, False),
        ("INVALID", U, False, False, False),
        ("SOMETHING_NEW", B, False, True, False),
    ],
)
def test_each_state(
    state: str, expected: Availability, free: bool, reachable: bool, uncertain: bool
) -> None:
    devices = DeviceStates()
    devices.apply(DeviceStateChanged("PJSIP/1001", state, 1.0))
    assert availability(state) is expected
    assert devices.availability("PJSIP/1001") is expected
    assert devices.is_free("PJSIP/1001") is free
    assert devices.is_reachable("PJSIP/1001") is reachable
    assert devices.is_uncertain("PJSIP/1001") is uncertain


def test_never_reported_device_is_free_but_uncertain() -> None:
    devices = DeviceStates()
    assert devices.is_free("PJSIP/1009")
    assert devices.is_uncertain("PJSIP/1009")


def test_latest_state_wins() -> None:
    devices = DeviceStates()
    for state in ("NOT_INUSE", "RINGING", "INUSE", "NOT_INUSE", "UNAVAILABLE"):
        devices.apply(DeviceStateChanged("PJSIP/1001", state, 0.0))
    assert not devices.is_reachable("PJSIP/1001")
    assert devices.states == {"PJSIP/1001": "UNAVAILABLE"}


def test_recorded_queue_call_leaves_the_agent_free_again() -> None:
    devices = DeviceStates()
    _, events = replay("d1_queue_answered")
    seen = []
    for event in events:
        if isinstance(event, DeviceStateChanged):
            devices.apply(event)
            if event.device == "Local/1001@agents":
                seen.append(devices.is_free("Local/1001@agents"))
    assert False in seen
    assert seen[-1] is True
