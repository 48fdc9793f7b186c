"""asterisk-conf/ agrees with the daemon: FastAGI routes, AMI targets, AMI events, Gotos.

(a) every ``AGI(agi://...)`` script in extensions.conf is a route of the daemon's FastAGI
    server. The routes are read from the code: the keys of the ``AgiServer({...})`` mapping
    in callcenter/app.py (parsed, not imported, so the test needs no database or sockets).
(b) every context (and literal extension) the Python code sends calls to with Redirect,
    Originate, BlindTransfer... exists, plus the targets DESIGN.md requires of the config.
(c) manager.conf lets through every event the daemon needs: its user's read classes cover
    them, and no eventfilter drops them.
(d) every Goto/GotoIf/Dial(Local/...@ctx) inside extensions.conf lands on a real context,
    extension and priority or label.
"""

import ast
from pathlib import Path

import pytest

from tests.asterisk_conf.asterisk_config import (
    Dialplan,
    Section,
    Target,
    agi_script,
    event_passes,
    goto_targets,
    read_dialplan,
    read_eventfilters,
    read_sections,
)

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "asterisk-conf"
#: Packages whose code may send calls to a dialplan location.
CODE_PACKAGES = ("callcenter", "cti", "dialer", "agent_ws", "acd", "ivr")
AMI_USER = "callcenter"


def dialplan() -> Dialplan:
    return read_dialplan((CONF / "extensions.conf").read_text())


def manager_user() -> Section:
    sections = {s.name: s for s in read_sections((CONF / "manager.conf").read_text())}
    return sections[AMI_USER]


# --- (a) FastAGI routes -------------------------------------------------------------------


def served_agi_routes() -> set[str]:
    """The keys of every ``AgiServer({...})`` mapping in callcenter/*.py."""
    routes: set[str] = set()
    for path in sorted((ROOT / "callcenter").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and _name(node.func) == "AgiServer"):
                continue
            mapping = node.args[0] if node.args else None
            if not isinstance(mapping, ast.Dict):
                raise AssertionError(f"{path.name}: AgiServer's routes are not a dict literal")
            for key in mapping.keys:
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    raise AssertionError(f"{path.name}: a FastAGI route key is not a literal")
                routes.add(key.value)
    return routes


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def test_the_daemon_serves_fastagi_routes() -> None:
    assert "inbound" in served_agi_routes()


def _script_params() -> list[str]:
    plan = dialplan()
    return sorted({agi_script(plan, s) for s in plan.steps() if s.app == "AGI"})


@pytest.mark.parametrize("script", _script_params())
def test_every_agi_script_is_a_daemon_route(script: str) -> None:
    assert script in served_agi_routes(), f"extensions.conf runs AGI .../{script}"


def test_the_dialplan_calls_both_routes() -> None:
    plan = dialplan()
    assert {agi_script(plan, s) for s in plan.steps() if s.app == "AGI"} == {
        "inbound",
        "outbound-amd",
    }


# --- (b) where the code and DESIGN.md send calls --------------------------------------------


def code_targets() -> list[tuple[str, str | None, str]]:
    """(context, literal exten or None, where) for every literal dialplan target in the code."""
    found: list[tuple[str, str | None, str]] = []
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(), where)):
                found.extend((c, e, where) for c, e in _targets_in(node))
    return found


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


#: cti/commands.py's command types that send a channel to a dialplan location.
SENDING_COMMANDS = {"Originate", "Redirect", "BlindTransfer", "Atxfer"}


def _targets_in(node: ast.AST) -> list[tuple[str, str | None]]:
    if isinstance(node, ast.Call) and _name(node.func) in SENDING_COMMANDS:
        # Redirect(channel, context="cti-hold", exten="caller", ...)
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        pairs = [("context", "exten"), ("extra_context", "extra_exten")]
        return [(ctx, _literal(kw.get(ext))) for c, ext in pairs if (ctx := _literal(kw.get(c)))]
    if isinstance(node, ast.Tuple) and len(node.elts) == 2:  # ("Context", "cti-hold")
        key, value = (_literal(e) for e in node.elts)
        if key in {"Context", "ExtraContext"} and value is not None:
            return [(value, None)]
    if isinstance(node, ast.Assign) and len(node.targets) == 1:  # HOLD_CONTEXT = "cti-hold"
        target, value = node.targets[0], _literal(node.value)
        if isinstance(target, ast.Name) and target.id.endswith("CONTEXT") and value:
            return [(value, None)]
    if isinstance(node, ast.Constant | ast.JoinedStr):  # "Local/{ext}@cti-agent"
        text = (
            node.value
            if isinstance(node, ast.Constant)
            else "".join(_literal(v) or "{}" for v in node.values)
        )
        if isinstance(text, str) and text.startswith("Local/") and "@" in text:
            return [(text.rpartition("@")[2].split("/")[0], None)]
    return []


