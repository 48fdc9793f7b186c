"""AMI wire format: bytes in, ``AmiMessage`` out, and back.

Owns: the frame parser (banner line, CRLF header lines, empty-line frame end),
its memory bounds and garbage accounting, and the encoders for actions and
parsed messages. Must not do I/O, correlate actions or interpret events: that is
``ami_client`` and ``tracker``.

Rules of the wire (Asterisk 22, see tests/fixtures/asterisk/README.md):
* the first line is a banner (``Asterisk Call Manager/11.0.0``) with no empty line after it;
* every frame is ``Key: Value`` lines ending in CRLF, closed by an empty CRLF line;
* keys repeat (``Output``, ``Variable``) and order matters, so headers are a list;
* a value may itself contain ``": "``; only the first one splits;
* a line without ``": "`` is kept as ``(line, None)`` so encoding gives back the same bytes.
"""

import logging
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

Header = tuple[str, str | None]

_TERMINATOR = b"\r\n\r\n"
_CRLF = b"\r\n"
_KINDS = {"Event": "event", "Response": "response"}


class AmiMessage:
    """One parsed AMI frame; treat it as immutable.

    ``headers`` keeps wire order and repeated keys. ``name`` is the value of the
    ``Event`` or ``Response`` header (``""`` for the banner).
    """

    __slots__ = ("_index", "headers", "kind", "name")

    def __init__(self, kind: str, name: str, headers: tuple[Header, ...]) -> None:
        self.kind = kind
        self.name = name
        self.headers = headers
        self._index: dict[str, str | None] | None = None

    def get(self, key: str, default: str | None = None) -> str | None:
        """First value of ``key``, spelled exactly as Asterisk sends it (``Uniqueid``)."""
        index = self._index
        if index is None:
            # Built lazily: most frames are only dispatched by name, never read.
            index = self._index = dict(reversed(self.headers))
        value = index.get(key)
        return default if value is None else value

    def get_folded(self, key: str, default: str | None = None) -> str | None:
        """Like ``get`` but ignoring case, for the rare header whose spelling varies."""
        folded = key.casefold()
        for k, v in self.headers:
            if v is not None and k.casefold() == folded:
                return v
        return default

    def get_all(self, key: str) -> list[str]:
        """Every value of a repeated header, in wire order (``Output``, ``Variable``)."""
        return [v for k, v in self.headers if k == key and v is not None]

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AmiMessage):
            return NotImplemented
        return (self.kind, self.name, self.headers) == (other.kind, other.name, other.headers)

    def __hash__(self) -> int:
        return hash((self.kind, self.name, self.headers))

    def __repr__(self) -> str:
        return f"AmiMessage({self.kind}, {self.name!r}, {len(self.headers)} headers)"


def make_message(headers: Sequence[Header]) -> AmiMessage | None:
    """Build a message from headers; ``None`` when it is neither an event nor a response."""
    hdrs = tuple(headers)
    if not hdrs:
        return None
    key, value = hdrs[0]
    kind = _KINDS.get(key)
    if kind is None or value is None:
        # Asterisk always puts Event/Response first; look further only to be lenient.
        for key, value in hdrs:
            kind = _KINDS.get(key)
            if kind is not None and value is not None:
                break
        else:
            return None
    return AmiMessage(kind, value, hdrs)


