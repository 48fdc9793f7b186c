"""FastAGI wire format: the ``agi_*`` environment, reply lines, command quoting.

Owns: parsing the environment block, turning reply lines into ``AgiReply``
(including the multi-line ``520-`` usage block) and spotting the asynchronous
``HANGUP`` line so it is never taken for a reply. Must not do I/O or decide what
a reply means for a call (``agi_server`` does).

Wire facts (Asterisk 22.10, tests/fixtures/asterisk/*.agi.*): lines end in a bare
LF; the environment ends with an empty line; replies look like
``200 result=1 (1234)``, ``200 result= (timeout)``, ``200 result=-1 endpos=16160``,
``510 Invalid or unknown command``, ``511 Command Not Permitted on a dead channel
or intercept routine``, or ``520-...`` lines up to ``520 End of proper usage.``.
``HANGUP`` arrives on its own line whenever a session ends, even without a hangup.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

HANGUP_LINE = "HANGUP"

# Greedy data: a value such as "a) endpos=5" stays data, while a real trailing
# endpos (RECORD FILE's "(timeout) endpos=8000") still splits off.
_RESULT_TAIL = re.compile(
    r" \((?P<data>.*)\)(?: endpos=(?P<endpos1>-?\d+))?| endpos=(?P<endpos2>-?\d+)"
)
_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_.:/@+*#-]+")


@dataclass(frozen=True, slots=True)
class AgiReply:
    """One reply. ``result`` is the text after ``result=`` (``""`` on a GET DATA timeout)."""

    code: int
    result: str = ""
    data: str | None = None
    endpos: int | None = None
    lines: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The text after the code, for error replies (``Invalid or unknown command``)."""
        first = self.lines[0] if self.lines else ""
        return first[4:] if len(first) > 4 else ""

    @property
    def result_int(self) -> int | None:
        try:
            return int(self.result)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class AgiEnvironment:
    """The ``agi_*`` variables Asterisk sends first, plus the ordered ``agi_arg_N`` values."""

    values: Mapping[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    bad_lines: int = 0

    @property
    def script(self) -> str:
        """Route name: ``agi_network_script`` without leading slash and without query."""
        script = self.values.get("agi_network_script")
        if script is None:
            request = self.values.get("agi_request", "")
            _, _, rest = request.partition("://")
            _, _, script = rest.partition("/")
        return script.split("?", 1)[0].lstrip("/")


def parse_env(lines: Iterable[str]) -> AgiEnvironment:
    """Parse environment lines (without their LF, without the closing empty line)."""
    values: dict[str, str] = {}
    numbered: list[tuple[int, str]] = []
    bad = 0
    for line in lines:
        key, sep, value = line.partition(": ")
        if not sep:
            key, sep, value = line.partition(":")  # "agi_arg_1:" if a tool trimmed the space
        if not sep or not key.startswith("agi_"):
            bad += 1
            continue
        values[key] = value
        if key.startswith("agi_arg_") and key[8:].isdigit():
            numbered.append((int(key[8:]), value))
    # agi_arg_10 sorts after agi_arg_9: order by number, not by text.
    args = tuple(value for _, value in sorted(numbered))
    return AgiEnvironment(values=values, args=args, bad_lines=bad)


def parse_reply_line(line: str) -> AgiReply:
    """Parse a single-line reply. Unparsable text gives ``code=0``; never raises."""
    code_text = line[:3]
    if not (code_text.isdigit() and (len(line) == 3 or line[3] in " -")):
        return AgiReply(code=0, lines=(line,))
    code = int(code_text)
    rest = line[4:]
    if not rest.startswith("result="):
        return AgiReply(code=code, lines=(line,))
    rest = rest[7:]
    space = rest.find(" ")
    result, tail = (rest, "") if space < 0 else (rest[:space], rest[space:])
    match = _RESULT_TAIL.fullmatch(tail)
    if match is None:
        data = tail.strip() or None
        return AgiReply(code=code, result=result, data=data, lines=(line,))
    endpos = match["endpos1"] or match["endpos2"]
    return AgiReply(
        code=code,
        result=result,
        data=match["data"],
        endpos=int(endpos) if endpos is not None else None,
        lines=(line,),
    )


class ReplyEvent(Enum):
    HANGUP = "HANGUP"


class AgiReplyParser:
    """Line-by-line reply assembler for one session.

    ``feed_line`` returns an ``AgiReply`` when a reply is complete,
    ``ReplyEvent.HANGUP`` for the asynchronous hangup notice, and ``None``
    while a ``520-`` block is still open or for a stray line (counted).
    """

    def __init__(self, max_block_lines: int = 1000) -> None:
        self.max_block_lines = max_block_lines
        self.stray_lines = 0
        self._block: list[str] | None = None

    def feed_line(self, line: str) -> AgiReply | ReplyEvent | None:
        line = line.rstrip("\r\n")
        if line == HANGUP_LINE:
            # Asterisk writes HANGUP from the same thread as replies, so it never
            # splits a 520 block; it is a notice, not an answer to our command.
            return ReplyEvent.HANGUP
        block = self._block
        if block is not None:
            block.append(line)
            if line.startswith(block[0][:3] + " ") or len(block) >= self.max_block_lines:
                self._block = None
                return AgiReply(code=int(block[0][:3]), lines=tuple(block))
            return None
        reply = parse_reply_line(line)
        if reply.code == 0:
            self.stray_lines += 1
            return None
        if line[3:4] == "-":
            self._block = [line]
            return None
        if reply.code == 100:
            return None  # "100 result=0 Trying...": provisional, the real reply follows
        return reply


def quote(value: str) -> str:
    """Double-quote one argument the way res_agi's parser reads it back (``\\`` escapes)."""
    check_arg(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def token(value: str) -> str:
    """A bare word when it is safe (``beep``, ``DNIS``), else a quoted argument."""
    check_arg(value)
    return value if _SAFE_TOKEN.fullmatch(value) else quote(value)


def check_arg(value: str) -> None:
    # A newline would end the command early and start a second, injected one.
    if "\n" in value or "\r" in value or "\0" in value:
        raise ValueError(f"AGI argument must not contain CR, LF or NUL: {value!r}")
