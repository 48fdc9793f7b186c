"""Tracker: calls by Linkedid, Local channel pairs, hold and transfer facts."""

import pytest

from cti.ami_codec import AmiParser
from cti.events import CallHeld, CallResumed, CallTransferred
from cti.ids import ChannelName, LinkedId, UniqueId
from cti.tracker import CallTracker
from tests.cti.test_tracker import AGENT1, AGENT2, CALLER1, CALLER2, event
from tests.cti.test_tracker_resync import until_listing
from tests.cti.transcripts import read_bytes

AGENT = (("Channel", "PJSIP/1001-0000000a"), ("Uniqueid", "5.1"), ("Linkedid", "5.0"))


def test_b_call_groups_four_channels_and_pairs_both_local_channels() -> None:
    tracker, _, _ = until_listing("b_redirect_dial_agent")
    assert tracker.calls == {CALLER1: frozenset({CALLER1, CALLER2, AGENT1, AGENT2})}
    assert tracker.call_of(UniqueId(AGENT2)) == CALLER1
    assert tracker.local_peer(UniqueId(CALLER1)) == CALLER2
    assert tracker.local_peer(UniqueId(CALLER2)) == CALLER1
    assert tracker.local_peer(UniqueId(AGENT1)) == AGENT2
    assert tracker.anomalies == 0


def test_e1_originate_with_channel_ids_pairs_the_ids_we_chose() -> None:
    tracker = CallTracker()
    for n, msg in enumerate(AmiParser().feed(read_bytes("e1_action_basics", "ami.rx.txt"))):
        tracker.feed(msg, float(n))
        if tracker.local_peer(UniqueId("cti-call-0001")) is not None:
            break
    assert tracker.local_peer(UniqueId("cti-call-0001")) == "cti-call-0001-2"
    assert tracker.channels_of_call("cti-call-0001") == {"cti-call-0001", "cti-call-0001-2"}


def test_linkedid_change_moves_the_channel_to_the_older_call() -> None:
    tracker = CallTracker()
    tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "4")), 0.0)
    moved = (("Channel", "PJSIP/1001-0000000a"), ("Uniqueid", "5.1"), ("Linkedid", "4.0"))
    tracker.feed(event(("Event", "BridgeEnter"), ("BridgeUniqueid", "br"), *moved), 1.0)
    assert tracker.calls == {"4.0": frozenset({"5.1"})}
    assert tracker.channels[UniqueId("5.1")].linkedid == "4.0"


def test_hangup_removes_the_channel_from_its_call_and_its_pair() -> None:
    tracker, _, _ = until_listing("b_redirect_dial_agent")
    hangup = (("Channel", "x"), ("Uniqueid", AGENT2), ("Linkedid", CALLER1), ("Cause", "16"))
    tracker.feed(event(("Event", "Hangup"), *hangup), 99.0)
    assert tracker.calls == {CALLER1: frozenset({CALLER1, CALLER2, AGENT1})}
    assert tracker.local_peer(UniqueId(AGENT2)) is None


def held(at: float, music: str = "default") -> CallHeld:
    return CallHeld(UniqueId("5.1"), LinkedId("5.0"), ChannelName("PJSIP/1001-0000000a"), music, at)


def resumed(at: float) -> CallResumed:
    return CallResumed(UniqueId("5.1"), LinkedId("5.0"), ChannelName("PJSIP/1001-0000000a"), at)


@pytest.mark.parametrize(
    ("stream", "expected", "anomalies"),
    [
        (["Hold", "Unhold"], [held(1.0), resumed(2.0)], 0),
        (["Hold", "Hold", "Unhold"], [held(1.0), resumed(3.0)], 1),
        (["Unhold"], [], 1),
        (["Hold", "Unhold", "Unhold", "Hold"], [held(1.0), resumed(2.0), held(4.0)], 1),
    ],
)
def test_hold_and_unhold_table(stream: list[str], expected: list[object], anomalies: int) -> None:
    tracker = CallTracker()
    tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "6")), 0.0)
    out = []
    for n, name in enumerate(stream, start=1):
        extra = (("MusicClass", "default"),) if name == "Hold" else ()
        out += tracker.feed(event(("Event", name), *AGENT, *extra), float(n))
    assert out == expected
    assert tracker.anomalies == anomalies


