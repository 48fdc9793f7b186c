"""The ready agents, indexed so that a routing decision touches only the qualified ones.

Owns ``ReadyAgents``: every READY agent, split by phone (free or busy, as the injected
``phone_free`` said when the agent became ready or when its phone last changed), and the
free ones filed by skill and level, each file sorted by ``(idle_since, ready order)``.
Kept up to date by the engine on the few events that change it (an agent entering or
leaving READY, a phone changing state, a skill edit); a decision then reads:

- the candidates for ``{skill: level}`` in longest-idle order: a lazy merge of that
  skill's files at the levels asked for or higher;
- in best-fit order: the same files from the highest level down;
- how many free agents qualify: the sum of those files' sizes, with no loop over agents
  when the need is one skill (the usual case); several skills scan the smallest file.

"Ready order" breaks ties on the idle time: the agent who became ready first wins, the
order a dict of the ready agents would give, so decisions are repeatable.
"""

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping

from acd.model import AgentStatus
from cti.ids import AgentId

#: (idle_since, ready order, agent id): the sort key of a free agent in every file.
Key = tuple[float, int, AgentId]


class ReadyAgents:
    def __init__(self, phone_free: Callable[[str], bool]) -> None:
        self._phone_free = phone_free
        self._order = itertools.count()
        #: Every READY agent and the ready order it got on becoming ready.
        self._ready: dict[AgentId, tuple[AgentStatus, int]] = {}
        self._busy_phone: set[AgentId] = set()
        #: The free ones: their key and the skills it is filed under.
        self._free: dict[AgentId, tuple[Key, Mapping[str, int]]] = {}
        self._files: dict[str, dict[int, list[Key]]] = {}
        self._everyone: list[Key] = []
        self._by_endpoint: dict[str, set[AgentId]] = {}

    # -- sizes ---------------------------------------------------------------------------
    @property
    def ready_count(self) -> int:
        return len(self._ready)

    @property
    def free_count(self) -> int:
        return len(self._free)

    @property
    def busy_phones(self) -> int:
        return len(self._busy_phone)

    def is_free(self, agent_id: AgentId) -> bool:
        return agent_id in self._free

    def is_ready(self, agent_id: AgentId) -> bool:
        return agent_id in self._ready

    # -- changes -------------------------------------------------------------------------
    def add(self, agent: AgentStatus) -> bool:
        """File a READY agent (again, if it was: its idle time or skills changed).
        Returns whether its phone is free, i.e. whether it can take a call now."""
        agent_id = agent.profile.agent_id
        held = self._ready.get(agent_id)
        order = next(self._order) if held is None else held[1]
        if held is not None:
            self._unfile(agent_id)
        self._ready[agent_id] = (agent, order)
        self._by_endpoint.setdefault(agent.profile.endpoint, set()).add(agent_id)
        if not self._phone_free(agent.profile.endpoint):
            self._busy_phone.add(agent_id)
            return False
        self._busy_phone.discard(agent_id)
        self._file(agent, order)
        return True

    def discard(self, agent_id: AgentId) -> None:
        """The agent is no longer READY (or was reserved in a pass)."""
        held = self._ready.pop(agent_id, None)
        if held is None:
            return
        self._unfile(agent_id)
        self._busy_phone.discard(agent_id)
        same_phone = self._by_endpoint.get(held[0].profile.endpoint)
        if same_phone is not None:
            same_phone.discard(agent_id)
            if not same_phone:
                del self._by_endpoint[held[0].profile.endpoint]

    def phone_changed(self, endpoint: str) -> list[AgentStatus]:
        """Ask ``phone_free`` again for the ready agents on ``endpoint``; returns those
        whose phone has just become free."""
        freed = []
        for agent_id in sorted(self._by_endpoint.get(endpoint, ())):
            agent, order = self._ready[agent_id]
            free = self._phone_free(endpoint)
            if free and agent_id in self._busy_phone:
                self._busy_phone.discard(agent_id)
                self._file(agent, order)
                freed.append(agent)
            elif not free and agent_id in self._free:
                self._unfile(agent_id)
                self._busy_phone.add(agent_id)
        return freed

    def take(self, agent_id: AgentId) -> AgentStatus:
        """Remove a free agent chosen in a pass and return it."""
        agent = self._ready[agent_id][0]
        self.discard(agent_id)
        return agent

    # -- reads ---------------------------------------------------------------------------
    def status(self, agent_id: AgentId) -> AgentStatus:
        return self._ready[agent_id][0]

    def qualified_count(self, needed: Mapping[str, int]) -> int:
        """How many free agents meet every level in ``needed``."""
        needed = _positive(needed)
        if len(needed) <= 1:
            return sum(len(f) for f in self._at_least(needed))
        return sum(1 for _ in self.by_idle(needed))

    def by_idle(self, needed: Mapping[str, int]) -> Iterator[AgentStatus]:
        """The free agents meeting ``needed``, longest idle first."""
        needed = _positive(needed)
        keys = heapq.merge(*self._at_least(needed))
        return self._meeting(needed, keys)

    def by_fit(self, needed: Mapping[str, int]) -> Iterator[AgentStatus]:
        """For a one-skill need: the free agents meeting it, highest level first, then
        longest idle (``choice.BestSkillFit``'s order)."""
        needed = _positive(needed)
        if len(needed) != 1:
            raise ValueError("best-fit order is indexed for one skill only")
        [(skill, level)] = needed.items()
        files = self._files.get(skill, {})
        levels = sorted((lv for lv in files if lv >= level), reverse=True)
        return self._meeting(needed, itertools.chain.from_iterable(files[lv] for lv in levels))

    def order_of(self, agent_id: AgentId) -> int:
        return self._ready[agent_id][1]

    # -- internals -----------------------------------------------------------------------
    def _at_least(self, needed: Mapping[str, int]) -> list[list[Key]]:
        """The files holding every candidate for ``needed``: those of its scarcest skill."""
        if not needed:
            return [self._everyone]
        options = []
        for skill, level in needed.items():
            files = self._files.get(skill, {})
            chosen = [f for lv, f in files.items() if lv >= level]
            options.append((sum(len(f) for f in chosen), chosen))
        return min(options, key=lambda o: o[0])[1]

    def _meeting(self, needed: Mapping[str, int], keys: Iterable[Key]) -> Iterator[AgentStatus]:
        several = len(needed) > 1
        for key in keys:
            agent = self._ready[key[2]][0]
            if not several or _meets(agent, needed):
                yield agent

    def _file(self, agent: AgentStatus, order: int) -> None:
        key = (agent.idle_since, order, agent.profile.agent_id)
        skills = agent.profile.skills
        self._free[agent.profile.agent_id] = (key, skills)
        bisect.insort(self._everyone, key)
        for skill, level in skills.items():
            if level > 0:
                bisect.insort(self._files.setdefault(skill, {}).setdefault(level, []), key)

    def _unfile(self, agent_id: AgentId) -> None:
        filed = self._free.pop(agent_id, None)
        if filed is None:
            return
        key, skills = filed
        _remove(self._everyone, key)
        for skill, level in skills.items():
            if level <= 0:
                continue
            files = self._files[skill]
            _remove(files[level], key)
            if not files[level]:
                del files[level]
                if not files:
                    del self._files[skill]


def _positive(needed: Mapping[str, int]) -> Mapping[str, int]:
    """A level of 0 or less is met by everyone, even without the skill: no filter."""
    if all(level > 0 for level in needed.values()):
        return needed
    return {name: level for name, level in needed.items() if level > 0}


def _meets(agent: AgentStatus, needed: Mapping[str, int]) -> bool:
    skills = agent.profile.skills
    return all(skills.get(name, 0) >= level for name, level in needed.items())


def _remove(keys: list[Key], key: Key) -> None:
    index = bisect.bisect_left(keys, key)
    if index < len(keys) and keys[index] == key:
        del keys[index]
    else:  # the key is built from the agent as filed, so this is a bug, not an input
        raise AssertionError(f"{key} missing from its file")
