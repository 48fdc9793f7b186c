"""Typed AMI commands encode to exactly what the recorded client sent."""

import pytest

from cti.ami_codec import encode_action
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
from cti.ids import ChannelName
from tests.cti.transcripts import records

CALLER = ChannelName("Local/8005559876@incoming-00000002;2")
B = "b_redirect_dial_agent"


def recorded_action(transcript: str, action_id: str) -> bytes:
    for rec in records(transcript, "ami"):
        if rec["dir"] == "tx" and ["ActionID", action_id] in rec["headers"]:
            return str(rec["raw"]).encode()
    raise LookupError(action_id)


@pytest.mark.parametrize(
    ("command", "transcript", "action_id"),
    [
        (Redirect(CALLER, "route", "1001"), B, f"{B}-redirect-3"),
        (Getvar("ANI", CALLER), B, f"{B}-getvar-4"),
        (Setvar("CTI_AGENT", "1001", CALLER), B, f"{B}-setvar-5"),
        (CoreShowChannels(), B, f"{B}-coreshowchannels-7"),
        (
            Originate(
                "Local/8005559876@incoming", application="Wait", data="300",
                caller_id='"Jane Roe" <2125550111>',
            ),
            B,
            f"{B}-originate-2",
        ),
        (
            Originate(
                "Local/2001@supervisors", application="Playback", data="beep",
                caller_id='"CTI Test" <5000>', timeout_ms=15000, channel_id="cti-call-0001",
                other_channel_id="cti-call-0001-2",
                variables={"CTI_CALL": "0001", "CTI_TAG": "e1"},
            ),
            "e1_action_basics",
            "e1_action_basics-originate-18",
        ),
        (
            Originate(
                "Local/2002@supervisors", application="Playback", data="beep",
                caller_id='"CTI Sync" <5001>', timeout_ms=15000, run_async=False,
            ),
            "e1_action_basics",
            "e1_action_basics-originate-20",
        ),
    ],
)  # fmt: skip
def test_command_encodes_like_the_recorded_action(
    command: AmiCommand, transcript: str, action_id: str
) -> None:
    name, fields = to_action(command)
    assert encode_action(name, fields, action_id) == recorded_action(transcript, action_id)


def test_originate_to_dialplan_and_global_setvar() -> None:
    name, fields = to_action(Originate("PJSIP/1001", context="outbound", exten="5551234"))
    assert name == "Originate"
    assert fields[:4] == [
        ("Channel", "PJSIP/1001"),
        ("Context", "outbound"),
        ("Exten", "5551234"),
        ("Priority", "1"),
    ]
    assert to_action(Setvar("G", "1")) == ("Setvar", [("Variable", "G"), ("Value", "1")])


def test_hangup_and_redirect_with_extra_channel() -> None:
    assert to_action(Hangup(CALLER, cause=16)) == (
        "Hangup",
        [("Channel", CALLER), ("Cause", "16")],
    )
    _, fields = to_action(
        Redirect(CALLER, "moh", "s", extra_channel=ChannelName("PJSIP/1001-1"),
                 extra_context="waiting", extra_exten="s", extra_priority=1)
    )  # fmt: skip
    assert fields[4:] == [
        ("ExtraChannel", "PJSIP/1001-1"),
        ("ExtraContext", "waiting"),
        ("ExtraExten", "s"),
        ("ExtraPriority", "1"),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"application": "Wait", "context": "c", "exten": "s"}, {"context": "c"}],
)
def test_originate_needs_exactly_one_target(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Originate("PJSIP/1001", **kwargs)  # type: ignore[arg-type]


AGENT = ChannelName("PJSIP/1001-0000000a")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (BlindTransfer(AGENT, "agents", "1002"),
         ("BlindTransfer", [("Channel", AGENT), ("Context", "agents"), ("Exten", "1002")])),
        (Atxfer(AGENT, "1002"), ("Atxfer", [("Channel", AGENT), ("Exten", "1002")])),
        (Atxfer(AGENT, "1002", "agents"),
         ("Atxfer", [("Channel", AGENT), ("Exten", "1002"), ("Context", "agents")])),
        (CancelAtxfer(AGENT), ("CancelAtxfer", [("Channel", AGENT)])),
        (MixMonitor(AGENT, "call.wav"), ("MixMonitor", [("Channel", AGENT), ("File", "call.wav")])),
        (MixMonitor(AGENT, "call.wav", "b"),
         ("MixMonitor", [("Channel", AGENT), ("File", "call.wav"), ("options", "b")])),
        (StopMixMonitor(AGENT), ("StopMixMonitor", [("Channel", AGENT)])),
        (Bridge(AGENT, CALLER),
         ("Bridge", [("Channel1", AGENT), ("Channel2", CALLER), ("Tone", "no")])),
        (Bridge(AGENT, CALLER, tone=True),
         ("Bridge", [("Channel1", AGENT), ("Channel2", CALLER), ("Tone", "Channel2")])),
    ],
)  # fmt: skip
def test_transfer_recording_and_bridge_commands(
    command: AmiCommand, expected: tuple[str, list[tuple[str, str]]]
) -> None:
    assert to_action(command) == expected


@pytest.mark.parametrize(("mode", "data"), [("listen", "q"), ("whisper", "qw"), ("barge", "qB")])
def test_spy_is_an_originate_into_chanspy(mode: SpyMode, data: str) -> None:
    name, fields = to_action(spy("PJSIP/2001", AGENT, mode, caller_id="Supervisor <2001>"))
    assert name == "Originate"
    assert fields[:3] == [
        ("Channel", "PJSIP/2001"),
        ("Application", "ChanSpy"),
        ("Data", f"{AGENT},{data}"),
    ]
    assert ("Async", "true") in fields
