"""The ``AMD`` application (apps/app_amd.c): is a human or an answering machine on the line?

Owns: how long the analysis takes and what it concludes, from the simulated callee's
``Channel.machine`` flag, with amd.conf's defaults: a human says a short greeting and
falls silent (``AMDSTATUS=HUMAN``, ``AMDCAUSE=HUMAN-<silence>-<afterGreetingSilence>``
after greeting + after-greeting silence), a machine talks past the maximum greeting
(``MACHINE``, ``LONGGREETING-<voice>-<greeting>``); a hang-up during the analysis gives
``HANGUP``. The results are channel variables (VarSet events), as in Asterisk.
Must not know who placed the call.
"""

from __future__ import annotations

from typing import Final

from sim.channel import Channel
from sim.media import hold_for
from sim.pbx import Pbx

HUMAN_GREETING: Final = 0.5  # "Hello?" before the silence
AFTER_GREETING_SILENCE_MS: Final = 800  # amd.conf after_greeting_silence
MAXIMUM_GREETING_MS: Final = 1500  # amd.conf greeting


def _setting(args: list[str], index: int, default: int) -> int:
    text = args[index].strip() if len(args) > index else ""
    return int(text) if text.isdigit() else default


async def app_amd(pbx: Pbx, ch: Channel, data: str) -> int:
    """AMD([initialSilence,[greeting,[afterGreetingSilence,...]]]); always returns 0."""
    args = data.split(",")
    greeting_ms = _setting(args, 1, MAXIMUM_GREETING_MS)
    silence_ms = _setting(args, 2, AFTER_GREETING_SILENCE_MS)
    if ch.machine:
        seconds, status = greeting_ms / 1000, "MACHINE"
        cause = f"LONGGREETING-{greeting_ms}-{greeting_ms}"
    else:
        seconds, status = HUMAN_GREETING + silence_ms / 1000, "HUMAN"
        cause = f"HUMAN-{silence_ms}-{silence_ms}"
    if not await hold_for(pbx, ch, seconds):
        status, cause = "HANGUP", ""
    pbx.set_var(ch, "AMDSTATUS", status)
    pbx.set_var(ch, "AMDCAUSE", cause)
    return 0 if status != "HANGUP" else -1
