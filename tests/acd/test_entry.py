"""Entry rules: the first rule whose condition holds decides; none holding means join."""

from datetime import UTC, datetime, time

import pytest

from acd.entry import (
    EntryAction,
    EntryCondition,
    EntryRule,
    OpeningHours,
    QueueSnapshot,
    entry_decision,
)
from cti.ids import QueueName

C, A = EntryCondition, EntryAction
# Monday 2026-11-23 10:00 in New York (15:00 UTC).
MONDAY_10AM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp()
OFFICE = OpeningHours("America/New_York", {0: ((time(9), time(17)),)})

WAIT = EntryRule(C.EXPECTED_WAIT_ABOVE, A.CALLBACK, above=300)
DEPTH = EntryRule(C.DEPTH_ABOVE, A.QUEUE, above=5, queue=QueueName("general"))
NOBODY = EntryRule(C.NO_AGENT_SIGNED_IN, A.VOICEMAIL)
CLOSED = EntryRule(C.CLOSED, A.MESSAGE, hours=OFFICE, prompt="cc-closed")


@pytest.mark.parametrize(
    ("rule", "queue", "now", "applies"),
    [
        (WAIT, QueueSnapshot(depth=0, signed_in=2, expected_wait=300), MONDAY_10AM, False),
        (WAIT, QueueSnapshot(depth=3, signed_in=2, expected_wait=301), MONDAY_10AM, True),
        (DEPTH, QueueSnapshot(depth=5, signed_in=2, expected_wait=0), MONDAY_10AM, False),
        (DEPTH, QueueSnapshot(depth=6, signed_in=2, expected_wait=0), MONDAY_10AM, True),
        (NOBODY, QueueSnapshot(depth=0, signed_in=1, expected_wait=0), MONDAY_10AM, False),
        (NOBODY, QueueSnapshot(depth=0, signed_in=0, expected_wait=0), MONDAY_10AM, True),
        (CLOSED, QueueSnapshot(0, 1, 0), MONDAY_10AM, False),
        (CLOSED, QueueSnapshot(0, 1, 0), MONDAY_10AM + 7 * 3600, True),  # 17:00: closed
        (CLOSED, QueueSnapshot(0, 1, 0), MONDAY_10AM + 86400, True),  # Tuesday: no hours
    ],
)
def test_each_condition_holds_exactly_past_its_threshold(
    rule: EntryRule, queue: QueueSnapshot, now: float, applies: bool
) -> None:
    assert (entry_decision([rule], queue, now) is rule) is applies


def test_the_first_rule_that_holds_decides() -> None:
    queue = QueueSnapshot(depth=10, signed_in=0, expected_wait=1000)
    assert entry_decision([CLOSED, NOBODY, DEPTH, WAIT], queue, MONDAY_10AM) is NOBODY
    assert entry_decision([WAIT, NOBODY], queue, MONDAY_10AM) is WAIT


def test_no_rule_holding_lets_the_caller_join() -> None:
    queue = QueueSnapshot(depth=0, signed_in=3, expected_wait=20)
    assert entry_decision([CLOSED, NOBODY, DEPTH, WAIT], queue, MONDAY_10AM) is None


def test_a_holiday_is_closed_all_day() -> None:
    holiday = OpeningHours(OFFICE.timezone, OFFICE.days, frozenset({datetime(2026, 11, 23).date()}))
    assert not holiday.is_open(MONDAY_10AM)
    assert OFFICE.is_open(MONDAY_10AM)
