"""Which event goes to which handler: the one readable table of the daemon's reactions.

Each row subscribes a handler to an event type on the bus. Handlers here only translate
(telephony facts into ACD calls, ACD events into messages for the agents' tabs); the
decisions stay in ``acd`` and ``ivr``.
"""

from collections.abc import Callable

from acd.engine import AcdEngine
from acd.events import (
    AcdEvent,
    AgentReserved,
    AgentStateChanged,
    CallConnected,
    CallFinished,
    CallLeftQueue,
    CallMoved,
    CallOverflowed,
    CallPriorityChanged,
    CallQueued,
    OfferFailed,
)
from acd.service_level import ServiceLevels
from agent_ws.desk import view_to_json
from agent_ws.hub import Hub
from callcenter.bus import Bus
from callcenter.call_control import CallControl
from callcenter.callbacks import Callbacks
from callcenter.calls import CallRegistry
from callcenter.clock import LoopClock
from callcenter.desk import Desk
from callcenter.gateway import AcdGateway
from callcenter.legs import open_leg
from callcenter.pop import build_pop
from callcenter.service_level import ServiceLevel
from callcenter.wait_estimate import WaitEstimates
from cti.events import (
    ChannelHungUp,
    DeviceStateChanged,
    DialEnded,
    DialStarted,
    HangupRequested,
)
from cti.ids import CallId

ACD_EVENT_TYPES: tuple[type[AcdEvent], ...] = (
    AgentStateChanged,
    CallQueued,
    AgentReserved,
    OfferFailed,
    CallConnected,
    CallLeftQueue,
    CallFinished,
    CallOverflowed,
    CallPriorityChanged,
    CallMoved,
)


class Reactions:
    """The handlers; each one small, each one named for the fact it reacts to."""

    def __init__(
        self,
        *,
        engine: AcdEngine,
        gateway: AcdGateway,
        registry: CallRegistry,
        hub: Hub,
        desk: Desk,
        clock: LoopClock,
    ) -> None:
        self.engine = engine
        self.gateway = gateway
        self.registry = registry
        self.hub = hub
        self.desk = desk
        self.clock = clock

    def channel_hung_up(self, event: ChannelHungUp | HangupRequested) -> None:
        self.registry.on_hangup(event)

    def dial_started(self, event: DialStarted) -> None:
        self.registry.on_dial_start(event)

    def device_changed(self, event: DeviceStateChanged) -> None:
        self.engine.phone_changed(event.device)

    def dial_ended(self, event: DialEnded) -> None:
        self.registry.on_dial_end(event, self.clock.now())
        call = self.registry.by_uniqueid(event.uniqueid)
        if call is not None:
            self.gateway.dial_ended(call.call_id, event.dest_channel, event.status)

    def agent_reserved(self, event: AgentReserved) -> None:
        self.offer_taken(event.call_id, event.agent_id)

    def offer_taken(self, call_id: str, agent_id: str) -> None:
        """The agent is reserved for the call: open their leg and send the pop, once.

        Called by the bus's ``AgentReserved`` and also by the caller's session just before it
        dials the agent (``AcdGateway.offer_taken``), whichever comes first: the pop then
        always leaves before the phone can ring, however far the bus runs behind."""
        call = self.registry.get(CallId(call_id))
        if call is None or call.pop_sent_to == agent_id:
            return
        call.pop_sent_to = agent_id
        call.agent_id = agent_id
        open_leg(call.legs, agent_id, self.clock.now())
        pop = build_pop(call)
        self.desk.pops[agent_id] = pop
        self.hub.send_to_agent(agent_id, "pop", pop)
        self._call_state(agent_id, call_id, "ringing")

    def call_connected(self, event: CallConnected) -> None:
        call = self.registry.get(event.call_id)
        if call is not None:
            call.pop_sent_to = None  # a later offer (after a transfer) pops again
        self._call_state(event.agent_id, event.call_id, "connected")

    def call_finished(self, event: CallFinished) -> None:
        self._call_state(event.agent_id, event.call_id, "ended")

    def offer_failed(self, event: OfferFailed) -> None:
        call = self.registry.get(event.call_id)
        if call is not None and call.pop_sent_to == event.agent_id:
            call.pop_sent_to = None
        self.desk.pops.pop(event.agent_id, None)
        self._call_state(event.agent_id, event.call_id, "missed", status=event.status)

    def agent_state_changed(self, event: AgentStateChanged) -> None:
        view = view_to_json(self.desk.agent_view(event.agent_id))
        self.hub.send_to_agent(event.agent_id, "agent_state", view or {})

    def _call_state(self, agent_id: str, call_id: str, state: str, **extra: object) -> None:
        self.hub.send_to_agent(
            agent_id, "call_state", {"call_id": call_id, "state": state, **extra}
        )


def wire(
    bus: Bus,
    r: Reactions,
    log_event: Callable[[AcdEvent], None],
    floor_changed: Callable[[AcdEvent], None],
    estimates: WaitEstimates,
    control: CallControl,
    levels: ServiceLevels,
    callbacks: Callbacks,
    service: ServiceLevel,
) -> list[Callable[[], None]]:
    """Subscribe every reaction; returns the unsubscribe callables."""
    return [
        bus.subscribe(HangupRequested, r.channel_hung_up),
        bus.subscribe(ChannelHungUp, r.channel_hung_up),
        bus.subscribe(ChannelHungUp, control.channel_hung_up),  # after the registry saw it
        bus.subscribe(DialStarted, r.dial_started),
        bus.subscribe(DialEnded, r.dial_ended),
        bus.subscribe(CallOverflowed, r.gateway.overflowed),
        bus.subscribe(DialEnded, callbacks.dial_ended),
        bus.subscribe(DeviceStateChanged, r.device_changed),
        bus.subscribe(AgentReserved, r.agent_reserved),
        bus.subscribe(AgentReserved, callbacks.agent_reserved),
        bus.subscribe(CallConnected, r.call_connected),
        bus.subscribe(CallConnected, estimates.call_connected),
        bus.subscribe(CallConnected, levels.record),
        bus.subscribe(CallLeftQueue, levels.record),
        bus.subscribe(CallFinished, estimates.call_finished),
        bus.subscribe(CallConnected, service.call_connected),
        bus.subscribe(CallLeftQueue, service.call_left_queue),
        bus.subscribe(CallFinished, r.call_finished),
        bus.subscribe(OfferFailed, r.offer_failed),
        bus.subscribe(AgentStateChanged, r.agent_state_changed),
        *(bus.subscribe(event_type, log_event) for event_type in ACD_EVENT_TYPES),
        *(bus.subscribe(event_type, floor_changed) for event_type in ACD_EVENT_TYPES),
    ]
