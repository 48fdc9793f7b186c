"""Every row of the campaign state table, every pair it does not allow, and the moves the
schedule asks for."""

import pytest

from dialer.campaign import (
    FINAL,
    TRANSITIONS,
    CampaignAction,
    CampaignRefused,
    CampaignState,
    dials_allowed,
    scheduled_move,
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


@pytest.mark.parametrize(
    ("state", "starts", "ends", "move"),
    [
        (CampaignState.SCHEDULED, 100.0, None, CampaignAction.START),
        (CampaignState.SCHEDULED, 101.0, None, None),
        (CampaignState.SCHEDULED, None, None, None),
        (CampaignState.SCHEDULED, 50.0, 90.0, CampaignAction.STOP),
        (CampaignState.RUNNING, 50.0, 100.0, CampaignAction.FINISH),
        (CampaignState.PAUSED, None, 99.0, CampaignAction.FINISH),
        (CampaignState.RUNNING, 50.0, 101.0, None),
        (CampaignState.DRAFT, 50.0, 90.0, None),
        (CampaignState.FINISHED, 50.0, 90.0, None),
    ],
)
def test_the_schedule_starts_a_campaign_at_its_start_and_finishes_it_at_its_end(
    state: CampaignState, starts: float | None, ends: float | None, move: CampaignAction | None
) -> None:
    assert scheduled_move(state, starts, ends, now=100.0) is move
    if move is not None:
        transition(state, move)  # every move the schedule asks for is in the table
