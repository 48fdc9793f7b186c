"""Each agent leg of a call, as the daemon sees it: rang, answered, held, ended and why.

Owns the small bookkeeping that turns into ``crm_core``'s interaction segments when the
call is recorded, so a transferred call credits each agent with their own part (ring,
talk, hold). The times are the daemon's clock; wrap-up is added by the desk at wrap-up.
"""

from dataclasses import dataclass

#: How an unanswered leg ended, by the DIALSTATUS of the Dial to the agent's phone.
UNANSWERED_END = {
    "NOANSWER": "no_answer",
    "BUSY": "rejected",
    "CANCEL": "caller_hung_up",
    "CHANUNAVAIL": "failed",
    "CONGESTION": "failed",
}


@dataclass(slots=True)
class AgentLeg:
    agent_id: str
    started_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    end_reason: str | None = None
    hold_seconds: float = 0.0
    held_since: float | None = None

    def hold(self, now: float) -> None:
        if self.held_since is None:
            self.held_since = now

    def resume(self, now: float) -> None:
        if self.held_since is not None:
            self.hold_seconds += max(now - self.held_since, 0.0)
            self.held_since = None

    def end(self, reason: str, now: float) -> None:
        if self.ended_at is not None:
            return
        self.resume(now)
        self.ended_at, self.end_reason = now, reason


def open_leg(legs: list[AgentLeg], agent_id: str, now: float) -> AgentLeg:
    """A new leg: the agent was reserved and their phone is about to ring."""
    end_current(legs, now)
    leg = AgentLeg(agent_id, now)
    legs.append(leg)
    return leg


def current(legs: list[AgentLeg]) -> AgentLeg | None:
    return legs[-1] if legs and legs[-1].ended_at is None else None


def dial_ended(legs: list[AgentLeg], status: str, now: float) -> None:
    """The Dial to the agent's phone ended: answered, or the leg is over and why."""
    leg = current(legs)
    if leg is None:
        return
    if status == "ANSWER":
        leg.answered_at = leg.answered_at or now
    else:
        leg.end(UNANSWERED_END.get(status, "failed"), now)


def end_current(legs: list[AgentLeg], now: float, reason: str | None = None) -> None:
    """Close the open leg: ``reason``, else completed if answered, else the caller left."""
    leg = current(legs)
    if leg is not None:
        leg.end(reason or ("completed" if leg.answered_at is not None else "caller_hung_up"), now)
