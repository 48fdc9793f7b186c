"""A campaign's list: adding leads, skipping them, and reading whose turn it is.

Owns ``campaign_leads`` (attempts move leads too: ``crm_core.campaign_attempts``). A contact
joins a campaign's list once, with its dialable numbers (E.164, in the order they were
entered: the first is the primary, the rest are alternates for ``dialer.retries``) minus any
on the do-not-call list at ``now``; a contact left out is reported with the reason
(``SkipReason``), never dropped silently. Leads come from contact ids or from a segment of
the value pyramid (tier and/or band), in chunks of ``CHUNK`` contacts, four queries each.

``skip_lead`` records the dialer's compliance skip at dial time (a lead that is not pending
raises ``LeadRefused``); ``due_leads`` is what the dialer's shell reads to pick whom to dial
next. Attempts and progress are ``crm_core.campaign_attempts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, LeadRefused, NotFound
from crm_core.models import (
    Campaign,
    CampaignLead,
    CampaignList,
    Contact,
    ContactPhone,
    DoNotCallEntry,
)
from crm_core.vocabulary import AttemptOutcome, LeadState, Tier, ValueBand, band_range

CHUNK = 500


class SkipReason(StrEnum):
    NO_CONTACT = "no such contact"
    NO_PHONE = "no dialable phone number"
    DO_NOT_CALL = "every number is on the do-not-call list"
    ALREADY_LISTED = "already in the campaign"


@dataclass(frozen=True, slots=True)
class SkippedContact:
    contact_id: int
    reason: SkipReason


@dataclass(frozen=True, slots=True)
class LeadReport:
    """``added`` leads (their ids in ``lead_ids``); every contact left out in ``skipped``."""

    added: int
    lead_ids: list[int]
    skipped: list[SkippedContact]

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.reason.value] = counts.get(item.reason.value, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """One lead; ``timezone`` is its contact's (``dialer``'s ``LeadFacts.zones``)."""

    lead_id: int
    campaign_id: int
    contact_id: int
    list_id: int | None
    phone: str
    alternates: tuple[str, ...]
    state: LeadState
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_outcome: AttemptOutcome | None
    skip_reason: str
    timezone: str | None


async def add_leads(
    session: AsyncSession,
    campaign_id: int,
    contact_ids: Sequence[int],
    *,
    now: datetime,
    list_id: int | None = None,
) -> LeadReport:
    """Add these contacts (duplicates in ``contact_ids`` count once) to the campaign, in
    its list ``list_id`` if given (``NotFound`` when that is not one of its lists)."""
    await campaign_row(session, campaign_id)
    if list_id is not None:
        owner = await session.scalar(
            select(CampaignList.campaign_id).where(CampaignList.id == list_id)
        )
        if owner != campaign_id:
            raise NotFound("list", list_id)
    wanted = list(dict.fromkeys(contact_ids))
    added: list[int] = []
    skipped: list[SkippedContact] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        ids, left_out = await _add_chunk(session, campaign_id, chunk, now, list_id)
        added += ids
        skipped += left_out
    return LeadReport(len(added), added, skipped)


async def add_segment_leads(
    session: AsyncSession,
    campaign_id: int,
    *,
    now: datetime,
    tier: Tier | None = None,
    band: ValueBand | None = None,
    limit: int | None = None,
    list_id: int | None = None,
) -> LeadReport:
    """Add the contacts of one tier and/or value band of the pyramid, oldest contact first."""
    if tier is None and band is None:
        raise InvalidField("tier", "name a tier, a band or both")
    query = select(Contact.id).order_by(Contact.id)
    if tier is not None:
        query = query.where(Contact.tier == Tier(tier).value)
    if band is not None:
        low, high = band_range(ValueBand(band))
        query = query.where(Contact.value_score >= low, Contact.value_score < high)
    if limit is not None:
        query = query.limit(limit)
    ids = list(await session.scalars(query))
    return await add_leads(session, campaign_id, ids, now=now, list_id=list_id)


async def _add_chunk(
    session: AsyncSession, campaign_id: int, ids: list[int], now: datetime, list_id: int | None
) -> tuple[list[int], list[SkippedContact]]:
    known = set(await session.scalars(select(Contact.id).where(Contact.id.in_(ids))))
    listed = set(
        await session.scalars(
            select(CampaignLead.contact_id).where(
                CampaignLead.campaign_id == campaign_id, CampaignLead.contact_id.in_(ids)
            )
        )
    )
    phones = await session.execute(
        select(ContactPhone.contact_id, ContactPhone.e164)
        .where(ContactPhone.contact_id.in_(ids), ContactPhone.e164.is_not(None))
        .order_by(ContactPhone.contact_id, ContactPhone.id)
    )
    numbers: dict[int, list[str]] = {}
    for contact_id, e164 in phones:
        if e164 is not None and e164 not in numbers.setdefault(contact_id, []):
            numbers[contact_id].append(e164)
    blocked = await _do_not_call(session, [n for ns in numbers.values() for n in ns], now)
    rows: list[CampaignLead] = []
    skipped: list[SkippedContact] = []
    for contact_id in ids:
        dialable = [n for n in numbers.get(contact_id, []) if n not in blocked]
        reason = _why_not(contact_id, known, listed, numbers, dialable)
        if reason is not None:
            skipped.append(SkippedContact(contact_id, reason))
            continue
        rows.append(
            CampaignLead(
                campaign_id=campaign_id,
                contact_id=contact_id,
                list_id=list_id,
                phone=dialable[0],
                alternates=dialable[1:],
                state=LeadState.PENDING.value,
                attempts=0,
                skip_reason="",
                added_at=now,
            )
        )
    session.add_all(rows)
    await session.flush()
    return [r.id for r in rows], skipped


def _why_not(
    contact_id: int,
    known: set[int],
    listed: set[int],
    numbers: dict[int, list[str]],
    dialable: list[str],
) -> SkipReason | None:
    if contact_id not in known:
        return SkipReason.NO_CONTACT
    if contact_id in listed:
        return SkipReason.ALREADY_LISTED
    if not numbers.get(contact_id):
        return SkipReason.NO_PHONE
    if not dialable:
        return SkipReason.DO_NOT_CALL
    return None


async def _do_not_call(session: AsyncSession, numbers: list[str], now: datetime) -> set[str]:
    if not numbers:
        return set()
    rows = await session.scalars(
        select(DoNotCallEntry.e164).where(
            DoNotCallEntry.e164.in_(numbers),
            or_(DoNotCallEntry.expires_at.is_(None), DoNotCallEntry.expires_at > now),
        )
    )
    return set(rows)


async def skip_lead(
    session: AsyncSession, lead_id: int, reasons: Sequence[str], *, at: datetime
) -> LeadRecord:
    """Take a pending lead off the list for the dialer's compliance ``reasons``."""
    lead = await locked_lead(session, lead_id)
    if lead.state != LeadState.PENDING.value:
        raise LeadRefused("lead", lead_id, f"is {lead.state}, not pending")
    if not reasons:
        raise InvalidField("reasons", "say why the lead is skipped")
    lead.state = LeadState.SKIPPED.value
    lead.skip_reason = "; ".join(reasons)
    lead.next_attempt_at = None
    await session.flush()
    return await _lead_record(session, lead)


