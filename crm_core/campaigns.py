"""Outbound campaign state: campaigns, their lists of leads, and dial attempts.

Owns ``campaigns``, ``campaign_leads`` and ``campaign_attempts`` (see
``crm_core.models.campaigns`` for how they mirror ``dialer``'s pure core). crm_core stores
what the dialer decides and never decides it: the life-cycle moves come from
``dialer.campaign.transition`` (the caller passes the resulting status), the next attempt's
time from ``dialer.retries.next_attempt``. Settings are checked here (an existing queue, an
IANA zone, a window that opens before it closes, a cap between 0 and 1) and a refusal names
the field.

Leads, attempts and progress are ``crm_core.campaign_leads``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.campaign_rules import (
    DEFAULT_CONTACTED_WITHIN_DAYS,
    DEFAULT_PURCHASED_WITHIN_DAYS,
    DEFAULT_RETRIES,
    RetrySpec,
    retries_of,
    retry_columns,
    suppression_days,
)
from crm_core.errors import AlreadyExists, InvalidField, NotFound, VersionConflict
from crm_core.models import Campaign, Queue
from crm_core.vocabulary import AttemptOutcome, CampaignMode, CampaignStatus

DEFAULT_WEEKDAYS = frozenset(range(5))
SCRIPT_LIMIT = 10_000
#: A sound file name without extension, or "" for none.
PROMPT_NAME = re.compile(r"^[A-Za-z0-9_/-]{0,128}$")


@dataclass(frozen=True, slots=True)
class CallWindowSpec:
    """When leads may be dialled, in each lead's local time (``dialer.windows.CallWindow``)."""

    start: time = time(9, 0)
    end: time = time(20, 0)
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """``abandon_cap`` is exact (``dialer.abandon.AbandonLedger.cap``)."""

    campaign_id: int
    name: str
    mode: CampaignMode
    status: CampaignStatus
    queue: str
    caller_id: str
    abandon_cap: Fraction
    window: CallWindowSpec
    timezone: str | None
    max_attempts: int
    starts_at: datetime | None
    ends_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    script: str = ""
    machine_message: str = ""
    retries: Mapping[AttemptOutcome, RetrySpec] = field(default_factory=lambda: {**DEFAULT_RETRIES})
    #: Suppression periods in days (0: the rule is off).
    contacted_within_days: int = DEFAULT_CONTACTED_WITHIN_DAYS
    purchased_within_days: int = DEFAULT_PURCHASED_WITHIN_DAYS


@dataclass(frozen=True, slots=True)
class CampaignSettings:
    """What a campaign is created with; ``update_campaign`` takes any of these by name."""

    name: str
    mode: CampaignMode
    queue: str
    caller_id: str
    abandon_cap: Fraction = Fraction(3, 100)
    window: CallWindowSpec = field(default_factory=CallWindowSpec)
    timezone: str | None = None
    max_attempts: int = 5
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    #: What the agent's campaign pop shows, and the prompt left on answering machines.
    script: str = ""
    machine_message: str = ""
    #: Per retried outcome; an update may name only some outcomes (the rest are kept).
    retries: Mapping[AttemptOutcome, RetrySpec] = field(default_factory=lambda: {**DEFAULT_RETRIES})
    contacted_within_days: int = DEFAULT_CONTACTED_WITHIN_DAYS
    purchased_within_days: int = DEFAULT_PURCHASED_WITHIN_DAYS


async def create_campaign(
    session: AsyncSession, settings: CampaignSettings, *, now: datetime
) -> CampaignRecord:
    """A new campaign, as a draft; ``AlreadyExists`` if the name is taken."""
    values = await _checked(session, _as_changes(settings))
    if await session.scalar(select(Campaign.id).where(Campaign.name == settings.name)):
        raise AlreadyExists("campaign", settings.name)
    row = Campaign(
        **values, status=CampaignStatus.DRAFT.value, created_at=now, updated_at=now, version=1
    )
    session.add(row)
    await session.flush()
    return campaign_record(row)


async def get_campaign(session: AsyncSession, campaign_id: int) -> CampaignRecord | None:
    row = await session.get(Campaign, campaign_id)
    return None if row is None else campaign_record(row)


async def list_campaigns(
    session: AsyncSession, *, status: CampaignStatus | None = None
) -> list[CampaignRecord]:
    """Newest first, optionally only those in one state."""
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if status is not None:
        query = query.where(Campaign.status == CampaignStatus(status).value)
    return [campaign_record(row) for row in await session.scalars(query)]


async def update_campaign(
    session: AsyncSession,
    campaign_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    *,
    at: datetime,
) -> CampaignRecord:
    """Change settings (fields of ``CampaignSettings``) and/or ``status``, under a version.

    ``status`` is stored as given: the caller checks the move with ``dialer.campaign``
    (which also says only a draft is edited).
    """
    unknown = set(changes) - set(CampaignSettings.__dataclass_fields__) - {"status"}
    if unknown:
        raise InvalidField(sorted(unknown)[0], "is not a field that can be changed")
    settings = {k: v for k, v in changes.items() if k != "status"}
    values = await _checked(session, settings)
    row = await _locked(session, campaign_id)
    if row.version != expected_version:
        raise VersionConflict("campaign", campaign_id, expected_version, row.version)
    if "name" in values and values["name"] != row.name:
        taken = await session.scalar(select(Campaign.id).where(Campaign.name == values["name"]))
        if taken is not None:
            raise AlreadyExists("campaign", values["name"])
    if "status" in changes:
        values["status"] = _enum(CampaignStatus, "status", changes["status"])
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = at
    await session.flush()
    return campaign_record(row)


