"""Small flows for the interpreter and runner tests, built from plain data."""

from typing import Any

from ivr.flow import Flow, parse_flow

END = {
    "done": {"type": "hangup", "prompts": ["cc-goodbye"]},
    "agent": {"type": "queue", "queue": "support", "skills": {"support": 3}},
}


def flow_of(start: str, **nodes: dict[str, Any]) -> Flow:
    """A flow starting at ``start`` with ``nodes`` plus the ``done`` and ``agent`` ends."""
    raw = {"hotline": "8005550000", "name": "Test", "start": start, "nodes": {**END, **nodes}}
    return parse_flow(raw, source="test.yaml")


ACCOUNT = {
    "type": "collect",
    "prompt": "cc-enter-account",
    "min_digits": 4,
    "max_digits": 8,
    "validate": "account",
    "store_as": "account",
    "max_retries": 1,
    "next": "done",
    "default": "agent",
}
PIN = {
    "type": "collect",
    "prompt": "cc-enter-pin",
    "min_digits": 4,
    "max_digits": 4,
    "secret": True,
    "next": "done",
    "default": "agent",
}
HOURS = {
    "type": "hours",
    "timezone": "Asia/Shanghai",
    "week": {"mon": "09:00-12:00, 13:00-18:00", "sat": "09:00-12:00"},
    "holidays": ["2026-10-01"],
    "open": "agent",
    "closed": "done",
}
LANGUAGE = {
    "type": "language",
    "prompt": "cc-choose-language",
    "options": {"1": "zh", "2": "en"},
    "default": "zh",
    "next": "agent",
}
BRANCH = {
    "type": "branch",
    "rules": [
        {"when": {"known": True, "tier": ["gold", "platinum"]}, "next": "vip"},
        {"when": {"open_request": True}, "next": "status"},
    ],
    "default": "agent",
}
VIP = {"type": "queue", "queue": "support", "priority_boost": 10}
STATUS = {"type": "say_status", "request": "caller", "next": "done", "missing": "agent"}
CALLBACK = {"type": "callback", "queue": "support", "default": "agent", "goodbye": ["cc-bye"]}
