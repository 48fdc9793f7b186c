"""The CRM as the call path sees it: identify a caller, record the call, set a disposition.

Adapts ``crm_core``'s query functions (one short session each) to the small ports the
inbound route and the desk use. Wall times are converted to aware UTC datetimes here.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter.calls import ActiveCall
from callcenter.db_retry import SerialWrites
from callcenter.legs import AgentLeg
from crm_core.card_reader import CardReader, EngineCardReader
from crm_core.cards import RECENT_PER_CONTACT
from crm_core.contacts import CallerMatch, NewPhone, create_contact, match_caller_with
from crm_core.db import lookup_engine, sessionmaker_engine
from crm_core.do_not_call import is_do_not_call
from crm_core.errors import CrmError
from crm_core.follow_ups import create_follow_up
from crm_core.interactions import (
    InteractionDraft,
    complete_interaction,
    get_interaction_by_call,
    last_agent_for_contact,
    set_disposition,
)
from crm_core.segments import SegmentDraft, interaction_segments, record_segments, set_wrap_up
from crm_core.vocabulary import Direction, Outcome, PhoneKind, SegmentEnd

log = logging.getLogger(__name__)

#: When the team is asked to have called back someone who left a voicemail.
VOICEMAIL_CALL_BACK_WITHIN = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class CallerFacts:
    tier: str
    preferred_agent: str | None


def utc(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


class CrmAdapter:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        default_region: str,
        readers: async_sessionmaker[AsyncSession] | None = None,
        cards: CardReader | None = None,
        *,
        last_agent_days: float = 0.0,
        writes: SerialWrites | None = None,
    ) -> None:
        self._sessions = sessions
        #: How the call path's writes are retried and (on SQLite) queued.
        self._writes = writes or SerialWrites(serialize=False)
        #: Look-back for "the last agent who served the caller" (0: not looked up).
        self._last_agent_days = last_agent_days
        #: Look-ups on the ringing path read a snapshot and never queue behind writers
        #: (crm_core.db.make_sessionmaker(read_only=True)).
        self._readers = readers or sessions
        #: Caller matching is one statement, run straight on the driver without a transaction
        #: around it (crm_core.card_reader): one hand-over while the phone rings.
        self._cards = cards or EngineCardReader(lookup_engine(sessionmaker_engine(self._readers)))
        self._region = default_region

    async def identify(self, call: ActiveCall) -> CallerFacts | None:
        found = await self._match(call.ani)
        facts = facts_of(found)
        if facts is not None and not facts.preferred_agent and len(found.candidates) == 1:
            facts = CallerFacts(facts.tier, await self._last_agent(found, call.started_at))
        call.match = found
        return facts

    async def identify_number(self, call: ActiveCall, number: str) -> None:
        """Match the number an agent dials, so the outbound call lands in its contact's history."""
        call.match = await self._match(number)

    async def _match(self, number: str) -> CallerMatch:
        # The DNIS does not narrow the search (crm_core.contacts.match_caller).
        return await match_caller_with(self._cards.cards_by_number, number, self._region)

    async def _last_agent(self, found: CallerMatch, started_at: float) -> str | None:
        """The agent who last talked with the one matched contact within the look-back.

        Read from the card's recent calls (already fetched by the match); only when all of
        those fall inside the look-back without one answered by an agent is it asked of the
        database."""
        if not self._last_agent_days:
            return None
        since = datetime.fromtimestamp(started_at, UTC) - timedelta(days=self._last_agent_days)
        card = found.candidates[0]
        for summary in card.recent_interactions:  # newest first
            if summary.at < since:
                return None
            if summary.agent_id and summary.outcome is Outcome.ANSWERED:
                return summary.agent_id
        if len(card.recent_interactions) < RECENT_PER_CONTACT:
            return None  # the card holds the whole history: nobody served them
        async with self._readers() as session:
            return await last_agent_for_contact(session, card.contact_id, since)

    async def is_do_not_call(self, number: str, at: float) -> bool:
        async with self._readers() as session:
            when = datetime.fromtimestamp(at, UTC)
            return await is_do_not_call(session, number, when, default_region=self._region)

    async def record(self, call: ActiveCall) -> None:
        """Write the call's interaction row (and its segments, a voicemail's follow-up), retrying
        while the database is briefly unable (``callcenter.db_retry``)."""
        await self._writes.run(lambda: self._record(call), what=f"call {call.call_id}: recording")

    async def _record(self, call: ActiveCall) -> None:
        found = call.match if isinstance(call.match, CallerMatch) else None
        contact_id = (
            found.candidates[0].contact_id if found and len(found.candidates) == 1 else None
        )
        async with self._sessions() as session, session.begin():
            if call.voicemail_for is not None and contact_id is None:
                contact_id = await self._contact_for_unknown_caller(session, call)
            draft = self._draft(call, contact_id)
            # A call whose session was lost (or whose daemon stopped) was recorded as
            # session_lost; resumed from the fallback, its real end completes that row.
            call.interaction_id = await complete_interaction(
                session, draft, replacing=Outcome.SESSION_LOST
            )
            legs = [segment_draft(leg) for leg in call.legs if leg.ended_at is not None]
            if legs:
                await record_segments(session, call.interaction_id, legs)
            if call.voicemail_for is not None and contact_id is not None:
                await self._voicemail_follow_up(session, call, contact_id)

    def _draft(self, call: ActiveCall, contact_id: int | None) -> InteractionDraft:
        return InteractionDraft(
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

    async def _contact_for_unknown_caller(
        self, session: AsyncSession, call: ActiveCall
    ) -> int | None:
        """A voicemail from a number we do not know: keep it as a contact to call back."""
        try:
            card = await create_contact(
                session,
                first_name="Caller",
                last_name=call.ani,
                notes=f"created from a voicemail (call {call.call_id})",
                phones=[NewPhone(PhoneKind.OTHER, call.ani)],
                now=datetime.fromtimestamp(call.started_at, UTC),
                default_region=self._region,
            )
        except CrmError as exc:  # withheld or unusable number: nobody to call back
            log.info("call %s: no contact for voicemail from %r (%s)", call.call_id, call.ani, exc)
            return None
        return card.contact_id

    async def _voicemail_follow_up(
        self, session: AsyncSession, call: ActiveCall, contact_id: int
    ) -> None:
        ended = datetime.fromtimestamp(call.ended_at or call.started_at, UTC)
        await create_follow_up(
            session,
            contact_id=contact_id,
            subject=f"Voicemail for {call.voicemail_for}: listen and call back {call.ani}",
            due_at=ended + VOICEMAIL_CALL_BACK_WITHIN,
            assignee=None,
            created_by="ivr",
            now=ended,
        )

    async def set_disposition(
        self, call_id: str, agent_id: str, disposition: str, notes: str, at: float
    ) -> None:
        await self._writes.run(
            lambda: self._set_disposition(call_id, agent_id, disposition, notes, at),
            what=f"call {call_id}: disposition",
        )

    async def _set_disposition(
        self, call_id: str, agent_id: str, disposition: str, notes: str, at: float
    ) -> None:
        async with self._sessions() as session, session.begin():
            row = await get_interaction_by_call(session, call_id)
            if row is None:
                raise LookupError(f"no interaction recorded for call {call_id}")
            when = datetime.fromtimestamp(at, UTC)
            await set_disposition(session, row.id, agent_id, disposition, notes, when)
            # The agent's wrap-up time after their (last) leg of this call.
            mine = [
                s for s in await interaction_segments(session, row.id) if s.agent_id == agent_id
            ]
            if mine and mine[-1].ended_at is not None:
                seconds = max((when - mine[-1].ended_at).total_seconds(), 0.0)
                await set_wrap_up(session, mine[-1].segment_id, seconds)


def segment_draft(leg: AgentLeg) -> SegmentDraft:
    assert leg.ended_at is not None
    return SegmentDraft(
        agent_id=leg.agent_id,
        started_at=datetime.fromtimestamp(leg.started_at, UTC),
        ended_at=datetime.fromtimestamp(leg.ended_at, UTC),
        end_reason=SegmentEnd(leg.end_reason or "failed"),
        answered_at=utc(leg.answered_at),
        hold_seconds=leg.hold_seconds,
    )


def facts_of(found: CallerMatch) -> CallerFacts | None:
    if not found.candidates:
        return None
    best = found.candidates[0]
    # With several candidates nobody can say whose account manager should take the call
    # (nor whose last agent: ``CrmAdapter.identify`` looks that up for one candidate only).
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
