"""The closed sets of values the CRM stores: roles, tiers, statuses, outcomes.

Each set is a ``StrEnum`` so records compare equal to plain strings and serialise as them; the
tables enforce the same sets with CHECK constraints (see ``crm_core.models``). Adding a value
therefore needs a migration as well as an edit here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Tier(StrEnum):
    """Customer tier; ``rank`` orders them for the ambiguity picker (higher first)."""

    NONE = "none"
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"

    @property
    def rank(self) -> int:
        return _TIER_ORDER.index(self)


_TIER_ORDER = (Tier.NONE, Tier.BRONZE, Tier.SILVER, Tier.GOLD, Tier.PLATINUM)


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    OTHER = "other"


class RequestStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


# A request counts as open until someone resolves or closes it.
OPEN_STATUSES = frozenset(
    {
        RequestStatus.NEW,
        RequestStatus.ASSIGNED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.WAITING_ON_CUSTOMER,
    }
)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Outcome(StrEnum):
    """How a contact with the centre ended, from the system's point of view.

    ``disposition`` (free text chosen by the agent at wrap-up) is the human counterpart.
    """

    ANSWERED = "answered"
    ABANDONED_IVR = "abandoned_ivr"
    ABANDONED_QUEUE = "abandoned_queue"
    SELF_SERVED = "self_served"
    CALLBACK_REQUESTED = "callback_requested"
    OUT_OF_HOURS = "out_of_hours"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    #: The FastAGI session ended but the AMI never confirmed a hangup: the caller may be
    #: holding in the dialplan's fallback context, to be brought back on the next resync.
    SESSION_LOST = "session_lost"
    #: The caller left a message for a team (IVR voicemail node).
    VOICEMAIL = "voicemail"
    #: The IVR sent the caller to an external number.
    TRANSFERRED_OUT = "transferred_out"


def sql_in(values: type[StrEnum]) -> str:
    """The SQL list ``('a', 'b')`` of an enum's values, for CHECK constraints."""
    return "(" + ", ".join(f"'{v.value}'" for v in values) + ")"


class RequestField(StrEnum):
    """What a line of a service request's history changed."""

    STATUS = "status"
    ASSIGNEE = "assignee"
    PRIORITY = "priority"
    DUE_AT = "due_at"


class FollowUpOutcome(StrEnum):
    """How a follow-up visit or call (回访) ended."""

    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    NOT_REACHED = "not_reached"
    DECLINED = "declined"
    WRONG_NUMBER = "wrong_number"


class ValueBand(StrEnum):
    """Bands of a contact's 0..100 value score; ``band_of`` says which one a score is in."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    TOP = "top"


# Lowest score of each band, highest band first.
VALUE_BAND_FLOORS = ((ValueBand.TOP, 90), (ValueBand.HIGH, 70), (ValueBand.MEDIUM, 40))


def band_of(score: int) -> ValueBand:
    for band, floor in VALUE_BAND_FLOORS:
        if score >= floor:
            return band
    return ValueBand.LOW
