"""Reading channel variables and dialplan functions, and ``${...}`` substitution.

Owns: what ``GET VARIABLE``, ``GET FULL VARIABLE`` and AMI ``Getvar`` see: channel
variables (looked up without their ``_``/``__`` inheritance prefix, as Asterisk does),
the built-ins ``EXTEN CONTEXT PRIORITY CHANNEL UNIQUEID LINKEDID HANGUPCAUSE``, the
functions ``CALLERID(num|name|all)``, ``CONNECTEDLINE(num|name)``, ``CHANNEL(...)``,
then globals. Must not change anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sim.channel import Channel

_EXPR = re.compile(r"\$\{([^{}]*)\}")
_FUNC = re.compile(r"^([A-Z_]+)\((.*)\)$", re.IGNORECASE)


def _callerid(ch: Channel, arg: str) -> str | None:
    field = arg.strip().lower()
    if field in ("num", "number"):
        return ch.caller_num
    if field == "name":
        return ch.caller_name
    if field == "all":
        return f'"{ch.caller_name}" <{ch.caller_num}>'
    return None


def _connectedline(ch: Channel, arg: str) -> str | None:
    field = arg.strip().lower()
    if field in ("num", "number"):
        return ch.connected_num
    if field == "name":
        return ch.connected_name
    return None


def _channel_func(ch: Channel, arg: str) -> str | None:
    values = {
        "language": ch.language,
        "accountcode": ch.accountcode,
        "name": ch.name,
        "uniqueid": ch.uniqueid,
        "linkedid": ch.linkedid,
        "channeltype": ch.tech,
        "state": str(ch.state),
    }
    return values.get(arg.strip().lower())


_FUNCTIONS: dict[str, Callable[[Channel, str], str | None]] = {
    "CALLERID": _callerid,
    "CONNECTEDLINE": _connectedline,
    "CHANNEL": _channel_func,
}


def _builtin(ch: Channel, name: str) -> str | None:
    values = {
        "EXTEN": ch.exten,
        "CONTEXT": ch.context,
        "PRIORITY": str(ch.priority),
        "CHANNEL": ch.name,
        "UNIQUEID": ch.uniqueid,
        "LINKEDID": ch.linkedid,
        "HANGUPCAUSE": str(ch.hangup_cause),
    }
    return values.get(name)


def read_variable(ch: Channel | None, name: str, globals_: dict[str, str]) -> str | None:
    """The value of a variable or function as Asterisk would read it, or None if unset."""
    name = name.strip()
    if ch is not None:
        match = _FUNC.match(name)
        if match is not None:
            func = _FUNCTIONS.get(match.group(1).upper())
            return func(ch, match.group(2)) if func is not None else None
        bare = name.lstrip("_")
        if bare in ch.variables:
            return ch.variables[bare]
        builtin = _builtin(ch, bare)
        if builtin is not None:
            return builtin
    return globals_.get(name.lstrip("_"))


def substitute(ch: Channel | None, text: str, globals_: dict[str, str]) -> str:
    """Replace every ``${NAME}`` / ``${FUNC(arg)}`` in ``text`` (unset reads as empty)."""
    return _EXPR.sub(lambda m: read_variable(ch, m.group(1), globals_) or "", text)