def test_every_context_the_code_sends_calls_to_exists() -> None:
    plan = dialplan()
    missing = [
        (ctx, exten, where)
        for ctx, exten, where in code_targets()
        if ctx not in plan.contexts or (exten is not None and plan.find_exten(ctx, exten) is None)
    ]
    assert missing == []


#: Targets DESIGN.md ("How a call is controlled") requires: (context, exten, why).
DESIGN_TARGETS = [
    ("from-trunk", "8005551234", "hotlines run AGI(agi://<cti>:4573/inbound)"),
    ("cti-fallback", "s", "the daemon is gone: hold music with the call id"),
    ("cti-resume", "s", "on restart the resync Redirects held callers into the AGI context"),
    ("cti-hold", "caller", "our hold: the caller is Redirected into music on hold"),
    ("cti-hold", "agent", "our hold: the agent is Redirected (ExtraChannel) into a wait"),
    ("cti-agent", "1001", "ring an agent's PJSIP endpoint from AMI"),
    ("cti-transfer", "13125550199", "an agent's blind transfer to an outside number"),
    ("cti-nailed", "1001", "predictive: the agent's phone stays on a nailed-up line"),
    ("cti-spy-listen", "1001", "supervision: ChanSpy q"),
    ("cti-spy-whisper", "1001", "supervision: ChanSpy qw"),
    ("cti-spy-barge", "1001", "supervision: ChanSpy qB"),
    ("cti-dialer", "2125550100", "the dialer's Originate with AMD"),
    ("outbound", "2125550100", "click-to-dial / callbacks (also the simulator's name)"),
    ("from-agents", "1002", "agents' internal calls"),
]


@pytest.mark.parametrize(("context", "exten", "why"), DESIGN_TARGETS, ids=lambda v: str(v))
def test_design_targets_exist(context: str, exten: str, why: str) -> None:
    assert dialplan().find_exten(context, exten) is not None, why


@pytest.mark.parametrize(
    ("context", "options"),
    [("cti-spy-listen", "q"), ("cti-spy-whisper", "qw"), ("cti-spy-barge", "qB")],
)
def test_spy_contexts_use_the_design_options(context: str, options: str) -> None:
    spies = [s for s in dialplan().steps() if s.context == context and s.app == "ChanSpy"]
    assert [s.args for s in spies] == [f"PJSIP/${{EXTEN}}-,{options}"]


def test_the_auto_answer_handler_adds_the_call_info_header_and_returns() -> None:
    from callcenter.auto_answer import AUTO_ANSWER_CONTEXT, PRE_DIAL_HANDLER

    steps = [(s.app, s.args) for s in dialplan().steps() if s.context == AUTO_ANSWER_CONTEXT]
    assert steps == [("Set", "PJSIP_HEADER(add,Call-Info)=answer-after=0"), ("Return", "")]
    assert f"b({AUTO_ANSWER_CONTEXT}^s^1)" == PRE_DIAL_HANDLER


def test_spy_contexts_are_not_reachable_from_agents_phones() -> None:
    plan = dialplan()
    reached = {
        t.context for s in plan.steps() if s.context == "from-agents" for t in goto_targets(s)
    }
    assert not {c for c in reached if c.startswith("cti-spy")}


# --- (c) AMI events -----------------------------------------------------------------------

#: Every event the daemon uses, with the AMI class Asterisk 22 sends it under.
NEEDED_EVENTS = {
    "Newchannel": "call",
    "Newstate": "call",
    "NewCallerid": "call",
    "Rename": "call",
    "LocalBridge": "call",
    "DialBegin": "call",
    "DialState": "call",
    "DialEnd": "call",
    "BridgeCreate": "call",
    "BridgeEnter": "call",
    "BridgeLeave": "call",
    "BridgeDestroy": "call",
    "BridgeMerge": "call",
    "HangupRequest": "call",
    "SoftHangupRequest": "call",
    "Hangup": "call",
    "DeviceStateChange": "call",
    "DTMFBegin": "dtmf",
    "DTMFEnd": "dtmf",
    "Hold": "call",
    "Unhold": "call",
    "BlindTransfer": "call",
    "AttendedTransfer": "call",
    "OriginateResponse": "call",
    "MusicOnHoldStart": "call",
    "MusicOnHoldStop": "call",
    "ChanSpyStart": "call",
    "ChanSpyStop": "call",
    "MixMonitorStart": "call",
    "MixMonitorStop": "call",
    "FullyBooted": "system",
}
#: Noise the filters must cut (a filter that names nothing is a typo waiting to happen).
UNWANTED_EVENTS = [
    "Newexten",
    "VarSet",
    "RTCPSent",
    "RTCPReceived",
    "Cdr",
    "CEL",
    "AGIExecStart",
    "AGIExecEnd",
]


