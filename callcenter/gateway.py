"""The ACD as the IVR's queue wait sees it: poll for an offer, report the dial result.

Adapts ``acd.engine.AcdEngine`` (typed offers) to ``ivr.queue_wait.QueueGateway`` (plain
dial targets), because ``ivr`` and ``acd`` never import each other.
"""

from acd.engine import AcdEngine
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

    def position(self, call_id: str) -> tuple[int, float] | None:
        """For the queue announcements (``ivr.queue_wait.QueuePosition``)."""
        return self._estimates.position(call_id) if self._estimates else None

    def poll_offer(self, call_id: str) -> DialTarget | None:
        offer = self._engine.offer_for(CallId(call_id))
        if offer is None:
            return None
        return DialTarget(offer.agent_id, offer.endpoint, self._ring_timeout)

    def dial_result(self, call_id: str, target: DialTarget, status: str) -> None:
        offer = self._engine.offer_for(CallId(call_id))
        if offer is not None and offer.agent_id == target.agent_id:
            self._engine.offer_result(offer, status)

    def dial_ended(self, call_id: str, status: str) -> Offer | None:
        """The AMI's ``DialEnd`` for the caller's channel: settle the offer at once.

        The session is inside ``EXEC Dial`` for the whole conversation, so waiting for the
        command's reply would leave the agent "reserved" while they talk.
        """
        offer = self._engine.offer_for(CallId(call_id))
        if offer is not None:
            self._engine.offer_result(offer, status)
        return offer
