"""Telephony against the PBX simulator over loopback: the actions it implements."""

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest

from cti.ami_client import AmiClient
from cti.ami_codec import AmiMessage
from cti.commands import Originate
from cti.errors import ActionFailed, ChannelNotFound, OriginateFailed
from cti.ids import ChannelName, UniqueId
from cti.telephony import Telephony
from sim import SimConfig, Simulator
from tests.virtual_time import run_in_virtual_time


def virtual_time(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    def run() -> None:
        run_in_virtual_time(test())

    run.__name__ = test.__name__
    return run


class Seen(list[AmiMessage]):
    """Every AMI event the client delivered, with a way to wait for a condition on them."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def add(self, msg: AmiMessage) -> None:
        self.append(msg)
        self.changed.set()

    async def until(self, condition: Callable[[list[AmiMessage]], bool]) -> None:
        async with asyncio.timeout(5):
            while not condition(self):
                self.changed.clear()
                await self.changed.wait()


@asynccontextmanager
async def linked() -> AsyncIterator[tuple[Simulator, Telephony, Seen]]:
    """A started simulator with phones 1001 (answers), 1002 (busy), 1003 (unreachable)."""
    sim = Simulator(SimConfig())
    await sim.start()
    sim.add_phone("1001", answer_after=1.0, talk_for=60.0)
    sim.add_phone("1002", busy=True)
    sim.add_phone("1003", unreachable=True)
    sim.add_phone("1004", answer_after=None)
    seen = Seen()
    holder: list[Telephony] = []

    def on_event(msg: AmiMessage) -> None:
        seen.add(msg)
        holder[0].on_event(msg)

    client = AmiClient("127.0.0.1", sim.ami_port, "cti", "cti", on_event=on_event)
    holder.append(Telephony(client))
    await client.connect()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(client.run())
            yield sim, holder[0], seen
            await client.close()
    finally:
        await sim.close()


def wait_app(ext: str, **kw: Any) -> Originate:
    return Originate(f"PJSIP/{ext}", application="Wait", data="30", **kw)


@virtual_time
async def test_originate_answered_returns_the_channel_id_we_chose() -> None:
    async with linked() as (_, tel, _seen):
        result = await tel.originate(wait_app("1001", channel_id="cti-call-1"))
        assert result.uniqueid == "cti-call-1"
        assert result.channel.startswith("PJSIP/1001-")
        listed = await tel.core_show_channels()
        assert [c.uniqueid for c in listed] == [UniqueId("cti-call-1")]
        assert listed[0].is_up


@pytest.mark.parametrize(
    ("ext", "code", "reason"),
    [
        ("1002", 5, "busy"),
        ("1003", 1, "hung up or unreachable"),
        ("1004", 3, "rang without answer"),
    ],
)
def test_originate_failure_maps_asterisk_reason(ext: str, code: int, reason: str) -> None:
    async def scenario() -> None:
        async with linked() as (_, tel, _seen):
            with pytest.raises(OriginateFailed) as caught:
                await tel.originate(wait_app(ext, timeout_ms=5000))
            assert (caught.value.reason_code, caught.value.reason) == (code, reason)

    run_in_virtual_time(scenario())


@virtual_time
async def test_originate_refused_by_asterisk_raises_action_failed_or_reason_0() -> None:
    async with linked() as (_, tel, _seen):
        with pytest.raises((OriginateFailed, ActionFailed)) as caught:
            await tel.originate(Originate("Bogus/thing", application="Wait", data="1"))
        if isinstance(caught.value, OriginateFailed):
            assert caught.value.reason_code == 0


@virtual_time
async def test_vars_and_hangup_with_cause() -> None:
    async with linked() as (_, tel, seen):
        result = await tel.originate(wait_app("1001"))
        await tel.set_var("CTI_CALL", "42", result.channel)
        assert await tel.get_var("CTI_CALL", result.channel) == "42"
        await tel.hangup(result.channel, cause=17)
        await seen.until(lambda events: any(m.name == "Hangup" for m in events))
        hangup = next(m for m in seen if m.name == "Hangup")
        assert hangup.get("Cause") == "17"
        assert await tel.core_show_channels() == []


@virtual_time
async def test_actions_on_a_missing_channel_raise_channel_not_found() -> None:
    gone = ChannelName("PJSIP/9999-00000001")
    async with linked() as (_, tel, _seen):
        live = await tel.originate(wait_app("1001"))
        with pytest.raises(ChannelNotFound):
            await tel.hangup(gone)
        with pytest.raises(ChannelNotFound, match="Channel does not exist"):
            await tel.redirect(gone, "default", "s")
        with pytest.raises(ChannelNotFound, match="ExtraChannel does not exist"):
            await tel.redirect(live.channel, "default", "s", extra_channel=gone)
        with pytest.raises(ChannelNotFound):
            await tel.get_var("X", gone)
        with pytest.raises(ChannelNotFound):
            await tel.bridge(live.channel, gone)


@virtual_time
async def test_dual_redirect_then_bridge() -> None:
    async with linked() as (sim, tel, seen):
        sim.add_phone("1005", answer_after=1.0, talk_for=60.0)
        one = await tel.originate(wait_app("1001"))
        two = await tel.originate(wait_app("1005"))
        await tel.redirect(
            one.channel,
            "default",
            "s",
            extra_channel=two.channel,
            extra_context="default",
            extra_exten="s",
        )
        await tel.bridge(one.channel, two.channel)
        await seen.until(lambda events: sum(m.name == "BridgeEnter" for m in events) >= 2)
        listed = {c.uniqueid: c for c in await tel.core_show_channels()}
        assert listed[one.uniqueid].bridge_id is not None
        assert listed[one.uniqueid].bridge_id == listed[two.uniqueid].bridge_id