def payload(name: str, klass: str) -> str:
    """An event as manager.c queues it, with the usual channel snapshot headers."""
    return (
        f"Event: {name}\r\nPrivilege: {klass},all\r\nChannel: PJSIP/1001-0000002a\r\n"
        "ChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: 2125550100\r\n"
        "Context: from-trunk\r\nExten: 8005551234\r\nUniqueid: 1795664215.42\r\n"
        "Linkedid: 1795664215.42\r\n\r\n"
    )


#: Items of an action's event list: written straight to the asking session, never filtered.
LIST_ITEM_EVENTS = {
    "CoreShowChannel",
    "CoreShowChannelsComplete",
    "Status",
    "StatusComplete",
    "BridgeListItem",
    "BridgeListComplete",
    "DeviceStateListComplete",
}


def test_the_tracker_needs_no_event_outside_the_list() -> None:
    """A new event in cti/tracker.py's TRACKED_EVENTS must be added to NEEDED_EVENTS."""
    from cti.tracker import TRACKED_EVENTS

    assert set(TRACKED_EVENTS) - LIST_ITEM_EVENTS <= set(NEEDED_EVENTS)


@pytest.mark.parametrize(("event", "klass"), sorted(NEEDED_EVENTS.items()))
def test_needed_events_reach_the_daemon(event: str, klass: str) -> None:
    user = manager_user()
    read = {c.strip() for c in (user.get("read") or "").split(",")}
    assert klass in read or "all" in read, f"read= lacks {klass} for {event}"
    assert event_passes(read_eventfilters(user), event, payload(event, klass))


@pytest.mark.parametrize("event", UNWANTED_EVENTS)
def test_noise_is_filtered(event: str) -> None:
    assert not event_passes(read_eventfilters(manager_user()), event, payload(event, "call"))


def test_read_classes_are_the_minimum() -> None:
    read = {c.strip() for c in (manager_user().get("read") or "").split(",")}
    assert read == set(NEEDED_EVENTS.values())


def test_read_classes_are_what_the_daemon_subscribes_to_at_login() -> None:
    from cti.subscription import EVENT_MASK

    read = {c.strip() for c in (manager_user().get("read") or "").split(",")}
    assert read == set(EVENT_MASK.split(","))


#: Actions the daemon sends (cti/commands.py, resync) and the write classes that allow each
#: (a user needs any one; manager.c's registration, "manager show command <Action>").
ACTIONS = {
    "Originate": {"originate"},
    "Redirect": {"call"},
    "Hangup": {"system", "call"},
    "Setvar": {"call"},
    "Getvar": {"call", "reporting"},
    "Bridge": {"call"},
    "BlindTransfer": {"call"},
    "Atxfer": {"call"},
    "CancelAtxfer": {"call"},
    "MixMonitor": {"system", "call"},
    "StopMixMonitor": {"system", "call"},
    "Status": {"system", "call", "reporting"},
    "CoreShowChannels": {"system", "reporting"},
    "BridgeList": {"reporting"},
}


def test_write_classes_allow_every_action_and_nothing_more() -> None:
    write = {c.strip() for c in (manager_user().get("write") or "").split(",")}
    assert [a for a, classes in ACTIONS.items() if not classes & write] == []
    assert "system" not in write and "command" not in write and "all" not in write
    for klass in write:
        assert any(klass in classes for classes in ACTIONS.values()), f"unused class {klass}"


def test_ami_is_not_open_to_the_world() -> None:
    sections = {s.name: s for s in read_sections((CONF / "manager.conf").read_text())}
    assert sections["general"].get("bindaddr") != "0.0.0.0"
    user = manager_user()
    assert user.all("deny") == ["0.0.0.0/0.0.0.0"]
    assert user.all("permit") and "0.0.0.0/0.0.0.0" not in user.all("permit")


# --- (d) references inside extensions.conf -------------------------------------------------


def _goto_params() -> list[Target]:
    plan = dialplan()
    return [t for s in plan.steps() for t in goto_targets(s)]


@pytest.mark.parametrize("target", _goto_params(), ids=lambda t: f"line{t.line}-{t.context}")
def test_every_goto_lands_somewhere(target: Target) -> None:
    plan = dialplan()
    assert target.context in plan.contexts, f"no context [{target.context}]"
    if "${" in target.exten:
        return  # computed at run time, e.g. ${EXTEN:1}; the context is all we can check
    extens = plan.contexts[target.context]
    pattern = (
        target.exten if target.exten in extens else plan.find_exten(target.context, target.exten)
    )
    assert pattern is not None, f"no extension {target.exten} in [{target.context}]"
    steps = extens[pattern]
    assert target.priority in {str(s.priority) for s in steps} | {s.label for s in steps}


def test_every_context_has_a_step() -> None:
    assert all(extens for extens in dialplan().contexts.values())
