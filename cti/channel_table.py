"""The tracker's memory: live channels, bridges, calls, and recently gone channels.

Owns: ``ChannelTable``, the state ``CallTracker`` folds events into, and the
rules for reading a channel out of an event: an unknown channel is adopted from
the snapshot every channel event carries (we may have connected mid-call), a
hung-up one is never revived by a late event, and a changed Linkedid moves the
channel to that call (Asterisk 12+ propagates the oldest Linkedid across a
bridge, ``update_linkedids`` in main/bridge_channel.c). Pure; never raises on
input except ``MissingHeader``, which the tracker catches and counts.
"""

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cti.ami_codec import AmiMessage
from cti.calls import CallIndex
from cti.channel_state import ChannelSnapshot, snapshot
from cti.ids import LinkedId, UniqueId

log = logging.getLogger("cti.tracker")

#: Hung-up Uniqueids remembered so late events cannot revive them (oldest forgotten first).
GONE_MEMORY = 4096


class MissingHeader(Exception):
    """A tracked event lacks a header it needs."""


def need(msg: AmiMessage, key: str) -> str:
    value = msg.get(key)
    if value is None:
        raise MissingHeader(key)
    return value


class ChannelTable:
    def __init__(self) -> None:
        self.anomalies = 0
        self._channels: dict[UniqueId, ChannelSnapshot] = {}
        self._bridges: dict[str, set[UniqueId]] = {}
        self._gone: dict[UniqueId, None] = {}
        self._calls = CallIndex()

    @property
    def channels(self) -> Mapping[UniqueId, ChannelSnapshot]:
        """A copy of the live channels, keyed by Uniqueid."""
        return dict(self._channels)

    @property
    def bridges(self) -> Mapping[str, frozenset[UniqueId]]:
        return {bridge: frozenset(members) for bridge, members in self._bridges.items()}

    @property
    def calls(self) -> Mapping[LinkedId, frozenset[UniqueId]]:
        """The live channels of each call, keyed by Linkedid."""
        return self._calls.calls

    def channels_of_call(self, linkedid: str) -> frozenset[UniqueId]:
        return self._calls.channels_of(LinkedId(linkedid))

    def call_of(self, uid: UniqueId) -> LinkedId | None:
        return self._calls.call_of(uid)

    def local_peer(self, uid: UniqueId) -> UniqueId | None:
        """The other half (``;1`` ↔ ``;2``) of a live Local channel half."""
        return self._calls.local_peer(uid)

    def is_gone(self, uid: UniqueId) -> bool:
        return uid in self._gone

    def _anomaly(self, what: str) -> None:
        self.anomalies += 1
        log.debug("AMI anomaly: %s", what)

    def _channel(self, msg: AmiMessage, now: float, prefix: str = "") -> ChannelSnapshot:
        """The channel an event is about; adopted from the event if we never saw it."""
        uid = UniqueId(need(msg, f"{prefix}Uniqueid"))
        known = self._channels.get(uid)
        if known is not None:
            linked = msg.get(f"{prefix}Linkedid")
            if linked and linked != known.linkedid:
                known = self._channels[uid] = replace(known, linkedid=LinkedId(linked))
                self._calls.move(uid, known.linkedid)
            return known
        adopted = snapshot(msg, uid, now, prefix)
        if uid in self._gone:
            # Late event for a hung-up channel: report it, but do not resurrect it.
            self._anomaly(f"{msg.name} after Hangup of {uid}")
            return adopted
        self._anomaly(f"{msg.name} for unknown channel {uid}")
        self._add(adopted)
        return adopted

    def _add(self, chan: ChannelSnapshot) -> None:
        self._channels[chan.uniqueid] = chan
        self._calls.add(chan.uniqueid, chan.linkedid)

    def _update(self, chan: ChannelSnapshot, **changes: Any) -> None:
        """Store a changed snapshot, unless the channel already hung up."""
        if chan.uniqueid in self._channels:
            self._channels[chan.uniqueid] = replace(chan, **changes)

    def _bury(self, chan: ChannelSnapshot) -> None:
        """Forget a hung-up channel everywhere, and remember that it is gone."""
        self._channels.pop(chan.uniqueid, None)
        self._calls.remove(chan.uniqueid)
        self._gone[chan.uniqueid] = None
        if len(self._gone) > GONE_MEMORY:
            del self._gone[next(iter(self._gone))]
        if chan.bridge_id is not None and chan.bridge_id in self._bridges:
            self._bridges[chan.bridge_id].discard(chan.uniqueid)

    def _replace_all(self, channels: Mapping[UniqueId, ChannelSnapshot]) -> None:
        """Believe ``channels`` from now on (after a resync): bury the rest, rebuild bridges."""
        for uid, chan in list(self._channels.items()):
            if uid not in channels:
                self._bury(chan)
        self._bridges = {}
        for chan in channels.values():
            self._add(chan)
            if chan.bridge_id is not None:
                self._bridges.setdefault(chan.bridge_id, set()).add(chan.uniqueid)
