"""After a restart or an AMI login, the dialer reconciles the CRM's open attempts with the PBX.

Owns ``CampaignRecovery``: on every ``LinkUp`` (the first one is the start-up) it reads the
attempts a previous run left open (started before this process, so never one of ours being
placed), lists Asterisk's channels (``CoreShowChannels``, plus ``Getvar`` of ``AMDSTATUS`` and
``CTI_AGENT`` on the answered ones), and applies ``callcenter/campaign_reconcile.py``'s
verdicts: a live dial is adopted into the runtime (its end gives the attempt its outcome), a
gone one is closed ``no_answer`` and goes back to the retry rules, and a nailed-up line no seat
of ours uses is hung up. Each decision goes to the event log with its reason. Pacing waits
for the first reconciliation, so an adopted lead is never dialed a second time meanwhile.
Must not decide the verdicts itself.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.campaign_checks import rules_of
from callcenter.campaign_reconcile import (
    LINK_LOST,
    RESTART,
    Adopt,
    DialReconciled,
    NailedLineReleased,
    Partner,
    RecoveryEvent,
    Seen,
    bridge_partner,
    judge_dial,
    stray_lines,
)
from callcenter.campaign_runtime import CampaignRuntime, LiveDial, Run
from callcenter.campaign_store import due_lead
from crm_core.campaign_callbacks import callback_owners
from crm_core.campaign_facts import contexts_of
from crm_core.campaign_recovery import OpenAttempt, open_attempts
from crm_core.campaigns import get_campaign
from crm_core.errors import CrmError
from cti.channel_list import ShownChannel
from cti.errors import PbxError
from cti.events import LinkUp
from cti.ids import ChannelName, UniqueId
from cti.telephony import Telephony

log = logging.getLogger(__name__)


class CampaignRecovery:
    def __init__(
        self,
        *,
        runtime: CampaignRuntime,
        sessions: async_sessionmaker[AsyncSession],
        telephony: Callable[[], Telephony | None],
        record: Callable[[RecoveryEvent], None],
    ) -> None:
        self._runtime = runtime
        self._sessions = sessions
        self._telephony = telephony
        self._record = record
        #: Attempts started from now on are this process's own.
        self._booted_at = runtime.clock.now()
        self._lock = asyncio.Lock()
        runtime.ready.clear()  # no pacing before the first reconciliation
        runtime.on_lost = self.lost

    def link_up(self, event: LinkUp) -> None:
        self._runtime.spawn(self._reconcile_now(), "campaign-reconcile")

    def lost(self) -> None:
        """A dial's Originate failed with the link: reconcile now (a link that is down
        reconciles at its next login)."""
        self._runtime.spawn(self._reconcile_now(), "campaign-reconcile-lost")

    async def _reconcile_now(self) -> None:
        await self.reconcile()

    async def reconcile(self) -> int:
        """Apply the verdicts once; returns how many open attempts were reconciled."""
        async with self._lock:
            try:
                await self._runtime.loaded.wait()
                return await self._reconcile()
            except (CrmError, SQLAlchemyError, PbxError) as exc:
                log.error("campaign reconciliation failed: %r", exc)
                return 0
            finally:
                self._runtime.ready.set()

    async def _reconcile(self) -> int:
        telephony = self._telephony()
        if telephony is None:
            return 0
        channels = await telephony.core_show_channels()
        by_uid = {c.uniqueid: c for c in channels}
        now = self._runtime.clock.now()
        async with self._sessions() as db:
            left = await open_attempts(db, started_before=datetime.fromtimestamp(now, UTC))
        done = 0
        for found in left:
            call_id = found.attempt.call_id or ""
            known = self._runtime.dials.get(call_id)
            if known is None and found.attempt.started_at.timestamp() >= self._booted_at:
                continue  # this process is placing it right now
            if known is not None and not known.lost:
                continue  # followed already (ours, or adopted by an earlier reconciliation)
            shown = by_uid.get(UniqueId(call_id))
            await self._apply(found, known, shown, channels, telephony)
            done += 1
        seated = {s.uniqueid for s in self._runtime.seats.all()}
        for line in stray_lines(channels, seated):
            await self._release(line, telephony)
        return done

    async def _apply(
        self,
        found: OpenAttempt,
        known: LiveDial | None,
        shown: ShownChannel | None,
        channels: list[ShownChannel],
        telephony: Telephony,
    ) -> None:
        amd_status, partner = "", None
        if shown is not None and shown.is_up:
            amd_status = await _var(telephony, "AMDSTATUS", shown.channel)
            peer = bridge_partner(shown, channels)
            if peer is not None:
                agent = await _var(telephony, "CTI_AGENT", peer.channel) or await _var(
                    telephony, "CTI_AGENT", shown.channel
                )
                partner = Partner(peer, agent)
        why = RESTART if known is None else LINK_LOST
        verdict = judge_dial(shown, amd_status, partner, why)
        dial = known or await self._dial_of(found)
        dial.lost = False
        now = self._runtime.clock.now()
        if isinstance(verdict, Adopt):
            if dial.claimed and verdict.seen is not Seen.BRIDGED:
                return  # our FastAGI step took it over meanwhile
            dial.adopted = verdict
            if dial.answered_at is None and verdict.seen is not Seen.RINGING:
                dial.answered_at = now
            dial.claimed = dial.claimed or verdict.seen is Seen.BRIDGED
            self._runtime.dials[dial.call_id] = dial
            decision, state = "adopted", verdict.seen.value
        else:
            dial.answered_at = now if verdict.abandoned else None
            self._runtime.dials[dial.call_id] = dial
            await self._runtime.settle(
                dial, verdict.outcome, amd=verdict.amd, abandoned=verdict.abandoned
            )
            decision, state = "closed", verdict.outcome.value
        log.info("dial %s (lead %s) %s: %s", dial.call_id, dial.lead.lead_id, decision,
                 verdict.reason)  # fmt: skip
        self._record(
            DialReconciled(
                dial.call_id,
                dial.run.campaign.campaign_id,
                dial.lead.lead_id,
                dial.attempt_id,
                decision,
                state,
                verdict.reason,
                now,
            )
        )

    async def _dial_of(self, found: OpenAttempt) -> LiveDial:
        """The runtime's record of a dial a previous run placed: its campaign's run (the
        running one, so the ledger and pacing count it) and the lead's history before it."""
        lead, attempt = found.lead, found.attempt
        run = await self._runtime.run_of(lead.campaign_id)
        async with self._sessions() as db:
            if run is None:  # paused or stopped since: its rules still end the attempt
                campaign = await get_campaign(db, lead.campaign_id)
                if campaign is None:
                    raise CrmError(f"campaign {lead.campaign_id} of lead {lead.lead_id} is gone")
                run = Run(campaign, rules_of(campaign), await self._runtime.store.ledger(
                    campaign, self._runtime.clock.now()))  # fmt: skip
            at = datetime.fromtimestamp(self._runtime.clock.now(), UTC)
            [context] = await contexts_of(db, [lead], run.campaign.timezone, now=at)
            owners = await callback_owners(db, [lead.lead_id])
        due = due_lead(context, owners.get(lead.lead_id))
        return LiveDial(
            attempt.call_id or f"attempt-{attempt.attempt_id}",
            run,
            attempt.attempt_id,
            lead,
            due.history,
            attempt.number,
            attempt.started_at.timestamp(),
            owner=due.owner,
        )

    async def _release(self, line: ShownChannel, telephony: Telephony) -> None:
        agent = await _var(telephony, "CTI_AGENT", line.channel)
        reason = "daemon restart: a nailed-up line no seat uses; the agent joins again"
        try:
            await telephony.hangup(ChannelName(line.channel))
        except PbxError as exc:
            log.info("nailed line %s already gone: %s", line.channel, exc)
            return
        log.info("agent %s: nailed line %s from before hung up", agent or "?", line.channel)
        self._record(
            NailedLineReleased(
                line.uniqueid, line.channel, agent, reason, self._runtime.clock.now()
            )
        )


async def _var(telephony: Telephony, name: str, channel: str) -> str:
    try:
        return await telephony.get_var(name, ChannelName(channel))
    except PbxError:
        return ""  # the channel went meanwhile: read as unset
