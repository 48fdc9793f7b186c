"""The running ACD hears the admin's stored edits: a record saved is the agent's profile now,
an agent gone is routed to no more."""

from acd.engine import AcdEngine
from acd.model import QueueConfig
from acd.states import AgentState
from callcenter.roster import AcdRoster, profile_of
from crm_core.agents import AgentRecord
from cti.ids import AgentId, QueueName
from tests.acd.fakes import VirtualTime

DANA = AgentId("dana")


def record(skills: dict[str, int], endpoint: str = "PJSIP/1004") -> AgentRecord:
    return AgentRecord("dana", "Dana Diaz", "1004", endpoint, skills)


def engine() -> AcdEngine:
    time = VirtualTime()
    queue = QueueConfig(QueueName("support"), "support")
    return AcdEngine([queue], clock=time, scheduler=time, publish=lambda _: None)


def test_a_saved_record_of_a_new_agent_adds_them_signed_out() -> None:
    acd = engine()
    AcdRoster(acd).agent_saved(record({"support": 4}))
    status = acd.agent(DANA)
    assert status.state is AgentState.SIGNED_OUT
    assert status.profile == profile_of(record({"support": 4}))


def test_a_saved_record_of_a_known_agent_changes_skills_and_phone_not_state() -> None:
    acd = engine()
    roster = AcdRoster(acd)
    roster.agent_saved(record({"support": 4}))
    acd.sign_in(DANA)
    roster.agent_saved(record({"support": 9, "sales": 2}, endpoint="PJSIP/2004"))
    status = acd.agent(DANA)
    assert status.state is AgentState.NOT_READY
    assert (dict(status.profile.skills), status.profile.endpoint) == (
        {"support": 9, "sales": 2},
        "PJSIP/2004",
    )


def test_an_agent_gone_is_signed_out_and_forgotten() -> None:
    acd = engine()
    roster = AcdRoster(acd)
    roster.agent_saved(record({"support": 4}))
    acd.sign_in(DANA)
    roster.agent_gone("dana")
    assert not acd.has_agent(DANA)
