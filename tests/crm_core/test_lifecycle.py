"""The service-request lifecycle table: every allowed row, and every pair it refuses."""

from __future__ import annotations

import itertools

import pytest

from crm_core.errors import IllegalTransition
from crm_core.lifecycle import TRANSITIONS, is_reopen, transition
from crm_core.vocabulary import RequestStatus as S

ALLOWED = {
    (S.NEW, S.ASSIGNED),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.WAITING_ON_CUSTOMER),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.WAITING_ON_CUSTOMER, S.IN_PROGRESS),
    (S.WAITING_ON_CUSTOMER, S.RESOLVED),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.CLOSED, S.IN_PROGRESS),
}


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    assert set(TRANSITIONS) == set(S)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_every_allowed_move_is_accepted(current: S, target: S) -> None:
    assert transition(current, target, has_assignee=True) is target


@pytest.mark.parametrize(("current", "target"), sorted(set(itertools.product(S, S)) - ALLOWED))
def test_every_other_pair_is_refused_with_a_typed_error(current: S, target: S) -> None:
    with pytest.raises(IllegalTransition) as refused:
        transition(current, target, has_assignee=True)
    assert (refused.value.current, refused.value.target) == (current.value, target.value)


def test_assigned_needs_an_assignee() -> None:
    with pytest.raises(IllegalTransition, match="assign it to someone"):
        transition(S.NEW, S.ASSIGNED, has_assignee=False)


def test_only_moves_out_of_resolved_or_closed_into_work_are_reopens() -> None:
    reopens = {pair for pair in ALLOWED if is_reopen(*pair)}
    assert reopens == {(S.RESOLVED, S.IN_PROGRESS), (S.CLOSED, S.IN_PROGRESS)}
