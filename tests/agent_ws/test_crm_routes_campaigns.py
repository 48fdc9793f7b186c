"""The CRM's campaign routes: a lead creates a draft, edits it under If-Match, moves it along
dialer's life cycle (409 for a move it forbids), adds leads with every skip reported, reads
progress, and deletes only drafts; bad settings (retry rules and suppression periods too) are
422 naming the field."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.routing import create_queue

from .conftest import Stack
from .test_crm_routes_support import as_user, crm_client, new_contact

CAMPAIGNS = "/api/crm/campaigns"
BODY = {
    "name": "Gold renewals",
    "mode": "progressive",
    "queue": "sales",
    "caller_id": "+18005551234",
    "window_start": "10:00",
    "window_end": "24:00",
    "weekdays": [0, 1, 2, 3, 4, 5],
    "abandon_cap_percent": 2.5,
    "timezone": "America/New_York",
}


@pytest.fixture
async def crm(
    stack: Stack, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    async with sessionmaker.begin() as session:
        await create_queue(session, name="sales", required_skill="sales")
    async with crm_client(stack, sessionmaker) as client:
        yield client


async def _campaign(crm: httpx.AsyncClient) -> dict[str, object]:
    await as_user(crm, "sue")
    response = await crm.post(CAMPAIGNS, json=BODY)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert isinstance(answer, dict)
    return answer


async def test_a_lead_creates_a_draft_that_everyone_can_read(crm: httpx.AsyncClient) -> None:
    created = await _campaign(crm)
    await as_user(crm, "alice")
    read = await crm.get(f"{CAMPAIGNS}/{created['campaign_id']}")
    listed = await crm.get(CAMPAIGNS, params={"status": "draft"})
    refused = await crm.post(CAMPAIGNS, json=BODY | {"name": "Mine"})

    assert created["status"] == "draft"
    assert (created["window_start"], created["window_end"], created["weekdays"]) == (
        "10:00",
        "24:00",
        [0, 1, 2, 3, 4, 5],
    )
    assert created["abandon_cap_percent"] == 2.5
    assert read.headers["ETag"] == '"1"'
    assert read.json()["progress"]["leads"] == 0
    assert [c["name"] for c in listed.json()["items"]] == ["Gold renewals"]
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": "nowhere"}, "queue"),
        ({"mode": "turbo"}, "mode"),
        ({"window_start": "25:00"}, "window_start"),
        ({"window_start": "21:00", "window_end": "09:00"}, "window"),
        ({"weekdays": [7]}, "weekdays.0"),
        ({"abandon_cap_percent": 101}, "abandon_cap_percent"),
        ({"caller_id": "ACME"}, "caller_id"),
        ({"retries": {"busy": {"delay_seconds": -1, "max_attempts": 3}}},
         "retries.busy.delay_seconds"),
        ({"retries": {"busy": {"delay_seconds": 2_592_001, "max_attempts": 3}}},
         "retries.busy.delay_seconds"),
        ({"retries": {"failed": {"delay_seconds": 60, "max_attempts": 0}}},
         "retries.failed.max_attempts"),
        ({"retries": {"machine": {"delay_seconds": 60}}}, "retries.machine.max_attempts"),
        ({"retries": {"human": {"delay_seconds": 60, "max_attempts": 2}}}, "retries.human"),
        ({"contacted_within_days": -1}, "contacted_within_days"),
        ({"purchased_within_days": 3651}, "purchased_within_days"),
    ],
)  # fmt: skip
async def test_bad_settings_are_422_naming_the_field(
    crm: httpx.AsyncClient, change: dict[str, object], field: str
) -> None:
    await as_user(crm, "sue")

    response = await crm.post(CAMPAIGNS, json=BODY | change)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_only_a_draft_is_edited_and_moves_follow_the_dialers_table(
    crm: httpx.AsyncClient,
) -> None:
    created = await _campaign(crm)
    path = f"{CAMPAIGNS}/{created['campaign_id']}"
    edited = await crm.patch(path, json={"mode": "predictive"}, headers={"If-Match": '"1"'})
    stale = await crm.patch(path, json={"mode": "preview"}, headers={"If-Match": '"1"'})
    early = await crm.post(f"{path}/actions", json={"action": "pause"})
    scheduled = await crm.post(f"{path}/actions", json={"action": "schedule"})
    started = await crm.post(f"{path}/actions", json={"action": "start"})
    frozen = await crm.patch(path, json={"max_attempts": 2}, headers={"If-Match": '"4"'})
    undeletable = await crm.delete(path, headers={"If-Match": '"4"'})

    assert (edited.json()["mode"], edited.headers["ETag"]) == ("predictive", '"2"')
    assert stale.status_code == 409
    assert early.status_code == 409
    assert "cannot pause a campaign that is draft" in early.json()["error"]
    assert (scheduled.json()["status"], started.json()["status"]) == ("scheduled", "running")
    assert frozen.status_code == 409
    assert undeletable.status_code == 409


async def test_a_draft_is_deleted_under_if_match(crm: httpx.AsyncClient) -> None:
    created = await _campaign(crm)
    path = f"{CAMPAIGNS}/{created['campaign_id']}"

    unconditional = await crm.delete(path)
    deleted = await crm.delete(path, headers={"If-Match": '"1"'})
    gone = await crm.get(path)

    assert unconditional.status_code == 428
    assert deleted.status_code == 204
    assert gone.status_code == 404


async def test_leads_from_ids_and_a_segment_report_every_contact_left_out(
    crm: httpx.AsyncClient,
) -> None:
    created = await _campaign(crm)
    path = f"{CAMPAIGNS}/{created['campaign_id']}"
    await new_contact(crm, tier="gold", phones=[{"number": "(212) 555-0100"}])
    listed = await new_contact(crm, tier="gold", phones=[{"number": "(212) 555-0101"}])
    silent = await new_contact(crm, tier="silver")
    dnc = {"number": "2125550101", "source": "customer"}
    assert (await crm.post("/api/crm/do-not-call", json=dnc)).status_code == 200

    by_ids = await crm.post(
        f"{path}/leads", json={"contact_ids": [silent["contact_id"], listed["contact_id"], 999]}
    )
    by_tier = await crm.post(f"{path}/leads", json={"tier": "gold"})
    both = await crm.post(f"{path}/leads", json={"tier": "gold", "contact_ids": [1]})
    progress = (await crm.get(path)).json()["progress"]

    assert by_ids.json()["added"] == 0
    assert by_ids.json()["skipped"] == [
        {"contact_id": silent["contact_id"], "reason": "no dialable phone number"},
        {"contact_id": listed["contact_id"], "reason": "every number is on the do-not-call list"},
        {"contact_id": 999, "reason": "no such contact"},
    ]
    assert by_tier.json()["added"] == 1
    assert by_tier.json()["skipped_by_reason"] == {"every number is on the do-not-call list": 1}
    assert both.status_code == 422
    assert progress["leads"] == 1 and progress["leads_by_state"]["pending"] == 1
    assert progress["abandon_rate"] == 0.0


async def test_campaign_actions_are_in_the_audit_log_and_a_refused_one_is_not(
    crm: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from crm_core.audit import audit_page

    created = await _campaign(crm)
    path = f"{CAMPAIGNS}/{created['campaign_id']}/actions"
    refused = await crm.post(path, json={"action": "pause"})
    await crm.post(path, json={"action": "schedule"})
    await crm.post(path, json={"action": "start"})
    async with sessionmaker() as session:
        rows = (await audit_page(session)).entries
    assert refused.status_code == 409
    assert [(r.actor, r.action, r.details) for r in reversed(rows)] == [
        (
            "sue",
            "campaign_schedule",
            {"campaign_id": created["campaign_id"], "status": "scheduled"},
        ),
        ("sue", "campaign_start", {"campaign_id": created["campaign_id"], "status": "running"}),
    ]
