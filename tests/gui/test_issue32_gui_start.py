"""Starting the app on a file: the same window, sooner (issue 32's benchmark).

``hrk-workbench gui FILE`` reads the file before the window's panels are built, so the
summary, the still-missing list, the step marks and the first page are worked out once, for
it. These tests hold that to what a steward sees: the window started on a file shows exactly
what a window started blank and then opened on it shows; a file that cannot be read still
gives one dialog naming it, over a blank window; and what the start imports leaves out the
pages not shown, the data libraries and the memo renderer (checked in a fresh interpreter,
since this test process has imported them all already).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from hrk_workbench.gui import app as gui_app
from hrk_workbench.gui.mainwindow import MainWindow
from hrk_workbench.overview.progress import STEPS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"


def seen(window: MainWindow) -> dict[str, Any]:
    """What the steward sees: title, summary figures and reasons, the still-missing list,
    every step's mark, the step shown and the first page's field texts."""
    from PySide6.QtWidgets import QLineEdit

    missing = window.summary.missing
    page = window.pages[window.current_step()]
    return {
        "title": window.windowTitle(),
        "summary": {k: f.text() for k, f in window.summary.fields.items()},
        "reasons": window.summary.reason_texts(),
        "missing": [missing.item(i).text() for i in range(missing.count())],
        "marks": {step: window.step_state(step) for step in STEPS},
        "step": window.current_step(),
        "fields": sorted(e.text() for e in page.findChildren(QLineEdit) if e.text()),
        "path": str(window.document.path),
        "dirty": window.document.is_dirty(),
    }


def started(qapp: Any, forms: Any, settings: Any, lang: str, file: str) -> dict[str, Any]:
    """Run ``gui_app.start`` as ``hrk-workbench gui FILE`` does; what the window showed once
    it was up, then close it."""
    shown: dict[str, Any] = {}
    # the windows themselves, held: an id of a window deleted since can be a new one's
    before = list(QApplication.topLevelWidgets())
    deadline = time.monotonic() + 60

    def look() -> None:
        window = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow)
                       and not any(w is b for b in before)), None)
        if window is None or not window.isVisible():  # the timer ran while it was being built
            if time.monotonic() < deadline:
                QTimer.singleShot(20, look)
            else:
                qapp.quit()  # no window came: the assertions below say so
            return
        shown.update(seen(window), visible=window.isVisible())
        window.document.undo_stack.setClean()
        window.close()
        window.deleteLater()  # no page building in the background into the next test
        qapp.quit()

    QTimer.singleShot(0, look)
    assert gui_app.start(qapp, forms, settings, lang, file, None) == 0
    return shown


def test_start_on_a_file_shows_what_opening_it_shows(qapp: Any, qtbot: Any, forms: Any,
                                                     app_settings: Any, dialogs: Any) -> None:
    for lang in ("fi", "en"):
        direct = started(qapp, forms, app_settings, lang, str(EXAMPLE))
        assert direct.pop("visible") is True
        blank_then_open = MainWindow(forms, app_settings, lang, autosave_ms=3_600_000)
        qtbot.addWidget(blank_then_open)
        blank_then_open.show()
        assert blank_then_open.open_path(str(EXAMPLE), ask=False)
        assert direct == seen(blank_then_open), lang
        assert direct["path"] == str(EXAMPLE.resolve())
        assert direct["summary"]["recommendation"]  # filled, not a blank assessment's
    assert app_settings.recent[0] == str(EXAMPLE.resolve()) or \
        Path(app_settings.recent[0]).resolve() == EXAMPLE.resolve()
    assert dialogs.shown == []


CLI_START = r"""
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
import hrk_workbench.gui.app as gui_app
from hrk_workbench.__main__ import main

shown, seen = [], {}
QMessageBox.exec = lambda box: shown.append([box.text(), box.informativeText()]) or 0


def look():
    window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "go_to_step"))
    seen.update(visible=window.isVisible(), path=str(window.document.path),
                step=window.current_step(), collector=gc.isenabled(),
                recommendation=window.summary.fields["recommendation"].text())
    window.close()
    QApplication.instance().quit()


real_start = gui_app.start


def start(*args):
    QTimer.singleShot(300, look)  # after the window's first turn of the event loop
    return real_start(*args)


gui_app.start = start
code = main(["gui", sys.argv[1], "--lang", "fi"])
print(json.dumps({"code": code, "dialogs": shown, "after": gc.isenabled(), **seen}))
"""


def cli_start(file: Path, home: Path) -> dict[str, Any]:
    """``hrk-workbench gui FILE --lang fi`` in a fresh interpreter (its own settings in
    ``home``); what the window showed, the dialogs it opened and the collector's state."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get(
               "PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", CLI_START, str(file)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_start_on_an_unreadable_file_says_so_over_a_blank_window(tmp_path: Path) -> None:
    bad = tmp_path / "broken.hrk.json"
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["benefits"] = "not a table of answers"
    bad.write_text(json.dumps(data), encoding="utf-8")
    shown = cli_start(bad, tmp_path / "home")
    assert shown["code"] == 0 and shown["visible"] is True
    assert shown["path"] == "None" and shown["step"] == STEPS[0]
    assert len(shown["dialogs"]) == 1
    text, reasons = shown["dialogs"][0]
    assert "broken.hrk.json" in text and reasons.strip()


def test_the_cycle_collector_runs_again_once_the_window_is_up(tmp_path: Path) -> None:
    shown = cli_start(EXAMPLE, tmp_path / "home")
    assert shown["code"] == 0 and shown["visible"] is True
    assert shown["path"] == str(EXAMPLE.resolve()) and shown["recommendation"]
    assert shown["dialogs"] == []
    assert shown["collector"] is True and shown["after"] is True


def test_an_early_exit_resumes_the_cycle_collector(monkeypatch: Any) -> None:
    import gc

    monkeypatch.setattr(gui_app.sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert gc.isenabled()
    assert gui_app.run(None, "en", None, None) == 2  # no display
    assert gc.isenabled()


START = r"""
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from hrk_workbench.forms import load_forms
from hrk_workbench.gui.mainwindow import MainWindow
from hrk_workbench.gui.settings import AppSettings
app = QApplication([])
settings = AppSettings(QSettings(sys.argv[2] + "/s.ini", QSettings.Format.IniFormat),
                       data_dir=sys.argv[2])
window = MainWindow(load_forms(), settings, "fi", file=sys.argv[1])
window.show()
app.processEvents()
assert window.document.path is not None
print(" ".join(sorted(sys.modules)))
"""


def test_start_imports_only_what_the_first_step_needs(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get(
               "PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", START, str(EXAMPLE), str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    modules = set(out.stdout.split())
    assert "hrk_workbench.gui.pages.dataset" in modules  # the step on screen
    later = {"pandas", "numpy", "duckdb", "openpyxl", "PySide6.QtCharts", "PySide6.QtSvg",
             "PySide6.QtWebEngineWidgets", "PySide6.QtPrintSupport",
             "hrk_workbench.gui.pages.decision", "hrk_workbench.gui.pages.outputs",
             "hrk_workbench.gui.labs.risklab", "hrk_workbench.gui.labs.tablelab",
             "hrk_workbench.gui.labs.saved", "hrk_workbench.gui.labs.saved_risk",
             "hrk_workbench.gui.pages.questions",
             "hrk_workbench.gui.import_excel", "hrk_workbench.reporting.pdf",
             "hrk_workbench.reporting.docx", "hrk_workbench.reporting.html"}
    assert modules & later == set()

