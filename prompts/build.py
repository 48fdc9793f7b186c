"""Build the sources into what Asterisk plays, with pydub, resampling through ffmpeg.

Owns ``callcenter prompts build``. For each source: mono, leading and trailing silence cut
to a short pad (SAY NUMBER plays word after word, and long gaps sound broken), loudness
normalised to ``TARGET_DBFS`` (RMS) without letting peaks pass ``PEAK_CEILING_DBFS``, then
written as 8 kHz mono 16-bit WAV and, for the prompts every caller of the main hotline
hears, 16 kHz signed linear ``.sln16`` for wideband (G.722) channels. The rate change is
ffmpeg's resampler (pydub's export ``parameters``): pydub's own ``set_frame_rate`` does not
low-pass, so anything above 4 kHz would fold back into the band as aliasing. A manifest
records every file written.
"""

import os
import wave
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompts.audio import pydub
from prompts.catalog import Layout, Prompt
from prompts.generate import BITEXACT
from prompts.manifest import Entry, Manifest, sha256
from prompts.tools import version

TARGET_DBFS = -20.0
PEAK_CEILING_DBFS = -1.0
#: Quieter than this (dBFS) at either end counts as silence to trim.
SILENCE_DBFS = -50.0
PAD_MS = 60


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    ext: str
    sample_rate: int
    ffmpeg_format: str

    def parameters(self) -> list[str]:
        rate = ["-ar", str(self.sample_rate), "-ac", "1", "-acodec", "pcm_s16le"]
        return [*rate, *BITEXACT]


WAV = Format("wav", ".wav", 8000, "wav")
SLN16 = Format("sln16", ".sln16", 16000, "s16le")


#: Also built as ``.sln16``. Only these: wideband copies of every prompt would double the
#: repository's audio, and Asterisk plays the WAV on any channel anyway.
WIDEBAND = frozenset({"cc-welcome", "cc-main-menu", "cc-invalid", "cc-no-input"})
#: Prompts built at once; the work is ffmpeg processes, so threads are enough.
WORKERS = max(2, os.cpu_count() or 2)


def formats_for(prompt: Prompt) -> tuple[Format, ...]:
    return (WAV, SLN16) if prompt.name in WIDEBAND else (WAV,)


def settings() -> dict[str, float]:
    return {
        "target_dbfs": TARGET_DBFS,
        "peak_ceiling_dbfs": PEAK_CEILING_DBFS,
        "silence_dbfs": SILENCE_DBFS,
        "pad_ms": PAD_MS,
    }


def build(prompts: Iterable[Prompt], sources: Layout, out_dir: Path) -> Manifest:
    """Build every prompt from ``sources`` into ``out_dir``; write and return the manifest."""
    audio = pydub()
    tools = {"ffmpeg": version("ffmpeg"), "pydub": _pydub_version()}

    def one(prompt: Prompt) -> list[Entry]:
        return build_one(audio, prompt, sources, out_dir)

    with ThreadPoolExecutor(WORKERS) as pool:
        built = list(pool.map(one, prompts))
    manifest = Manifest(tools, settings(), tuple(entry for group in built for entry in group))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def build_one(audio: Any, prompt: Prompt, sources: Layout, out_dir: Path) -> list[Entry]:
    source = sources.source(prompt.language, prompt.name)
    prepared = prepare(audio.AudioSegment.from_file(str(source), format="flac"))
    entries = []
    for fmt in formats_for(prompt):
        target = out_dir / prompt.language / f"{prompt.name}{fmt.ext}"
        render(prepared, fmt, target)
        entries.append(_entry(prompt, fmt, target, out_dir, source, sources.source_dir))
    return entries


def prepare(segment: Any) -> Any:
    """Mono, trimmed to ``PAD_MS`` of silence at each end, loudness-normalised."""
    from pydub.silence import detect_leading_silence

    mono = segment.set_channels(1)
    start = detect_leading_silence(mono, silence_threshold=SILENCE_DBFS)
    end = len(mono) - detect_leading_silence(mono.reverse(), silence_threshold=SILENCE_DBFS)
    if end > start:
        mono = mono[max(0, start - PAD_MS) : min(len(mono), end + PAD_MS)]
    return normalise(mono)


def normalise(segment: Any) -> Any:
    if segment.rms == 0:
        return segment
    gain = min(TARGET_DBFS - segment.dBFS, PEAK_CEILING_DBFS - segment.max_dBFS)
    return segment.apply_gain(gain)


def render(segment: Any, fmt: Format, target: Path) -> None:
    """Write ``segment`` in ``fmt``; ffmpeg does the resampling."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # export() returns the file it opened for a path; closing it is ours to do.
    segment.export(str(target), format=fmt.ffmpeg_format, parameters=fmt.parameters()).close()


def _entry(
    prompt: Prompt, fmt: Format, target: Path, out_dir: Path, source: Path, source_dir: Path
) -> Entry:
    if fmt is WAV:
        with wave.open(str(target), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.getnframes()
    else:
        rate, channels, width = fmt.sample_rate, 1, 2
        frames = target.stat().st_size // width
    return Entry(
        language=prompt.language,
        name=prompt.name,
        file=target.relative_to(out_dir).as_posix(),
        format=fmt.name,
        sample_rate=rate,
        channels=channels,
        sample_width=width,
        duration_s=round(frames / rate, 4),
        source=source.relative_to(source_dir).as_posix(),
        source_sha256=sha256(source),
        sha256=sha256(target),
    )


def _pydub_version() -> str:
    from importlib.metadata import version as package_version

    return package_version("pydub")
