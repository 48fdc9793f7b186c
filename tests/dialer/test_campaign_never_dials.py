"""A whole campaign run, step by step: no number on a do-not-call list, outside its call
window, or suppressed is ever dialed, whatever the list, the mode or the retry schedule.

Hypothesis draws the list (leads with their numbers, zones, do-not-call entries and
purchases, some of either arriving mid-campaign, complaints, earlier contacts), the mode,
the call window, the retry rules and the outcome of every dial. The driver does what the
runtime does: on each tick ``pace`` says how many dials, and each candidate lead, in list
order, goes through ``dialer.gate.decide`` right before its dial. Every dial is then checked
against the facts true at that moment with an oracle written independently of ``dialer``
(zoneinfo only).
"""

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from dialer.abandon import DAY
from dialer.compliance import ComplianceRules, LeadFacts
from dialer.gate import CampaignRules, Dial, decide
from dialer.pacing import Mode, PacingConfig, PacingState, pace
from dialer.retries import Attempt, LeadHistory, Outcome, RetryRule, RetryRules
from dialer.windows import CallWindow

START = datetime(2026, 11, 23, 0, 0, tzinfo=ZoneInfo("UTC")).timestamp()  # a Monday
TICK = 900.0
DAYS = 4

ZONES = st.sampled_from(
    [
        ("America/New_York",),
        ("Europe/Paris",),
        ("Asia/Tokyo",),
        ("America/Chicago", "Asia/Tokyo"),
        (),
        ("Not/AZone",),
    ]
)
#: Mostly false, so that most lists hold leads that may be dialed at some point.
RARELY = st.sampled_from([False, False, False, True])
MAYBE_TIME = st.one_of(st.none(), st.floats(START - 60 * DAY, START + DAYS * DAY))


@dataclass
class Lead:
    facts: LeadFacts
    numbers: tuple[str, ...]
    #: When the lead's number lands on the internal do-not-call list (None: never).
    listed_at: float | None
    #: When the lead's contact buys (again) during the campaign (None: never).
    bought_at: float | None = None
    attempts: list[Attempt] = field(default_factory=list)
    done: bool = False

    def facts_at(self, now: float) -> LeadFacts:
        """What the CRM would say at ``now`` (the lead source reads it before each dial)."""
        listed = self.facts.on_internal_dnc or (
            self.listed_at is not None and self.listed_at <= now
        )
        contacted = [a.at for a in self.attempts if a.outcome is Outcome.HUMAN]
        last = max([*contacted, self.facts.last_contacted_at or -1.0])
        bought = [at for at in (self.facts.last_purchase_at, self.bought_at)
                  if at is not None and at <= now]  # fmt: skip
        return replace(
            self.facts,
            on_internal_dnc=listed,
            last_contacted_at=None if last < 0 else last,
            last_purchase_at=max(bought, default=None),
            attempts=len(self.attempts),
        )


@st.composite
def leads(draw: st.DrawFn) -> Lead:
    n = draw(st.integers(0, 10_000))
    numbers = tuple(f"+1555{n:06d}{k}" for k in range(draw(st.integers(1, 3))))
    facts = LeadFacts(
        lead_id=str(n),
        zones=draw(ZONES),
        on_internal_dnc=draw(RARELY),
        on_campaign_dnc=draw(RARELY),
        open_complaint=draw(RARELY),
        last_contacted_at=draw(MAYBE_TIME),
        last_purchase_at=draw(MAYBE_TIME),
    )
    return Lead(facts, numbers, draw(MAYBE_TIME), draw(MAYBE_TIME))


RETRIES = st.builds(
    RetryRules,
    per_outcome=st.dictionaries(
        st.sampled_from([o for o in Outcome if o is not Outcome.HUMAN]),
        st.builds(RetryRule, st.floats(0, 2 * DAY), st.integers(1, 4)),
    ),
    max_attempts=st.integers(1, 6),
)
WINDOWS = st.builds(
    lambda start, length, days: CallWindow(time(start), time(min(23, start + length)), days),
    st.integers(0, 20),
    st.integers(1, 12),
    st.frozensets(st.integers(0, 6), min_size=1),
)
RULES = st.builds(
    CampaignRules,
    compliance=st.builds(
        ComplianceRules,
        contacted_within_days=st.one_of(st.none(), st.floats(0.5, 30)),
        purchased_within_days=st.one_of(st.none(), st.floats(0.5, 60)),
        skip_open_complaints=st.booleans(),
        max_attempts=st.integers(1, 6),
    ),
    retries=RETRIES,
    window=WINDOWS,
)