def test_hold_of_an_unknown_channel_adopts_it_and_unhold_of_one_is_believed() -> None:
    tracker = CallTracker()
    assert tracker.feed(event(("Event", "Hold"), *AGENT), 1.0) == [held(1.0, "")]
    assert tracker.channels[UniqueId("5.1")].held
    other = (("Channel", "PJSIP/1002-1"), ("Uniqueid", "6.1"), ("Linkedid", "6.1"))
    out = tracker.feed(event(("Event", "Unhold"), *other), 2.0)
    assert [type(e) for e in out] == [CallResumed]


BLIND = [
    ("Event", "BlindTransfer"), ("Result", "Success"),
    ("TransfererChannel", "PJSIP/1001-0000000a"), ("TransfererUniqueid", "5.1"),
    ("TransfererLinkedid", "5.0"),
    ("TransfereeChannel", "PJSIP/trunk-00000001"), ("TransfereeUniqueid", "5.0"),
    ("TransfereeLinkedid", "5.0"), ("BridgeUniqueid", "br"), ("IsExternal", "Yes"),
    ("Context", "agents"), ("Extension", "1002"),
]  # fmt: skip
ATTENDED = [
    ("Event", "AttendedTransfer"), ("Result", "Success"),
    ("OrigTransfererChannel", "PJSIP/1001-0000000a"), ("OrigTransfererUniqueid", "5.1"),
    ("OrigTransfererLinkedid", "5.0"), ("OrigBridgeUniqueid", "br1"),
    ("SecondTransfererChannel", "PJSIP/1001-0000000b"), ("SecondTransfererUniqueid", "7.1"),
    ("SecondTransfererLinkedid", "7.1"), ("SecondBridgeUniqueid", "br2"),
    ("TransfereeChannel", "PJSIP/trunk-00000001"), ("TransfereeUniqueid", "5.0"),
    ("TransferTargetChannel", "PJSIP/1002-0000000c"), ("TransferTargetUniqueid", "7.2"),
    ("IsExternal", "Yes"), ("DestType", "Bridge"), ("DestBridgeUniqueid", "br1"),
]  # fmt: skip


def test_blind_transfer_fact() -> None:
    out = CallTracker().feed(event(*BLIND), 3.0)
    assert out == [
        CallTransferred(
            "blind", "Success", UniqueId("5.1"), ChannelName("PJSIP/1001-0000000a"),
            LinkedId("5.0"), UniqueId("5.0"), UniqueId(""), "agents", "1002", "", 3.0,
        )
    ]  # fmt: skip


def test_attended_transfer_fact() -> None:
    out = CallTracker().feed(event(*ATTENDED), 4.0)
    assert out == [
        CallTransferred(
            "attended", "Success", UniqueId("5.1"), ChannelName("PJSIP/1001-0000000a"),
            LinkedId("5.0"), UniqueId("5.0"), UniqueId("7.2"), "", "", "Bridge", 4.0,
        )
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["BlindTransfer", "AttendedTransfer", "LocalBridge", "Hold"])
def test_bare_events_never_raise(name: str) -> None:
    tracker = CallTracker()
    assert tracker.feed(event(("Event", name)), 0.0) == []
    assert tracker.feed(event(("Event", name), ("Result", "Fail")), 0.0) == []
    assert tracker.channels == {}
    assert tracker.anomalies == 2


def test_lost_bridge_leave_does_not_leave_a_hung_up_channel_in_a_bridge() -> None:
    tracker = CallTracker()
    tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "6")), 0.0)
    for n, (name, bridge) in enumerate(
        [("BridgeEnter", "a"), ("BridgeEnter", "b"), ("BridgeLeave", "a")], start=1
    ):
        tracker.feed(event(("Event", name), ("BridgeUniqueid", bridge), *AGENT), float(n))
    assert tracker.bridges == {"a": frozenset(), "b": frozenset({"5.1"})}
    tracker.feed(event(("Event", "Hangup"), *AGENT, ("Cause", "16")), 9.0)
    assert tracker.bridges == {"a": frozenset(), "b": frozenset()}


def test_duplicate_newchannel_is_not_a_second_channel() -> None:
    tracker = CallTracker()
    first = tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "4")), 0.0)
    tracker.feed(event(("Event", "BridgeEnter"), ("BridgeUniqueid", "a"), *AGENT), 1.0)
    assert len(first) == 1
    assert tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "4")), 2.0) == []
    assert tracker.channels[UniqueId("5.1")].bridge_id == "a"
    tracker.feed(event(("Event", "Hangup"), *AGENT, ("Cause", "16")), 3.0)
    assert tracker.feed(event(("Event", "Newchannel"), *AGENT, ("ChannelState", "4")), 4.0) == []
    assert tracker.channels == {}
