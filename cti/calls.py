"""Which channels make up which call: the Linkedid index and Local channel pairs.

Owns: ``CallIndex``, the live channels of each call keyed by Asterisk's Linkedid,
and the pairing of the two halves of each Local channel (from ``LocalBridge``).
Pure bookkeeping for the tracker: no I/O, never raises.

Asterisk facts: every channel of a call shares the Linkedid of the call's first
channel, and when channels are bridged Asterisk 12+ propagates the oldest
Linkedid to all of them (``update_linkedids`` in main/bridge_channel.c), so a
channel may move from one call to another: ``move`` handles that. A Local channel
is two channels, ``;1`` and ``;2``, with distinct Uniqueids; ``LocalBridge``
(Asterisk 12+) names both as ``LocalOneUniqueid``/``LocalTwoUniqueid``.
"""

from collections.abc import Mapping

from cti.ids import LinkedId, UniqueId


class CallIndex:
    def __init__(self) -> None:
        self._calls: dict[LinkedId, set[UniqueId]] = {}
        self._call_of: dict[UniqueId, LinkedId] = {}
        self._local_peer: dict[UniqueId, UniqueId] = {}

    @property
    def calls(self) -> Mapping[LinkedId, frozenset[UniqueId]]:
        return {linked: frozenset(members) for linked, members in self._calls.items()}

    def call_of(self, uid: UniqueId) -> LinkedId | None:
        return self._call_of.get(uid)

    def channels_of(self, linkedid: LinkedId) -> frozenset[UniqueId]:
        return frozenset(self._calls.get(linkedid, ()))

    def local_peer(self, uid: UniqueId) -> UniqueId | None:
        """The other half of a Local channel, while this half is live."""
        return self._local_peer.get(uid)

    def add(self, uid: UniqueId, linkedid: LinkedId) -> None:
        self.move(uid, linkedid)

    def move(self, uid: UniqueId, linkedid: LinkedId) -> None:
        old = self._call_of.get(uid)
        if old == linkedid:
            return
        if old is not None:
            self._leave(uid, old)
        self._call_of[uid] = linkedid
        self._calls.setdefault(linkedid, set()).add(uid)

    def pair_local(self, one: UniqueId, two: UniqueId) -> None:
        self._local_peer[one] = two
        self._local_peer[two] = one

    def remove(self, uid: UniqueId) -> None:
        """A channel hung up. Its peer keeps pointing at it until the peer goes too."""
        old = self._call_of.pop(uid, None)
        if old is not None:
            self._leave(uid, old)
        self._local_peer.pop(uid, None)

    def _leave(self, uid: UniqueId, linkedid: LinkedId) -> None:
        members = self._calls.get(linkedid)
        if members is None:
            return
        members.discard(uid)
        if not members:
            del self._calls[linkedid]
