"""One parser per node ``type:``, turning a flow file's mapping into a checked node.

Owns the field names, defaults and bounds of each node type as they appear in YAML. Errors
go through ``Source`` so they name the file, the line and the node. Cross-node checks (does
a target exist?) belong to ``flow``.
"""

from collections.abc import Callable, Mapping
from typing import Any

from ivr.errors import Path, Source
from ivr.hours import parse_hours
from ivr.nodes import (
    BranchNode,
    CallbackNode,
    CollectNode,
    Condition,
    HangupNode,
    HoursNode,
    LanguageNode,
    MenuNode,
    Node,
    PlayNode,
    QueueNode,
    SayStatusNode,
    TransferNode,
    VoicemailNode,
)

DTMF = frozenset("0123456789*#")
Fields = Mapping[str, Any]
Parser = Callable[[str, Fields, Source, Path], Node]
TIMEOUT = (500, 60000)
RETRIES = (0, 9)


def parse_node(node_id: str, raw: object, src: Source) -> Node:
    path = ("nodes", node_id)
    data = src.mapping(raw, path)
    kind = str(data.get("type"))
    parser = PARSERS.get(kind)
    if parser is None:
        known = ", ".join(PARSERS)
        raise src.error((*path, "type"), f"unknown type {data.get('type')!r} ({known})")
    return parser(node_id, data, src, path)


