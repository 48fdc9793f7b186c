"""Dial() towards a Local channel: ``Dial(Local/<exten>@<context>,...)``.

Owns: the callee side made of a Local pair whose ``;2`` runs the dialplan (the lab's
``route`` context dials ``Local/<agent>@agents``). It rings when ``;2`` indicates
Ringing and answers when ``;2`` answers. Events as fixture b: Newchannel ;1 ;2,
NewCallerid ;1 ;2, LocalBridge, DialBegin (Dest ;1), Newstate ;1 Ringing, DialState
RINGING, Newstate ;2/;1 Up, DialEnd ANSWER, then the bridge (dial.py).
Must not know what ``;2``'s dialplan does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import events
from sim.asterisk import DIAL_CHANUNAVAIL, STATE_RINGING, STATE_UP
from sim.channel import Channel, Location
from sim.dial_outcomes import ABORTED, ANSWERED, GONE, NOT_CONNECTED, TIMEOUT
from sim.local import link_pair, make_pair

if TYPE_CHECKING:
    from sim.dial import DialRun


async def dial_local(run: DialRun) -> int:
    """Dial(Local/<exten>@<context>): the callee is a Local pair whose ``;2`` runs
    the dialplan; it rings when ``;2`` indicates Ringing and answers with ``;2``.
    Events as fixture b: Newchannel ;1 ;2, NewCallerid ;1 ;2, LocalBridge,
    DialBegin (Dest ;1), Newstate ;1 Ringing, DialState RINGING, Newstate ;2/;1 Up,
    DialEnd ANSWER, then the bridge."""
    pbx, caller, resource = run.pbx, run.caller, run.args.resource
    exten, _, context = resource.partition("@")
    start = Location(context or "default", exten, 1)
    if not pbx.extension_exists(start) or pbx.run_dialplan is None:
        return run._done(DIAL_CHANUNAVAIL, -1)  # ast_request fails: no channel
    one, two = make_pair(pbx, exten, start.context, linkedid=caller.linkedid, wake=caller.wake)
    for ch in (one, two):
        pbx.add_channel(ch)
    for ch in (one, two):
        ch.caller_num, ch.caller_name = caller.caller_num, caller.caller_name
        ch.connected_num, ch.connected_name = caller.caller_num, caller.caller_name
        pbx.emit(events.new_callerid(ch))
    one.app, one.app_data = "AppDial", "(Outgoing Line)"
    pbx.emit(events.local_bridge(one, two, start.context, exten))
    pbx.emit(events.dial_begin(caller, one, resource))
    run.peer = one
    link_pair(pbx, one, two)
    pbx.run_dialplan(two, start)
    outcome = await _ring_local(run, one, two)
    if outcome == ANSWERED:
        return await run._connected(one, None)
    status, cause, result = NOT_CONNECTED[outcome]
    pbx.emit(events.dial_end(caller, one, status))
    if not one.hangup_requested:
        one.hangup_cause = cause
    pbx.finish(one)
    return run._done(status, result)


async def _ring_local(run: DialRun, one: Channel, two: Channel) -> str:
    deadline = None if run.args.timeout is None else run.started + run.args.timeout
    rang = False
    while True:
        if run.caller.interrupted:
            return ABORTED
        if one.interrupted or two.gone:
            return GONE
        if two.state == STATE_UP:
            return ANSWERED
        if one.state == STATE_RINGING and not rang:
            rang = True
            run._ringing()
        if deadline is not None and run.pbx.now() >= deadline:
            return TIMEOUT
        remaining = None if deadline is None else deadline - run.pbx.now()
        await run.caller.wake.wait(remaining)
