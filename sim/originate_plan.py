"""What an AMI ``Originate`` asks for, and how its outcome is reported.

Owns: validating the action (with Asterisk's error messages), ``Plan`` (the parsed
request) and ``report``, the ``OriginateResponse`` event of an ``Async`` Originate with
its ActionID and the header order of fixture e1. Must not place calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.ami_codec import Request
from sim.channel import Channel, Location
from sim.pbx import Pbx

DEFAULT_TIMEOUT_MS = 30000


@dataclass(frozen=True)
class Plan:
    action_id: str
    channel: str
    application: str
    data: str
    target: Location | None
    timeout: float
    cid_num: str
    cid_name: str
    variables: list[tuple[str, str]]
    channel_id: str
    other_channel_id: str
    is_async: bool


def _callerid(text: str) -> tuple[str, str]:
    """``"Name" <num>`` -> (num, name); a bare value is the number."""
    if "<" in text and text.endswith(">"):
        name, _, num = text[:-1].partition("<")
        return num.strip(), name.strip().strip('"')
    return text.strip(), ""


def _error(req: Request) -> str:
    if not req.get("Channel"):
        return "Channel not specified"
    if "/" not in req.get("Channel"):
        return "Invalid channel"
    if not req.get("Application") and not (req.get("Priority", "1").strip() or "1").isdigit():
        return "Invalid priority"
    timeout = req.get("Timeout").strip()
    if timeout and not timeout.lstrip("-").isdigit():
        return "Invalid timeout"
    return ""


def parse_plan(req: Request) -> Plan | str:
    """The validated request, or the error message Asterisk would answer."""
    error = _error(req)
    if error:
        return error
    app, timeout = req.get("Application"), req.get("Timeout").strip()
    priority = int(req.get("Priority", "1").strip() or "1") if not app else 1
    num, name = _callerid(req.get("CallerID"))
    target = (
        None
        if app
        else Location(req.get("Context") or "default", req.get("Exten") or "s", priority)
    )
    pairs = (item.partition("=") for item in req.get_all("Variable"))
    return Plan(
        action_id=req.action_id,
        channel=req.get("Channel"),
        application=app,
        data=req.get("Data"),
        target=target,
        timeout=(int(timeout) if timeout and int(timeout) > 0 else DEFAULT_TIMEOUT_MS) / 1000,
        cid_num=num,
        cid_name=name,
        variables=[(key, value) for key, _, value in pairs if key],
        channel_id=req.get("ChannelId"),
        other_channel_id=req.get("OtherChannelId"),
        is_async=req.get("Async").lower() in ("true", "yes", "1", "on"),
    )


def report(pbx: Pbx, plan: Plan, ch: Channel | None, reason: int) -> None:
    """OriginateResponse, for Async only (a synchronous Originate just responds)."""
    if not plan.is_async:
        return
    where = (
        [("Application", plan.application), ("Data", plan.data)]
        if plan.target is None
        else [("Context", plan.target.context), ("Exten", plan.target.exten)]
    )
    pbx.emit(
        [
            ("Event", "OriginateResponse"),
            ("Privilege", "call,all"),
            *([("ActionID", plan.action_id)] if plan.action_id else []),
            ("Response", "Success" if ch is not None else "Failure"),
            ("Channel", ch.name if ch is not None else plan.channel),
            *where,
            ("Reason", str(reason)),
            ("Uniqueid", ch.uniqueid if ch is not None else "<unknown>"),
            ("CallerIDNum", plan.cid_num or "<unknown>"),
            ("CallerIDName", plan.cid_name or "<unknown>"),
        ]
    )
