"""The shell's small decisions: Originate outcomes, AMD arguments, the 2-second deadline and
which waiting agent takes an answered person."""

import pytest

from dialer.dispatch import (
    AmdStatus,
    BadAmdArguments,
    bridge_deadline,
    outcome_of_originate,
    pick_agent,
    read_amd,
)
from dialer.retries import Outcome


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [(5, Outcome.BUSY), (3, Outcome.NO_ANSWER), (8, Outcome.FAILED), (1, Outcome.FAILED),
     (0, Outcome.FAILED), (-1, Outcome.FAILED)],
)  # fmt: skip
def test_an_unanswered_originate_becomes_the_attempt_outcome_its_reason_says(
    reason: int, outcome: Outcome
) -> None:
    assert outcome_of_originate(reason) is outcome


def test_amd_arguments_are_read_as_the_dialplan_passes_them() -> None:
    verdict = read_amd(("HUMAN", "HUMAN-800-800"))
    assert (verdict.status, verdict.cause, verdict.live) == (AmdStatus.HUMAN, "HUMAN-800-800", True)
    assert read_amd(("machine",)).live is False
    assert read_amd(("NOTSURE", "TOOLONG-5000")).live is True


@pytest.mark.parametrize(("args", "named"), [((), "no AMDSTATUS"), (("",), "no AMDSTATUS"),
                                             (("ROBOT", "x"), "'ROBOT'")])  # fmt: skip
def test_bad_amd_arguments_are_refused_naming_what_is_wrong(
    args: tuple[str, ...], named: str
) -> None:
    with pytest.raises(BadAmdArguments, match=named):
        read_amd(args)


def test_the_bridge_deadline_counts_from_the_answer_so_detection_uses_up_the_two_seconds() -> None:
    assert bridge_deadline(100.0) == 102.0


def test_the_agent_free_longest_takes_the_call_ties_by_id() -> None:
    assert pick_agent({}) is None
    assert pick_agent({"bob": 10.0, "alice": 12.0}) == "bob"
    assert pick_agent({"carol": 5.0, "alice": 5.0}) == "alice"
