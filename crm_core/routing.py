"""Hotlines (the numbers callers dial) and queues, as configuration the daemon reads at start.

Owns ``hotlines`` and ``queues``; how calls are routed between them is the ACD's business.
A hotline maps a DNIS to its name, brand, language, the IVR menu that answers it and the
time zone its business hours are read in; a queue has a name and the skill it needs. Both
change under optimistic concurrency (``version``); refused values raise ``InvalidField``
naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.models import Hotline, Queue

# What a trunk delivers as the dialled number: digits, optionally a leading "+".
_DNIS = re.compile(r"\+?\d{1,31}")
_MENU = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NAME = _MENU

R = TypeVar("R", Hotline, Queue)


@dataclass(frozen=True, slots=True)
class HotlineRecord:
    dnis: str
    name: str
    language: str
    brand: str = ""
    ivr_menu: str = "main"
    timezone: str = "UTC"
    version: int = 1


@dataclass(frozen=True, slots=True)
class QueueRecord:
    name: str
    required_skill: str
    description: str
    version: int = 1


async def get_hotline(session: AsyncSession, dnis: str) -> HotlineRecord | None:
    row = await session.scalar(select(Hotline).where(Hotline.dnis == dnis))
    return None if row is None else _hotline(row)


async def list_hotlines(session: AsyncSession) -> list[HotlineRecord]:
    rows = await session.scalars(select(Hotline).order_by(Hotline.dnis))
    return [_hotline(r) for r in rows]


async def create_hotline(
    session: AsyncSession,
    *,
    dnis: str,
    name: str,
    language: str = "en",
    brand: str = "",
    ivr_menu: str = "main",
    timezone: str = "UTC",
) -> HotlineRecord:
    """Add a hotline; ``AlreadyExists`` if the DNIS has one."""
    values = _checked(
        {"name": name, "language": language, "brand": brand, "ivr_menu": ivr_menu}
        | {"timezone": timezone}
    )
    if not _DNIS.fullmatch(dnis):
        raise InvalidField("dnis", "the dialled number: digits, optionally a leading +")
    if await session.scalar(select(Hotline.id).where(Hotline.dnis == dnis)) is not None:
        raise AlreadyExists("hotline", dnis)
    row = Hotline(dnis=dnis, version=1, **values)
    session.add(row)
    await session.flush()
    return _hotline(row)


async def update_hotline(
    session: AsyncSession, dnis: str, expected_version: int, changes: Mapping[str, object]
) -> HotlineRecord:
    """Change the fields in ``changes`` (the DNIS is the key and stays) under a version."""
    row = await _locked(session, Hotline, Hotline.dnis, dnis, "hotline")
    await _change(session, row, expected_version, _checked(changes))
    return _hotline(row)


async def delete_hotline(session: AsyncSession, dnis: str, expected_version: int) -> None:
    """Remove the hotline (interactions keep the DNIS they were dialled on, as text)."""
    row = await _locked(session, Hotline, Hotline.dnis, dnis, "hotline")
    await _delete(session, row, expected_version)


async def list_queues(session: AsyncSession) -> list[QueueRecord]:
    rows = await session.scalars(select(Queue).order_by(Queue.name))
    return [_queue(r) for r in rows]


async def get_queue(session: AsyncSession, name: str) -> QueueRecord | None:
    row = await session.scalar(select(Queue).where(Queue.name == name))
    return None if row is None else _queue(row)


async def create_queue(
    session: AsyncSession, *, name: str, required_skill: str, description: str = ""
) -> QueueRecord:
    """Add a queue; ``AlreadyExists`` if the name is taken. The daemon reads queues at start."""
    values = _queue_fields({"required_skill": required_skill, "description": description})
    if not _NAME.fullmatch(name):
        raise InvalidField("name", "1..64 letters, digits, - and _")
    if await session.scalar(select(Queue.id).where(Queue.name == name)) is not None:
        raise AlreadyExists("queue", name)
    row = Queue(name=name, version=1, **values)
    session.add(row)
    await session.flush()
    return _queue(row)


async def update_queue(
    session: AsyncSession, name: str, expected_version: int, changes: Mapping[str, object]
) -> QueueRecord:
    """Change ``required_skill`` and/or ``description`` (the name is the key) under a version."""
    row = await _locked(session, Queue, Queue.name, name, "queue")
    await _change(session, row, expected_version, _queue_fields(changes))
    return _queue(row)


async def delete_queue(session: AsyncSession, name: str, expected_version: int) -> None:
    """Remove the queue (interactions and campaigns keep its name, as text)."""
    row = await _locked(session, Queue, Queue.name, name, "queue")
    await _delete(session, row, expected_version)


def _queue_fields(changes: Mapping[str, object]) -> dict[str, object]:
    checked: dict[str, object] = {}
    for field, value in changes.items():
        if field == "required_skill":
            if not isinstance(value, str) or not value.strip() or len(value) > 64:
                raise InvalidField(field, "must be 1..64 characters")
            checked[field] = value.strip()
        elif field == "description":
            if not isinstance(value, str) or len(value) > 2000:
                raise InvalidField(field, "must be text of at most 2000 characters")
            checked[field] = value
        else:
            raise InvalidField(field, "is not a field that can be changed")
    return checked


def _queue(row: Queue) -> QueueRecord:
    return QueueRecord(row.name, row.required_skill, row.description, row.version)


async def _locked(
    session: AsyncSession, model: type[R], key: InstrumentedAttribute[str], value: str, kind: str
) -> R:
    """The row whose ``key`` is ``value``, locked for a versioned change; ``NotFound`` names
    the ``kind``."""
    row = await session.scalar(
        select(model)
        .where(key == value)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(kind, value)
    return row


async def _change(
    session: AsyncSession, row: Hotline | Queue, expected: int, values: Mapping[str, object]
) -> None:
    _check_version(row, expected)
    for field, value in values.items():
        setattr(row, field, value)
    row.version += 1
    await session.flush()


async def _delete(session: AsyncSession, row: Hotline | Queue, expected: int) -> None:
    _check_version(row, expected)
    await session.delete(row)
    await session.flush()


def _check_version(row: Hotline | Queue, expected: int) -> None:
    if row.version != expected:
        kind, key = ("hotline", row.dnis) if isinstance(row, Hotline) else ("queue", row.name)
        raise VersionConflict(kind, key, expected, row.version)


def _checked(changes: Mapping[str, object]) -> dict[str, object]:
    checked: dict[str, object] = {}
    for field, value in changes.items():
        limit = {"name": 128, "language": 16, "brand": 128}.get(field)
        if limit is not None:
            blank_ok = field == "brand"
            if not isinstance(value, str) or len(value) > limit or not (blank_ok or value.strip()):
                raise InvalidField(field, f"must be text of at most {limit} characters")
            checked[field] = value.strip()
        elif field == "ivr_menu":
            if not isinstance(value, str) or not _MENU.fullmatch(value):
                raise InvalidField(field, "a menu's name: letters, digits, - and _")
            checked[field] = value
        elif field == "timezone":
            checked[field] = _zone(value)
        else:
            raise InvalidField(field, "is not a field that can be changed")
    return checked


def _zone(value: object) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField("timezone", f"{value!r} is not an IANA time zone") from None
    return str(value)


def _hotline(row: Hotline) -> HotlineRecord:
    return HotlineRecord(
        dnis=row.dnis,
        name=row.name,
        language=row.language,
        brand=row.brand,
        ivr_menu=row.ivr_menu,
        timezone=row.timezone,
        version=row.version,
    )
