"""The typed command API over the AMI link: what the rest of the product calls.

Owns: ``Telephony``, one async method per PBX operation, each building its
command from ``cti.commands`` (the single place that maps commands to AMI
fields), sending it and returning a typed result or raising a typed error from
``cti.errors``; and the correlation of asynchronous ``Originate`` with its
``OriginateResponse`` event by ActionID. Must not interpret call state (the
tracker does) or reconnect (the link's owner does).

Feed every AMI event to ``on_event`` (the composition root chains it before the
tracker): an ``OriginateResponse`` may be read in the same TCP chunk as the
action's ``Response``, i.e. before the awaiting coroutine even learns its
ActionID, so unclaimed ones are kept (bounded) until claimed.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from cti.ami_actions import AmiResponse
from cti.ami_codec import AmiMessage
from cti.channel_list import ShownChannel, shown_channels
from cti.commands import (
    AmiCommand,
    Atxfer,
    BlindTransfer,
    Bridge,
    CancelAtxfer,
    CoreShowChannels,
    Getvar,
    Hangup,
    MixMonitor,
    Originate,
    Redirect,
    Setvar,
    SpyMode,
    StopMixMonitor,
    spy,
    to_action,
)
from cti.errors import (
    ActionFailed,
    ChannelNotFound,
    OriginateFailed,
    PbxTimeout,
    is_missing_channel,
)
from cti.ids import ChannelName, UniqueId

#: Unclaimed OriginateResponses kept; older ones belong to callers that gave up.
EARLY_MEMORY = 256
#: Extra wait for OriginateResponse beyond the ring timeout: the event follows the
#: dial outcome, and a channel driver may take a moment to report it.
ORIGINATE_GRACE_S = 5.0


class AmiLink(Protocol):
    """What ``Telephony`` needs from ``AmiClient``."""

    async def action(
        self,
        name: str,
        fields: Sequence[tuple[str, str]] = (),
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AmiResponse: ...


@dataclass(frozen=True, slots=True)
class OriginateResult:
    """The answered channel of an Originate (``Uniqueid`` is ChannelId when one was given)."""

    uniqueid: UniqueId
    channel: ChannelName
    other_uniqueid: UniqueId | None = None


class _OriginateWaiters:
    """OriginateResponse events by ActionID, whichever of event and waiter comes first."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[AmiMessage]] = {}
        self._early: dict[str, AmiMessage] = {}

    def offer(self, msg: AmiMessage) -> None:
        action_id = msg.action_id
        if action_id is None:
            return
        future = self._waiting.pop(action_id, None)
        if future is not None:
            if not future.done():
                future.set_result(msg)
            return
        self._early[action_id] = msg
        if len(self._early) > EARLY_MEMORY:
            del self._early[next(iter(self._early))]

    async def wait(self, action_id: str, timeout: float) -> AmiMessage:  # noqa: ASYNC109
        early = self._early.pop(action_id, None)
        if early is not None:
            return early
        future: asyncio.Future[AmiMessage] = asyncio.get_running_loop().create_future()
        self._waiting[action_id] = future
        try:
            async with asyncio.timeout(timeout):
                return await future
        finally:
            self._waiting.pop(action_id, None)


