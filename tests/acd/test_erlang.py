"""Erlang C and Erlang A against published reference values (100 calls/30 min, AHT 180 s)."""

import pytest

from acd.erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    service_level,
)

RATE = 100 / 1800
AHT = 180.0
T = 20.0


@pytest.mark.parametrize(
    ("agents", "expected"), [(11, 0.390), (12, 0.640), (13, 0.796), (14, 0.888), (15, 0.942)]
)
def test_erlang_c_service_level_matches_the_reference_table(agents: int, expected: float) -> None:
    assert service_level(agents, RATE, AHT, T) == pytest.approx(expected, abs=0.0006)


@pytest.mark.parametrize(("agents", "expected"), [(12, 40.4), (14, 7.8)])
def test_erlang_c_average_speed_of_answer_matches_the_reference(
    agents: int, expected: float
) -> None:
    assert average_speed_of_answer(agents, RATE, AHT) == pytest.approx(expected, abs=0.06)


def test_erlang_a_abandonment_and_service_level_with_300s_patience() -> None:
    figures = erlang_a(13, RATE, AHT, patience=300, answer_within=T)
    assert figures.abandon == pytest.approx(0.0250, abs=0.0003)
    assert figures.service_level_offered == pytest.approx(0.858, abs=0.0006)
    assert figures.service_level_answered == pytest.approx(0.880, abs=0.0006)


def test_erlang_a_approaches_erlang_c_when_callers_are_very_patient() -> None:
    figures = erlang_a(13, RATE, AHT, patience=1e7, answer_within=T)
    assert figures.abandon < 1e-4
    assert figures.service_level_offered == pytest.approx(service_level(13, RATE, AHT, T), abs=1e-3)
    assert figures.probability_wait == pytest.approx(erlang_c(13, 10.0), abs=1e-3)


def test_erlang_a_stays_stable_when_the_queue_is_overloaded() -> None:
    figures = erlang_a(5, RATE, AHT, patience=60, answer_within=T)
    assert 0.0 < figures.abandon < 1.0
    assert 0.0 <= figures.service_level_offered <= 1.0


def test_erlang_b_recursion_stays_finite_for_thousands_of_lines() -> None:
    assert 0.0 < erlang_b(5000, 4900.0) < 1.0


def test_erlang_c_says_everyone_waits_when_agents_cannot_keep_up() -> None:
    assert erlang_c(10, 10.0) == 1.0
    assert service_level(9, RATE, AHT, T) == 0.0
    assert average_speed_of_answer(10, RATE, AHT) == float("inf")


def test_staffing_advice_is_the_smallest_team_meeting_the_target() -> None:
    assert agents_needed(RATE, AHT, T, 0.80) == 14
    assert agents_needed(RATE, AHT, T, 0.60) == 12
    assert agents_needed(RATE, AHT, T, 0.80, patience=300) == 13


def test_staffing_advice_refuses_a_target_that_is_not_a_fraction() -> None:
    with pytest.raises(ValueError):
        agents_needed(RATE, AHT, T, 80)
