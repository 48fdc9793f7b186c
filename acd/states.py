"""Agent states and the one transition table that governs them.

Rules:
- An agent signs in to ``not_ready`` and chooses ``ready`` explicitly.
- Only a ``ready`` agent can be reserved for a call; there is never more than one offer.
- A reservation ends in ``on_call`` (answered) or back in ``ready`` (missed), or in
  ``not_ready`` when the agent missed too many offers in a row.
- An agent at their desk (``ready`` or ``not_ready``) may join a call nobody offered them:
  a colleague who answers an attended transfer's consultation is ``on_call`` from then on.
- A finished call always passes through ``wrap_up``; wrap-up ends in ``ready`` or ``not_ready``.
- Signing out is allowed only when no call is attached (ready or not ready).
Requests from people that break these rules raise ``IllegalTransition``.
"""

from enum import StrEnum


class AgentState(StrEnum):
    SIGNED_OUT = "signed_out"
    NOT_READY = "not_ready"
    READY = "ready"
    RESERVED = "reserved"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"


class AgentAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    GO_READY = "go_ready"
    GO_NOT_READY = "go_not_ready"
    RESERVE = "reserve"
    MISS = "miss"
    MISS_TOO_MANY = "miss_too_many"
    CONNECT = "connect"
    RELEASE = "release"
    END_CALL = "end_call"
    JOIN_CALL = "join_call"


S, A = AgentState, AgentAction

TRANSITIONS: dict[tuple[AgentState, AgentAction], AgentState] = {
    (S.SIGNED_OUT, A.SIGN_IN): S.NOT_READY,
    (S.NOT_READY, A.GO_READY): S.READY,
    (S.NOT_READY, A.GO_NOT_READY): S.NOT_READY,
    (S.NOT_READY, A.SIGN_OUT): S.SIGNED_OUT,
    (S.READY, A.GO_NOT_READY): S.NOT_READY,
    (S.READY, A.SIGN_OUT): S.SIGNED_OUT,
    (S.READY, A.RESERVE): S.RESERVED,
    (S.RESERVED, A.CONNECT): S.ON_CALL,
    (S.RESERVED, A.MISS): S.READY,
    (S.RESERVED, A.MISS_TOO_MANY): S.NOT_READY,
    # The caller left (hung up, overflowed) before the agent's phone was answered.
    (S.RESERVED, A.RELEASE): S.READY,
    (S.READY, A.JOIN_CALL): S.ON_CALL,
    (S.NOT_READY, A.JOIN_CALL): S.ON_CALL,
    (S.ON_CALL, A.END_CALL): S.WRAP_UP,
    (S.WRAP_UP, A.GO_READY): S.READY,
    (S.WRAP_UP, A.GO_NOT_READY): S.NOT_READY,
}


class IllegalTransition(Exception):
    """A request that the state machine refuses; the message is fit for the agent."""

    def __init__(self, state: AgentState, action: AgentAction) -> None:
        super().__init__(f"cannot {action.value.replace('_', ' ')} while {state.value}")
        self.state = state
        self.action = action


def transition(state: AgentState, action: AgentAction) -> AgentState:
    """The state after ``action`` from ``state``, or ``IllegalTransition``."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None
