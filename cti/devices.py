"""Which agents' phones can take a call: device state folded from AMI.

Owns: ``DeviceStates``, the latest ``DeviceStateChanged`` fact per device, and
the answer to "may this phone be offered a call?". Pure: fed facts, no I/O, no
clock; never raises on a state string it does not know.

Asterisk 22's device states (``ast_devstate_str`` in main/devicestate.c):
NOT_INUSE is free; INUSE, BUSY, RINGING, RINGINUSE and ONHOLD are busy;
UNAVAILABLE and INVALID are unreachable (unregistered phone, no such device);
UNKNOWN is what chan_pjsip reports for a device whose state it cannot tell (for
instance a contact that was never qualified): it is taken as free, and flagged
through ``is_uncertain`` so a caller may prefer phones whose state is known. A
device never heard of is UNKNOWN too, because Asterisk reports a device only
when its state changes.
"""

from collections.abc import Mapping
from enum import StrEnum

from cti.events import DeviceStateChanged


class Availability(StrEnum):
    FREE = "free"
    BUSY = "busy"
    UNREACHABLE = "unreachable"


UNKNOWN = "UNKNOWN"
_AVAILABILITY: Mapping[str, Availability] = {
    "NOT_INUSE": Availability.FREE,
    UNKNOWN: Availability.FREE,
    "INUSE": Availability.BUSY,
    "BUSY": Availability.BUSY,
    "RINGING": Availability.BUSY,
    "RINGINUSE": Availability.BUSY,
    "ONHOLD": Availability.BUSY,
    "UNAVAILABLE": Availability.UNREACHABLE,
    "INVALID": Availability.UNREACHABLE,
}


def availability(state: str) -> Availability:
    """An Asterisk device state as free/busy/unreachable; a state we do not know is busy.

    Busy, not free: offering a call to a phone in an unknown condition risks ringing
    someone who is talking, while skipping it only delays the offer to the next change.
    """
    return _AVAILABILITY.get(state, Availability.BUSY)


class DeviceStates:
    """The latest state of each device (``PJSIP/1001``), as Asterisk last reported it."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def apply(self, fact: DeviceStateChanged) -> None:
        self._states[fact.device] = fact.state

    def state(self, endpoint: str) -> str:
        return self._states.get(endpoint, UNKNOWN)

    def availability(self, endpoint: str) -> Availability:
        return availability(self.state(endpoint))

    def is_free(self, endpoint: str) -> bool:
        return self.availability(endpoint) is Availability.FREE

    def is_reachable(self, endpoint: str) -> bool:
        return self.availability(endpoint) is not Availability.UNREACHABLE

    def is_uncertain(self, endpoint: str) -> bool:
        """Free only by default: Asterisk said UNKNOWN, or never said anything."""
        return self.state(endpoint) == UNKNOWN

    @property
    def states(self) -> Mapping[str, str]:
        return dict(self._states)
