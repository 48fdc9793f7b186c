"""The simulator's dialplan and the loop that runs it (pbx.c's __ast_pbx_run).

Owns: which application runs at each (context, exten, priority), the Newexten events,
Redirect (async goto) hand-over between applications, and the end of a channel's
dialplan run (SoftHangupRequest 16, then Hangup). The dialplan, as extensions.conf::

    [incoming]                       ; the trunk's context: EXTEN = DNIS
    exten => <hotline DNIS>,1,NoOp(Inbound call ANI=${CALLERID(num)} DNIS=${EXTEN})
     same => n,Answer()
     same => n,Set(__ANI=${CALLERID(num)})
     same => n,Set(__DNIS=${EXTEN})
     same => n,AGI(agi://<agi_host>:<agi_port>/<script>,${DNIS},${ANI})
     same => n,GotoIf($["${AGISTATUS}" = "FAILURE"]?cti-fallback,s,1)
     same => n,Hangup()
    exten => _X.,1,Hangup(1)          ; not a hotline: unallocated number

    [cti-fallback]                   ; the daemon is unreachable: hold music
    exten => s,1,MusicOnHold(default)

    [from-internal]                  ; agents' extensions, and numbers via the trunk
    exten => _XXXXXX,1,Dial(PJSIP/${EXTEN},30)          ; up to 6 digits: a phone
    exten => _XXXXXXX.,1,Dial(PJSIP/${EXTEN}@trunk,60)  ; longer: the PSTN
     same => n,Hangup()

    [outbound]                       ; the PSTN, for Originate / click-to-dial
    exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk,60)
     same => n,Hangup()

    [route]                          ; the lab's Redirect target (fixture b)
    exten => _1XXX,1,NoOp(Routing ${CALLERID(num)} to agent ${EXTEN})
     same => n,Dial(Local/${EXTEN}@agents,30,tT)
     same => n,NoOp(DIALSTATUS=${DIALSTATUS})
     same => n,Hangup()

    [agents]                         ; the lab's simulated agent phones
    exten => _1XXX,1,NoOp(Agent ${EXTEN} phone)
     same => n,Ringing()
     same => n,Wait(${AGENT_RING})
     same => n,Answer()
     same => n,Wait(${AGENT_TALK})
     same => n,Hangup()

    [supervisors]                    ; the lab's supervisor phones (fixture e1)
    exten => _2XXX,1,NoOp(Supervisor ${EXTEN} phone)
     same => n,Answer()
     same => n,Wait(${SUPERVISOR_TALK})
     same => n,Hangup()

    [cti-resume]                     ; the daemon's Redirect back into FastAGI (a transfer
    exten => s,1,Set(CTI_FALLBACK=)   ; to a queue, a restart): same script, DNIS and ANI
     same => n,AGI(agi://<agi_host>:<agi_port>/<script>,${DNIS},${ANI})
     same => n,GotoIf($["${AGISTATUS}" = "FAILURE"]?cti-fallback,s,1)
     same => n,Hangup()

    [from-agents]                    ; an agent's internal call (click in the tab)
    exten => _1XXX,1,Dial(PJSIP/${EXTEN},20)
     same => n,Hangup()

    [cti-transfer]                   ; the daemon's blind transfer to an outside number
    exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk,60)
     same => n,Hangup()

    [cti-auto-answer]                ; pre-dial handler of the ACD's Dial (option b) to an
    exten => s,1,Set(PJSIP_HEADER(add,Call-Info)=answer-after=0)  ; auto-answer agent
     same => n,Return()
    [cti-dialer], [cti-dialer-abandon], [cti-nailed]   ; the dialer's (dialer_plan.py)

    [<any other context>]            ; hold / waiting targets of a Redirect
    exten => _X.,1,MusicOnHold(default)

Must not know AMI sessions or FastAGI details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim import events
from sim.agi_session import agi_app
from sim.apps import find_app
from sim.bridge import hold_in_bridge
from sim.channel import Channel, Location
from sim.dialer_plan import DIALER_CONTEXTS, dialer_steps
from sim.pbx import Pbx


@dataclass(frozen=True)
class Step:
    app: str
    data: Callable[[Pbx, Channel], str]


def _const(text: str) -> Callable[[Pbx, Channel], str]:
    return lambda pbx, ch: text


def _agi_data(script: str) -> Callable[[Pbx, Channel], str]:
    def agi_data(pbx: Pbx, ch: Channel) -> str:
        cfg = pbx.config
        ani, dnis = ch.variables.get("ANI", ""), ch.variables.get("DNIS", "")
        return f"agi://{cfg.agi_host}:{cfg.agi_port}/{script},{dnis},{ani}"

    return agi_data


def _failed(pbx: Pbx, ch: Channel) -> str:
    if pbx.config.fallback_unless_done:
        return f"{int(ch.variables.get('CTI_DONE') != '1')}?cti-fallback,s,1"
    return f"{int(ch.variables.get('AGISTATUS') == 'FAILURE')}?cti-fallback,s,1"


def _resume_agi(pbx: Pbx, ch: Channel) -> str:
    script = pbx.config.hotlines.get(ch.variables.get("DNIS", ""), "inbound")
    return _agi_data(script)(pbx, ch)


def _resume() -> list[Step]:
    return [
        Step("Set", _const("CTI_FALLBACK=")),
        Step("AGI", _resume_agi),
        Step("GotoIf", _failed),
        Step("Hangup", _const("")),
    ]


def _auto_answer() -> list[Step]:
    return [
        Step("Set", _const("PJSIP_HEADER(add,Call-Info)=answer-after=0")),
        Step("Return", _const("")),
    ]


def _hotline(script: str) -> list[Step]:
    return [
        Step("NoOp", lambda pbx, ch: f"Inbound call ANI={ch.caller_num} DNIS={ch.exten}"),
        Step("Answer", _const("")),
        Step("Set", lambda pbx, ch: f"__ANI={ch.caller_num}"),
        Step("Set", lambda pbx, ch: f"__DNIS={ch.exten}"),
        Step("AGI", _agi_data(script)),
        Step("GotoIf", _failed),
        Step("Hangup", _const("")),
    ]


def _to_trunk(pbx: Pbx, ch: Channel) -> str:
    return f"PJSIP/{ch.exten}@{pbx.config.trunk_name},60"


LAB_CONTEXTS = ("route", "agents", "supervisors")


def _global(name: str) -> Callable[[Pbx, Channel], str]:
    return lambda pbx, ch: pbx.globals.get(name, "")


def _lab(context: str, exten: str) -> list[Step] | None:
    """The lab contexts of tests/fixtures/asterisk/README.md, for 4-digit extensions."""
    if len(exten) != 4 or not exten.isdigit():
        return None
    if context == "route" and exten[0] == "1":
        return [
            Step("NoOp", lambda pbx, ch: f"Routing {ch.caller_num} to agent {ch.exten}"),
            Step("Dial", lambda pbx, ch: f"Local/{ch.exten}@agents,30,tT"),
            Step("NoOp", lambda pbx, ch: f"DIALSTATUS={ch.variables.get('DIALSTATUS', '')}"),
            Step("Hangup", _const("")),
        ]
    if context == "agents" and exten[0] == "1":
        return [
            Step("NoOp", lambda pbx, ch: f"Agent {ch.exten} phone"),
            Step("Ringing", _const("")),
            Step("Wait", _global("AGENT_RING")),
            Step("Answer", _const("")),
            Step("Wait", _global("AGENT_TALK")),
            Step("Hangup", _const("")),
        ]
    if context == "supervisors" and exten[0] == "2":
        return [
            Step("NoOp", lambda pbx, ch: f"Supervisor {ch.exten} phone"),
            Step("Answer", _const("")),
            Step("Wait", _global("SUPERVISOR_TALK")),
            Step("Hangup", _const("")),
        ]
    return None


def lookup(pbx: Pbx, loc: Location) -> Step | None:
    """The step at ``loc``, or None when the extension has no such priority."""
    if loc.context in LAB_CONTEXTS:
        lab = _lab(loc.context, loc.exten)
        if lab is None:
            return None
        steps = lab
    elif loc.context == "incoming":
        script = pbx.config.hotlines.get(loc.exten)
        steps = _hotline(script) if script is not None else [Step("Hangup", _const("1"))]
    elif loc.context == "cti-resume":
        steps = _resume() if loc.exten == "s" else []
    elif loc.context in DIALER_CONTEXTS:
        steps = [Step(app, data) for app, data in dialer_steps(loc.context, loc.exten)]
    elif loc.context in ("outbound", "cti-transfer") or (
        loc.context == "from-internal" and len(loc.exten) > 6
    ):
        steps = [Step("Dial", _to_trunk), Step("Hangup", _const(""))]
    elif loc.context == "from-agents" and len(loc.exten) == 4 and loc.exten[0] == "1":
        steps = [Step("Dial", lambda pbx, ch: f"PJSIP/{ch.exten},20"), Step("Hangup", _const(""))]
    elif loc.context == "from-internal":
        steps = [Step("Dial", lambda pbx, ch: f"PJSIP/{ch.exten},30"), Step("Hangup", _const(""))]
    elif loc.context == "cti-auto-answer":
        steps = _auto_answer() if loc.exten == "s" else []
    else:
        steps = [Step("MusicOnHold", _const("default"))]
    return steps[loc.priority - 1] if 1 <= loc.priority <= len(steps) else None


KNOWN_CONTEXTS = (
    "incoming",
    "from-internal",
    "outbound",
    "cti-fallback",
    "cti-resume",
    "cti-transfer",
    "from-agents",
    "cti-auto-answer",
    *DIALER_CONTEXTS,
    *LAB_CONTEXTS,
)


def exists(pbx: Pbx, loc: Location) -> bool:
    """Whether a call may be placed into ``loc`` (Local channels check this first).

    Redirect targets are looser: any other context holds the channel on music.
    """
    return loc.context in KNOWN_CONTEXTS and lookup(pbx, loc) is not None


def start_dialplan(pbx: Pbx, ch: Channel, start: Location | None) -> None:
    """Run ``ch``'s dialplan in the background, at ``start`` or its Redirect target."""
    pbx.spawn(run_dialplan(pbx, ch, start), f"pbx-{ch.name}")


