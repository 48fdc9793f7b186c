"""Hotlines (the numbers callers dial) and queues, as configuration the daemon reads at start.

Owns ``hotlines`` and ``queues``; how calls are routed between them is the ACD's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.models import Hotline, Queue


@dataclass(frozen=True, slots=True)
class HotlineRecord:
    dnis: str
    name: str
    language: str


@dataclass(frozen=True, slots=True)
class QueueRecord:
    name: str
    required_skill: str
    description: str


async def get_hotline(session: AsyncSession, dnis: str) -> HotlineRecord | None:
    row = await session.scalar(select(Hotline).where(Hotline.dnis == dnis))
    return None if row is None else HotlineRecord(row.dnis, row.name, row.language)


async def list_hotlines(session: AsyncSession) -> list[HotlineRecord]:
    rows = await session.scalars(select(Hotline).order_by(Hotline.dnis))
    return [HotlineRecord(r.dnis, r.name, r.language) for r in rows]


async def list_queues(session: AsyncSession) -> list[QueueRecord]:
    rows = await session.scalars(select(Queue).order_by(Queue.name))
    return [QueueRecord(r.name, r.required_skill, r.description) for r in rows]
