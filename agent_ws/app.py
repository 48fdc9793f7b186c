"""Builds the web application of the HTTP/WebSocket edge.

Owns ``create_app``: it makes the session store and login throttle, and wires the
routers (health, auth, agent REST, WebSocket, pages) and the static files with explicit
constructor calls. The composition root passes the database, the desk, the hub and the
clock; ``agent_ws`` holds no global state, so tests can build as many apps as they like.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .audit_trail import AuditTrail
from .auth import Auth, auth_router
from .call_controls import AgentDialer, AttendedTransferControls, CallControls
from .campaign_desk import CampaignDesk
from .clock import Clock
from .desk import AgentDesk
from .errors import install_error_handlers
from .hub import Hub
from .pages import STATIC_DIR, pages_router
from .roster import AgentRoster
from .routes_agent import agent_router, health_router
from .routes_agent_campaign import agent_campaign_router
from .routes_audit import audit_router
from .routes_auto_answer import AutoAnswerSetting, auto_answer_router
from .routes_calls import calls_router
from .routes_crm import crm_router
from .routes_metrics import metrics_router
from .routes_staffing import staffing_router
from .routes_supervisor import supervisor_router
from .sessions import SessionStore
from .supervision import StatsSource, SupervisorDesk
from .throttle import LoginThrottle
from .ws import ws_router

#: Failed logins per client address per minute: loose, since an office shares one address.
ADDRESS_MAX_FAILURES = 50

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


def create_app(
    *,
    sessionmaker: "async_sessionmaker[AsyncSession]",
    desk: AgentDesk,
    hub: Hub,
    clock: Clock,
    secure_cookies: bool = False,
    sessions: SessionStore | None = None,
    throttle: LoginThrottle | None = None,
    address_throttle: LoginThrottle | None = None,
    metrics: Callable[[], bytes] | None = None,
    supervision: SupervisorDesk | None = None,
    call_controls: CallControls | None = None,
    agent_dialer: AgentDialer | None = None,
    stats: StatsSource | None = None,
    auto_answer: AutoAnswerSetting | None = None,
    attended: AttendedTransferControls | None = None,
    campaigns: CampaignDesk | None = None,
    roster: AgentRoster | None = None,
) -> FastAPI:
    """The FastAPI app of the edge.

    ``secure_cookies`` marks the session cookie ``Secure``: set it whenever the pages are
    served over HTTPS. ``sessions``, ``throttle`` (per account) and ``address_throttle`` (per
    client address) may be passed to tune their limits.
    ``metrics`` renders the Prometheus text served at ``/metrics`` (public, like health);
    ``supervision`` enables the team lead's routes, ``call_controls`` the agent's hold,
    resume, transfer and hang-up (with ``agent_dialer``: click-to-dial and internal calls),
    ``auto_answer`` the agents' auto-answer option, ``attended`` the attended transfer.
    ``campaigns`` (the dialer's runtime) hears the campaigns' life-cycle moves and signs
    agents in to campaigns.
    """
    sessions = sessions if sessions is not None else SessionStore(clock)
    throttle = throttle if throttle is not None else LoginThrottle(clock)
    if address_throttle is None:
        address_throttle = LoginThrottle(clock, max_failures=ADDRESS_MAX_FAILURES)
    auth = Auth(sessions)
    # The interactive docs pages load scripts from a CDN, which the call centre may not
    # reach; the schema itself stays available.
    app = FastAPI(
        title="Call centre agent desk",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    app.include_router(health_router())
    if metrics is not None:
        app.include_router(metrics_router(metrics))
    app.include_router(
        auth_router(
            sessionmaker=sessionmaker,
            sessions=sessions,
            throttle=throttle,
            address_throttle=address_throttle,
            hub=hub,
            auth=auth,
            secure_cookies=secure_cookies,
        )
    )
    app.include_router(agent_router(desk=desk, auth=auth))
    app.include_router(
        crm_router(
            sessionmaker=sessionmaker,
            auth=auth,
            clock=clock,
            campaigns=campaigns,
            roster=roster,
        )
    )
    if campaigns is not None:
        app.include_router(agent_campaign_router(campaigns=campaigns, auth=auth))
    trail = AuditTrail(sessionmaker, clock)
    app.include_router(audit_router(sessionmaker=sessionmaker, auth=auth))
    app.include_router(staffing_router(auth=auth))
    if supervision is not None:
        app.include_router(supervisor_router(desk=supervision, auth=auth, trail=trail, stats=stats))
    if auto_answer is not None:
        app.include_router(auto_answer_router(setting=auto_answer, auth=auth, trail=trail))
    if call_controls is not None and agent_dialer is not None:
        app.include_router(
            calls_router(controls=call_controls, dialer=agent_dialer, auth=auth, attended=attended)
        )
    app.include_router(ws_router(desk=desk, hub=hub, sessions=sessions))
    app.include_router(pages_router(sessions=sessions))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
