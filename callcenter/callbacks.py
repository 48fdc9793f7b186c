"""Callbacks: queue entries that keep the caller's place, dialed once an agent is reserved.

A callback comes from the IVR's callback node, from a queue's entry rule, or from a
waiting caller pressing 1; it waits in the ACD like a call (same order, steps and
statistics, never overflowing) with the join time of the call it replaces. When the ACD
reserves an agent for it, this module dials as DESIGN.md's outbound rule says (AMI
``Originate``, like click-to-dial): the agent's phone first, which on answer runs
``[outbound]`` with the customer's number, so an agent is on the line before the customer
is. The agent's answer settles the offer (no answer: the agent's no-answer rule applies and
the callback waits again, keeping its place); the customer's ``DialEnd`` and the agent
channel's ``Hangup`` end the callback, recorded as its own outbound interaction. Pending
callbacks survive a restart: the ACD event log (``CallQueued`` with its number) is replayed.

Must not decide routing; a callback is never retried once the agent's phone has dialed the
customer (the outcome says what happened, the agent decides what follows).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from acd.engine import AcdEngine, callback_id
from acd.events import AgentReserved
from acd.model import CallRequest, Offer
from acd.replay import WaitingEntry
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from cti.commands import Originate
from cti.errors import OriginateFailed, PbxError
from cti.events import DialEnded
from cti.ids import CallId, UniqueId
from cti.telephony import Telephony

log = logging.getLogger(__name__)

OUTBOUND_CONTEXT = "outbound"
#: The hotline name callbacks are recorded under.
HOTLINE = "callback"
#: Originate failure reasons (cti/errors.py) as the DIALSTATUS the ACD's no-answer rule reads.
AGENT_DIAL_STATUS = {3: "NOANSWER", 5: "BUSY", 8: "CONGESTION"}
#: The customer's DIALSTATUS as the interaction's outcome.
CUSTOMER_OUTCOME = {"NOANSWER": "no_answer", "BUSY": "busy"}
#: How long a reservation waits when the PBX link is down before it is given back.
LINK_DOWN_RETRY_S = 5.0
#: How long the agent's leg may last at most (a safety net if its hang-up is never seen).
LONGEST_CALL_S = 4 * 3600.0


class Callbacks:
    def __init__(
        self,
        *,
        engine: AcdEngine,
        registry: CallRegistry,
        clock: LoopClock,
        telephony: Callable[[], Telephony | None],
        record: Callable[[ActiveCall], Awaitable[None]],
        ring_timeout: int,
    ) -> None:
        self._engine = engine
        self._registry = registry
        self._clock = clock
        self._telephony = telephony
        self._record = record
        self._ring_timeout = ring_timeout
        self._reserved: asyncio.Queue[Offer] = asyncio.Queue()
        #: The customer's DIALSTATUS by the agent leg's Uniqueid.
        self._customer_status: dict[UniqueId, str] = {}

    # -- new callbacks ---------------------------------------------------------------------
    def request(
        self, callback_id: CallId, number: str, request: CallRequest, joined_at: float
    ) -> ActiveCall:
        """Queue a callback to ``number`` in ``request.queue`` with the given join time."""
        call = self._open(callback_id, number, request.queue, joined_at)
        call.request = CallRequest(
            callback_id,
            request.queue,
            priority=request.priority,
            tier=request.tier,
            callback_number=number,
        )
        self._engine.enqueue(call.request, joined_at=joined_at)
        return call

    def from_ivr(self, caller: ActiveCall, number: str, request: CallRequest) -> None:
        """A callback from the IVR (its callback node, or a queue's entry rule): it waits in
        ``request.queue`` from now, as the caller would have."""
        if request.queue not in self._engine.queues:
            log.warning(
                "call %s: callback to %r not queued (no such queue)", caller.call_id, request.queue
            )
            return
        callback = callback_id(caller.call_id)
        self.request(callback, number, request, self._clock.now())
        caller.add_note(f"callback {callback} queued")

    def instead_of_waiting(self, caller: ActiveCall) -> CallId:
        """The waiting caller pressed 1: a callback to their number takes their place."""
        joined_at = caller.queued_at or self._clock.now()
        callback = self._engine.to_callback(caller.call_id, caller.ani)
        self._open(callback, caller.ani, caller.queue or "", joined_at)
        caller.outcome = "callback_requested"
        caller.add_note(f"call back {caller.ani} ({caller.queue}): callback {callback}")
        return callback

    def restore(self, entries: dict[CallId, WaitingEntry]) -> int:
        """After a restart: the callbacks the event log shows pending queue again."""
        restored = 0
        for entry in list(entries.values()):
            if entry.callback_number is None or entry.queue not in self._engine.queues:
                continue
            del entries[entry.call_id]
            request = CallRequest(
                entry.call_id, entry.queue, priority=entry.priority, tier=entry.tier
            )
            self.request(entry.call_id, entry.callback_number, request, entry.joined_at)
            restored += 1
        if restored:
            log.info("event log: %d callbacks were pending; queued again", restored)
        return restored

    def _open(self, callback_id: CallId, number: str, queue: str, joined_at: float) -> ActiveCall:
        call = ActiveCall(
            call_id=callback_id,
            uniqueid=UniqueId(callback_id),
            channel="",
            ani=number,
            dnis="",
            hotline=HOTLINE,
            started_at=joined_at,
            queue=queue,
            queued_at=joined_at,
            direction="outbound",
        )
        call.add_note(f"callback to {number}")
        return self._registry.open(call)

    # -- bus handlers ----------------------------------------------------------------------
    def agent_reserved(self, event: AgentReserved) -> None:
        offer = self._engine.offer_for(event.call_id)
        call = self._registry.get(event.call_id)
        if offer is not None and call is not None and call.hotline == HOTLINE:
            self._reserved.put_nowait(offer)

    def dial_ended(self, event: DialEnded) -> None:
        call = self._registry.by_uniqueid(event.uniqueid)
        if call is not None and call.hotline == HOTLINE:
            self._customer_status[event.uniqueid] = event.status

    # -- dialing ---------------------------------------------------------------------------
    async def run(self) -> None:
        async with asyncio.TaskGroup() as tg:
            while True:
                offer = await self._reserved.get()
                tg.create_task(self._serve(offer), name=f"callback-{offer.call_id}")

    async def _serve(self, offer: Offer) -> None:
        call = self._registry.get(offer.call_id)
        if call is None:
            return
        try:
            answered = await self._ring_agent(offer, call)
            if answered:
                await self._talk(call)
        except Exception:
            log.exception("callback %s: failed", offer.call_id)

    async def _ring_agent(self, offer: Offer, call: ActiveCall) -> bool:
        telephony = self._telephony()
        if telephony is None:
            await asyncio.sleep(LINK_DOWN_RETRY_S)
            self._engine.offer_result(offer, "CANCEL")  # not the agent's fault: try again
            return False
        command = Originate(
            channel=offer.endpoint,
            context=OUTBOUND_CONTEXT,
            exten=call.ani.lstrip("+"),
            caller_id=f'"Callback" <{call.ani}>',
            timeout_ms=self._ring_timeout * 1000,
            channel_id=call.uniqueid,
            variables={"CTI_CALL_ID": call.call_id},
        )
        try:
            result = await telephony.originate(command)
        except OriginateFailed as exc:
            log.info("callback %s: agent %s %s", call.call_id, offer.agent_id, exc.reason)
            self._engine.offer_result(offer, AGENT_DIAL_STATUS.get(exc.reason_code, "CHANUNAVAIL"))
            return False
        except PbxError as exc:
            log.warning("callback %s: could not ring %s: %s", call.call_id, offer.endpoint, exc)
            self._engine.offer_result(offer, "CHANUNAVAIL")
            return False
        call.channel, call.agent_id = result.channel, offer.agent_id
        self._engine.offer_result(offer, "ANSWER")
        return True

    async def _talk(self, call: ActiveCall) -> None:
        try:
            async with asyncio.timeout(LONGEST_CALL_S):
                await call.hung_up.wait()
        except TimeoutError:
            log.error("callback %s: no hang-up seen for its agent leg", call.call_id)
        call.ended_at = self._clock.now()
        status = self._customer_status.pop(call.uniqueid, None)
        if call.answered_at is not None:
            call.outcome = "answered"
        else:
            call.outcome = CUSTOMER_OUTCOME.get(status or "", "failed")
            call.add_note(f"the customer did not answer ({status or 'no dial'})")
        self._engine.call_ended(call.call_id)
        try:
            await self._record(call)
        except Exception:
            log.exception("callback %s: could not record the interaction: %r", call.call_id, call)
        finally:
            call.recorded.set()
            self._registry.close(call.call_id)