async def due_leads(
    session: AsyncSession,
    campaign_id: int,
    *,
    at: datetime,
    limit: int = 100,
    from_list: int | None = None,
) -> list[LeadRecord]:
    """Pending leads whose next attempt is due by ``at``, longest waiting first; only those
    of list ``from_list`` when given (``dialer.lists.allocate`` says how many of each)."""
    in_list = true() if from_list is None else CampaignLead.list_id == from_list
    due = func.coalesce(CampaignLead.next_attempt_at, CampaignLead.added_at)
    rows = await session.execute(
        select(CampaignLead, Contact.timezone)
        .join(Contact, Contact.id == CampaignLead.contact_id)
        .where(
            CampaignLead.campaign_id == campaign_id,
            CampaignLead.state == LeadState.PENDING.value,
            or_(CampaignLead.next_attempt_at.is_(None), CampaignLead.next_attempt_at <= at),
            in_list,
        )
        .order_by(due, CampaignLead.id)
        .limit(limit)
    )
    return [lead_record(lead, zone) for lead, zone in rows]


def lead_record(row: CampaignLead, timezone: str | None) -> LeadRecord:
    return LeadRecord(
        lead_id=row.id,
        campaign_id=row.campaign_id,
        contact_id=row.contact_id,
        list_id=row.list_id,
        phone=row.phone,
        alternates=tuple(row.alternates),
        state=LeadState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_outcome=None if row.last_outcome is None else AttemptOutcome(row.last_outcome),
        skip_reason=row.skip_reason,
        timezone=timezone,
    )


async def campaign_row(session: AsyncSession, campaign_id: int) -> Campaign:
    row = await session.get(Campaign, campaign_id)
    if row is None:
        raise NotFound("campaign", campaign_id)
    return row


async def locked_lead(session: AsyncSession, lead_id: int) -> CampaignLead:
    row = await session.get(CampaignLead, lead_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("lead", lead_id)
    return row


async def _lead_record(session: AsyncSession, row: CampaignLead) -> LeadRecord:
    zone = await session.scalar(select(Contact.timezone).where(Contact.id == row.contact_id))
    return lead_record(row, zone)
