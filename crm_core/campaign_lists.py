"""A campaign's lists: their priority and quota, and what each has yielded so far.

Owns ``campaign_lists`` (a lead names its list in ``campaign_leads.list_id``, set by
``crm_core.campaign_leads.add_leads``). ``list_counts`` gives, per list, the dials placed
from it (in flight included), the live answers among them and the pending leads due now:
what ``dialer.lists.allocate`` splits the next dials by. Two grouped queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_leads import campaign_row
from crm_core.errors import AlreadyExists, InvalidField, NotFound
from crm_core.models import CampaignAttempt, CampaignLead, CampaignList
from crm_core.vocabulary import AttemptOutcome, LeadState


@dataclass(frozen=True, slots=True)
class ListRecord:
    list_id: int
    campaign_id: int
    name: str
    priority: int
    quota: int | None


@dataclass(frozen=True, slots=True)
class ListCount:
    list: ListRecord
    dials: int
    answered: int
    #: Pending leads whose next attempt is due at the time asked about.
    due: int


async def create_list(
    session: AsyncSession,
    campaign_id: int,
    name: str,
    *,
    now: datetime,
    priority: int = 1,
    quota: int | None = None,
) -> ListRecord:
    """A new list; ``AlreadyExists`` if the campaign has one of that name."""
    await campaign_row(session, campaign_id)
    name = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= 128:
        raise InvalidField("name", "must be 1..128 characters")
    if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
        raise InvalidField("priority", "must be a whole number from 1 (dialed first)")
    if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int) or quota < 0):
        raise InvalidField("quota", "must be a number of dials, at least 0")
    taken = await session.scalar(
        select(CampaignList.id).where(
            CampaignList.campaign_id == campaign_id, CampaignList.name == name
        )
    )
    if taken is not None:
        raise AlreadyExists("list", name)
    row = CampaignList(
        campaign_id=campaign_id, name=name, priority=priority, quota=quota, created_at=now
    )
    session.add(row)
    await session.flush()
    return _record(row)


async def campaign_lists(session: AsyncSession, campaign_id: int) -> list[ListRecord]:
    """The campaign's lists, by priority then name."""
    await campaign_row(session, campaign_id)
    rows = await session.scalars(
        select(CampaignList)
        .where(CampaignList.campaign_id == campaign_id)
        .order_by(CampaignList.priority, CampaignList.name)
    )
    return [_record(r) for r in rows]


async def list_of(session: AsyncSession, campaign_id: int, list_id: int) -> ListRecord:
    """The campaign's list ``list_id``; ``NotFound`` when it is not one of its lists."""
    row = await session.get(CampaignList, list_id)
    if row is None or row.campaign_id != campaign_id:
        raise NotFound("list", list_id)
    return _record(row)


async def list_counts(session: AsyncSession, campaign_id: int, *, at: datetime) -> list[ListCount]:
    """Each list's dials, live answers and leads due at ``at`` (lists without leads: 0s)."""
    lists = await campaign_lists(session, campaign_id)
    a, lead = CampaignAttempt, CampaignLead
    human = case((a.outcome == AttemptOutcome.HUMAN.value, 1), else_=0)
    dialed = {
        list_id: (dials, int(answered or 0))
        for list_id, dials, answered in await session.execute(
            select(lead.list_id, func.count(a.id), func.sum(human))
            .join(lead, lead.id == a.lead_id)
            .where(a.campaign_id == campaign_id, lead.list_id.is_not(None))
            .group_by(lead.list_id)
        )
    }
    due = dict(
        (list_id, n)
        for list_id, n in await session.execute(
            select(lead.list_id, func.count())
            .where(
                lead.campaign_id == campaign_id,
                lead.state == LeadState.PENDING.value,
                or_(lead.next_attempt_at.is_(None), lead.next_attempt_at <= at),
            )
            .group_by(lead.list_id)
        )
    )
    return [ListCount(r, *dialed.get(r.list_id, (0, 0)), due=due.get(r.list_id, 0)) for r in lists]


def _record(row: CampaignList) -> ListRecord:
    return ListRecord(row.id, row.campaign_id, row.name, row.priority, row.quota)
