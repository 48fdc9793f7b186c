"""Resync over a real link loss, against the PBX simulator.

The daemon's tracker follows a call, its AMI link drops, the call ends during the
outage, a new call starts; after reconnecting, ``core_show_channels`` + ``resync``
must report the first call hung up and adopt the second.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cti.ami_client import AmiClient
from cti.ami_codec import AmiMessage
from cti.commands import Originate
from cti.events import ChannelAnswered, ChannelCreated, ChannelHungUp, TelephonyEvent
from cti.telephony import Telephony
from cti.tracker import GONE_DURING_LINK_LOSS, CallTracker
from sim import SimConfig, Simulator
from tests.cti.test_telephony_sim import virtual_time


@asynccontextmanager
async def session(sim: Simulator, tracker: CallTracker) -> AsyncIterator[Telephony]:
    """One AMI connection whose events feed ``tracker`` (at the loop's time)."""
    loop = asyncio.get_running_loop()
    holder: list[Telephony] = []

    def on_event(msg: AmiMessage) -> None:
        holder[0].on_event(msg)
        tracker.feed(msg, loop.time())

    client = AmiClient("127.0.0.1", sim.ami_port, "cti", "cti", on_event=on_event)
    holder.append(Telephony(client))
    await client.connect()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(client.run())
        yield holder[0]
        await client.close()


def wait_app(ext: str) -> Originate:
    return Originate(f"PJSIP/{ext}", application="Wait", data="300")


@virtual_time
async def test_resync_after_link_loss_reports_the_gone_call_and_adopts_the_new_one() -> None:
    sim = Simulator(SimConfig())
    await sim.start()
    sim.add_phone("1001", answer_after=1.0, talk_for=600.0)
    sim.add_phone("1002", answer_after=1.0, talk_for=600.0)
    tracker = CallTracker()
    loop = asyncio.get_running_loop()
    try:
        async with session(sim, tracker) as tel:
            first = await tel.originate(wait_app("1001"))
        assert first.uniqueid in tracker.channels
        # The outage: another AMI user ends the first call and starts a second one.
        async with session(sim, CallTracker()) as other:
            await other.hangup(first.channel)
            second = await other.originate(wait_app("1002"))
        async with session(sim, tracker) as tel:
            asked = loop.time()
            listed = await tel.core_show_channels()
            facts: list[TelephonyEvent] = tracker.resync(listed, loop.time(), listed_since=asked)
    finally:
        await sim.close()
    gone = [f for f in facts if isinstance(f, ChannelHungUp)]
    assert [(f.uniqueid, f.cause_txt) for f in gone] == [(first.uniqueid, GONE_DURING_LINK_LOSS)]
    adopted = [
        type(f)
        for f in facts
        if isinstance(f, ChannelCreated | ChannelAnswered) and f.uniqueid == second.uniqueid
    ]
    assert adopted == [ChannelCreated, ChannelAnswered]
    assert set(tracker.channels) == {second.uniqueid}
    assert tracker.calls == {tracker.channels[second.uniqueid].linkedid: {second.uniqueid}}
