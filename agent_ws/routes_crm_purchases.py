"""REST routes of a contact's purchases: record one, list them, import a shop's CSV.

Owns ``/api/crm/contacts/{contact_id}/purchases`` and ``POST /api/crm/purchases/import``.
Any logged-in user records and reads purchases (an agent closing a sale on a call records
it); importing a file needs supervisor or admin, like the contacts import. A purchase feeds
the dialer's "recent purchase" suppression (``crm_core.campaign_facts``); the routes decide
nothing: ``crm_core.purchases`` stores and checks.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from crm_core.errors import InvalidField, InvalidValue
from crm_core.purchases import MAX_AMOUNT_MINOR, NewPurchase, list_purchases, record_purchase
from crm_core.purchases_csv import COLUMNS, import_purchases_csv

from .routes_crm_edge import LEADS, READERS, CrmDeps, CrmRoute, to_json
from .routes_crm_lists import csv_text
from .sessions import LoginSession

ContactId = Annotated[int, Path(ge=1, le=2**62, description="the contact's id")]


class PurchaseBody(BaseModel):
    """A purchase of the contact; ``purchased_at`` defaults to now and may not be later."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=256),
        Field(description="What was bought: a product name or code."),
    ]
    purchased_at: Annotated[
        AwareDatetime | None, Field(description="When (ISO 8601 with offset); default now.")
    ] = None
    amount_minor: Annotated[
        int, Field(ge=0, le=MAX_AMOUNT_MINOR, description="The amount in minor units (cents).")
    ] = 0
    currency: Annotated[
        str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code.")
    ] = "USD"
    source: Annotated[
        str | None,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
        Field(description='Where the record comes from ("shop"); default "user <name>".'),
    ] = None


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": f"UTF-8 CSV with a header naming: {', '.join(COLUMNS)}",
    }
}


def purchases_router(deps: CrmDeps, *, max_import_bytes: int) -> APIRouter:
    router = APIRouter(prefix="/api/crm", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    @router.post("/purchases/import", summary="Import purchases from CSV", openapi_extra=CSV_BODY)
    async def import_csv(session: Lead, request: Request) -> dict[str, Any]:
        """Columns ``contact_id, purchased_at, item`` and optionally ``amount_minor,
        currency, source`` (default ``import by <name>``). Good rows land; ``errors`` lists
        every refused row as ``{line, reason}`` (line 1 is the header). 413 over the size
        limit; 422 (``header``) for an unusable header."""
        text = await csv_text(request, max_import_bytes)
        try:
            report = await import_purchases_csv(
                deps.sessionmaker, text, source=f"import by {session.user.username}",
                now=deps.now(),
            )  # fmt: skip
        except InvalidValue as exc:
            raise InvalidField("header", str(exc)) from exc
        return {"imported": report.imported, "errors": to_json(report.errors)}

    @router.post("/contacts/{contact_id}/purchases", status_code=201, summary="Record a purchase")
    async def create(
        session: User, contact_id: ContactId, body: PurchaseBody, response: Response
    ) -> dict[str, Any]:
        """404 for an unknown contact; 422 naming the field (a purchase in the future too)."""
        now = deps.now()
        purchase = NewPurchase(
            purchased_at=body.purchased_at or now,
            item=body.item,
            source=body.source or f"user {session.user.username}",
            amount_minor=body.amount_minor,
            currency=body.currency,
        )
        async with deps.sessionmaker.begin() as db:
            record = await record_purchase(db, contact_id, purchase, now=now)
        response.headers["Location"] = f"/api/crm/contacts/{contact_id}/purchases"
        answer: dict[str, Any] = to_json(record)
        return answer

    @router.get("/contacts/{contact_id}/purchases", summary="A contact's purchases, latest first")
    async def listing(
        session: User,
        contact_id: ContactId,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """404 for an unknown contact."""
        async with deps.sessionmaker() as db:
            found = await list_purchases(db, contact_id, limit=limit)
        return {"items": to_json(found)}

    return router
