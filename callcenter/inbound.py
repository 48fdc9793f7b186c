"""The FastAGI route of a hotline call: identification, IVR, queue, agent, record.

One coroutine per caller (DESIGN.md "How a call is controlled"). It owns the order of the
steps and the call's one interaction row; the decisions belong to ``ivr`` (menus),
``acd`` (which agent) and ``crm_core`` (who is calling). A ``HANGUP`` line or a dead
FastAGI socket is only a hint: the caller is recorded as having hung up only when the AMI
``Hangup`` event for their channel confirms it.
"""

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from acd.engine import AcdEngine, UnknownQueue, callback_id
from acd.entry import EntryRule, entry_decision
from acd.model import CallRequest
from acd.replay import WaitingEntry
from callcenter.callbacks import Callbacks
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from callcenter.crm_port import CallerFacts
from callcenter.directory import caller_facts
from callcenter.entry import divert
from callcenter.gateway import AcdGateway
from callcenter.ivr_endings import record_voicemail, transfer_out
from callcenter.legs import end_current
from callcenter.wait_estimate import WaitEstimates
from crm_core.contacts import CallerMatch
from cti.agi_server import AgiSession
from cti.errors import ChannelGone, PbxError
from cti.ids import AgentId, CallId, QueueName, UniqueId
from ivr.directory import CustomerDirectory
from ivr.flow import Flow
from ivr.interpreter import IvrOutcome
from ivr.queue_wait import Announcing, CallbackRequested, LeftQueue, wait_for_agent
from ivr.runner import run_flow
from ivr.summary import describe

log = logging.getLogger(__name__)

#: How long to wait for the AMI's word (a hang-up request for the caller's channel) after
#: the FastAGI side reported a dead channel.
HANGUP_CONFIRMATION_SECONDS = 5.0
#: How long a finished session waits for a lost AMI link to come back before its call is
#: recorded as ``session_lost``: the interaction must be written even if the PBX never returns.
LINK_OUTAGE_WAIT_SECONDS = 300.0


class AmiLinkStatus(Protocol):
    """Set while the AMI link is logged in and resynchronised (``PbxLink.connected``)."""

    @property
    def connected(self) -> asyncio.Event: ...


async def _within(seconds: float, waiting: Coroutine[Any, Any, object]) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await waiting
    except TimeoutError:
        return False
    return True


#: The least time between two position announcements to a waiting caller.
ANNOUNCE_EVERY_S = 45.0
#: Said to a waiting caller who pressed 1 for a callback.
CALLBACK_BOOKED_PROMPT = "cc-callback-booked"
#: Tier to queue priority: gold and platinum customers are answered first.
TIER_PRIORITY = {"platinum": 20, "gold": 10, "silver": 5, "bronze": 1, "none": 0}


class CrmPort(Protocol):
    async def identify(self, call: ActiveCall) -> CallerFacts | None: ...

    async def record(self, call: ActiveCall) -> None: ...


