"""The queue file: a valid file gives the queues it describes; a wrong one is refused with
a message naming the place."""

import pytest
import yaml

from acd.entry import EntryAction, EntryCondition
from acd.model import Overflow, OverflowAction, RoutingStep, WrapUpMode
from acd.queue_config import QueueConfigError, parse_queues, with_defaults
from cti.ids import QueueName

FILE = """
support:
  skill: support
  choice: best_fit
  wrap_up: {mode: mandatory, seconds: 45}
  steps:
    - {skills: {support: 7}, timeout: 30}
    - {skills: {support: 3}, timeout: 90}
  overflow: {action: queue, queue: general}
  entry_rules:
    - {when: closed, action: message, prompt: cc-closed,
       hours: {timezone: America/New_York, week: {mon: "08:00-18:00"}, holidays: [2026-12-25]}}
    - {when: no_agent_signed_in, action: voicemail}
    - {when: depth_above, calls: 20, action: queue, queue: general}
    - {when: expected_wait_above, seconds: 300, action: callback}
general: {}
"""


def test_a_queue_file_gives_steps_overflow_wrap_up_and_entry_rules() -> None:
    queues = parse_queues(yaml.safe_load(FILE))
    support = queues[QueueName("support")]
    assert support.steps == (RoutingStep({"support": 7}, 30), RoutingStep({"support": 3}, 90))
    assert support.overflow == Overflow(OverflowAction.QUEUE, QueueName("general"))
    assert (support.wrap_up_mode, support.wrap_up_seconds, support.choice) == (
        WrapUpMode.MANDATORY,
        45,
        "best_fit",
    )
    whens = [(r.when, r.action) for r in support.entry_rules]
    assert whens == [
        (EntryCondition.CLOSED, EntryAction.MESSAGE),
        (EntryCondition.NO_AGENT_SIGNED_IN, EntryAction.VOICEMAIL),
        (EntryCondition.DEPTH_ABOVE, EntryAction.QUEUE),
        (EntryCondition.EXPECTED_WAIT_ABOVE, EntryAction.CALLBACK),
    ]
    assert [r.above for r in support.entry_rules] == [None, None, 20, 300]
    assert queues[QueueName("general")].skill == "general"


def test_queues_named_only_by_the_flows_get_the_defaults() -> None:
    queues = with_defaults(parse_queues(yaml.safe_load(FILE)), {"sales", "support"}, 30)
    assert [q.name for q in queues] == ["general", "sales", "support"]
    assert queues[1].steps == () and queues[1].wrap_up_seconds == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("support: [1]", "support: expected a mapping"),
        ("support: {colour: red}", "support.colour: unknown key"),
        ("support: {min_level: 11}", "support.min_level: a skill level is a whole number 1..10"),
        ("support: {steps: [{skills: {s: 0}}]}", "support.steps[0].skills.s: a skill level"),
        (
            "support: {steps: [{skills: {s: 5}, timeout: 30}, {skills: {s: 2}, timeout: 10}]}",
            "support: queue support: step timeouts must be positive and increasing",
        ),
        ("support: {overflow: {action: queue}}", "support.overflow.queue: name a queue"),
        ("support: {overflow: {action: fax}}", "support.overflow.action: 'fax' is not one of"),
        (
            "support: {steps: [{skills: {s: 5}, timeout: 30}], overflow: {action: queue, "
            "queue: nowhere}}",
            "support.overflow.queue: no queue 'nowhere'",
        ),
        ("support: {wrap_up: {mode: forever}}", "support.wrap_up.mode: 'forever' is not one of"),
        (
            "support: {entry_rules: [{when: raining, action: voicemail}]}",
            "support.entry_rules[0].when: 'raining' is not one of",
        ),
        (
            "support: {entry_rules: [{when: depth_above, action: voicemail}]}",
            "support.entry_rules[0].calls: expected a number",
        ),
        (
            "support: {entry_rules: [{when: expected_wait_above, seconds: -1, action: callback}]}",
            "support.entry_rules[0].seconds: expected a number of 0 or more",
        ),
        (
            "support: {entry_rules: [{when: no_agent_signed_in, action: message}]}",
            "support.entry_rules[0].prompt: a message needs the prompt",
        ),
        (
            "support: {entry_rules: [{when: no_agent_signed_in, action: queue, queue: x}]}",
            "support.entry_rules[0].queue: no queue 'x'",
        ),
        (
            "support: {entry_rules: [{when: closed, action: voicemail, "
            "hours: {timezone: Mars/Olympus, week: {}}}]}",
            "support.entry_rules[0].hours.timezone: unknown timezone 'Mars/Olympus'",
        ),
        (
            "support: {entry_rules: [{when: closed, action: voicemail, "
            "hours: {timezone: UTC, week: {monday: '09:00-17:00'}}}]}",
            "support.entry_rules[0].hours.week.monday: use one of mon",
        ),
        (
            "support: {entry_rules: [{when: closed, action: voicemail, "
            "hours: {timezone: UTC, week: {mon: '17:00-09:00'}}}]}",
            "support.entry_rules[0].hours.week.mon: '17:00-09:00' ends before it starts",
        ),
    ],
)
def test_a_wrong_queue_file_is_refused_naming_the_place(text: str, message: str) -> None:
    with pytest.raises(QueueConfigError) as refused:
        parse_queues(yaml.safe_load(text))
    assert str(refused.value).startswith(message), str(refused.value)
