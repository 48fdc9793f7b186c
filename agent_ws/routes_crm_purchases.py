"""REST routes of a contact's purchases: record one, list them.

Owns ``/api/crm/contacts/{contact_id}/purchases``. Any logged-in user records and reads
purchases (an agent closing a sale on a call records it). A purchase feeds the dialer's
"recent purchase" suppression (``crm_core.campaign_facts``); the routes decide nothing:
``crm_core.purchases`` stores and checks.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from crm_core.purchases import MAX_AMOUNT_MINOR, NewPurchase, list_purchases, record_purchase

from .routes_crm_edge import READERS, CrmDeps, CrmRoute, to_json
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


def purchases_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/contacts", tags=["crm"], route_class=CrmRoute)
    User = Annotated[LoginSession, Depends(deps.auth.require(*READERS))]

    @router.post("/{contact_id}/purchases", status_code=201, summary="Record a purchase")
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

    @router.get("/{contact_id}/purchases", summary="A contact's purchases, latest first")
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
