"""How a dial attempt can end, and what each ending means to app_dial.

Owns: the outcome names ``ring_phone`` and the Local dial return, and for each one
that is not an answer its DIALSTATUS, the Q.850 cause put on the callee's channel and
what Dial() returns. Must not hold behaviour.
"""

from __future__ import annotations

from typing import Final

from sim.asterisk import (
    CAUSE_CONGESTION,
    CAUSE_NO_ANSWER,
    CAUSE_NORMAL_CLEARING,
    CAUSE_SUBSCRIBER_ABSENT,
    CAUSE_USER_BUSY,
    DIAL_BUSY,
    DIAL_CANCEL,
    DIAL_CHANUNAVAIL,
    DIAL_CONGESTION,
    DIAL_NOANSWER,
)

ANSWERED = "answered"
BUSY = "busy"
UNAVAILABLE = "unavailable"
CONGESTED = "congested"
TIMEOUT = "timeout"
ABORTED = "aborted"
GONE = "gone"

NOT_CONNECTED: Final = {
    BUSY: (DIAL_BUSY, CAUSE_USER_BUSY, 0),
    UNAVAILABLE: (DIAL_CHANUNAVAIL, CAUSE_SUBSCRIBER_ABSENT, 0),
    CONGESTED: (DIAL_CONGESTION, CAUSE_CONGESTION, 0),
    TIMEOUT: (DIAL_NOANSWER, CAUSE_NO_ANSWER, 0),
    ABORTED: (DIAL_CANCEL, CAUSE_NORMAL_CLEARING, -1),
    GONE: (DIAL_NOANSWER, CAUSE_NORMAL_CLEARING, 0),
}
