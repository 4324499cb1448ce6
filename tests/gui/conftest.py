"""Fixtures for the desktop-app tests: a window with its own settings, no real dialogs.

Settings live in a temp INI file and the recovery file in a temp folder, so the tests never
touch a steward's real settings; modal message boxes are replaced by recorders so no test
can block on a dialog.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from hrk_workbench.gui.mainwindow import MainWindow
from hrk_workbench.gui.qtlang import install_qt_translator
from hrk_workbench.gui.settings import AppSettings


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    QStandardPaths.setTestModeEnabled(True)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("HRK_LANG", raising=False)
    # saving asks the steward's name once when none is known; tests give one
    monkeypatch.setenv("HRK_AUTHOR", "Testi Testaaja")
    yield
    install_qt_translator("en")


class Dialogs:
    """Records every message box the app opens and answers it as a test says."""

    def __init__(self) -> None:
        self.shown: list[dict[str, Any]] = []
        self.answer = QMessageBox.StandardButton.Discard
        self.question_answer = QMessageBox.StandardButton.No

    def exec_box(self, box: QMessageBox) -> Any:
        self.shown.append({"title": box.windowTitle(), "text": box.text(),
                           "informative": box.informativeText(), "kind": "exec"})
        return self.answer

    def question(self, parent: Any, title: str, text: str, *args: Any, **kw: Any) -> Any:
        self.shown.append({"title": title, "text": text, "informative": "",
                           "kind": "question"})
        return self.question_answer


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    recorder = Dialogs()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: recorder.exec_box(box))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(recorder.question))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda parent, title, text, *a, **k: recorder.shown.append(
            {"title": title, "text": text, "informative": "", "kind": "critical"})))
    return recorder


@pytest.fixture
def app_settings(tmp_path: Path) -> AppSettings:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return AppSettings(store, data_dir=tmp_path / "appdata")


@pytest.fixture
def make_window(qtbot: Any, forms: Any, app_settings: AppSettings
                ) -> Callable[..., MainWindow]:
    """A shown main window; ``make_window(lang="fi", forms=..., settings=...)``."""

    def make(lang: str = "en", forms_: Any = None, settings: AppSettings | None = None
             ) -> MainWindow:
        install_qt_translator(lang)
        window = MainWindow(forms_ or forms, settings or app_settings, lang,
                            autosave_ms=3_600_000)
        qtbot.addWidget(window)
        window.resize(1280, 860)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
