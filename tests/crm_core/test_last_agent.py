"""The agent who last served a contact: the ACD's preferred agent when there is no account
manager (``callcenter.crm_port``), looked up within a look-back."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import create_agent
from crm_core.contacts import create_contact
from crm_core.interactions import InteractionDraft, last_agent_for_contact, record_interaction
from crm_core.users import create_user
from crm_core.vocabulary import Direction, Outcome, Role
from tests.crm_core.conftest import T0

CALL = InteractionDraft(
    call_id="c1",
    direction=Direction.INBOUND,
    started_at=T0,
    agent_id="alice",
    answered_at=T0 + timedelta(seconds=10),
    ended_at=T0 + timedelta(seconds=100),
    outcome=Outcome.ANSWERED,
)


async def test_the_latest_answered_call_within_the_look_back_names_the_agent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        for name, ext in (("alice", "1001"), ("bob", "1002")):
            await create_user(
                session, username=name, display_name=name, role=Role.AGENT, password="pw"
            )
            await create_agent(
                session, agent_id=name, extension=ext, endpoint=f"PJSIP/{ext}", skills={}
            )
        mine = await create_contact(session, first_name="Ada", last_name="L", now=T0)
        other = await create_contact(session, first_name="Alan", last_name="T", now=T0)
        day = timedelta(days=1)
        calls = [
            replace(CALL, call_id="old", contact_id=mine.contact_id, started_at=T0 - 40 * day),
            replace(
                CALL,
                call_id="recent",
                contact_id=mine.contact_id,
                agent_id="bob",
                started_at=T0 - 5 * day,
                answered_at=T0 - 5 * day + timedelta(seconds=5),
                ended_at=T0 - 5 * day + timedelta(seconds=60),
            ),
            replace(
                CALL,
                call_id="abandoned",
                contact_id=mine.contact_id,
                agent_id=None,
                answered_at=None,
                started_at=T0 - day,
                ended_at=T0 - day + timedelta(seconds=30),
                outcome=Outcome.ABANDONED_QUEUE,
            ),
            replace(CALL, call_id="someone else", contact_id=other.contact_id),
        ]
        for draft in calls:
            await record_interaction(session, draft)
    async with sessions() as session:
        assert await last_agent_for_contact(session, mine.contact_id, T0 - 30 * day) == "bob"
        assert await last_agent_for_contact(session, mine.contact_id, T0 - 2 * day) is None
        assert await last_agent_for_contact(session, other.contact_id, T0 - day) == "alice"
