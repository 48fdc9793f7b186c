"""The FastAGI step ``outbound-amd``: an answered dialer call, after ``AMD()``.

``[cti-dialer]`` runs ``AGI(${CTI_AGI}/outbound-amd,${AMDSTATUS},${AMDCAUSE})`` once the
customer answered and detection ran. A person (HUMAN, or NOTSURE: see
``dialer.dispatch``) is bridged to the campaign's agent free longest, on their nailed-up
line, with ``EXEC Bridge(<agent channel>,F(cti-nailed^<ext>^1))``: the agent goes back to
the wait when the customer leaves. The agent's tab gets a ``campaign_pop``; the call is
recorded as an outbound interaction with the agent's segment. If no agent is free within
the 2-second rule (counted from the answer, so detection counts), the session returns
without ``CTI_DONE`` and the dialplan plays the safe-harbour message
(``[cti-dialer-abandon]``): the attempt is a live answer **and** abandoned. A machine is
dropped, or hears the campaign's ``machine_message`` first when it has one.
"""

import asyncio
import contextlib
import logging

from callcenter.campaign_calls import CampaignCalls
from callcenter.campaign_runtime import CampaignRuntime, LiveDial
from callcenter.campaign_seats import NAILED_CONTEXT, Seat
from callcenter.clock import LoopClock
from crm_core.vocabulary import AmdResult
from cti.agi_session import AgiSession
from cti.errors import ChannelGone, PbxError
from dialer.dispatch import (
    AmdStatus,
    AmdVerdict,
    BadAmdArguments,
    bridge_deadline,
    pick_agent,
    read_amd,
)
from dialer.retries import Outcome

log = logging.getLogger(__name__)

#: How often the route looks for a freed agent while a person waits (within 2 s).
AGENT_POLL = 0.1
#: How long an answered dial waits for a reconciliation in progress to adopt it.
RECONCILE_WAIT = 1.0


class OutboundAmdRoute:
    def __init__(
        self,
        *,
        runtime: CampaignRuntime,
        calls: CampaignCalls,
        clock: LoopClock,
    ) -> None:
        self._runtime = runtime
        self._calls = calls
        self._clock = clock

    async def __call__(self, session: AgiSession) -> None:
        call_id = await session.get_variable("CTI_CALL_ID") or ""
        dial = self._runtime.claim(call_id)
        if dial is None and not self._runtime.ready.is_set():
            # A dial from before a restart answered while it is being reconciled: wait
            # for its adoption (briefly: the 2-second rule counts from the answer).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RECONCILE_WAIT):
                    await self._runtime.ready.wait()
            dial = self._runtime.claim(call_id)
        if dial is None:
            # Not a dial of ours (or one already ended): nobody can take it, so the
            # dialplan's safe-harbour message is the lawful end.
            log.warning("outbound-amd from %s: unknown dial %r on %s", session.peer, call_id,
                        session.channel)  # fmt: skip
            return
        try:
            verdict = read_amd(session.args)
        except BadAmdArguments as exc:
            log.warning("outbound-amd from %s, dial %s: %s; handled as NOTSURE", session.peer,
                        call_id, exc)  # fmt: skip
            verdict = AmdVerdict(AmdStatus.NOTSURE, "")
        try:
            if verdict.live:
                await self._person(session, dial, verdict)
            else:
                await self._machine(session, dial)
        except (ChannelGone, PbxError) as exc:
            log.info("dial %s: session ended early: %s", call_id, exc)
            await self._runtime.settle(dial, Outcome.HUMAN if verdict.live else Outcome.MACHINE,
                                       amd=_amd(verdict))  # fmt: skip

    async def _machine(self, session: AgiSession, dial: LiveDial) -> None:
        message = dial.run.campaign.machine_message
        if message:  # the campaign's choice: leave this message, else drop the call
            await session.exec("Playback", message)
        await session.set_variable("CTI_DONE", "1")
        await self._runtime.settle(dial, Outcome.MACHINE, amd=AmdResult.MACHINE)

    async def _person(self, session: AgiSession, dial: LiveDial, verdict: AmdVerdict) -> None:
        assert dial.answered_at is not None  # claim() sets it
        seat = await self._agent_by(dial, bridge_deadline(dial.answered_at))
        if seat is None:
            log.info("dial %s: no agent free within 2 s: safe-harbour message", dial.call_id)
            await self._runtime.settle(dial, Outcome.HUMAN, amd=_amd(verdict), abandoned=True)
            return  # no CTI_DONE: [cti-dialer-abandon] plays the message and hangs up
        await session.set_variable("CTI_DONE", "1")
        contact = await self._runtime.store.contact(dial.lead.contact_id)
        campaign = dial.run.campaign
        call = self._calls.open(
            dial.call_id, campaign, dial.lead, dial.number, dial.started_at, seat, contact
        )
        call.answered_at = dial.answered_at
        result = await session.exec(
            "Bridge", f"{seat.channel},F({NAILED_CONTEXT}^{seat.extension}^1)"
        )
        bridged = await session.get_variable("BRIDGERESULT") if result >= 0 else "SUCCESS"
        if bridged != "SUCCESS":
            # The agent's line vanished between the pick and the bridge: the person was
            # left without an agent, which is an abandon; let the dialplan say so.
            await session.set_variable("CTI_DONE", "")
            await self._calls.close(call, seat, "failed")
            await self._runtime.settle(dial, Outcome.HUMAN, amd=_amd(verdict), abandoned=True)
            return
        # The pacer's measured handle time (predictive) learns from every bridged call.
        dial.run.talk_seconds.append(self._clock.now() - dial.answered_at)
        # The attempt first: a disposition (callback) after "ended" finds the lead settled.
        await self._runtime.settle(dial, Outcome.HUMAN, amd=_amd(verdict), agent_id=seat.agent_id)
        await self._calls.close(call, seat, "completed")

    async def _agent_by(self, dial: LiveDial, deadline: float) -> Seat | None:
        """The agent free longest, waiting for one to free up until ``deadline``."""
        cid = dial.run.campaign.campaign_id
        while True:
            now = self._clock.now()
            free = self._runtime.seats.free(cid, now)
            if dial.owner is not None:  # a scheduled callback waits for its own agent
                free = {a: t for a, t in free.items() if a == dial.owner}
            agent = pick_agent(free)
            if agent is not None:
                seat = self._runtime.seats.get(agent)
                assert seat is not None
                seat.state, seat.since = "talking", now  # nobody else takes this agent
                return seat
            if now + AGENT_POLL > deadline:
                return None
            await asyncio.sleep(AGENT_POLL)


def _amd(verdict: AmdVerdict) -> AmdResult:
    return AmdResult(verdict.status.value.lower())
