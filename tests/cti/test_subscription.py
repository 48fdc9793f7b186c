"""The daemon subscribes to the AMI event classes it uses, and to nothing else."""

import pytest

from cti.subscription import EVENT_CLASS, EVENT_MASK
from cti.tracker import TRACKED_EVENTS
from tests.cti.transcripts import AMI_TRANSCRIPTS, ami_rx_records


def recorded_classes() -> dict[str, set[str]]:
    """Event name -> the classes real Asterisk 22 gave it in the recordings."""
    seen: dict[str, set[str]] = {}
    for name in AMI_TRANSCRIPTS:
        for record in ami_rx_records(name):
            headers = dict(map(tuple, record["headers"]))
            if record["kind"] == "event" and "Privilege" in headers:
                klass = headers["Privilege"].split(",", 1)[0]
                seen.setdefault(headers["Event"], set()).add(klass)
    return seen


def test_the_login_mask_is_the_classes_of_the_events_we_read() -> None:
    assert EVENT_MASK == "call,dtmf,system"
    assert set(EVENT_MASK.split(",")) == set(EVENT_CLASS.values())


def test_every_tracked_event_has_a_class() -> None:
    assert set(TRACKED_EVENTS) <= set(EVENT_CLASS)


RECORDED = recorded_classes()
#: Not every event we read occurs in a recording (transfers, hold: no recording was made).
COVERED = sorted(set(EVENT_CLASS) & set(RECORDED))


@pytest.mark.parametrize("event", COVERED)
def test_our_class_of_an_event_is_the_one_asterisk_sends(event: str) -> None:
    assert RECORDED[event] == {EVENT_CLASS[event]}


def test_the_recordings_cover_most_of_what_we_read() -> None:
    assert len(COVERED) >= len(EVENT_CLASS) // 2, COVERED
