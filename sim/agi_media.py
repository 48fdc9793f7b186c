"""AGI commands that play media or listen to the caller's keypad.

Owns: ``STREAM FILE``, ``GET DATA``, ``WAIT FOR DIGIT``, ``SAY DIGITS``,
``SAY NUMBER`` and ``SET MUSIC``, with the reply formats of res_agi.c (fixture a1):
``200 result=0 endpos=N``, ``200 result=1234``, ``200 result= (timeout)``,
``200 result=35``, and ``200 result=-1[ endpos=N]`` when the channel goes away.

Timing: a prompt lasts ``config.prompt_length`` of its name in the channel's language;
endpos counts 8 kHz samples. A caller with a scripted entry queued presses its first digit
``DIGIT_GAP`` seconds after the command starts listening, then one digit every
``DIGIT_GAP`` seconds. Each prompt asked for is noted on the caller (``played``).
Must not read the socket; agi_session.py calls these handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim import events
from sim.agi_codec import AgiResult, failure, ok, usage
from sim.apps import hold_for, start_moh, stop_moh
from sim.channel import wait_until

if TYPE_CHECKING:
    from sim.agi_session import AgiSession

DIGIT_GAP = 0.25
DTMF_MS = 120
SAMPLE_RATE = 8000
DEFAULT_GET_DATA_TIMEOUT = 5.0  # ast_app_getdata without a timeout: pbx dtimeoutms


def _press(sess: AgiSession, digit: str) -> None:
    sess.pbx.emit(events.dtmf_begin(sess.ch, digit))
    sess.pbx.emit(events.dtmf_end(sess.ch, digit, DTMF_MS))


async def wait_key(
    sess: AgiSession, accept: Callable[[str], bool], deadline: float | None
) -> str | None:
    """The digit the caller presses, "" if none by ``deadline``, None on hangup/Redirect."""
    ch, party = sess.ch, sess.ch.party
    if party is None:
        return await _wait_keypad(sess, accept, deadline)

    def ready() -> bool:
        digit = party.peek_digit() if party is not None else None
        return ch.interrupted or (digit is not None and accept(digit))

    if not await wait_until(ch.wake, ready, deadline):
        return ""
    if ch.interrupted or party is None or not await hold_for(sess.pbx, ch, DIGIT_GAP):
        return None
    digit = party.take_digit() or ""
    if digit:
        _press(sess, digit)
    return digit


async def _wait_keypad(
    sess: AgiSession, accept: Callable[[str], bool], deadline: float | None
) -> str | None:
    """wait_key for a channel without a scripted party: digits that arrived on the line
    (``Channel.keypad``, already announced as DTMF events) are read as they come."""
    ch = sess.ch

    def ready() -> bool:
        while ch.keypad and not accept(ch.keypad[0]):
            ch.keypad.popleft()  # a digit that is not an escape digit is ignored
        return ch.interrupted or bool(ch.keypad)

    if not await wait_until(ch.wake, ready, deadline):
        return ""
    if ch.interrupted:
        return None
    return ch.keypad.popleft()


async def _read_keypad(
    sess: AgiSession, first_deadline: float, inter_digit: float, max_digits: int
) -> AgiResult:
    """GET DATA on a live keypad (ast_app_getdata): each digit within ``inter_digit`` of
    the previous one, up to ``max_digits`` or ``#``."""
    ch, digits, deadline = sess.ch, "", first_deadline
    while len(digits) < max_digits:
        if not await wait_until(ch.wake, lambda: ch.interrupted or bool(ch.keypad), deadline):
            return ok(f"200 result={digits} (timeout)\n")
        if ch.interrupted:
            return ok("200 result=-1\n")
        digit = ch.keypad.popleft()
        if digit == "#":
            break
        digits += digit
        deadline = sess.pbx.now() + inter_digit
    return ok(f"200 result={digits}\n")


