"""The WebSocket protocol as JSON Schema: every client command and the server's envelope.

Owns the machine-readable half of ``docs/websocket.md`` (the prose half says what each
message means). The commands are the very pydantic models the edge validates with, so the
schema cannot drift from what the server accepts; the server envelope is a model too, and
the tests hold real messages against it. ``python -m agent_ws.ws_schema`` prints the
document committed as ``docs/websocket.schema.json`` (a test keeps the two equal).
"""

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter

from .hub import PROTOCOL_VERSION
from .schemas import COMMANDS

#: Every ``type`` the server sends (docs/websocket.md, "Server → client types").
ServerType = Literal[
    "hello",
    "snapshot",
    "agent_state",
    "pop",
    "call_state",
    "floor",
    "ack",
    "error",
    "campaign_state",
    "campaign_preview",
    "campaign_pop",
]


class ServerEnvelope(BaseModel):
    """One server → client frame: protocol version, stream position, type, data, time."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1]
    seq: int
    type: ServerType
    data: dict[str, Any]
    at: float


def schema_document() -> dict[str, Any]:
    commands = [model.model_json_schema() for model in COMMANDS.values()]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Call centre agent desk WebSocket protocol, version {PROTOCOL_VERSION}",
        "description": "Client commands and the server's envelope; see docs/websocket.md.",
        "$defs": {
            "client_command": {"oneOf": commands},
            "server_envelope": TypeAdapter(ServerEnvelope).json_schema(),
        },
    }


def main() -> None:
    print(json.dumps(schema_document(), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
