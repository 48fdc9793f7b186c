"""Scheduled callbacks on a campaign's leads, owned by one agent or by anyone.

Owns ``campaign_leads.callback_agent_id`` and the move that sets it: a disposition "call
back at T" puts a lead whose attempt has ended (pending, done or exhausted) back in line
at T; with an agent, only that agent gets it. ``callback_owners`` is what the dialer's shell
reads to keep an owned callback for its owner. A skipped lead (compliance) or one being
dialed is refused (``LeadRefused``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_leads import LeadRecord, lead_record, locked_lead
from crm_core.errors import InvalidField, LeadRefused, NotFound
from crm_core.models import Agent, CampaignLead, Contact
from crm_core.vocabulary import LeadState

MAY_CALL_BACK = (LeadState.PENDING.value, LeadState.DONE.value, LeadState.EXHAUSTED.value)


async def schedule_callback(
    session: AsyncSession, lead_id: int, *, at: datetime, agent_id: str | None, now: datetime
) -> LeadRecord:
    """The lead is due again at ``at`` (in the future), for ``agent_id`` only if given."""
    if at <= now:
        raise InvalidField("callback_at", "must be in the future")
    lead = await locked_lead(session, lead_id)
    if lead.state not in MAY_CALL_BACK:
        raise LeadRefused("lead", lead_id, f"is {lead.state}; a callback needs an ended attempt")
    if agent_id is not None and await session.get(Agent, agent_id) is None:
        raise NotFound("agent", agent_id)
    lead.state = LeadState.PENDING.value
    lead.next_attempt_at = at
    lead.callback_agent_id = agent_id
    await session.flush()
    zone = await session.scalar(select(Contact.timezone).where(Contact.id == lead.contact_id))
    return lead_record(lead, zone)


async def callback_owners(session: AsyncSession, lead_ids: Sequence[int]) -> dict[int, str]:
    """The owner of each of these leads that has an owned callback."""
    if not lead_ids:
        return {}
    rows = await session.execute(
        select(CampaignLead.id, CampaignLead.callback_agent_id).where(
            CampaignLead.id.in_(lead_ids), CampaignLead.callback_agent_id.is_not(None)
        )
    )
    return {lead_id: owner for lead_id, owner in rows if owner is not None}
