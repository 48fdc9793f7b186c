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
