"""Demo data: a small, believable call centre to click through and to test against.

Owns nothing but the tables below. ``seed_demo`` is idempotent: each row is looked up by its
natural key (username, dnis, queue name, contact name, request subject, call id) and only the
missing ones are added, so running it twice changes nothing. Two contacts share an office
number on purpose, to exercise the screen pop's ambiguity picker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.agents import create_agent
from crm_core.contacts import NewPhone, create_contact
from crm_core.dispositions import create_disposition_code, get_disposition_code
from crm_core.interactions import InteractionDraft, get_interaction_by_call, record_interaction
from crm_core.models import Agent, Contact, Hotline, Queue, ServiceRequest
from crm_core.service_requests import create_request
from crm_core.users import create_user, get_user
from crm_core.vocabulary import (
    Direction,
    DispositionCategory,
    Outcome,
    PhoneKind,
    Priority,
    RequestStatus,
    Role,
    Tier,
)

MOBILE, HOME, WORK = PhoneKind.MOBILE, PhoneKind.HOME, PhoneKind.WORK
HOTLINE = "8005551234"

# username, display name, role, password
USERS = [
    ("admin", "Administrator", Role.ADMIN, "admin"),
    ("lead", "Lee Leader", Role.SUPERVISOR, "demo"),
    ("alice", "Alice Adams", Role.AGENT, "demo"),
    ("bob", "Bob Baker", Role.AGENT, "demo"),
    ("carol", "Carol Cruz", Role.AGENT, "demo"),
]

# agent id, extension, skills (level 1..10); the endpoint is PJSIP/<extension>
AGENTS = [
    ("alice", "1001", {"support": 8, "sales": 3}),
    ("bob", "1002", {"support": 5}),
    ("carol", "1003", {"sales": 7, "support": 2}),
]

# dnis, name, language, brand, IVR menu, time zone
HOTLINES = [(HOTLINE, "Main hotline", "en", "Acme Telecom", "main", "America/New_York")]

# code, label, category, requires a note; the first four also come with migration 0004.
DISPOSITION_CODES = [
    ("resolved", "Resolved", DispositionCategory.RESOLVED, False),
    ("follow-up", "Follow-up", DispositionCategory.FOLLOW_UP, False),
    ("escalated", "Escalated", DispositionCategory.ESCALATED, False),
    ("no-action", "No action", DispositionCategory.OTHER, False),
    ("information-given", "Information given", DispositionCategory.RESOLVED, False),
    ("quote-sent", "Quote sent", DispositionCategory.FOLLOW_UP, False),
    ("callback-scheduled", "Callback scheduled", DispositionCategory.FOLLOW_UP, False),
    ("sale", "Sale", DispositionCategory.SALE, False),
    ("no-sale", "No sale", DispositionCategory.NO_SALE, False),
    ("wrong-number", "Wrong number", DispositionCategory.NOT_REACHED, False),
    ("complaint", "Complaint", DispositionCategory.ESCALATED, True),
]

# name, required skill, description
QUEUES = [
    ("sales", "sales", "New orders, upgrades and quotes"),
    ("support", "support", "Help with products already bought"),
]

# first, last, organisation, tier, language, time zone, account manager, phones
CONTACTS = [
    ("Grace", "Hopper", "Hopper Systems", Tier.PLATINUM, "en", "America/New_York", "alice",
     [(WORK, "+1 212 555 0100")]),
    ("Alan", "Turing", None, Tier.GOLD, "en", "America/New_York", None,
     [(MOBILE, "(212) 555-0111")]),
    ("Ada", "Lovelace", None, Tier.SILVER, "en", "America/New_York", None,
     [(MOBILE, "212-555-0122")]),
    ("Linus", "Pauling", None, Tier.BRONZE, "en", "America/Chicago", None,
     [(HOME, "+1 (312) 555-0133")]),
    ("Marie", "Curie", "Curie Labs", Tier.GOLD, "en", "America/Chicago", "carol",
     [(WORK, "312.555.0144"), (MOBILE, "+1 312 555 0145")]),
    ("Pierre", "Curie", "Curie Labs", Tier.NONE, "en", "America/Chicago", None,
     [(WORK, "(312) 555-0144")]),  # the same office line as Marie
    ("Katherine", "Johnson", None, Tier.NONE, "en", "America/New_York", None,
     [(MOBILE, "+1 757 555 0155")]),
    ("Dorothy", "Vaughan", None, Tier.BRONZE, "en", "America/New_York", None,
     [(HOME, "757-555-0166"), (MOBILE, "+1 757 555 0167")]),
    ("Sofía", "Martínez", None, Tier.SILVER, "es", "America/New_York", None,
     [(MOBILE, "(305) 555-0177")]),
    ("Hedy", "Lamarr", None, Tier.PLATINUM, "en", "America/Los_Angeles", "alice",
     [(MOBILE, "+1 310 555 0188")]),
    ("Claude", "Shannon", None, Tier.NONE, "en", "America/New_York", None,
     [(WORK, "617-555-0199")]),
    ("Barbara", "Liskov", "Liskov & Co", Tier.GOLD, "en", "America/New_York", "bob",
     [(WORK, "+1 617 555 0110")]),
]  # fmt: skip

# contact (last, first), subject, category, priority, status, due in days, assignee
REQUESTS = [
    (("Hopper", "Grace"), "Invoice shows the wrong tax id", "billing", Priority.HIGH,
     RequestStatus.IN_PROGRESS, 2, "alice"),
    (("Curie", "Marie"), "Quote for 50 more seats", "sales", Priority.NORMAL,
     RequestStatus.NEW, 5, "carol"),
    (("Lovelace", "Ada"), "Calls drop every hour", "technical", Priority.URGENT,
     RequestStatus.WAITING_ON_CUSTOMER, 1, "bob"),
    (("Lamarr", "Hedy"), "Replacement handset", "technical", Priority.NORMAL,
     RequestStatus.ASSIGNED, 3, "alice"),
    (("Turing", "Alan"), "Password reset", "account", Priority.LOW,
     RequestStatus.RESOLVED, None, "bob"),
]  # fmt: skip

# call id, contact (last, first) or None, ani, queue, agent, hours ago, outcome, disposition
INTERACTIONS = [
    ("demo-0001", ("Hopper", "Grace"), "+12125550100", "support", "alice", 50,
     Outcome.ANSWERED, "follow-up"),
    ("demo-0002", ("Curie", "Marie"), "+13125550144", "sales", "carol", 26,
     Outcome.ANSWERED, "quote-sent"),
    ("demo-0003", ("Curie", "Pierre"), "+13125550144", "support", "bob", 3,
     Outcome.ANSWERED, "information-given"),
    ("demo-0004", ("Lovelace", "Ada"), "+12125550122", "support", None, 20,
     Outcome.ABANDONED_QUEUE, None),
    ("demo-0005", None, "+16465550123", None, None, 8, Outcome.ABANDONED_IVR, None),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """How many rows of each kind this run added (all zero when already seeded)."""

    users: int = 0
    agents: int = 0
    hotlines: int = 0
    queues: int = 0
    disposition_codes: int = 0
    contacts: int = 0
    service_requests: int = 0
    interactions: int = 0


async def seed_demo(
    sessionmaker: async_sessionmaker[AsyncSession], *, now: datetime | None = None
) -> SeedSummary:
    """Add whatever part of the demo data is missing, in one transaction."""
    now = now or datetime.now(UTC)
    async with sessionmaker.begin() as session:
        return SeedSummary(
            users=await _users(session, now),
            agents=await _agents(session),
            hotlines=await _hotlines(session),
            queues=await _queues(session),
            disposition_codes=await _disposition_codes(session),
            contacts=await _contacts(session, now),
            service_requests=await _requests(session, now),
            interactions=await _interactions(session, now),
        )


async def _users(session: AsyncSession, now: datetime) -> int:
    added = 0
    for username, display_name, role, password in USERS:
        if await get_user(session, username) is None:
            await create_user(
                session,
                username=username,
                display_name=display_name,
                role=role,
                password=password,
                now=now,
            )
            added += 1
    return added


async def _agents(session: AsyncSession) -> int:
    added = 0
    for agent_id, extension, skills in AGENTS:
        if await session.get(Agent, agent_id) is None:
            await create_agent(
                session,
                agent_id=agent_id,
                extension=extension,
                endpoint=f"PJSIP/{extension}",
                skills=skills,
            )
            added += 1
    return added


async def _hotlines(session: AsyncSession) -> int:
    known = set(await session.scalars(select(Hotline.dnis)))
    missing = [
        Hotline(dnis=d, name=n, language=lang, brand=brand, ivr_menu=menu, timezone=tz)
        for d, n, lang, brand, menu, tz in HOTLINES
        if d not in known
    ]
    session.add_all(missing)
    return len(missing)


async def _disposition_codes(session: AsyncSession) -> int:
    added = 0
    for code, label, category, requires_note in DISPOSITION_CODES:
        if await get_disposition_code(session, code) is None:
            await create_disposition_code(
                session, code=code, label=label, category=category, requires_note=requires_note
            )
            added += 1
    return added


async def _queues(session: AsyncSession) -> int:
    known = set(await session.scalars(select(Queue.name)))
    missing = [
        Queue(name=n, required_skill=s, description=d) for n, s, d in QUEUES if n not in known
    ]
    session.add_all(missing)
    return len(missing)


async def _contacts(session: AsyncSession, now: datetime) -> int:
    added = 0
    for first, last, org, tier, language, tz, manager, phones in CONTACTS:
        if await _contact_id(session, (last, first)) is None:
            await create_contact(
                session,
                first_name=first,
                last_name=last,
                organisation=org,
                tier=tier,
                language=language,
                timezone=tz,
                account_manager=manager,
                phones=[NewPhone(kind, raw) for kind, raw in phones],
                emails=[f"{first.lower()}.{last.lower()}@example.com"],
                now=now - timedelta(days=90),
            )
            added += 1
    return added


async def _requests(session: AsyncSession, now: datetime) -> int:
    added = 0
    for name, subject, category, priority, status, due_days, assignee in REQUESTS:
        contact_id = await _contact_id(session, name)
        assert contact_id is not None, "contacts are seeded first"
        exists = await session.scalar(
            select(ServiceRequest.id).where(
                ServiceRequest.contact_id == contact_id, ServiceRequest.subject == subject
            )
        )
        if exists is None:
            await create_request(
                session,
                contact_id=contact_id,
                subject=subject,
                category=category,
                priority=priority,
                status=status,
                due_at=None if due_days is None else now + timedelta(days=due_days),
                assignee=assignee,
                now=now - timedelta(days=7),
            )
            added += 1
    return added


async def _interactions(session: AsyncSession, now: datetime) -> int:
    added = 0
    for call_id, name, ani, queue, agent, hours_ago, outcome, disposition in INTERACTIONS:
        if await get_interaction_by_call(session, call_id) is not None:
            continue
        contact_id = None if name is None else await _contact_id(session, name)
        started = now - timedelta(hours=hours_ago)
        draft = _past_call(call_id, contact_id, ani, queue, agent, started, outcome, disposition)
        await record_interaction(session, draft)
        added += 1
    return added


def _past_call(
    call_id: str,
    contact_id: int | None,
    ani: str,
    queue: str | None,
    agent_id: str | None,
    started: datetime,
    outcome: Outcome,
    disposition: str | None,
) -> InteractionDraft:
    queued = None if queue is None else started + timedelta(seconds=40)
    answered = None if agent_id is None else started + timedelta(seconds=75)
    ended = started + timedelta(seconds=75 + (240 if answered else 30))
    wrapped = None if disposition is None else ended + timedelta(seconds=30)
    return InteractionDraft(
        call_id=call_id,
        direction=Direction.INBOUND,
        started_at=started,
        ani=ani,
        dnis=HOTLINE,
        contact_id=contact_id,
        ivr_path=("main", queue) if queue else ("main",),
        ivr_choice={"sales": "1", "support": "2"}.get(queue or ""),
        queue=queue,
        agent_id=agent_id,
        queued_at=queued,
        answered_at=answered,
        ended_at=ended,
        outcome=outcome,
        disposition=disposition,
        wrapped_up_at=wrapped,
    )


async def _contact_id(session: AsyncSession, name: tuple[str, str]) -> int | None:
    last, first = name
    return await session.scalar(
        select(Contact.id).where(Contact.last_name == last, Contact.first_name == first)
    )
