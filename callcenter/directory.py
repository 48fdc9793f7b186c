"""The IVR's ``CustomerDirectory`` over the CRM: verify an account, read a request's
status, and turn the call's CRM match into the facts a flow branches on.

An account number is the contact's number in the CRM (what the customer's letters and
invoices show). Request statuses are folded into the three the prompts can say.
"""

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_core.contacts import CallerMatch, get_contact_card
from crm_core.service_requests import get_request
from crm_core.vocabulary import RequestStatus as CrmStatus
from ivr.directory import Caller, RequestStatus

log = logging.getLogger(__name__)

#: CRM lifecycle → the prompt suffix (``cc-status-<suffix>``) the caller hears.
SPOKEN_STATUS = {
    CrmStatus.NEW: "open",
    CrmStatus.ASSIGNED: "open",
    CrmStatus.IN_PROGRESS: "in_progress",
    CrmStatus.WAITING_ON_CUSTOMER: "in_progress",
    CrmStatus.RESOLVED: "closed",
    CrmStatus.CLOSED: "closed",
}
#: Longest number a caller can key in that we look up (keeps junk out of queries).
MAX_DIGITS = 12


class CrmDirectory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def verify_account(self, digits: str) -> bool:
        if not digits.isdigit() or len(digits) > MAX_DIGITS:
            return False
        try:
            async with self._sessions() as session:
                return await get_contact_card(session, int(digits)) is not None
        except Exception:
            # A CRM failure must not end the call: the caller is served as unverified.
            log.exception("CRM: could not verify account %r; treating it as unverified", digits)
            return False

    async def request_status(self, number: str) -> RequestStatus | None:
        if not number.isdigit() or len(number) > MAX_DIGITS:
            return None
        try:
            async with self._sessions() as session:
                found = await get_request(session, int(number))
        except Exception:
            # The flow's "missing" branch takes over (usually the menu): the call goes on.
            log.exception("CRM: could not read request %r; reading no status", number)
            return None
        if found is None:
            return None
        due = int(found.due_at.timestamp()) if found.due_at else None
        spoken = SPOKEN_STATUS.get(found.status, "open")
        return RequestStatus(str(found.number), spoken, int(found.opened_at.timestamp()), due)

    async def lookup(self, ani: str) -> Caller | None:
        # The inbound route identifies the caller before the IVR starts (caller_facts);
        # this is for flows run without that, e.g. a callback's outbound leg.
        return None


def caller_facts(match: CallerMatch | None, ani: str) -> Caller:
    """The flow's view of the caller, from the match made when the call arrived."""
    if match is None or not match.candidates:
        return Caller(ani=ani)
    best = match.candidates[0]
    open_request = str(best.open_requests[0].number) if best.open_requests else None
    return Caller(ani=ani, known=True, tier=str(best.tier), open_request=open_request)
