"""Every prompt a shipped flow plays is in the prompt catalogue, in every language."""

from pathlib import Path

import yaml

from callcenter.app import load_flows
from callcenter.settings import PACKAGE_DIR
from ivr.flow import HangupNode, MenuNode, PlayNode

CATALOG = Path(__file__).resolve().parents[2] / "prompts" / "catalog.yaml"


def prompts_of_shipped_flows() -> set[str]:
    names: set[str] = set()
    for flow in load_flows(PACKAGE_DIR / "flows").values():
        for node in flow.nodes.values():
            if isinstance(node, PlayNode | HangupNode):
                names.update(node.prompts)
            elif isinstance(node, MenuNode):
                names.update({node.prompt, node.invalid_prompt, node.timeout_prompt})
    return names


def test_every_flow_prompt_has_text_in_every_language() -> None:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    needed = prompts_of_shipped_flows()
    assert needed
    for language, prompts in catalog.items():
        assert needed <= set(prompts), f"{language} lacks {needed - set(prompts)}"
