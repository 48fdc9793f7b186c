"""The CRM as the call path sees it: identify a caller, record the call, set a disposition.

Adapts ``crm_core``'s query functions (one short session each) to the small ports the
inbound route and the desk use. Wall times are converted to aware UTC datetimes here.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter.calls import ActiveCall
from crm_core.contacts import CallerMatch, match_caller
from crm_core.interactions import (
    InteractionDraft,
    complete_interaction,
    get_interaction_by_call,
    set_disposition,
)
from crm_core.vocabulary import Direction, Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallerFacts:
    tier: str
    preferred_agent: str | None


def utc(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


class CrmAdapter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], default_region: str) -> None:
        self._sessions = sessions
        self._region = default_region

    async def identify(self, call: ActiveCall) -> CallerFacts | None:
        async with self._sessions() as session:
            found = await match_caller(session, call.ani, call.dnis, default_region=self._region)
        call.match = found
        return facts_of(found)

    async def record(self, call: ActiveCall) -> None:
        found = call.match if isinstance(call.match, CallerMatch) else None
        contact_id = (
            found.candidates[0].contact_id if found and len(found.candidates) == 1 else None
        )
        draft = InteractionDraft(
            call_id=call.call_id,
            direction=Direction(call.direction),
            ani=call.ani,
            dnis=call.dnis,
            contact_id=contact_id,
            ivr_path=call.ivr_path,
            ivr_choice=call.ivr_choice,
            queue=call.queue,
            agent_id=call.agent_id,
            started_at=datetime.fromtimestamp(call.started_at, UTC),
            queued_at=utc(call.queued_at),
            answered_at=utc(call.answered_at),
            ended_at=utc(call.ended_at),
            wait_seconds=wait_seconds(call),
            talk_seconds=talk_seconds(call),
            outcome=Outcome(call.outcome) if call.outcome else None,
            notes=call.notes,
            ended_during_link_loss=call.ended_during_link_loss,
        )
        async with self._sessions() as session, session.begin():
            # A call whose session was lost (or whose daemon stopped) was recorded as
            # session_lost; resumed from the fallback, its real end completes that row.
            call.interaction_id = await complete_interaction(
                session, draft, replacing=Outcome.SESSION_LOST
            )

    async def set_disposition(
        self, call_id: str, agent_id: str, disposition: str, notes: str, at: float
    ) -> None:
        async with self._sessions() as session, session.begin():
            row = await get_interaction_by_call(session, call_id)
            if row is None:
                raise LookupError(f"no interaction recorded for call {call_id}")
            await set_disposition(
                session, row.id, agent_id, disposition, notes, datetime.fromtimestamp(at, UTC)
            )


def facts_of(found: CallerMatch) -> CallerFacts | None:
    if not found.candidates:
        return None
    best = found.candidates[0]
    # With several candidates nobody can say whose account manager should take the call.
    preferred = best.account_manager if len(found.candidates) == 1 else None
    return CallerFacts(tier=str(best.tier), preferred_agent=preferred)


def wait_seconds(call: ActiveCall) -> float | None:
    if call.queued_at is None:
        return None
    until = call.answered_at if call.answered_at is not None else call.ended_at
    return None if until is None else round(max(0.0, until - call.queued_at), 3)


def talk_seconds(call: ActiveCall) -> float | None:
    if call.answered_at is None or call.ended_at is None:
        return None
    return round(max(0.0, call.ended_at - call.answered_at), 3)
