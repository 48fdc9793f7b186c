"""Brings back callers the dialplan parked in ``[cti-fallback]`` while we were away.

DESIGN.md "How a call is controlled": if the daemon is gone, ``AGI()`` returns without
``CTI_DONE`` and the dialplan keeps the caller on hold music in ``[cti-fallback]``. This
module finds those channels (``CoreShowChannels``: context ``cti-fallback``) after every
AMI login and every ``SWEEP_EVERY_S`` seconds, and Redirects them into ``[cti-resume]``,
whose FastAGI session the inbound route serves again. At start-up it reads the ACD event
log's recent window, so a caller who was waiting gets their queue and join time back
(``acd/replay.py``) instead of the IVR from the top, and a signed-in agent their state.

Must not decide routing; a channel that keeps falling back is left alone after
``MAX_RESUMES`` tries (logged), so a call that crashes its session cannot loop forever.
"""

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acd.replay import AgentEntry, WaitingEntry, agent_states, waiting_calls
from callcenter.clock import LoopClock
from callcenter.pbx_link import PbxLink
from crm_core.acd_log import read_events_since
from cti.errors import PbxError
from cti.ids import AgentId, CallId

log = logging.getLogger(__name__)

FALLBACK_CONTEXT = "cti-fallback"
RESUME_CONTEXT = "cti-resume"
SWEEP_EVERY_S = 30.0
MAX_RESUMES = 3
#: How far back the event log is read at start-up: nobody waits on hold music for longer.
REPLAY_WINDOW = timedelta(hours=2)
#: How far back agents' state changes are read: a shift; an agent who has not changed
#: state for longer is taken to have gone home without signing out.
AGENT_REPLAY_WINDOW = timedelta(hours=12)


class Recovery:
    def __init__(
        self, pbx: PbxLink, sessions: async_sessionmaker[AsyncSession], clock: LoopClock
    ) -> None:
        self._pbx = pbx
        self._sessions = sessions
        self._clock = clock
        #: Calls waiting when the previous run stopped; the inbound route takes them.
        self.recovered: dict[CallId, WaitingEntry] = {}
        self._resumes: Counter[str] = Counter()
        #: Agents signed in when the previous run stopped, and their state then.
        self.agents: dict[AgentId, AgentEntry] = {}

    async def load(self) -> int:
        """Read the event log's recent window; returns how many calls were waiting."""
        now = datetime.fromtimestamp(self._clock.now(), UTC)
        async with self._sessions() as session:
            events = await read_events_since(session, now - REPLAY_WINDOW)
            changes = await read_events_since(
                session, now - AGENT_REPLAY_WINDOW, types=("AgentStateChanged",)
            )
        self.recovered.update(waiting_calls((e.type, e.payload) for e in events))
        self.agents.update(agent_states((e.type, e.payload) for e in changes))
        if self.agents:
            log.info("event log: %d agents were signed in when we stopped", len(self.agents))
        if self.recovered:
            log.info("event log: %d calls were waiting when we stopped", len(self.recovered))
        return len(self.recovered)

    async def run(self) -> None:
        while True:
            await self._pbx.connected.wait()
            try:
                await self.sweep()
            except PbxError as exc:
                log.warning("fallback sweep failed: %s", exc)
            await asyncio.sleep(SWEEP_EVERY_S)

    async def sweep(self) -> int:
        """Redirect every channel in [cti-fallback] back to us; returns how many moved."""
        telephony = self._pbx.telephony
        if telephony is None:
            return 0
        moved = 0
        for shown in await telephony.core_show_channels():
            if shown.context != FALLBACK_CONTEXT:
                continue
            tries = self._resumes[shown.uniqueid]
            if tries >= MAX_RESUMES:
                if tries == MAX_RESUMES:
                    log.error("call %s fell back %d times; left on hold", shown.uniqueid, tries)
                    self._resumes[shown.uniqueid] += 1
                continue
            self._resumes[shown.uniqueid] += 1
            await telephony.redirect(shown.channel, RESUME_CONTEXT, "s")
            log.info("call %s: resumed from the fallback (try %d)", shown.uniqueid, tries + 1)
            moved += 1
        return moved
