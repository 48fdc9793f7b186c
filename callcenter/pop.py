"""The screen-pop: what an agent's tab shows about the caller while the phone rings.

Builds the ``pop`` message (see ``docs/websocket.md``) from what the call already knows,
so sending it costs no database round trip at ring time.
"""

from datetime import datetime

from callcenter.calls import ActiveCall
from crm_core.contacts import CallerMatch, ContactCard


def build_pop(call: ActiveCall) -> dict[str, object]:
    found = call.match if isinstance(call.match, CallerMatch) else None
    return {
        "call_id": call.call_id,
        "ani": call.ani,
        "dnis": call.dnis,
        "hotline": call.hotline,
        "withheld": bool(found and found.withheld),
        "ivr_path": list(call.ivr_path),
        "ivr_summary": call.ivr_summary,
        "queue": call.queue,
        "transferred_by": call.transferred_by,
        "candidates": [card_json(c) for c in found.candidates] if found else [],
    }


def card_json(card: ContactCard) -> dict[str, object]:
    return {
        "contact_id": card.contact_id,
        "display_name": card.display_name,
        "organisation": card.organisation,
        "tier": str(card.tier),
        "open_requests": [
            {"number": r.number, "subject": r.subject, "status": str(r.status)}
            for r in card.open_requests
        ],
        "recent_interactions": [
            {
                "at": iso(i.at),
                "queue": i.queue,
                "agent_id": i.agent_id,
                "outcome": i.outcome,
                "disposition": i.disposition,
            }
            for i in card.recent_interactions
        ],
    }


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