class Telephony:
    """PBX operations as typed async calls over one AMI link."""

    def __init__(self, link: AmiLink) -> None:
        self._link = link
        self._originates = _OriginateWaiters()

    def on_event(self, msg: AmiMessage) -> None:
        """Give every AMI event here; only ``OriginateResponse`` is kept."""
        if msg.name == "OriginateResponse" and msg.kind == "event":
            self._originates.offer(msg)

    async def send(self, command: AmiCommand) -> AmiResponse:
        """Send any command; ``Response: Error`` raises ``ActionFailed``.

        ``ChannelNotFound`` (an ``ActionFailed``) when Asterisk says the channel is missing.
        """
        name, fields = to_action(command)
        try:
            return await self._link.action(name, fields)
        except ActionFailed as exc:
            if is_missing_channel(exc.message):
                raise ChannelNotFound(exc.action, exc.message) from exc
            raise

    async def originate(self, command: Originate) -> OriginateResult:
        """Originate asynchronously and wait for its ``OriginateResponse``.

        Always sent with ``Async: true``, whatever ``command.run_async`` says: a
        synchronous Originate answers only "Originate failed", without the reason
        code, and no ``OriginateResponse`` follows it (fixture e1).

        Raises ``OriginateFailed`` with Asterisk's reason code, ``ActionFailed``
        when Asterisk refuses the action itself, ``PbxTimeout`` when no outcome
        arrives within the ring timeout plus a grace period.
        """
        command = replace(command, run_async=True)
        response = await self.send(command)
        action_id = response.headers.action_id or ""
        wait_s = command.timeout_ms / 1000 + ORIGINATE_GRACE_S
        try:
            outcome = await self._originates.wait(action_id, wait_s)
        except TimeoutError:
            raise PbxTimeout(f"Originate {command.channel}: no OriginateResponse") from None
        if outcome.get("Response") != "Success":
            reason = outcome.get("Reason") or ""
            code = int(reason) if reason.isdigit() else -1
            raise OriginateFailed(code, command.channel)
        uid = outcome.get("Uniqueid") or command.channel_id or ""
        other = command.other_channel_id
        return OriginateResult(
            UniqueId(uid),
            ChannelName(outcome.get("Channel") or command.channel),
            UniqueId(other) if other is not None else None,
        )

    async def redirect(
        self,
        channel: ChannelName,
        context: str,
        exten: str,
        priority: int = 1,
        *,
        extra_channel: ChannelName | None = None,
        extra_context: str | None = None,
        extra_exten: str | None = None,
        extra_priority: int | None = None,
    ) -> None:
        """Move one channel, or two at once with ``extra_channel`` (dual redirect)."""
        await self.send(
            Redirect(
                channel,
                context,
                exten,
                priority,
                extra_channel,
                extra_context,
                extra_exten,
                extra_priority,
            )
        )

    async def hangup(self, channel: ChannelName, cause: int = 16) -> None:
        """Hang a channel up with a Q.850 cause (16: normal clearing)."""
        await self.send(Hangup(channel, cause))

    async def blind_transfer(self, channel: ChannelName, context: str, exten: str) -> None:
        await self.send(BlindTransfer(channel, context, exten))

    async def attended_transfer(
        self, channel: ChannelName, exten: str, context: str | None = None
    ) -> None:
        """Start an attended transfer; Asterisk completes it when ``channel`` hangs up."""
        await self.send(Atxfer(channel, exten, context))

    async def cancel_attended_transfer(self, channel: ChannelName) -> None:
        """Abandon ``channel``'s consultation; it returns to the party on hold."""
        await self.send(CancelAtxfer(channel))

    async def spy(
        self,
        supervisor_endpoint: str,
        agent_channel: ChannelName,
        mode: SpyMode,
        *,
        caller_id: str | None = None,
    ) -> OriginateResult:
        """Ring the supervisor and, once answered, listen, whisper or barge on the agent."""
        return await self.originate(
            spy(supervisor_endpoint, agent_channel, mode, caller_id=caller_id)
        )

    async def start_recording(self, channel: ChannelName, file: str, options: str = "") -> None:
        await self.send(MixMonitor(channel, file, options))

    async def stop_recording(self, channel: ChannelName) -> None:
        await self.send(StopMixMonitor(channel))

    async def set_var(self, variable: str, value: str, channel: ChannelName | None = None) -> None:
        await self.send(Setvar(variable, value, channel))

    async def get_var(self, variable: str, channel: ChannelName | None = None) -> str:
        """A variable's value; Asterisk answers an unset one with an empty ``Value``."""
        response = await self.send(Getvar(variable, channel))
        return response.headers.get("Value") or ""

    async def core_show_channels(self) -> list[ShownChannel]:
        response = await self.send(CoreShowChannels())
        return shown_channels(response.events)

    async def bridge(self, channel1: ChannelName, channel2: ChannelName) -> None:
        await self.send(Bridge(channel1, channel2))
