"""What every prompt says, per language: ``catalog.yaml`` (the flows' and announcements'
prompts) and ``say_words.yaml`` (the words Asterisk's SAY commands play).

Owns the layout of the prompt tree (sources and built files, by language and name) and the
voice each language is synthesised with. Must not run any tool: ``generate`` and ``build``
do that.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

PROMPTS_DIR = Path(__file__).resolve().parent
CATALOG_FILES = ("catalog.yaml", "say_words.yaml")
SOURCE_EXT = ".flac"

#: Asterisk language code -> espeak-ng voice. Debian's espeak-ng 1.51 ``cmn`` voice reads
#: its own dictionary's pinyin as English ("一" comes out as "yi one"); ``cmn-latn-pinyin``
#: reads it as Mandarin.
VOICES: Mapping[str, str] = {"en": "en-us", "zh": "cmn-latn-pinyin"}


class CatalogError(ValueError):
    """A catalogue file that does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Segment:
    language: str  # whose voice speaks it
    text: str


@dataclass(frozen=True, slots=True)
class Prompt:
    language: str
    name: str  # as Asterisk asks for it: "cc-welcome", "digits/7"
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where sources and built files live: ``<root>/source/<lang>/<name>.flac`` and
    ``<root>/built/<lang>/<name>.wav`` (+ ``.sln16``), with ``built/manifest.json``."""

    source_dir: Path
    built_dir: Path

    @classmethod
    def under(cls, root: Path) -> "Layout":
        return cls(root / "source", root / "built")

    def source(self, language: str, name: str) -> Path:
        return self.source_dir / language / f"{name}{SOURCE_EXT}"

    def built(self, language: str, name: str, ext: str) -> Path:
        return self.built_dir / language / f"{name}{ext}"

    @property
    def manifest(self) -> Path:
        return self.built_dir / "manifest.json"


DEFAULT_LAYOUT = Layout.under(PROMPTS_DIR)


def load_catalog(directory: Path = PROMPTS_DIR) -> tuple[Prompt, ...]:
    """Every prompt of every catalogue file, sorted by language and name."""
    prompts: dict[tuple[str, str], Prompt] = {}
    for file_name in CATALOG_FILES:
        path = directory / file_name
        for prompt in _read(path):
            key = (prompt.language, prompt.name)
            if key in prompts:
                raise CatalogError(f"{path}: {prompt.language}/{prompt.name} is defined twice")
            prompts[key] = prompt
    return tuple(prompts[key] for key in sorted(prompts))


def languages(prompts: tuple[Prompt, ...]) -> tuple[str, ...]:
    return tuple(sorted({prompt.language for prompt in prompts}))


def _read(path: Path) -> Iterator[Prompt]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping of language to prompts")
    for language, entries in data.items():
        if language not in VOICES:
            raise CatalogError(f"{path}: language {language!r} has no voice ({sorted(VOICES)})")
        if not isinstance(entries, dict):
            raise CatalogError(f"{path}: {language} must map prompt names to texts")
        for name, text in entries.items():
            yield Prompt(str(language), str(name), _segments(path, str(language), name, text))


def _segments(path: Path, language: str, name: object, text: object) -> tuple[Segment, ...]:
    if isinstance(text, str | int):
        return (Segment(language, str(text)),)
    if isinstance(text, list) and text:
        segments = []
        for part in text:
            if not (isinstance(part, dict) and len(part) == 1):
                break
            ((voice, words),) = part.items()
            if voice not in VOICES:
                break
            segments.append(Segment(str(voice), str(words)))
        else:
            return tuple(segments)
    raise CatalogError(
        f"{path}: {language}/{name} must be a text or a list of {{language: text}} segments"
    )
