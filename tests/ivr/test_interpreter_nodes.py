"""The pure interpreter, node type by node type: replies in, actions and outcome out."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from ivr.directory import Caller, RequestStatus, Verdict
from ivr.flow import Flow, FlowError
from ivr.interpreter import (
    Action,
    Collect,
    Finish,
    IvrOutcome,
    Reply,
    Say,
    SetLanguage,
    Speak,
    Validate,
    advance,
    begin,
)
from tests.ivr.flows import ACCOUNT, BRANCH, CALLBACK, HOURS, LANGUAGE, PIN, STATUS, VIP, flow_of

MONDAY_10H_SHANGHAI = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@dataclass
class Run:
    actions: list[Action]
    outcome: IvrOutcome


def drive(
    flow: Flow, replies: list[Reply], *, caller: Caller | None = None, now: datetime | None = None
) -> Run:
    state, action = begin(flow, caller=caller, now=now)
    actions = [action]
    pending = list(replies)
    while not isinstance(action, Finish):
        state, action = advance(flow, state, pending.pop(0), now)
        actions.append(action)
    assert not pending, f"replies left over: {pending}"
    return Run(actions, action.outcome)


OK, NO = Verdict(ok=True), Verdict(ok=False)


@pytest.mark.parametrize(
    ("replies", "ends_at", "collected", "verified", "marks"),
    [
        (["10023", OK], None, {"account": "10023"}, True, ("acct:10023", "acct:ok", "done")),
        (["10023#", OK], None, {"account": "10023"}, True, ("acct:ok", "done")),
        (["12", "10023", OK], None, {"account": "10023"}, True, ("acct:12", "acct:10023")),
        (["", "10023", OK], None, {"account": "10023"}, True, ("acct:no-input", "acct:10023")),
        (["12a45", "1234", NO], "support", {}, False, ("acct:rejected", "acct:default", "agent")),
        (["11111", NO, "22222", NO], "support", {}, False, ("acct:22222", "acct:rejected")),
    ],
    ids=["valid", "terminator", "too-short", "no-input", "bad-then-rejected", "rejected-twice"],
)
def test_collect_checks_the_account_and_retries_until_its_default(
    replies: list[Reply],
    ends_at: str | None,
    collected: dict[str, str],
    verified: bool,
    marks: tuple[str, ...],
) -> None:
    run = drive(flow_of("acct", acct=ACCOUNT), replies)
    assert run.outcome.queue == ends_at
    assert run.outcome.collected == collected
    assert run.outcome.verified is verified
    assert set(marks) <= set(run.outcome.path)


def test_collect_asks_the_directory_then_replays_the_invalid_prompt_on_rejection() -> None:
    run = drive(flow_of("acct", acct=ACCOUNT), ["5555", NO, "10023", OK])
    assert run.actions[:4] == [
        Collect((), "cc-enter-account", 5000, 8, ""),
        Validate("account", "5555"),
        Collect(("cc-invalid",), "cc-enter-account", 5000, 8, ""),
        Validate("account", "10023"),
    ]


def test_a_secret_is_masked_in_the_path_and_never_in_the_outcome() -> None:
    run = drive(flow_of("pin", pin=PIN), ["12", "4321"])
    assert "4321" not in repr(run.outcome)
    assert "pin:****" in run.outcome.path
    assert run.outcome.collected == {}


@pytest.mark.parametrize(
    ("now", "branch"),
    [
        (datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "open"),  # Mon 10:00 Shanghai
        (datetime(2026, 11, 30, 4, 30, tzinfo=UTC), "closed"),  # Mon 12:30, lunch
        (datetime(2026, 11, 30, 10, 0, tzinfo=UTC), "closed"),  # Mon 18:00, end excluded
        (datetime(2026, 11, 29, 2, 0, tzinfo=UTC), "closed"),  # Sunday: no hours
        (datetime(2026, 11, 28, 3, 59, tzinfo=UTC), "open"),  # Sat 11:59
        (datetime(2026, 10, 1, 2, 0, tzinfo=UTC), "closed"),  # a Thursday holiday
        (datetime(2026, 11, 30, 1, 0, tzinfo=UTC), "open"),  # Mon 09:00 Shanghai, Sun 20:00 NY
    ],
)
def test_hours_branch_on_the_hotlines_local_time(now: datetime, branch: str) -> None:
    run = drive(flow_of("hours", hours=HOURS), [], now=now)
    assert f"hours:{branch}" in run.outcome.path
    assert (run.outcome.queue == "support") is (branch == "open")


def test_hours_without_a_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the time"):
        drive(flow_of("hours", hours=HOURS), [])


@pytest.mark.parametrize(
    ("replies", "language", "asked"),
    [
        (["1", None], "zh", 1),
        (["2", None], "en", 1),
        (["7", "2", None], "en", 2),
        (["", "9", None], "zh", 2),  # no valid key within the retry: the default language
    ],
)
def test_language_sets_the_calls_language(replies: list[Reply], language: str, asked: int) -> None:
    run = drive(flow_of("lang", lang=LANGUAGE), replies)
    assert run.outcome.language == language
    assert SetLanguage(language) in run.actions
    assert sum(isinstance(a, Collect) for a in run.actions) == asked


@pytest.mark.parametrize(
    ("caller", "ends"),
    [
        (Caller(known=True, tier="gold"), "vip"),
        (Caller(known=True, tier="bronze", open_request="10023"), "status"),
        (Caller(known=False, tier="gold"), "agent"),
        (Caller(), "agent"),
    ],
)
def test_branch_takes_the_first_rule_the_caller_facts_meet(caller: Caller, ends: str) -> None:
    flow = flow_of("route", route=BRANCH, vip=VIP, status=STATUS)
    state, _ = begin(flow, caller=caller)
    assert ends in state.path


def test_branch_on_verified_after_a_collect() -> None:
    verified_branch = {
        "type": "branch",
        "rules": [{"when": {"verified": True}, "next": "vip"}],
        "default": "agent",
    }
    flow = flow_of("acct", acct={**ACCOUNT, "next": "route"}, route=verified_branch, vip=VIP)
    assert drive(flow, ["10023", OK]).outcome.priority_boost == 10
    assert drive(flow, ["1111", NO, "2222", NO]).outcome.priority_boost == 0


def test_say_status_reads_the_callers_open_request_back() -> None:
    status = RequestStatus("10023", "in_progress", opened=1764460800, due=1765065600)
    flow = flow_of("status", status=STATUS)
    run = drive(flow, [Verdict(True, status), None], caller=Caller(open_request="10023"))
    assert run.actions[0] == Validate("request", "10023")
    assert run.actions[1] == Speak(
        (
            "cc-request",
            Say("digits", "10023"),
            "cc-status-in_progress",
            "cc-opened-on",
            Say("date", "1764460800"),
            "cc-due-on",
            Say("date", "1765065600"),
        )
    )
    assert run.outcome.goodbye == ("cc-goodbye",)


@pytest.mark.parametrize(
    ("caller", "replies"),
    [(Caller(), []), (Caller(open_request="999"), [Verdict(False)])],
    ids=["no-open-request", "unknown-request"],
)
def test_say_status_without_a_request_goes_to_missing(caller: Caller, replies: list[Reply]) -> None:
    run = drive(flow_of("status", status=STATUS), replies, caller=caller)
    assert run.outcome.queue == "support"


@pytest.mark.parametrize(
    ("ani", "replies", "number", "queue"),
    [
        ("13800138000", ["1"], "13800138000", None),
        ("13800138000", ["2", "02155550000", "1"], "02155550000", None),
        ("anonymous", ["02155550000", "1"], "02155550000", None),
        ("13800138000", ["2", "12", "", "99"], None, "support"),
        ("13800138000", ["", "5", "9"], None, "support"),
    ],
    ids=["confirm-ani", "another-number", "no-ani", "bad-numbers", "no-confirmation"],
)
def test_callback_confirms_the_number_to_call_back_on(
    ani: str, replies: list[Reply], number: str | None, queue: str | None
) -> None:
    run = drive(flow_of("cb", cb=CALLBACK), replies, caller=Caller(ani=ani))
    assert run.outcome.callback_number == number
    assert run.outcome.queue == queue
    if number:
        assert run.outcome.callback_queue == "support"
        assert run.outcome.goodbye == ("cc-bye",)


def test_callback_reads_the_number_back_before_asking_1_or_2() -> None:
    run = drive(flow_of("cb", cb=CALLBACK), ["1"], caller=Caller(ani="13800138000"))
    assert run.actions[0] == Collect(
        ("cc-callback-on", Say("digits", "13800138000")), "cc-callback-options", 5000, 1, "12"
    )


@pytest.mark.parametrize(
    ("node", "field", "value"),
    [
        (
            {"type": "voicemail", "team": "billing", "prompts": ["cc-leave-message"]},
            "voicemail",
            "billing",
        ),
        ({"type": "transfer", "number": "+8610123456"}, "transfer_to", "+8610123456"),
    ],
)
def test_voicemail_and_transfer_end_the_flow_asking_the_shell(
    node: dict[str, object], field: str, value: str
) -> None:
    run = drive(flow_of("end", end=node), [])
    assert getattr(run.outcome, field) == value
    assert run.outcome.queue is None


def test_a_loop_of_branches_that_never_asks_the_caller_is_refused_at_load() -> None:
    loop = {"type": "branch", "rules": [{"when": {"known": False}, "next": "b"}], "default": "b"}
    back = {"type": "hours", "timezone": "UTC", "week": {}, "open": "a", "closed": "a"}
    with pytest.raises(FlowError, match="loop back here"):
        flow_of("a", a=loop, b=back)


def test_the_instant_is_unused_by_flows_without_hours() -> None:
    run = drive(flow_of("acct", acct=ACCOUNT), ["1234", OK], now=MONDAY_10H_SHANGHAI)
    assert run.outcome.verified
