"""The menu interpreter: a pure step function from (flow, state, caller input) to an action.

Rules:
- Entering a node yields what the channel must do next: play prompts, collect digits, or
  finish with an outcome (a queue to join, or hang up).
- A menu that gets no input or a key it does not offer plays the timeout or invalid
  prompt and asks again; after ``max_retries`` failed attempts it takes its ``default``.
- The path records every node entered and every key pressed, for the agent's screen-pop.
No I/O and no clock: the runner performs the actions and feeds back the replies.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ivr.flow import Flow, HangupNode, MenuNode, PlayNode, QueueNode


@dataclass(frozen=True, slots=True)
class IvrState:
    node: str
    retries: int = 0
    path: tuple[str, ...] = ()
    choice: str | None = None


@dataclass(frozen=True, slots=True)
class Play:
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Collect:
    """Play ``before`` (interruptible by a key), then ``prompt`` and read up to ``max_digits``."""

    before: tuple[str, ...]
    prompt: str
    timeout_ms: int
    max_digits: int
    escape_digits: str


@dataclass(frozen=True, slots=True)
class IvrOutcome:
    path: tuple[str, ...]
    choice: str | None
    queue: str | None = None
    skills: Mapping[str, int] = field(default_factory=dict)
    priority_boost: int = 0
    goodbye: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finish:
    outcome: IvrOutcome


Action = Play | Collect | Finish


def begin(flow: Flow) -> tuple[IvrState, Action]:
    return enter(flow, IvrState(node=flow.start), flow.start)


def advance(flow: Flow, state: IvrState, reply: str | None) -> tuple[IvrState, Action]:
    """The next step after the channel performed the current node's action."""
    node = flow.nodes[state.node]
    if isinstance(node, PlayNode):
        return enter(flow, state, node.next)
    if isinstance(node, MenuNode):
        return _menu_reply(flow, state, node, reply or "")
    raise ValueError(f"node {node.id!r} has already finished the flow")


def enter(flow: Flow, state: IvrState, node_id: str) -> tuple[IvrState, Action]:
    node = flow.nodes[node_id]
    state = replace(state, node=node_id, retries=0, path=(*state.path, node_id))
    if isinstance(node, PlayNode):
        return state, Play(node.prompts)
    if isinstance(node, MenuNode):
        return state, _ask(node, before=())
    if isinstance(node, QueueNode):
        outcome = IvrOutcome(state.path, state.choice, node.queue, node.skills, node.priority_boost)
        return state, Finish(outcome)
    assert isinstance(node, HangupNode)
    return state, Finish(IvrOutcome(state.path, state.choice, goodbye=node.prompts))


def _menu_reply(
    flow: Flow, state: IvrState, node: MenuNode, digits: str
) -> tuple[IvrState, Action]:
    if digits in node.options:
        chosen = replace(state, choice=digits, path=(*state.path, f"{node.id}:{digits}"))
        return enter(flow, chosen, node.options[digits])
    mark = f"{node.id}:{digits}" if digits else f"{node.id}:no-input"
    retried = replace(state, retries=state.retries + 1, path=(*state.path, mark))
    if retried.retries > node.max_retries:
        fallback = replace(retried, path=(*retried.path, f"{node.id}:default"))
        return enter(flow, fallback, node.default)
    prompt = node.invalid_prompt if digits else node.timeout_prompt
    return retried, _ask(node, before=(prompt,))


def _ask(node: MenuNode, before: tuple[str, ...]) -> Collect:
    keys = "".join(sorted(node.options))
    return Collect(before, node.prompt, node.timeout_ms, 1, keys)
