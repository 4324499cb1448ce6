"""Issue 29, point 8: the app never loses or misplaces work.

Each open document has its own recovery file (keyed by its absolute path and its window),
so two windows, in one program or in two real processes, never overwrite each other's
copy; a restore after a crash writes to the original file through the changed-file check,
from any working folder; a live window's copy is never offered to another; an unreadable
recovery file is renamed aside, never deleted; autosave that cannot write says so once in the
window; a copy that cannot be removed never stops a file from opening. The web address
fields keep a refused address as typed and mark it in the language.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox

from hrk_workbench.cli.program import main
from hrk_workbench.gui.recovery import SUFFIX, path_key, recovery_folder
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"

SCRIPT = textwrap.dedent("""
    import json, os, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from hrk_workbench.forms import load_forms
    from hrk_workbench.gui.document import Document

    folder, file, value, mode = sys.argv[1:5]
    doc = Document(load_forms())
    doc.load(file)  # a relative path: the working folder of this process
    doc.start_autosave(folder, interval_ms=3_600_000)
    assert doc.edit("dataset.comment", "window " + value)
    assert doc.autosave()
    print(json.dumps({"recovery": str(doc.recovery_path), "path": str(doc.path)}), flush=True)
    if mode == "crash":
        os._exit(0)  # no clean-up: what a crash leaves
    sys.stdin.readline()  # a live window until the test lets it go
    doc.remove_recovery()
