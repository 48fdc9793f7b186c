"""Events the ACD publishes: past-tense facts about agents and calls.

Owns frozen, slotted dataclasses only. They feed the bus, the event log, the agents'
tabs and the wallboard.
"""

from dataclasses import dataclass

from cti.ids import AgentId, CallId, QueueName


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    agent_id: AgentId
    state: str
    previous: str
    reason: str | None
    #: Seconds spent in the previous state.
    duration: float
    call_id: CallId | None
    at: float


@dataclass(frozen=True, slots=True)
class CallQueued:
    call_id: CallId
    queue: QueueName
    priority: int
    at: float
    #: A callback's number (``CallRequest.callback_number``); the log keeps it for a restart.
    callback_number: str | None = None
    #: The join time the entry keeps (a callback's or a resumed caller's original one).
    joined_at: float | None = None
    tier: str = "none"


@dataclass(frozen=True, slots=True)
class AgentReserved:
    call_id: CallId
    agent_id: AgentId
    endpoint: str
    queue: QueueName
    waited: float
    trace: str
    at: float


@dataclass(frozen=True, slots=True)
class OfferFailed:
    call_id: CallId
    agent_id: AgentId
    status: str
    at: float


@dataclass(frozen=True, slots=True)
class CallConnected:
    call_id: CallId
    agent_id: AgentId
    queue: QueueName
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class CallLeftQueue:
    """A waiting call left the queue without an agent (hung up, or its session ended)."""

    call_id: CallId
    queue: QueueName
    reason: str
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class CallFinished:
    call_id: CallId
    agent_id: AgentId
    talk_seconds: float
    at: float


@dataclass(frozen=True, slots=True)
class CallOverflowed:
    """A waiting call passed its queue's last routing step; the shell acts on ``action``.

    ``action`` is ``queue`` (the call now waits in ``to_queue`` with its original join
    time), ``callback`` or ``voicemail`` (the call has left the ACD's queues).
    """

    call_id: CallId
    queue: QueueName
    action: str
    to_queue: QueueName | None
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class CallPriorityChanged:
    """A team lead changed a waiting call's priority; its place is counted anew from its
    original join time with the new priority (``routing.call_order``)."""

    call_id: CallId
    queue: QueueName
    priority: int
    previous: int
    by: str
    at: float


@dataclass(frozen=True, slots=True)
class CallMoved:
    """A team lead moved a waiting call to another queue; it keeps its original join time,
    and that queue's routing steps count from the move."""

    call_id: CallId
    queue: QueueName
    to_queue: QueueName
    by: str
    at: float


AcdEvent = (
    AgentStateChanged
    | CallQueued
    | AgentReserved
    | OfferFailed
    | CallConnected
    | CallLeftQueue
    | CallFinished
    | CallOverflowed
    | CallPriorityChanged
    | CallMoved
)
