"""Every row of the agent state table, and every pair it does not allow."""

import pytest

from acd.states import TRANSITIONS, AgentAction, AgentState, IllegalTransition, transition


@pytest.mark.parametrize(
    ("state", "action", "expected"), [(s, a, t) for (s, a), t in TRANSITIONS.items()]
)
def test_each_allowed_transition_lands_in_its_state(
    state: AgentState, action: AgentAction, expected: AgentState
) -> None:
    assert transition(state, action) is expected


ILLEGAL = [(s, a) for s in AgentState for a in AgentAction if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_other_pair_is_refused_with_a_readable_message(
    state: AgentState, action: AgentAction
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        transition(state, action)
    assert state.value in str(refused.value)


def test_only_a_ready_agent_can_be_reserved() -> None:
    reservable = {s for (s, a) in TRANSITIONS if a is AgentAction.RESERVE}
    assert reservable == {AgentState.READY}


def test_a_finished_call_always_passes_through_wrap_up() -> None:
    assert transition(AgentState.ON_CALL, AgentAction.END_CALL) is AgentState.WRAP_UP
    assert {a for (s, a) in TRANSITIONS if s is AgentState.ON_CALL} == {AgentAction.END_CALL}
