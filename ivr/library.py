"""The flows in service, one per hotline, loaded from a directory and reloaded on demand.

Owns which version of each hotline's flow new calls get. Rules:
- A file that fails to load is refused; the version it served before stays in service.
- ``reload()`` swaps the whole mapping at once and says what was added, changed, removed
  and refused. A call keeps the ``Flow`` object it started with: nothing mutates a flow.
- Two files claiming the same hotline: the later file (by name) is refused.
- A missing directory refuses the whole reload; nothing is taken out of service.
The library is a read-only ``Mapping`` from hotline to its current ``Flow``, so it can
stand where a plain dict of flows was used.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ivr.flow import Flow, FlowError, load_flow


@dataclass(frozen=True, slots=True)
class ReloadReport:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    refused: Mapping[str, FlowError] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.refused


class FlowLibrary(Mapping[str, Flow]):
    def __init__(self, directory: Path, pattern: str = "*.yaml") -> None:
        self._directory = directory
        self._pattern = pattern
        self._by_file: dict[Path, Flow] = {}
        self._by_hotline: dict[str, Flow] = {}

    @classmethod
    def open(cls, directory: Path, pattern: str = "*.yaml") -> "FlowLibrary":
        """Load every flow; at start-up there is no running version, so any error raises."""
        library = cls(directory, pattern)
        report = library.reload()
        for error in report.refused.values():
            raise error
        return library

    def reload(self) -> ReloadReport:
        if not self._directory.is_dir():
            # A missing directory (an unmounted volume, a bad deploy) must not empty the
            # hotlines: refuse the whole reload and keep serving.
            error = FlowError("flow directory is missing", file=str(self._directory))
            return ReloadReport(refused={str(self._directory): error})
        refused: dict[str, FlowError] = {}
        by_file: dict[Path, Flow] = {}
        for path in sorted(self._directory.glob(self._pattern)):
            try:
                by_file[path] = load_flow(path)
            except FlowError as error:
                refused[str(path)] = error
                if path in self._by_file:
                    by_file[path] = self._by_file[path]
        by_hotline = _by_hotline(by_file, refused)
        report = _compare(self._by_hotline, by_hotline, refused)
        self._by_file, self._by_hotline = by_file, by_hotline
        return report

    def __getitem__(self, hotline: str) -> Flow:
        return self._by_hotline[hotline]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self._by_hotline))

    def __len__(self) -> int:
        return len(self._by_hotline)


def _by_hotline(by_file: dict[Path, Flow], refused: dict[str, FlowError]) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for path, flow in list(by_file.items()):
        first = flows.get(flow.hotline)
        if first is not None:
            message = f"hotline {flow.hotline} is already served by {first.source}"
            refused[str(path)] = FlowError(message, file=str(path))
            del by_file[path]
            continue
        flows[flow.hotline] = flow
    return flows


def _compare(
    old: Mapping[str, Flow], new: Mapping[str, Flow], refused: Mapping[str, FlowError]
) -> ReloadReport:
    return ReloadReport(
        added=tuple(sorted(set(new) - set(old))),
        changed=tuple(sorted(h for h in set(new) & set(old) if new[h] != old[h])),
        removed=tuple(sorted(set(old) - set(new))),
        refused=dict(refused),
    )
