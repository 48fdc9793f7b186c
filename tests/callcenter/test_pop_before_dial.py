"""The screen-pop is handed to the agent's tab before the caller's session dials the agent,
even with the bus behind."""

import asyncio
from pathlib import Path

from acd.engine import AcdEngine
from acd.events import AcdEvent, AgentReserved
from acd.model import AgentProfile, CallRequest, QueueConfig
from agent_ws.hub import Hub
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from callcenter.desk import Desk
from callcenter.gateway import AcdGateway
from callcenter.wiring import Reactions
from crm_core.db import make_engine, make_sessionmaker
from cti.ids import AgentId, CallId, QueueName, UniqueId
from tests.acd.fakes import VirtualTime
from tests.agent_ws.fakes import FakeClock, RecordingSocket

Q, ALICE, CALL = QueueName("support"), AgentId("alice"), CallId("1700000000.7")


async def test_the_pop_is_queued_for_the_agent_before_the_session_gets_its_dial_target(
    tmp_path: Path,
) -> None:
    unpublished: list[AcdEvent] = []  # a bus that has not delivered anything yet
    time = VirtualTime()
    engine = AcdEngine(
        [QueueConfig(Q, "s")], clock=time, scheduler=time, publish=unpublished.append
    )
    engine.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"s": 5}))
    engine.sign_in(ALICE)
    engine.go_ready(ALICE)
    registry = CallRegistry()
    registry.open(
        ActiveCall(CALL, UniqueId(CALL), "PJSIP/trunk-1", "+12125550100", "8005550100", "x", 0.0)
    )
    db = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'never-opened.db'}")
    clock = LoopClock()
    crm = CrmAdapter(make_sessionmaker(db), "US")
    hub = Hub(clock=FakeClock())
    tab = RecordingSocket()
    client = hub.connect(tab, agent_id=ALICE, role="agent", session_id="s", state={"agent": None})
    writer = asyncio.create_task(client.run())
    gateway = AcdGateway(engine, ring_timeout=20)
    reactions = Reactions(
        engine=engine,
        gateway=gateway,
        registry=registry,
        hub=hub,
        desk=Desk(engine, registry, crm, clock),
        clock=clock,
    )
    gateway.offer_taken = reactions.offer_taken
    gateway.pop_delivered = lambda agent_id: hub.delivered(agent_id, 5.0)

    engine.enqueue(CallRequest(CALL, Q))
    assert any(isinstance(e, AgentReserved) for e in unpublished)
    target = gateway.poll_offer(CALL)  # the session took its offer
    assert target is not None and target.agent_id == ALICE
    assert await gateway.before_dial(CALL, target)  # ... and may now EXEC Dial
    assert tab.types == ["hello", "pop", "call_state"]  # already handed to the socket

    for event in unpublished:  # the bus catches up: no second pop
        if isinstance(event, AgentReserved):
            reactions.agent_reserved(event)
    await asyncio.sleep(0.05)
    assert tab.types.count("pop") == 1

    hub.close_all()
    await asyncio.wait_for(writer, 5)
    await db.dispose()


async def test_a_withdrawn_offer_is_not_dialled(tmp_path: Path) -> None:
    time = VirtualTime()
    engine = AcdEngine([QueueConfig(Q, "s")], clock=time, scheduler=time, publish=lambda e: None)
    engine.add_agent(AgentProfile(ALICE, "Alice", "PJSIP/1001", {"s": 5}))
    engine.sign_in(ALICE)
    engine.go_ready(ALICE)
    gateway = AcdGateway(engine, ring_timeout=20)
    engine.enqueue(CallRequest(CALL, Q))
    target = gateway.poll_offer(CALL)
    assert target is not None
    engine.leave_queue(CALL, "abandoned")  # the caller hung up while the pop was on its way
    assert not await gateway.before_dial(CALL, target)
