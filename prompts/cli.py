"""``callcenter prompts generate|build|check``: the prompt tools behind the CLI.

Owns the subcommands' arguments, what they print and their exit codes: 0 done, 1 a check
found problems, 2 a tool (ffmpeg, espeak-ng) or a file is missing — said in one line
naming it, never a traceback.
"""

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from prompts.catalog import DEFAULT_LAYOUT, CatalogError, Layout, Prompt, load_catalog
from prompts.manifest import Manifest, problems
from prompts.tools import ToolMissing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["generate", "build", "check"])
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_LAYOUT.source_dir.parent, help="the prompts tree"
    )
    parser.add_argument("--lang", action="append", help="only this language (repeatable)")
    parser.add_argument("--force", action="store_true", help="generate: overwrite existing sources")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="check: skip the rebuild (needs no ffmpeg)"
    )


def run(args: argparse.Namespace) -> int:
    layout = Layout.under(args.dir)
    try:
        prompts = tuple(
            p for p in load_catalog(args.dir) if not args.lang or p.language in args.lang
        )
        if args.action == "generate":
            return _generate(prompts, layout, args.force)
        if args.action == "build":
            return _build(prompts, layout)
        return _check(prompts, layout, rebuild=not args.no_rebuild)
    except ToolMissing as exc:
        print(f"callcenter prompts: {exc}", file=sys.stderr)
        return 2
    except (CatalogError, OSError) as exc:
        print(f"callcenter prompts: {exc}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="callcenter prompts", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _generate(prompts: tuple[Prompt, ...], layout: Layout, force: bool) -> int:
    from prompts.generate import generate

    written = generate(prompts, layout, force=force)
    print(f"generated {len(written)} sources in {layout.source_dir}")
    return 0


def _build(prompts: tuple[Prompt, ...], layout: Layout) -> int:
    from prompts.build import build

    missing = [p for p in prompts if not layout.source(p.language, p.name).is_file()]
    if missing:
        first = layout.source(missing[0].language, missing[0].name)
        print(
            f"callcenter prompts: {len(missing)} sources missing, e.g. {first}"
            " (run `callcenter prompts generate`)",
            file=sys.stderr,
        )
        return 2
    manifest = build(prompts, layout, layout.built_dir)
    print(f"built {len(manifest.files)} files in {layout.built_dir}")
    return 0


def _check(prompts: tuple[Prompt, ...], layout: Layout, rebuild: bool) -> int:
    if not layout.manifest.is_file():
        print(f"callcenter prompts: {layout.manifest} is missing (run build)", file=sys.stderr)
        return 2
    manifest = Manifest.read(layout.manifest)
    found = problems(manifest, layout.built_dir, layout.source_dir)
    built = {(e.language, e.name) for e in manifest.files}
    found += [
        f"{p.language}/{p.name}: in the catalogue, not built"
        for p in prompts
        if (p.language, p.name) not in built
    ]
    if rebuild and not found:
        found += _rebuild_differences(prompts, layout, manifest)
    for line in found:
        print(line)
    what = "files and a rebuild" if rebuild else "files"
    print(f"{len(manifest.files)} built files; {what} checked: {len(found)} problems")
    return 1 if found else 0


def _rebuild_differences(
    prompts: tuple[Prompt, ...], layout: Layout, manifest: Manifest
) -> list[str]:
    from prompts.build import build

    wanted = {(p.language, p.name) for p in prompts}
    expected = {e.file: e for e in manifest.files if (e.language, e.name) in wanted}
    with tempfile.TemporaryDirectory(prefix="prompts-check-") as scratch:
        again = build(prompts, layout, Path(scratch))
    found = [
        f"{e.file}: a rebuild gives {e.sha256[:12]}, the manifest {expected[e.file].sha256[:12]}"
        for e in again.files
        if e.file in expected and e != expected[e.file]
    ]
    if found and again.tools != manifest.tools:
        found.append(f"tools differ: manifest {manifest.tools}, here {again.tools}")
    return found
