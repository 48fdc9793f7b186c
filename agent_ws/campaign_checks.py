"""From crm_core's campaign records to the dialer's pure inputs: rules, lead facts, history.

Owns the translation only (crm_core and dialer never import each other): a stored campaign
becomes ``dialer.gate.CampaignRules`` (its call window, attempt cap, retry rule per outcome
and suppression periods), a ``crm_core.campaign_facts.LeadContext`` becomes ``LeadFacts`` and
``LeadHistory``. A lead is on the internal do-not-call list when *any* of its numbers is: the
gate may pick any of them, and no listed number may ever be dialed. crm_core stores no
campaign-level do-not-call list yet, so that fact stays false here.
"""

from datetime import datetime

from crm_core.campaign_facts import LeadContext
from crm_core.campaigns import CampaignRecord
from dialer.compliance import ComplianceRules, LeadFacts
from dialer.gate import CampaignRules
from dialer.retries import Attempt, LeadHistory, Outcome, RetryRule, RetryRules
from dialer.windows import CallWindow


def rules_of(campaign: CampaignRecord) -> CampaignRules:
    """The gate's rules for this campaign, all from its stored settings."""
    window = CallWindow(campaign.window.start, campaign.window.end, campaign.window.weekdays)
    retries = {
        Outcome(outcome.value): RetryRule(float(spec.delay_seconds), spec.max_attempts)
        for outcome, spec in campaign.retries.items()
    }
    return CampaignRules(
        compliance=ComplianceRules(
            contacted_within_days=_days(campaign.contacted_within_days),
            purchased_within_days=_days(campaign.purchased_within_days),
            max_attempts=campaign.max_attempts,
        ),
        retries=RetryRules(retries, max_attempts=campaign.max_attempts),
        window=window,
    )


def facts_of(context: LeadContext) -> tuple[LeadFacts, LeadHistory]:
    lead = context.lead
    facts = LeadFacts(
        lead_id=str(lead.lead_id),
        zones=context.zones,
        on_internal_dnc=bool(context.listed_numbers),
        open_complaint=context.open_complaint,
        last_contacted_at=_seconds(context.last_contacted_at),
        last_purchase_at=_seconds(context.last_purchase_at),
        attempts=lead.attempts,
    )
    history = LeadHistory(
        numbers=context.numbers,
        attempts=tuple(
            Attempt(a.number, Outcome(a.outcome.value), a.ended_at.timestamp())
            for a in context.attempts
        ),
    )
    return facts, history


def _seconds(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _days(days: int) -> float | None:
    """A stored suppression period; 0 is stored for "no such rule"."""
    return float(days) if days > 0 else None
