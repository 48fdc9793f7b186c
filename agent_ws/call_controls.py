"""What the edge may ask about the agent's connected call: hold, resume, transfer, hang up.

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

    async def hang_up(self, agent_id: str) -> dict[str, object]: ...
