"""Telephony for actions the simulator lacks, against a fake that answers like Asterisk 22.

Reply shapes from main/manager.c and apps/app_mixmonitor.c (Asterisk 22):
``BlindTransfer`` acks "Transfer succeeded", ``Atxfer`` acks "Atxfer successfully
queued", ``MixMonitor`` answers with a ``MixMonitorID`` header, ``StopMixMonitor``
with a bare Success; an unknown channel is "Response: Error" / "No such channel".
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager

import pytest

from cti.ami_client import AmiClient
from cti.ami_codec import AmiMessage
from cti.errors import ActionFailed, ChannelNotFound, OriginateFailed
from cti.ids import ChannelName
from cti.telephony import Telephony
from tests.cti.fake_ami import FakeAmi, Handler, ReceivedAction

AGENT = ChannelName("PJSIP/1001-0000000a")


def reply(*lines: str) -> Callable[[ReceivedAction], bytes]:
    def handler(action: ReceivedAction) -> bytes:
        head = f"Response: {lines[0]}\r\nActionID: {action.action_id}\r\n"
        return (head + "".join(f"{ln}\r\n" for ln in lines[1:]) + "\r\n").encode()

    return handler


def originate_with_outcome(response: str, reason: int, uniqueid: str) -> Handler:
    """Response and OriginateResponse in one write: the event beats the awaiting coroutine."""

    def handler(action: ReceivedAction) -> bytes:
        ack = reply("Success", "Message: Originate successfully queued")(action)
        event = (
            f"Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: {action.action_id}\r\n"
            f"Response: {response}\r\nChannel: {action.get('Channel')}-00000001\r\n"
            f"Application: {action.get('Application')}\r\nData: {action.get('Data')}\r\n"
            f"Reason: {reason}\r\nUniqueid: {uniqueid}\r\n\r\n"
        )
        return ack + event.encode()

    return handler


@asynccontextmanager
async def linked(handlers: Mapping[str, Handler]) -> AsyncIterator[tuple[FakeAmi, Telephony]]:
    holder: list[Telephony] = []

    def on_event(msg: AmiMessage) -> None:
        holder[0].on_event(msg)

    async with FakeAmi(dict(handlers)) as ami:
        client = AmiClient("127.0.0.1", ami.port, "cti", "cti", on_event=on_event)
        holder.append(Telephony(client))
        await client.connect()
        async with asyncio.TaskGroup() as tg:
            tg.create_task(client.run())
            yield ami, holder[0]
            await client.close()


def sent(ami: FakeAmi, name: str) -> list[tuple[str, str]]:
    action = next(a for a in ami.actions if a.name == name)
    return [(k, v) for k, v in action.fields if k not in ("Action", "ActionID")]


async def test_blind_transfer_sends_channel_context_exten() -> None:
    async with linked({"BlindTransfer": reply("Success", "Message: Transfer succeeded")}) as (
        ami,
        tel,
    ):
        await tel.blind_transfer(AGENT, "agents", "1002")
        assert sent(ami, "BlindTransfer") == [
            ("Channel", AGENT),
            ("Context", "agents"),
            ("Exten", "1002"),
        ]


async def test_blind_transfer_of_unknown_channel_raises() -> None:
    async with linked({"BlindTransfer": reply("Error", "Message: No such channel")}) as (_, tel):
        with pytest.raises(ChannelNotFound, match="No such channel"):
            await tel.blind_transfer(AGENT, "agents", "1002")


async def test_other_errors_stay_action_failed() -> None:
    # Any error text that does not say the channel is missing (wording here is ours).
    handlers = {"Atxfer": reply("Error", "Message: Unable to perform attended transfer")}
    async with linked(handlers) as (_, tel):
        with pytest.raises(ActionFailed) as caught:
            await tel.attended_transfer(AGENT, "1002")
        assert not isinstance(caught.value, ChannelNotFound)


async def test_attended_transfer_sends_atxfer() -> None:
    handlers = {"Atxfer": reply("Success", "Message: Atxfer successfully queued")}
    async with linked(handlers) as (ami, tel):
        await tel.attended_transfer(AGENT, "1002", context="agents")
        await tel.attended_transfer(AGENT, "1003")
        actions = [a for a in ami.actions if a.name == "Atxfer"]
        assert [a.get("Context") for a in actions] == ["agents", ""]
        assert [a.get("Exten") for a in actions] == ["1002", "1003"]


async def test_recording_start_and_stop() -> None:
    handlers = {
        "MixMonitor": reply("Success", "MixMonitorID: 0x7f3a2c001234"),
        "StopMixMonitor": reply("Success"),
    }
    async with linked(handlers) as (ami, tel):
        await tel.start_recording(AGENT, "/var/spool/asterisk/monitor/call-42.wav")
        await tel.stop_recording(AGENT)
        assert sent(ami, "MixMonitor") == [
            ("Channel", AGENT),
            ("File", "/var/spool/asterisk/monitor/call-42.wav"),
        ]
        assert sent(ami, "StopMixMonitor") == [("Channel", AGENT)]


@pytest.mark.parametrize(("mode", "options"), [("listen", "q"), ("whisper", "qw"), ("barge", "qB")])
async def test_spy_originates_supervisor_into_chanspy(mode: str, options: str) -> None:
    handlers = {"Originate": originate_with_outcome("Success", 4, "1795664400.1")}
    async with linked(handlers) as (ami, tel):
        result = await tel.spy("PJSIP/2001", AGENT, mode)  # type: ignore[arg-type]
        assert result.uniqueid == "1795664400.1"
        fields = dict(sent(ami, "Originate"))
        assert fields["Channel"] == "PJSIP/2001"
        assert (fields["Application"], fields["Data"]) == ("ChanSpy", f"{AGENT},{options}")
        assert fields["Async"] == "true"


@pytest.mark.parametrize(
    ("reason", "text"), [(0, "failed: no such channel or extension"), (8, "congestion")]
)
async def test_originate_failure_reason_from_same_chunk(reason: int, text: str) -> None:
    handlers = {"Originate": originate_with_outcome("Failure", reason, "<unknown>")}
    async with linked(handlers) as (_, tel):
        with pytest.raises(OriginateFailed) as caught:
            await tel.spy("PJSIP/2001", AGENT, "listen")
        assert (caught.value.reason_code, caught.value.reason) == (reason, text)


def test_spy_refuses_a_bad_mode_or_channel() -> None:
    from cti.commands import spy

    with pytest.raises(ValueError, match="mode"):
        spy("PJSIP/2001", AGENT, "shout")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="channel"):
        spy("PJSIP/2001", ChannelName("PJSIP/1001,x"), "listen")


async def test_originate_with_channel_ids_replayed_from_e1() -> None:
    from cti.commands import Originate
    from tests.cti.fake_ami import fixture_reply

    handlers = {"Originate": fixture_reply("e1_action_basics", "e1_action_basics-originate-18")}
    async with linked(handlers) as (ami, tel):
        result = await tel.originate(
            Originate(
                "Local/2001@supervisors",
                application="Playback",
                data="beep",
                channel_id="cti-call-0001",
                other_channel_id="cti-call-0001-2",
            )
        )
        assert result.uniqueid == "cti-call-0001"
        assert result.other_uniqueid == "cti-call-0001-2"
        assert result.channel == "Local/2001@supervisors-00000013;1"
        fields = dict(sent(ami, "Originate"))
        assert (fields["ChannelId"], fields["OtherChannelId"]) == (
            "cti-call-0001",
            "cti-call-0001-2",
        )


async def test_originate_failure_replayed_from_e1_is_reason_0() -> None:
    from cti.commands import Originate
    from tests.cti.fake_ami import fixture_reply

    handlers = {"Originate": fixture_reply("e1_action_basics", "e1_action_basics-originate-19")}
    async with linked(handlers) as (_, tel):
        with pytest.raises(OriginateFailed) as caught:
            await tel.originate(Originate("Local/9999@nonexistent", application="Wait", data="1"))
        assert caught.value.reason_code == 0


def test_originate_without_outcome_times_out_after_ring_timeout_plus_grace() -> None:
    from cti.commands import Originate
    from cti.errors import PbxTimeout
    from cti.telephony import ORIGINATE_GRACE_S
    from tests.virtual_time import run_in_virtual_time

    async def scenario() -> None:
        handlers = {"Originate": reply("Success", "Message: Originate successfully queued")}
        async with linked(handlers) as (_, tel):
            loop = asyncio.get_running_loop()
            start = loop.time()
            with pytest.raises(PbxTimeout, match="no OriginateResponse"):
                await tel.originate(
                    Originate("PJSIP/1001", application="Wait", data="1", timeout_ms=1000)
                )
            assert loop.time() - start == pytest.approx(1.0 + ORIGINATE_GRACE_S, abs=0.1)

    run_in_virtual_time(scenario())
