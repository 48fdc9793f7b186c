"""Calls an agent starts from the tab: click-to-dial a customer, or an internal call.

Owns the AMI ``Originate`` of the agent's own phone (it rings first; when the agent picks
up, the dialplan dials the other party: ``[outbound]`` over the trunk, ``[from-agents]`` for
a colleague's extension) and, for a customer call, the call's record: it is registered as
an AMI-controlled outbound call, so its ``Dial`` outcome and its end come from the AMI
(``callcenter/calls.py``, ``call_control.py``) and one ``outbound`` interaction is written.

Refuses what a call centre must not do: a number on the do-not-call list, an agent who is
signed out or already on a call, a colleague who does not exist. Must not route.
"""

import logging
import re
from collections.abc import Callable

from acd.engine import AcdEngine, UnknownAgent
from acd.states import AgentState
from agent_ws.desk import DeskRefused
from callcenter.calls import ActiveCall, CallRegistry
from callcenter.clock import LoopClock
from callcenter.crm_port import CrmAdapter
from cti.commands import Originate
from cti.errors import OriginateFailed, PbxError
from cti.ids import AgentId, CallId, UniqueId
from cti.telephony import Telephony

log = logging.getLogger(__name__)
audit = logging.getLogger("callcenter.audit")

OUTBOUND_CONTEXT = "outbound"
INTERNAL_CONTEXT = "from-agents"
#: How long the agent's own phone rings before the click-to-dial gives up.
AGENT_PICKUP_MS = 20_000
DIALABLE = re.compile(r"^\+?[0-9]{3,20}$")
#: States from which an agent may start a call (never while reserved or on a call).
MAY_DIAL = (AgentState.READY, AgentState.NOT_READY, AgentState.WRAP_UP)


class AgentDialing:
    def __init__(
        self,
        *,
        engine: AcdEngine,
        registry: CallRegistry,
        crm: CrmAdapter,
        clock: LoopClock,
        telephony: Callable[[], Telephony | None],
    ) -> None:
        self._engine = engine
        self._registry = registry
        self._crm = crm
        self._clock = clock
        self._telephony = telephony
        self._sequence = 0

    async def dial(self, agent_id: str, number: str) -> dict[str, object]:
        """Click-to-dial: ring the agent's phone, then the customer over the trunk."""
        extension = self._free_extension(agent_id)
        if not DIALABLE.match(number):
            raise DeskRefused(f"not a phone number: {number!r}")
        if await self._crm.is_do_not_call(number, self._clock.now()):
            raise DeskRefused(f"{number} is on the do-not-call list")
        # Our own Uniqueid (ChannelId), registered before the Originate: the agent may pick
        # up and the customer be busy before the OriginateResponse is even read.
        self._sequence += 1
        uid = f"c2d-{int(self._clock.now())}-{self._sequence}"
        call = self._registry.open(
            ActiveCall(
                call_id=CallId(uid),
                uniqueid=UniqueId(uid),
                channel=f"PJSIP/{extension}",
                ani=extension,
                dnis=number,
                hotline="click-to-dial",
                started_at=self._clock.now(),
                agent_id=agent_id,
                direction="outbound",
                control="ami",
            )
        )
        try:
            await self._crm.identify_number(call, number)
        except Exception:
            log.exception("call %s: CRM look-up of %r failed", call.call_id, number)
        try:
            await self._ring_agent(
                agent_id,
                extension,
                OUTBOUND_CONTEXT,
                number.lstrip("+"),
                f'"Calling" <{number}>',
                uid,
            )
        except DeskRefused:
            self._registry.close(call.call_id)  # the agent never picked up: no contact made
            raise
        audit.info("%s dialled %s (call %s)", agent_id, number, call.call_id)
        return {"call_id": call.call_id, "state": "dialing", "number": number}

    async def call_agent(self, agent_id: str, other: str) -> dict[str, object]:
        """An internal call: ring the agent's phone, then the colleague's extension."""
        extension = self._free_extension(agent_id)
        try:
            colleague = self._engine.agent(AgentId(other)).profile
        except UnknownAgent:
            raise DeskRefused(f"no agent named {other!r}") from None
        if colleague.agent_id == agent_id:
            raise DeskRefused("that is you")
        target = colleague.endpoint.removeprefix("PJSIP/")
        caller_id = f'"{colleague.display_name}" <{target}>'
        uid = await self._ring_agent(agent_id, extension, INTERNAL_CONTEXT, target, caller_id)
        audit.info("%s called %s internally", agent_id, other)
        return {"call_id": uid, "state": "dialing", "agent_id": other}

    def _free_extension(self, agent_id: str) -> str:
        try:
            status = self._engine.agent(AgentId(agent_id))
        except UnknownAgent:
            raise DeskRefused(f"{agent_id} is not configured as an agent") from None
        if status.state not in MAY_DIAL:
            raise DeskRefused(f"cannot start a call while {status.state.value}")
        return status.profile.endpoint.removeprefix("PJSIP/")

    async def _ring_agent(
        self,
        agent_id: str,
        extension: str,
        context: str,
        exten: str,
        caller_id: str,
        channel_id: str | None = None,
    ) -> str:
        telephony = self._telephony()
        if telephony is None:
            raise DeskRefused("the PBX link is down; try again in a moment")
        command = Originate(
            f"PJSIP/{extension}",
            context=context,
            exten=exten,
            caller_id=caller_id,
            timeout_ms=AGENT_PICKUP_MS,
            variables={"CTI_AGENT": agent_id},
            channel_id=channel_id,
        )
        try:
            result = await telephony.originate(command)
        except OriginateFailed as exc:
            raise DeskRefused(f"your phone {extension}: {exc.reason}") from None
        except PbxError as exc:
            raise DeskRefused(f"the PBX refused the call: {exc}") from None
        return result.uniqueid
