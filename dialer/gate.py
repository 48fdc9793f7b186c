"""The one gate every dial passes: compliance, then the call window, then the retry rule.

Owns: ``CampaignRules`` (the campaign's compliance rules, retry rules and call window)
and ``decide``, which says for one lead at ``now`` whether to dial, which number, or
why not — permanently (``Skip``) or until later (``Wait``). The shell must call it
right before each ``Originate``: nothing else in ``dialer`` decides that a lead may be
dialed. ``preflight`` counts, before the campaign starts, whom ``decide`` will skip and why.
Must not read a clock or look facts up.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from dialer.compliance import ComplianceRules, LeadFacts, Preflight, check, tally
from dialer.retries import LeadHistory, RetryRules, next_attempt
from dialer.windows import CallWindow, may_dial, utc_from_timestamp

ATTEMPTS_OVER = "no attempt left"


@dataclass(frozen=True, slots=True)
class CampaignRules:
    compliance: ComplianceRules = field(default_factory=ComplianceRules)
    retries: RetryRules = field(default_factory=RetryRules)
    window: CallWindow = field(default_factory=CallWindow)


@dataclass(frozen=True, slots=True)
class Dial:
    number: str
    attempt_no: int


@dataclass(frozen=True, slots=True)
class Wait:
    """Not now: outside the call window, or the retry delay has not passed."""

    reason: str
    #: When the retry rule allows the next attempt (``None``: the window decides).
    until: float | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """Never, for this campaign: the lead leaves the dialing list."""

    reasons: tuple[str, ...]


def decide(
    lead: LeadFacts, history: LeadHistory, rules: CampaignRules, now: float
) -> Dial | Wait | Skip:
    """Whether to dial ``lead`` now and on which number; checks in order of permanence."""
    verdict = check(lead, rules.compliance, now)
    if not verdict.eligible:
        return Skip(tuple(r.value for r in verdict.reasons))
    nxt = next_attempt(history, rules.retries, now)
    if nxt is None:
        return Skip((ATTEMPTS_OVER,))
    window = may_dial(lead.zones, utc_from_timestamp(now), rules.window)
    if not window.allowed:
        return Wait(window.reason or "outside call window")
    if nxt.due_at > now:
        return Wait("retry delay", nxt.due_at)
    return Dial(nxt.number, nxt.attempt_no)


def preflight(
    leads: Iterable[tuple[LeadFacts, LeadHistory]],
    rules: CampaignRules,
    now: float,
    examples_per_reason: int = 5,
) -> Preflight:
    """Which leads ``decide`` skips at ``now``, by the first reason of each ``Skip``.

    The campaign's own pre-flight: the same function the shell calls before each dial, so
    the counts are what the campaign then skips (a lead out of its call window now, or in
    its retry delay, only waits and is counted eligible; those in their retry delay are
    also counted in ``waiting_for_retry``).
    """
    decided = [(lead.lead_id, decide(lead, history, rules, now)) for lead, history in leads]
    found = tally(
        ((lead_id, d.reasons if isinstance(d, Skip) else ()) for lead_id, d in decided),
        examples_per_reason,
    )
    waiting = sum(1 for _, d in decided if isinstance(d, Wait) and d.until is not None)
    return replace(found, waiting_for_retry=waiting)
