"""Do-not-call and suppression verdicts, and the pre-flight of who will be skipped and why."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.compliance import (
    DAY,
    ComplianceRules,
    LeadFacts,
    Reason,
    check,
    preflight,
)

NOW = 1_800_000_000.0
NY = ("America/New_York",)
RULES = ComplianceRules(contacted_within_days=7, purchased_within_days=30, max_attempts=3)


def lead(lead_id: str = "L1", **facts: Any) -> LeadFacts:
    return LeadFacts(lead_id, **{"zones": NY, **facts})


@pytest.mark.parametrize(
    ("facts", "reasons"),
    [
        ({}, ()),
        ({"on_internal_dnc": True}, (Reason.INTERNAL_DNC,)),
        ({"on_campaign_dnc": True}, (Reason.CAMPAIGN_DNC,)),
        ({"open_complaint": True}, (Reason.OPEN_COMPLAINT,)),
        ({"last_purchase_at": NOW - 29 * DAY}, (Reason.RECENT_PURCHASE,)),
        ({"last_purchase_at": NOW - 30 * DAY}, ()),
        ({"last_contacted_at": NOW - 6.9 * DAY}, (Reason.RECENTLY_CONTACTED,)),
        ({"last_contacted_at": NOW - 7 * DAY}, ()),
        ({"attempts": 2}, ()),
        ({"attempts": 3}, (Reason.MAX_ATTEMPTS,)),
        ({"zones": ()}, (Reason.NO_ZONE,)),
        ({"zones": ("Nowhere/Land",)}, (Reason.UNKNOWN_ZONE,)),
        (
            {"on_campaign_dnc": True, "on_internal_dnc": True, "zones": ()},
            (Reason.INTERNAL_DNC, Reason.CAMPAIGN_DNC, Reason.NO_ZONE),
        ),
    ],
)
def test_a_lead_is_eligible_only_when_no_rule_skips_it(
    facts: dict[str, Any], reasons: tuple[Reason, ...]
) -> None:
    verdict = check(lead(**facts), RULES, NOW)
    assert verdict.reasons == reasons
    assert verdict.eligible is (not reasons)


def test_rules_switched_off_do_not_skip() -> None:
    lenient = ComplianceRules(None, None, skip_open_complaints=False, max_attempts=9)
    facts = lead(open_complaint=True, last_contacted_at=NOW, last_purchase_at=NOW, attempts=8)
    assert check(facts, lenient, NOW).eligible


def test_preflight_counts_each_skipped_lead_once_under_its_first_reason() -> None:
    leads = [
        lead("ok1"),
        lead("ok2"),
        lead("dnc", on_internal_dnc=True, zones=()),
        lead("nozone1", zones=()),
        lead("nozone2", zones=()),
        lead("bought", last_purchase_at=NOW - DAY),
    ]
    result = preflight(leads, RULES, NOW)
    assert result.eligible_count == 2
    assert result.skipped_by_reason == {
        "internal do-not-call": 1,
        "no time zone": 2,
        "recent purchase": 1,
    }
    assert result.examples["no time zone"] == ("nozone1", "nozone2")
    assert result.skipped_count == 4


def test_preflight_keeps_only_a_few_examples_per_reason() -> None:
    leads = [lead(f"L{i}", on_campaign_dnc=True) for i in range(20)]
    result = preflight(leads, RULES, NOW, examples_per_reason=3)
    assert result.skipped_by_reason == {"campaign do-not-call": 20}
    assert result.examples["campaign do-not-call"] == ("L0", "L1", "L2")


LEADS = st.builds(
    LeadFacts,
    lead_id=st.uuids().map(str),
    zones=st.sampled_from([(), NY, ("Bad/Zone",), ("Europe/Paris", "Asia/Tokyo")]),
    on_internal_dnc=st.booleans(),
    on_campaign_dnc=st.booleans(),
    open_complaint=st.booleans(),
    last_contacted_at=st.none() | st.floats(NOW - 60 * DAY, NOW),
    last_purchase_at=st.none() | st.floats(NOW - 60 * DAY, NOW),
    attempts=st.integers(0, 5),
)


@given(st.lists(LEADS, max_size=30))
def test_preflight_agrees_with_the_verdict_on_every_lead(leads: list[LeadFacts]) -> None:
    result = preflight(leads, RULES, NOW)
    verdicts = [check(x, RULES, NOW) for x in leads]
    assert result.eligible_count == sum(v.eligible for v in verdicts)
    assert result.skipped_count == len(leads) - result.eligible_count
    for facts, verdict in zip(leads, verdicts, strict=True):
        on_dnc = facts.on_internal_dnc or facts.on_campaign_dnc
        assert not (on_dnc and verdict.eligible), "a do-not-call lead is never eligible"
