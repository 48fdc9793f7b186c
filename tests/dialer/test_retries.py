"""Which number is tried next, and when, after each kind of outcome."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.retries import (
    Attempt,
    LeadHistory,
    NextAttempt,
    Outcome,
    RetryRule,
    RetryRules,
    next_attempt,
)

NOW = 1_800_000_000.0
B, N, M, F, H = Outcome.BUSY, Outcome.NO_ANSWER, Outcome.MACHINE, Outcome.FAILED, Outcome.HUMAN
RULES = RetryRules(
    {
        B: RetryRule(delay=600, max_attempts=3),
        N: RetryRule(delay=3600, max_attempts=2),
        M: RetryRule(delay=7200, max_attempts=1),
        F: RetryRule(delay=60, max_attempts=2),
    },
    max_attempts=4,
)


def history(numbers: str, *tried: tuple[str, Outcome, float]) -> LeadHistory:
    return LeadHistory(tuple(numbers.split()), tuple(Attempt(n, o, at) for n, o, at in tried))


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        # A fresh lead: its primary number, now.
        (history("p a"), NextAttempt("p", NOW, 1)),
        # Busy: after its delay, on the next number in order.
        (history("p a", ("p", B, NOW - 100)), NextAttempt("a", NOW + 500, 2)),
        # The delay already passed: due now, never in the past.
        (history("p a", ("p", B, NOW - 9000)), NextAttempt("a", NOW, 2)),
        # Numbers wrap round to the primary.
        (history("p a", ("p", B, 0), ("a", N, NOW)), NextAttempt("p", NOW + 3600, 3)),
        # A single number is tried again.
        (history("p", ("p", N, NOW)), NextAttempt("p", NOW + 3600, 2)),
        # A failed number is dropped; the next live one is used.
        (history("p a b", ("p", F, NOW), ("a", B, NOW)), NextAttempt("b", NOW + 600, 3)),
        (history("p a b", ("p", F, NOW), ("b", B, NOW)), NextAttempt("a", NOW + 600, 3)),
        # Every number failed: the lead is done.
        (history("p a", ("p", F, NOW), ("a", F, NOW)), None),
        # A person answered: done.
        (history("p a", ("p", H, NOW)), None),
        # The per-outcome cap: machine is retried at most once.
        (history("p a", ("p", M, NOW)), None),
        (history("p a", ("p", N, 0), ("a", N, NOW)), None),
        # The lead's cap over all outcomes.
        (history("p a", ("p", B, 0), ("a", N, 0), ("p", B, 0), ("a", B, NOW)), None),
    ],
)
def test_next_attempt_follows_the_rule_of_the_last_outcome(
    lead: LeadHistory, expected: NextAttempt | None
) -> None:
    assert next_attempt(lead, RULES, NOW) == expected


def test_an_outcome_without_a_rule_ends_the_lead() -> None:
    only_busy = RetryRules({B: RetryRule(60, 5)}, max_attempts=5)
    assert next_attempt(history("p", ("p", N, NOW)), only_busy, NOW) is None


def test_a_lead_without_numbers_is_never_dialed() -> None:
    assert next_attempt(LeadHistory(()), RULES, NOW) is None


@pytest.mark.parametrize(("delay", "cap"), [(-1, 1), (0, 0)])
def test_a_rule_that_makes_no_sense_is_refused(delay: float, cap: int) -> None:
    with pytest.raises(ValueError):
        RetryRule(delay, cap)


OUTCOMES = st.sampled_from([B, N, M, F])


@given(st.lists(OUTCOMES, max_size=12), st.integers(1, 4))
def test_retries_never_exceed_the_caps_nor_reuse_a_failed_number(
    outcomes: list[Outcome], numbers: int
) -> None:
    lead = LeadHistory(tuple(f"n{i}" for i in range(numbers)))
    clock = NOW
    for outcome in outcomes:
        nxt = next_attempt(lead, RULES, clock)
        if nxt is None:
            break
        assert nxt.due_at >= clock
        assert nxt.number not in {a.number for a in lead.attempts if a.outcome is F}
        clock = nxt.due_at
        lead = LeadHistory(lead.numbers, (*lead.attempts, Attempt(nxt.number, outcome, clock)))
    assert len(lead.attempts) <= RULES.max_attempts
    for outcome, rule in RULES.per_outcome.items():
        assert sum(a.outcome is outcome for a in lead.attempts) <= rule.max_attempts


#: A campaign's own rules: every outcome with a delay of its own.
OWN = RetryRules(
    {
        B: RetryRule(delay=90, max_attempts=4),
        N: RetryRule(delay=1800, max_attempts=4),
        M: RetryRule(delay=86_400, max_attempts=4),
        F: RetryRule(delay=5, max_attempts=4),
    },
    max_attempts=10,
)


@pytest.mark.parametrize(("outcome", "delay"), [(B, 90.0), (N, 1800.0), (M, 86_400.0), (F, 5.0)])
def test_each_outcome_waits_the_delay_its_own_rule_sets(outcome: Outcome, delay: float) -> None:
    lead = history("p a", ("p", outcome, NOW))
    found = next_attempt(lead, OWN, NOW)
    assert found is not None and found.due_at == NOW + delay


def test_a_zero_delay_redials_at_once() -> None:
    at_once = RetryRules({B: RetryRule(delay=0, max_attempts=3)}, max_attempts=3)
    assert next_attempt(history("p", ("p", B, NOW)), at_once, NOW) == NextAttempt("p", NOW, 2)


def test_an_outcome_capped_at_one_attempt_is_never_retried_while_others_are() -> None:
    no_busy_retry = RetryRules({B: RetryRule(60, 1), N: RetryRule(60, 3)}, max_attempts=5)
    assert next_attempt(history("p", ("p", B, NOW)), no_busy_retry, NOW) is None
    assert next_attempt(history("p", ("p", N, NOW)), no_busy_retry, NOW) is not None
    # The cap counts attempts ending that way, not in a row: a later busy ends the lead.
    mixed = history("p", ("p", N, 0), ("p", B, NOW))
    assert next_attempt(mixed, no_busy_retry, NOW) is None


def test_the_default_rules_are_the_documented_ones() -> None:
    """docs/dialer.md: busy again after 10 minutes (3 at most), no answer after 2 hours (3),
    machine after 4 hours (2), failed after 1 minute (2); 5 attempts in all."""
    assert RetryRules().per_outcome == {
        B: RetryRule(600, 3),
        N: RetryRule(7200, 3),
        M: RetryRule(14_400, 2),
        F: RetryRule(60, 2),
    }
    assert RetryRules().max_attempts == 5
