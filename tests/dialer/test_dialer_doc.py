"""The hand-computed abandon-rate cases of docs/dialer.md hold for ``dialer/abandon.py``.

The table is read from the document itself, so the page and the code cannot drift apart.
"""

from fractions import Fraction
from pathlib import Path

import pytest

from dialer.abandon import DAY, AbandonLedger

DOC = Path(__file__).resolve().parents[2] / "docs" / "dialer.md"
T0 = 1_800_000_000.0 - 1_800_000_000.0 % DAY  # midnight UTC


def hand_computed_rows() -> list[list[str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("| days | on day | 30-day rate | day rate | headroom at 3 % | at the cap |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def ledger_of(days: str) -> AbandonLedger:
    ledger = AbandonLedger()
    for part in days.split(";"):
        day, counts = part.split(":")
        live, abandoned = (int(n) for n in counts.split("/"))
        for i in range(live):
            ledger = ledger.record(T0 + int(day) * DAY + 60, abandoned=i < abandoned)
    return ledger


def test_the_document_has_the_cases() -> None:
    assert len(hand_computed_rows()) >= 6


@pytest.mark.parametrize("row", hand_computed_rows(), ids=lambda r: f"{r[0]} on day {r[1]}")
def test_each_hand_computed_case_matches_the_ledger(row: list[str]) -> None:
    days, on_day, rate, day_rate, headroom, at_cap = row
    ledger = ledger_of(days)
    now = T0 + int(on_day) * DAY + 3600
    assert ledger.rate(now) == Fraction(rate)
    assert ledger.day_rate(now) == Fraction(day_rate)
    assert ledger.headroom(now) == Fraction(headroom)
    assert ledger.at_cap(now) is (at_cap == "yes")
