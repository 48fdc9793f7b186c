"""The pacing study runs end to end at a small size: figures present, the cap never crossed.

Talk figures are not judged here (a short shift is noise); the abandon cap is a
correctness property of the pacer, so it is asserted at every live answer.
"""

from fractions import Fraction

import pytest

from bench.dialer import CAP, main, run_shift
from dialer.pacing import Mode
from sim.traffic import StepRate


def test_the_dialer_bench_prints_both_modes_the_ratio_and_the_fall(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--seeds", "1", "--hours", "0.5", "--rates", "0.25"]) == 0
    out = capsys.readouterr().out
    figures = (
        "progressive",
        "predictive",
        "18 s ring",
        "over cap 0",
        "×",
        "25%→10%",
        "worst rolling",
    )
    for figure in figures:
        assert figure in out


@pytest.mark.parametrize("rate", [StepRate.constant(0.15), StepRate(((0.0, 0.25), (900, 0.1)))])
def test_predictive_never_takes_the_ledger_over_the_cap(rate: StepRate) -> None:
    shift = run_shift(Mode.PREDICTIVE, rate, seed=4, hours=0.5)
    abandons = 0
    for answers, (_, abandoned) in enumerate(shift.result.answers, start=1):
        abandons += abandoned
        assert Fraction(abandons, answers) <= CAP
    assert shift.result.live_answered > 0 and shift.over_cap == 0


def test_progressive_on_the_same_floor_never_abandons() -> None:
    shift = run_shift(Mode.PROGRESSIVE, StepRate.constant(0.4), seed=5, hours=0.25)
    assert shift.result.live_answered > 0
    assert shift.result.abandoned == 0 and shift.worst_rate == 0.0
