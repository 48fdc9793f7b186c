"""Helpers of the campaign end-to-end tests: contacts to dial, a campaign made and started
through the REST API as a supervisor would, agents signed in to it, and the CRM's record."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_attempts import AttemptRecord, CampaignProgress, campaign_progress
from crm_core.campaign_attempts import lead_attempts as attempts_of
from crm_core.campaign_leads import locked_lead
from crm_core.campaigns import get_campaign
from crm_core.contacts import NewPhone, create_contact
from crm_core.db import make_engine, make_sessionmaker
from crm_core.vocabulary import PhoneKind
from tests.e2e.harness import AgentTab, Stack, http_client, log_in

T = TypeVar("T")

#: Open all day, every day, in the contacts' zone: these tests are not about windows.
ALWAYS = {"window_start": "00:00", "window_end": "24:00", "weekdays": [0, 1, 2, 3, 4, 5, 6]}


async def add_contacts(db_url: str, numbers: list[str]) -> list[int]:
    """One contact per E.164 number, in New York's zone; their ids, in order."""
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            ids = []
            for i, number in enumerate(numbers):
                card = await create_contact(
                    session,
                    first_name=f"Lead{i}",
                    last_name="Campaign",
                    timezone="America/New_York",
                    phones=[NewPhone(PhoneKind.MOBILE, number)],
                    now=datetime.now(UTC),
                )
                ids.append(card.contact_id)
            return ids
    finally:
        await engine.dispose()


async def start_campaign(
    stack: Stack,
    mode: str,
    contact_ids: list[int],
    actions: tuple[str, ...] = ("schedule", "start"),
    **extra: Any,
) -> tuple[int, list[int]]:
    """Create, fill, schedule and start (``actions``) a campaign as the supervisor; returns
    its id and the ids of its leads (in the order of ``contact_ids``)."""
    async with http_client(stack) as http:
        await log_in(http, "lead")
        body = {"name": f"{mode} run", "mode": mode, "queue": "sales",
                "caller_id": "18005550100", **ALWAYS, **extra}  # fmt: skip
        created = await http.post("/api/crm/campaigns", json=body)
        assert created.status_code == 201, created.text
        campaign_id: int = created.json()["campaign_id"]
        leads = await http.post(
            f"/api/crm/campaigns/{campaign_id}/leads", json={"contact_ids": contact_ids}
        )
        assert leads.json()["added"] == len(contact_ids), leads.text
        lead_ids: list[int] = leads.json()["lead_ids"]
        for action in actions:
            moved = await http.post(
                f"/api/crm/campaigns/{campaign_id}/actions", json={"action": action}
            )
            assert moved.status_code == 200, moved.text
    return campaign_id, lead_ids


async def start_now(stack: Stack, campaign_id: int) -> None:
    """Start a scheduled campaign (agents may join before it dials)."""
    async with http_client(stack) as http:
        await log_in(http, "lead")
        moved = await http.post(
            f"/api/crm/campaigns/{campaign_id}/actions", json={"action": "start"}
        )
        assert moved.status_code == 200, moved.text


async def join(tab: AgentTab, campaign_id: int) -> None:
    """Sign the agent in to the campaign (nailed up, for predictive and progressive)."""
    joined = await tab.http.post("/api/agent/campaign/join", json={"campaign_id": campaign_id})
    assert joined.status_code == 200, joined.text


async def _read(db_url: str, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await query(session)
    finally:
        await engine.dispose()


async def progress(db_url: str, campaign_id: int) -> CampaignProgress:
    return await _read(db_url, lambda session: campaign_progress(session, campaign_id))


async def attempts(db_url: str, lead_id: int) -> list[AttemptRecord]:
    return await _read(db_url, lambda session: attempts_of(session, lead_id))


async def lead_state(db_url: str, lead_id: int) -> tuple[str, str]:
    """(state, skip reason) of a lead."""

    async def read(session: AsyncSession) -> tuple[str, str]:
        row = await locked_lead(session, lead_id)
        return row.state, row.skip_reason

    return await _read(db_url, read)


async def campaign_status(db_url: str, campaign_id: int) -> str:
    record = await _read(db_url, lambda session: get_campaign(session, campaign_id))
    assert record is not None
    return record.status.value
