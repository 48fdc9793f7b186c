"""The committed built prompts are what Asterisk needs and what the manifest says.

Needs no audio tool: a fresh clone must pass these.
"""

import wave

import pytest

from prompts.catalog import DEFAULT_LAYOUT, languages, load_catalog
from prompts.manifest import Manifest, problems

BUILT = DEFAULT_LAYOUT.built_dir
WAVS = sorted(BUILT.rglob("*.wav"))


def manifest() -> Manifest:
    return Manifest.read(DEFAULT_LAYOUT.manifest)


def test_there_are_built_prompts_in_every_catalogue_language() -> None:
    built_languages = {path.relative_to(BUILT).parts[0] for path in WAVS}
    assert built_languages == set(languages(load_catalog())) == {"en", "zh"}


@pytest.mark.parametrize("path", WAVS, ids=lambda p: p.relative_to(BUILT).as_posix())
def test_every_built_wav_is_8khz_mono_16bit_and_not_empty(path: object) -> None:
    with wave.open(str(path), "rb") as wav:
        assert wav.getframerate() == 8000
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        assert wav.getcomptype() == "NONE"
        assert wav.getnframes() > 8000 // 10  # at least a tenth of a second of speech


def test_every_sln16_is_whole_16bit_samples_as_long_as_its_wav() -> None:
    by_file = {entry.file: entry for entry in manifest().files}
    sln16 = sorted(BUILT.rglob("*.sln16"))
    assert sln16
    for path in sln16:
        entry = by_file[path.relative_to(BUILT).as_posix()]
        assert (entry.sample_rate, entry.channels, entry.sample_width) == (16000, 1, 2)
        assert path.stat().st_size % 2 == 0
        assert path.stat().st_size / 2 / 16000 == pytest.approx(entry.duration_s, abs=1e-3)
        wav = by_file[entry.file.removesuffix(".sln16") + ".wav"]
        assert entry.duration_s == pytest.approx(wav.duration_s, abs=0.01)


def test_the_manifest_matches_the_built_files_and_their_sources() -> None:
    assert problems(manifest(), BUILT, DEFAULT_LAYOUT.source_dir) == []


def test_the_manifest_lists_every_catalogue_prompt_once_per_format() -> None:
    entries = manifest().files
    wavs = {(e.language, e.name) for e in entries if e.format == "wav"}
    assert wavs == {(p.language, p.name) for p in load_catalog()}
    assert len({e.file for e in entries}) == len(entries)
    assert all(e.duration_s > 0 for e in entries)
