"""The dialer shell's window on the CRM: campaigns, due leads and their facts, attempts.

Owns the reads and writes the runtime needs: due leads with the gate's inputs (the same
translation as the pre-flight, ``agent_ws.campaign_checks``), the abandon ledger rebuilt
from the attempts, and the start and end of attempts (the next attempt's time from
``dialer.retries``). Every call is one short transaction. Must not decide whether to dial
(``dialer.gate`` does).
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.campaign_checks import facts_of
from agent_ws.routes_crm_edge import to_json
from crm_core.campaign_attempts import AttemptRecord, finish_attempt, start_attempt
from crm_core.campaign_callbacks import callback_owners, schedule_callback
from crm_core.campaign_facts import LeadContext, contexts_of
from crm_core.campaign_leads import LeadRecord, due_leads, skip_lead
from crm_core.campaign_ledger import answers_by_day, dial_sample
from crm_core.campaign_lists import list_counts
from crm_core.campaigns import CampaignRecord, get_campaign, list_campaigns, update_campaign
from crm_core.contacts import get_contact_card
from crm_core.do_not_call import add_do_not_call
from crm_core.follow_ups import create_follow_up
from crm_core.vocabulary import AmdResult, AttemptOutcome, CampaignStatus
from dialer.abandon import WINDOW_DAYS, AbandonLedger, DayCount
from dialer.campaign import CampaignAction, CampaignState, transition
from dialer.compliance import LeadFacts
from dialer.gate import CampaignRules
from dialer.lists import ListStats, allocate
from dialer.retries import Attempt, LeadHistory, Outcome, next_attempt

DAY = 86_400.0
#: Leads read per dial wanted, so skipped or waiting leads leave others to dial.
READ_AHEAD = 4


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@dataclass(frozen=True, slots=True)
class DueLead:
    lead: LeadRecord
    facts: LeadFacts
    history: LeadHistory
    #: The agent a scheduled callback is for (None: anyone).
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Draw:
    """Due leads in the order to try them, and how many dials each list may take this
    time (``None``: the campaign has no lists; key ``None``: leads in no list)."""

    leads: list[DueLead]
    shares: dict[int | None, int] | None = None


def due_lead(context: LeadContext, owner: str | None) -> DueLead:
    """The gate's inputs for a lead (``agent_ws.campaign_checks``, as the pre-flight). A
    pending lead whose last attempt reached a person is a callback the person asked for:
    that conversation neither ends the lead in the retry rules nor suppresses it as
    "contacted recently" (attempt caps and the other checks still apply)."""
    facts, history = facts_of(context)
    if context.lead.last_outcome is AttemptOutcome.HUMAN:
        facts = replace(facts, last_contacted_at=None)
        kept = tuple(a for a in history.attempts if a.outcome is not Outcome.HUMAN)
        history = LeadHistory(history.numbers, kept)
    return DueLead(context.lead, facts, history, owner)


class CampaignStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], default_region: str) -> None:
        self._sessions = sessions
        self._region = default_region

    async def running(self) -> list[CampaignRecord]:
        async with self._sessions() as db:
            return await list_campaigns(db, status=CampaignStatus.RUNNING)

    async def all_campaigns(self) -> list[CampaignRecord]:
        async with self._sessions() as db:
            return await list_campaigns(db)

    async def move(self, campaign: CampaignRecord, action: CampaignAction, now: float) -> str:
        """Apply a life-cycle move the schedule asked for (``dialer.campaign`` checks it);
        the new status. A supervisor's change meanwhile wins (``VersionConflict``)."""
        status = transition(CampaignState(campaign.status.value), action)
        async with self._sessions.begin() as db:
            changes = {"status": CampaignStatus(status.value)}
            record = await update_campaign(
                db, campaign.campaign_id, campaign.version, changes, at=utc(now)
            )
        return record.status.value

    async def campaign(self, campaign_id: int) -> CampaignRecord | None:
        async with self._sessions() as db:
            return await get_campaign(db, campaign_id)

    async def due(self, campaign: CampaignRecord, now: float, wanted: int) -> Draw:
        """Leads for the next ``wanted`` dials, with the facts the gate checks, read just
        before dialing from the very context the pre-flight reads
        (``crm_core.campaign_facts``), so what the pre-flight counts is what the campaign
        skips. With lists, ``dialer.lists.allocate`` shares the dials among them (priority,
        quota, yield) and leads in no list come last; a few more leads than dials are read
        from each so that a skipped or waiting one does not starve its list."""
        at, cid = utc(now), campaign.campaign_id
        async with self._sessions() as db:
            counts = await list_counts(db, cid, at=at)
            if not counts:
                leads = await due_leads(db, cid, at=at, limit=wanted * READ_AHEAD + 10)
                shares: dict[int | None, int] | None = None
            else:
                stats = [ListStats(str(c.list.list_id), c.list.priority, c.list.quota, c.dials,
                                   c.answered, c.due) for c in counts]  # fmt: skip
                # Lists in allocation (priority) order, then the leads in no list.
                shares = {int(k): n for k, n in allocate(stats, wanted).items()}
                shares[None] = wanted - sum(shares.values())
                leads = []
                for list_id, n in shares.items():
                    if n > 0:
                        found = await due_leads(db, cid, at=at, limit=n * READ_AHEAD + 10,
                                                from_list=list_id)  # fmt: skip
                        leads += [r for r in found if r.list_id == list_id]
            contexts = await contexts_of(db, leads, campaign.timezone, now=at)
            owners = await callback_owners(db, [lead.lead_id for lead in leads])
        due = [due_lead(context, owners.get(context.lead.lead_id)) for context in contexts]
        return Draw(due, shares)

    async def skip(self, lead_id: int, reasons: tuple[str, ...], now: float) -> None:
        async with self._sessions.begin() as db:
            await skip_lead(db, lead_id, reasons, at=utc(now))

    async def start(self, lead_id: int, number: str, call_id: str, now: float) -> int:
        async with self._sessions.begin() as db:
            record = await start_attempt(db, lead_id, number=number, at=utc(now), call_id=call_id)
        return record.attempt_id

    async def finish(
        self,
        attempt_id: int,
        history: LeadHistory,
        number: str,
        outcome: Outcome,
        rules: CampaignRules,
        now: float,
        *,
        answered_at: float | None = None,
        amd: AmdResult | None = None,
        abandoned: bool = False,
        agent_id: str | None = None,
    ) -> AttemptRecord:
        """End the attempt; the retry rules, given the lead's ``history`` before it, say
        whether and when the lead comes back."""
        after = LeadHistory(history.numbers, (*history.attempts, Attempt(number, outcome, now)))
        nxt = next_attempt(after, rules.retries, now)
        async with self._sessions.begin() as db:
            return await finish_attempt(
                db,
                attempt_id,
                AttemptOutcome(outcome.value),
                at=utc(now),
                next_attempt_at=None if nxt is None else utc(nxt.due_at),
                answered_at=None if answered_at is None else utc(answered_at),
                amd_result=amd,
                abandoned=abandoned,
                agent_id=agent_id,
            )

    async def ledger(self, campaign: CampaignRecord, now: float) -> AbandonLedger:
        since = utc(now - WINDOW_DAYS * DAY) - timedelta(days=1)
        async with self._sessions() as db:
            days = await answers_by_day(db, campaign.campaign_id, since=since)
        counts = {
            int(datetime(d.day.year, d.day.month, d.day.day, tzinfo=UTC).timestamp() // DAY): (
                DayCount(d.live_answered, d.abandoned)
            )
            for d in days
        }
        return AbandonLedger(cap=campaign.abandon_cap, days=MappingProxyType(counts))

    async def call_back(
        self, lead_id: int, at: float, agent_id: str | None, now: float
    ) -> LeadRecord:
        async with self._sessions.begin() as db:
            return await schedule_callback(db, lead_id, at=utc(at), agent_id=agent_id, now=utc(now))

    async def do_not_call(self, number: str, reason: str, agent_id: str, now: float) -> None:
        async with self._sessions.begin() as db:
            await add_do_not_call(db, number, reason=reason, source=f"agent {agent_id}",
                                  now=utc(now), default_region=self._region)  # fmt: skip

    async def follow_up(
        self, contact_id: int, subject: str, due: float, agent_id: str, now: float
    ) -> None:
        async with self._sessions.begin() as db:
            await create_follow_up(
                db,
                contact_id=contact_id,
                subject=subject,
                due_at=utc(due),
                assignee=agent_id,
                created_by=agent_id,
                now=utc(now),
            )

    async def contact(self, contact_id: int) -> dict[str, object] | None:
        """The contact's card for the campaign pop (None if the contact is gone)."""
        async with self._sessions() as db:
            card = await get_contact_card(db, contact_id)
        return None if card is None else to_json(card)

    async def sample(self, campaign_id: int) -> tuple[int, int]:
        async with self._sessions() as db:
            found = await dial_sample(db, campaign_id)
        return found.ended, found.answered
