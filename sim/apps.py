"""Dialplan applications the simulator knows, for the dialplan and for AGI ``EXEC``.

Owns: the behaviour and events of ``NoOp Verbose Answer Set Hangup Wait Playback
MusicOnHold Ringing Dial Return`` (MixMonitor, StopMixMonitor and ChanSpy are in features.py,
AMD in amd.py, Bridge in bridge_app.py) and the ``APPS`` registry. An application
returns what Asterisk's returns: 0 to continue, -1 when the channel hung up or was
redirected. Must not know whether it runs from the dialplan or from FastAGI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sim import events
from sim.amd import app_amd
from sim.asterisk import CAUSE_NORMAL_CLEARING, STATE_RINGING, STATE_UP
from sim.bridge_app import app_bridge
from sim.channel import Channel
from sim.dial import dial_app
from sim.features import app_chanspy, app_mixmonitor, app_stop_mixmonitor
from sim.media import hold_for, start_moh, stop_moh
from sim.pbx import Pbx

App = Callable[[Pbx, Channel, str], Awaitable[int]]
__all__ = ["APPS", "App", "find_app", "hold_for", "start_moh", "stop_moh"]


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
    elif name.upper().startswith("PJSIP_HEADER(ADD,"):
        # func_pjsip_header: only headers added before the INVITE is sent (a pre-dial
        # handler) reach the phone; the AMI shows nothing of it.
        ch.sip_headers[name[len("PJSIP_HEADER(add,") : -1].strip()] = value
    elif name.upper() in ("CALLERID(NUM)", "CALLERID(NAME)"):
        if name.upper() == "CALLERID(NUM)":
            ch.caller_num = value
        else:
            ch.caller_name = value
        pbx.emit(events.new_callerid(ch))
    # Other functions (CDR(...) and the like) change nothing the AMI feed shows (a1).
    return 0


async def app_ringing(pbx: Pbx, ch: Channel, data: str) -> int:
    """Ringing(): indicate ringing to the caller. On a Local ``;2`` the indication
    crosses the pair, so it is ``;1`` that shows ``Newstate Ringing`` (fixture b)."""
    if ch.hangup_requested:
        return -1
    if ch.local_peer is not None and ch.local_peer.state != STATE_UP:
        pbx.set_state(ch.local_peer, STATE_RINGING)
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
    files = data.split(",")[0].strip()
    ch.note_played(files)
    if ch.heard is not None:
        ch.heard.append((pbx.now(), files))
    played = await hold_for(pbx, ch, pbx.config.prompt_length(files, ch.language))
    pbx.set_var(ch, "PLAYBACKSTATUS", "SUCCESS" if played else "FAILED")
    return 0 if played else -1


#: How long a simulated caller speaks into Record() before hanging up.
MESSAGE_SECONDS = 12.0


async def app_record(pbx: Pbx, ch: Channel, data: str) -> int:
    """Record(file.format,silence,maxduration,options) (apps/app_record.c): the simulated
    caller speaks for a while, then falls silent, which ends the recording
    (RECORD_STATUS=SILENCE); a caller who hangs up first ends it with HANGUP and -1.
    Sets RECORDED_FILE like the real app."""
    parts = data.split(",")
    try:
        limit = float(parts[2]) if len(parts) > 2 and parts[2] else MESSAGE_SECONDS
    except ValueError:
        limit = MESSAGE_SECONDS
    pbx.set_var(ch, "RECORDED_FILE", parts[0].rsplit(".", 1)[0])
    spoke = await hold_for(pbx, ch, min(limit, MESSAGE_SECONDS))
    pbx.set_var(ch, "RECORD_STATUS", "SILENCE" if spoke else "HANGUP")
    return 0 if spoke else -1


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
    """Echo stand-in: the channel stays up until hung up or redirected."""
    await hold_for(pbx, ch, None)
    return -1


APPS: dict[str, App] = {
    "noop": app_noop,
    "verbose": app_noop,
    "mixmonitor": app_mixmonitor,
    "stopmixmonitor": app_stop_mixmonitor,
    "ringing": app_ringing,
    "progress": app_noop,
    "answer": app_answer,
    "set": app_set,
    "hangup": app_hangup,
    "wait": app_wait,
    "playback": app_playback,
    "record": app_record,
    "musiconhold": app_music_on_hold,
    "dial": dial_app,
    "chanspy": app_chanspy,
    "echo": app_hold,
    "amd": app_amd,
    "return": app_noop,  # dialplan.run_subroutine ends the handler on it
    "bridge": app_bridge,
}


def find_app(name: str) -> App | None:
    return APPS.get(name.lower())
