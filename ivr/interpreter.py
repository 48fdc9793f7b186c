"""The menu interpreter: a pure step function from (flow, state, reply, now) to an action.

Rules:
- Entering a node yields what the channel must do next: play prompts, collect digits,
  read something back, ask the directory (``Validate``), set the language, or finish with
  an outcome (a queue, a callback, voicemail, a transfer, or hang up).
- ``hours`` and ``branch`` decide at once from data (the instant, the caller's facts) and
  move on without a channel action.
- A menu that gets no input or a key it does not offer plays the timeout or invalid
  prompt and asks again; after ``max_retries`` failed attempts it takes its ``default``.
  ``collect``, ``language`` and ``callback`` retry the same way.
- The path records every node entered and every key pressed (secrets masked), for the
  agent's screen-pop.
No I/O and no clock: the runner performs the actions, feeds back the replies and passes
the instant ``now`` (an aware datetime) that ``hours`` nodes need.
"""

from dataclasses import replace
from datetime import datetime

from ivr.actions import (
    Action,
    Collect,
    Finish,
    Goto,
    IvrOutcome,
    IvrState,
    Play,
    Reply,
    Say,
    SetLanguage,
    Speak,
    Utterance,
    Validate,
    outcome_of,
)
from ivr.directory import Caller
from ivr.flow import Flow
from ivr.hours import is_open
from ivr.input_steps import (
    Step,
    callback_reply,
    collect_reply,
    enter_callback,
    enter_collect,
    enter_say_status,
    mark,
    say_status_reply,
)
from ivr.nodes import (
    BranchNode,
    CallbackNode,
    CollectNode,
    Condition,
    HangupNode,
    HoursNode,
    LanguageNode,
    MenuNode,
    PlayNode,
    QueueNode,
    SayStatusNode,
    TransferNode,
    VoicemailNode,
)

__all__ = [
    "Action",
    "Collect",
    "Finish",
    "IvrOutcome",
    "IvrState",
    "Play",
    "Reply",
    "Say",
    "SetLanguage",
    "Speak",
    "Utterance",
    "Validate",
    "advance",
    "begin",
    "enter",
]

#: ``hours`` and ``branch`` move on without the channel; a flow looping through them alone
#: would never yield, so the interpreter refuses more hops than this in one step.
MAX_HOPS = 64


def begin(
    flow: Flow, *, caller: Caller | None = None, now: datetime | None = None
) -> tuple[IvrState, Action]:
    start = IvrState(node=flow.start, caller=caller or Caller())
    return enter(flow, start, flow.start, now)


def advance(
    flow: Flow, state: IvrState, reply: Reply, now: datetime | None = None
) -> tuple[IvrState, Action]:
    """The next step after the channel performed the current node's action."""
    node = flow.nodes[state.node]
    step: Step
    if isinstance(node, PlayNode):
        step = state, Goto(node.next, "")
    elif isinstance(node, MenuNode):
        step = _menu_reply(state, node, reply if isinstance(reply, str) else "")
    elif isinstance(node, LanguageNode):
        step = _language_reply(state, node, reply if isinstance(reply, str) else "")
    elif isinstance(node, CollectNode):
        step = collect_reply(node, state, reply)
    elif isinstance(node, CallbackNode):
        step = callback_reply(node, state, reply)
    elif isinstance(node, SayStatusNode):
        step = say_status_reply(node, state, reply)
    else:
        raise ValueError(f"node {node.id!r} has already finished the flow")
    return _follow(flow, step, now)


def enter(
    flow: Flow, state: IvrState, node_id: str, now: datetime | None = None
) -> tuple[IvrState, Action]:
    return _follow(flow, (state, Goto(node_id, "")), now)


def _follow(flow: Flow, step: Step, now: datetime | None) -> tuple[IvrState, Action]:
    state, action = step
    for _ in range(MAX_HOPS):
        if not isinstance(action, Goto):
            return state, action
        if action.mark:
            state = mark(state, action.mark)
        state, action = _arrive(flow, state, action.node, now)
    raise ValueError(f"flow {flow.name!r} loops through {state.node!r} without asking the caller")