class AmiParser:
    """Incremental AMI frame parser with bounded memory.

    ``feed`` never raises on input. A frame with a line longer than ``max_line``,
    more than ``max_headers`` lines, more than ``max_frame`` bytes, or no
    Event/Response header is dropped, counted in ``garbage_frames`` and logged.
    While an oversized frame streams in, its bytes are discarded rather than
    buffered, so memory stays below ``max_frame`` plus one read.
    """

    def __init__(
        self,
        *,
        expect_banner: bool = True,
        max_line: int = 8192,
        max_frame: int = 1 << 20,
        max_headers: int = 8192,
        peer: str = "?",
    ) -> None:
        self.max_line = max_line
        self.max_frame = max_frame
        self.max_headers = max_headers
        self.peer = peer
        self.garbage_frames = 0
        self._expect_banner = expect_banner
        self._buf = bytearray()
        self._discarding = False

    @property
    def buffered(self) -> int:
        """Bytes held for an incomplete frame (bounded by ``max_frame`` + one read)."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[AmiMessage]:
        """Add received bytes; return every frame they complete, in order."""
        buf = self._buf
        # No frame end was left in the buffer, so a new one can only start in its last 3 bytes.
        scan_from = max(len(buf) - 3, 0)
        buf += data
        out: list[AmiMessage] = []
        if self._discarding:
            if not self._skip_discarded():
                return out
            scan_from = 0
        if self._expect_banner:
            if not self._take_banner(out):
                return out
            scan_from = 0
        while buf.startswith(_CRLF):
            # Stray empty lines between frames carry nothing; skip them quietly.
            del buf[:2]
            scan_from = 0
        end = buf.rfind(_TERMINATOR, scan_from)
        if end >= 0:
            text = buf[:end].decode("utf-8", "replace")
            del buf[: end + 4]
            for frame in text.split("\r\n\r\n"):
                self._parse_frame(frame, out)
        self._check_partial()
        return out

    def _take_banner(self, out: list[AmiMessage]) -> bool:
        """Consume the banner line if complete; False while it is still incomplete."""
        buf = self._buf
        nl = buf.find(_CRLF)
        if nl < 0:
            self._check_partial()
            return False
        self._expect_banner = False
        line = buf[:nl]
        if b": " in line:
            return True  # no banner: a frame starts right away (parser started mid-stream)
        del buf[: nl + 2]
        text = line.decode("utf-8", "replace")
        out.append(AmiMessage("banner", "", ((text, None),)))
        return True

    def _parse_frame(self, frame: str, out: list[AmiMessage]) -> None:
        if frame.startswith("\r\n"):
            frame = frame.lstrip("\r\n")
            if not frame:
                return
        lines = frame.split("\r\n")
        if len(lines) > self.max_headers:
            self._garbage("too many header lines", len(lines))
            return
        if len(frame) > self.max_line and (
            len(frame) > self.max_frame or max(map(len, lines)) > self.max_line
        ):
            self._garbage("oversized frame or line", len(frame))
            return
        # A plain loop: measured faster than comprehensions on CPython 3.11 (hot path).
        headers: list[Header] = []
        for line in lines:
            key, sep, value = line.partition(": ")
            headers.append((key, value) if sep else (key, None))
        msg = make_message(headers)
        if msg is None:
            self._garbage("frame without Event or Response", len(frame))
            return
        out.append(msg)

    def _check_partial(self) -> None:
        """Switch to discarding when the unfinished frame or line outgrows its bounds."""
        buf = self._buf
        if len(buf) <= self.max_line:
            return
        last_crlf = buf.rfind(_CRLF)
        line_start = 0 if last_crlf < 0 else last_crlf + 2
        if len(buf) > self.max_frame or len(buf) - line_start > self.max_line:
            self._garbage("oversized frame or line still arriving", len(buf))
            self._discarding = True
            self._expect_banner = False
            self._skip_discarded()

    def _skip_discarded(self) -> bool:
        """Drop bytes up to the end of the oversized frame; True once past it."""
        buf = self._buf
        end = buf.find(_TERMINATOR)
        if end < 0:
            # Keep 3 bytes: the frame end may straddle this read and the next.
            del buf[:-3]
            return False
        del buf[: end + 4]
        self._discarding = False
        return True

    def _garbage(self, why: str, size: int) -> None:
        self.garbage_frames += 1
        log.warning("dropped AMI frame from %s: %s (size %d)", self.peer, why, size)


def _check_field(text: str, what: str) -> None:
    # A CR or LF inside a field would end the line early and let a value inject headers.
    if "\r" in text or "\n" in text:
        raise ValueError(f"AMI {what} must not contain CR or LF: {text!r}")


def encode_action(
    name: str,
    fields: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    action_id: str | None = None,
) -> bytes:
    """Encode ``Action: name`` + ``ActionID`` + fields (pairs may repeat keys)."""
    pairs = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
    head: list[tuple[str, str]] = [("Action", name)]
    if action_id is not None:
        head.append(("ActionID", action_id))
    parts: list[str] = []
    for key, value in head + pairs:
        if not key or ": " in key or key.endswith(":"):
            raise ValueError(f"invalid AMI header name: {key!r}")
        _check_field(key, "header name")
        _check_field(value, "header value")
        parts.append(f"{key}: {value}\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("utf-8")


def encode_message(msg: AmiMessage) -> bytes:
    """Encode a parsed message back to the exact bytes it came from."""
    lines = [k if v is None else f"{k}: {v}" for k, v in msg.headers]
    if msg.kind == "banner":
        return f"{lines[0]}\r\n".encode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
