"""The CRM's REST API under ``/api/crm``, for the roles agent, supervisor and admin.

Owns ``crm_router``, which assembles the CRM routers (contacts, interactions, service
requests, follow-ups, purchases, do-not-call, CSV files, value pyramid, disposition codes, hotlines,
queues, campaigns, users, agents) from explicit arguments. Every route
answers crm_core's refusals itself (``routes_crm_edge.CrmRoute``): 404 not found, 422 with
``field``, 409 for a version conflict (with ``current_version``), an illegal status change
or a duplicate; so the app needs no extra error handlers. The routes decide nothing: they
call crm_core's query functions, each write in its own short transaction.
"""

from typing import TYPE_CHECKING

from fastapi import APIRouter

from .auth import Auth
from .campaign_desk import CampaignDesk
from .clock import Clock
from .roster import AgentRoster
from .routes_crm_campaign_results import results_router
from .routes_crm_campaigns import campaigns_router
from .routes_crm_config import disposition_codes_router, hotlines_router, queues_router
from .routes_crm_contacts import contacts_router
from .routes_crm_edge import CrmDeps
from .routes_crm_interactions import interactions_router
from .routes_crm_lists import do_not_call_router, files_router
from .routes_crm_people import agents_router, users_router
from .routes_crm_purchases import purchases_router
from .routes_crm_requests import follow_ups_router, requests_router

if TYPE_CHECKING:  # SQLAlchemy stays crm_core's business; the edge only passes this along
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

#: The largest CSV file ``POST /api/crm/contacts/import`` takes (413 beyond).
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def crm_router(
    *,
    sessionmaker: "async_sessionmaker[AsyncSession]",
    auth: Auth,
    clock: Clock,
    default_region: str = "US",
    max_import_bytes: int = MAX_IMPORT_BYTES,
    campaigns: CampaignDesk | None = None,
    roster: AgentRoster | None = None,
) -> APIRouter:
    """The CRM routes. ``default_region`` reads national phone numbers (search, new
    contacts, do-not-call, import); ``clock`` stamps every change; ``roster`` hears every
    stored edit of the agents."""
    deps = CrmDeps(
        sessionmaker=sessionmaker,
        auth=auth,
        clock=clock,
        default_region=default_region,
        campaigns=campaigns,
        roster=roster,
    )
    router = APIRouter()
    # The CSV routes first: /contacts/export must not be read as /contacts/{contact_id}.
    router.include_router(files_router(deps, max_import_bytes=max_import_bytes))
    router.include_router(contacts_router(deps))
    router.include_router(purchases_router(deps, max_import_bytes=max_import_bytes))
    router.include_router(requests_router(deps))
    router.include_router(follow_ups_router(deps))
    router.include_router(do_not_call_router(deps))
    router.include_router(interactions_router(deps))
    router.include_router(disposition_codes_router(deps))
    router.include_router(hotlines_router(deps))
    router.include_router(queues_router(deps))
    router.include_router(campaigns_router(deps))
    router.include_router(results_router(deps))
    router.include_router(users_router(deps))
    router.include_router(agents_router(deps))
    return router
