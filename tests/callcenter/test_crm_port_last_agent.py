"""The preferred agent when a caller has no account manager: whoever last served them within
the look-back, read from the matched card's recent calls or, past those, from the database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from callcenter.calls import ActiveCall
from callcenter.crm_port import CrmAdapter
from crm_core.agents import create_agent
from crm_core.contacts import NewPhone, create_contact
from crm_core.db import make_engine, make_sessionmaker
from crm_core.interactions import InteractionDraft, record_interaction
from crm_core.users import create_user
from crm_core.vocabulary import Direction, Outcome, PhoneKind, Role
from cti.ids import CallId, UniqueId
from tests.e2e.harness import seeded_db

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
DAY = timedelta(days=1)
ANSWERED = InteractionDraft(
    call_id="x",
    direction=Direction.INBOUND,
    started_at=NOW,
    agent_id="bob",
    answered_at=NOW,
    ended_at=NOW,
    outcome=Outcome.ANSWERED,
)
ABANDONED = replace(ANSWERED, agent_id=None, answered_at=None, outcome=Outcome.ABANDONED_QUEUE)


async def preferred_for(tmp_path: Path, history: list[InteractionDraft]) -> str | None:
    engine = make_engine(await seeded_db(tmp_path))
    sessions = make_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            await create_user(
                session, username="bob7", display_name="b", role=Role.AGENT, password="p"
            )
            await create_agent(
                session, agent_id="bob7", extension="1077", endpoint="PJSIP/1077", skills={}
            )
            card = await create_contact(
                session,
                first_name="Una",
                last_name="Managed",
                now=NOW - 100 * DAY,
                phones=[NewPhone(PhoneKind.MOBILE, "+12125559876")],
            )
            for n, draft in enumerate(history):
                await record_interaction(
                    session, replace(draft, call_id=f"h{n}", contact_id=card.contact_id)
                )
        crm = CrmAdapter(sessions, "US", last_agent_days=30)
        call = ActiveCall(
            CallId("c"),
            UniqueId("c"),
            "PJSIP/t-1",
            "+12125559876",
            "8005550100",
            "x",
            NOW.timestamp(),
        )
        facts = await crm.identify(call)
        assert facts is not None
        return facts.preferred_agent
    finally:
        await engine.dispose()


async def test_the_agent_of_a_recent_answered_call_on_the_card_is_preferred(tmp_path: Path) -> None:
    history = [
        replace(ANSWERED, agent_id="bob7", started_at=NOW - 3 * DAY),
        replace(ABANDONED, started_at=NOW - DAY),
    ]
    assert await preferred_for(tmp_path, history) == "bob7"


async def test_past_the_cards_recent_calls_the_database_is_asked(tmp_path: Path) -> None:
    history = [replace(ANSWERED, agent_id="bob7", started_at=NOW - 10 * DAY)] + [
        replace(ABANDONED, started_at=NOW - n * DAY) for n in range(1, 7)
    ]
    assert await preferred_for(tmp_path, history) == "bob7"


async def test_nobody_is_preferred_when_no_agent_served_the_caller_in_the_look_back(
    tmp_path: Path,
) -> None:
    history = [replace(ANSWERED, agent_id="bob7", started_at=NOW - 40 * DAY)] + [
        replace(ABANDONED, started_at=NOW - n * DAY) for n in range(1, 3)
    ]
    assert await preferred_for(tmp_path, history) is None
