"""CSV import and export of contacts, with a per-row error report and no half-written rows.

Owns the CSV format (``COLUMNS``; export writes what import reads). Import checks every row in
pure code first (name, phones, e-mails, tier, language, time zone, lengths), then writes the
good rows in bulk, ``batch_size`` rows per transaction (``crm_core.contacts_bulk``): a row is
written whole (contact, all its phones and e-mails) or not at all, a row the database still
refuses costs only itself, and every refused row is reported with its line number and reason.
Lines count from 1 (the header); a quoted field spanning lines reports the line its record
starts on.

``phones`` and ``emails`` hold several values separated by ";"; a phone may carry its kind
("work:+1 212 555 0100"; without one it is "mobile"). Phones must be dialable (E.164 after
normalisation in ``default_region``): one bad number refuses the whole row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from crm_core.contacts_bulk import CheckedPhone, CheckedRow, RowError, write_rows
from crm_core.errors import InvalidValue
from crm_core.models import Contact
from crm_core.phones import NumberKind, normalise
from crm_core.vocabulary import PhoneKind, Tier

COLUMNS = (
    "first_name",
    "last_name",
    "organisation",
    "phones",
    "emails",
    "tier",
    "language",
    "timezone",
    "account_manager",
    "notes",
)
NAME_COLUMNS = frozenset({"first_name", "last_name", "organisation"})
LIMITS = {"first_name": 128, "last_name": 128, "organisation": 256, "language": 16}
LIMITS |= {"timezone": 64, "account_manager": 64}
# Column widths of one phone's raw form and of one address (PostgreSQL enforces them).
PHONE_LIMIT, EMAIL_LIMIT = 64, 320


@dataclass(frozen=True, slots=True)
class ImportReport:
    """``imported`` counts contacts written; ``errors`` lists every refused row, by line."""

    imported: int
    contact_ids: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def import_contacts_csv(
    sessionmaker: async_sessionmaker[AsyncSession],
    text: str,
    *,
    default_region: str,
    now: datetime,
    batch_size: int = 500,
) -> ImportReport:
    """Import ``text``; raises ``InvalidValue`` only if the header itself is unusable.

    Contacts are not de-duplicated, within the file or against the database: people share
    numbers (an office line, a family), so a second row with a known number is a new contact.
    """
    good: list[CheckedRow] = []
    errors: list[RowError] = []
    for item in parse_contacts_csv(text, default_region):
        if isinstance(item, RowError):
            errors.append(item)
        else:
            good.append(item)
    ids, refused = await write_rows(
        sessionmaker, good, default_region=default_region, now=now, batch_size=batch_size
    )
    errors.extend(refused)
    errors.sort(key=lambda e: e.line)
    return ImportReport(imported=len(ids), contact_ids=ids, errors=errors)


def parse_contacts_csv(text: str, default_region: str) -> Iterator[CheckedRow | RowError]:
    """Each data row checked: a ``CheckedRow`` ready to write, or a ``RowError``. Pure."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    _check_header(header)
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(start, f"unreadable CSV: {exc}")
            return
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield RowError(line, f"has {len(cells)} fields, the header has {len(header)}")
            continue
        yield _checked_row(line, dict(zip(header, cells, strict=True)), default_region)


def _check_header(header: Sequence[str]) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InvalidValue(f"unknown CSV columns {unknown}: use {', '.join(COLUMNS)}")
    if len(set(header)) != len(header):
        raise InvalidValue("a CSV column appears twice")
    if not NAME_COLUMNS & set(header):
        raise InvalidValue("the CSV needs a first_name, last_name or organisation column")


def _checked_row(line: int, raw: dict[str, str], region: str) -> CheckedRow | RowError:
    values = {k: v.strip() for k, v in raw.items() if k != "notes"} | {
        "notes": raw.get("notes", "")
    }
    if not any(values.get(c) for c in NAME_COLUMNS):
        return RowError(line, "missing name: first_name, last_name or organisation")
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            return RowError(line, f"{column} is longer than {limit} characters")
    try:
        tier = Tier(values.get("tier") or Tier.NONE.value)
    except ValueError:
        return RowError(line, f"unknown tier {values['tier']!r}")
    if (zone := values.get("timezone")) and not _is_zone(zone):
        return RowError(line, f"unknown time zone {zone!r}")
    phones: list[CheckedPhone] = []
    for part in _split(values.get("phones", "")):
        phone = _phone(part, region)
        if isinstance(phone, str):
            return RowError(line, phone)
        phones.append(phone)
    emails = _split(values.get("emails", ""))
    if bad := [e for e in emails if "@" not in e.strip("@")]:
        return RowError(line, f"invalid e-mail {bad[0]!r}")
    if long := [e for e in emails if len(e) > EMAIL_LIMIT]:
        return RowError(line, f"e-mail {long[0][:40]!r}… is longer than {EMAIL_LIMIT} characters")
    return CheckedRow(line, values, phones, emails, tier)


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _phone(part: str, region: str) -> CheckedPhone | str:
    kind, sep, number = part.partition(":")
    if not sep:
        kind, number = PhoneKind.MOBILE.value, part
    elif kind.strip().lower() not in set(PhoneKind):
        return f"unknown phone kind {kind.strip()!r}: use {', '.join(PhoneKind)}"
    number = number.strip()
    if len(number) > PHONE_LIMIT:
        return f"phone {number[:40]!r}… is longer than {PHONE_LIMIT} characters"
    found = normalise(number, region)
    if found.kind is not NumberKind.E164 or found.e164 is None:
        return f"invalid phone {number!r}"
    return CheckedPhone(PhoneKind(kind.strip().lower()), number, found.e164)


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


async def export_contacts_csv(session: AsyncSession, *, tier: Tier | None = None) -> str:
    """All contacts (or one tier's) as CSV in ``COLUMNS`` order, oldest first.

    Phones are written in E.164, not as typed: a national form means nothing without the
    region it was typed in, and the file may be imported elsewhere.
    """
    query = (
        select(Contact)
        .options(selectinload(Contact.phones), selectinload(Contact.emails))
        .order_by(Contact.id)
    )
    if tier is not None:
        query = query.where(Contact.tier == Tier(tier).value)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for contact in await session.scalars(query):
        writer.writerow(
            [
                contact.first_name,
                contact.last_name,
                contact.organisation or "",
                "; ".join(f"{p.kind}:{p.e164 or p.raw}" for p in contact.phones),
                "; ".join(e.address for e in contact.emails),
                contact.tier,
                contact.language,
                contact.timezone or "",
                contact.account_manager or "",
                contact.notes,
            ]
        )
    return out.getvalue()
