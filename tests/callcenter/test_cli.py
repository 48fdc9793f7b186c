"""The ``callcenter`` command: database maintenance, and clear failures at start."""

import socket
from pathlib import Path

import pytest

from callcenter.cli import main


def test_db_upgrade_then_seed_creates_a_usable_demo_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}"
    assert main(["db", "upgrade", "--db-url", url]) == 0
    assert main(["db", "seed", "--db-url", url]) == 0
    assert main(["db", "seed", "--db-url", url]) == 0
    out = capsys.readouterr().out
    assert "users=5, agents=3" in out
    assert "users=0, agents=0" in out  # seeding twice changes nothing


def test_a_bad_setting_stops_with_exit_code_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLCENTER_AGI_PORT", "not-a-port")
    assert main(["db", "upgrade"]) == 2
    assert "CALLCENTER_AGI_PORT='not-a-port'" in capsys.readouterr().err


def test_serve_on_a_port_in_use_says_so_and_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        url = f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}"
        assert main(["serve", "--http-port", str(port), "--agi-port", "0", "--db-url", url]) == 1
    assert "address already in use" in capsys.readouterr().err.lower()


def test_bench_runs_a_benchmark_and_prints_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "routing", "--samples", "50"]) == 0
    out = capsys.readouterr().out
    assert "1000 agents x 500 waiting x 20 skills" in out
    assert "10,000 / 1,000 agents" in out


def test_bench_with_only_options_runs_the_end_to_end_bench_and_names_still_pick_a_bench() -> None:
    from callcenter.cli import with_default_bench

    assert with_default_bench(["bench", "--profile", "quick"]) == [
        "bench", "e2e", "--profile", "quick"
    ]  # fmt: skip
    assert with_default_bench(["--log-level", "INFO", "bench"]) == [
        "--log-level",
        "INFO",
        "bench",
        "e2e",
    ]
    assert with_default_bench(["bench", "routing", "--samples", "5"]) == [
        "bench", "routing", "--samples", "5"
    ]  # fmt: skip
    assert with_default_bench(["bench", "--help"]) == ["bench", "--help"]
    assert with_default_bench(["demo", "--db", "bench"]) == ["demo", "--db", "bench"]
