"""The manifest of built prompts: one entry per built file, and the checks against it.

Owns ``built/manifest.json``: for each file its language, name, format, sample rate,
channels, sample width, duration and the sha256 of its source and of itself, plus the tool
versions and settings that produced them. Reading and comparing only; no tool is run here.
"""

import hashlib
import json
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass(frozen=True, slots=True)
class Entry:
    language: str
    name: str
    file: str  # relative to the built directory, e.g. "zh/digits/7.wav"
    format: str  # "wav" or "sln16"
    sample_rate: int
    channels: int
    sample_width: int  # bytes
    duration_s: float
    source: str  # relative to the source directory
    source_sha256: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    tools: dict[str, str]
    settings: dict[str, float]
    files: tuple[Entry, ...] = field(default=())

    def to_json(self) -> str:
        data = {
            "version": VERSION,
            "tools": self.tools,
            "settings": self.settings,
            "files": [asdict(entry) for entry in self.files],
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        files = tuple(Entry(**entry) for entry in data["files"])
        return cls(dict(data["tools"]), dict(data["settings"]), files)

    def durations(self, file_format: str = "wav") -> dict[tuple[str, str], float]:
        """(language, name) -> seconds, for one format."""
        return {(e.language, e.name): e.duration_s for e in self.files if e.format == file_format}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(manifest: Manifest, built_dir: Path, source_dir: Path) -> list[str]:
    """What in ``built_dir`` and ``source_dir`` disagrees with ``manifest``; [] when all holds."""
    found: list[str] = []
    listed = set()
    for entry in manifest.files:
        listed.add(entry.file)
        found += _entry_problems(entry, built_dir, source_dir)
    on_disk = {
        p.relative_to(built_dir).as_posix()
        for p in built_dir.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    found += [f"{name}: built but not in the manifest" for name in sorted(on_disk - listed)]
    return found


def _entry_problems(entry: Entry, built_dir: Path, source_dir: Path) -> list[str]:
    path = built_dir / entry.file
    if not path.is_file():
        return [f"{entry.file}: missing"]
    found = []
    if sha256(path) != entry.sha256:
        found.append(f"{entry.file}: sha256 differs from the manifest")
    source = source_dir / entry.source
    if not source.is_file():
        found.append(f"{entry.source}: source missing")
    elif sha256(source) != entry.source_sha256:
        found.append(f"{entry.source}: source changed since the build (rebuild)")
    if entry.format == "wav":
        found += _wav_problems(entry, path)
    return found


def _wav_problems(entry: Entry, path: Path) -> list[str]:
    try:
        with wave.open(str(path), "rb") as wav:
            actual = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            duration = wav.getnframes() / wav.getframerate()
    except (wave.Error, EOFError) as exc:
        return [f"{entry.file}: not a readable WAV ({exc or 'truncated'})"]
    expected = (entry.sample_rate, entry.channels, entry.sample_width)
    found = []
    if actual != expected:
        found.append(f"{entry.file}: rate/channels/width {actual}, manifest says {expected}")
    if abs(duration - entry.duration_s) > 0.001:
        found.append(f"{entry.file}: lasts {duration:.3f} s, manifest says {entry.duration_s}")
    return found
