"""Tracker resync: golden reconciliations against the recorded CoreShowChannels listings."""

from cti.ami_codec import AmiMessage, AmiParser
from cti.channel_list import ShownChannel, shown_channels
from cti.events import (
    ChannelAnswered,
    ChannelCreated,
    ChannelHungUp,
    ChannelsBridged,
    ChannelUnbridged,
    TelephonyEvent,
)
from cti.ids import ChannelName, LinkedId, UniqueId
from cti.tracker import GONE_DURING_LINK_LOSS, CallTracker
from tests.cti.test_tracker import AGENT1, AGENT2, CALLER1, CALLER2, event, summary
from tests.cti.transcripts import read_bytes

B = "b_redirect_dial_agent"
D1 = "d1_queue_answered"
BRIDGE = "f867478b-423e-46e2-9d0b-506b4678c91b"


def until_listing(name: str) -> tuple[CallTracker, list[ShownChannel], int]:
    """Replay a transcript up to its CoreShowChannels answer; the tracker then and the items."""
    tracker = CallTracker()
    items: list[AmiMessage] = []
    for n, msg in enumerate(AmiParser().feed(read_bytes(name, "ami.rx.txt"))):
        if msg.name == "CoreShowChannel":
            items.append(msg)
        elif msg.name == "CoreShowChannelsComplete" and items:
            return tracker, shown_channels(items), n
        tracker.feed(msg, float(n))
    raise AssertionError("no listing")


def test_b_listing_is_typed() -> None:
    _, listed, _ = until_listing(B)
    by_id = {c.uniqueid: c for c in listed}
    assert set(by_id) == {CALLER1, CALLER2, AGENT1, AGENT2}
    caller = by_id[UniqueId(CALLER2)]
    assert (caller.context, caller.exten, caller.application) == ("route", "1001", "Dial")
    assert caller.bridge_id == BRIDGE and caller.is_up and caller.duration_s == 5
    assert by_id[UniqueId(AGENT2)].bridge_id is None
    assert {c.linkedid for c in listed} == {LinkedId(CALLER1)}


def test_resync_with_an_agreeing_listing_changes_nothing() -> None:
    for name in (B, D1):
        tracker, listed, n = until_listing(name)
        before = tracker.channels
        assert tracker.resync(listed, float(n)) == []
        assert tracker.channels == before


def test_resync_from_nothing_adopts_the_b_call() -> None:
    _, listed, _ = until_listing(B)
    tracker = CallTracker()
    out = tracker.resync(listed, 7.0)
    assert [summary(e) for e in out] == [
        ("created", CALLER1, "Local/8005559876@incoming-00000002;1", "8005559876"),
        ("answered", CALLER1),
        ("created", CALLER2, "Local/8005559876@incoming-00000002;2", "1001"),
        ("answered", CALLER2),
        ("bridged", CALLER2),
        ("created", AGENT1, "Local/1001@agents-00000003;1", ""),
        ("answered", AGENT1),
        ("bridged", AGENT1),
        ("created", AGENT2, "Local/1001@agents-00000003;2", "1001"),
        ("answered", AGENT2),
    ]
    assert all(e.at == 7.0 for e in out)
    assert tracker.calls == {CALLER1: frozenset({CALLER1, CALLER2, AGENT1, AGENT2})}
    assert tracker.bridges == {BRIDGE: frozenset({CALLER2, AGENT1})}


def test_resync_from_nothing_adopts_the_d1_ringing_agent_without_answering_it() -> None:
    _, listed, _ = until_listing(D1)
    out = CallTracker().resync(listed, 1.0)
    answered = {e.uniqueid for e in out if isinstance(e, ChannelAnswered)}
    created = {e.uniqueid for e in out if isinstance(e, ChannelCreated)}
    assert created == {"1795664354.34", "1795664354.35", "1795664354.36", "1795664354.37"}
    assert answered == {"1795664354.34", "1795664354.35"}


def test_channels_missing_from_the_listing_hang_up_as_gone_during_link_loss() -> None:
    tracker, _, _ = until_listing(B)
    out = tracker.resync([], 50.0)
    gone = [e for e in out if isinstance(e, ChannelHungUp)]
    assert len(gone) == len(out)
    assert {e.uniqueid for e in gone} == {CALLER1, CALLER2, AGENT1, AGENT2}
    assert all(e.cause_txt == GONE_DURING_LINK_LOSS and e.cause == 0 for e in gone)
    assert tracker.channels == {} and tracker.calls == {}
    assert tracker.bridges == {}
    # The Hangup Asterisk sends later (the resync raced it) is not a second hang-up.
    late = event(("Event", "Hangup"), ("Channel", "x"), ("Uniqueid", CALLER1), ("Cause", "16"))
    assert tracker.feed(late, 51.0) == []
    # Nor does a stale listing revive a channel we saw hang up.
    _, listed, _ = until_listing(B)
    assert tracker.resync(listed, 52.0) == []
    assert tracker.channels == {}


def test_a_channel_newer_than_the_listing_is_kept() -> None:
    tracker = CallTracker()
    base = (("Channel", "PJSIP/1001-1"), ("Uniqueid", "9.1"), ("Linkedid", "9.1"))
    tracker.feed(event(("Event", "Newchannel"), *base, ("ChannelState", "4")), 10.0)
    assert tracker.resync([], 11.0, listed_since=10.0) == []
    assert UniqueId("9.1") in tracker.channels
    out = tracker.resync([], 12.0, listed_since=10.5)
    assert [type(e) for e in out] == [ChannelHungUp]


def shown(uid: str, state: int, bridge: str | None, linkedid: str = "9.1") -> ShownChannel:
    return ShownChannel(
        UniqueId(uid), LinkedId(linkedid), ChannelName(f"PJSIP/{uid}"), state, "", "", "",
        "", "", bridge, 0,
    )  # fmt: skip


def test_known_channel_answered_moved_bridge_and_call_during_the_outage() -> None:
    tracker = CallTracker()
    base = (("Channel", "PJSIP/9.2"), ("Uniqueid", "9.2"), ("Linkedid", "9.2"))
    tracker.feed(event(("Event", "Newchannel"), *base, ("ChannelState", "5")), 0.0)
    tracker.feed(event(("Event", "BridgeEnter"), ("BridgeUniqueid", "old"), *base), 1.0)
    out: list[TelephonyEvent] = tracker.resync([shown("9.2", 6, "new", "9.1")], 5.0)
    assert out == [
        ChannelAnswered(UniqueId("9.2"), LinkedId("9.1"), ChannelName("PJSIP/9.2"), 5.0),
        ChannelUnbridged("old", UniqueId("9.2"), LinkedId("9.1"), ChannelName("PJSIP/9.2"), 5.0),
        ChannelsBridged("new", UniqueId("9.2"), LinkedId("9.1"), ChannelName("PJSIP/9.2"), 5.0),
    ]
    assert tracker.bridges == {"new": frozenset({"9.2"})}
    assert tracker.calls == {"9.1": frozenset({"9.2"})}
