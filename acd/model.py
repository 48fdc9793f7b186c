"""Data the ACD core works on: agents, waiting calls and offers.

Owns plain dataclasses only; the rules that change them live in ``engine`` and
``routing``. Skills are ``{name: level}`` with levels 1..10.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue: which skill at which minimum level answers it, and its wrap-up rule."""

    name: QueueName
    skill: str
    min_level: int = 1
    wrap_up_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class CallRequest:
    """Everything the ACD needs to queue one call; CRM facts arrive as data."""

    call_id: CallId
    queue: QueueName
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    tier: str = "none"
    preferred_agent: AgentId | None = None


@dataclass(slots=True)
class WaitingCall:
    request: CallRequest
    #: The original join time: a caller keeps it when an offer fails.
    joined_at: float
    reserved_for: AgentId | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    """A reservation of one agent for one call, handed to the caller's session to dial."""

    call_id: CallId
    agent_id: AgentId
    endpoint: str
    queue: QueueName
    trace: str