def window_open(window: CallWindow, zones: tuple[str, ...], now: float) -> bool:
    """The oracle: open at ``now`` in every zone, computed with zoneinfo alone."""
    if not zones:
        return False
    for name in zones:
        try:
            local = datetime.fromtimestamp(now, ZoneInfo(name))
        except (KeyError, ValueError):
            return False
        if local.weekday() not in window.weekdays:
            return False
        if not window.start <= local.time() < window.end:
            return False
    return True


def assert_lawful(lead: Lead, number: str, rules: CampaignRules, now: float) -> None:
    facts = lead.facts_at(now)
    c = rules.compliance
    assert not facts.on_internal_dnc and not facts.on_campaign_dnc, "dialed a listed number"
    assert not (c.skip_open_complaints and facts.open_complaint), "dialed a complainant"
    for at, days in ((facts.last_purchase_at, c.purchased_within_days),
                     (facts.last_contacted_at, c.contacted_within_days)):  # fmt: skip
        assert at is None or days is None or now - at >= days * DAY, "dialed a suppressed lead"
    assert window_open(rules.window, facts.zones, now), "dialed outside the call window"
    assert number in lead.numbers
    assert number not in {a.number for a in lead.attempts if a.outcome is Outcome.FAILED}
    assert len(lead.attempts) < min(c.max_attempts, rules.retries.max_attempts)
    if lead.attempts:
        last = lead.attempts[-1]
        rule = rules.retries.per_outcome[last.outcome]  # no rule: the lead was over
        assert now >= last.at + rule.delay, "dialed before the retry delay"


def run_campaign(
    book: list[Lead], mode: Mode, rules: CampaignRules, agents: int, rng: random.Random
) -> int:
    """Dial the list for ``DAYS`` days as the runtime would; every dial checked. The dials."""
    config = PacingConfig(mode=mode)
    now, dials = START, 0
    while now < START + DAYS * DAY:
        state = PacingState(free_agents=agents, preview_requests=agents)
        wanted = pace(state, now, config)
        for lead in book:
            if wanted <= 0:
                break
            if lead.done:
                continue
            history = LeadHistory(lead.numbers, tuple(lead.attempts))
            decision = decide(lead.facts_at(now), history, rules, now)
            if not isinstance(decision, Dial):
                continue
            assert_lawful(lead, decision.number, rules, now)
            outcome = rng.choice(list(Outcome))
            lead.attempts.append(Attempt(decision.number, outcome, now + 30))
            lead.done = outcome is Outcome.HUMAN
            wanted, dials = wanted - 1, dials + 1
        now += TICK
    return dials


@settings(max_examples=60, deadline=None)
@given(
    st.lists(leads(), min_size=1, max_size=25, unique_by=lambda lead: lead.facts.lead_id),
    st.sampled_from(list(Mode)),
    RULES,
    st.integers(1, 6),
    st.randoms(use_true_random=False),
)
def test_no_listed_closed_or_suppressed_number_is_ever_dialed(
    book: list[Lead], mode: Mode, rules: CampaignRules, agents: int, rng: random.Random
) -> None:
    dials = run_campaign(book, mode, rules, agents, rng)
    event("dialed" if dials else "nothing dialed")


def test_the_driver_does_dial_a_clean_list_in_every_mode() -> None:
    """The property above is not vacuous: the same driver dials every lawful lead."""
    for mode in Mode:
        book = [
            Lead(LeadFacts(str(n), ("America/New_York",)), (f"+1555000{n:04d}",), None)
            for n in range(5)
        ]
        rules = CampaignRules(retries=RetryRules({}, max_attempts=1))
        assert run_campaign(book, mode, rules, 2, random.Random(1)) == 5
        assert all(len(lead.attempts) == 1 for lead in book)
