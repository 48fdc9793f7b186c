"""REST routes of CRM contacts: search, create, the card, edits and deletion under
``If-Match``, history with each call's agent legs.

Owns ``/api/crm/contacts…`` except the CSV routes (``routes_crm_lists.files_router``). The
card answers with ``ETag: "<version>"``; ``PATCH`` and ``DELETE`` must send that version
back in ``If-Match`` (428 without it, 409 with the current version if someone else changed
the contact since). The routes decide nothing: crm_core's query functions do.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from crm_core.contact_updates import ContactRecord, delete_contact, get_contact, update_contact
from crm_core.contacts import ContactCard, NewPhone, create_contact, get_contact_card
from crm_core.errors import InvalidField, NotFound
from crm_core.interactions import list_interactions
from crm_core.search import MAX_LIMIT, search_contacts
from crm_core.segments import segments_by_interaction
from crm_core.vocabulary import Tier, ValueBand

from .crm_schemas import ContactCreateBody, ContactPatchBody
from .routes_crm_edge import (
    LEADS,
    READERS,
    CrmDeps,
    CrmRoute,
    blaming,
    etag,
    if_match_version,
    to_json,
)
from .routes_crm_interactions import interaction_json
from .sessions import LoginSession

ContactId = Annotated[int, Path(ge=1, le=2**62, description="the contact's id")]


def _card_json(record: ContactRecord, card: ContactCard) -> dict[str, Any]:
    body: dict[str, Any] = to_json(record)
    body["display_name"] = card.display_name
    body["open_requests"] = to_json(card.open_requests)
    body["recent_interactions"] = to_json(card.recent_interactions)
    return body


def contacts_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/contacts", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.get("", summary="Search contacts by name, phone, e-mail or request number")
    async def search(
        session: User,
        q: Annotated[str, Query(max_length=200)] = "",
        tier: Tier | None = None,
        band: ValueBand | None = None,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    ) -> dict[str, Any]:
        """One page: ``{"matched_by", "items", "next_cursor"}``; ``next_cursor`` is null on
        the last page and is only valid for the same ``q``, ``tier`` and ``band``."""
        async with deps.sessionmaker() as db:
            page = await search_contacts(
                db,
                q,
                cursor=cursor,
                limit=limit,
                tier=tier,
                band=band,
                default_region=deps.default_region,
            )
        answer: dict[str, Any] = to_json(page)
        return answer

    @router.post("", status_code=201, summary="Create a contact")
    async def create(session: User, body: ContactCreateBody, response: Response) -> dict[str, Any]:
        """Phones are normalised in the server's region; an undialable one is refused (422,
        ``field`` ``phones``). Answers the new card with its ``ETag``."""
        async with deps.sessionmaker.begin() as db:
            with blaming(phone="phones", value="first_name", missing={"agent": "account_manager"}):
                created = await create_contact(
                    db,
                    first_name=body.first_name,
                    last_name=body.last_name,
                    organisation=body.organisation or None,
                    language=body.language,
                    timezone=body.timezone,
                    notes=body.notes,
                    tier=body.tier,
                    account_manager=body.account_manager,
                    phones=[NewPhone(p.kind, p.number) for p in body.phones],
                    emails=body.emails,
                    default_region=deps.default_region,
                    now=deps.now(),
                )
            record = await get_contact(db, created.contact_id)
        assert record is not None
        response.headers["ETag"] = etag(record.version)
        response.headers["Location"] = f"/api/crm/contacts/{record.contact_id}"
        return _card_json(record, created)

    @router.get("/{contact_id}", summary="A contact's card")
    async def card(session: User, contact_id: ContactId, response: Response) -> dict[str, Any]:
        """Every stored field plus open requests and recent interactions; ``ETag`` is the
        version a ``PATCH`` must send in ``If-Match``."""
        async with deps.sessionmaker() as db:
            record = await get_contact(db, contact_id)
            found = await get_contact_card(db, contact_id)
        if record is None or found is None:
            raise NotFound("contact", contact_id)
        response.headers["ETag"] = etag(record.version)
        return _card_json(record, found)

    @router.patch("/{contact_id}", summary="Change a contact (needs If-Match)")
    async def patch(
        session: User,
        contact_id: ContactId,
        body: ContactPatchBody,
        response: Response,
        if_match: Annotated[str | None, Header(description='"<version>" from the ETag')] = None,
    ) -> dict[str, Any]:
        """Only the fields sent change. 428 without ``If-Match``; 409 with
        ``current_version`` when the contact moved on since it was read."""
        expected = if_match_version(if_match, required=True)
        assert expected is not None
        changes = body.model_dump(exclude_unset=True)
        if not changes:
            raise InvalidField("body", "name at least one field to change")
        if "phones" in changes:
            sent = body.phones or []
            changes["phones"] = [NewPhone(p.kind, p.number) for p in sent]
        if changes.get("emails") is None and "emails" in changes:
            changes["emails"] = []
        async with deps.sessionmaker.begin() as db:
            record = await update_contact(
                db, contact_id, expected, changes, at=deps.now(),
                default_region=deps.default_region,
            )  # fmt: skip
            found = await get_contact_card(db, contact_id)
        assert found is not None
        response.headers["ETag"] = etag(record.version)
        return _card_json(record, found)

    @router.delete("/{contact_id}", status_code=204, summary="Delete a contact (needs If-Match)")
    async def remove(
        session: Lead,
        contact_id: ContactId,
        if_match: Annotated[str | None, Header(description='"<version>" from the ETag')] = None,
    ) -> Response:
        """Supervisor or admin. Its phones, e-mails, service requests, follow-ups and
        campaign leads go with it; its interactions stay in the history, unlinked."""
        expected = if_match_version(if_match, required=True)
        assert expected is not None
        async with deps.sessionmaker.begin() as db:
            await delete_contact(db, contact_id, expected)
        return Response(status_code=204)

    @router.get("/{contact_id}/interactions", summary="A contact's interactions, newest first")
    async def interactions(
        session: User,
        contact_id: ContactId,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """Each with its agent legs (``segments``)."""
        async with deps.sessionmaker() as db:
            if await get_contact(db, contact_id) is None:
                raise NotFound("contact", contact_id)
            rows = await list_interactions(db, contact_id=contact_id, limit=limit)
            legs = await segments_by_interaction(db, [r.id for r in rows])
        return {"items": [interaction_json(r, legs.get(r.id, [])) for r in rows]}

    return router
