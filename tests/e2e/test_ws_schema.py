"""The WebSocket protocol's JSON Schema (docs/websocket.schema.json): generated from the
models the edge validates with, and every frame a real call sends fits its envelope."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from agent_ws.schemas import COMMANDS
from agent_ws.ws_schema import ServerEnvelope, schema_document
from tests.e2e.harness import HOTLINE, agent_tab, ready_agent, running_stack
from tests.virtual_time import run_in_virtual_time

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "websocket.schema.json"


def test_the_committed_schema_is_what_the_code_generates() -> None:
    # Regenerate with: python -m agent_ws.ws_schema > docs/websocket.schema.json
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == schema_document()


def test_the_schema_lists_every_command_the_server_accepts() -> None:
    commands = schema_document()["$defs"]["client_command"]["oneOf"]
    types = {c["properties"]["type"]["const"] for c in commands}
    assert types == set(COMMANDS)


def test_every_frame_of_a_real_call_fits_the_server_envelope(tmp_path: Path) -> None:
    async def scenario() -> list[dict[str, object]]:
        async with running_stack(tmp_path) as stack:
            stack.sim.add_phone("1001", answer_after=1.0, talk_for=5.0)
            async with agent_tab(stack, "lead") as lead, ready_agent(stack, "alice") as alice:
                await stack.sim.place_call("+12125550100", HOTLINE, digits=["2"])
                await alice.expect("call_state", lambda d: d["state"] == "ended")
                await alice.command("wrap_up", disposition="resolved")
                await lead.expect("floor")
                return [*alice.seen, *lead.seen]

    frames = run_in_virtual_time(scenario())
    assert {f["type"] for f in frames} >= {"hello", "agent_state", "pop", "call_state", "ack"}
    for frame in frames:
        ServerEnvelope.model_validate(frame)


def test_an_unknown_server_type_does_not_fit() -> None:
    with pytest.raises(ValidationError):
        ServerEnvelope.model_validate({"v": 1, "seq": 1, "type": "x", "data": {}, "at": 0.0})
