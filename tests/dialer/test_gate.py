"""Nothing is dialed that compliance, the call window or the retry rules forbid."""

from datetime import UTC, datetime

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from dialer.compliance import DAY, ComplianceRules, LeadFacts, check
from dialer.gate import ATTEMPTS_OVER, CampaignRules, Dial, Skip, Wait, decide, preflight
from dialer.retries import Attempt, LeadHistory, Outcome, RetryRule, RetryRules, next_attempt
from dialer.windows import may_dial, utc_from_timestamp

NY = ("America/New_York",)
OPEN = datetime(2026, 11, 25, 17, tzinfo=UTC).timestamp()  # Wednesday 12:00 in New York
CLOSED = datetime(2026, 11, 25, 3, tzinfo=UTC).timestamp()  # 22:00 the evening before
RULES = CampaignRules(retries=RetryRules({Outcome.BUSY: RetryRule(600, 3)}, max_attempts=3))
FRESH = LeadHistory(("p", "a"))
BUSY_NOW = LeadHistory(("p", "a"), (Attempt("p", Outcome.BUSY, OPEN),))


@pytest.mark.parametrize(
    ("lead", "history", "now", "expected"),
    [
        (LeadFacts("L", NY), FRESH, OPEN, Dial("p", 1)),
        (LeadFacts("L", NY), FRESH, CLOSED, Wait("outside call window")),
        (LeadFacts("L", NY), BUSY_NOW, OPEN, Wait("retry delay", OPEN + 600)),
        (LeadFacts("L", NY), BUSY_NOW, OPEN + 600, Dial("a", 2)),
        (LeadFacts("L", NY, on_internal_dnc=True), FRESH, OPEN, Skip(("internal do-not-call",))),
        (LeadFacts("L", ()), FRESH, OPEN, Skip(("no time zone",))),
        (
            LeadFacts("L", NY),
            LeadHistory(("p",), (Attempt("p", Outcome.HUMAN, OPEN),)),
            OPEN,
            Skip((ATTEMPTS_OVER,)),
        ),
    ],
)
def test_decide_dials_waits_or_skips(
    lead: LeadFacts, history: LeadHistory, now: float, expected: Dial | Wait | Skip
) -> None:
    assert decide(lead, history, RULES, now) == expected


ZONES = st.sampled_from([(), NY, NY, ("Europe/Paris",), ("America/Los_Angeles", "Asia/Tokyo")])
TIMES = st.floats(OPEN - 14 * DAY, OPEN + 14 * DAY)
RARELY = st.sampled_from([False, False, False, True])
SOMETIMES = st.one_of(st.none(), st.none(), st.floats(OPEN - 90 * DAY, OPEN))
LEADS = st.builds(
    LeadFacts,
    lead_id=st.just("L"),
    zones=ZONES,
    on_internal_dnc=RARELY,
    on_campaign_dnc=RARELY,
    open_complaint=RARELY,
    last_contacted_at=SOMETIMES,
    last_purchase_at=SOMETIMES,
    attempts=st.integers(0, 2),
)
HISTORIES = st.builds(
    LeadHistory,
    numbers=st.just(("p", "a")),
    attempts=st.lists(
        st.builds(Attempt, st.sampled_from(["p", "a"]), st.sampled_from(list(Outcome)), TIMES),
        max_size=3,
    ).map(tuple),
)
ANY_RULES = st.builds(
    CampaignRules,
    compliance=st.builds(ComplianceRules, max_attempts=st.integers(2, 5)),
    retries=st.just(RetryRules()),
)


@settings(max_examples=300)
@given(LEADS, HISTORIES, ANY_RULES, TIMES)
def test_a_dial_never_breaks_dnc_window_suppression_or_retry_rules(
    lead: LeadFacts, history: LeadHistory, rules: CampaignRules, now: float
) -> None:
    decision = decide(lead, history, rules, now)
    event(type(decision).__name__)
    if not isinstance(decision, Dial):
        return
    assert check(lead, rules.compliance, now).eligible
    assert may_dial(lead.zones, utc_from_timestamp(now), rules.window).allowed
    nxt = next_attempt(history, rules.retries, now)
    assert nxt is not None and nxt.due_at <= now and nxt.number == decision.number


def test_the_preflight_counts_leads_in_their_retry_delay_by_the_campaigns_own_delay() -> None:
    """A busy line 15 minutes ago: still waiting under a 30-minute busy rule, due now under a
    10-minute one. Waiting leads stay eligible; the count says how many wait."""
    busy_15_min_ago = LeadHistory(("p",), (Attempt("p", Outcome.BUSY, OPEN - 900),))
    leads = [(LeadFacts("fresh", NY), FRESH), (LeadFacts("busy", NY), busy_15_min_ago)]

    def rules(busy_delay: float) -> CampaignRules:
        retries = RetryRules({Outcome.BUSY: RetryRule(busy_delay, 3)}, max_attempts=3)
        return CampaignRules(retries=retries)

    slow = preflight(leads, rules(1800), OPEN)
    quick = preflight(leads, rules(600), OPEN)

    assert (slow.eligible_count, slow.skipped_count, slow.waiting_for_retry) == (2, 0, 1)
    assert (quick.eligible_count, quick.skipped_count, quick.waiting_for_retry) == (2, 0, 0)
