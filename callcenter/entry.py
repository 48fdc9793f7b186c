"""A queue's entry rules applied to a caller about to join it (``acd.entry`` decides).

Owns the caller's side of each action: ``queue`` changes the queue the IVR chose,
``voicemail`` and ``callback`` turn the IVR's outcome into the IVR's own endings (so they
are recorded the same way), ``message`` plays the prompt and ends the call. A callback is
an offer: the caller presses 1 to take it, anything else (or nothing, or a withheld
number) keeps them on their way into the queue.
"""

import logging
from dataclasses import replace

from acd.entry import EntryAction, EntryCondition, EntryRule
from callcenter.calls import ActiveCall
from cti.agi_server import AgiSession
from ivr.interpreter import IvrOutcome

log = logging.getLogger(__name__)

CALLBACK_OFFER_PROMPT = "cc-press-1-callback"
CALLBACK_OFFER_WAIT_MS = 5000
#: What the interaction says of a caller sent away with a message.
MESSAGE_OUTCOME = {EntryCondition.CLOSED: "out_of_hours"}
MESSAGE_OUTCOME_OTHERWISE = "busy"


async def divert(
    session: AgiSession, call: ActiveCall, rule: EntryRule, outcome: IvrOutcome
) -> IvrOutcome:
    """The outcome to go on with: still a queue (maybe another), or an IVR ending."""
    queue = outcome.queue or ""
    call.add_note(f"entry rule of {queue}: {rule.when.value} -> {rule.action.value}")
    log.info("call %s: %s entry rule %s -> %s", call.call_id, queue, rule.when, rule.action)
    match rule.action:
        case EntryAction.QUEUE:
            # The target queue's own skills apply, not what the IVR asked of the first.
            return replace(outcome, queue=rule.queue, skills={})
        case EntryAction.VOICEMAIL:
            return replace(outcome, queue=None, voicemail=queue)
        case EntryAction.CALLBACK:
            if not call.ani or not await _accepts_callback(session, rule):
                return outcome
            return replace(outcome, queue=None, callback_number=call.ani, callback_queue=queue)
        case EntryAction.MESSAGE:
            await session.stream_file(rule.prompt or "")
            call.outcome = MESSAGE_OUTCOME.get(rule.when, MESSAGE_OUTCOME_OTHERWISE)
            await session.hangup()
            return replace(outcome, queue=None)


async def _accepts_callback(session: AgiSession, rule: EntryRule) -> bool:
    pressed = await session.stream_file(rule.prompt or CALLBACK_OFFER_PROMPT, "1")
    if pressed is None:
        pressed = await session.wait_for_digit(CALLBACK_OFFER_WAIT_MS)
    return pressed == "1"
