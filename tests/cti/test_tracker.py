"""CallTracker: golden event lists from the recorded transcripts, and robustness."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cti.ami_codec import AmiMessage, AmiParser, make_message
from cti.events import (
    ChannelAnswered,
    ChannelCreated,
    ChannelHungUp,
    ChannelsBridged,
    ChannelUnbridged,
    DeviceStateChanged,
    DialEnded,
    DialStarted,
    DtmfReceived,
    HangupRequested,
    TelephonyEvent,
)
from cti.tracker import TRACKED_EVENTS, CallTracker
from tests.cti.transcripts import read_bytes


def replay(name: str) -> tuple[CallTracker, list[TelephonyEvent]]:
    tracker = CallTracker()
    out: list[TelephonyEvent] = []
    for n, msg in enumerate(AmiParser().feed(read_bytes(name, "ami.rx.txt"))):
        out += tracker.feed(msg, float(n))
    return tracker, out


def summary(event: TelephonyEvent) -> tuple[str, ...]:
    """Type and key fields, short enough to read as a golden list."""
    match event:
        case ChannelCreated():
            return ("created", event.uniqueid, event.channel, event.exten)
        case ChannelAnswered():
            return ("answered", event.uniqueid)
        case DialStarted():
            return ("dial", event.uniqueid, event.dest_uniqueid)
        case DialEnded():
            return ("dial-end", event.uniqueid, event.dest_uniqueid, event.status)
        case ChannelsBridged():
            return ("bridged", event.uniqueid)
        case ChannelUnbridged():
            return ("unbridged", event.uniqueid)
        case DtmfReceived():
            return ("dtmf", event.uniqueid, event.digit)
        case HangupRequested():
            return ("soft-request" if event.soft else "request", event.uniqueid, str(event.cause))
        case ChannelHungUp():
            return ("hangup", event.uniqueid, str(event.cause), event.cause_txt)
        case DeviceStateChanged():
            return ("device", event.device, event.state)
    return (type(event).__name__,)


CALLER1, CALLER2 = "1795664264.4", "1795664264.5"  # Local/8005559876@incoming ;1 and ;2
AGENT1, AGENT2 = "1795664266.6", "1795664266.7"  # Local/1001@agents ;1 and ;2
NC = "Normal Clearing"

B_GOLDEN = [
    ("created", CALLER1, "Local/8005559876@incoming-00000002;1", "8005559876"),
    ("created", CALLER2, "Local/8005559876@incoming-00000002;2", "8005559876"),
    ("dial", "", CALLER1),  # the Originate: no calling channel
    ("answered", CALLER2),
    ("answered", CALLER1),
    ("dial-end", "", CALLER1, "ANSWER"),
    ("device", "Local/8005559876@incoming", "INUSE"),
    ("device", "Local/8005559876@incoming", "INUSE"),
    ("created", AGENT1, "Local/1001@agents-00000003;1", "1001"),
    ("created", AGENT2, "Local/1001@agents-00000003;2", "1001"),
    ("dial", CALLER2, AGENT1),  # Dial() after the Redirect to route,1001
    ("device", "Local/1001@agents", "INUSE"),
    ("device", "Queue:support_avail", "NOT_INUSE"),
    ("answered", AGENT2),
    ("answered", AGENT1),
    ("device", "Local/1001@agents", "INUSE"),
    ("device", "Local/1001@agents", "INUSE"),
    ("dial-end", CALLER2, AGENT1, "ANSWER"),
    ("bridged", AGENT1),
    ("bridged", CALLER2),
    ("soft-request", AGENT2, "16"),  # the agent's dialplan ends: Hangup() after Wait()
    ("request", AGENT1, "16"),  # ... which the Local channel's other half is asked to follow
    ("hangup", AGENT2, "16", NC),
    ("device", "Local/1001@agents", "NOT_INUSE"),
    ("unbridged", AGENT1),
    ("hangup", AGENT1, "16", NC),
    ("unbridged", CALLER2),
    ("soft-request", CALLER2, "16"),
    ("request", CALLER1, "16"),
    ("hangup", CALLER2, "16", NC),
    ("hangup", CALLER1, "16", NC),
    ("device", "Local/1001@agents", "NOT_INUSE"),
    ("device", "Local/8005559876@incoming", "NOT_INUSE"),
    ("device", "Local/8005559876@incoming", "NOT_INUSE"),
]

A1_CALLER1, A1_CALLER2 = "1795664215.0", "1795664215.1"
A1_GOLDEN = [
    ("created", A1_CALLER1, "Local/8005551234@incoming-00000000;1", "8005551234"),
    ("created", A1_CALLER2, "Local/8005551234@incoming-00000000;2", "8005551234"),
    ("dial", "", A1_CALLER1),
    ("answered", A1_CALLER2),
    ("device", "Local/8005551234@incoming", "INUSE"),
    ("answered", A1_CALLER1),
    ("dial-end", "", A1_CALLER1, "ANSWER"),
    ("device", "Local/8005551234@incoming", "INUSE"),
    *[("dtmf", A1_CALLER2, digit) for digit in "1234#"],
    # The caller (;1) hangs up: the AGI channel (;2) is asked to hang up at once, but its
    # Hangup event waits until the FastAGI server closes the socket.
    ("request", A1_CALLER2, "16"),
    ("hangup", A1_CALLER1, "16", NC),
    ("device", "Local/8005551234@incoming", "NOT_INUSE"),
    ("soft-request", A1_CALLER2, "16"),
    ("hangup", A1_CALLER2, "16", NC),
    ("device", "Local/8005551234@incoming", "NOT_INUSE"),
]


def test_b_redirect_dial_agent_golden_events() -> None:
    tracker, events = replay("b_redirect_dial_agent")
    assert [summary(e) for e in events] == B_GOLDEN
    assert tracker.anomalies == 0
    assert tracker.channels == {} and tracker.bridges == {}


def test_a1_inbound_ivr_golden_events() -> None:
    tracker, events = replay("a1_inbound_ivr")
    assert [summary(e) for e in events] == A1_GOLDEN
    assert tracker.anomalies == 0


def test_events_carry_linkedid_and_the_feed_time() -> None:
    _, events = replay("b_redirect_dial_agent")
    bridged = [e for e in events if isinstance(e, ChannelsBridged)]
    assert {e.linkedid for e in bridged} == {CALLER1}
    assert {e.bridge_id for e in bridged} == {"f867478b-423e-46e2-9d0b-506b4678c91b"}
    assert all(e.at > 0 for e in events)


def test_channels_snapshot_mid_call_shows_bridge_and_caller_number() -> None:
    tracker = CallTracker()
    for msg in AmiParser().feed(read_bytes("b_redirect_dial_agent", "ami.rx.txt")):
        tracker.feed(msg, 0.0)
        if msg.name == "BridgeEnter" and msg.get("Uniqueid") == CALLER2:
            break
    caller = tracker.channels[CALLER2]  # type: ignore[index]
    assert (caller.state, caller.caller_num, caller.bridge_id) == (
        6, "2125550111", "f867478b-423e-46e2-9d0b-506b4678c91b")  # fmt: skip
    assert set(tracker.bridges["f867478b-423e-46e2-9d0b-506b4678c91b"]) == {AGENT1, CALLER2}


@pytest.mark.parametrize("name", ["a2_ivr_agi_hangup", "d1_queue_answered", "e1_action_basics"])
def test_other_transcripts_fold_without_anomalies(name: str) -> None:
    tracker, events = replay(name)
    assert tracker.anomalies == 0
    assert tracker.channels == {}
    assert any(isinstance(e, ChannelHungUp) for e in events)


def event(*headers: tuple[str, str]) -> AmiMessage:
    msg = make_message(list(headers))
    assert msg is not None
    return msg


def test_noise_is_dropped_without_touching_state() -> None:
    tracker = CallTracker()
    for name in ("Newexten", "VarSet", "AGIExecStart", "Cdr", "RTCPSent"):
        assert name not in TRACKED_EVENTS
        assert tracker.feed(event(("Event", name), ("Uniqueid", "9.9")), 0.0) == []
    assert tracker.anomalies == 0 and tracker.channels == {}


def test_event_for_unknown_channel_adopts_it_and_counts_an_anomaly() -> None:
    tracker = CallTracker()
    out = tracker.feed(
        event(("Event", "Newstate"), ("Channel", "PJSIP/1001-00000001"), ("ChannelState", "6"),
              ("Uniqueid", "1.1"), ("Linkedid", "1.0")), 5.0)  # fmt: skip
    assert out == [ChannelAnswered("1.1", "1.0", "PJSIP/1001-00000001", 5.0)]  # type: ignore[arg-type]
    assert tracker.anomalies == 1
    assert "1.1" in tracker.channels


def test_missing_headers_are_counted_not_raised() -> None:
    tracker = CallTracker()
    assert tracker.feed(event(("Event", "Hangup")), 0.0) == []
    assert tracker.feed(event(("Event", "DialBegin"), ("Uniqueid", "1.1")), 0.0) == []
    assert tracker.feed(event(("Event", "DeviceStateChange"), ("Device", "PJSIP/1")), 0.0) == []
    assert tracker.anomalies >= 3


def test_late_event_after_hangup_does_not_revive_the_channel() -> None:
    tracker = CallTracker()
    base = (("Channel", "PJSIP/1-1"), ("Uniqueid", "2.2"), ("Linkedid", "2.2"))
    tracker.feed(event(("Event", "Newchannel"), *base, ("ChannelState", "4")), 0.0)
    tracker.feed(event(("Event", "Hangup"), *base, ("Cause", "16")), 1.0)
    out = tracker.feed(event(("Event", "BridgeLeave"), ("BridgeUniqueid", "br"), *base), 2.0)
    assert [type(e) for e in out] == [ChannelUnbridged]
    assert tracker.feed(event(("Event", "Newstate"), *base, ("ChannelState", "6")), 3.0) == []
    assert tracker.channels == {}
    assert tracker.anomalies == 3


def test_responses_are_ignored_even_with_a_tracked_name() -> None:
    tracker = CallTracker()
    assert tracker.feed(event(("Response", "Hangup")), 0.0) == []


names = st.sampled_from([*sorted(TRACKED_EVENTS), "Other"])
keys = st.sampled_from(["Uniqueid", "Linkedid", "Channel", "ChannelState", "DestUniqueid",
                        "DestChannel", "BridgeUniqueid", "Cause", "Digit", "Direction",
                        "Device", "State", "Newname", "DialStatus"])  # fmt: skip
values = st.sampled_from(["1.1", "1.2", "6", "x", "", "Received", "-1"])


@given(st.lists(st.tuples(names, st.lists(st.tuples(keys, values), max_size=8)), max_size=40))
def test_tracker_never_raises_on_any_event_sequence(
    stream: list[tuple[str, list[tuple[str, str]]]],
) -> None:
    tracker = CallTracker()
    for n, (name, headers) in enumerate(stream):
        tracker.feed(event(("Event", name), *headers), float(n))
    assert tracker.anomalies >= 0