class InboundRoute:
    def __init__(
        self,
        *,
        flows: Mapping[str, Flow],
        engine: AcdEngine,
        gateway: AcdGateway,
        registry: CallRegistry,
        crm: CrmPort,
        clock: LoopClock,
        poll_ms: int,
        directory: CustomerDirectory | None = None,
        trunk: str = "trunk",
        link: AmiLinkStatus | None = None,
        recovered: dict[CallId, WaitingEntry] | None = None,
        estimates: WaitEstimates | None = None,
        callbacks: Callbacks | None = None,
    ) -> None:
        self._estimates = estimates
        self._callbacks = callbacks
        self._link = link
        #: Calls the event log shows waiting when the previous run stopped (acd/replay.py).
        self._recovered = recovered
        self._directory = directory
        self._trunk = trunk
        self._flows = flows
        self._engine = engine
        self._gateway = gateway
        self._registry = registry
        self._crm = crm
        self._clock = clock
        self._poll_ms = poll_ms

    async def __call__(self, session: AgiSession) -> None:
        dnis = session.args[0] if session.args else session.extension
        ani = session.args[1] if len(session.args) > 1 else session.caller_id
        returning = self._registry.by_uniqueid(session.uniqueid)
        if returning is not None and returning.requeue_to is not None:
            await self._run(session, returning, self._rejoin(session, returning))
            return
        flow = self._flows.get(dnis)
        if flow is None:
            log.warning("no flow for DNIS %r (peer %s); ending the session", dnis, session.peer)
            return
        call = self._registry.open(
            ActiveCall(
                call_id=CallId(session.uniqueid),
                uniqueid=UniqueId(session.uniqueid),
                channel=session.channel,
                ani=ani,
                dnis=dnis,
                hotline=flow.name,
                started_at=self._clock.now(),
            )
        )
        waited = self._recovered.pop(call.call_id, None) if self._recovered else None
        if waited is not None:
            # Back from [cti-fallback] after a restart: the log says where it waited.
            call.requeue_to = waited.queue
            call.request = CallRequest(call.call_id, waited.queue, priority=waited.priority)
            rejoin = self._rejoin(session, call, joined_at=waited.joined_at)
            await self._run(session, call, rejoin)
            return
        await self._run(session, call, self._serve(session, flow, call))

    async def _run(
        self, session: AgiSession, call: ActiveCall, serving: Coroutine[Any, Any, None]
    ) -> None:
        try:
            await serving
            if call.control == "agi":
                await self._release(session, call)
        except asyncio.CancelledError:
            # The daemon is stopping. Without CTI_DONE the dialplan keeps the caller on hold
            # music in [cti-fallback] for the next start to resume; record what we know now.
            if call.control == "agi" and call.outcome is None:
                call.outcome = "answered" if call.answered_at is not None else "session_lost"
                call.add_note("daemon stopped during the call")
            raise
        finally:
            # A call handed over to AMI (our hold, a transfer) is not over: its end is
            # reported by the AMI and finished by callcenter/call_control.py.
            if call.control == "agi":
                await self.finish(call)

    async def _identify(self, call: ActiveCall) -> CallerFacts | None:
        """The caller's CRM facts; a CRM failure must not stop the call, only its pop."""
        try:
            return await self._crm.identify(call)
        except Exception:
            log.exception(
                "call %s: CRM look-up of %r failed; serving as unknown", call.call_id, call.ani
            )
            return None

    async def _serve(self, session: AgiSession, flow: Flow, call: ActiveCall) -> None:
        facts = await self._identify(call)
        try:
            await session.answer()
            match = call.match if isinstance(call.match, CallerMatch) else None
            outcome = await run_flow(
                flow,
                session,
                caller=caller_facts(match, call.ani),
                ani=call.ani,
                directory=self._directory,
                clock=self._wall_clock,
            )
            self._note_ivr(call, outcome)
            rule = self._entry_rule(outcome.queue)
            if rule is not None:
                outcome = await divert(session, call, rule, outcome)
                call.queue = outcome.queue or call.queue
            if outcome.queue is None:
                await self._end_in_ivr(session, call, outcome, facts)
                return
            try:
                self._enqueue(call, outcome, facts)
            except UnknownQueue:
                # A flow names a queue the ACD does not have (a reload ahead of the queue
                # table): say so loudly and record the call; never drop it silently.
                log.error("call %s: flow routes to unknown queue %r", call.call_id, call.queue)
                call.outcome = "failed"
                return
            await self._wait_for_agent(session, call)
        except ChannelGone:
            await self._caller_left(session, call)
        except PbxError as exc:
            log.error("call %s: PBX error %s; ending the session", call.call_id, exc)
            await self._caller_left(session, call)

    async def _wait_for_agent(self, session: AgiSession, call: ActiveCall) -> None:
        queue = self._engine.queues.get(QueueName(call.queue or ""))
        offer = queue is not None and queue.offer_callback and bool(call.ani)
        waited = await wait_for_agent(
            session,
            self._gateway,
            call.call_id,
            poll_ms=self._poll_ms,
            announcing=Announcing(min_interval_s=ANNOUNCE_EVERY_S),
            callback_key="1" if offer and self._callbacks is not None else None,
        )
        if isinstance(waited, CallbackRequested):
            assert self._callbacks is not None
            self._callbacks.instead_of_waiting(call)
            await session.stream_file(CALLBACK_BOOKED_PROMPT)
            return
        if isinstance(waited, LeftQueue):
            await self._overflowed_out(session, call, waited.action)
            return
        if call.transferred_by != waited.target.agent_id:
            # Not after this agent's attended transfer, which already named who has it.
            call.agent_id = waited.target.agent_id
        call.outcome = "answered"

    async def _overflowed_out(self, session: AgiSession, call: ActiveCall, action: str) -> None:
        """The queue's last step overflowed to voicemail or a callback: carry it out."""
        queue = call.queue or "support"
        call.add_note(f"overflow of {queue}: {action}")
        if action == "callback" and self._callbacks is not None and call.request and call.ani:
            # The callback keeps the caller's join time: their place, as the issue asks.
            joined = call.queued_at or self._clock.now()
            self._callbacks.request(callback_id(call.call_id), call.ani, call.request, joined)
            call.outcome = "callback_requested"
            await session.stream_file(CALLBACK_BOOKED_PROMPT)
            return
        await record_voicemail(session, call, queue)

    async def _rejoin(
        self, session: AgiSession, call: ActiveCall, joined_at: float | None = None
    ) -> None:
        """A caller's new session on the same channel, after a transfer to a queue or a
        restart: queue again, no IVR; ``joined_at`` keeps the place they had."""
        queue, call.requeue_to = call.requeue_to or "", None
        call.control, call.agent_channel = "agi", None
        call.queue, call.queued_at = queue, joined_at or self._clock.now()
        first = call.request or CallRequest(call_id=call.call_id, queue=QueueName(queue))
        log.info("call %s: back in queue %s", call.call_id, queue)
        try:
            await session.set_music(True)
            # The target queue's own skill applies, not what the IVR asked for the first.
            preferred, call.requeue_preferred = call.requeue_preferred, None
            request = replace(
                first,
                queue=QueueName(queue),
                skills={},
                preferred_agent=AgentId(preferred) if preferred else None,
            )
            self._engine.enqueue(request, joined_at=joined_at)
            await self._wait_for_agent(session, call)
        except UnknownQueue:
            log.error("call %s: transfer to unknown queue %r", call.call_id, queue)
            call.outcome = "failed"
        except ChannelGone:
            await self._caller_left(session, call)
        except PbxError as exc:
            log.error("call %s: PBX error %s; ending the session", call.call_id, exc)
            await self._caller_left(session, call)

    async def _end_in_ivr(
        self,
        session: AgiSession,
        call: ActiveCall,
        outcome: IvrOutcome,
        facts: CallerFacts | None = None,
    ) -> None:
        """The flow ended without a queue: a message, a transfer, a callback, or served."""
        if outcome.voicemail is not None:
            await record_voicemail(session, call, outcome.voicemail)
        elif outcome.transfer_to is not None:
            await transfer_out(session, call, outcome.transfer_to, self._trunk)
        elif outcome.callback_number is not None:
            call.outcome = "callback_requested"
            queue = outcome.callback_queue or "the first free agent"
            call.add_note(f"call back {outcome.callback_number} ({queue})")
            if self._callbacks is not None:
                callback = replace(outcome, queue=outcome.callback_queue, skills={})
                request = self._request(call, callback, facts)
                self._callbacks.from_ivr(call, outcome.callback_number, request)
        elif call.outcome is None:
            call.outcome = "self_served"

    def _entry_rule(self, queue: str | None) -> EntryRule | None:
        config = self._engine.queues.get(QueueName(queue or ""))
        if config is None or not config.entry_rules or self._estimates is None:
            return None
        snapshot = self._estimates.snapshot(config.name)
        return entry_decision(config.entry_rules, snapshot, self._clock.now())

    def _wall_clock(self) -> datetime:
        return datetime.fromtimestamp(self._clock.now(), UTC)

    def _note_ivr(self, call: ActiveCall, outcome: IvrOutcome) -> None:
        call.ivr_path = outcome.path
        call.ivr_summary = describe(outcome)
        call.ivr_choice = outcome.choice
        call.queue = outcome.queue

    def _enqueue(self, call: ActiveCall, outcome: IvrOutcome, facts: CallerFacts | None) -> None:
        call.queued_at = self._clock.now()
        call.request = self._request(call, outcome, facts)
        self._engine.enqueue(call.request)

    def _request(
        self, call: ActiveCall, outcome: IvrOutcome, facts: CallerFacts | None
    ) -> CallRequest:
        tier = facts.tier if facts else "none"
        preferred = facts.preferred_agent if facts else None
        return CallRequest(
            call_id=call.call_id,
            queue=QueueName(outcome.queue or ""),
            skills=dict(outcome.skills),
            priority=TIER_PRIORITY.get(tier, 0) + outcome.priority_boost,
            tier=tier,
            preferred_agent=AgentId(preferred) if preferred else None,
        )

    async def _caller_left(self, session: AgiSession, call: ActiveCall) -> None:
        confirmed = await self._hangup_confirmed(session, call)
        where = "queue" if call.queued_at is not None else "ivr"
        if self._engine.is_waiting(call.call_id):
            self._engine.leave_queue(call.call_id, "caller hung up" if confirmed else "lost")
        if call.answered_at is not None:
            call.outcome = "answered"
        elif confirmed:
            call.outcome = f"abandoned_{where}"
        else:
            log.warning(
                "call %s: FastAGI session ended in the %s without an AMI hangup",
                call.call_id,
                where,
            )
            call.outcome = "session_lost"

    async def _hangup_confirmed(self, session: AgiSession, call: ActiveCall) -> bool:
        if await _within(HANGUP_CONFIRMATION_SECONDS, call.hung_up.wait()):
            return True
        link = self._link
        if link is None or link.connected.is_set():
            return False
        # The AMI link is down, so its word on this channel comes with the resync after the
        # reconnect. Asterisk keeps a dead channel listed until our socket closes: close it
        # first, so the resync can report the channel gone.
        log.info("call %s: session over while the AMI link is down; awaiting resync", call.call_id)
        session.end("channel reported dead while the AMI link is down")
        if not await _within(LINK_OUTAGE_WAIT_SECONDS, link.connected.wait()):
            return False
        return await _within(HANGUP_CONFIRMATION_SECONDS, call.hung_up.wait())

    async def _release(self, session: AgiSession, call: ActiveCall) -> None:
        """Tell the dialplan the call is over, so it hangs up instead of holding the caller.

        Without ``CTI_DONE`` the dialplan after ``AGI()`` sends the caller to the fallback
        context (asterisk-conf/extensions.conf), which is right only when we are gone.
        ``SET VARIABLE`` still works on a dead channel, so this holds after a hang-up too.
        """
        if call.outcome == "session_lost":
            return
        try:
            await session.set_variable("CTI_DONE", "1")
        except PbxError as exc:
            log.info("call %s: could not set CTI_DONE (%s)", call.call_id, exc)

    async def finish(self, call: ActiveCall) -> None:
        """Record the call's interaction and release its agent; the call leaves the registry."""
        call.ended_at = self._clock.now()
        end_current(call.legs, call.ended_at)
        if self._link is not None and not self._link.connected.is_set():
            call.ended_during_link_loss = True  # e.g. a conversation ending unseen by the AMI
        if call.outcome == "answered":
            self._engine.call_ended(call.call_id)
        try:
            await self._crm.record(call)
        except Exception:
            # The row is the customer's history: log everything needed to rebuild it.
            log.exception("call %s: could not record the interaction: %r", call.call_id, call)
        finally:
            call.recorded.set()
            self._registry.close(call.call_id)
