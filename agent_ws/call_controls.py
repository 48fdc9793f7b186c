"""What the edge may ask about the agent's calls: hold, resume, transfer, hang up, dial.

The implementation lives in ``callcenter`` (it drives the PBX); each request answers with
the call's new state (``{"call_id", "state", ...}``), pushes the same ``call_state`` to the
agent's tabs, or raises ``DeskRefused`` (no connected call, not on hold, the PBX refused...).
"""

from typing import Protocol


class CallControls(Protocol):
    async def hold(self, agent_id: str) -> dict[str, object]: ...

    async def resume(self, agent_id: str) -> dict[str, object]: ...

    async def transfer_to_queue(self, agent_id: str, queue: str) -> dict[str, object]: ...

    async def transfer_to_number(self, agent_id: str, number: str) -> dict[str, object]: ...

    async def transfer_to_agent(self, agent_id: str, colleague: str) -> dict[str, object]: ...

    async def hang_up(self, agent_id: str) -> dict[str, object]: ...


class AttendedTransferControls(Protocol):
    """Consult a colleague or an outside number with the caller on hold, then hand the
    caller over (``complete``) or go back to them (``cancel``)."""

    async def consult(
        self, agent_id: str, *, colleague: str | None = None, number: str | None = None
    ) -> dict[str, object]: ...

    async def complete(self, agent_id: str) -> dict[str, object]: ...

    async def cancel(self, agent_id: str) -> dict[str, object]: ...


class AgentDialer(Protocol):
    """Calls the agent starts: click-to-dial of a customer's number, an internal call."""

    async def dial(self, agent_id: str, number: str) -> dict[str, object]: ...

    async def call_agent(self, agent_id: str, other: str) -> dict[str, object]: ...
