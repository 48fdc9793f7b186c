"""A hotline's voice menu as data, and its loader with validation.

Owns ``Flow``, ``FlowError`` and ``load_flow``/``parse_flow``. A flow is refused as a whole
when any node is wrong; the error names the file, the line (from YAML's node marks) and the
node so the author can fix it. Node types live in ``nodes`` (re-exported here), their
parsing in ``node_parsers``; keeping the running version in service is ``library``'s job.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import FlowError, Source
from ivr.node_parsers import parse_node
from ivr.nodes import (
    BranchNode,
    CallbackNode,
    CollectNode,
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
    targets_of,
)

__all__ = [
    "BranchNode",
    "CallbackNode",
    "CollectNode",
    "Flow",
    "FlowError",
    "HangupNode",
    "HoursNode",
    "LanguageNode",
    "MenuNode",
    "Node",
    "PlayNode",
    "QueueNode",
    "SayStatusNode",
    "TransferNode",
    "VoicemailNode",
    "load_flow",
    "parse_flow",
]


@dataclass(frozen=True, slots=True)
class Flow:
    hotline: str
    name: str
    start: str
    nodes: Mapping[str, Node]
    language: str = "en"
    source: str = ""


def load_flow(path: Path) -> Flow:
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        lines = line_index(yaml.compose(text, Loader=yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        line = _error_line(exc)
        raise FlowError(f"cannot read flow: {exc}", file=str(path), line=line) from exc
    return parse_flow(raw, source=str(path), lines=lines)


def parse_flow(
    raw: object, *, source: str, lines: Mapping[tuple[str, ...], int] | None = None
) -> Flow:
    where = Source(source, lines or {})
    top = where.mapping(raw, ())
    nodes_raw = where.mapping(top.get("nodes"), ("nodes",))
    nodes = {str(k): parse_node(str(k), v, where) for k, v in nodes_raw.items()}
    flow = Flow(
        hotline=where.text(top, "hotline", ()),
        name=where.text(top, "name", ()),
        start=where.text(top, "start", ()),
        nodes=nodes,
        language=str(top.get("language", "en")),
        source=source,
    )
    _check_references(flow, where)
    return flow


def _check_references(flow: Flow, where: Source) -> None:
    if flow.start not in flow.nodes:
        raise where.error(("start",), f"start node {flow.start!r} does not exist")
    for node in flow.nodes.values():
        for field, target in targets_of(node):
            if target not in flow.nodes:
                message = f"goes to unknown node {target!r}"
                raise where.error(("nodes", node.id, *field), message)
    _check_instant_loops(flow, where)
    _check_status_sources(flow, where)


def _check_status_sources(flow: Flow, where: Source) -> None:
    """A ``say_status`` reads the caller's open request or what a ``collect`` stored."""
    stored = {n.store_as for n in flow.nodes.values() if isinstance(n, CollectNode)}
    for node in flow.nodes.values():
        if isinstance(node, SayStatusNode) and node.request not in {"caller", *stored}:
            message = f"request {node.request!r} is neither 'caller' nor a collect's store_as"
            raise where.error(("nodes", node.id, "request"), message)


def _check_instant_loops(flow: Flow, where: Source) -> None:
    """``branch`` and ``hours`` move on without the caller: a cycle of them never ends."""
    instant = {k for k, n in flow.nodes.items() if isinstance(n, BranchNode | HoursNode)}
    for first in sorted(instant):
        seen, frontier = {first}, [first]
        while frontier:
            node = flow.nodes[frontier.pop()]
            for _, target in targets_of(node):
                if target == first:
                    message = "branch/hours nodes loop back here without asking the caller"
                    raise where.error(("nodes", first), message)
                if target in instant and target not in seen:
                    seen.add(target)
                    frontier.append(target)


def line_index(root: yaml.Node | None) -> dict[tuple[str, ...], int]:
    """The 1-based line of every mapping key and list item, by its path from the top."""
    index: dict[tuple[str, ...], int] = {}
    _walk(root, (), index)
    return index


def _walk(node: Any, path: tuple[str, ...], index: dict[tuple[str, ...], int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            index[child] = key.start_mark.line + 1
            _walk(value, child, index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            child = (*path, str(position))
            index[child] = item.start_mark.line + 1
            _walk(item, child, index)


def _error_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return None if mark is None else int(mark.line) + 1
