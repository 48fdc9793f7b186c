"""Every row of the campaign state table, and every pair it does not allow."""

import pytest

from dialer.campaign import (
    FINAL,
    TRANSITIONS,
    CampaignAction,
    CampaignRefused,
    CampaignState,
    dials_allowed,
    transition,
)


@pytest.mark.parametrize(
    ("state", "action", "expected"), [(s, a, t) for (s, a), t in TRANSITIONS.items()]
)
def test_each_allowed_transition_lands_in_its_state(
    state: CampaignState, action: CampaignAction, expected: CampaignState
) -> None:
    assert transition(state, action) is expected


ILLEGAL = [(s, a) for s in CampaignState for a in CampaignAction if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_other_pair_is_refused_with_a_typed_readable_error(
    state: CampaignState, action: CampaignAction
) -> None:
    with pytest.raises(CampaignRefused) as refused:
        transition(state, action)
    assert (refused.value.state, refused.value.action) == (state, action)
    assert state.value in str(refused.value) and action.value in str(refused.value)


def test_finished_and_stopped_are_final() -> None:
    assert not {s for (s, _a) in TRANSITIONS if s in FINAL}


def test_only_a_draft_is_edited() -> None:
    assert {s for (s, a) in TRANSITIONS if a is CampaignAction.EDIT} == {CampaignState.DRAFT}


def test_the_usual_life_of_a_campaign() -> None:
    state = CampaignState.DRAFT
    for action in ["edit", "schedule", "start", "pause", "resume", "pause", "finish"]:
        state = transition(state, CampaignAction(action))
    assert state is CampaignState.FINISHED


def test_only_a_running_campaign_places_dials() -> None:
    assert [s for s in CampaignState if dials_allowed(s)] == [CampaignState.RUNNING]
