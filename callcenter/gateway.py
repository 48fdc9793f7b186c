"""The ACD as the IVR's queue wait sees it: poll for an offer, report the dial result.

Adapts ``acd.engine.AcdEngine`` (typed offers) to ``ivr.queue_wait.QueueGateway`` (plain
dial targets), because ``ivr`` and ``acd`` never import each other.
"""

from collections.abc import Awaitable, Callable

from acd.engine import AcdEngine
from acd.events import CallOverflowed
from acd.model import Offer
from callcenter.wait_estimate import WaitEstimates
from cti.ids import CallId
from ivr.queue_wait import DialTarget


class AcdGateway:
    def __init__(
        self, engine: AcdEngine, ring_timeout: int, estimates: WaitEstimates | None = None
    ) -> None:
        self._engine = engine
        self._ring_timeout = ring_timeout
        self._estimates = estimates
        #: Calls an overflow took out of the ACD (voicemail, callback), until their session
        #: reads it (``ivr.queue_wait.QueueExit``).
        self._left: dict[str, str] = {}
        #: Told (call id, agent id) when a session takes its offer, before it dials: the pop
        #: must not wait for the bus (``Reactions.offer_taken``).
        self.offer_taken: Callable[[str, str], None] = lambda _call, _agent: None
        #: Awaited before the dial: the agent's tabs have been handed the pop (bounded by
        #: the hub, so a slow tab never holds a caller back).
        self.pop_delivered: Callable[[str], Awaitable[object]] = _nothing_to_wait_for

    def overflowed(self, event: CallOverflowed) -> None:
        if event.action in ("voicemail", "callback"):
            self._left[event.call_id] = event.action

    def left_queue(self, call_id: str) -> str | None:
        return self._left.pop(call_id, None)

    def position(self, call_id: str) -> tuple[int, float] | None:
        """For the queue announcements (``ivr.queue_wait.QueuePosition``)."""
        return self._estimates.position(call_id) if self._estimates else None

    def poll_offer(self, call_id: str) -> DialTarget | None:
        offer = self._engine.offer_for(CallId(call_id))
        if offer is None:
            return None
        self.offer_taken(call_id, offer.agent_id)
        return DialTarget(offer.agent_id, offer.endpoint, self._ring_timeout)

    async def before_dial(self, call_id: str, target: DialTarget) -> bool:
        """``ivr.queue_wait.DialGate``: the pop reaches the agent's tab before the phone
        rings; False if the offer went (withdrawn, moved) while it was being sent."""
        await self.pop_delivered(target.agent_id)
        offer = self._engine.offer_for(CallId(call_id))
        return offer is not None and offer.agent_id == target.agent_id

    def dial_result(self, call_id: str, target: DialTarget, status: str) -> None:
        """``DIALSTATUS`` after the session's ``EXEC Dial`` returned."""
        self._settle(call_id, status, lambda offer: offer.agent_id == target.agent_id)

    def dial_ended(self, call_id: str, dest_channel: str, status: str) -> None:
        """The AMI's ``DialEnd`` for the caller's channel: settle the offer at once.

        The session is inside ``EXEC Dial`` for the whole conversation, so waiting for the
        command's reply would leave the agent "reserved" while they talk. Only a dial to the
        reserved agent's phone (``PJSIP/1001-0000000a`` for ``PJSIP/1001``) counts.
        """
        self._settle(call_id, status, lambda offer: dest_channel.startswith(offer.endpoint + "-"))

    def _settle(self, call_id: str, status: str, is_this_offer: Callable[[Offer], bool]) -> None:
        # Both paths may report the same dial: the first settles it, the second finds no
        # offer (or a newer one for another agent) and does nothing.
        offer = self._engine.offer_for(CallId(call_id))
        if offer is not None and is_this_offer(offer):
            self._engine.offer_result(offer, status)


async def _nothing_to_wait_for(_agent_id: str) -> None:
    return None
