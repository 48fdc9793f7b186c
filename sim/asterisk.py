"""Asterisk's numeric vocabulary, as Asterisk 22 spells it on the wire.

Owns: channel states and their descriptions, Q.850 hangup causes and their texts
(``ast_cause2str`` in main/channel.c), the soft-hangup flags that ``SoftHangupRequest``
reports as ``Cause``, device states, OriginateResponse reasons and the dial statuses.
Must not hold behaviour beyond table look-ups.
"""

from __future__ import annotations

from typing import Final

# Channel states (include/asterisk/channelstate.h) and ChannelStateDesc.
STATE_DOWN: Final = 0
STATE_RING: Final = 4
STATE_RINGING: Final = 5
STATE_UP: Final = 6
STATE_BUSY: Final = 7

_STATE_DESC: Final = {
    0: "Down",
    1: "Rsrvd",
    2: "OffHook",
    3: "Dialing",
    4: "Ring",
    5: "Ringing",
    6: "Up",
    7: "Busy",
    8: "Dialing Offhook",
    9: "Pre-ring",
}

# Q.850 causes used by the simulator (include/asterisk/causes.h).
CAUSE_UNKNOWN: Final = 0
CAUSE_UNALLOCATED: Final = 1
CAUSE_NORMAL_CLEARING: Final = 16
CAUSE_USER_BUSY: Final = 17
CAUSE_NO_ANSWER: Final = 19
CAUSE_SUBSCRIBER_ABSENT: Final = 20
CAUSE_CONGESTION: Final = 34  # chan_pjsip: SIP 503 Service Unavailable

# Texts copied from the causes[] table of main/channel.c; anything else is "Unknown".
_CAUSE_TEXT: Final = {
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    20: "Subscriber absent",
    21: "Call Rejected",
    26: "Answered elsewhere",
    27: "Destination out of order",
    31: "Normal, unspecified",
    34: "Circuit/channel congestion",
    38: "Network out of order",
    41: "Temporary failure",
    42: "Switching equipment congestion",
}

# Soft-hangup flags. SoftHangupRequest's "Cause" is this flag, not a Q.850 cause: the pbx
# core ends every dialplan run with ast_softhangup(AST_SOFTHANGUP_APPUNLOAD) = 16 (seen
# before every Hangup of a dialplan channel in the fixtures), and AGI HANGUP uses
# AST_SOFTHANGUP_EXPLICIT = 32 (fixture a2).
SOFTHANGUP_APPUNLOAD: Final = 16
SOFTHANGUP_EXPLICIT: Final = 32

# Device states as DeviceStateChange prints them (main/devicestate.c).
DEVICE_NOT_INUSE: Final = "NOT_INUSE"
DEVICE_INUSE: Final = "INUSE"
DEVICE_RINGING: Final = "RINGING"
DEVICE_RINGINUSE: Final = "RINGINUSE"
DEVICE_UNAVAILABLE: Final = "UNAVAILABLE"

# OriginateResponse "Reason": the last AST_CONTROL_* frame __ast_request_and_dial saw.
REASON_FAILED: Final = 0  # the channel could not even be requested
REASON_HANGUP: Final = 1  # AST_CONTROL_HANGUP: the far end hung up / rejected
REASON_RINGING: Final = 3  # AST_CONTROL_RINGING: it rang until the Timeout
REASON_ANSWERED: Final = 4  # AST_CONTROL_ANSWER
REASON_BUSY: Final = 5  # AST_CONTROL_BUSY
REASON_CONGESTION: Final = 8  # AST_CONTROL_CONGESTION

# DIALSTATUS values (app_dial.c).
DIAL_ANSWER: Final = "ANSWER"
DIAL_BUSY: Final = "BUSY"
DIAL_NOANSWER: Final = "NOANSWER"
DIAL_CANCEL: Final = "CANCEL"
DIAL_CHANUNAVAIL: Final = "CHANUNAVAIL"
DIAL_CONGESTION: Final = "CONGESTION"


def state_desc(state: int) -> str:
    """``ChannelStateDesc`` for a channel state number."""
    return _STATE_DESC.get(state, "Unknown")


def cause_text(cause: int) -> str:
    """``Cause-txt`` for a Q.850 cause, as ``ast_cause2str`` gives it."""
    return _CAUSE_TEXT.get(cause, "Unknown")


def device_state(channel_states: list[int]) -> str:
    """Aggregate the states of an endpoint's channels into one device state.

    Mirrors chan_pjsip_devicestate(): each channel maps through ast_state_chan2dev
    (Down -> NOT_INUSE, Ringing -> RINGING, Ring/Up/Busy -> INUSE) and
    ast_devstate_aggregate turns RINGING + INUSE into RINGINUSE.
    """
    ringing = any(s == STATE_RINGING for s in channel_states)
    in_use = any(s in (STATE_RING, STATE_UP, STATE_BUSY) for s in channel_states)
    if ringing and in_use:
        return DEVICE_RINGINUSE
    if ringing:
        return DEVICE_RINGING
    if in_use:
        return DEVICE_INUSE
    return DEVICE_NOT_INUSE
