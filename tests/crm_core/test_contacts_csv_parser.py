"""Property: the CSV reader reports every non-blank record once, at the line it starts on."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.contacts_csv import COLUMNS, CheckedRow, RowError, parse_contacts_csv

cell = st.text(
    alphabet=st.sampled_from(list("aZé 09+-();:@,\"'\n\t%_")) | st.characters(),
    max_size=12,
).filter(lambda s: "\r" not in s and "\x00" not in s)
row = st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS))


@settings(max_examples=200, deadline=None)
@given(st.lists(row, max_size=8))
def test_each_record_gets_one_verdict_at_its_first_line(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    starts = []
    for cells in rows:
        starts.append(out.getvalue().count("\n") + 1)
        writer.writerow(cells)
    verdicts = list(parse_contacts_csv(out.getvalue(), "US"))
    expected = [
        line for line, cells in zip(starts, rows, strict=True) if any(c.strip() for c in cells)
    ]
    assert [v.line for v in verdicts] == expected
    for verdict in verdicts:
        assert isinstance(verdict, CheckedRow | RowError)
        if isinstance(verdict, RowError):
            assert verdict.reason
