"""The composition root: builds every part by explicit constructor calls and runs them.

One lifespan, one ``TaskGroup``: the bus dispatcher, the event-log writer, the PBX link,
the FastAGI server and the web server all live in it and stop together. ``run_app`` is
what ``callcenter serve``, the demo and the end-to-end tests use.
"""

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acd.engine import AcdEngine
from acd.model import AgentProfile, QueueConfig
from acd.queue_config import with_defaults
from acd.service_level import ServiceLevels
from agent_ws.app import create_app
from agent_ws.hub import Hub
from callcenter.agent_dialing import AgentDialing
from callcenter.attended_transfer import AttendedTransfers, wire_transfers
from callcenter.auto_answer import AutoAnswer
from callcenter.bus import Bus
from callcenter.call_control import CallControl
from callcenter.callbacks import Callbacks
from callcenter.calls import CallRegistry
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from callcenter.db_retry import SerialWrites
from callcenter.desk import Desk
from callcenter.dialer_wiring import build_dialer
from callcenter.directory import CrmDirectory
from callcenter.event_log import EventLogWriter
from callcenter.floor import FloorPublisher
from callcenter.gateway import AcdGateway
from callcenter.inbound import InboundRoute
from callcenter.metrics import LiveMetrics
from callcenter.pbx_link import PbxLink
from callcenter.queues import load_queue_file
from callcenter.recovery import Recovery
from callcenter.roster import AcdRoster, profile_of
from callcenter.service_level import ServiceLevel
from callcenter.settings import Settings
from callcenter.statistics import Statistics
from callcenter.wait_estimate import WaitEstimates
from callcenter.wallboard import Thresholds
from callcenter.wiring import ACD_EVENT_TYPES, Reactions, wire
from crm_core.agents import list_agents
from crm_core.card_reader import open_card_reader
from crm_core.db import make_engine, make_sessionmaker
from cti.agi_server import AgiServer
from ivr.flow import Flow, QueueNode
from ivr.library import FlowLibrary, ReloadReport

log = logging.getLogger(__name__)
#: The longest a caller's dial waits for the agent's tabs to be handed the screen-pop.
POP_BEFORE_DIAL_SECONDS = 0.25


@dataclass
class RunningApp:
    settings: Settings
    clock: LoopClock
    bus: Bus
    engine: AcdEngine
    registry: CallRegistry
    hub: Hub
    desk: Desk
    pbx: PbxLink
    event_log: EventLogWriter
    agi: AgiServer
    flows: FlowLibrary
    sessions: async_sessionmaker[AsyncSession]
    http_port: int
    agi_port: int
    dialer: CampaignRuntime


class _Server(uvicorn.Server):
    """uvicorn inside our TaskGroup: the CLI, not uvicorn, owns the process's signals."""

    def install_signal_handlers(self) -> None:
        pass


