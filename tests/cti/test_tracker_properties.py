"""Tracker properties over arbitrary, valid-looking channel event streams (hypothesis).

Any order, duplicates and gaps are allowed (AMI is an unreliable feed); resyncs with
arbitrary listings are mixed in. Whatever happens, the tracker never raises, and a
channel is never both hung up and live.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from cti.ami_codec import AmiMessage
from cti.channel_list import ShownChannel
from cti.events import ChannelAnswered, ChannelCreated, ChannelHungUp, TelephonyEvent
from cti.ids import ChannelName, LinkedId, UniqueId
from cti.tracker import CallTracker
from tests.cti.test_tracker import event

UIDS = ["1.1", "1.2", "1.3", "1.4"]
uids = st.sampled_from(UIDS)
linkeds = st.sampled_from(["1.1", "1.2"])
bridges = st.sampled_from(["br-a", "br-b"])


@st.composite
def channel_event(draw: st.DrawFn) -> AmiMessage:
    uid = draw(uids)
    name = draw(
        st.sampled_from(
            ["Newchannel", "Newstate", "Hangup", "HangupRequest", "SoftHangupRequest",
             "BridgeCreate", "BridgeEnter", "BridgeLeave", "BridgeDestroy", "DialBegin",
             "DialEnd", "Hold", "Unhold", "Rename", "NewCallerid", "DTMFEnd"]
        )
    )  # fmt: skip
    state = draw(st.sampled_from("456"))
    headers = [
        ("Event", name), ("Channel", f"PJSIP/{uid}"), ("ChannelState", state),
        ("CallerIDNum", "100"), ("Exten", "s"), ("Uniqueid", uid), ("Linkedid", draw(linkeds)),
        ("BridgeUniqueid", draw(bridges)), ("DestUniqueid", draw(uids)),
        ("DestChannel", "PJSIP/dest"), ("DialStatus", "ANSWER"), ("Cause", "16"),
        ("Newname", f"PJSIP/{uid}-renamed"), ("Direction", "Received"), ("Digit", "1"),
    ]  # fmt: skip
    return event(*headers)


@st.composite
def local_bridge(draw: st.DrawFn) -> AmiMessage:
    one, two = draw(uids), draw(uids)
    return event(
        ("Event", "LocalBridge"), ("LocalOneChannel", f"Local/{one};1"), ("LocalOneUniqueid", one),
        ("LocalOneLinkedid", draw(linkeds)), ("LocalTwoChannel", f"Local/{two};2"),
        ("LocalTwoUniqueid", two), ("LocalTwoLinkedid", draw(linkeds)),
    )  # fmt: skip


@st.composite
def listing(draw: st.DrawFn) -> list[ShownChannel]:
    listed = draw(st.lists(uids, unique=True, max_size=4))
    return [
        ShownChannel(UniqueId(uid), LinkedId(draw(linkeds)), ChannelName(f"PJSIP/{uid}"),
                     draw(st.sampled_from([4, 6])), "", "", "", "", "",
                     draw(st.sampled_from([None, "br-a"])), 0)
        for uid in listed
    ]  # fmt: skip


steps = st.lists(st.one_of(channel_event(), local_bridge(), listing()), max_size=40)


def check_invariants(tracker: CallTracker, history: list[TelephonyEvent]) -> None:
    hung_up = [e.uniqueid for e in history if isinstance(e, ChannelHungUp)]
    assert len(hung_up) == len(set(hung_up)), "one ChannelHungUp per channel"
    live = set(tracker.channels)
    assert not live & set(hung_up), "hung up and live"
    for uid in hung_up:
        assert tracker.is_gone(uid)
    dead_at: dict[str, int] = {}
    for n, e in enumerate(history):
        if isinstance(e, ChannelHungUp):
            dead_at[e.uniqueid] = n
        elif isinstance(e, ChannelCreated | ChannelAnswered):
            assert e.uniqueid not in dead_at, "revived after its hang-up"
    members = [uid for chans in tracker.calls.values() for uid in chans]
    assert sorted(members) == sorted(live), "every live channel in exactly one call"
    for linked, chans in tracker.calls.items():
        assert all(tracker.channels[uid].linkedid == linked for uid in chans)
    for chans in tracker.bridges.values():
        assert chans <= live, "bridges hold live channels only"


@settings(max_examples=400)
@given(steps)
def test_any_channel_event_sequence_keeps_the_tracker_consistent(
    stream: list[AmiMessage | list[ShownChannel]],
) -> None:
    tracker = CallTracker()
    history: list[TelephonyEvent] = []
    for n, step in enumerate(stream):
        if isinstance(step, list):
            history += tracker.resync(step, float(n))
        else:
            history += tracker.feed(step, float(n))
        check_invariants(tracker, history)
