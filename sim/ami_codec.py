"""Reading AMI action frames from a client, with Asterisk's limits.

Owns: ``Request`` (an action's ordered headers) and ``FrameReader``, which turns the
client's bytes into requests: CRLF (or LF) lines, a blank line ends a frame, keys are
matched case-insensitively and the value starts after ``:`` and blanks, like
astman_get_header(). Bounded like manager.c: a line longer than 1024 bytes marks the
frame "line too long" (the rest of the line is discarded), at most 128 headers are
kept. A line without ``:`` is kept as garbage and ignored. Never raises on input.
Must not act on the requests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Final

MAX_LINE: Final = 1024  # manager.c inbuf is 1025 bytes
MAX_HEADERS: Final = 128  # AST_MAX_MANHEADERS
STREAM_LIMIT: Final = 8192


@dataclass
class Request:
    """One action frame as the client sent it."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""

    def get(self, key: str, default: str = "") -> str:
        wanted = key.lower()
        for name, value in self.headers:
            if name.lower() == wanted:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [value for name, value in self.headers if name.lower() == wanted]

    @property
    def action(self) -> str:
        return self.get("Action")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")


def parse_mask(value: str) -> frozenset[str] | None:
    """Events header -> None (all), empty (none) or the set of event classes."""
    text = value.strip().lower()
    if text in ("", "on", "yes", "true", "all"):
        return None
    if text in ("off", "no", "false", "none"):
        return frozenset()
    return frozenset(part.strip() for part in text.split(",") if part.strip())


def parse_header(line: str) -> tuple[str, str] | None:
    key, sep, value = line.partition(":")
    if not sep or not key.strip():
        return None
    return key.strip(), value.lstrip(" \t")


class FrameReader:
    """Reads ``Request``s from a StreamReader created with ``limit=STREAM_LIMIT``."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    async def _line(self) -> tuple[str, bool] | None:
        """The next line without its end, and whether it was too long; None at EOF."""
        too_long = False
        while True:
            try:
                raw = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as exc:
                await self._reader.readexactly(exc.consumed)
                too_long = True
                continue
            except (asyncio.IncompleteReadError, ConnectionError):
                return None
            if too_long or len(raw) > MAX_LINE + 2:
                return "", True
            return raw.decode("utf-8", "replace").rstrip("\r\n"), False

    async def read(self) -> Request | None:
        """The next frame, or None when the client closed the connection."""
        request = Request()
        seen_any = False
        while True:
            item = await self._line()
            if item is None:
                return None
            text, too_long = item
            if too_long:
                request.error, seen_any = "Failed to parse message: line too long", True
                continue
            if text == "":
                if seen_any:
                    return request
                continue
            seen_any = True
            header = parse_header(text)
            if header is not None and len(request.headers) < MAX_HEADERS:
                request.headers.append(header)
