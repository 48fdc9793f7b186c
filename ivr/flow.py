"""A hotline's voice menu as data, and its loader with validation.

Owns the node types and ``load_flow``/``parse_flow``. A flow is refused as a whole when any
node is wrong; the error names the file and the node so the author can fix it. The
running version of a hotline stays in service when a new file is refused.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DTMF = frozenset("0123456789*#")


class FlowError(ValueError):
    """A flow file that cannot be served; the message names the file and the node."""


@dataclass(frozen=True, slots=True)
class PlayNode:
    id: str
    prompts: tuple[str, ...]
    next: str
    interruptible: bool = False


@dataclass(frozen=True, slots=True)
class MenuNode:
    id: str
    prompt: str
    options: Mapping[str, str]
    default: str
    timeout_ms: int = 5000
    max_retries: int = 2
    invalid_prompt: str = "cc-invalid"
    timeout_prompt: str = "cc-no-input"


@dataclass(frozen=True, slots=True)
class QueueNode:
    id: str
    queue: str
    skills: Mapping[str, int]
    priority_boost: int = 0


@dataclass(frozen=True, slots=True)
class HangupNode:
    id: str
    prompts: tuple[str, ...] = ()


Node = PlayNode | MenuNode | QueueNode | HangupNode


@dataclass(frozen=True, slots=True)
class Flow:
    hotline: str
    name: str
    start: str
    nodes: Mapping[str, Node]
    language: str = "en"


def load_flow(path: Path) -> Flow:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FlowError(f"{path}: cannot read flow: {exc}") from exc
    return parse_flow(raw, source=str(path))


def parse_flow(raw: object, *, source: str) -> Flow:
    top = _mapping(raw, source, "the file")
    nodes_raw = _mapping(top.get("nodes"), source, "'nodes'")
    nodes = {str(k): _parse_node(str(k), v, source) for k, v in nodes_raw.items()}
    flow = Flow(
        hotline=_text(top, "hotline", source, "the file"),
        name=_text(top, "name", source, "the file"),
        start=_text(top, "start", source, "the file"),
        nodes=nodes,
        language=str(top.get("language", "en")),
    )
    _check_references(flow, source)
    return flow


def _parse_node(node_id: str, raw: object, source: str) -> Node:
    where = f"node {node_id!r}"
    data = _mapping(raw, source, where)
    kind = data.get("type")
    if kind == "play":
        prompts = _prompts(data, source, where)
        interruptible = bool(data.get("interruptible", False))
        return PlayNode(node_id, prompts, _text(data, "next", source, where), interruptible)
    if kind == "menu":
        return _parse_menu(node_id, data, source, where)
    if kind == "queue":
        skills = _mapping(data.get("skills", {}), source, f"{where} skills")
        levels = {str(k): _level(v, source, where) for k, v in skills.items()}
        boost = _int(data.get("priority_boost", 0), source, where, "priority_boost", 0, 100)
        return QueueNode(node_id, _text(data, "queue", source, where), levels, boost)
    if kind == "hangup":
        prompts = tuple(str(p) for p in data.get("prompts", ()))
        return HangupNode(node_id, prompts)
    raise FlowError(f"{source}: {where}: unknown type {kind!r} (play, menu, queue, hangup)")


def _parse_menu(node_id: str, data: Mapping[str, Any], source: str, where: str) -> MenuNode:
    options = _mapping(data.get("options"), source, f"{where} options")
    for digit in options:
        if str(digit) not in DTMF:
            raise FlowError(f"{source}: {where}: option {digit!r} is not one DTMF key")
    return MenuNode(
        id=node_id,
        prompt=_text(data, "prompt", source, where),
        options={str(k): str(v) for k, v in options.items()},
        default=_text(data, "default", source, where),
        timeout_ms=_int(data.get("timeout_ms", 5000), source, where, "timeout_ms", 500, 60000),
        max_retries=_int(data.get("max_retries", 2), source, where, "max_retries", 0, 9),
        invalid_prompt=str(data.get("invalid_prompt", "cc-invalid")),
        timeout_prompt=str(data.get("timeout_prompt", "cc-no-input")),
    )


def _check_references(flow: Flow, source: str) -> None:
    if flow.start not in flow.nodes:
        raise FlowError(f"{source}: start node {flow.start!r} does not exist")
    for node in flow.nodes.values():
        targets: list[str] = []
        if isinstance(node, PlayNode):
            targets = [node.next]
        elif isinstance(node, MenuNode):
            targets = [*node.options.values(), node.default]
        for target in targets:
            if target not in flow.nodes:
                raise FlowError(f"{source}: node {node.id!r}: goes to unknown node {target!r}")


def _mapping(value: object, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FlowError(f"{source}: {where} must be a mapping")
    return value


def _text(data: Mapping[str, Any], key: str, source: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or str(value) == "":
        raise FlowError(f"{source}: {where}: {key!r} is required")
    return str(value)


def _prompts(data: Mapping[str, Any], source: str, where: str) -> tuple[str, ...]:
    prompts = data.get("prompts")
    if not isinstance(prompts, list) or not prompts:
        raise FlowError(f"{source}: {where}: 'prompts' must be a non-empty list")
    return tuple(str(p) for p in prompts)


def _level(value: object, source: str, where: str) -> int:
    return _int(value, source, where, "skill level", 1, 10)


def _int(value: object, source: str, where: str, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise FlowError(f"{source}: {where}: {name} must be an integer {low}..{high}")
    return value
