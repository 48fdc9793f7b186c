"""The history of contacts with the centre: recording calls, wrap-up, and reading them back.

Owns ``interactions``. ``record_interaction`` is idempotent per call id in the strict sense:
recording a call that is already there changes nothing and raises ``DuplicateInteraction``
carrying the existing row's id, so a retry after a crash or resync can carry on with that id
while two different calls wrongly sharing an id still get noticed.

The wrap-up (``set_disposition``) finalises a call: its code must be an active disposition
code (``crm_core.dispositions``), with a note if the code requires one. ``record_interaction``
stores the disposition it is given as it is: it records history (imports, calls written
after the fact), which may carry codes retired since. ``get_interaction`` reads one call with
its agent legs (``crm_core.segments``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.dispositions import check_disposition
from crm_core.errors import DuplicateInteraction, InvalidValue, NotFound, NotYourInteraction
from crm_core.models import Interaction
from crm_core.segments import SegmentRecord, interaction_segments
from crm_core.vocabulary import Direction, Outcome

MAX_DISPOSITION = 64


@dataclass(frozen=True, slots=True)
class InteractionDraft:
    """A call as the daemon saw it. Wait and talk seconds left None are derived from the
    timestamps: wait = queued → answered (or → ended if never answered), talk = answered → ended.
    """

    call_id: str
    direction: Direction
    started_at: datetime
    ani: str = ""
    dnis: str = ""
    channel: str = "voice"
    contact_id: int | None = None
    ivr_path: tuple[str, ...] = ()
    ivr_choice: str | None = None
    queue: str | None = None
    agent_id: str | None = None
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: float | None = None
    talk_seconds: float | None = None
    outcome: Outcome | None = None
    disposition: str | None = None
    notes: str = ""
    wrapped_up_at: datetime | None = None
    ended_during_link_loss: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionRecord(InteractionDraft):
    """A stored interaction: the draft's fields plus its id."""

    id: int


@dataclass(frozen=True, slots=True)
class InteractionDetail:
    """One interaction with its agent legs in ``seq`` order."""

    interaction: InteractionRecord
    segments: list[SegmentRecord]


@dataclass(frozen=True, slots=True)
class InteractionSummary:
    """One line of a contact card's recent history."""

    at: datetime
    direction: Direction
    queue: str | None
    agent_id: str | None
    outcome: Outcome | None
    disposition: str | None


async def record_interaction(session: AsyncSession, draft: InteractionDraft) -> int:
    """Store the call and return its interaction id; raises ``DuplicateInteraction``."""
    _check(draft)
    existing = await _id_for_call(session, draft.call_id)
    if existing is not None:
        raise DuplicateInteraction(draft.call_id, existing)
    values = asdict(draft)
    values.update(
        ivr_path=list(draft.ivr_path),
        wait_seconds=_wait_seconds(draft),
        talk_seconds=_talk_seconds(draft),
    )
    row = Interaction(**values)
    try:
        # A savepoint, so losing the race to a concurrent writer (possible on PostgreSQL)
        # leaves the caller's transaction usable.
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = await _id_for_call(session, draft.call_id)
        if existing is None:
            raise
        raise DuplicateInteraction(draft.call_id, existing) from None
    return row.id


async def complete_interaction(
    session: AsyncSession, draft: InteractionDraft, *, replacing: Outcome
) -> int:
    """Overwrite a provisional row of ``draft.call_id`` with the full account of the call.

    A daemon that stops mid-call records the call as ``replacing`` (``session_lost``) so the
    history has it even if nothing more is ever known; the next start resumes the caller and
    records the real end here. Any other stored outcome is final: ``DuplicateInteraction``.
    """
    _check(draft)
    row = await session.scalar(select(Interaction).where(Interaction.call_id == draft.call_id))
    if row is None:
        return await record_interaction(session, draft)
    if row.outcome != replacing.value:
        raise DuplicateInteraction(draft.call_id, row.id)
    values = asdict(draft)
    values.update(
        ivr_path=list(draft.ivr_path),
        wait_seconds=_wait_seconds(draft),
        talk_seconds=_talk_seconds(draft),
    )
    for name, value in values.items():
        setattr(row, name, value)
    await session.flush()
    return row.id


