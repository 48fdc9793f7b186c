"""The dialer's own ring timeout in the pacing study's driver (``sim.outbound``).

The product hangs up a dial still ringing after its ring time (Originate's ``Timeout``;
predictive campaigns ring 18 s by default). The driver must do the same: a dial ringing
at the timeout ends then, as unanswered, and whoever would have answered later is lost.
"""

from dataclasses import dataclass, field

import pytest

from sim.outbound import Floor, FloorView, run_outbound
from sim.traffic import DialFate, DialTraffic, StepRate, Uniform


@dataclass
class OneAheadPacer:
    """One dial per free agent not yet covered; records every dial's end as heard."""

    ended: list[tuple[DialFate, float]] = field(default_factory=list)

    def dials_to_start(self, view: FloorView) -> int:
        return max(0, view.free_agents - len(view.dialling_since) - view.awaiting_agent)

    def dial_ended(self, now: float, fate: DialFate, ring_seconds: float) -> None:
        self.ended.append((fate, ring_seconds))

    def live_answer(self, now: float, *, abandoned: bool) -> None:
        pass

    def agent_freed(self, now: float, talk_seconds: float) -> None:
        pass


FLOOR = Floor(agents=3, shift=1800.0, ring_timeout=18.0)


def test_an_unanswered_dial_is_hung_up_at_the_dialers_ring_timeout() -> None:
    pacer = OneAheadPacer()
    traffic = DialTraffic(StepRate.constant(0.2))  # people answer after 4-16 s
    result = run_outbound(pacer, traffic, FLOOR, seed=1)
    unanswered = [ring for fate, ring in pacer.ended if fate is DialFate.NO_ANSWER]
    people = [ring for fate, ring in pacer.ended if fate is DialFate.HUMAN]
    assert unanswered and set(unanswered) == {18.0}  # the network would ring 20-30 s
    assert people and all(4 <= ring <= 16 for ring in people)
    assert result.lost == 0 and result.live_answered == len(people)


def test_a_person_who_would_answer_after_the_ring_timeout_is_lost() -> None:
    pacer = OneAheadPacer()
    late = DialTraffic(StepRate.constant(0.5), answer_after=Uniform(19, 25))
    result = run_outbound(pacer, late, FLOOR, seed=2)
    assert result.live_answered == 0 and result.lost > 0
    assert {fate for fate, _ in pacer.ended} == {DialFate.NO_ANSWER}
    assert {ring for _, ring in pacer.ended} == {18.0}


def test_without_a_ring_timeout_dials_ring_until_the_network_gives_up() -> None:
    pacer = OneAheadPacer()
    floor = Floor(agents=3, shift=1800.0)
    run_outbound(pacer, DialTraffic(StepRate.constant(0.2)), floor, seed=1)
    unanswered = [ring for fate, ring in pacer.ended if fate is DialFate.NO_ANSWER]
    assert unanswered and all(20 <= ring <= 30 for ring in unanswered)


def test_a_ring_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="ring_timeout"):
        Floor(ring_timeout=0.0)
