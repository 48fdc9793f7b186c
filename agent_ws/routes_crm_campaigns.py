"""REST routes of outbound campaigns: settings, life cycle, lists of leads, progress.

Owns ``/api/crm/campaigns…``. Reading needs a login; everything else the role supervisor
or admin. A campaign answers with ``ETag: "<version>"``; ``PATCH`` and ``DELETE`` need it
in ``If-Match`` (428 without, 409 with the current version when stale), the life-cycle
actions take it optionally. A campaign's lists (``…/lists``: priority, quota, what each
yielded) are where leads join (``list_id``). Which moves are allowed is
``dialer.campaign``'s table (only a draft is edited or deleted; 409 naming the state and
action otherwise); the stored state, the lists and the counts are crm_core's.
"""

from datetime import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Response

from crm_core.campaign_attempts import CampaignProgress, campaign_progress
from crm_core.campaign_leads import add_leads, add_segment_leads
from crm_core.campaign_lists import create_list, list_counts
from crm_core.campaigns import (
    CallWindowSpec,
    CampaignRecord,
    CampaignSettings,
    create_campaign,
    delete_campaign,
    get_campaign,
    list_campaigns,
    update_campaign,
)
from crm_core.errors import InvalidField, NotFound
from crm_core.vocabulary import CampaignStatus
from dialer.campaign import CampaignAction, CampaignRefused, CampaignState, transition

from .audit_trail import audit_in
from .crm_campaign_schemas import (
    CampaignActionBody,
    CampaignCreateBody,
    CampaignPatchBody,
    LeadsBody,
    ListBody,
    cap_fraction,
)
from .routes_crm_edge import LEADS, READERS, CrmDeps, CrmRoute, etag, if_match_version, to_json
from .sessions import LoginSession

CampaignId = Annotated[int, Path(ge=1, le=2**62, description="the campaign's id")]
IfMatch = Annotated[str | None, Header(description='"<version>" from the ETag')]


def campaign_json(record: CampaignRecord) -> dict[str, Any]:
    """The campaign with its window as ``"HH:MM"`` and its cap in percent."""
    body: dict[str, Any] = to_json(
        {k: v for k, v in _fields(record).items() if k not in ("abandon_cap", "window", "retries")}
    )
    body["abandon_cap_percent"] = float(record.abandon_cap * 100)
    body["window_start"] = _clock(record.window.start)
    body["window_end"] = _clock(record.window.end)
    body["weekdays"] = sorted(record.window.weekdays)
    body["retries"] = {
        outcome.value: {"delay_seconds": spec.delay_seconds, "max_attempts": spec.max_attempts}
        for outcome, spec in record.retries.items()
    }
    return body


def _fields(record: CampaignRecord | CampaignProgress) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _clock(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def _settings(body: CampaignCreateBody | CampaignPatchBody, base: CallWindowSpec) -> dict[str, Any]:
    """crm_core's ``CampaignSettings`` fields for what the body sets."""
    sent = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in sent.items() if k not in ("window_start", "window_end")}
    changes.pop("weekdays", None)
    if body.retries is not None:
        changes["retries"] = body.retries.specs()
    elif "retries" in changes:  # an explicit null changes nothing
        del changes["retries"]
    if "abandon_cap_percent" in changes:
        changes["abandon_cap"] = cap_fraction(changes.pop("abandon_cap_percent"))
    if {"window_start", "window_end", "weekdays"} & set(sent):
        changes["window"] = body.window(base)
    return changes


def _move(status: CampaignStatus, action: CampaignAction) -> CampaignStatus:
    try:
        return CampaignStatus(transition(CampaignState(status.value), action).value)
    except CampaignRefused as exc:
        raise HTTPException(409, str(exc)) from exc


