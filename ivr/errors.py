"""``FlowError`` and ``Source``, the typed field readers that make every refusal precise.

Owns the wording of load errors: ``<file>:<line>: node '<id>': <what is wrong>``. The line
comes from the YAML node marks collected by ``flow.line_index``; a flow parsed from plain
data (no marks) gets ``<file>: node '<id>': ...``. Nothing here knows node types.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Path = tuple[str, ...]


class FlowError(ValueError):
    """A flow file that cannot be served; the message names the file, line and node."""

    def __init__(
        self, message: str, *, file: str = "", line: int | None = None, node: str | None = None
    ) -> None:
        place = file if line is None else f"{file}:{line}"
        prefix = f"{place}: " if place else ""
        about = f"node {node!r}: " if node is not None else ""
        super().__init__(f"{prefix}{about}{message}")
        self.file = file
        self.line = line
        self.node = node
        self.reason = message


@dataclass(frozen=True, slots=True)
class Source:
    """Where a flow came from, and how to read its fields with errors that point at them."""

    name: str
    lines: Mapping[Path, int]

    def error(self, path: Path, message: str) -> FlowError:
        node = path[1] if len(path) >= 2 and path[0] == "nodes" else None
        return FlowError(message, file=self.name, line=self._line(path), node=node)

    def _line(self, path: Path) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def mapping(self, value: object, path: Path) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            what = f"{path[-1]!r}" if path else "the file"
            raise self.error(path, f"{what} must be a mapping")
        return value

    def text(self, data: Mapping[str, Any], key: str, path: Path) -> str:
        value = data.get(key)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            raise self.error((*path, key), f"{key!r} is required")
        return str(value)

    def optional_text(self, data: Mapping[str, Any], key: str, path: Path, default: str) -> str:
        return self.text(data, key, path) if key in data else default

    def integer(
        self, data: Mapping[str, Any], key: str, path: Path, default: int, bounds: tuple[int, int]
    ) -> int:
        value = data.get(key, default)
        low, high = bounds
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.error((*path, key), f"{key} must be an integer {low}..{high}")
        return value

    def flag(self, data: Mapping[str, Any], key: str, path: Path) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.error((*path, key), f"{key} must be true or false")
        return value

    def prompts(
        self, data: Mapping[str, Any], key: str, path: Path, *, required: bool
    ) -> tuple[str, ...]:
        value = data.get(key, [] if not required else None)
        if not isinstance(value, list) or (required and not value):
            kind = "a non-empty list" if required else "a list"
            raise self.error((*path, key), f"{key!r} must be {kind} of prompt names")
        return tuple(str(p) for p in value)

    def choice(
        self, data: Mapping[str, Any], key: str, path: Path, allowed: tuple[str, ...]
    ) -> str:
        value = str(data.get(key, allowed[0]))
        if value not in allowed:
            raise self.error((*path, key), f"{key} must be one of {', '.join(allowed)}")
        return value
