"""One line for the agent's screen-pop and the interaction record: what the IVR learned.

Owns the wording, e.g. ``main:2 › lane:rule1 | language zh | verified account 100234 |
queue support +10``. Reads only an ``IvrOutcome``: secrets never reach it (the
interpreter masks them in the path and keeps them out of ``collected``).
"""

from ivr.actions import IvrOutcome


def describe(outcome: IvrOutcome) -> str:
    decisions = [mark for mark in outcome.path if ":" in mark]
    parts = [" › ".join(decisions) or "no choice"]
    if outcome.language:
        parts.append(f"language {outcome.language}")
    for key, value in outcome.collected.items():
        verified = "verified " if outcome.verified and key == "account" else ""
        parts.append(f"{verified}{key} {value}")
    parts.append(_ending(outcome))
    return " | ".join(parts)


def _ending(outcome: IvrOutcome) -> str:
    if outcome.queue:
        boost = f" +{outcome.priority_boost}" if outcome.priority_boost else ""
        return f"queue {outcome.queue}{boost}"
    if outcome.callback_number:
        return f"callback {outcome.callback_number} via {outcome.callback_queue}"
    if outcome.voicemail:
        return f"voicemail for {outcome.voicemail}"
    if outcome.transfer_to:
        return f"transfer to {outcome.transfer_to}"
    return "ended in the IVR"
