"""What the CRM knows about a campaign's pending leads, for the dialer's checks.

Owns the reading of ``LeadContext``: for each pending lead, its zones (the contact's, else
those its number's prefix may be in, else the campaign's), which of its numbers are on the
do-not-call list at ``now``, whether the contact has an open complaint (an unresolved service
request of category ``complaint``), when the contact last had an interaction and last bought
something (``crm_core.purchases``), and the lead's finished attempts. The pre-flight and the
dialer's gate (``dialer.gate.decide``) read the same context, so what the pre-flight counts
is what the gate then does. Six queries per call, whatever the number of leads; the caller
turns a context into ``dialer``'s ``LeadFacts`` (crm_core imports no sibling).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from phonenumbers.timezone import time_zones_for_number
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_leads import LeadRecord, campaign_row, lead_record
from crm_core.models import (
    CampaignAttempt,
    CampaignLead,
    Contact,
    DoNotCallEntry,
    Interaction,
    ServiceRequest,
)
from crm_core.purchases import last_purchases
from crm_core.vocabulary import OPEN_STATUSES, AttemptOutcome, LeadState

#: The service-request category that marks a complaint (suppression: open complaint).
COMPLAINT = "complaint"
#: What phonenumbers says of a prefix whose zone it does not know.
UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True, slots=True)
class PastAttempt:
    number: str
    outcome: AttemptOutcome
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class LeadContext:
    lead: LeadRecord
    #: The contact's IANA zone, else the campaign's; empty when neither has one.
    zones: tuple[str, ...]
    #: The lead's numbers on the do-not-call list at ``now``.
    listed_numbers: frozenset[str]
    open_complaint: bool
    last_contacted_at: datetime | None
    #: The contact's latest purchase at or before ``now``.
    last_purchase_at: datetime | None
    #: Finished attempts, oldest first.
    attempts: tuple[PastAttempt, ...]

    @property
    def numbers(self) -> tuple[str, ...]:
        return (self.lead.phone, *self.lead.alternates)


async def pending_contexts(
    session: AsyncSession, campaign_id: int, *, now: datetime
) -> list[LeadContext]:
    """Every pending lead of the campaign (due or not), in lead order, with its context."""
    campaign = await campaign_row(session, campaign_id)
    rows = (
        await session.execute(
            select(CampaignLead, Contact.timezone)
            .join(Contact, Contact.id == CampaignLead.contact_id)
            .where(
                CampaignLead.campaign_id == campaign_id,
                CampaignLead.state == LeadState.PENDING.value,
            )
            .order_by(CampaignLead.id)
        )
    ).all()
    return await contexts_of(
        session, [lead_record(lead, zone) for lead, zone in rows], campaign.timezone, now=now
    )


async def contexts_of(
    session: AsyncSession,
    leads: Sequence[LeadRecord],
    default_zone: str | None,
    *,
    now: datetime,
) -> list[LeadContext]:
    """The context of these leads (e.g. ``due_leads``' answer) at ``now``."""
    if not leads:
        return []
    contacts = {lead.contact_id for lead in leads}
    numbers = {n for lead in leads for n in (lead.phone, *lead.alternates)}
    listed = set(
        await session.scalars(
            select(DoNotCallEntry.e164).where(
                DoNotCallEntry.e164.in_(numbers),
                or_(DoNotCallEntry.expires_at.is_(None), DoNotCallEntry.expires_at > now),
            )
        )
    )
    complaints = set(
        await session.scalars(
            select(ServiceRequest.contact_id).where(
                ServiceRequest.contact_id.in_(contacts),
                ServiceRequest.category == COMPLAINT,
                ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
            )
        )
    )
    last_contact: dict[int, datetime] = {}
    for contact_id, latest in await session.execute(
        select(Interaction.contact_id, func.max(Interaction.started_at))
        .where(Interaction.contact_id.in_(contacts), Interaction.started_at <= now)
        .group_by(Interaction.contact_id)
    ):
        if contact_id is not None and latest is not None:
            last_contact[contact_id] = latest
    purchased = await last_purchases(session, contacts, now=now)
    past: dict[int, list[PastAttempt]] = {}
    a = CampaignAttempt
    for lead_id, number, outcome, ended in await session.execute(
        select(a.lead_id, a.number, a.outcome, a.ended_at)
        .where(a.lead_id.in_([lead.lead_id for lead in leads]), a.ended_at.is_not(None))
        .order_by(a.id)
    ):
        if outcome is not None and ended is not None:  # the query keeps finished ones only
            past.setdefault(lead_id, []).append(PastAttempt(number, AttemptOutcome(outcome), ended))
    return [
        LeadContext(
            lead=lead,
            zones=_zones(lead.timezone, lead.phone, default_zone),
            listed_numbers=frozenset(n for n in (lead.phone, *lead.alternates) if n in listed),
            open_complaint=lead.contact_id in complaints,
            last_contacted_at=last_contact.get(lead.contact_id),
            last_purchase_at=purchased.get(lead.contact_id),
            attempts=tuple(past.get(lead.lead_id, ())),
        )
        for lead in leads
    ]


def _zones(contact_zone: str | None, number: str, campaign_zone: str | None) -> tuple[str, ...]:
    """Where the lead may be: the contact's zone; else every zone the number's prefix may be
    in (a US toll-free number spans the continent, and the gate then needs the window open
    in all of them); else the campaign's zone; else none (the gate skips the lead)."""
    if contact_zone:
        return (contact_zone,)
    derived = zones_of_number(number)
    if derived:
        return derived
    return (campaign_zone,) if campaign_zone else ()


def zones_of_number(number: str) -> tuple[str, ...]:
    """The IANA zones the number's prefix may be in (phonenumbers' metadata), none when it
    cannot tell."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in time_zones_for_number(parsed) if z != UNKNOWN_ZONE)