async def set_disposition(
    session: AsyncSession,
    interaction_id: int,
    agent_id: str,
    disposition: str,
    notes: str,
    at: datetime,
) -> InteractionRecord:
    """The agent's wrap-up: only the agent who handled the call may set it (again).

    ``disposition`` must be an active code; refusals name ``disposition`` or ``notes``.
    """
    if not disposition.strip() or len(disposition) > MAX_DISPOSITION:
        raise InvalidValue(f"a disposition is 1..{MAX_DISPOSITION} characters")
    row = await session.get(Interaction, interaction_id)
    if row is None:
        raise NotFound("interaction", interaction_id)
    if row.agent_id is None or row.agent_id != agent_id:
        raise NotYourInteraction(interaction_id, agent_id)
    await check_disposition(session, disposition, notes)
    row.disposition = disposition
    row.notes = notes
    row.wrapped_up_at = at
    await session.flush()
    return _record(row)


async def get_interaction(session: AsyncSession, interaction_id: int) -> InteractionDetail | None:
    """One interaction and its agent legs, or None."""
    row = await session.get(Interaction, interaction_id)
    if row is None:
        return None
    return InteractionDetail(_record(row), await interaction_segments(session, interaction_id))


async def get_interaction_by_call(session: AsyncSession, call_id: str) -> InteractionRecord | None:
    row = await session.scalar(select(Interaction).where(Interaction.call_id == call_id))
    return None if row is None else _record(row)


async def list_interactions(
    session: AsyncSession,
    *,
    contact_id: int | None = None,
    agent_id: str | None = None,
    limit: int = 50,
) -> list[InteractionRecord]:
    """Most recent first, optionally only one contact's or one agent's."""
    query = select(Interaction).order_by(Interaction.started_at.desc(), Interaction.id.desc())
    if contact_id is not None:
        query = query.where(Interaction.contact_id == contact_id)
    if agent_id is not None:
        query = query.where(Interaction.agent_id == agent_id)
    return [_record(row) for row in await session.scalars(query.limit(limit))]


async def last_agent_for_contact(
    session: AsyncSession, contact_id: int, since: datetime
) -> str | None:
    """The agent who last talked with the contact on a call started at ``since`` or later
    (the ACD's preferred agent when the contact has no account manager)."""
    query = (
        select(Interaction.agent_id)
        .where(
            Interaction.contact_id == contact_id,
            Interaction.started_at >= since,
            Interaction.agent_id.is_not(None),
            Interaction.answered_at.is_not(None),
        )
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def _id_for_call(session: AsyncSession, call_id: str) -> int | None:
    return await session.scalar(select(Interaction.id).where(Interaction.call_id == call_id))


def _check(draft: InteractionDraft) -> None:
    if not draft.call_id:
        raise InvalidValue("an interaction needs a call id")
    stamps = (
        draft.started_at,
        draft.queued_at,
        draft.answered_at,
        draft.ended_at,
        draft.wrapped_up_at,
    )
    if any(t is not None and t.tzinfo is None for t in stamps):
        raise InvalidValue(f"call {draft.call_id}: timestamps must be timezone-aware")


def _wait_seconds(draft: InteractionDraft) -> float | None:
    if draft.wait_seconds is not None or draft.queued_at is None:
        return draft.wait_seconds
    end = draft.answered_at or draft.ended_at
    return None if end is None else max(0.0, (end - draft.queued_at).total_seconds())


def _talk_seconds(draft: InteractionDraft) -> float | None:
    if draft.talk_seconds is not None or draft.answered_at is None or draft.ended_at is None:
        return draft.talk_seconds
    return max(0.0, (draft.ended_at - draft.answered_at).total_seconds())


def _record(row: Interaction) -> InteractionRecord:
    values = {f.name: getattr(row, f.name) for f in fields(InteractionRecord)}
    values.update(
        direction=Direction(row.direction),
        outcome=None if row.outcome is None else Outcome(row.outcome),
        ivr_path=tuple(row.ivr_path),
    )
    return InteractionRecord(**values)
