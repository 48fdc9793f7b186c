"""Access to the recorded Asterisk 22 transcripts in tests/fixtures/asterisk.

Owns: loading the byte-exact ``*.rx.txt``/``*.tx.txt`` files and their ``*.jsonl``
records for the tests. Reads only the project's own copy of the fixtures.
"""

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "asterisk"

AMI_TRANSCRIPTS = sorted(p.name.removesuffix(".ami.rx.txt") for p in FIXTURES.glob("*.ami.rx.txt"))
AGI_TRANSCRIPTS = sorted(p.name.removesuffix(".agi.rx.txt") for p in FIXTURES.glob("*.agi.rx.txt"))


def read_bytes(name: str, suffix: str) -> bytes:
    """``suffix`` like ``ami.rx.txt``."""
    return (FIXTURES / f"{name}.{suffix}").read_bytes()


def records(name: str, protocol: str) -> list[dict[str, Any]]:
    path = FIXTURES / f"{name}.{protocol}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def ami_rx_records(name: str) -> list[dict[str, Any]]:
    """Received AMI frames (banner, responses, events), without the eof marker."""
    return [r for r in records(name, "ami") if r["dir"] == "rx" and r["kind"] != "eof"]


def ami_frames_by_action_id(name: str, action_id: str) -> list[bytes]:
    """Raw received frames that carry ``ActionID: action_id`` (a response and its list)."""
    return [
        r["raw"].encode() for r in ami_rx_records(name) if ["ActionID", action_id] in r["headers"]
    ]


def ami_raw_event(name: str, event: str) -> bytes:
    """The first received frame of one event type."""
    for r in ami_rx_records(name):
        if r["kind"] == "event" and r["headers"][0] == ["Event", event]:
            return str(r["raw"]).encode()
    raise LookupError(event)
