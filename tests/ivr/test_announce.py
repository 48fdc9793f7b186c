"""When a waiting caller hears their position: first reading at once, then better news only."""

import pytest

from ivr.announce import Announced, due

LAST = Announced(at=100.0, position=4, minutes=3)


@pytest.mark.parametrize(
    ("last", "now", "reading", "expected"),
    [
        (None, 0.0, (4, 170.0), Announced(0.0, 4, 3)),
        (None, 0.0, (1, 0.0), Announced(0.0, 1, 1)),  # never "zero minutes"
        (None, 0.0, None, None),
        (LAST, 130.0, (2, 60.0), None),  # better, but too soon
        (LAST, 160.0, (3, 170.0), Announced(160.0, 3, 3)),  # lower position
        (LAST, 160.0, (4, 100.0), Announced(160.0, 4, 2)),  # fewer minutes
        (LAST, 160.0, (4, 170.0), None),  # the same news
        (LAST, 160.0, (5, 240.0), None),  # worse news
        (LAST, 160.0, None, None),
    ],
)
def test_an_announcement_is_due_only_at_the_interval_with_better_news(
    last: Announced | None,
    now: float,
    reading: tuple[int, float] | None,
    expected: Announced | None,
) -> None:
    assert due(last, now, reading, min_interval_s=60) == expected
