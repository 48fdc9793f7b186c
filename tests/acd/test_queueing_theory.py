"""The real engine under Poisson traffic agrees with Erlang C and Erlang A (short run).

``python -m bench.erlang`` runs the same code long enough for ±0.5-point intervals; here
20,000 calls give a 95% interval of about ±2.5 points, so the tolerance is 4 points
(abandonment: 1 point) and the seed is fixed so the run is repeatable.
"""

from acd.erlang import erlang_a, service_level
from bench.erlang import AHT, ANSWER_WITHIN, RATE, measure


def test_measured_service_level_at_13_agents_matches_erlang_c() -> None:
    measured = measure(13, 20_000, seed=11)["sl_answered"]
    assert abs(measured.mean - service_level(13, RATE, AHT, ANSWER_WITHIN)) < 0.04


def test_measured_abandonment_with_300s_patience_matches_erlang_a() -> None:
    measured = measure(13, 20_000, seed=12, patience=300)
    model = erlang_a(13, RATE, AHT, 300, ANSWER_WITHIN)
    assert abs(measured["abandon"].mean - model.abandon) < 0.01
    assert abs(measured["sl_offered"].mean - model.service_level_offered) < 0.04
