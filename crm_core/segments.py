"""Agent legs of an interaction (segments), and each agent's own share of the calls.

Owns ``interaction_segments``. One interaction (one customer call) passes through one or
more agents; each leg is a segment numbered ``seq`` 1, 2, … in the order the legs began, so a
transferred call credits every agent with their own ring, talk, hold and wrap-up time.

The call flow can write segments live, as the PBX reports them, once the interaction row
exists (``record_interaction`` gives its id):

1. ``open_segment`` when the agent's phone starts ringing (``DialBegin``);
2. ``answer_segment`` when the agent answers (ring seconds are fixed then; the MixMonitor
   file may be given here or at the end);
3. ``add_hold`` each time the caller comes back from hold (the seconds held);
4. ``close_segment`` when the leg ends, with a ``SegmentEnd``: an answered leg ends
   ``completed``, ``transferred`` or ``failed``; an unanswered one ``no_answer``,
   ``rejected``, ``caller_hung_up`` or ``failed``;
5. ``set_wrap_up`` when the agent finishes wrap-up for it.

Or, when the interaction is only written at the end of the call (as the call flow does
today), ``record_segments`` stores every leg at once from ``SegmentDraft``s in the same
transaction as ``record_interaction``.

Invariants: ``talk_seconds + hold_seconds`` is the time connected (answered → ended), so
hold added after the end moves time from talk to hold; a segment changes only forward (a
closed one cannot be answered or closed again). Breaking one raises ``SegmentRefused``;
unknown interactions, segments or agents raise ``NotFound``. Per-agent totals over a period
are ``crm_core.agent_totals``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.errors import InvalidField, NotFound, SegmentRefused
from crm_core.models import Agent, Interaction, InteractionSegment
from crm_core.vocabulary import ANSWERED_ENDS, UNANSWERED_ENDS, SegmentEnd


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """One stored agent leg; seconds are None until known (see the module's docstring)."""

    segment_id: int
    interaction_id: int
    seq: int
    agent_id: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    end_reason: SegmentEnd | None
    ring_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float
    wrap_up_seconds: float | None
    recording: str | None


@dataclass(frozen=True, slots=True)
class SegmentDraft:
    """A whole leg as the call flow saw it, for ``record_segments``."""

    agent_id: str
    started_at: datetime
    ended_at: datetime
    end_reason: SegmentEnd
    answered_at: datetime | None = None
    hold_seconds: float = 0.0
    wrap_up_seconds: float | None = None
    recording: str | None = None


async def open_segment(
    session: AsyncSession,
    interaction_id: int,
    agent_id: str,
    *,
    at: datetime,
) -> SegmentRecord:
    """A new leg: ``agent_id``'s phone started ringing ``at``; it takes the next ``seq``."""
    _aware("at", at)
    await _known(session, interaction_id, agent_id)
    row = InteractionSegment(
        interaction_id=interaction_id,
        seq=await _next_seq(session, interaction_id),
        agent_id=agent_id,
        started_at=at,
        hold_seconds=0.0,
    )
    session.add(row)
    await session.flush()
    return segment_record(row)


async def answer_segment(
    session: AsyncSession, segment_id: int, *, at: datetime, recording: str | None = None
) -> SegmentRecord:
    """The agent answered ``at``: the ring time is fixed. Answering twice is refused."""
    _aware("at", at)
    row = await _locked(session, segment_id)
    if row.ended_at is not None or row.answered_at is not None:
        raise SegmentRefused(segment_id, "it was already answered or has ended")
    if at < row.started_at:
        raise InvalidField("at", "a leg cannot be answered before it started ringing")
    row.answered_at = at
    row.ring_seconds = _seconds(row.started_at, at)
    if recording is not None:
        row.recording = _recording(recording)
    await session.flush()
    return segment_record(row)


async def add_hold(session: AsyncSession, segment_id: int, seconds: float) -> SegmentRecord:
    """Add ``seconds`` the caller spent on hold in this leg (after each unhold).

    On a leg already closed the seconds move from talk to hold and may not exceed the talk
    time left: hold cannot make the connected time longer than it was.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidField("seconds", "hold time is a number of seconds, 0 or more")
    row = await _locked(session, segment_id)
    if row.answered_at is None:
        raise SegmentRefused(segment_id, "a leg nobody answered has no hold time")
    if row.talk_seconds is not None:
        if seconds > row.talk_seconds + 1e-6:
            raise InvalidField("seconds", "more hold than the leg's remaining talk time")
        row.talk_seconds = max(0.0, row.talk_seconds - seconds)
    row.hold_seconds += seconds
    await session.flush()
    return segment_record(row)


async def close_segment(
    session: AsyncSession,
    segment_id: int,
    end: SegmentEnd,
    *,
    at: datetime,
    recording: str | None = None,
) -> SegmentRecord:
    """The leg ended ``at`` because of ``end``; talk = connected time − hold so far."""
    _aware("at", at)
    end = SegmentEnd(end)
    row = await _locked(session, segment_id)
    if row.ended_at is not None:
        raise SegmentRefused(segment_id, "it has already ended")
    _check_end(segment_id, end, answered=row.answered_at is not None)
    if at < (row.answered_at or row.started_at):
        raise InvalidField("at", "a leg cannot end before it started or was answered")
    row.ended_at = at
    row.end_reason = end.value
    if row.answered_at is None:
        row.ring_seconds = _seconds(row.started_at, at)
        row.talk_seconds = 0.0
    else:
        connected = _seconds(row.answered_at, at)
        row.hold_seconds = min(row.hold_seconds, connected)
        row.talk_seconds = connected - row.hold_seconds
    if recording is not None:
        row.recording = _recording(recording)
    await session.flush()
    return segment_record(row)


async def set_wrap_up(session: AsyncSession, segment_id: int, seconds: float) -> SegmentRecord:
    """The agent's wrap-up time after this leg (set again to correct it)."""
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidField("seconds", "wrap-up time is a number of seconds, 0 or more")
    row = await _locked(session, segment_id)
    if row.ended_at is None:
        raise SegmentRefused(segment_id, "wrap-up follows the end of the leg")
    row.wrap_up_seconds = seconds
    await session.flush()
    return segment_record(row)


async def record_segments(
    session: AsyncSession, interaction_id: int, drafts: Sequence[SegmentDraft]
) -> list[SegmentRecord]:
    """Store whole legs after the interaction's existing ones, in ``started_at`` order."""
    ordered = sorted(drafts, key=lambda d: d.started_at)
    for draft in ordered:
        _check_draft(draft)
    agents = {d.agent_id for d in ordered}
    await _known(session, interaction_id, *agents)
    seq = await _next_seq(session, interaction_id)
    rows = []
    for offset, draft in enumerate(ordered):
        answered = draft.answered_at
        connected = 0.0 if answered is None else _seconds(answered, draft.ended_at)
        hold = min(draft.hold_seconds, connected)
        rows.append(
            InteractionSegment(
                interaction_id=interaction_id,
                seq=seq + offset,
                agent_id=draft.agent_id,
                started_at=draft.started_at,
                answered_at=answered,
                ended_at=draft.ended_at,
                end_reason=SegmentEnd(draft.end_reason).value,
                ring_seconds=_seconds(draft.started_at, answered or draft.ended_at),
                talk_seconds=connected - hold,
                hold_seconds=hold,
                wrap_up_seconds=draft.wrap_up_seconds,
                recording=None if draft.recording is None else _recording(draft.recording),
            )
        )
    session.add_all(rows)
    await session.flush()
    return [segment_record(r) for r in rows]


async def interaction_segments(session: AsyncSession, interaction_id: int) -> list[SegmentRecord]:
    """The interaction's legs in ``seq`` order (empty for an unknown interaction)."""
    found = await segments_by_interaction(session, [interaction_id])
    return found.get(interaction_id, [])


async def segments_by_interaction(
    session: AsyncSession, interaction_ids: Collection[int]
) -> dict[int, list[SegmentRecord]]:
    """Legs of several interactions in one query, each list in ``seq`` order."""
    if not interaction_ids:
        return {}
    rows = await session.scalars(
        select(InteractionSegment)
        .where(InteractionSegment.interaction_id.in_(interaction_ids))
        .order_by(InteractionSegment.interaction_id, InteractionSegment.seq)
    )
    found: dict[int, list[SegmentRecord]] = defaultdict(list)
    for row in rows:
        found[row.interaction_id].append(segment_record(row))
    return dict(found)


def segment_record(row: InteractionSegment) -> SegmentRecord:
    return SegmentRecord(
        segment_id=row.id,
        interaction_id=row.interaction_id,
        seq=row.seq,
        agent_id=row.agent_id,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        end_reason=None if row.end_reason is None else SegmentEnd(row.end_reason),
        ring_seconds=row.ring_seconds,
        talk_seconds=row.talk_seconds,
        hold_seconds=row.hold_seconds,
        wrap_up_seconds=row.wrap_up_seconds,
        recording=row.recording,
    )


async def _known(session: AsyncSession, interaction_id: int, *agent_ids: str) -> None:
    if await session.get(Interaction, interaction_id) is None:
        raise NotFound("interaction", interaction_id)
    for agent_id in agent_ids:
        if await session.get(Agent, agent_id) is None:
            raise NotFound("agent", agent_id)


async def _next_seq(session: AsyncSession, interaction_id: int) -> int:
    # Two legs of one call opening at once would collide on (interaction_id, seq): the
    # unique constraint refuses the second rather than numbering both alike.
    highest = await session.scalar(
        select(func.max(InteractionSegment.seq)).where(
            InteractionSegment.interaction_id == interaction_id
        )
    )
    return (highest or 0) + 1


async def _locked(session: AsyncSession, segment_id: int) -> InteractionSegment:
    row = await session.get(
        InteractionSegment, segment_id, with_for_update=True, populate_existing=True
    )
    if row is None:
        raise NotFound("segment", segment_id)
    return row


def _check_end(segment_id: int, end: SegmentEnd, *, answered: bool) -> None:
    allowed = ANSWERED_ENDS if answered else UNANSWERED_ENDS
    if end not in allowed:
        state = "an answered" if answered else "an unanswered"
        names = ", ".join(sorted(allowed))
        raise SegmentRefused(segment_id, f"{state} leg ends {names}, not {end.value}")


def _check_draft(draft: SegmentDraft) -> None:
    stamps = (draft.started_at, draft.answered_at, draft.ended_at)
    if any(t is not None and t.tzinfo is None for t in stamps):
        raise InvalidField("started_at", "timestamps must be timezone-aware")
    end = SegmentEnd(draft.end_reason)
    allowed = ANSWERED_ENDS if draft.answered_at is not None else UNANSWERED_ENDS
    if end not in allowed:
        raise InvalidField("end_reason", f"{end.value} does not fit whether the leg was answered")
    last = draft.answered_at or draft.started_at
    if draft.ended_at < last or (draft.answered_at or last) < draft.started_at:
        raise InvalidField("ended_at", "a leg's times must run started ≤ answered ≤ ended")
    if not math.isfinite(draft.hold_seconds) or draft.hold_seconds < 0:
        raise InvalidField("hold_seconds", "must be 0 or more")
    if draft.wrap_up_seconds is not None and not (
        math.isfinite(draft.wrap_up_seconds) and draft.wrap_up_seconds >= 0
    ):
        raise InvalidField("wrap_up_seconds", "must be 0 or more")


def _aware(field: str, at: datetime) -> None:
    if at.tzinfo is None:
        raise InvalidField(field, "must be timezone-aware")


def _recording(reference: str) -> str:
    if not reference.strip() or len(reference) > 255:
        raise InvalidField("recording", "a recording reference is 1..255 characters")
    return reference


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
