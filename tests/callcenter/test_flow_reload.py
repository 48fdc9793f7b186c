"""Reloading flows in the running daemon: refused files keep their version; a flow that
routes to a queue the ACD lacks is reported at reload time, not discovered by a caller."""

import logging
import shutil
from pathlib import Path

import pytest

from acd.engine import AcdEngine
from callcenter.app import load_flows, queues_of, reload_flows
from callcenter.settings import PACKAGE_DIR
from tests.acd.fakes import VirtualTime


def engine_for(flows_dir: Path) -> AcdEngine:
    time = VirtualTime()
    queues = queues_of(load_flows(flows_dir), 30)
    return AcdEngine(queues, clock=time, scheduler=time, publish=lambda e: None)


def test_a_broken_file_is_refused_and_the_running_flow_stays(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(PACKAGE_DIR / "flows" / "main.yaml", tmp_path / "main.yaml")
    flows = load_flows(tmp_path)
    engine = engine_for(tmp_path)
    running = flows["8005551234"]
    (tmp_path / "main.yaml").write_text("hotline: [broken", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        report = reload_flows(flows, engine)
    assert not report.clean
    assert flows["8005551234"] is running
    assert "running version stays in service" in caplog.text


def test_a_flow_routing_to_an_unknown_queue_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    main = (PACKAGE_DIR / "flows" / "main.yaml").read_text(encoding="utf-8")
    (tmp_path / "main.yaml").write_text(main, encoding="utf-8")
    flows = load_flows(tmp_path)
    engine = engine_for(tmp_path)
    (tmp_path / "main.yaml").write_text(main.replace("queue: sales", "queue: billing"), "utf-8")
    with caplog.at_level(logging.ERROR):
        report = reload_flows(flows, engine)
    assert report.changed == ("8005551234",)
    assert "routes to queues the ACD does not have: {'billing'}" in caplog.text
