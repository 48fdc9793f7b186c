"""Runs a flow over a caller's channel: performs each action, feeds the replies back.

Owns the loop between the pure ``interpreter`` and a ``VoiceChannel``. A dead channel
surfaces as ``cti.errors.ChannelGone`` to the caller of ``run_flow``, which decides (with
the AMI's word) whether the caller really hung up.
"""

import logging

from ivr.channel import VoiceChannel
from ivr.flow import Flow
from ivr.interpreter import Collect, Finish, IvrOutcome, Play, advance, begin

log = logging.getLogger(__name__)


async def run_flow(flow: Flow, channel: VoiceChannel) -> IvrOutcome:
    state, action = begin(flow)
    while not isinstance(action, Finish):
        reply = await perform(channel, action)
        state, action = advance(flow, state, reply)
    for prompt in action.outcome.goodbye:
        await channel.stream_file(prompt)
    return action.outcome


async def perform(channel: VoiceChannel, action: Play | Collect) -> str | None:
    if isinstance(action, Play):
        for prompt in action.prompts:
            await channel.stream_file(prompt)
        return None
    for prompt in action.before:
        pressed = await channel.stream_file(prompt, action.escape_digits)
        if pressed:
            return pressed
    return await channel.get_data(action.prompt, action.timeout_ms, action.max_digits)
