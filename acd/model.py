"""Data the ACD core works on: agents, waiting calls and offers.

Owns plain dataclasses only; the rules that change them live in ``engine`` and
``routing``. Skills are ``{name: level}`` with levels 1..10.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from acd.entry import EntryRule
from acd.states import AgentState
from cti.ids import AgentId, CallId, QueueName


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """What an agent is, as configured: who, which phone, which skills."""

    agent_id: AgentId
    display_name: str
    endpoint: str
    skills: Mapping[str, int]


@dataclass(slots=True)
class AgentStatus:
    """What an agent is doing now."""

    profile: AgentProfile
    state: AgentState = AgentState.SIGNED_OUT
    reason: str | None = None
    since: float = 0.0
    #: When the agent last became ready (or finished a call): the "longest idle" key.
    idle_since: float = 0.0
    missed_in_a_row: int = 0
    call_id: CallId | None = None
    #: Under ``WrapUpMode.TIMED_NO_EARLY_EXIT``: the agent may not leave wrap-up before this.
    wrap_up_locked_until: float | None = None
    #: No longer an agent (removed or deactivated by an admin) while attached to a call:
    #: signed out and forgotten as soon as that call's work is over (``acd.agent_edits``).
    retiring: bool = False


class OverflowAction(StrEnum):
    """What happens to a call still waiting after the last routing step's timeout."""

    #: Move to ``Overflow.queue``; the caller keeps the original join time.
    QUEUE = "queue"
    #: Leave the queue; the shell offers the caller a callback.
    CALLBACK = "callback"
    #: Leave the queue; the shell sends the caller to voicemail.
    VOICEMAIL = "voicemail"


@dataclass(frozen=True, slots=True)
class Overflow:
    action: OverflowAction
    queue: QueueName | None = None

    def __post_init__(self) -> None:
        if (self.action is OverflowAction.QUEUE) != (self.queue is not None):
            raise ValueError("an overflow names a queue exactly when its action is 'queue'")


@dataclass(frozen=True, slots=True)
class RoutingStep:
    """One TaskRouter-style step: the skills (name → minimum level) an agent needs.

    ``timeout`` is counted in seconds from the moment the call entered the queue (the
    original join time, or the overflow into this queue); ``None`` means "no end".
    """

    skills: Mapping[str, int]
    timeout: float | None = None


class WrapUpMode(StrEnum):
    #: No wrap-up unless the agent asks: ready as soon as the call ends.
    OPTIONAL = "optional"
    #: Wrap-up until the agent closes it; never ends by itself.
    MANDATORY = "mandatory"
    #: Ends after ``wrap_up_seconds``; the agent may close it earlier.
    TIMED = "timed"
    #: Ends after ``wrap_up_seconds``; the agent cannot leave it earlier.
    TIMED_NO_EARLY_EXIT = "timed_no_early_exit"


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue: who answers it at each routing step, what follows the last, and wrap-up.

    Without ``steps`` the queue has one step, ``{skill: min_level}``, with no timeout.
    ``choice`` names the agent-choice strategy (``routing.CHOICES`` or the engine's own).
    """

    name: QueueName
    skill: str
    min_level: int = 1
    wrap_up_seconds: float = 30.0
    steps: tuple[RoutingStep, ...] = ()
    overflow: Overflow | None = None
    choice: str = "longest_idle"
    wrap_up_mode: WrapUpMode = WrapUpMode.TIMED
    #: Checked in order before a caller joins (``acd.entry``).
    entry_rules: tuple[EntryRule, ...] = ()
    #: Waiting callers may press 1 to be called back, keeping their place.
    offer_callback: bool = False
    #: Seconds (from the join time) a call waits for its preferred agent alone while that
    #: agent is ready or soon ready (``acd.preferred``); 0: no window.
    preferred_window: float = 0.0

    def __post_init__(self) -> None:
        timeouts = [s.timeout for s in self.steps]
        if any(t is None for t in timeouts[:-1]):
            raise ValueError(f"queue {self.name}: only the last step may have no timeout")
        bounds = [t for t in timeouts if t is not None]
        if any(t <= 0 for t in bounds) or bounds != sorted(set(bounds)):
            raise ValueError(f"queue {self.name}: step timeouts must be positive and increasing")
        if self.preferred_window < 0:
            raise ValueError(f"queue {self.name}: preferred_window cannot be negative")
        if self.overflow is not None and self.routing_steps[-1].timeout is None:
            raise ValueError(f"queue {self.name}: an overflow needs a last step with a timeout")

    @property
    def routing_steps(self) -> tuple[RoutingStep, ...]:
        return self.steps or (RoutingStep({self.skill: self.min_level}),)


@dataclass(frozen=True, slots=True)
class CallRequest:
    """Everything the ACD needs to queue one call; CRM facts arrive as data."""

    call_id: CallId
    queue: QueueName
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    tier: str = "none"
    preferred_agent: AgentId | None = None
    #: Set for a callback: the number the daemon dials once an agent is reserved. A
    #: callback waits like a call (same order, steps, statistics) but never overflows.
    callback_number: str | None = None


@dataclass(slots=True)
class WaitingCall:
    request: CallRequest
    #: The original join time: a caller keeps it when an offer fails.
    joined_at: float
    reserved_for: AgentId | None = None
    #: When the call entered its current queue: routing-step timeouts count from here.
    #: Equal to ``joined_at`` unless the call overflowed from another queue.
    entered_queue_at: float | None = None
    #: The preferred agent let this call's offer ring out or rejected it: no more waiting
    #: for them alone (``acd.preferred``).
    preferred_declined: bool = False

    @property
    def step_origin(self) -> float:
        return self.joined_at if self.entered_queue_at is None else self.entered_queue_at


@dataclass(frozen=True, slots=True)
class Offer:
    """A reservation of one agent for one call, handed to the caller's session to dial."""

    call_id: CallId
    agent_id: AgentId
    endpoint: str
    queue: QueueName
    trace: str
