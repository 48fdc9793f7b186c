"""The do-not-call list: numbers the dialer must not call, why, who said so, until when.

Owns ``do_not_call``. Numbers are stored in E.164, so any written form of a listed number is
caught. Adding a number that is already listed replaces its reason, source and expiry in one
atomic upsert (a renewed registry entry, a customer asking again), so concurrent adds of one
number cannot fail or duplicate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, InvalidPhoneNumber, NotFound
from crm_core.models import DoNotCallEntry
from crm_core.phones import NumberKind, normalise


@dataclass(frozen=True, slots=True)
class DoNotCall:
    e164: str
    reason: str
    source: str
    created_at: datetime
    expires_at: datetime | None


def e164_of(number: str, default_region: str) -> str:
    """The E.164 form of a dialable number; anything else raises ``InvalidPhoneNumber``."""
    normalised = normalise(number, default_region)
    if normalised.kind is not NumberKind.E164 or normalised.e164 is None:
        raise InvalidPhoneNumber(number, f"it is {normalised.kind.value}")
    return normalised.e164


async def add_do_not_call(
    session: AsyncSession,
    number: str,
    *,
    reason: str,
    source: str,
    now: datetime,
    expires_at: datetime | None = None,
    default_region: str = "US",
) -> DoNotCall:
    """List ``number`` (any format) until ``expires_at`` (None: for good)."""
    if not source.strip():
        raise InvalidField("source", "say where the entry comes from")
    if expires_at is not None and expires_at <= now:
        raise InvalidField("expires_at", "must be after now")
    values = {
        "e164": e164_of(number, default_region),
        "reason": reason,
        "source": source,
        "created_at": now,
        "expires_at": expires_at,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(DoNotCallEntry).values(**values)
    replaced = {k: upsert.excluded[k] for k in ("reason", "source", "created_at", "expires_at")}
    await session.execute(upsert.on_conflict_do_update(index_elements=["e164"], set_=replaced))
    return DoNotCall(**values)  # type: ignore[arg-type]


async def remove_do_not_call(
    session: AsyncSession, number: str, *, default_region: str = "US"
) -> None:
    """Take ``number`` off the list; raises ``NotFound`` if it is not on it."""
    e164 = e164_of(number, default_region)
    result = await session.execute(delete(DoNotCallEntry).where(DoNotCallEntry.e164 == e164))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("do-not-call entry", e164)


async def is_do_not_call(
    session: AsyncSession, number: str, at: datetime, *, default_region: str = "US"
) -> bool:
    """Whether ``number`` (any format) is listed and not expired at ``at``."""
    e164 = e164_of(number, default_region)
    found = await session.scalar(
        select(DoNotCallEntry.id).where(
            DoNotCallEntry.e164 == e164,
            or_(DoNotCallEntry.expires_at.is_(None), DoNotCallEntry.expires_at > at),
        )
    )
    return found is not None


async def get_do_not_call(
    session: AsyncSession, number: str, *, default_region: str = "US"
) -> DoNotCall | None:
    """The entry for ``number``, expired or not."""
    row = await session.scalar(
        select(DoNotCallEntry).where(DoNotCallEntry.e164 == e164_of(number, default_region))
    )
    if row is None:
        return None
    return DoNotCall(row.e164, row.reason, row.source, row.created_at, row.expires_at)
