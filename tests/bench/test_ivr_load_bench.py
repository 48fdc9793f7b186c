"""The IVR load bench runs end to end at a tiny size (figures are not judged)."""

import re

import pytest

from bench.ivr_load import HOTLINE, KNOWN, caller_scripts
from callcenter.cli import main


def test_ivr_load_bench_records_every_call_and_prints_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["bench", "ivr", "--callers", "10", "--baseline", "4", "--ramp", "1",
                 "--prompt-seconds", "0.1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "calls: placed 10, ended 10, interaction rows 10, lost 0" in out
    assert "calls: placed 4, ended 4, interaction rows 4, lost 0" in out
    assert "outcomes: CRM self_served 10" in out
    peak = re.search(r"load: 10 callers; peak (\d+) IVR sessions", out)
    assert peak is not None and int(peak.group(1)) > 1
    for figure in ("think time per command: p50", "round trip", "p99", "CPU seconds: daemon"):
        assert figure in out
    assert "calls lost: 0" in out


def test_the_caller_mix_has_both_languages_known_and_unknown_callers_and_both_endings() -> None:
    scripts = caller_scripts(12)
    assert {s.dnis for s in scripts} == {HOTLINE}
    assert {s.digits[0] for s in scripts} == {"1", "2"}
    assert {s.ani in KNOWN for s in scripts} == {True, False}
    assert {s.digits[-1] == "9" for s in scripts} == {True, False}
