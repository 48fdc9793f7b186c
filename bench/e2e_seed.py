"""Bulk seeding for the end-to-end bench: thousands of agents and a realistic contact book.

Owns: ``seed_center`` (users with the role ``agent``, their agents rows with both queues'
skills, and contacts with one phone each, inserted in bulk with SQLAlchemy Core into a CRM
that ``callcenter db seed`` already made), the cheap password hasher the bench logs in
with, and the numbers callers dial from. ``crm_core``'s one-row functions would hash each
password and flush each row: minutes for 2,000 agents.
Must not touch the schema: migrations own it.
"""

import random
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from crm_core import passwords
from crm_core.db import make_engine
from crm_core.models import Agent, AgentSkill, Contact, ContactPhone, User

PASSWORD = "bench"
#: Argon2id at its cheapest: a login checks it in well under a millisecond. At the product's
#: parameters one check takes 0.1-0.5 s here, so 2,000 logins would take minutes, and
#: logging in is not what the bench measures.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
#: Area codes of the seeded contacts (NANP, exchange 555): 10,000 numbers each.
AREAS = ("201", "202", "203", "205", "206", "207", "208", "209", "210", "212",
         "213", "214", "215", "216", "217", "218", "219", "224", "225", "228")  # fmt: skip
#: Callers the CRM does not know dial from this area code.
UNKNOWN_AREA = "646"
TIERS = ("none", "none", "none", "bronze", "silver", "gold", "platinum")
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Center:
    #: agent id -> extension (the simulator's phone, ``PJSIP/<extension>``)
    agents: dict[str, str]
    #: the E.164 numbers of seeded contacts, index = contact number
    numbers: list[str]


def use_cheap_hasher() -> None:
    """Make this process hash and verify with ``CHEAP_HASHER`` (the daemon's logins)."""
    passwords._HASHER = CHEAP_HASHER


def agent_id(n: int) -> str:
    return f"agent{n:05d}"


def contact_number(n: int) -> str:
    area, line = AREAS[n // 10_000 % len(AREAS)], n % 10_000
    return f"+1{area}555{line:04d}"


def unknown_number(n: int) -> str:
    return f"+1{UNKNOWN_AREA}555{n % 10_000:04d}"


async def seed_center(db_url: str, agents: int, contacts: int, seed: int = 9) -> Center:
    rng = random.Random(seed)
    ids = {agent_id(n): str(20_000 + n) for n in range(agents)}
    numbers = [contact_number(n) for n in range(contacts)]
    password_hash = CHEAP_HASHER.hash(PASSWORD)
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(User), [_user(a, password_hash) for a in ids])
            await conn.execute(
                insert(Agent),
                [{"agent_id": a, "extension": e, "endpoint": f"PJSIP/{e}"} for a, e in ids.items()],
            )
            skills = [
                {"agent_id": a, "skill": skill, "level": rng.randint(1, 10)}
                for a in ids
                for skill in ("sales", "support")
            ]
            await conn.execute(insert(AgentSkill), skills)
        for start in range(0, contacts, BATCH):
            async with engine.begin() as conn:
                await _contacts(conn, rng, range(start, min(start + BATCH, contacts)), numbers)
    finally:
        await engine.dispose()
    return Center(ids, numbers)


def _user(agent: str, password_hash: str) -> dict[str, object]:
    return {
        "username": agent,
        "display_name": f"Agent {agent[5:]}",
        "role": "agent",
        "password_hash": password_hash,
        "active": True,
    }


async def _contacts(
    conn: AsyncConnection, rng: random.Random, span: range, numbers: list[str]
) -> None:
    first = await conn.execute(
        insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
        [
            {"first_name": f"Customer{n}", "last_name": f"Bench{n % 997}",
             "tier": rng.choice(TIERS), "timezone": "America/New_York"}
            for n in span
        ],
    )  # fmt: skip
    contact_ids = list(first.scalars())
    await conn.execute(
        insert(ContactPhone),
        [
            # Raw as people type it, the last seven digits in one piece (the naive
            # connector's suffix match relies on that; ours matches on E.164).
            {"contact_id": cid, "kind": "mobile", "raw": _typed(numbers[n]), "e164": numbers[n]}
            for cid, n in zip(contact_ids, span, strict=True)
        ],
    )


def _typed(e164: str) -> str:
    return f"+1 ({e164[2:5]}) {e164[5:]}"
