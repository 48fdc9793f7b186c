"""Asyncio AMI client: one TCP connection to Asterisk's manager interface.

Owns: connecting and logging in (plain or md5 challenge), the reader loop that
parses frames and hands events to one sync callback, ActionID correlation with
``EventList`` collection, and the Ping keepalive that detects a silent,
half-open link. Must not interpret events (``tracker`` does), reconnect on its
own (the caller decides when: ``run()`` raising ``LinkDown`` is the signal) or
block on consumers.
"""

import asyncio
import hashlib
import itertools
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from cti.ami_actions import AmiResponse, PendingActions
from cti.ami_codec import AmiMessage, AmiParser, encode_action
from cti.errors import ActionFailed, AuthenticationFailed, LinkDown, PbxTimeout

__all__ = ["AmiClient", "AmiResponse", "md5_key"]

log = logging.getLogger(__name__)

Fields = Mapping[str, str] | Sequence[tuple[str, str]]
_READ_SIZE = 65536


def md5_key(challenge: str, secret: str) -> str:
    """The ``Key`` of an md5 ``Login``: hex md5 of the challenge followed by the secret."""
    return hashlib.md5((challenge + secret).encode()).hexdigest()


class AmiClient:
    """One AMI session. ``connect()``, then run ``run()`` in a task; ``action()`` meanwhile."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        auth: Literal["plain", "md5"] = "plain",
        events: str = "on",
        on_event: Callable[[AmiMessage], None],
        action_timeout: float = 5.0,
        ping_interval: float = 20.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self._secret = secret
        self.auth = auth
        self.events = events
        self.on_event = on_event
        self.action_timeout = action_timeout
        self.ping_interval = ping_interval
        self.banner = ""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser = AmiParser()
        self._pending = PendingActions()
        self._prefix = secrets.token_hex(4)
        self._ids = itertools.count(1)
        self._closing = False
        self._down_reason = ""

    @property
    def peer(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def garbage_frames(self) -> int:
        return self._parser.garbage_frames

    @property
    def connected(self) -> bool:
        return self._writer is not None and not self._writer.is_closing()

    async def connect(self) -> None:
        """Open the socket, read the banner and log in.

        Raises ``AuthenticationFailed`` when Asterisk refuses the login,
        ``LinkDown`` when the TCP connection fails or drops, ``PbxTimeout`` when
        the banner or the login answer does not come in time.
        """
        self._closing = False
        self._down_reason = ""
        self._parser = AmiParser(peer=self.peer)
        self._pending = PendingActions()
        try:
            async with asyncio.timeout(self.action_timeout):
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        except TimeoutError:
            raise PbxTimeout(f"AMI connect to {self.peer} timed out") from None
        except OSError as exc:
            raise LinkDown(f"AMI connect to {self.peer} failed: {exc}") from exc
        try:
            await self._read_banner()
            await self._login()
        except BaseException:
            self._abort()
            raise

    async def _read_banner(self) -> None:
        async def banner_seen() -> None:
            while not self.banner:
                await self._pump_once()

        try:
            async with asyncio.timeout(self.action_timeout):
                await banner_seen()
        except TimeoutError:
            raise PbxTimeout(f"no AMI banner from {self.peer}") from None

    async def _login(self) -> None:
        fields: list[tuple[str, str]]
        if self.auth == "md5":
            answer = await self._setup_action("Challenge", {"AuthType": "md5"})
            key = md5_key(answer.get("Challenge", "") or "", self._secret)
            fields = [("AuthType", "md5"), ("Username", self.username), ("Key", key)]
        else:
            fields = [("Username", self.username), ("Secret", self._secret)]
        fields.append(("Events", self.events))
        await self._setup_action("Login", fields)
        log.info("AMI logged in to %s as %s", self.peer, self.username)

    async def _setup_action(self, name: str, fields: Fields) -> AmiMessage:
        """An action sent before ``run()`` exists: we pump the socket ourselves."""
        action_id, future = self._send(name, fields)
        try:
            async with asyncio.timeout(self.action_timeout):
                while not future.done():
                    await self._pump_once()
            result = future.result()
        except TimeoutError:
            raise PbxTimeout(f"AMI {name} to {self.peer}: no answer") from None
        except ActionFailed as exc:
            raise AuthenticationFailed(f"AMI {name} refused by {self.peer}: {exc.message}") from exc
        finally:
            self._pending.discard(action_id)
        return result.headers

    async def _pump_once(self) -> None:
        assert self._reader is not None
        try:
            data = await self._reader.read(_READ_SIZE)
        except OSError as exc:
            raise LinkDown(f"AMI connection to {self.peer} failed: {exc}") from exc
        if not data:
            raise LinkDown(f"AMI connection to {self.peer} closed")
        self._dispatch(data)

    async def run(self) -> None:
        """Read until the link is lost or ``close()`` is called.

        Returns normally after ``close()``; raises ``LinkDown`` when the peer
        closes, the socket fails or a keepalive Ping goes unanswered.
        """
        if self._reader is None:
            raise LinkDown("AMI client is not connected")
        self._down_reason = ""
        reason = "AMI reader cancelled"
        try:
            # Neither child raises (they report a reason), so TaskGroup never wraps errors.
            async with asyncio.TaskGroup() as tg:
                keepalive = tg.create_task(self._keepalive(), name="ami-keepalive")
                reason = await self._read_loop()
                keepalive.cancel()
        finally:
            self._pending.fail_all(self._down_reason or reason)
            self._abort()
        if not self._closing:
            raise LinkDown(self._down_reason or reason)

    async def _read_loop(self) -> str:
        reader = self._reader
        assert reader is not None
        while True:
            try:
                data = await reader.read(_READ_SIZE)
            except OSError as exc:
                return f"AMI connection to {self.peer} failed: {exc}"
            if not data:
                return f"AMI connection to {self.peer} closed"
            self._dispatch(data)

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            try:
                await self.action("Ping", timeout=self.action_timeout)
            except PbxTimeout:
                self._down_reason = f"AMI link to {self.peer} is dead: keepalive Ping unanswered"
                log.warning("%s", self._down_reason)
                # Aborting the transport wakes the reader with EOF, which ends run().
                self._abort()
                return
            except LinkDown:
                return
            except ActionFailed:
                pass  # an answer, even an error, proves the link is alive

    def _dispatch(self, data: bytes) -> None:
        for msg in self._parser.feed(data):
            if msg.kind == "banner":
                self.banner = msg.headers[0][0]
                continue
            if self._pending.offer(msg):
                continue
            if msg.kind == "response":
                log.debug("AMI response from %s with no waiting action: %r", self.peer, msg)
                continue
            try:
                self.on_event(msg)
            except Exception:
                log.exception("AMI event consumer failed on %s; reader continues", msg.name)

    def _send(self, name: str, fields: Fields) -> tuple[str, asyncio.Future[AmiResponse]]:
        writer = self._writer
        if writer is None or writer.is_closing():
            raise LinkDown(f"AMI link to {self.peer} is down")
        action_id = f"{self._prefix}-{next(self._ids)}"
        data = encode_action(name, fields, action_id)
        future = self._pending.register(name, action_id)
        writer.write(data)
        return action_id, future

    # The per-call timeout is part of the contract (docs/contracts.md); it only overrides
    # action_timeout and is applied with asyncio.timeout inside.
    async def action(
        self,
        name: str,
        fields: Fields = (),
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AmiResponse:
        """Send an action and wait for its answer (and its ``EventList``, if any)."""
        action_id, future = self._send(name, fields)
        try:
            async with asyncio.timeout(self.action_timeout if timeout is None else timeout):
                return await future
        except TimeoutError:
            raise PbxTimeout(f"AMI {name} to {self.peer}: no answer in time") from None
        finally:
            self._pending.discard(action_id)

    async def close(self) -> None:
        """Log off (best effort) and close the socket; ``run()`` then returns."""
        self._closing = True
        writer = self._writer
        if writer is None:
            return
        if not writer.is_closing():
            writer.write(encode_action("Logoff", (), f"{self._prefix}-logoff"))
        writer.close()
        try:
            async with asyncio.timeout(self.action_timeout):
                await writer.wait_closed()
        except (TimeoutError, OSError):
            pass  # the socket is closed on our side either way
        self._pending.fail_all(f"AMI client for {self.peer} closed")

    def _abort(self) -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.transport.abort()
