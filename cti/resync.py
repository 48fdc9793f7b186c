"""Reconciling the tracker's channels with a fresh ``CoreShowChannels`` listing.

Owns: ``reconcile``, a pure function from (what we believed, what Asterisk lists)
to the facts that bring everyone else up to date and the channels to believe
from now on. Used after a reconnect, or after the reader dropped events. Must not
do I/O; never raises.

Rules (why in brackets):
* A channel we track that Asterisk no longer lists yields ``ChannelHungUp`` with
  cause 0 and ``cause_txt`` ``GONE_DURING_LINK_LOSS``. [A real hang-up we missed: it
  must settle everything a ``Hangup`` settles, so consumers need no second path;
  the text tells a reader it was inferred, and cause 0 is Asterisk's "not defined".]
* Unless it was first seen at or after ``listed_since`` (when the listing was
  asked for). [Its ``Newchannel`` may have been read before the listing, which
  Asterisk built earlier; calling it gone would be a lie.]
* A listed channel we lack is adopted: ``ChannelCreated``, then ``ChannelAnswered``
  if it is Up (state 6). One we saw hang up is not revived. [The listing may
  have been built before that ``Hangup``.]
* A listed channel we know: ``ChannelAnswered`` if it became Up; a bridge change
  yields ``ChannelUnbridged`` from the old bridge and ``ChannelsBridged`` into the
  new one; its Linkedid is taken from the listing.
"""

from collections.abc import Container, Mapping, Sequence
from dataclasses import replace

from cti.channel_list import ShownChannel
from cti.channel_state import STATE_UP, ChannelSnapshot
from cti.events import (
    ChannelAnswered,
    ChannelCreated,
    ChannelHungUp,
    ChannelsBridged,
    ChannelUnbridged,
    TelephonyEvent,
)
from cti.ids import UniqueId

GONE_DURING_LINK_LOSS = "gone during link loss"


def _adopt(shown: ShownChannel, now: float) -> tuple[ChannelSnapshot, list[TelephonyEvent]]:
    chan = ChannelSnapshot(
        shown.uniqueid,
        shown.linkedid,
        shown.channel,
        shown.state,
        shown.caller_num,
        shown.exten,
        bridge_id=shown.bridge_id,
        created_at=now,
    )
    out: list[TelephonyEvent] = [
        ChannelCreated(chan.uniqueid, chan.linkedid, chan.channel, chan.caller_num, chan.exten, now)
    ]
    if chan.state == STATE_UP:
        out.append(ChannelAnswered(chan.uniqueid, chan.linkedid, chan.channel, now))
    if chan.bridge_id is not None:
        out.append(ChannelsBridged(chan.bridge_id, chan.uniqueid, chan.linkedid, chan.channel, now))
    return chan, out


def _refresh(
    known: ChannelSnapshot, shown: ShownChannel, now: float
) -> tuple[ChannelSnapshot, list[TelephonyEvent]]:
    chan = replace(
        known,
        linkedid=shown.linkedid,
        channel=shown.channel or known.channel,
        state=shown.state,
        bridge_id=shown.bridge_id,
    )
    out: list[TelephonyEvent] = []
    if shown.state == STATE_UP and known.state != STATE_UP:
        out.append(ChannelAnswered(chan.uniqueid, chan.linkedid, chan.channel, now))
    if known.bridge_id != shown.bridge_id:
        if known.bridge_id is not None:
            out.append(
                ChannelUnbridged(known.bridge_id, chan.uniqueid, chan.linkedid, chan.channel, now)
            )
        if shown.bridge_id is not None:
            out.append(
                ChannelsBridged(shown.bridge_id, chan.uniqueid, chan.linkedid, chan.channel, now)
            )
    return chan, out


def reconcile(
    known: Mapping[UniqueId, ChannelSnapshot],
    gone: Container[UniqueId],
    listed: Sequence[ShownChannel],
    now: float,
    listed_since: float | None = None,
) -> tuple[list[TelephonyEvent], dict[UniqueId, ChannelSnapshot]]:
    """The facts to publish and the channels to track from now on."""
    events: list[TelephonyEvent] = []
    channels: dict[UniqueId, ChannelSnapshot] = {}
    listed_ids = {shown.uniqueid for shown in listed}
    for uid, chan in known.items():
        if uid in listed_ids:
            continue
        if listed_since is not None and chan.created_at >= listed_since:
            channels[uid] = chan  # too new for the listing to show
            continue
        events.append(
            ChannelHungUp(uid, chan.linkedid, chan.channel, 0, GONE_DURING_LINK_LOSS, now)
        )
    for shown in listed:
        previous = known.get(shown.uniqueid)
        if previous is None and shown.uniqueid in gone:
            continue
        if previous is None:
            chan, out = _adopt(shown, now)
        else:
            chan, out = _refresh(previous, shown, now)
        channels[shown.uniqueid] = chan
        events += out
    return events, channels
