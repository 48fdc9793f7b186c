"""REST routes of a campaign's supervisor views: pre-flight, live monitor, results export.

Owns ``GET /api/crm/campaigns/{id}/preflight``, ``…/monitor`` and ``…/export.csv``, all for
the role supervisor or admin. The pre-flight runs every pending lead through the dialer's
own gate (``dialer.gate.preflight`` over ``dialer.gate.decide``) at the clock's now, so its
counts are what the campaign skips when it dials; the monitor is ``dialer.monitor`` over the
stored attempts; the export is one CSV row per lead. The data is crm_core's.
"""

import csv
import io
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from crm_core.campaign_attempts import AttemptRecord
from crm_core.campaign_facts import pending_contexts
from crm_core.campaign_results import LeadResult, attempts_since, lead_results
from crm_core.campaigns import CampaignRecord, get_campaign
from crm_core.errors import NotFound
from crm_core.vocabulary import AttemptOutcome
from dialer import gate
from dialer.monitor import Dialed, monitor, since_for_ledger

from .campaign_checks import facts_of, rules_of
from .routes_crm_campaigns import CampaignId
from .routes_crm_edge import LEADS, CrmDeps, CrmRoute
from .sessions import LoginSession

EXPORT_COLUMNS = (
    "lead_id",
    "contact_id",
    "contact_name",
    "numbers",
    "state",
    "skip_reason",
    "attempts",
    "outcomes",
    "disposition",
    "agent",
    "first_attempt_at",
    "last_attempt_at",
    "last_ended_at",
)


def dialed(record: AttemptRecord) -> Dialed:
    return Dialed(
        started_at=record.started_at.timestamp(),
        answered_at=_seconds(record.answered_at),
        ended_at=_seconds(record.ended_at),
        human=record.outcome is AttemptOutcome.HUMAN,
        abandoned=record.abandoned,
        agent=record.agent_id,
    )


def export_csv(results: list[LeadResult]) -> str:
    """One row per lead; text a person typed is guarded against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in results:
        writer.writerow(
            [
                r.lead_id,
                r.contact_id,
                _cell(r.contact_name),
                " ".join(r.numbers),
                r.state,
                _cell(r.skip_reason),
                r.attempts,
                " ".join(f"{number}:{outcome}" for number, outcome in r.dialed),
                _cell(r.disposition),
                r.agent or "",
                _iso(r.first_attempt_at),
                _iso(r.last_attempt_at),
                _iso(r.last_ended_at),
            ]
        )
    return out.getvalue()


def results_router(deps: CrmDeps) -> APIRouter:
    router = APIRouter(prefix="/api/crm/campaigns", tags=["crm"], route_class=CrmRoute)
    Lead = Annotated[LoginSession, Depends(deps.auth.require(*LEADS))]

    async def campaign(db: Any, campaign_id: int) -> CampaignRecord:
        record = await get_campaign(db, campaign_id)
        if record is None:
            raise NotFound("campaign", campaign_id)
        return record

    @router.get("/{campaign_id}/preflight", summary="Pending leads the dialer will skip, and why")
    async def preflight(
        session: Lead,
        campaign_id: CampaignId,
        examples: Annotated[int, Query(ge=0, le=50, description="lead ids per rule")] = 5,
    ) -> dict[str, Any]:
        """``{pending, eligible, waiting_for_retry, skipped, skipped_by_rule: [{rule, count,
        lead_ids}]}``: each skipped lead under the first rule that skips it, so the counts add
        up; ``waiting_for_retry``: eligible leads still in the campaign's retry delay."""
        now = deps.now()
        async with deps.sessionmaker() as db:
            record = await campaign(db, campaign_id)
            contexts = await pending_contexts(db, campaign_id, now=now)
        found = gate.preflight(
            (facts_of(c) for c in contexts), rules_of(record), now.timestamp(), examples
        )
        by_rule = sorted(found.skipped_by_reason.items(), key=lambda item: (-item[1], item[0]))
        return {
            "campaign_id": campaign_id,
            "at": now.isoformat(),
            "pending": len(contexts),
            "eligible": found.eligible_count,
            "waiting_for_retry": found.waiting_for_retry,
            "skipped": found.skipped_count,
            "skipped_by_rule": [
                {"rule": rule, "count": n, "lead_ids": [int(i) for i in found.examples[rule]]}
                for rule, n in by_rule
            ],
        }

    @router.get("/{campaign_id}/monitor", summary="Live figures from the campaign's attempts")
    async def live(session: Lead, campaign_id: CampaignId) -> dict[str, Any]:
        """Dials per minute, answer rate, occupancy and talk over the last hour; abandon
        rates for today (UTC) and the last 30 days, as ``docs/dialer.md`` defines them."""
        now = deps.now()
        since = datetime.fromtimestamp(since_for_ledger(now.timestamp()), now.tzinfo)
        async with deps.sessionmaker() as db:
            record = await campaign(db, campaign_id)
            # A day earlier than the window: an answer counts on the day it was answered,
            # which may be after the day its dial started.
            attempts = await attempts_since(db, campaign_id, since - timedelta(days=1))
        figures = monitor([dialed(a) for a in attempts], now.timestamp(), cap=record.abandon_cap)
        body = {name: getattr(figures, name) for name in figures.__dataclass_fields__}
        for name in ("abandon_rate_day", "abandon_rate_30_days"):
            body[name] = float(body[name])
        return {"campaign_id": campaign_id, "at": now.isoformat(), "status": record.status} | body

    @router.get("/{campaign_id}/export.csv", summary="The campaign's results, one row per lead")
    async def export(session: Lead, campaign_id: CampaignId) -> Response:
        async with deps.sessionmaker() as db:
            await campaign(db, campaign_id)
            results = await lead_results(db, campaign_id)
        return Response(
            export_csv(results),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"'},
        )

    return router


def _seconds(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet; a quote makes it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
