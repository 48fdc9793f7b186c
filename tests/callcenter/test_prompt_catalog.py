"""Every prompt a shipped flow plays is in the prompt catalogue, in every language."""

from pathlib import Path

import yaml

from callcenter.app import load_flows
from callcenter.settings import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "prompts" / "catalog.yaml"
FLOW_DIRS = (PACKAGE_DIR / "flows", ROOT / "ivr" / "examples", ROOT / "bench" / "flows")


def prompt_names(value: object) -> set[str]:
    """Every ``cc-…`` string anywhere in a node: prompts live in several node fields."""
    if isinstance(value, str):
        return {value} if value.startswith("cc-") else set()
    if isinstance(value, dict):
        return set().union(*(prompt_names(v) for v in value.values()), set())
    if isinstance(value, list | tuple):
        return set().union(*(prompt_names(v) for v in value), set())
    return set()


def prompts_of_shipped_flows() -> set[str]:
    names: set[str] = set()
    for flows_dir in FLOW_DIRS:
        assert load_flows(flows_dir)  # every shipped flow loads
        for path in flows_dir.glob("*.yaml"):
            names |= prompt_names(yaml.safe_load(path.read_text(encoding="utf-8"))["nodes"])
    return names


def test_every_flow_prompt_has_text_in_every_language() -> None:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    needed = prompts_of_shipped_flows()
    assert needed
    for language, prompts in catalog.items():
        assert needed <= set(prompts), f"{language} lacks {needed - set(prompts)}"