def _play(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    prompts = src.prompts(data, "prompts", path, required=True)
    interruptible = src.flag(data, "interruptible", path)
    return PlayNode(node_id, prompts, src.text(data, "next", path), interruptible)


def _menu(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    return MenuNode(
        id=node_id,
        prompt=src.text(data, "prompt", path),
        options=_keys(data, src, path),
        default=src.text(data, "default", path),
        timeout_ms=src.integer(data, "timeout_ms", path, 5000, TIMEOUT),
        max_retries=src.integer(data, "max_retries", path, 2, RETRIES),
        invalid_prompt=src.optional_text(data, "invalid_prompt", path, "cc-invalid"),
        timeout_prompt=src.optional_text(data, "timeout_prompt", path, "cc-no-input"),
    )


def _keys(data: Fields, src: Source, path: Path) -> dict[str, str]:
    options = src.mapping(data.get("options"), (*path, "options"))
    for key in options:
        if str(key) not in DTMF:
            raise src.error((*path, "options", str(key)), f"option {key!r} is not one DTMF key")
    return {str(k): str(v) for k, v in options.items()}


def _queue(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    skills = src.mapping(data.get("skills", {}), (*path, "skills"))
    levels: dict[str, int] = {}
    for skill, level in skills.items():
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 10:
            raise src.error((*path, "skills", str(skill)), "skill level must be an integer 1..10")
        levels[str(skill)] = level
    boost = src.integer(data, "priority_boost", path, 0, (0, 100))
    return QueueNode(node_id, src.text(data, "queue", path), levels, boost)


def _hangup(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    return HangupNode(node_id, src.prompts(data, "prompts", path, required=False))


def _collect(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    if str(data.get("terminator", "#")) != "#":
        raise src.error((*path, "terminator"), "terminator must be '#' (GET DATA ends on '#')")
    low = src.integer(data, "min_digits", path, 1, (1, 20))
    high = src.integer(data, "max_digits", path, max(low, 10), (low, 20))
    return CollectNode(
        id=node_id,
        prompt=src.text(data, "prompt", path),
        next=src.text(data, "next", path),
        default=src.text(data, "default", path),
        store_as=src.optional_text(data, "store_as", path, node_id),
        min_digits=low,
        max_digits=high,
        validate=src.choice(data, "validate", path, ("none", "account", "request", "phone")),
        timeout_ms=src.integer(data, "timeout_ms", path, 5000, TIMEOUT),
        max_retries=src.integer(data, "max_retries", path, 2, RETRIES),
        invalid_prompt=src.optional_text(data, "invalid_prompt", path, "cc-invalid"),
        timeout_prompt=src.optional_text(data, "timeout_prompt", path, "cc-no-input"),
        secret=src.flag(data, "secret", path),
    )


def _hours(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    hours = parse_hours(data, src, path)
    return HoursNode(node_id, hours, src.text(data, "open", path), src.text(data, "closed", path))


def _language(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    options = _keys(data, src, path)
    default = src.text(data, "default", path)
    if default not in options.values():
        raise src.error((*path, "default"), f"default language {default!r} is not an option")
    return LanguageNode(
        id=node_id,
        prompt=src.text(data, "prompt", path),
        options=options,
        next=src.text(data, "next", path),
        default=default,
        timeout_ms=src.integer(data, "timeout_ms", path, 5000, TIMEOUT),
        max_retries=src.integer(data, "max_retries", path, 1, RETRIES),
        invalid_prompt=src.optional_text(data, "invalid_prompt", path, "cc-invalid"),
    )


def _branch(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise src.error((*path, "rules"), "'rules' must be a non-empty list")
    rules = []
    for position, rule_raw in enumerate(rules_raw):
        rule_path = (*path, "rules", str(position))
        rule = src.mapping(rule_raw, rule_path)
        when = _condition(src.mapping(rule.get("when"), (*rule_path, "when")), src, rule_path)
        rules.append((when, src.text(rule, "next", rule_path)))
    return BranchNode(node_id, tuple(rules), src.text(data, "default", path))


def _condition(when: Fields, src: Source, path: Path) -> Condition:
    unknown = set(when) - {"known", "tier", "open_request", "verified"}
    if unknown:
        raise src.error((*path, "when"), f"unknown condition {sorted(unknown)[0]!r}")
    tiers = when.get("tier")
    if isinstance(tiers, str):
        tiers = [tiers]
    if tiers is not None and not isinstance(tiers, list):
        raise src.error((*path, "when", "tier"), "tier must be a name or a list of names")

    def fact(key: str) -> bool | None:
        return src.flag(when, key, (*path, "when")) if key in when else None

    return Condition(
        known=fact("known"),
        tiers=None if tiers is None else frozenset(str(t) for t in tiers),
        open_request=fact("open_request"),
        verified=fact("verified"),
    )


def _say_status(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    following = src.text(data, "next", path)
    return SayStatusNode(
        id=node_id,
        request=src.optional_text(data, "request", path, "caller"),
        next=following,
        missing=src.optional_text(data, "missing", path, following),
    )


def _callback(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    low = src.integer(data, "min_digits", path, 6, (1, 20))
    return CallbackNode(
        id=node_id,
        queue=src.text(data, "queue", path),
        default=src.text(data, "default", path),
        prompt=src.optional_text(data, "prompt", path, "cc-callback-on"),
        options_prompt=src.optional_text(data, "options_prompt", path, "cc-callback-options"),
        enter_prompt=src.optional_text(data, "enter_prompt", path, "cc-enter-number"),
        min_digits=low,
        max_digits=src.integer(data, "max_digits", path, max(low, 15), (low, 20)),
        timeout_ms=src.integer(data, "timeout_ms", path, 5000, TIMEOUT),
        max_retries=src.integer(data, "max_retries", path, 2, RETRIES),
        goodbye=src.prompts(data, "goodbye", path, required=False),
    )


def _voicemail(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    prompts = src.prompts(data, "prompts", path, required=False)
    return VoicemailNode(node_id, src.text(data, "team", path), prompts)


def _transfer(node_id: str, data: Fields, src: Source, path: Path) -> Node:
    number = src.text(data, "number", path)
    if not number.removeprefix("+").isdigit():
        raise src.error((*path, "number"), f"number {number!r} must be digits, optionally +")
    return TransferNode(node_id, number, src.prompts(data, "prompts", path, required=False))


PARSERS: dict[str, Parser] = {
    "play": _play,
    "menu": _menu,
    "queue": _queue,
    "hangup": _hangup,
    "collect": _collect,
    "hours": _hours,
    "language": _language,
    "branch": _branch,
    "say_status": _say_status,
    "callback": _callback,
    "voicemail": _voicemail,
    "transfer": _transfer,
}
