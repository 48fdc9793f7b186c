"""The waiting calls: their serving order, and the open ones filed by what they need.

Owns ``WaitingLine``, the engine's record of the calls in queue:

- every waiting call, and the ``routing.call_order`` keys kept sorted (a key never changes
  on its own: join time, priority and id stay across steps and overflow);
- the *open* calls (no agent reserved), filed by the skill levels their current routing
  step needs, each file in serving order: an agent who becomes free is offered the first
  open call of the files whose needs it meets, found by bisection, without walking the line;
- when each open call's file next goes stale (its next step boundary, the end of its
  preferred agent's window), so that a pass first re-files the calls whose moment came;
- which waiting calls name each agent as preferred.
"""

import bisect
import heapq
from collections.abc import Iterator, Mapping

from acd.model import WaitingCall
from cti.ids import AgentId, CallId

#: ``routing.call_order``'s key: (joined_at - priority × head start, joined_at, call id).
OrderKey = tuple[float, float, str]
#: A need as a file name: its ``(skill, level)`` pairs, sorted.
Need = tuple[tuple[str, int], ...]


class WaitingLine:
    def __init__(self) -> None:
        self._calls: dict[CallId, WaitingCall] = {}
        self._keys: dict[CallId, OrderKey] = {}
        self._order: list[OrderKey] = []
        self._files: dict[Need, list[OrderKey]] = {}
        #: Each file under the first skill its need asks at level 1 or more ("" if none): an
        #: agent can only meet the needs filed under the skills they hold.
        self._by_skill: dict[str, set[Need]] = {}
        self._filed: dict[CallId, Need] = {}
        self._stale_at: dict[CallId, float] = {}
        self._stale: list[tuple[float, CallId]] = []
        self._preferring: dict[AgentId, set[CallId]] = {}

    # -- the line ------------------------------------------------------------------------
    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def __len__(self) -> int:
        return len(self._calls)

    def get(self, call_id: CallId) -> WaitingCall | None:
        return self._calls.get(call_id)

    def calls(self) -> list[WaitingCall]:
        return list(self._calls.values())

    def in_line(self) -> list[WaitingCall]:
        """The waiting calls in the order they are served."""
        return [self._calls[CallId(key[2])] for key in self._order]

    def key(self, call_id: CallId) -> OrderKey:
        return self._keys[call_id]

    def add(self, call: WaitingCall, key: OrderKey) -> None:
        call_id = call.request.call_id
        self._calls[call_id] = call
        self._keys[call_id] = key
        bisect.insort(self._order, key)
        wanted = call.request.preferred_agent
        if wanted is not None:
            self._preferring.setdefault(wanted, set()).add(call_id)

    def remove(self, call_id: CallId) -> WaitingCall | None:
        call = self._calls.pop(call_id, None)
        if call is None:
            return None
        self.close(call_id)
        _drop(self._order, self._keys.pop(call_id))
        wanted = call.request.preferred_agent
        if wanted is not None:
            mine = self._preferring[wanted]
            mine.discard(call_id)
            if not mine:
                del self._preferring[wanted]
        return call

    def preferring(self, agent_id: AgentId) -> set[CallId]:
        """The waiting calls that name ``agent_id`` as their preferred agent."""
        return set(self._preferring.get(agent_id, ()))

    # -- open calls ----------------------------------------------------------------------
    def open(self, call_id: CallId, needed: Mapping[str, int], stale_at: float | None) -> None:
        """File a waiting call as open with its current need (again, if it was filed)."""
        self.close(call_id)
        need = tuple(sorted(needed.items()))
        self._filed[call_id] = need
        if need not in self._files:
            self._by_skill.setdefault(_first_skill(need), set()).add(need)
        bisect.insort(self._files.setdefault(need, []), self._keys[call_id])
        if stale_at is not None:
            self._stale_at[call_id] = stale_at
            heapq.heappush(self._stale, (stale_at, call_id))

    def close(self, call_id: CallId) -> None:
        """The call is no longer open (an agent was reserved for it, or it left)."""
        need = self._filed.pop(call_id, None)
        self._stale_at.pop(call_id, None)
        if need is None:
            return
        file = self._files[need]
        _drop(file, self._keys[call_id])
        if not file:
            del self._files[need]
            same = self._by_skill[_first_skill(need)]
            same.discard(need)
            if not same:
                del self._by_skill[_first_skill(need)]

    def is_open(self, call_id: CallId) -> bool:
        return call_id in self._filed

    def gone_stale(self, now: float) -> list[CallId]:
        """The open calls whose filing expired by ``now`` (each said once)."""
        due = []
        while self._stale and self._stale[0][0] <= now:
            at, call_id = heapq.heappop(self._stale)
            if self._stale_at.get(call_id) == at:
                del self._stale_at[call_id]
                due.append(call_id)
        return due

    def first_open_for(
        self, skills: Mapping[str, int], after: OrderKey | None = None
    ) -> OrderKey | None:
        """The first open call (after ``after``, in serving order) whose need an agent
        with ``skills`` meets: one bisection per file of needs."""
        best: OrderKey | None = None
        held = [""] + [name for name, level in skills.items() if level > 0]
        for need in [n for name in held for n in self._by_skill.get(name, ())]:
            if not all(skills.get(name, 0) >= level for name, level in need):
                continue
            file = self._files[need]
            index = 0 if after is None else bisect.bisect_right(file, after)
            if index < len(file) and (best is None or file[index] < best):
                best = file[index]
        return best

    def open_calls(self) -> Iterator[CallId]:
        return iter(self._filed)


def _first_skill(need: Need) -> str:
    return next((name for name, level in need if level > 0), "")


def _drop(keys: list[OrderKey], key: OrderKey) -> None:
    index = bisect.bisect_left(keys, key)
    if index < len(keys) and keys[index] == key:
        del keys[index]
    else:  # each key is filed from the same record it is dropped with: a bug, not input
        raise AssertionError(f"waiting call {key[2]} missing from the line")