def campaigns_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/campaigns", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    def answer(response: Response, record: CampaignRecord) -> dict[str, Any]:
        response.headers["ETag"] = etag(record.version)
        return campaign_json(record)

    @router.get("", summary="Campaigns, newest first")
    async def listing(session: User, status: CampaignStatus | None = None) -> dict[str, Any]:
        async with deps.sessionmaker() as db:
            found = await list_campaigns(db, status=status)
        return {"items": [campaign_json(c) for c in found]}

    @router.post("", status_code=201, summary="Create a campaign (a draft)")
    async def create(session: Lead, body: CampaignCreateBody, response: Response) -> dict[str, Any]:
        """422 naming the field (an unknown ``queue`` too); 409 if the name is taken."""
        settings = CampaignSettings(**_settings(body, CallWindowSpec()))
        async with deps.sessionmaker.begin() as db:
            record = await create_campaign(db, settings, now=deps.now())
        response.headers["Location"] = f"/api/crm/campaigns/{record.campaign_id}"
        return answer(response, record)

    @router.get("/{campaign_id}", summary="A campaign and its progress")
    async def read(session: User, campaign_id: CampaignId, response: Response) -> dict[str, Any]:
        """``progress``: leads per state, attempts per outcome, answered live, abandoned."""
        async with deps.sessionmaker() as db:
            record = await get_campaign(db, campaign_id)
            if record is None:
                raise NotFound("campaign", campaign_id)
            progress = await campaign_progress(db, campaign_id)
        body = answer(response, record)
        counts = {k: v for k, v in _fields(progress).items() if k != "abandon_rate"}
        body["progress"] = to_json(counts) | {"abandon_rate": float(progress.abandon_rate)}
        return body

    @router.patch("/{campaign_id}", summary="Change a draft campaign (needs If-Match)")
    async def patch(
        session: Lead,
        campaign_id: CampaignId,
        body: CampaignPatchBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        expected = if_match_version(if_match, required=True)
        assert expected is not None
        async with deps.sessionmaker.begin() as db:
            current = await get_campaign(db, campaign_id)
            if current is None:
                raise NotFound("campaign", campaign_id)
            _move(current.status, CampaignAction.EDIT)
            changes = _settings(body, current.window)
            if not changes:
                raise InvalidField("body", "name at least one field to change")
            record = await update_campaign(db, campaign_id, expected, changes, at=deps.now())
        return answer(response, record)

    @router.post("/{campaign_id}/actions", summary="Schedule, start, pause, resume, stop…")
    async def act(
        session: Lead,
        campaign_id: CampaignId,
        body: CampaignActionBody,
        response: Response,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        """409 when the campaign's state does not allow the action (see dialer.campaign)."""
        expected = if_match_version(if_match, required=False)
        async with deps.sessionmaker.begin() as db:
            current = await get_campaign(db, campaign_id)
            if current is None:
                raise NotFound("campaign", campaign_id)
            status = _move(current.status, body.action)
            version = current.version if expected is None else expected
            record = await update_campaign(
                db, campaign_id, version, {"status": status}, at=deps.now()
            )
            await audit_in(
                db,
                deps.now(),
                session,
                f"campaign_{body.action.value}",
                campaign_id=campaign_id,
                status=record.status.value,
            )
        if deps.campaigns is not None:  # after the commit: the runtime reads the new state
            deps.campaigns.campaign_moved(campaign_id, record.status.value)
        return answer(response, record)

    @router.delete("/{campaign_id}", status_code=204, summary="Delete a draft (needs If-Match)")
    async def remove(session: Lead, campaign_id: CampaignId, if_match: IfMatch = None) -> Response:
        """A campaign that ever left draft is stopped, not deleted (409)."""
        expected = if_match_version(if_match, required=True)
        assert expected is not None
        async with deps.sessionmaker.begin() as db:
            current = await get_campaign(db, campaign_id)
            if current is None:
                raise NotFound("campaign", campaign_id)
            if current.status is not CampaignStatus.DRAFT:
                raise HTTPException(
                    409, f"a {current.status.value} campaign is stopped, not deleted"
                )
            await delete_campaign(db, campaign_id, expected)
        return Response(status_code=204)

    @router.post("/{campaign_id}/leads", summary="Add leads from contact ids or a segment")
    async def leads(session: Lead, campaign_id: CampaignId, body: LeadsBody) -> dict[str, Any]:
        """``{added, lead_ids, skipped: [{contact_id, reason}], skipped_by_reason}``: numbers
        on the do-not-call list are left out; a contact with none left is skipped."""
        async with deps.sessionmaker.begin() as db:
            if body.contact_ids is not None:
                report = await add_leads(
                    db, campaign_id, body.contact_ids, now=deps.now(), list_id=body.list_id
                )
            else:
                report = await add_segment_leads(
                    db, campaign_id, tier=body.tier, band=body.band, limit=body.limit,
                    now=deps.now(), list_id=body.list_id,
                )  # fmt: skip
        return {
            "added": report.added,
            "lead_ids": report.lead_ids,
            "skipped": to_json(report.skipped),
            "skipped_by_reason": report.skipped_by_reason,
        }

    @router.post("/{campaign_id}/lists", status_code=201, summary="Add a list to a campaign")
    async def new_list(session: Lead, campaign_id: CampaignId, body: ListBody) -> dict[str, Any]:
        """409 if the campaign has a list of that name; leads join it via ``…/leads``."""
        async with deps.sessionmaker.begin() as db:
            record = await create_list(
                db, campaign_id, body.name, now=deps.now(), priority=body.priority,
                quota=body.quota,
            )  # fmt: skip
        answer: dict[str, Any] = to_json(record)
        return answer

    @router.get("/{campaign_id}/lists", summary="A campaign's lists with what each yielded")
    async def lists(session: User, campaign_id: CampaignId) -> dict[str, Any]:
        """By priority: ``{list_id, name, priority, quota, dials, answered, due}``."""
        async with deps.sessionmaker() as db:
            counts = await list_counts(db, campaign_id, at=deps.now())
        return {
            "items": [
                to_json(c.list) | {"dials": c.dials, "answered": c.answered, "due": c.due}
                for c in counts
            ]
        }

    return router
