"""The attempts a stopped daemon left open: what a restart reconciles with the PBX.

Owns one read: every attempt still in flight (``outcome`` NULL, its lead ``dialing``)
that began before a given time, with its lead. Closing them is
``crm_core.campaign_attempts.finish_attempt``'s, as for any other dial. Must not decide
what becomes of them (``callcenter/campaign_reconcile.py`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_attempts import AttemptRecord, attempt_record
from crm_core.campaign_leads import LeadRecord, lead_record
from crm_core.models import CampaignAttempt, CampaignLead, Contact


@dataclass(frozen=True, slots=True)
class OpenAttempt:
    attempt: AttemptRecord
    lead: LeadRecord


async def open_attempts(session: AsyncSession, *, started_before: datetime) -> list[OpenAttempt]:
    """Attempts without an end that began before ``started_before``, oldest first."""
    rows = await session.execute(
        select(CampaignAttempt, CampaignLead, Contact.timezone)
        .join(CampaignLead, CampaignLead.id == CampaignAttempt.lead_id)
        .join(Contact, Contact.id == CampaignLead.contact_id)
        .where(CampaignAttempt.ended_at.is_(None), CampaignAttempt.started_at < started_before)
        .order_by(CampaignAttempt.id)
    )
    return [OpenAttempt(attempt_record(a), lead_record(lead, zone)) for a, lead, zone in rows]
