"""Keeps the AMI link up: connect, log in, resynchronise, read, reconnect with backoff.

Every decoded frame goes to the command side (``Telephony``, for ``OriginateResponse``) and
through the pure ``CallTracker``; the telephony facts it yields are published on the bus.
Nothing here waits on a consumer, so the reader never blocks. After every login the
tracker is reconciled with ``CoreShowChannels``: channels that vanished while the link was
down are reported hung up, channels that appeared are adopted.
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
from cti.devices import DeviceStates
from cti.errors import PbxError
from cti.events import DeviceStateChanged, LinkLost, LinkUp, TelephonyEvent
from cti.subscription import EVENT_MASK
from cti.telephony import Telephony
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
        self.devices = DeviceStates()
        self.client: AmiClient | None = None
        self.telephony: Telephony | None = None
        self.connected = asyncio.Event()
        self.connects = 0
        #: AMI frames read since start (events and responses), for /metrics and benches.
        self.frames = 0

    def on_frame(self, msg: AmiMessage) -> None:
        self.frames += 1
        if self.telephony is not None:
            self.telephony.on_event(msg)
        self._publish(self.tracker.feed(msg, self._clock.now()))

    def _publish(self, facts: list[TelephonyEvent]) -> None:
        for fact in facts:
            if isinstance(fact, DeviceStateChanged):
                self.devices.apply(fact)
            self._bus.publish(fact)

    async def resync(self, telephony: Telephony) -> int:
        """Reconcile the tracker with what Asterisk lists now; returns the facts published."""
        since = self._clock.now()
        listed = await telephony.core_show_channels()
        facts = self.tracker.resync(listed, self._clock.now(), listed_since=since)
        self._publish(facts)
        log.info("AMI resync: %d channels listed, %d facts", len(listed), len(facts))
        return len(facts)

    async def run(self) -> None:
        delay = FIRST_RETRY
        while True:
            client = self._new_client(self.on_frame)
            try:
                await self._serve(client)
                reason = "connection closed"
            except (OSError, PbxError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            finally:
                if self.connected.is_set():  # it was up: start the backoff afresh
                    delay = FIRST_RETRY
                self.connected.clear()
                self.client = self.telephony = None
                await client.close()
            log.warning(
                "AMI link to %s:%s down (%s); retrying in %.1fs", *self._where(), reason, delay
            )
            self._bus.publish(LinkLost(reason, self._clock.now()))
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, MAX_RETRY)

    async def _serve(self, client: AmiClient) -> None:
        """Log in, resynchronise while the reader runs, then read until the link drops."""
        await client.connect()
        telephony = Telephony(client)
        self.client, self.telephony = client, telephony
        self.connects += 1
        try:
            async with asyncio.TaskGroup() as tg:
                reader = tg.create_task(client.run(), name="ami-reader")
                await self.resync(telephony)
                self.connected.set()
                self._bus.publish(LinkUp(self._clock.now()))
                await reader
        except BaseExceptionGroup as group:
            # One link failure surfaces as one exception for the retry loop to report.
            link, other = group.split((OSError, PbxError))
            if other is not None or link is None:
                raise
            raise link.exceptions[0] from None

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
            events=EVENT_MASK,
        )
