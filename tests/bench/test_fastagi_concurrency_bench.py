"""The FastAGI concurrency bench runs end to end at a tiny size (figures are not judged)."""

import pytest

from callcenter.cli import main


def test_fastagi_concurrency_bench_loses_no_session_and_prints_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["bench", "fastagi-concurrency", "--sessions", "20", "--baseline", "5",
                 "--media-ms", "5"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "load: 20 sessions, peak 20 open at once" in out
    assert "completed 20, handled by the server 20, lost 0" in out
    for figure in ("commands/s", "turnaround", "p99", "KiB per open session", "CPU: server"):
        assert figure in out
    assert "sessions lost: 0" in out
