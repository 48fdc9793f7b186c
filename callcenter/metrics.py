"""Live figures for ``/metrics`` in the Prometheus text format.

Owns one collector that reads the running parts at scrape time (nothing is counted twice
or kept in step by hand): calls by state, queue depth and longest wait, agents by state,
service level, the AMI link and its lag, the bus, WebSocket clients and dropped frames,
and FastAGI sessions. The names are listed in docs/metrics.md.
"""

from collections import Counter
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from acd.engine import AcdEngine
from acd.states import AgentState
from agent_ws.hub import Hub
from callcenter.bus import Bus
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from callcenter.event_log import EventLogWriter
from callcenter.pbx_link import PbxLink
from callcenter.service_level import QueueTally, ServiceLevel
from cti.agi_server import AgiServer


class LiveMetrics(Collector):
    def __init__(
        self,
        *,
        engine: AcdEngine,
        registry: CallRegistry,
        pbx: PbxLink,
        bus: Bus,
        hub: Hub,
        agi: AgiServer,
        event_log: EventLogWriter,
        clock: LoopClock,
        service: ServiceLevel,
    ) -> None:
        self._engine = engine
        self._calls = registry
        self._pbx = pbx
        self._bus = bus
        self._hub = hub
        self._agi = agi
        self._event_log = event_log
        self._clock = clock
        self._service = service
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def collect(self) -> Iterator[Metric]:
        yield from self._call_metrics()
        yield from self._queue_metrics()
        yield self._agent_metric()
        yield from self._service_metrics()
        yield from self._link_metrics()

    def _call_metrics(self) -> Iterator[Metric]:
        calls = GaugeMetricFamily("callcenter_calls", "Live calls by state", labels=["state"])
        counts = Counter(self._call_state(c) for c in self._calls.active())
        for state in ("ivr", "queued", "ringing", "talking"):
            calls.add_metric([state], counts.get(state, 0))
        yield calls

    def _call_state(self, call: ActiveCall) -> str:
        if call.answered_at is not None:
            return "talking"
        if call.queued_at is None:
            return "ivr"
        return "ringing" if self._engine.offer_for(call.call_id) else "queued"

    def _queue_metrics(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily("callcenter_queue_depth", "Calls waiting", labels=["queue"])
        longest = GaugeMetricFamily(
            "callcenter_queue_longest_wait_seconds", "Longest current wait", labels=["queue"]
        )
        now = self._clock.now()
        for name in self._engine.queues:
            waiting = [c for c in self._engine.waiting() if c.request.queue == name]
            depth.add_metric([name], len(waiting))
            oldest = min((c.joined_at for c in waiting), default=now)
            longest.add_metric([name], round(now - oldest, 3))
        yield depth
        yield longest

    def _agent_metric(self) -> Metric:
        agents = GaugeMetricFamily("callcenter_agents", "Agents by state", labels=["state"])
        counts = Counter(a.state for a in self._engine.agents())
        for state in AgentState:
            agents.add_metric([state.value], counts.get(state, 0))
        return agents

    def _service_metrics(self) -> Iterator[Metric]:
        threshold = f"{self._service.threshold:g}"
        level = GaugeMetricFamily(
            "callcenter_service_level",
            "Calls answered within the threshold / calls answered, since start",
            labels=["queue", "threshold_seconds"],
        )
        answered = CounterMetricFamily(
            "callcenter_calls_answered", "Calls answered by an agent", labels=["queue"]
        )
        within = CounterMetricFamily(
            "callcenter_calls_answered_within_threshold",
            "Calls answered within the service-level threshold",
            labels=["queue", "threshold_seconds"],
        )
        abandoned = CounterMetricFamily(
            "callcenter_calls_abandoned", "Calls that left a queue unanswered", labels=["queue"]
        )
        for name in self._engine.queues:
            tally = self._service.queues.get(name, QueueTally())
            level.add_metric([name, threshold], round(tally.level, 4))
            answered.add_metric([name], tally.answered)
            within.add_metric([name, threshold], tally.answered_within)
            abandoned.add_metric([name], tally.abandoned)
        yield from (level, answered, within, abandoned)

    def _link_metrics(self) -> Iterator[Metric]:
        yield _gauge(
            "callcenter_ami_connected",
            "1 while the AMI link is logged in",
            1 if self._pbx.connected.is_set() else 0,
        )
        yield _counter("callcenter_ami_connects", "AMI logins since start", self._pbx.connects)
        yield _counter("callcenter_ami_frames", "AMI frames read since start", self._pbx.frames)
        yield _counter(
            "callcenter_ami_anomalies",
            "AMI events that did not fit the call model",
            self._pbx.tracker.anomalies,
        )
        yield _gauge(
            "callcenter_bus_pending",
            "Events published, not yet delivered (AMI lag, in events)",
            self._bus.pending,
        )
        yield _gauge(
            "callcenter_ami_lag_seconds",
            "How long the event delivered last waited on the bus (0 when none pending)",
            round(self._bus.lag, 6),
        )
        yield _counter("callcenter_bus_dropped", "Events dropped on a full bus", self._bus.dropped)
        yield _counter(
            "callcenter_bus_handler_failures", "Handlers that raised", self._bus.handler_failures
        )
        yield _gauge("callcenter_ws_clients", "Connected WebSocket clients", self._hub.client_count)
        yield _counter(
            "callcenter_ws_dropped_clients",
            "Clients cut for a full outbox",
            self._hub.dropped_clients,
        )
        yield _counter(
            "callcenter_ws_dropped_frames",
            "Messages lost with the clients cut for a full outbox",
            self._hub.dropped_frames,
        )
        yield _gauge(
            "callcenter_fastagi_sessions", "Open FastAGI sessions", self._agi.active_sessions
        )
        yield _counter(
            "callcenter_event_log_dropped",
            "ACD events the log could not keep",
            self._event_log.dropped,
        )


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)
