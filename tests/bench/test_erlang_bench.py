"""The Erlang bench runs end to end at a tiny size through sim's driver (figures not judged)."""

import pytest

from bench.erlang import main


def test_the_erlang_bench_prints_erlang_c_and_erlang_a_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--calls", "3000", "--agents", "13"]) == 0
    out = capsys.readouterr().out
    assert "13 agents: measured SL" in out and "Erlang C" in out
    assert "abandon" in out and "Erlang A" in out
