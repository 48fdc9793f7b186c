"""The flow library: load a directory, refuse bad files, keep serving, reload on demand."""

from pathlib import Path

import pytest

from ivr.flow import FlowError, MenuNode
from ivr.library import FlowLibrary

FLOW = """\
hotline: "{hotline}"
name: {name}
start: main
nodes:
  main:
    type: menu
    prompt: cc-main-menu
    options: {{"1": sales}}
    default: sales
  sales:
    type: queue
    queue: sales
"""


def write(directory: Path, file: str, hotline: str, name: str = "Main") -> Path:
    path = directory / file
    path.write_text(FLOW.format(hotline=hotline, name=name), encoding="utf-8")
    return path


def test_a_directory_loads_one_flow_per_hotline(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111")
    write(tmp_path, "b.yaml", "222")
    library = FlowLibrary.open(tmp_path)
    assert sorted(library) == ["111", "222"]
    assert isinstance(library["111"].nodes["main"], MenuNode)


def test_a_bad_file_at_start_up_raises(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("nodes: [", encoding="utf-8")
    with pytest.raises(FlowError, match=r"a\.yaml"):
        FlowLibrary.open(tmp_path)


def test_reload_reports_added_changed_and_removed(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111")
    b = write(tmp_path, "b.yaml", "222")
    library = FlowLibrary.open(tmp_path)
    write(tmp_path, "a.yaml", "111", name="Renamed")
    write(tmp_path, "c.yaml", "333")
    b.unlink()
    report = library.reload()
    assert (report.added, report.changed, report.removed) == (("333",), ("111",), ("222",))
    assert report.clean
    assert library["111"].name == "Renamed"


def test_reload_without_edits_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111")
    library = FlowLibrary.open(tmp_path)
    report = library.reload()
    assert (report.added, report.changed, report.removed, report.clean) == ((), (), (), True)


def test_a_broken_edit_is_refused_and_the_running_version_keeps_serving(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "111")
    library = FlowLibrary.open(tmp_path)
    running = library["111"]
    path.write_text(path.read_text().replace("default: sales", "default: gone"))
    report = library.reload()
    assert list(report.refused) == [str(path)]
    assert report.refused[str(path)].line == 9
    assert report.changed == ()
    assert library["111"] is running


def test_a_call_keeps_the_version_it_started_with(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111")
    library = FlowLibrary.open(tmp_path)
    in_call = library["111"]
    write(tmp_path, "a.yaml", "111", name="Second")
    library.reload()
    assert in_call.name == "Main"
    assert library["111"].name == "Second"


def test_a_second_file_for_the_same_hotline_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111", name="First")
    write(tmp_path, "b.yaml", "111", name="Second")
    library = FlowLibrary(tmp_path)
    report = library.reload()
    assert library["111"].name == "First"
    assert "already served by" in str(report.refused[str(tmp_path / "b.yaml")])


def test_the_library_stands_where_a_dict_of_flows_was_used(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "111")
    library = FlowLibrary.open(tmp_path)
    assert library.get("111") is library["111"]
    assert library.get("999") is None
    assert len(library) == 1


def test_a_missing_directory_refuses_the_reload_and_keeps_every_hotline(tmp_path: Path) -> None:
    directory = tmp_path / "flows"
    directory.mkdir()
    write(directory, "a.yaml", "111")
    library = FlowLibrary.open(directory)
    (directory / "a.yaml").unlink()
    directory.rmdir()
    report = library.reload()
    assert not report.clean and report.removed == ()
    assert "111" in library