async def stream_file(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) not in (4, 5):
        return usage("stream file")
    escape = argv[3]
    stop_moh(sess.pbx, sess.ch)
    sess.ch.note_played(argv[2])
    start, length = sess.pbx.now(), sess.pbx.config.prompt_length(argv[2], sess.ch.language)
    digit = await wait_key(sess, lambda d: d in escape, start + length)
    endpos = int(min(sess.pbx.now() - start, length) * SAMPLE_RATE)
    if digit is None:
        reply, result = f"200 result=-1 endpos={endpos}\n", -1
    elif digit == "":
        reply, result = f"200 result=0 endpos={int(length * SAMPLE_RATE)}\n", 0
    else:
        reply, result = f"200 result={ord(digit)} endpos={endpos}\n", ord(digit)
    # handle_streamfile: PLAYBACKSTATUS is FAILED for any non-zero result.
    sess.pbx.set_var(sess.ch, "PLAYBACKSTATUS", "FAILED" if result else "SUCCESS")
    return ok(reply) if result >= 0 else failure(reply)


def _number(text: str, default: int) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None if text else default


async def get_data(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) < 3:
        return usage("get data")
    timeout_ms = _number(argv[3], 0) if len(argv) > 3 else 0
    max_digits = _number(argv[4], 1024) if len(argv) > 4 else 1024
    if timeout_ms is None or max_digits is None:
        return usage("get data")
    timeout = timeout_ms / 1000 if timeout_ms > 0 else DEFAULT_GET_DATA_TIMEOUT
    pbx, ch, party = sess.pbx, sess.ch, sess.ch.party
    stop_moh(pbx, ch)
    ch.note_played(argv[2])
    deadline = pbx.now() + pbx.config.prompt_length(argv[2], ch.language) + timeout
    if party is None:
        return await _read_keypad(sess, deadline, timeout, max(1, max_digits))

    def ready() -> bool:
        return ch.interrupted or (party is not None and party.has_input())

    has_entry = await wait_until(ch.wake, ready, deadline)
    if ch.interrupted:
        return ok("200 result=-1\n")
    entry = party.take_entry() if has_entry and party is not None else None
    if not entry:
        if entry == "" and not await hold_for(pbx, ch, max(0.0, deadline - pbx.now())):
            return ok("200 result=-1\n")
        return ok("200 result= (timeout)\n")
    return await _type_digits(sess, entry, max(1, max_digits), timeout)


async def _type_digits(
    sess: AgiSession, entry: str, max_digits: int, inter_digit: float
) -> AgiResult:
    digits = ""
    for digit in entry:
        if not await hold_for(sess.pbx, sess.ch, DIGIT_GAP):
            return ok("200 result=-1\n")
        _press(sess, digit)
        if digit == "#":
            return ok(f"200 result={digits}\n")
        digits += digit
        if len(digits) >= max_digits:
            return ok(f"200 result={digits}\n")
    if not await hold_for(sess.pbx, sess.ch, inter_digit):
        return ok("200 result=-1\n")
    return ok(f"200 result={digits} (timeout)\n")


async def wait_for_digit(sess: AgiSession, argv: list[str]) -> AgiResult:
    timeout_ms = _number(argv[3], 0) if len(argv) == 4 else None
    if timeout_ms is None:
        return usage("wait for digit")
    deadline = None if timeout_ms < 0 else sess.pbx.now() + timeout_ms / 1000
    party = sess.ch.party
    if party is not None and party.take_silence():
        digit = await wait_key(sess, lambda d: False, deadline)
    else:
        digit = await wait_key(sess, lambda d: True, deadline)
    if digit is None:
        return failure("200 result=-1\n")
    return ok(f"200 result={ord(digit) if digit else 0}\n")


async def _say(sess: AgiSession, escape: str) -> AgiResult:
    stop_moh(sess.pbx, sess.ch)
    deadline = sess.pbx.now() + sess.pbx.config.prompt_seconds
    digit = await wait_key(sess, lambda d: d in escape, deadline)
    if digit is None:
        return failure("200 result=-1\n")
    return ok(f"200 result={ord(digit) if digit else 0}\n")


async def say_digits(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) != 4:
        return usage("say digits")
    return await _say(sess, argv[3])


async def say_number(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) not in (4, 5) or _number(argv[2], 0) is None or not argv[2]:
        return usage("say number")
    return await _say(sess, argv[3])


async def set_music(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) not in (3, 4):
        return usage("set music")
    if argv[2].lower().startswith("on"):
        start_moh(sess.pbx, sess.ch, argv[3] if len(argv) == 4 else "default")
    else:
        stop_moh(sess.pbx, sess.ch)
    return ok("200 result=0\n")
