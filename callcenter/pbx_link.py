"""Keeps the AMI link up: connect, log in, read, and reconnect with capped backoff.

Every decoded frame goes through the pure ``CallTracker``; the telephony facts it yields
are published on the bus. Nothing here waits on a consumer, so the reader never blocks.
"""

import asyncio
import logging
import random
from collections.abc import Callable

from callcenter.bus import Bus
from callcenter.clock import LoopClock
from callcenter.settings import Settings
from cti.ami_client import AmiClient
from cti.ami_codec import AmiMessage
from cti.errors import PbxError
from cti.events import LinkLost, LinkUp
from cti.tracker import CallTracker

log = logging.getLogger(__name__)

FIRST_RETRY = 0.5
MAX_RETRY = 30.0


class PbxLink:
    def __init__(self, settings: Settings, bus: Bus, clock: LoopClock) -> None:
        self._settings = settings
        self._bus = bus
        self._clock = clock
        self.tracker = CallTracker()
        self.client: AmiClient | None = None
        self.connected = asyncio.Event()
        self.connects = 0

    def on_frame(self, msg: AmiMessage) -> None:
        for fact in self.tracker.feed(msg, self._clock.now()):
            self._bus.publish(fact)

    async def run(self) -> None:
        delay = FIRST_RETRY
        while True:
            client = self._new_client(self.on_frame)
            try:
                await client.connect()
                self.client, delay = client, FIRST_RETRY
                self.connects += 1
                self.connected.set()
                self._bus.publish(LinkUp(self._clock.now()))
                await client.run()
                reason = "connection closed"
            except (OSError, PbxError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            finally:
                self.connected.clear()
                self.client = None
                await client.close()
            log.warning(
                "AMI link to %s:%s lost (%s); retrying in %.1fs", *self._where(), reason, delay
            )
            self._bus.publish(LinkLost(reason, self._clock.now()))
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, MAX_RETRY)

    def _where(self) -> tuple[str, int]:
        return self._settings.ami_host, self._settings.ami_port

    def _new_client(self, on_event: Callable[[AmiMessage], None]) -> AmiClient:
        s = self._settings
        return AmiClient(
            s.ami_host,
            s.ami_port,
            s.ami_username,
            s.ami_secret,
            auth="md5" if s.ami_auth == "md5" else "plain",
            on_event=on_event,
        )
