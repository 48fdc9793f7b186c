"""Do-not-call and suppression checks on one lead, and the pre-flight over a list.

Owns: ``LeadFacts`` (what the lead source knows about a lead, passed in as data),
``ComplianceRules``, ``check`` (one lead → ``Verdict``) and ``preflight`` (a list →
who will be skipped and why, before the campaign starts). Must not look anything up:
the composition root's ``LeadSource`` gathers the facts (DNC lists, last contact,
complaints, purchases) from the CRM. Times are seconds since the epoch (``Clock.now()``).

The reasons are checked in the fixed order of ``Reason``; a lead skipped for several
reasons is counted in the pre-flight under the first one only, so the counts add up to
the number of leads skipped. ``Verdict.reasons`` still lists them all.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dialer import windows

DAY = 86_400.0


class Reason(StrEnum):
    INTERNAL_DNC = "internal do-not-call"
    CAMPAIGN_DNC = "campaign do-not-call"
    OPEN_COMPLAINT = "open complaint"
    RECENT_PURCHASE = "recent purchase"
    RECENTLY_CONTACTED = "contacted recently"
    MAX_ATTEMPTS = "maximum attempts reached"
    NO_ZONE = windows.NO_ZONE
    UNKNOWN_ZONE = windows.UNKNOWN_ZONE


@dataclass(frozen=True, slots=True)
class LeadFacts:
    lead_id: str
    #: Candidate IANA zones (from the contact, else derived from the number).
    zones: tuple[str, ...] = ()
    on_internal_dnc: bool = False
    on_campaign_dnc: bool = False
    open_complaint: bool = False
    last_contacted_at: float | None = None
    last_purchase_at: float | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class ComplianceRules:
    #: Skip a lead contacted within this many days (``None``: no such rule).
    contacted_within_days: float | None = 7.0
    #: Skip a lead who bought within this many days (``None``: no such rule).
    purchased_within_days: float | None = 30.0
    skip_open_complaints: bool = True
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool
    reasons: tuple[Reason, ...] = ()


def _within(at: float | None, days: float | None, now: float) -> bool:
    return at is not None and days is not None and now - at < days * DAY


def check(lead: LeadFacts, rules: ComplianceRules, now: float) -> Verdict:
    """Every reason this lead may not be dialed now, in ``Reason`` order."""
    found = {
        Reason.INTERNAL_DNC: lead.on_internal_dnc,
        Reason.CAMPAIGN_DNC: lead.on_campaign_dnc,
        Reason.OPEN_COMPLAINT: rules.skip_open_complaints and lead.open_complaint,
        Reason.RECENT_PURCHASE: _within(lead.last_purchase_at, rules.purchased_within_days, now),
        Reason.RECENTLY_CONTACTED: _within(
            lead.last_contacted_at, rules.contacted_within_days, now
        ),
        Reason.MAX_ATTEMPTS: lead.attempts >= rules.max_attempts,
    }
    zone = windows.zone_problem(lead.zones)
    if zone is not None and zone.reason is not None:
        found[Reason(zone.reason)] = True
    reasons = tuple(r for r in Reason if found.get(r, False))
    return Verdict(not reasons, reasons)


@dataclass(frozen=True, slots=True)
class Preflight:
    eligible_count: int
    #: Leads skipped, by the first reason that skips each (so the counts sum to the skips).
    skipped_by_reason: dict[str, int]
    #: Up to ``examples_per_reason`` lead ids per reason, for the supervisor to inspect.
    examples: dict[str, tuple[str, ...]]
    #: Eligible leads whose retry delay (the campaign's rule for their last outcome) is
    #: still running at the pre-flight's ``now`` (``dialer.gate.preflight`` counts them).
    waiting_for_retry: int = 0

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped_by_reason.values())


def preflight(
    leads: Iterable[LeadFacts],
    rules: ComplianceRules,
    now: float,
    examples_per_reason: int = 5,
) -> Preflight:
    """Who will be skipped and why, counted before the campaign places a single call."""
    return tally(
        ((lead.lead_id, check(lead, rules, now).reasons) for lead in leads), examples_per_reason
    )


def tally(
    verdicts: Iterable[tuple[str, tuple[str, ...]]], examples_per_reason: int = 5
) -> Preflight:
    """A ``Preflight`` from (lead id, reasons it is skipped; empty: not skipped) pairs."""
    eligible = 0
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for lead_id, reasons in verdicts:
        if not reasons:
            eligible += 1
            continue
        key = str(reasons[0])
        counts[key] = counts.get(key, 0) + 1
        picked = examples.setdefault(key, [])
        if len(picked) < examples_per_reason:
            picked.append(lead_id)
    return Preflight(eligible, counts, {k: tuple(v) for k, v in examples.items()})