""")


def _file(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(EXAMPLE.read_bytes())
    return target


def _process(tmp_path: Path, folder: Path, work: Path, name: str, value: int,
             mode: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    script = tmp_path / "window.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(folder), name, str(value), mode],
                            cwd=work, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    assert line, proc.stderr.read() if proc.stderr else "no output"
    return proc, json.loads(line)


def _recovery_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


def test_two_windows_and_a_second_process_never_share_a_recovery_file(
        make_window: Any, app_settings: Any, tmp_path: Path) -> None:
    folder = recovery_folder(app_settings.data_dir)
    work = tmp_path / "work"
    one, two = _file(work, "one.hrk.json"), _file(work, "two.hrk.json")
    first, second, same = make_window(), make_window(), make_window()
    assert first.open_path(str(one), ask=False) and second.open_path(str(two), ask=False)
    assert same.open_path(str(one), ask=False)  # the same file in a third window
    for window, value in ((first, 1), (second, 2), (same, 4)):
        assert window.document.edit("dataset.comment", f"window {value}")
        assert window.document.autosave()
    proc, info = _process(tmp_path, folder, work, "two.hrk.json", 3, "live")
    try:
        paths = {w.document.recovery_path for w in (first, second, same)}
        paths.add(Path(info["recovery"]))
        assert len(paths) == 4 and set(_recovery_files(folder)) == paths
        values = {json.loads(p.read_text(encoding="utf-8"))["assessment"]["dataset"]["comment"]
                  for p in paths}
        assert values == {"window 1", "window 2", "window 3", "window 4"}
        assert Path(info["recovery"]).name.startswith(path_key(two))
        assert Path(info["path"]) == two  # the relative path was made absolute
    finally:
        proc.communicate("\n", timeout=30)
    assert not Path(info["recovery"]).exists()  # its own clean-up, nobody else's
    assert all(w.document.recovery_path.is_file() for w in (first, second, same))


def test_crash_in_another_process_is_restored_to_its_file_from_any_folder(
        make_window: Any, app_settings: Any, dialogs: Any, tmp_path: Path,
        monkeypatch: Any) -> None:
    folder = recovery_folder(app_settings.data_dir)
    work = tmp_path / "work"
    crashed_file, live_file = _file(work, "crashed.hrk.json"), _file(work, "live.hrk.json")
    before = crashed_file.read_bytes()
    crashed, info = _process(tmp_path, folder, work, "crashed.hrk.json", 3, "crash")
    crashed.wait(timeout=30)
    live, live_info = _process(tmp_path, folder, work, "live.hrk.json", 2, "live")
    try:
        monkeypatch.chdir(tmp_path)  # another working folder than the crashed window's
        dialogs.question_answer = QMessageBox.StandardButton.Yes
        window = make_window()
        assert window.offer_restore()
        asked = dialogs.shown[-1]
        assert asked["title"] == "Restore unsaved work?" and str(crashed_file) in asked["text"]
        assert window.document.path == crashed_file
        assert window.document.assessment.dataset.comment == "window 3"
        assert crashed_file.read_bytes() == before  # nothing written before the steward saves
        assert Path(live_info["recovery"]).is_file()  # the live window's copy: untouched
        assert not make_window().offer_restore()  # the live one is never offered
        assert window.save()
    finally:
        live.communicate("\n", timeout=30)
    saved = load_assessment(crashed_file)
    assert saved.dataset.comment == "window 3"
    assert [c.path for c in saved.change_log[-1].changes] == ["dataset.comment"]
    assert not Path(info["recovery"]).exists()  # the restored copy is gone once saved
    assert live_file.read_bytes() == EXAMPLE.read_bytes()


def test_restored_work_never_replaces_a_file_changed_after_the_crash(
        make_window: Any, app_settings: Any, dialogs: Any, tmp_path: Path,
        capsys: Any) -> None:
    folder = recovery_folder(app_settings.data_dir)
    work = tmp_path / "work"
    target = _file(work, "a.hrk.json")
    proc, info = _process(tmp_path, folder, work, "a.hrk.json", 3, "crash")
    proc.wait(timeout=30)
    assert main(["set", str(target), "benefits.B2.value=1"]) == 0  # another program
    changed = target.read_bytes()
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    window = make_window()
    assert window.offer_restore()
    assert not window.save()
    assert "changed by another program" in dialogs.shown[-1]["text"]
    assert target.read_bytes() == changed
    assert Path(info["recovery"]).is_file()  # the work is still safe for "Save as"
    assert window.document.is_dirty()


def test_unreadable_recovery_file_is_kept_aside_and_said_so(
        make_window: Any, app_settings: Any, dialogs: Any) -> None:
    folder = recovery_folder(app_settings.data_dir)
    folder.mkdir(parents=True)
    broken = folder / f"{path_key(None)}-deadbeef{SUFFIX}"
    broken.write_bytes(b'{"format": "hrk-workbench-recovery", "assessment": {"schema_ver')
    window = make_window("fi")
    assert not window.offer_restore()
    kept = [p for p in folder.iterdir() if ".unreadable-" in p.name]
    assert len(kept) == 1 and not broken.exists()
    assert kept[0].read_bytes().startswith(b'{"format"')
    shown = dialogs.shown[-1]
    assert "säilytettiin nimellä" in shown["informative"] and kept[0].name in shown["informative"]
    assert not window.offer_restore()  # set aside: not offered again


def test_autosave_that_cannot_write_is_told_once_in_the_window(
        make_window: Any, app_settings: Any, qtbot: Any) -> None:
    data = Path(app_settings.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    blocker = recovery_folder(data)
    blocker.write_text("not a folder", encoding="utf-8")  # the folder cannot be made
    window = make_window("sv")
    told: list[str] = []
    window.document.autosaveFailed.connect(told.append)
    assert window.document.edit("benefits.B1.value", 2)
    assert not window.document.autosave()
    assert window.document.edit("benefits.B2.value", 2)
    assert not window.document.autosave()
    assert len(told) == 1
    banner = window.findChild(QLabel, "crashProtectionBanner")
    assert banner is not None and banner.isVisible()
    assert banner.accessibleName() == "Kraschskyddet är avstängt"
    assert str(blocker) in banner.text()
    blocker.unlink()  # writable again: protection is back and the banner goes
    assert window.document.autosave()
    assert not banner.isVisible()


def test_a_recovery_file_that_cannot_be_removed_never_stops_an_open(
        make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    assert window.document.edit("benefits.B1.value", 2)
    assert window.document.autosave()
    stuck = window.document.recovery_path
    stuck.unlink()
    stuck.mkdir()  # a non-empty folder in its place: removing it fails
    (stuck / "x").write_text("x", encoding="utf-8")
    window.document.undo_stack.setClean()
    other = _file(tmp_path / "w", "b.hrk.json")
    assert window.open_path(str(other), ask=False)
    assert window.document.path == other
    assert stuck.is_dir()  # left as it was


def test_address_field_keeps_a_refused_address_and_says_why(make_window: Any,
                                                            tmp_path: Path) -> None:
    window = make_window("fi")
    window.go_to_step("dataset")
    page = window.pages["dataset"]
    binding = next(b for b in page.bindings if b.path == "dataset.landing_page")
    binding.edit.setText("www.esimerkki.fi")
    binding.edit.editingFinished.emit()
    assert window.document.assessment.dataset.landing_page == ""
    assert binding.edit.text() == "www.esimerkki.fi"  # not lost: corrected in place
    assert binding.edit.property("invalid") is True
    assert "https://www.esimerkki.fi" in binding.edit.toolTip()
    assert binding.edit.accessibleDescription() == binding.edit.toolTip()
    binding.edit.setText("https://www.esimerkki.fi")
    binding.edit.editingFinished.emit()
    assert window.document.assessment.dataset.landing_page == "https://www.esimerkki.fi"
    assert binding.edit.property("invalid") is False and binding.edit.toolTip() == ""


def test_a_file_with_a_bad_address_opens_marked_and_undo_puts_it_back(
        make_window: Any, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["dataset"]["landing_page"] = "Kirjastotoimenjohtaja"
    src = tmp_path / "bad.hrk.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    window = make_window()
    assert window.open_path(str(src), ask=False)
    binding = next(b for b in window.pages["dataset"].bindings
                   if b.path == "dataset.landing_page")
    assert binding.edit.text() == "Kirjastotoimenjohtaja"
    assert binding.edit.property("invalid") is True
    assert "not a web address" in binding.edit.toolTip()
    assert window.document.edit("dataset.landing_page", "https://example.fi/")
    window.document.undo_stack.undo()
    assert window.document.assessment.dataset.landing_page == "Kirjastotoimenjohtaja"


def test_the_single_recovery_file_of_earlier_versions_is_still_offered(
        make_window: Any, app_settings: Any, dialogs: Any, tmp_path: Path) -> None:
    source = _file(tmp_path / "w", "old.hrk.json")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["dataset"]["comment"] = "before the update"
    legacy = Path(app_settings.data_dir) / "recovery.hrk.json"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps(data), encoding="utf-8")
    app_settings.store.setValue("recovery_source", str(source))
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    window = make_window()
    assert window.offer_restore()
    assert window.document.assessment.dataset.comment == "before the update"
    assert window.document.path == source
    assert not legacy.exists()
