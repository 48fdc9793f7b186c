"""The ready-agent index: what a decision reads instead of scanning every ready agent."""

from acd.model import AgentProfile, AgentStatus
from acd.ready_index import ReadyAgents
from acd.states import AgentState
from cti.ids import AgentId


def agent(name: str, idle_since: float, **skills: int) -> AgentStatus:
    profile = AgentProfile(AgentId(name), name, f"PJSIP/{name}", skills)
    return AgentStatus(profile, state=AgentState.READY, idle_since=idle_since)


def ids(agents: object) -> list[str]:
    return [a.profile.agent_id for a in agents]  # type: ignore[attr-defined]


def test_candidates_come_longest_idle_first_across_levels_and_ties_go_to_who_was_ready_first() -> (
    None
):
    ready = ReadyAgents(lambda endpoint: True)
    for a in [agent("late", 30, s=9), agent("tie2", 10, s=3), agent("tie1", 10, s=7)]:
        ready.add(a)
    ready.add(agent("low", 0, s=1))
    assert ids(ready.by_idle({"s": 3})) == ["tie2", "tie1", "late"]


def test_best_fit_order_is_highest_level_first_then_longest_idle() -> None:
    ready = ReadyAgents(lambda endpoint: True)
    for a in [agent("a", 5, s=4), agent("b", 1, s=9), agent("c", 0, s=4), agent("d", 9, s=9)]:
        ready.add(a)
    assert ids(ready.by_fit({"s": 4})) == ["b", "d", "c", "a"]


def test_qualified_count_for_one_skill_and_for_several() -> None:
    ready = ReadyAgents(lambda endpoint: True)
    ready.add(agent("a", 0, s=5, t=2))
    ready.add(agent("b", 0, s=6))
    ready.add(agent("c", 0, s=2, t=9))
    assert ready.qualified_count({"s": 5}) == 2
    assert ready.qualified_count({"s": 5, "t": 1}) == 1
    assert ready.qualified_count({}) == 3
    assert ready.qualified_count({"s": 0, "t": 2}) == 2  # level 0: met without the skill


def test_a_busy_phone_keeps_a_ready_agent_out_of_the_files_until_it_is_free() -> None:
    busy = {"PJSIP/a"}
    ready = ReadyAgents(lambda endpoint: endpoint not in busy)
    assert ready.add(agent("a", 0, s=5)) is False
    assert (ready.ready_count, ready.free_count, ready.busy_phones) == (1, 0, 1)
    assert ready.qualified_count({"s": 1}) == 0
    busy.clear()
    assert ids(ready.phone_changed("PJSIP/a")) == ["a"]
    assert (ready.free_count, ready.busy_phones, ready.qualified_count({"s": 1})) == (1, 0, 1)
    busy.add("PJSIP/a")
    assert ready.phone_changed("PJSIP/a") == []
    assert (ready.free_count, ready.busy_phones) == (0, 1)


def test_an_agent_leaving_ready_leaves_every_file() -> None:
    ready = ReadyAgents(lambda endpoint: True)
    ready.add(agent("a", 0, s=5, t=3))
    ready.discard(AgentId("a"))
    assert (ready.ready_count, ready.qualified_count({"s": 1}), ready.qualified_count({})) == (
        0,
        0,
        0,
    )


def test_filing_again_after_a_skill_edit_uses_the_new_skills_and_keeps_the_ready_order() -> None:
    ready = ReadyAgents(lambda endpoint: True)
    first, second = agent("first", 10, s=5), agent("second", 10, s=5)
    ready.add(first)
    ready.add(second)
    first.profile = AgentProfile(AgentId("first"), "first", "PJSIP/first", {"s": 6, "t": 4})
    ready.add(first)
    assert ready.qualified_count({"t": 4}) == 1
    assert ids(ready.by_idle({"s": 5})) == ["first", "second"]
