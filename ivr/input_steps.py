"""Pure steps of the nodes that take several exchanges: collect, callback and say_status.

Owns their sub-steps (``IvrState.phase``): read digits, have them checked, confirm a number,
read a request back. Each function returns the next state and either an action for the
runner or a ``Goto`` the interpreter follows; none of them performs I/O.
"""

from dataclasses import replace
from typing import Literal

from ivr.actions import (
    Action,
    Collect,
    Finish,
    Goto,
    IvrState,
    Reply,
    Say,
    Speak,
    Utterance,
    Validate,
    outcome_of,
)
from ivr.directory import RequestStatus, Verdict
from ivr.nodes import CallbackNode, CollectNode, SayStatusNode

Step = tuple[IvrState, Action | Goto]
MASK = "****"


def mark(state: IvrState, text: str, **changes: object) -> IvrState:
    return replace(state, path=(*state.path, text), **changes)  # type: ignore[arg-type]


def enter_collect(node: CollectNode, state: IvrState) -> Step:
    return state, _read(node, before=())


def collect_reply(node: CollectNode, state: IvrState, reply: Reply) -> Step:
    if state.phase == "validate":
        ok = isinstance(reply, Verdict) and reply.ok
        return _accept(node, state) if ok else _retry(node, state, "rejected", node.invalid_prompt)
    digits = reply.rstrip("#") if isinstance(reply, str) else ""
    if not digits:
        return _retry(node, state, "no-input", node.timeout_prompt)
    shown = MASK if node.secret else digits
    if not (digits.isdigit() and node.min_digits <= len(digits) <= node.max_digits):
        return _retry(node, state, shown, node.invalid_prompt)
    state = mark(state, f"{node.id}:{shown}", pending=digits)
    if node.validate in ("account", "request"):
        check: Literal["account", "request"] = (
            "account" if node.validate == "account" else "request"
        )
        return replace(state, phase="validate"), Validate(check, digits)
    return _accept(node, state)


def _accept(node: CollectNode, state: IvrState) -> Step:
    collected = dict(state.collected)
    if not node.secret:
        collected[node.store_as] = state.pending
    verified = state.verified or node.validate == "account"
    done = replace(state, collected=collected, verified=verified, phase="", pending="")
    return done, Goto(node.next, f"{node.id}:ok")


def _retry(node: CollectNode, state: IvrState, what: str, prompt: str) -> Step:
    state = mark(state, f"{node.id}:{what}", retries=state.retries + 1, phase="", pending="")
    if state.retries > node.max_retries:
        return state, Goto(node.default, f"{node.id}:default")
    return state, _read(node, before=(prompt,))


def _read(node: CollectNode, before: tuple[Utterance, ...]) -> Collect:
    return Collect(before, node.prompt, node.timeout_ms, node.max_digits, "")


def enter_callback(node: CallbackNode, state: IvrState) -> Step:
    ani = state.caller.ani
    if ani.isdigit() and node.min_digits <= len(ani) <= node.max_digits:
        return replace(state, phase="confirm", pending=ani), _confirm(node, ani, ())
    return replace(state, phase="enter"), _enter_number(node, ())


def callback_reply(node: CallbackNode, state: IvrState, reply: Reply) -> Step:
    digits = reply.rstrip("#") if isinstance(reply, str) else ""
    if state.phase == "confirm" and digits == "1":
        done = mark(state, f"{node.id}:confirmed", phase="")
        ending = outcome_of(
            done, callback_number=state.pending, callback_queue=node.queue, goodbye=node.goodbye
        )
        return done, Finish(ending)
    if state.phase == "confirm" and digits == "2":
        return mark(state, f"{node.id}:other", phase="enter"), _enter_number(node, ())
    fits = digits.isdigit() and node.min_digits <= len(digits) <= node.max_digits
    if state.phase == "enter" and fits:
        entered = mark(state, f"{node.id}:entered", phase="confirm", pending=digits)
        return entered, _confirm(node, digits, ())
    state = mark(state, f"{node.id}:{digits or 'no-input'}", retries=state.retries + 1)
    if state.retries > node.max_retries:
        return state, Goto(node.default, f"{node.id}:default")
    if state.phase == "confirm":
        return state, _confirm(node, state.pending, ("cc-invalid",))
    return state, _enter_number(node, ("cc-invalid",))


def _confirm(node: CallbackNode, number: str, before: tuple[str, ...]) -> Collect:
    said: tuple[Utterance, ...] = (*before, node.prompt, Say("digits", number))
    return Collect(said, node.options_prompt, node.timeout_ms, 1, "12")


def _enter_number(node: CallbackNode, before: tuple[str, ...]) -> Collect:
    return Collect(before, node.enter_prompt, node.timeout_ms, node.max_digits, "")


def enter_say_status(node: SayStatusNode, state: IvrState) -> Step:
    if node.request == "caller":
        number = state.caller.open_request
    else:
        number = state.collected.get(node.request)
    if not number:
        return state, Goto(node.missing, f"{node.id}:none")
    return replace(state, phase="lookup"), Validate("request", number)


def say_status_reply(node: SayStatusNode, state: IvrState, reply: Reply) -> Step:
    if state.phase == "speak":
        return replace(state, phase=""), Goto(node.next, f"{node.id}:read")
    if isinstance(reply, Verdict) and reply.ok and reply.status is not None:
        return replace(state, phase="speak"), Speak(readback(reply.status))
    return replace(state, phase=""), Goto(node.missing, f"{node.id}:not-found")


def readback(status: RequestStatus) -> tuple[Utterance, ...]:
    """ "Request <digits>: <status>. Opened on <date>[. Due on <date>]." as prompts + SAY."""
    items: list[Utterance] = [
        "cc-request",
        Say("digits", status.number),
        f"cc-status-{status.status}",
        "cc-opened-on",
        Say("date", str(status.opened)),
    ]
    if status.due is not None:
        items += ["cc-due-on", Say("date", str(status.due))]
    return tuple(items)