async def run_dialplan(pbx: Pbx, ch: Channel, start: Location | None) -> None:
    loc = start if start is not None else _take_goto(ch)
    try:
        while not ch.hangup_requested:
            if ch.bridge_target:
                await hold_in_bridge(pbx, ch)
                loc = _take_goto(ch)
            if loc is None or ch.hangup_requested:
                break
            loc = await _step(pbx, ch, loc)
    finally:
        pbx.end_dialplan(ch)


async def run_subroutine(pbx: Pbx, ch: Channel, start: Location) -> None:
    """A pre-dial handler (app_dial option ``b``, ast_app_exec_sub): run on the new
    callee channel from ``start`` up to ``Return()``, then put its location back."""
    before = Location(ch.context, ch.exten, ch.priority)
    loc: Location | None = start
    while loc is not None and not ch.hangup_requested:
        step = lookup(pbx, loc)
        if step is None:
            break
        if step.app == "Return":
            ch.context, ch.exten, ch.priority = loc.context, loc.exten, loc.priority
            ch.app, ch.app_data = "Return", ""
            pbx.emit(events.newexten(ch, "Return", ""))
            break
        loc = await _step(pbx, ch, loc)
    ch.context, ch.exten, ch.priority = before.context, before.exten, before.priority


def _take_goto(ch: Channel) -> Location | None:
    target, ch.async_goto = ch.async_goto, None
    return target


