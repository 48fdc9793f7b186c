"""The dialer's contexts of asterisk-conf/extensions.conf, as the simulator runs them::

    [cti-dialer]                     ; AMI Originate PJSIP/<number>@trunk, once answered
    exten => _X.,1,NoOp(Dialer call ${CTI_CALL_ID} to ${EXTEN} answered)
     same => n,Set(__DNIS=${EXTEN})
     same => n,AMD()
     same => n,NoOp(AMDSTATUS=${AMDSTATUS} AMDCAUSE=${AMDCAUSE})
     same => n,GotoIf($["${AMDSTATUS}" = "HANGUP"]?done)
     same => n,AGI(${CTI_AGI}/outbound-amd,${AMDSTATUS},${AMDCAUSE})
     same => n,GotoIf($["${CTI_DONE}" = "1"]?done)
     same => n,Goto(cti-dialer-abandon,s,1)
     same => n(done),Hangup()

    [cti-dialer-abandon]             ; the safe-harbour message, then hang up
    exten => s,1,NoOp(Dialer call ${CTI_CALL_ID} abandoned: daemon unavailable)
     same => n,Playback(${DIALER_ABANDON_PROMPT})
     same => n,Hangup()

    [cti-nailed]                     ; an agent's nailed-up line (predictive campaigns)
    exten => _1XXX,1,NoOp(Agent ${EXTEN} nailed up)
     same => n,Answer()
     same => n,Set(CTI_NAILED=${EXTEN})
     same => n(wait),Wait(${HOLD_LIMIT})
     same => n,Goto(wait)

Owns the steps of those three contexts. Must not know who placed the call.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.channel import Channel
from sim.pbx import Pbx

DIALER_CONTEXTS = ("cti-dialer", "cti-dialer-abandon", "cti-nailed")
DONE = 9  # the (done) label of cti-dialer
WAIT = 4  # the (wait) label of cti-nailed

Data = Callable[[Pbx, Channel], str]


def _const(text: str) -> Data:
    return lambda pbx, ch: text


def _var(ch: Channel, name: str) -> str:
    return ch.variables.get(name, "")


def _amd_agi(pbx: Pbx, ch: Channel) -> str:
    cfg = pbx.config
    status, cause = _var(ch, "AMDSTATUS"), _var(ch, "AMDCAUSE")
    return f"agi://{cfg.agi_host}:{cfg.agi_port}/outbound-amd,{status},{cause}"


def _dialer(exten: str) -> list[tuple[str, Data]]:
    done = f"cti-dialer,{exten},{DONE}"
    return [
        ("NoOp", lambda pbx, ch: f"Dialer call {_var(ch, 'CTI_CALL_ID')} to {ch.exten} answered"),
        ("Set", lambda pbx, ch: f"__DNIS={ch.exten}"),
        ("AMD", _const("")),
        (
            "NoOp",
            lambda pbx, ch: f"AMDSTATUS={_var(ch, 'AMDSTATUS')} AMDCAUSE={_var(ch, 'AMDCAUSE')}",
        ),
        ("GotoIf", lambda pbx, ch: f"{int(_var(ch, 'AMDSTATUS') == 'HANGUP')}?{done}"),
        ("AGI", _amd_agi),
        ("GotoIf", lambda pbx, ch: f"{int(_var(ch, 'CTI_DONE') == '1')}?{done}"),
        ("Goto", _const("cti-dialer-abandon,s,1")),
        ("Hangup", _const("")),
    ]


def _abandon() -> list[tuple[str, Data]]:
    return [
        (
            "NoOp",
            lambda pbx, ch: f"Dialer call {_var(ch, 'CTI_CALL_ID')} abandoned: daemon unavailable",
        ),
        ("Playback", lambda pbx, ch: pbx.globals.get("DIALER_ABANDON_PROMPT", "")),
        ("Hangup", _const("")),
    ]


def _nailed(exten: str) -> list[tuple[str, Data]]:
    return [
        ("NoOp", lambda pbx, ch: f"Agent {ch.exten} nailed up"),
        ("Answer", _const("")),
        ("Set", lambda pbx, ch: f"CTI_NAILED={ch.exten}"),
        ("Wait", lambda pbx, ch: pbx.globals.get("HOLD_LIMIT", "3600")),
        ("Goto", _const(f"cti-nailed,{exten},{WAIT}")),
    ]


def dialer_steps(context: str, exten: str) -> list[tuple[str, Data]]:
    """(application, data) per priority of ``context``/``exten``; empty when none."""
    if context == "cti-dialer" and exten.isdigit():
        return _dialer(exten)
    if context == "cti-dialer-abandon" and exten == "s":
        return _abandon()
    if context == "cti-nailed" and len(exten) == 4 and exten.isdigit() and exten[0] == "1":
        return _nailed(exten)
    return []
