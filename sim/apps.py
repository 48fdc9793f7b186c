"""Dialplan applications the simulator knows, for the dialplan and for AGI ``EXEC``.

Owns: the behaviour and events of ``NoOp Verbose Answer Set Hangup Wait Playback
MusicOnHold MixMonitor StopMixMonitor Dial`` and the ``APPS`` registry. An application
returns what Asterisk's returns: 0 to continue, -1 when the channel hung up or was
redirected. Must not know whether it runs from the dialplan or from FastAGI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sim import events
from sim.asterisk import CAUSE_NORMAL_CLEARING, STATE_UP
from sim.channel import Channel, wait_until
from sim.dial import dial_app
from sim.pbx import Pbx

App = Callable[[Pbx, Channel, str], Awaitable[int]]


async def hold_for(pbx: Pbx, ch: Channel, seconds: float | None) -> bool:
    """Let ``seconds`` of media play; False if a hangup or Redirect cut it short."""
    deadline = None if seconds is None else pbx.now() + seconds
    interrupted = await wait_until(ch.wake, lambda: ch.interrupted, deadline)
    return not interrupted


def start_moh(pbx: Pbx, ch: Channel, klass: str = "default") -> None:
    if not ch.moh:
        ch.moh = True
        pbx.emit(events.moh_start(ch, klass or "default"))


def stop_moh(pbx: Pbx, ch: Channel) -> None:
    if ch.moh:
        ch.moh = False
        pbx.emit(events.moh_stop(ch))


async def app_noop(pbx: Pbx, ch: Channel, data: str) -> int:
    return 0


async def app_answer(pbx: Pbx, ch: Channel, data: str) -> int:
    if ch.hangup_requested:
        return -1
    pbx.set_state(ch, STATE_UP)
    return 0


async def app_set(pbx: Pbx, ch: Channel, data: str) -> int:
    name, _, value = data.partition("=")
    name = name.strip()
    if "(" not in name:
        pbx.set_var(ch, name, value)
    elif name.upper() == "CHANNEL(LANGUAGE)":
        ch.language = value
    elif name.upper() in ("CALLERID(NUM)", "CALLERID(NAME)"):
        if name.upper() == "CALLERID(NUM)":
            ch.caller_num = value
        else:
            ch.caller_name = value
        pbx.emit(events.new_callerid(ch))
    # Other functions (CDR(...) and the like) change nothing the AMI feed shows (a1).
    return 0


async def app_hangup(pbx: Pbx, ch: Channel, data: str) -> int:
    cause = int(data) if data.strip().isdigit() else CAUSE_NORMAL_CLEARING
    # pbx_builtin_hangup sets the cause, then ast_softhangup_nolock: no request event.
    pbx.request_soft_hangup(ch, cause)
    return -1


async def app_wait(pbx: Pbx, ch: Channel, data: str) -> int:
    try:
        seconds = float(data or "0")
    except ValueError:
        seconds = 0.0
    return 0 if await hold_for(pbx, ch, seconds) else -1


async def app_playback(pbx: Pbx, ch: Channel, data: str) -> int:
    if ch.interrupted:
        return -1
    stop_moh(pbx, ch)
    played = await hold_for(pbx, ch, pbx.config.prompt_seconds)
    pbx.set_var(ch, "PLAYBACKSTATUS", "SUCCESS" if played else "FAILED")
    return 0 if played else -1


async def app_music_on_hold(pbx: Pbx, ch: Channel, data: str) -> int:
    if ch.interrupted:
        return -1
    klass, _, duration = data.partition(",")
    seconds = float(duration) if duration.strip() else None
    start_moh(pbx, ch, klass.strip())
    played = await hold_for(pbx, ch, seconds)
    stop_moh(pbx, ch)
    return 0 if played else -1


async def app_hold(pbx: Pbx, ch: Channel, data: str) -> int:
    """ChanSpy / Echo stand-in: the channel stays up until hung up or redirected."""
    await hold_for(pbx, ch, None)
    return -1


APPS: dict[str, App] = {
    "noop": app_noop,
    "verbose": app_noop,
    "mixmonitor": app_noop,
    "stopmixmonitor": app_noop,
    "ringing": app_noop,
    "progress": app_noop,
    "answer": app_answer,
    "set": app_set,
    "hangup": app_hangup,
    "wait": app_wait,
    "playback": app_playback,
    "musiconhold": app_music_on_hold,
    "dial": dial_app,
    "chanspy": app_hold,
    "echo": app_hold,
}


def find_app(name: str) -> App | None:
    return APPS.get(name.lower())
