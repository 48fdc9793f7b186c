"""What the engine refuses: unknown agents, queues and calls, and early wrap-up exits."""

from acd.states import AgentAction, AgentState, IllegalTransition


class UnknownAgent(LookupError):
    pass


class UnknownQueue(LookupError):
    pass


class UnknownCall(LookupError):
    pass


class WrapUpLocked(IllegalTransition):
    """The queue's wrap-up is time-boxed with no early exit and the box is not over."""

    def __init__(self, state: AgentState, action: AgentAction, remaining: float) -> None:
        super().__init__(state, action)
        self.args = (f"wrap-up cannot end early: {remaining:.0f} s left",)
        self.remaining = remaining
