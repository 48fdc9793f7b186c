"""Every prompt the shipped menus, the readback and the queue announcements play is
built in every configured language, and so is every word Asterisk's SAY commands need."""

from dataclasses import fields
from pathlib import Path

import pytest

from callcenter.app import load_flows
from callcenter.directory import SPOKEN_STATUS
from callcenter.settings import PACKAGE_DIR
from ivr.actions import Say
from ivr.announce import Announced, sentence
from ivr.directory import RequestStatus
from ivr.flow import Flow
from ivr.input_steps import readback
from ivr.nodes import LanguageNode
from ivr.queue_wait import Announcing
from prompts.catalog import DEFAULT_LAYOUT
from prompts.manifest import Manifest
from tests.prompts.say_files import files_needed

ROOT = Path(__file__).resolve().parents[2]
FLOW_DIRS = (PACKAGE_DIR / "flows", ROOT / "ivr" / "examples")


def shipped_flows() -> list[Flow]:
    return [flow for flows_dir in FLOW_DIRS for flow in load_flows(flows_dir).values()]


def prompts_of(flow: Flow) -> set[str]:
    """Every prompt a node names, its defaults included (a menu's ``cc-invalid``)."""
    names: set[str] = set()
    for node in flow.nodes.values():
        for f in fields(node):
            value = getattr(node, f.name)
            if f.name.endswith("prompt") and isinstance(value, str):
                names.add(value)
            elif f.name in ("prompts", "goodbye"):
                names.update(value)
    return names


def prompts_the_code_plays() -> set[str]:
    """The readback of each spoken status, the queue announcement and its callback offer,
    and the callback node's retry prompt, as the pure functions build them."""
    utterances = [
        utterance
        for status in set(SPOKEN_STATUS.values())
        for utterance in readback(RequestStatus("10023", status, opened=0, due=86400))
    ]
    utterances += sentence(Announced(at=0.0, position=3, minutes=2))
    names = {u for u in utterances if not isinstance(u, Say)}
    return names | {Announcing().callback_prompt, "cc-invalid"}


def configured_languages(flows: list[Flow]) -> set[str]:
    languages = {flow.language for flow in flows}
    for flow in flows:
        for node in flow.nodes.values():
            if isinstance(node, LanguageNode):
                languages.update(node.options.values())
    return languages


def built() -> set[tuple[str, str]]:
    manifest = Manifest.read(DEFAULT_LAYOUT.manifest)
    on_disk = {e for e in manifest.files if (DEFAULT_LAYOUT.built_dir / e.file).is_file()}
    return {(e.language, e.name) for e in on_disk if e.format == "wav"}


def test_the_shipped_flows_use_english_and_mandarin() -> None:
    assert configured_languages(shipped_flows()) == {"en", "zh"}


def test_every_prompt_of_every_menu_and_announcement_is_built_in_every_language() -> None:
    flows = shipped_flows()
    needed = set().union(*(prompts_of(flow) for flow in flows)) | prompts_the_code_plays()
    assert {"cc-main-menu", "cc-choose-language", "cc-queue-position"} <= needed
    have = built()
    missing = sorted(
        (language, name)
        for language in configured_languages(flows)
        for name in needed
        if (language, name) not in have
    )
    assert missing == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_file_asterisk_says_numbers_digits_letters_and_dates_with_is_built(
    language: str,
) -> None:
    # Positions, minutes, request numbers up to 99999, and dates of this century.
    needed = files_needed(language, numbers=range(100_000), years=range(2000, 2100))
    have = {name for lang, name in built() if lang == language}
    assert sorted(needed - have) == []


def test_mandarin_numbers_use_wan_and_say_zero_for_a_skipped_place() -> None:
    from tests.prompts.say_files import number_zh

    assert number_zh(2026) == [
        "digits/2", "digits/thousand", "digits/0", "digits/20", "digits/6",
    ]  # fmt: skip
    assert number_zh(10023) == ["digits/1", "digits/wan", "digits/0", "digits/20", "digits/3"]
