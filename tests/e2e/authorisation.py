"""The authorisation matrix as observed: every REST operation of the running daemon called
by each role, and every WebSocket command sent by each role (tests/e2e/test_authorisation_matrix.py
compares it with docs/authorisation.md; ``python -m tests.e2e.authorisation`` prints it)."""

import asyncio
import json
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from agent_ws.schemas import COMMANDS
from tests.e2e.harness import Stack, http_client, log_in, running_stack

#: Who calls: a user of each role from the seeded CRM, and nobody logged in.
ROLES = {"anonymous": None, "agent": "alice", "supervisor": "lead", "admin": "admin"}
PASSWORDS = {"alice": "demo", "lead": "demo", "admin": "admin"}
#: Run last: it ends the caller's session.
LAST = {("POST", "/api/logout")}
DUMMY = {"integer": "999999", "number": "999999"}


def verdict(status: int) -> str:
    """401: needs a login; 403: the role is refused; anything else got past the checks."""
    return {401: "login", 403: "deny"}.get(status, "allow")


def fill(path: str, parameters: list[dict[str, Any]]) -> str:
    for p in parameters:
        if p.get("in") == "path":
            kind = p.get("schema", {}).get("type", "string")
            path = path.replace("{" + p["name"] + "}", DUMMY.get(kind, "nobody"))
    return path


@asynccontextmanager
async def clients(stack: Stack) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with AsyncExitStack() as exits:
        found: dict[str, httpx.AsyncClient] = {}
        for role, user in ROLES.items():
            client = await exits.enter_async_context(http_client(stack))
            if user is not None:
                await log_in(client, user, PASSWORDS[user])
            found[role] = client
        yield found


async def rest_matrix(stack: Stack) -> dict[tuple[str, str], dict[str, str]]:
    async with clients(stack) as by_role:
        schema = (await by_role["anonymous"].get("/openapi.json")).json()
        operations = [
            (method.upper(), path, op.get("parameters", []))
            for path, item in schema["paths"].items()
            for method, op in item.items()
        ]
        operations.sort(key=lambda o: ((o[0], o[1]) in LAST, o[1], o[0]))
        matrix: dict[tuple[str, str], dict[str, str]] = {}
        for method, path, parameters in operations:
            url = fill(path, parameters)
            row = matrix.setdefault((method, path), {})
            for role, client in by_role.items():
                body: dict[str, object] | None = {} if method in ("POST", "PUT", "PATCH") else None
                answer = await client.request(method, url, json=body)
                row[role] = verdict(answer.status_code)
        return matrix


async def ws_matrix(stack: Stack) -> dict[str, dict[str, str]]:
    """Each command type sent by each role with a socket: ``ack`` or the error's code."""
    matrix: dict[str, dict[str, str]] = {}
    async with clients(stack) as by_role:
        for role in ("agent", "supervisor", "admin"):
            session = (await by_role[role].get("/api/session")).json()
            url = stack.base_url.replace("http", "ws", 1) + f"/ws?token={session['ws_token']}"
            async with connect(url) as ws:
                for n, kind in enumerate(sorted(COMMANDS)):
                    await ws.send(json.dumps(sample_command(kind, n)))
                    while True:
                        message = json.loads(await ws.recv())
                        if message["type"] in ("ack", "error") and message["data"]["id"] == n:
                            break
                    outcome = "ack" if message["type"] == "ack" else message["data"]["code"]
                    matrix.setdefault(kind, {})[role] = outcome
    return matrix


def sample_command(kind: str, n: int) -> dict[str, object]:
    """A well-formed command of each type (its fields as docs/websocket.md lists them)."""
    extras: dict[str, dict[str, object]] = {
        "not_ready": {"reason": "Break"},
        "wrap_up": {"disposition": "resolved"},
    }
    extra = extras.get(kind, {})
    return {"type": kind, "id": n, **extra}


def render(rest: dict[tuple[str, str], dict[str, str]], ws: dict[str, dict[str, str]]) -> str:
    roles = list(ROLES)
    lines = [
        "| method | path | " + " | ".join(roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for (method, path), row in sorted(rest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lines.append(f"| {method} | `{path}` | " + " | ".join(row[r] for r in roles) + " |")
    lines += ["", "| WebSocket command | agent | supervisor | admin |", "|---|---|---|---|"]
    for kind, row in sorted(ws.items()):
        lines.append(f"| `{kind}` | {row['agent']} | {row['supervisor']} | {row['admin']} |")
    return "\n".join(lines) + "\n"


async def observe() -> str:
    with tempfile.TemporaryDirectory() as scratch:
        async with running_stack(Path(scratch), prompt_seconds=0.1) as stack:
            ws = await ws_matrix(stack)
            rest = await rest_matrix(stack)
    return render(rest, ws)


if __name__ == "__main__":
    print(asyncio.run(observe()), end="")