def bind_http(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    # Listening now lets clients connect (and wait in the backlog) before uvicorn's
    # startup runs, so nobody has to poll for the server to be up.
    sock.listen(2048)
    return sock


def load_flows(flows_dir: Path) -> FlowLibrary:
    """Every hotline's flow; a bad file stops the start (there is no running version yet)."""
    return FlowLibrary.open(flows_dir)


def reload_flows(flows: FlowLibrary, engine: AcdEngine) -> ReloadReport:
    """Reload the flow files; a refused file keeps its running version, calls keep theirs."""
    report = flows.reload()
    for path, error in report.refused.items():
        log.error("flow %s refused, the running version stays in service: %s", path, error)
    for hotline in (*report.added, *report.changed):
        unknown = queue_names({hotline: flows[hotline]}) - set(engine.queues)
        if unknown:
            log.error("flow for %s routes to queues the ACD does not have: %s", hotline, unknown)
    log.info("flows reloaded: %s", report)
    return report


def queue_names(flows: Mapping[str, Flow]) -> set[str]:
    """Every queue the flows route to."""
    return {n.queue for f in flows.values() for n in f.nodes.values() if isinstance(n, QueueNode)}


def queues_of(
    flows: Mapping[str, Flow], wrap_up_seconds: float, queues_file: Path | None = None
) -> list[QueueConfig]:
    """One queue per queue node and per queue of ``queues_file`` (callcenter/queues.py):
    configured queues as configured, the others answered by the skill of their name."""
    configured = load_queue_file(queues_file, wrap_up_seconds) if queues_file else {}
    return with_defaults(configured, queue_names(flows), wrap_up_seconds)


async def load_agents(sessions: async_sessionmaker[AsyncSession]) -> list[AgentProfile]:
    async with sessions() as session:
        agents = await list_agents(session)
    return [profile_of(a) for a in agents]


def restore_agents(engine: AcdEngine, recovery: Recovery) -> None:
    """Agents signed in before a restart get their state back (after the bus is wired, so
    the restored states are logged and reach the tabs)."""
    known = {a.profile.agent_id for a in engine.agents()}
    for entry in recovery.agents.values():
        if entry.agent_id in known:
            engine.restore(entry.agent_id, entry.state, entry.reason, entry.since)
        else:
            log.warning("event log names agent %s, who is no longer configured", entry.agent_id)


@asynccontextmanager
async def run_app(settings: Settings, clock: LoopClock | None = None) -> AsyncIterator[RunningApp]:
    loop = asyncio.get_running_loop()
    clock = clock or LoopClock(loop)
    db = make_engine(settings.db_url)
    sessions = make_sessionmaker(db)
    readers = make_sessionmaker(db, read_only=True)
    cards = await open_card_reader(settings.db_url)  # the screen pop's caller matching
    flows = load_flows(settings.flows_dir)
    bus = Bus(now=loop.time)
    pbx = PbxLink(settings, bus, clock)
    engine = AcdEngine(
        queues_of(flows, settings.wrap_up_seconds, settings.queues_file),
        clock=clock,
        scheduler=loop,
        publish=bus.publish,
        # DESIGN: a phone that is busy or unreachable is not offered a call.
        phone_free=pbx.devices.is_free,
    )
    for profile in await load_agents(sessions):
        engine.add_agent(profile)
    registry = CallRegistry()
    writes = SerialWrites(serialize=db.dialect.name == "sqlite")
    crm = CrmAdapter(
        sessions,
        settings.default_region,
        readers,
        cards,
        last_agent_days=settings.preferred_agent_days,
        writes=writes,
    )
    estimates = WaitEstimates(engine, clock.now)
    auto_answer = AutoAnswer(sessions)
    await auto_answer.load()
    gateway = AcdGateway(engine, settings.ring_timeout, estimates, auto_answer.dial_options)
    levels = ServiceLevels(settings.service_level_seconds)
    desk = Desk(
        engine,
        registry,
        crm,
        clock,
        telephony=lambda: pbx.telephony,
        levels=levels,
        thresholds=Thresholds(
            settings.service_level_seconds,
            settings.service_level_target,
            settings.wait_warn_seconds,
            settings.wait_alert_seconds,
        ),
    )
    hub = Hub(clock=clock)
    event_log = EventLogWriter(sessions, writes=writes)
    reactions = Reactions(
        engine=engine, gateway=gateway, registry=registry, hub=hub, desk=desk, clock=clock
    )
    gateway.offer_taken = reactions.offer_taken
    gateway.pop_delivered = lambda agent_id: hub.delivered(agent_id, POP_BEFORE_DIAL_SECONDS)
    floor = FloorPublisher(desk, hub, loop)
    recovery = Recovery(pbx, sessions, clock)
    await recovery.load()
    statistics = Statistics(sessions, clock)
    await statistics.load()
    callbacks = Callbacks(
        engine=engine,
        registry=registry,
        clock=clock,
        telephony=lambda: pbx.telephony,
        record=crm.record,
        ring_timeout=settings.ring_timeout,
    )
    route = InboundRoute(
        flows=flows,
        engine=engine,
        gateway=gateway,
        registry=registry,
        crm=crm,
        clock=clock,
        poll_ms=settings.queue_poll_ms,
        directory=CrmDirectory(readers),
        link=pbx,
        recovered=recovery.recovered,
        estimates=estimates,
        callbacks=callbacks,
    )
    control = CallControl(
        registry=registry,
        engine=engine,
        telephony=lambda: pbx.telephony,
        finish=route.finish,
        push=hub.send_to_agent,
        clock=clock.now,
    )
    transfers = AttendedTransfers(
        control=control,
        engine=engine,
        registry=registry,
        telephony=lambda: pbx.telephony,
        push=hub.send_to_agent,
        pops=desk.pops,
        clock=clock.now,
    )
    service = ServiceLevel()
    wire(
        bus,
        reactions,
        event_log.append,
        floor.changed,
        estimates,
        control,
        levels,
        callbacks,
        service,
    )
    wire_transfers(bus, transfers)
    for event_type in ACD_EVENT_TYPES:
        bus.subscribe(event_type, statistics.event)
    restore_agents(engine, recovery)
    callbacks.restore(recovery.recovered)
    dialer, amd, campaign_agents = build_dialer(
        settings, sessions, engine, hub, clock, crm, bus, lambda: pbx.telephony, event_log.append
    )
    agi = AgiServer({"inbound": route, "outbound-amd": amd}, settings.agi_host, settings.agi_port)
    metrics = LiveMetrics(
        engine=engine,
        registry=registry,
        pbx=pbx,
        bus=bus,
        hub=hub,
        agi=agi,
        event_log=event_log,
        clock=clock,
        service=service,
    )
    web = create_app(
        sessionmaker=sessions,
        desk=desk,
        hub=hub,
        clock=clock,
        secure_cookies=settings.secure_cookies,
        metrics=metrics.render,
        supervision=desk,
        call_controls=control,
        agent_dialer=AgentDialing(
            engine=engine,
            registry=registry,
            crm=crm,
            clock=clock,
            telephony=lambda: pbx.telephony,
        ),
        stats=statistics,
        auto_answer=auto_answer,
        attended=transfers,
        campaigns=campaign_agents,
        roster=AcdRoster(engine),
    )
    server = _Server(
        uvicorn.Config(
            web,
            host=settings.http_host,
            port=settings.http_port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
    )
    # Bind before starting anything, so a port in use is a plain OSError for the CLI to
    # report (uvicorn would call sys.exit from inside the task group).
    http_socket = bind_http(settings.http_host, settings.http_port)
    http_port: int = http_socket.getsockname()[1]
    try:
        await agi.start()
        async with asyncio.TaskGroup() as tg:
            tasks = [
                tg.create_task(bus.run(), name="bus"),
                tg.create_task(event_log.run(), name="event-log"),
                tg.create_task(pbx.run(), name="pbx-link"),
                tg.create_task(agi.serve_forever(), name="fastagi"),
                tg.create_task(control.run(), name="call-control"),
                tg.create_task(callbacks.run(), name="callbacks"),
                tg.create_task(recovery.run(), name="fallback-recovery"),
                tg.create_task(dialer.run(), name="dialer"),
            ]
            tg.create_task(server.serve(sockets=[http_socket]), name="http")
            log.info("serving http://%s:%s, FastAGI on %s", settings.http_host, http_port, agi.port)
            yield RunningApp(
                settings,
                clock,
                bus,
                engine,
                registry,
                hub,
                desk,
                pbx,
                event_log,
                agi,
                flows,
                sessions,
                http_port,
                agi.port,
                dialer,
            )
            hub.close_all()
            server.should_exit = True
            await agi.close()
            await dialer.close()
            await bus.drained()
            await event_log.flush()
            for task in tasks:
                task.cancel()
    finally:
        http_socket.close()
        await cards.close()
        await db.dispose()
