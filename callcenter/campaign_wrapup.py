"""The wrap-up of a campaign call: the agent's disposition feeds the CRM and the retry rules.

Owns ``CampaignWrapUp.disposition``: the code and notes on the call's interaction, a
scheduled callback (the lead is due again at that time, for this agent only if they say
so), the number on the do-not-call list when the person asked, a follow-up task for the
agent; then the agent's wrap-up ends and they are free for the campaign again.
"""

import logging

from agent_ws.campaign_desk import CampaignDisposition
from agent_ws.desk import DeskRefused
from callcenter.campaign_calls import CampaignCalls
from callcenter.campaign_runtime import CampaignRuntime
from callcenter.crm_port import CrmAdapter
from crm_core.errors import CrmError

log = logging.getLogger(__name__)
audit = logging.getLogger("callcenter.audit")

#: A follow-up task without a callback time is due the next day.
FOLLOW_UP_DUE = 86_400.0


class CampaignWrapUp:
    def __init__(self, *, runtime: CampaignRuntime, calls: CampaignCalls, crm: CrmAdapter) -> None:
        self._runtime = runtime
        self._calls = calls
        self._crm = crm

    async def disposition(self, agent_id: str, wrap: CampaignDisposition) -> dict[str, object]:
        ended = self._calls.ended.get(wrap.call_id)
        if ended is None or ended.agent_id != agent_id:
            raise DeskRefused(f"no campaign call {wrap.call_id!r} of yours to wrap up")
        store, now = self._runtime.store, self._runtime.clock.now()
        try:
            await self._crm.set_disposition(wrap.call_id, agent_id, wrap.code, wrap.notes, now)
            if wrap.callback_at is not None:
                owner = agent_id if wrap.callback_mine else None
                await store.call_back(ended.lead_id, wrap.callback_at, owner, now)
            if wrap.do_not_call:
                reason = f"asked on campaign call {wrap.call_id}"
                await store.do_not_call(ended.number, reason, agent_id, now)
            if wrap.follow_up:
                due = wrap.callback_at if wrap.callback_at is not None else now + FOLLOW_UP_DUE
                await store.follow_up(ended.contact_id, wrap.follow_up, due, agent_id, now)
        except (CrmError, LookupError) as exc:
            raise DeskRefused(f"disposition not saved: {exc}") from None
        del self._calls.ended[wrap.call_id]
        seat = self._runtime.seats.get(agent_id)
        if seat is not None and seat.state == "wrap_up":
            seat.state, seat.since = "free", now
        audit.info("%s wrapped up campaign call %s as %s", agent_id, wrap.call_id, wrap.code)
        return {
            "call_id": wrap.call_id,
            "disposition": wrap.code,
            "callback_at": wrap.callback_at,
            "callback_for": agent_id if wrap.callback_at and wrap.callback_mine else None,
            "do_not_call": wrap.do_not_call,
        }