def _arrive(flow: Flow, state: IvrState, node_id: str, now: datetime | None) -> Step:
    node = flow.nodes[node_id]
    state = replace(state, node=node_id, retries=0, phase="", path=(*state.path, node_id))
    match node:
        case PlayNode():
            return state, Play(node.prompts)
        case MenuNode():
            return state, _ask(node, before=())
        case LanguageNode():
            return state, _ask_language(node, before=())
        case CollectNode():
            return enter_collect(node, state)
        case CallbackNode():
            return enter_callback(node, state)
        case SayStatusNode():
            return enter_say_status(node, state)
        case HoursNode():
            return state, _hours(node, now)
        case BranchNode():
            return state, _branch(node, state)
    return state, Finish(_ending(node, state))


def _ending(node: object, state: IvrState) -> IvrOutcome:
    match node:
        case QueueNode():
            return outcome_of(
                state, queue=node.queue, skills=node.skills, priority_boost=node.priority_boost
            )
        case VoicemailNode():
            return outcome_of(state, voicemail=node.team, goodbye=node.prompts)
        case TransferNode():
            return outcome_of(state, transfer_to=node.number, goodbye=node.prompts)
        case HangupNode():
            return outcome_of(state, goodbye=node.prompts)
    raise ValueError(f"no ending for {node!r}")


def _hours(node: HoursNode, now: datetime | None) -> Goto:
    if now is None:
        raise ValueError(f"node {node.id!r} needs the time: run the flow with a clock")
    if is_open(node.hours, now):
        return Goto(node.open, f"{node.id}:open")
    return Goto(node.closed, f"{node.id}:closed")


def _branch(node: BranchNode, state: IvrState) -> Goto:
    for number, (condition, target) in enumerate(node.rules, start=1):
        if _holds(condition, state):
            return Goto(target, f"{node.id}:rule{number}")
    return Goto(node.default, f"{node.id}:default")


def _holds(condition: Condition, state: IvrState) -> bool:
    caller = state.caller
    checks = (
        condition.known is None or condition.known == caller.known,
        condition.tiers is None or caller.tier in condition.tiers,
        condition.open_request is None or condition.open_request == bool(caller.open_request),
        condition.verified is None or condition.verified == state.verified,
    )
    return all(checks)


def _menu_reply(state: IvrState, node: MenuNode, digits: str) -> Step:
    if digits in node.options:
        return replace(state, choice=digits), Goto(node.options[digits], f"{node.id}:{digits}")
    mark_text = f"{node.id}:{digits}" if digits else f"{node.id}:no-input"
    retried = mark(state, mark_text, retries=state.retries + 1)
    if retried.retries > node.max_retries:
        return retried, Goto(node.default, f"{node.id}:default")
    prompt = node.invalid_prompt if digits else node.timeout_prompt
    return retried, _ask(node, before=(prompt,))


def _language_reply(state: IvrState, node: LanguageNode, digits: str) -> Step:
    if state.phase == "set":
        return replace(state, phase=""), Goto(node.next, "")
    language = node.options.get(digits)
    if language is None:
        state = mark(state, f"{node.id}:{digits or 'no-input'}", retries=state.retries + 1)
        if state.retries <= node.max_retries:
            return state, _ask_language(node, before=(node.invalid_prompt,))
        language = node.default
    chosen = mark(state, f"{node.id}:{language}", language=language, phase="set")
    return chosen, SetLanguage(language)


def _ask(node: MenuNode, before: tuple[str, ...]) -> Collect:
    keys = "".join(sorted(node.options))
    return Collect(before, node.prompt, node.timeout_ms, 1, keys)


def _ask_language(node: LanguageNode, before: tuple[str, ...]) -> Collect:
    keys = "".join(sorted(node.options))
    return Collect(before, node.prompt, node.timeout_ms, 1, keys)
