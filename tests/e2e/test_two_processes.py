"""The shipped commands as separate processes: ``callcenter serve`` and ``callcenter sim``
talk over real AMI and FastAGI sockets; an agent signs in over REST and calls get answered
and recorded. Real time (two processes cannot share a virtual clock)."""

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from callcenter.cli import main as callcenter


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def answered_rows(db_file: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_file) as db:
        rows = db.execute(
            "SELECT call_id, agent_id FROM interactions"
            " WHERE outcome = 'answered' AND call_id NOT LIKE 'demo-%'"
        ).fetchall()
    return [(str(c), str(a)) for c, a in rows]


async def sign_alice_in(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(100):  # the daemon may still be starting
            try:
                login = await http.post(
                    "/api/login", json={"username": "alice", "password": "demo"}
                )
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.2)
        login.raise_for_status()
        (await http.post("/api/agent/sign-in")).raise_for_status()
        (await http.post("/api/agent/ready")).raise_for_status()


def test_serve_and_sim_as_two_processes_answer_and_record_calls(tmp_path: Path) -> None:
    db_file = tmp_path / "cc.db"
    ami, agi, web = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "CALLCENTER_DB_URL": f"sqlite+aiosqlite:///{db_file}",
        "CALLCENTER_AMI_PORT": str(ami),
        "CALLCENTER_AGI_PORT": str(agi),
        "CALLCENTER_HTTP_PORT": str(web),
        "CALLCENTER_AMI_AUTH": "md5",
    }
    assert callcenter(["db", "seed", "--db-url", env["CALLCENTER_DB_URL"]]) == 0
    cli = [sys.executable, "-m", "callcenter.cli"]
    sim_args = ["sim", "--ami-port", str(ami), "--agi-port", str(agi), "--call-every", "2"]
    # Logs go to files: a pipe nobody reads would fill up and stall the processes.
    with (
        (tmp_path / "serve.log").open("w") as serve_log,
        (tmp_path / "sim.log").open("w") as sim_log,
    ):
        serve = subprocess.Popen([*cli, "serve"], env=env, stdout=serve_log, stderr=serve_log)
        sim = subprocess.Popen([*cli, *sim_args], env=env, stdout=sim_log, stderr=sim_log)
        run_both(serve, sim, db_file, web)


def run_both(
    serve: subprocess.Popen[bytes], sim: subprocess.Popen[bytes], db_file: Path, web: int
) -> None:
    try:
        asyncio.run(sign_alice_in(f"http://127.0.0.1:{web}"))
        for _ in range(300):
            if answered_rows(db_file):
                break
            assert serve.poll() is None and sim.poll() is None, "a process died"
            asyncio.run(asyncio.sleep(0.2))
        assert any(agent == "alice" for _, agent in answered_rows(db_file))
    finally:
        for process in (sim, serve):
            process.terminate()
            process.wait(timeout=10)
