"""The AGI command table and the commands that need no media.

Owns: which commands exist and which of them still run on a dead channel (res_agi.c's
``dead`` column: EXEC, GET VARIABLE, GET FULL VARIABLE, SET VARIABLE, VERBOSE, NOOP),
command matching like res_agi's find_command(), and ``ANSWER``, ``GET VARIABLE``,
``GET FULL VARIABLE``, ``SET VARIABLE``, ``EXEC``, ``HANGUP``, ``CHANNEL STATUS``,
``VERBOSE`` and ``NOOP``. Must not read or write the socket.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim import agi_media
from sim.agi_codec import AgiResult, exec_result, ok, usage
from sim.apps import app_set, find_app
from sim.asterisk import SOFTHANGUP_EXPLICIT, STATE_UP
from sim.caller import HUNG_UP_BY_IVR
from sim.variables import read_variable, substitute

if TYPE_CHECKING:
    from sim.agi_session import AgiSession

Handler = Callable[["AgiSession", list[str]], Awaitable[AgiResult]]


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    handler: Handler
    dead_ok: bool


async def answer(sess: AgiSession, argv: list[str]) -> AgiResult:
    sess.pbx.set_state(sess.ch, STATE_UP)
    return ok("200 result=0\n")


async def get_variable(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) != 3:
        return usage("get variable")
    value = read_variable(sess.ch, argv[2], sess.pbx.globals)
    return ok("200 result=0\n" if value is None else f"200 result=1 ({value})\n")


async def get_full_variable(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) not in (4, 5):
        return usage("get full variable")
    target = sess.ch if len(argv) == 4 else sess.pbx.find_channel(argv[4])
    if target is None:
        return ok("200 result=0\n")
    return ok(f"200 result=1 ({substitute(target, argv[3], sess.pbx.globals)})\n")


async def set_variable(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) != 4:
        return usage("set variable")
    if "(" in argv[2]:
        # pbx_builtin_setvar_helper writes a function (CHANNEL(language)) as Set() does.
        await app_set(sess.pbx, sess.ch, f"{argv[2]}={argv[3]}")
    else:
        sess.pbx.set_var(sess.ch, argv[2], argv[3])
    return ok("200 result=1\n")


async def exec_app(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) < 2:
        return usage("exec")
    app = find_app(argv[1])
    if app is None:
        return exec_result("200 result=-2\n", -2)  # "Could not find application"
    ch, saved = sess.ch, (sess.ch.app, sess.ch.app_data)
    ch.app, ch.app_data = argv[1], argv[2] if len(argv) > 2 else ""
    try:
        result = await app(sess.pbx, ch, ch.app_data)
    finally:
        ch.app, ch.app_data = saved
    if argv[1].lower() == "hangup" and ch.party is not None:
        ch.party.on_outcome(HUNG_UP_BY_IVR)
    return exec_result(f"200 result={result}\n", result)


async def hangup(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) > 2:
        return usage("hangup")
    target = sess.ch if len(argv) == 1 else sess.pbx.find_channel(argv[1])
    if target is None:
        return ok("200 result=-1\n")
    if target.party is not None:
        target.party.on_outcome(HUNG_UP_BY_IVR)
    sess.pbx.request_soft_hangup(target, 0, SOFTHANGUP_EXPLICIT)
    return ok("200 result=1\n")


async def channel_status(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) > 3:
        return usage("channel status")
    target = sess.ch if len(argv) == 2 else sess.pbx.find_channel(argv[2])
    return ok(f"200 result={target.state if target is not None else -1}\n")


async def verbose(sess: AgiSession, argv: list[str]) -> AgiResult:
    if len(argv) < 2:
        return usage("verbose")
    return ok("200 result=1\n")


async def noop(sess: AgiSession, argv: list[str]) -> AgiResult:
    return ok("200 result=0\n")


COMMANDS: tuple[Command, ...] = (
    Command(("answer",), answer, False),
    Command(("channel", "status"), channel_status, False),
    Command(("exec",), exec_app, True),
    Command(("get", "data"), agi_media.get_data, False),
    Command(("get", "full", "variable"), get_full_variable, True),
    Command(("get", "variable"), get_variable, True),
    Command(("hangup",), hangup, False),
    Command(("noop",), noop, True),
    Command(("say", "digits"), agi_media.say_digits, False),
    Command(("say", "number"), agi_media.say_number, False),
    Command(("set", "music"), agi_media.set_music, False),
    Command(("set", "variable"), set_variable, True),
    Command(("stream", "file"), agi_media.stream_file, False),
    Command(("verbose",), verbose, True),
    Command(("wait", "for", "digit"), agi_media.wait_for_digit, False),
)


def find_command(argv: list[str]) -> Command | None:
    """The command whose words start ``argv`` (case-insensitive), like find_command()."""
    words = [arg.lower() for arg in argv]
    for command in COMMANDS:
        n = len(command.words)
        if len(words) >= n and tuple(words[:n]) == command.words:
            return command
    return None
