"""Flow files are validated at load; errors name the file and the node."""

from pathlib import Path

import pytest

from callcenter.settings import PACKAGE_DIR
from ivr.flow import FlowError, MenuNode, load_flow, parse_flow

GOOD = {
    "hotline": "8005551234",
    "name": "Main",
    "start": "menu",
    "nodes": {
        "menu": {"type": "menu", "prompt": "m", "options": {"1": "q"}, "default": "q"},
        "q": {"type": "queue", "queue": "support", "skills": {"support": 3}},
    },
}


def test_the_shipped_main_hotline_flow_loads() -> None:
    flow = load_flow(PACKAGE_DIR / "flows" / "main.yaml")
    assert flow.hotline == "8005551234"
    menu = flow.nodes["main"]
    assert isinstance(menu, MenuNode) and menu.options == {"1": "sales", "2": "support"}


def test_a_valid_flow_parses() -> None:
    flow = parse_flow(GOOD, source="main.yaml")
    assert flow.start == "menu"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": "nowhere"}, "start node 'nowhere' does not exist"),
        ({"nodes": {"menu": {"type": "dance"}}}, "node 'menu': unknown type 'dance'"),
        (
            {
                "nodes": {
                    "menu": {"type": "menu", "prompt": "m", "options": {"12": "q"}, "default": "q"},
                    "q": {"type": "hangup"},
                }
            },
            "option '12' is not one DTMF key",
        ),
        (
            {
                "nodes": {
                    "menu": {
                        "type": "menu",
                        "prompt": "m",
                        "options": {"1": "gone"},
                        "default": "menu",
                    }
                }
            },
            "node 'menu': goes to unknown node 'gone'",
        ),
        (
            {
                "nodes": {"menu": {"type": "queue", "queue": "s", "skills": {"support": 11}}},
                "start": "menu",
            },
            "skill level must be an integer 1..10",
        ),
        ({"hotline": None}, "'hotline' is required"),
    ],
)
def test_a_broken_flow_is_refused_naming_file_and_node(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(FlowError) as refused:
        parse_flow({**GOOD, **change}, source="main.yaml")
    assert "main.yaml" in str(refused.value)
    assert message in str(refused.value)


def test_an_unreadable_file_is_a_flow_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [unclosed", encoding="utf-8")
    with pytest.raises(FlowError, match=r"bad\.yaml"):
        load_flow(bad)


BROKEN_FILE = """\
hotline: "8005551234"
name: Main
start: menu
nodes:
  menu:
    type: menu
    prompt: m
    options:
      "1": q
      "12": q
    default: q
  q:
    type: queue
    queue: support
"""


def test_an_error_in_a_file_names_the_file_the_line_and_the_node(tmp_path: Path) -> None:
    path = tmp_path / "main.yaml"
    path.write_text(BROKEN_FILE, encoding="utf-8")
    with pytest.raises(FlowError) as refused:
        load_flow(path)
    assert str(refused.value) == f"{path}:10: node 'menu': option '12' is not one DTMF key"
    assert (refused.value.file, refused.value.line, refused.value.node) == (str(path), 10, "menu")


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("queue: support", "queue: ''", 14, "'queue' is required"),
        ("    type: queue", "    type: dance", 13, "unknown type 'dance'"),
        ("default: q", "default: gone", 11, "goes to unknown node 'gone'"),
        ("start: menu", "start: nowhere", 3, "start node 'nowhere' does not exist"),
    ],
)
def test_each_refusal_points_at_the_offending_line(
    tmp_path: Path, old: str, new: str, line: int, reason: str
) -> None:
    path = tmp_path / "main.yaml"
    path.write_text(BROKEN_FILE.replace('"12": q', '"2": q').replace(old, new), encoding="utf-8")
    with pytest.raises(FlowError) as refused:
        load_flow(path)
    assert refused.value.line == line
    assert refused.value.reason.startswith(reason)


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("hotline: 1\nnodes:\n  a: [unclosed\n", encoding="utf-8")
    with pytest.raises(FlowError) as refused:
        load_flow(path)
    assert refused.value.line is not None
    assert str(refused.value).startswith(f"{path}:")


@pytest.mark.parametrize(
    ("node", "reason"),
    [
        (
            {"type": "collect", "prompt": "p", "next": "q", "default": "q", "terminator": "*"},
            "terminator must be '#'",
        ),
        (
            {"type": "collect", "prompt": "p", "next": "q", "default": "q", "validate": "pin"},
            "validate must be one of",
        ),
        (
            {
                "type": "collect",
                "prompt": "p",
                "next": "q",
                "default": "q",
                "min_digits": 5,
                "max_digits": 3,
            },
            "max_digits must be an integer 5..20",
        ),
        (
            {"type": "hours", "timezone": "Mars/Olympus", "week": {}, "open": "q", "closed": "q"},
            "unknown timezone",
        ),
        (
            {
                "type": "hours",
                "timezone": "UTC",
                "week": {"mon": "9-18"},
                "open": "q",
                "closed": "q",
            },
            "must look like 09:00-18:00",
        ),
        (
            {
                "type": "hours",
                "timezone": "UTC",
                "week": {"funday": "09:00-10:00"},
                "open": "q",
                "closed": "q",
            },
            "'funday' is not one of",
        ),
        (
            {
                "type": "hours",
                "timezone": "UTC",
                "week": {},
                "holidays": ["soon"],
                "open": "q",
                "closed": "q",
            },
            "is not a date",
        ),
        (
            {
                "type": "language",
                "prompt": "p",
                "options": {"1": "zh"},
                "default": "fr",
                "next": "q",
            },
            "default language 'fr' is not an option",
        ),
        (
            {"type": "branch", "rules": [{"when": {"vip": True}, "next": "q"}], "default": "q"},
            "unknown condition 'vip'",
        ),
        ({"type": "branch", "rules": [], "default": "q"}, "'rules' must be a non-empty list"),
        ({"type": "transfer", "number": "call-me"}, "must be digits"),
        ({"type": "callback", "queue": "support"}, "'default' is required"),
        ({"type": "voicemail"}, "'team' is required"),
        ({"type": "say_status", "request": "ticket", "next": "q"}, "neither 'caller' nor"),
    ],
)
def test_new_node_types_are_validated_at_load(node: dict[str, object], reason: str) -> None:
    raw = {**GOOD, "nodes": {**GOOD["nodes"], "menu": node}}  # type: ignore[dict-item]
    with pytest.raises(FlowError) as refused:
        parse_flow(raw, source="main.yaml")
    assert refused.value.node == "menu"
    assert reason in refused.value.reason
