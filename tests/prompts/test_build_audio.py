"""The build path with the real tools: resampling that does not alias, builds and sources
that reproduce the committed files, and a clear exit when a tool is missing.

Skipped without ffmpeg / espeak-ng, unless CALLCENTER_REQUIRE_AUDIO_TOOLS=1 (CI).
"""

import array
import json
import math
import wave
from pathlib import Path
from typing import Any

import pytest

from prompts.audio import pydub
from prompts.build import TARGET_DBFS, build, formats_for
from prompts.catalog import DEFAULT_LAYOUT, Layout, Prompt, Segment, load_catalog
from prompts.cli import main
from prompts.manifest import Manifest, sha256
from prompts.tools import version
from tests.prompts.audio_tools import require_tools, require_version

SOURCE_RATE = 22050  # what espeak-ng speaks at: the worst case for folding


def rms_of_wav(path: Path) -> tuple[int, float]:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return rate, math.sqrt(sum(s * s for s in samples) / len(samples))


def sine(hertz: int, volume_dbfs: float = -12.0) -> Any:
    pydub()  # imported quietly, ffmpeg known to be there
    from pydub.generators import Sine

    return Sine(hertz, sample_rate=SOURCE_RATE).to_audio_segment(2000, volume_dbfs)


def tone_source(layout: Layout, name: str, hertz: int) -> Prompt:
    tone = sine(hertz)
    path = layout.source("en", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tone.export(str(path), format="flac").close()
    return Prompt("en", name, (Segment("en", f"{hertz} Hz"),))


def test_resampling_to_8khz_removes_a_6khz_tone_instead_of_folding_it_to_2khz(
    tmp_path: Path,
) -> None:
    require_tools("ffmpeg")
    layout = Layout.under(tmp_path)
    prompts = [tone_source(layout, "cc-in-band", 1000), tone_source(layout, "cc-too-high", 6000)]
    build(prompts, layout, layout.built_dir)

    full_scale_target = 32768 * 10 ** (TARGET_DBFS / 20)
    rate, in_band = rms_of_wav(layout.built("en", "cc-in-band", ".wav"))
    assert rate == 8000
    assert in_band == pytest.approx(full_scale_target, rel=0.1)  # normalised, kept
    _, too_high = rms_of_wav(layout.built("en", "cc-too-high", ".wav"))
    assert too_high < 0.01 * full_scale_target  # gone, not aliased into the band


def test_pydubs_own_resampler_would_alias_the_tone_the_build_removes(tmp_path: Path) -> None:
    """The control for the test above: the mistake it guards against is detectable."""
    require_tools("ffmpeg")
    tone = sine(6000)
    naive = tone.set_frame_rate(8000)
    assert naive.rms > 0.5 * tone.rms


def test_a_build_of_committed_sources_reproduces_the_manifest(tmp_path: Path) -> None:
    require_tools("ffmpeg")
    manifest = Manifest.read(DEFAULT_LAYOUT.manifest)
    require_version("ffmpeg", manifest.tools["ffmpeg"], version("ffmpeg"))
    # A sample of both languages and both formats; `callcenter prompts check` (CI) rebuilds
    # them all.
    names = {"cc-welcome", "cc-main-menu", "cc-choose-language", "digits/7", "letters/q"}
    sample = [p for p in load_catalog() if p.name in names]
    assert {p.language for p in sample} == {"en", "zh"}
    assert any(len(formats_for(p)) == 2 for p in sample)

    again = build(sample, DEFAULT_LAYOUT, tmp_path)

    committed = {entry.file: entry for entry in manifest.files}
    assert len(again.files) > len(sample)
    for entry in again.files:
        assert entry == committed[entry.file]
    assert again.tools == manifest.tools
    assert again.settings == manifest.settings


def test_espeak_regenerates_the_committed_sources_byte_for_byte(tmp_path: Path) -> None:
    require_tools("ffmpeg", "espeak-ng")
    from prompts.generate import generate

    made_with = json.loads((DEFAULT_LAYOUT.source_dir / "generated.json").read_text())
    require_version("espeak-ng", made_with["espeak-ng"], version("espeak-ng"))
    sample = [p for p in load_catalog() if p.name in {"cc-choose-language", "digits/12"}]
    written = generate(sample, Layout.under(tmp_path))

    assert len(written) == 4
    for path in written:
        relative = path.relative_to(tmp_path / "source")
        assert sha256(path) == sha256(DEFAULT_LAYOUT.source_dir / relative), relative


def test_generate_leaves_an_existing_source_alone_unless_forced(tmp_path: Path) -> None:
    require_tools("ffmpeg", "espeak-ng")
    from prompts.generate import generate

    layout = Layout.under(tmp_path)
    recorded = layout.source("en", "cc-welcome")
    recorded.parent.mkdir(parents=True)
    recorded.write_bytes(b"a studio recording")
    prompt = [p for p in load_catalog() if (p.language, p.name) == ("en", "cc-welcome")]

    assert generate(prompt, layout) == []
    assert recorded.read_bytes() == b"a studio recording"
    assert generate(prompt, layout, force=True) == [recorded]


@pytest.mark.parametrize(("action", "tool"), [("build", "ffmpeg"), ("generate", "espeak-ng")])
def test_the_prompts_command_names_a_missing_tool_and_exits_2(
    action: str, tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to find

    assert main([action, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{tool} is not installed" in err
    assert "Traceback" not in err


def test_check_without_a_rebuild_needs_no_tools_and_passes_on_the_committed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    assert main(["check", "--no-rebuild"]) == 0
    assert "0 problems" in capsys.readouterr().out


def test_check_finds_a_built_file_that_no_longer_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import shutil

    tree = tmp_path / "prompts"
    shutil.copytree(DEFAULT_LAYOUT.source_dir.parent, tree, ignore=shutil.ignore_patterns("*.py"))
    (tree / "built" / "zh" / "digits" / "7.wav").write_bytes(b"RIFF")
    monkeypatch.setenv("PATH", str(tmp_path))

    assert main(["check", "--no-rebuild", "--dir", str(tree)]) == 1
    assert "zh/digits/7.wav" in capsys.readouterr().out
