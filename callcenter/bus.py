"""The in-process event bus: ``publish`` enqueues, one dispatcher delivers in order.

Publishing never waits: when the bounded queue is full the event is dropped, counted and
logged (the PBX link then resynchronises rather than block its reader). Handlers are
plain callables subscribed per event type; a failing handler is logged and isolated.
The bus is an interface so it can later fan out through a broker to several gateways.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[Any], None]


class Bus:
    def __init__(
        self, max_pending: int = 100_000, *, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._queue: asyncio.Queue[tuple[float, object]] = asyncio.Queue(max_pending)
        self._handlers: dict[type, list[Handler]] = defaultdict(list)
        self._now = now
        self.dropped = 0
        self.delivered = 0
        self.handler_failures = 0
        #: Seconds the event delivered last had waited since it was published.
        self.last_wait = 0.0

    def publish(self, event: object) -> None:
        try:
            self._queue.put_nowait((self._now(), event))
        except asyncio.QueueFull:
            self.dropped += 1
            log.error(
                "bus full: dropped %s (%d dropped so far)", type(event).__name__, self.dropped
            )

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        handlers = self._handlers[event_type]
        handlers.append(handler)

        def unsubscribe() -> None:
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    @property
    def lag(self) -> float:
        """How far delivery runs behind publication: the wait of the event delivered last,
        or 0 when nothing is pending (an idle bus is not late)."""
        return self.last_wait if self.pending else 0.0

    async def run(self) -> None:
        """Deliver events forever, in publication order."""
        while True:
            published_at, event = await self._queue.get()
            self.last_wait = self._now() - published_at
            self.deliver(event)
            self._queue.task_done()

    def deliver(self, event: object) -> None:
        for handler in tuple(self._handlers.get(type(event), ())):
            try:
                handler(event)
            except Exception:
                self.handler_failures += 1
                log.exception("handler %r failed on %s", handler, type(event).__name__)
        self.delivered += 1

    async def drained(self) -> None:
        """Wait until everything published so far has been delivered (tests, shutdown)."""
        await self._queue.join()
