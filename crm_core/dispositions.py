"""Disposition codes: the closed list of wrap-up codes agents choose from, kept as data.

Owns ``disposition_codes``. A code is created active; it changes under optimistic
concurrency (``version``); removing a code that an interaction already carries only
deactivates it, so history keeps meaning something and reports can still group it.
``check_disposition`` is the rule the wrap-up applies (``crm_core.interactions``): the code
must exist and be active, and a code that ``requires_note`` needs a non-blank note.
Refused values raise ``InvalidField`` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.models import DispositionCode, Interaction
from crm_core.vocabulary import DispositionCategory

# Lower-case words joined by "-" or "_", so a code reads the same in a report, a URL and the
# agent page.
_CODE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_CODE, MAX_LABEL = 64, 128


@dataclass(frozen=True, slots=True)
class DispositionCodeRecord:
    code: str
    label: str
    category: DispositionCategory
    active: bool
    requires_note: bool
    version: int


class Removal(StrEnum):
    """What removing a code did: gone for good, or kept inactive because calls carry it."""

    DELETED = "deleted"
    DEACTIVATED = "deactivated"


async def list_disposition_codes(
    session: AsyncSession, *, include_inactive: bool = False
) -> list[DispositionCodeRecord]:
    """Codes by category, then code; only active ones unless ``include_inactive``."""
    query = select(DispositionCode).order_by(DispositionCode.category, DispositionCode.code)
    if not include_inactive:
        query = query.where(DispositionCode.active.is_(True))
    return [_record(row) for row in await session.scalars(query)]


async def get_disposition_code(session: AsyncSession, code: str) -> DispositionCodeRecord | None:
    row = await _row(session, code)
    return None if row is None else _record(row)


async def create_disposition_code(
    session: AsyncSession,
    *,
    code: str,
    label: str,
    category: DispositionCategory,
    requires_note: bool = False,
) -> DispositionCodeRecord:
    """Add an active code; ``AlreadyExists`` if the code is taken (even by an inactive one)."""
    row = DispositionCode(
        code=_code(code),
        label=_label(label),
        category=_category(category),
        active=True,
        requires_note=requires_note,
        version=1,
    )
    if await _row(session, row.code) is not None:
        raise AlreadyExists("disposition code", row.code)
    session.add(row)
    await session.flush()
    return _record(row)


# The fields ``update_disposition_code`` accepts; the code itself is the key and never changes.
EDITABLE = frozenset({"label", "category", "active", "requires_note"})


async def update_disposition_code(
    session: AsyncSession, code: str, expected_version: int, changes: Mapping[str, object]
) -> DispositionCodeRecord:
    """Apply ``changes`` if the code is still at ``expected_version`` (else ``VersionConflict``)."""
    checked: dict[str, object] = {}
    for field, value in changes.items():
        if field not in EDITABLE:
            raise InvalidField(field, "is not a field that can be changed")
        if field == "label":
            checked[field] = _label(value)
        elif field == "category":
            checked[field] = _category(value)
        elif not isinstance(value, bool):
            raise InvalidField(field, "must be true or false")
        else:
            checked[field] = value
    row = await _row(session, code, lock=True)
    if row is None:
        raise NotFound("disposition code", code)
    if row.version != expected_version:
        raise VersionConflict("disposition code", code, expected_version, row.version)
    for field, value in checked.items():
        setattr(row, field, value)
    row.version += 1
    await session.flush()
    return _record(row)


async def remove_disposition_code(session: AsyncSession, code: str) -> Removal:
    """Delete the code, or deactivate it when an interaction carries it."""
    row = await _row(session, code, lock=True)
    if row is None:
        raise NotFound("disposition code", code)
    used = await session.scalar(
        select(Interaction.id).where(Interaction.disposition == row.code).limit(1)
    )
    if used is not None:
        if row.active:
            row.active = False
            row.version += 1
            await session.flush()
        return Removal.DEACTIVATED
    await session.execute(delete(DispositionCode).where(DispositionCode.id == row.id))
    return Removal.DELETED


async def check_disposition(session: AsyncSession, code: str, notes: str) -> None:
    """Refuse a wrap-up code that is not active (``disposition``) or lacks its note (``notes``)."""
    row = await _row(session, code)
    if row is None or not row.active:
        known = await session.scalars(
            select(DispositionCode.code)
            .where(DispositionCode.active.is_(True))
            .order_by(DispositionCode.code)
        )
        listed = ", ".join(known) or "none are defined"
        raise InvalidField("disposition", f"{code!r} is not an active code (use: {listed})")
    if row.requires_note and not notes.strip():
        raise InvalidField("notes", f"the code {code!r} needs a note")


async def _row(session: AsyncSession, code: str, *, lock: bool = False) -> DispositionCode | None:
    query = select(DispositionCode).where(DispositionCode.code == code)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    row: DispositionCode | None = await session.scalar(query)
    return row


def _code(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_CODE or not _CODE.fullmatch(value):
        raise InvalidField(
            "code", f"1..{MAX_CODE} lower-case letters and digits, words joined by - or _"
        )
    return value


def _label(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL:
        raise InvalidField("label", f"must be 1..{MAX_LABEL} characters")
    return value.strip()


def _category(value: object) -> str:
    if value not in set(DispositionCategory):
        raise InvalidField("category", f"must be one of {', '.join(DispositionCategory)}")
    return DispositionCategory(str(value)).value


def _record(row: DispositionCode) -> DispositionCodeRecord:
    return DispositionCodeRecord(
        code=row.code,
        label=row.label,
        category=DispositionCategory(row.category),
        active=row.active,
        requires_note=row.requires_note,
        version=row.version,
    )