async def delete_campaign(session: AsyncSession, campaign_id: int, expected_version: int) -> None:
    """Remove a campaign with its leads and attempts (the caller allows drafts only)."""
    row = await _locked(session, campaign_id)
    if row.version != expected_version:
        raise VersionConflict("campaign", campaign_id, expected_version, row.version)
    await session.delete(row)
    await session.flush()


def campaign_record(row: Campaign) -> CampaignRecord:
    return CampaignRecord(
        campaign_id=row.id,
        name=row.name,
        mode=CampaignMode(row.mode),
        status=CampaignStatus(row.status),
        queue=row.queue,
        caller_id=row.caller_id,
        abandon_cap=Fraction(row.abandon_cap_bp, 10_000),
        window=CallWindowSpec(
            start=_time_of(row.window_start_minute),
            end=_time_of(row.window_end_minute),
            weekdays=frozenset(int(d) for d in row.window_days),
        ),
        timezone=row.timezone,
        max_attempts=row.max_attempts,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        script=row.script,
        machine_message=row.machine_message,
        retries=retries_of(row),
        contacted_within_days=row.contacted_within_days,
        purchased_within_days=row.purchased_within_days,
    )


async def _locked(session: AsyncSession, campaign_id: int) -> Campaign:
    row = await session.get(Campaign, campaign_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("campaign", campaign_id)
    return row


def _as_changes(settings: CampaignSettings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in CampaignSettings.__dataclass_fields__}


async def _checked(session: AsyncSession, changes: Mapping[str, object]) -> dict[str, object]:
    """Column values for the settings in ``changes``; ``InvalidField`` names a bad one."""
    values: dict[str, object] = {}
    for name, value in changes.items():
        if name == "name":
            values["name"] = _text("name", value, 128)
        elif name == "mode":
            values["mode"] = _enum(CampaignMode, "mode", value)
        elif name == "queue":
            queue = _text("queue", value, 64)
            if await session.scalar(select(Queue.id).where(Queue.name == queue)) is None:
                raise InvalidField("queue", f"no queue named {queue!r}")
            values["queue"] = queue
        elif name == "caller_id":
            values["caller_id"] = _caller_id(value)
        elif name == "abandon_cap":
            values["abandon_cap_bp"] = _basis_points(value)
        elif name == "window":
            values.update(_window(value))
        elif name == "timezone":
            values["timezone"] = _zone(value)
        elif name == "max_attempts":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
                raise InvalidField("max_attempts", "must be a whole number from 1 to 100")
            values["max_attempts"] = value
        elif name == "script":
            if not isinstance(value, str) or len(value) > SCRIPT_LIMIT:
                raise InvalidField("script", f"must be text of at most {SCRIPT_LIMIT} characters")
            values["script"] = value
        elif name == "machine_message":
            if not isinstance(value, str) or not PROMPT_NAME.match(value):
                raise InvalidField("machine_message", "a prompt name (letters, digits, - _ /)")
            values["machine_message"] = value
        elif name == "retries":
            values.update(retry_columns(value))
        elif name in ("contacted_within_days", "purchased_within_days"):
            values[name] = suppression_days(name, value)
        elif name in ("starts_at", "ends_at"):
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise InvalidField(name, "must be a timezone-aware time")
            values[name] = value
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
        raise InvalidField("ends_at", "must be after starts_at")
    return values


def _text(field_name: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidField(field_name, f"must be 1..{limit} characters")
    return value.strip()


def _enum(kind: type[StrEnum], field_name: str, value: object) -> str:
    if value not in set(kind):
        raise InvalidField(field_name, f"must be one of {', '.join(kind)}")
    return kind(str(value)).value


def _caller_id(value: object) -> str:
    text = _text("caller_id", value, 32)
    if not text.lstrip("+").isdigit():
        raise InvalidField("caller_id", "the number shown to leads: digits, optionally +")
    return text


def _basis_points(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, Fraction | int):
        raise InvalidField("abandon_cap", "must be a fraction such as 3/100")
    points = Fraction(value) * 10_000
    if points.denominator != 1 or not 0 <= points <= 10_000:
        raise InvalidField("abandon_cap", "must be 0..1 in steps of 1/10000")
    return int(points)


def _window(value: object) -> dict[str, object]:
    if not isinstance(value, CallWindowSpec):
        raise InvalidField("window", "must be a call window")
    start, end = _minute_of(value.start), _minute_of(value.end)
    if not start < end:
        raise InvalidField("window", "a call window must start before it ends (same local day)")
    if not value.weekdays or not value.weekdays <= frozenset(range(7)):
        raise InvalidField("window", "weekdays are 0 (Monday) .. 6 (Sunday), at least one")
    days = "".join(str(d) for d in sorted(value.weekdays))
    return {"window_start_minute": start, "window_end_minute": end, "window_days": days}


def _zone(value: object) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField("timezone", f"{value!r} is not an IANA time zone") from None
    return str(value)


def _minute_of(moment: time) -> int:
    # 24:00 cannot be a ``time``; 23:59:59.999999 stands for the end of the day.
    if moment == time.max:
        return 1440
    return moment.hour * 60 + moment.minute


def _time_of(minute: int) -> time:
    return time.max if minute >= 1440 else time(minute // 60, minute % 60)
