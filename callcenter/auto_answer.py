"""Auto-answer (自动应答): which agents' phones the ACD asks to answer at once.

Owns the in-memory set the ACD's dial reads on every offer (no database read on the
ringing path), loaded from the CRM at start and written through on each change, so the
option survives a restart. The dial option is a pre-dial handler on the agent's channel:
``[cti-auto-answer]`` in asterisk-conf/extensions.conf adds ``Call-Info: answer-after=0``
to the INVITE, which softphones (and the simulator's phones) honour by answering at once.
Must not decide who is offered a call (the ACD does).
"""

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_ws.desk import DeskRefused
from crm_core.agents import list_agents, update_agent
from crm_core.errors import NotFound

log = logging.getLogger(__name__)

AUTO_ANSWER_CONTEXT = "cti-auto-answer"
#: The Dial option naming the handler (``b(context^exten^priority)``, app_dial).
PRE_DIAL_HANDLER = f"b({AUTO_ANSWER_CONTEXT}^s^1)"


class AutoAnswer:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._on: set[str] = set()

    async def load(self) -> None:
        async with self._sessions() as session:
            agents = await list_agents(session)
        self._on = {a.agent_id for a in agents if a.auto_answer}

    def is_on(self, agent_id: str) -> bool:
        return agent_id in self._on

    async def set(self, agent_id: str, on: bool) -> bool:
        """Store the option, then use it from the next offer; ``DeskRefused`` if no agent."""
        try:
            async with self._sessions.begin() as session:
                await update_agent(session, agent_id, auto_answer=on)
        except NotFound:
            raise DeskRefused(f"no agent named {agent_id!r}") from None
        if on:
            self._on.add(agent_id)
        else:
            self._on.discard(agent_id)
        log.info("auto-answer for %s is %s", agent_id, "on" if on else "off")
        return on

    def dial_options(self, agent_id: str) -> str:
        """What the ACD's ``Dial`` to this agent's phone adds after the ring timeout."""
        return PRE_DIAL_HANDLER if agent_id in self._on else ""
