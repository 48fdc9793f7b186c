"""Runs a flow over a caller's channel: performs each action, feeds the replies back.

Owns the loop between the pure ``interpreter`` and a ``VoiceChannel``, and the only calls
to the ``CustomerDirectory`` and the clock made on a flow's behalf. A dead channel
surfaces as ``cti.errors.ChannelGone`` to the caller of ``run_flow``, which decides (with
the AMI's word) whether the caller really hung up.

Language: a ``language`` node sets ``CHANNEL(language)``; prompt names in flows stay bare
(``cc-welcome``). Asterisk then plays ``<sounds>/<lang>/cc-welcome`` and reads SAY NUMBER /
DIGITS / DATE with that language's words, so one setting covers prompts and readbacks.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from ivr.actions import (
    Action,
    Collect,
    Finish,
    IvrOutcome,
    Play,
    Reply,
    Say,
    SetLanguage,
    Speak,
    Utterance,
    Validate,
)
from ivr.channel import DateSayingChannel, VoiceChannel
from ivr.directory import Caller, CustomerDirectory, Verdict
from ivr.flow import Flow
from ivr.interpreter import advance, begin

log = logging.getLogger(__name__)

#: The wall-clock instant as an aware datetime (``callcenter`` wraps its loop clock).
Clock = Callable[[], datetime]


async def run_flow(
    flow: Flow,
    channel: VoiceChannel,
    *,
    caller: Caller | None = None,
    ani: str = "",
    directory: CustomerDirectory | None = None,
    clock: Clock | None = None,
) -> IvrOutcome:
    """Run ``flow`` to its end. ``caller`` facts, else ``directory.lookup(ani)``."""
    if caller is None and directory is not None and ani:
        caller = await directory.lookup(ani)
    if caller is None and ani:
        caller = Caller(ani=ani)
    state, action = begin(flow, caller=caller, now=clock() if clock else None)
    while not isinstance(action, Finish):
        reply = await perform(channel, action, directory)
        state, action = advance(flow, state, reply, clock() if clock else None)
    for prompt in action.outcome.goodbye:
        await channel.stream_file(prompt)
    return action.outcome


async def perform(
    channel: VoiceChannel, action: Action, directory: CustomerDirectory | None = None
) -> Reply:
    match action:
        case Play():
            for prompt in action.prompts:
                await channel.stream_file(prompt)
            return None
        case Speak():
            for item in action.items:
                await utter(channel, item, "")
            return None
        case Collect():
            for item in action.before:
                pressed = await utter(channel, item, action.escape_digits)
                if pressed:
                    return pressed
            return await channel.get_data(action.prompt, action.timeout_ms, action.max_digits)
        case Validate():
            return await validate(directory, action)
        case SetLanguage():
            await channel.set_variable("CHANNEL(language)", action.language)
            return None
    raise ValueError(f"cannot perform {action!r}")


async def utter(channel: VoiceChannel, item: Utterance, escape_digits: str) -> str | None:
    if isinstance(item, str):
        return await channel.stream_file(item, escape_digits)
    return await say(channel, item, escape_digits)


async def say(channel: VoiceChannel, item: Say, escape_digits: str) -> str | None:
    if item.kind == "digits":
        return await channel.say_digits(item.value, escape_digits)
    if item.kind == "number":
        return await channel.say_number(int(item.value), escape_digits)
    if isinstance(channel, DateSayingChannel):
        return await channel.say_date(int(item.value), escape_digits)
    # Without SAY DATE: the dialplan app reads it in CHANNEL(language); format A B d Y is
    # weekday, month, day, year (Asterisk 18+ say.conf defaults). No key can interrupt it.
    await channel.exec("SayUnixTime", f"{int(item.value)},,ABdY")
    return None


async def validate(directory: CustomerDirectory | None, action: Validate) -> Verdict:
    if directory is None:
        log.warning("flow asks to check %s digits but no directory is wired", action.check)
        return Verdict(ok=False)
    if action.check == "account":
        return Verdict(ok=await directory.verify_account(action.digits))
    status = await directory.request_status(action.digits)
    return Verdict(ok=status is not None, status=status)
