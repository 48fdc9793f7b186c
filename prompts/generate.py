"""Synthesise the catalogue into source recordings with espeak-ng.

Owns ``callcenter prompts generate``: each prompt's segments are spoken by their language's
voice, joined with a short pause, and kept losslessly as FLAC under ``source/<lang>/``. An
existing source is left alone unless ``force`` is set, so a recorded prompt dropped in
its place survives regeneration. Sources are kept at 16 kHz, the highest rate any built
format needs (espeak-ng speaks at 22.05 kHz), to keep the repository small. Needs espeak-ng
and ffmpeg.
"""

import json
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from prompts.audio import pydub
from prompts.catalog import VOICES, Layout, Prompt, Segment
from prompts.tools import require, version

#: Words per minute; espeak-ng's default 175 is hurried on a phone line.
SPEED_WPM = 150
#: Between the segments of a bilingual prompt.
PAUSE_MS = 400
SOURCE_RATE = 16000
#: ffmpeg writes its own version into files unless asked not to; sources must be
#: reproducible byte for byte.
BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]


def generate(prompts: Iterable[Prompt], layout: Layout, *, force: bool = False) -> list[Path]:
    """Write the missing sources (all of them with ``force``); the paths written."""
    espeak = require("espeak-ng")
    audio = pydub()
    written = []
    with tempfile.TemporaryDirectory(prefix="prompts-") as scratch:
        for prompt in prompts:
            target = layout.source(prompt.language, prompt.name)
            if target.exists() and not force:
                continue
            spoken = [_speak(espeak, segment, Path(scratch), audio) for segment in prompt.segments]
            joined = spoken[0]
            for more in spoken[1:]:
                joined = joined + audio.AudioSegment.silent(PAUSE_MS, joined.frame_rate) + more
            target.parent.mkdir(parents=True, exist_ok=True)
            joined.export(
                str(target), format="flac", parameters=["-ar", str(SOURCE_RATE), *BITEXACT]
            ).close()
            written.append(target)
    if written:
        info = {"espeak-ng": version("espeak-ng"), "speed_wpm": SPEED_WPM, "voices": dict(VOICES)}
        (layout.source_dir / "generated.json").write_text(
            json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    return written


def _speak(espeak: str, segment: Segment, scratch: Path, audio: Any) -> Any:
    wav = scratch / "segment.wav"
    command = [espeak, "-v", VOICES[segment.language], "-s", str(SPEED_WPM), "-w", str(wav)]
    subprocess.run([*command, segment.text], check=True, capture_output=True)
    # from_wav() given a path leaves the file open (pydub 0.25.1).
    with wav.open("rb") as spoken:
        return audio.AudioSegment.from_wav(spoken)
