"""The dialer's shell, built: runtime, FastAGI step, preview desk and wrap-up, the
reconciliation after a restart, and the bus rows they react to (the AMI's ``Hangup``,
``DialEnd`` and answers, and every AMI login). Called once by ``run_app``."""

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acd.engine import AcdEngine
from agent_ws.hub import Hub
from callcenter.bus import Bus
from callcenter.campaign_agents import CampaignAgents
from callcenter.campaign_calls import CampaignCalls
from callcenter.campaign_preview import PreviewDesk
from callcenter.campaign_reconcile import RecoveryEvent
from callcenter.campaign_recovery import CampaignRecovery
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.campaign_store import CampaignStore
from callcenter.campaign_wrapup import CampaignWrapUp
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from callcenter.outbound_amd import OutboundAmdRoute
from callcenter.settings import Settings
from cti.events import ChannelAnswered, ChannelHungUp, DialEnded, LinkLost, LinkUp
from cti.telephony import Telephony


def build_dialer(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    engine: AcdEngine,
    hub: Hub,
    clock: LoopClock,
    crm: CrmAdapter,
    bus: Bus,
    telephony: Callable[[], Telephony | None],
    record: Callable[[RecoveryEvent], None],
) -> tuple[CampaignRuntime, OutboundAmdRoute, CampaignAgents]:
    runtime = CampaignRuntime(
        store=CampaignStore(sessions, settings.default_region),
        hub=hub,
        clock=clock,
        telephony=telephony,
        trunk=settings.dialer_trunk,
        ring_ms=settings.dialer_ring_seconds * 1000,
        predictive_ring_ms=settings.dialer_predictive_ring_seconds * 1000,
        wrap_up_seconds=settings.wrap_up_seconds,
    )
    calls = CampaignCalls(
        crm=crm,
        hub=hub,
        clock=clock,
        wrap_up_seconds=settings.wrap_up_seconds,
        is_seated=lambda seat: runtime.seats.get(seat.agent_id) is seat,
    )
    amd = OutboundAmdRoute(runtime=runtime, calls=calls, clock=clock)
    preview = PreviewDesk(runtime=runtime, calls=calls, telephony=telephony)
    recovery = CampaignRecovery(
        runtime=runtime, sessions=sessions, telephony=telephony, record=record
    )
    bus.subscribe(LinkUp, recovery.link_up)  # the first one is the start-up
    bus.subscribe(LinkLost, runtime.link_lost)
    bus.subscribe(ChannelAnswered, runtime.channel_answered)
    bus.subscribe(ChannelHungUp, runtime.channel_hung_up)
    bus.subscribe(ChannelHungUp, preview.channel_hung_up)
    bus.subscribe(DialEnded, preview.dial_ended)
    wrap_up = CampaignWrapUp(runtime=runtime, calls=calls, crm=crm)
    agents = CampaignAgents(runtime, preview, wrap_up, engine)
    return runtime, amd, agents
