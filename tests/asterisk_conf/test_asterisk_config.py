"""The readers the consistency tests rely on see what Asterisk would see."""

import ast

import pytest

from tests.asterisk_conf.asterisk_config import (
    ConfError,
    Section,
    event_passes,
    goto_targets,
    pattern_matches,
    read_dialplan,
    read_eventfilters,
)
from tests.asterisk_conf.test_consistency import _targets_in, payload


@pytest.mark.parametrize(
    ("pattern", "exten", "matches"),
    [
        ("_1XXX", "1001", True),
        ("_1XXX", "10010", False),
        ("_X.", "8005551234", True),
        ("_X.", "8", False),
        ("_9X.", "912125550100", True),
        ("_[a-c]N!", "b2", True),
        ("s", "s", True),
        ("caller", "agent", False),
    ],
)
def test_pattern_matching(pattern: str, exten: str, matches: bool) -> None:
    assert pattern_matches(pattern, exten) is matches


def test_dialplan_priorities_labels_and_targets() -> None:
    plan = read_dialplan(
        "[globals]\nHOST = agi://h:4573 ; comment\n"
        "[a]\nexten => _X.,1,AGI(${HOST}/inbound,${EXTEN})\n"
        ' same => n,GotoIf($["${X}" = "1"]?done:b,s,1)\n'
        " same => n(done),Dial(Local/1001@c/n,20)\n"
    )
    steps = plan.contexts["a"]["_X."]
    assert [(s.priority, s.label, s.app) for s in steps] == [
        (1, None, "AGI"),
        (2, None, "GotoIf"),
        (3, "done", "Dial"),
    ]
    assert plan.expand(steps[0].args).startswith("agi://h:4573/inbound")
    assert [(t.context, t.exten, t.priority) for t in goto_targets(steps[1])] == [
        ("a", "_X.", "done"),
        ("b", "s", "1"),
    ]
    assert [(t.context, t.exten) for t in goto_targets(steps[2])] == [("c", "1001")]


def test_unknown_dialplan_syntax_is_refused() -> None:
    with pytest.raises(ConfError):
        read_dialplan("[a]\ninclude => b\n")


def test_legacy_filters_are_unanchored_regexes() -> None:
    section = Section("u", options=[("eventfilter", "!Event: Hangup")])
    filters = read_eventfilters(section)
    assert not event_passes(filters, "HangupRequest", payload("HangupRequest", "call"))
    assert event_passes(filters, "Newchannel", payload("Newchannel", "call"))


def test_include_filters_drop_everything_else() -> None:
    section = Section("u", options=[("eventfilter(action(include),name(Hangup))", "")])
    filters = read_eventfilters(section)
    assert event_passes(filters, "Hangup", payload("Hangup", "call"))
    assert not event_passes(filters, "Newchannel", payload("Newchannel", "call"))


def test_header_filters() -> None:
    key = "eventfilter(action(exclude),header(Channel),method(starts_with))"
    filters = read_eventfilters(Section("u", options=[(key, "PJSIP/1001")]))
    assert not event_passes(filters, "Hangup", payload("Hangup", "call"))
    filters = read_eventfilters(Section("u", options=[(key, "Local/")]))
    assert event_passes(filters, "Hangup", payload("Hangup", "call"))


def test_code_scan_finds_redirect_targets() -> None:
    code = (
        'Redirect(ch, context="cti-hold", exten="caller",'
        ' extra_context="cti-hold", extra_exten="agent")\n'
        'Originate(f"Local/{ext}@cti-agent", application="Wait")\n'
        'CallTransferred(context="not-a-target")\n'
    )
    found = [t for node in ast.walk(ast.parse(code)) for t in _targets_in(node)]
    assert sorted(found, key=str) == sorted(
        [("cti-hold", "caller"), ("cti-hold", "agent"), ("cti-agent", None)], key=str
    )
