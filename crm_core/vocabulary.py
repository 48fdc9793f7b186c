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


class SegmentEnd(StrEnum):
    """How one agent leg of an interaction ended.

    A leg that was answered ends ``completed`` (either side hung up) or ``transferred`` (the
    agent passed the caller on); one that never was ends ``no_answer`` (rang out),
    ``rejected`` (the agent or the phone declined), or ``caller_hung_up`` (the caller left
    while it rang). ``failed`` (the endpoint or the channel failed) can end either.
    """

    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    NO_ANSWER = "no_answer"
    REJECTED = "rejected"
    CALLER_HUNG_UP = "caller_hung_up"
    FAILED = "failed"


ANSWERED_ENDS = frozenset({SegmentEnd.COMPLETED, SegmentEnd.TRANSFERRED, SegmentEnd.FAILED})
UNANSWERED_ENDS = frozenset(
    {SegmentEnd.NO_ANSWER, SegmentEnd.REJECTED, SegmentEnd.CALLER_HUNG_UP, SegmentEnd.FAILED}
)


class DispositionCategory(StrEnum):
    """What reports group agents' wrap-up codes by."""

    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    ESCALATED = "escalated"
    SALE = "sale"
    NO_SALE = "no_sale"
    NOT_REACHED = "not_reached"
    OTHER = "other"


class CampaignMode(StrEnum):
    """The dialer's pacing modes (the same values as ``dialer.pacing.Mode``)."""

    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"


class CampaignStatus(StrEnum):
    """A campaign's life-cycle state (the same values as ``dialer.campaign.CampaignState``,
    whose transition table decides the moves; crm_core only stores the result)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


class LeadState(StrEnum):
    """Where one contact of a campaign's list stands.

    ``pending`` waits for its next attempt (``next_attempt_at``, or now if unset);
    ``dialing`` has an attempt in flight; ``done`` reached a person; ``exhausted`` has no
    attempt left; ``skipped`` was taken off the list by a compliance check at dial time.
    """

    PENDING = "pending"
    DIALING = "dialing"
    DONE = "done"
    EXHAUSTED = "exhausted"
    SKIPPED = "skipped"


class AttemptOutcome(StrEnum):
    """How one dial ended (the same values as ``dialer.retries.Outcome``)."""

    HUMAN = "human"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    MACHINE = "machine"
    FAILED = "failed"


class AmdResult(StrEnum):
    """Asterisk's ``AMD()`` verdict (``AMDSTATUS``, lower-cased)."""

    HUMAN = "human"
    MACHINE = "machine"
    NOTSURE = "notsure"
    HANGUP = "hangup"


def band_range(band: ValueBand) -> tuple[int, int]:
    """The scores of ``band``: from its floor (inclusive) to the next band's (exclusive)."""
    floors = dict(VALUE_BAND_FLOORS) | {ValueBand.LOW: 0}
    above = [floor for floor in floors.values() if floor > floors[band]]
    return floors[band], min(above, default=101)
