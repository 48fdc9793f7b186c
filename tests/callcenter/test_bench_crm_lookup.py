"""The CRM look-up benchmark runs end to end through the CLI on a small SQLite database, so it
cannot rot between full-size runs (figures are printed, never asserted)."""

import pytest

from callcenter.cli import main


def test_the_crm_bench_loads_contacts_looks_them_up_and_imports_csv(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["bench", "crm", "--contacts", "2000", "--backend", "sqlite", "--samples", "100"]
    argv += ["--baseline-samples", "5", "--csv-rows", "200"]

    assert main(argv) == 0

    out = capsys.readouterr().out
    for line in (
        "sqlite: loaded 2,000 contacts",
        "sqlite: screen-pop look-up",
        "sqlite: same through SQLAlchemy",
        "sqlite: ANI look-up (normalise + indexed E.164 match)",
        "sqlite: floor (driver hop + SELECT 1)",
        "sqlite: suffix LIKE baseline",
        "sqlite: baseline / screen-pop look-up",
        "sqlite: CSV import",
    ):
        assert line in out