async def _step(pbx: Pbx, ch: Channel, loc: Location) -> Location | None:
    """Run one priority; return where to go next (None: the run is over)."""
    step = lookup(pbx, loc)
    if step is None:
        return None
    ch.context, ch.exten, ch.priority = loc.context, loc.exten, loc.priority
    data = step.data(pbx, ch)
    ch.app, ch.app_data = step.app, data
    pbx.emit(events.newexten(ch, step.app, data))
    if step.app == "GotoIf":
        return _goto_if(loc, data)
    if step.app == "Goto":
        return _goto_if(loc, f"1?{data}")
    if step.app == "MusicOnHold" and ch.party is not None:
        ch.party.on_state("on-hold")
    app = agi_app if step.app == "AGI" else find_app(step.app)
    result = await app(pbx, ch, data) if app is not None else -1
    if ch.async_goto is not None or ch.bridge_target:
        return _take_goto(ch)
    if result < 0:
        return None
    return Location(loc.context, loc.exten, loc.priority + 1)


def _goto_if(loc: Location, data: str) -> Location:
    condition, _, target = data.partition("?")
    if condition.strip() not in ("", "0"):
        context, exten, priority = target.split(",")
        return Location(context, exten, int(priority))
    return Location(loc.context, loc.exten, loc.priority + 1)
