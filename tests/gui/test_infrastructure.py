"""Autosave, background work, keyboard access and the message catalogues of the app."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QPushButton

from hrk_workbench.forms.schema import LANGUAGES
from hrk_workbench.gui.mainwindow import MARKS, MainWindow
from hrk_workbench.gui.settings import AppSettings
from hrk_workbench.gui.workers import Cancelled, run_task
from hrk_workbench.overview.progress import STEPS

GUI = Path(__file__).resolve().parents[2] / "hrk_workbench" / "gui"


def test_autosave_timer_writes_recovery_file_not_the_users(qtbot: Any, forms: Any,
                                                          tmp_path: Path) -> None:
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                           data_dir=tmp_path / "data")
    window = MainWindow(forms, settings, "en", autosave_ms=50)
    qtbot.addWidget(window)
    user_file = tmp_path / "mine.hrk.json"
    window.document.save(user_file)
    saved = user_file.read_bytes()
    assert window.document.edit("benefits.B1.value", 2)
    qtbot.waitUntil(lambda: window.document.recovery_path is not None
                    and window.document.recovery_path.is_file(), timeout=3000)
    recovery = window.document.recovery_path
    assert user_file.read_bytes() == saved
    assert json.loads(recovery.read_text(encoding="utf-8"))["source"] == str(user_file)
    window.save_action.trigger()  # a clean save forgets the recovery copy
    assert not recovery.exists()


def test_background_task_reports_progress_and_result(qtbot: Any) -> None:
    seen: list[tuple[int, int]] = []

    def work(progress: Any, n: int) -> int:
        for i in range(n):
            progress.report(i + 1, n)
        return n * 2

    task = run_task(None, "test", work, 5)
    task.progressed.connect(lambda d, t, _s: seen.append((d, t)))
    with qtbot.waitSignal(task.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [10]
    assert task.done


def test_background_task_can_be_cancelled_and_never_freezes(qtbot: Any) -> None:
    def slow(progress: Any) -> None:
        for i in range(1000):
            time.sleep(0.005)
            progress.report(i, 1000)
        raise AssertionError("not cancelled")

    task = run_task(None, "slow", slow, show_after_ms=0)
    qtbot.wait(50)  # the GUI thread keeps processing events meanwhile
    task.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        pass
    assert task.progress.cancelled


def test_cancel_interrupts_work_that_cannot_poll(qtbot: Any) -> None:
    """A long database query cannot check for Cancel: the task registers the database's
    interrupt, which Cancel calls from the GUI thread."""
    import threading

    released = threading.Event()

    def one_long_call(progress: Any) -> None:
        progress.on_cancel(released.set)  # stands in for connection.interrupt
        if not released.wait(5):
            raise AssertionError("never interrupted")
        raise Cancelled()

    task = run_task(None, "query", one_long_call, show_after_ms=0)
    qtbot.wait(50)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.dialog.findChild(QPushButton).click()
    assert released.is_set()
    late: list[str] = []
    task.progress.on_cancel(lambda: late.append("stopped"))  # registered after Cancel
    assert late == ["stopped"]


def test_background_failure_is_one_line(qtbot: Any) -> None:
    def broken(progress: Any) -> None:
        raise ValueError("bad row 3")

    task = run_task(None, "broken", broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["ValueError: bad row 3"]
    assert Cancelled.__name__ == "Cancelled"


def test_tab_goes_steps_page_buttons_summary(make_window: Any) -> None:
    window = make_window()
    window.go_to_step("benefits")
    window.steps.setFocus()
    order: list[str] = []
    for _ in range(40):
        widget = QApplication.focusWidget() or window.focusWidget()
        if widget is window.steps:
            kind = "steps"
        elif widget in (window.back_button, window.next_button):
            kind = "buttons"
        elif window.summary.isAncestorOf(widget):
            kind = "summary"
        elif window.pages["benefits"].isAncestorOf(widget):
            kind = "page"
        else:
            kind = type(widget).__name__
        if not order or order[-1] != kind:
            order.append(kind)
        window.focusNextChild()
    assert order[:5] == ["steps", "page", "buttons", "summary", "steps"]


def test_menus_have_mnemonics_and_standard_shortcuts(make_window: Any) -> None:
    window = make_window()
    for menu in (window.file_menu, window.edit_menu, window.go_menu, window.help_menu):
        assert "&" in menu.title()
    shortcuts = {a.shortcut().toString() for a in window.findChildren(type(window.new_action))}
    assert {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Z", "Ctrl+Y", "F1"} <= shortcuts
    buttons = [b.text() for b in window.findChildren(QPushButton)]
    assert any("&" in text for text in buttons)


def test_back_and_next_walk_the_steps_freely(make_window: Any) -> None:
    window = make_window()
    assert not window.back_button.isEnabled()
    for step in STEPS[1:]:
        window.next_button.click()
        assert window.current_step() == step
    assert not window.next_button.isEnabled()
    window.steps.setCurrentRow(STEPS.index("costs"))  # jump anywhere: no locked wizard
    assert window.current_step() == "costs"
    window.back_button.click()
    assert window.current_step() == "risks"


def test_every_gui_text_key_is_in_all_catalogues(forms: Any) -> None:
    used = set()
    for source in GUI.rglob("*.py"):
        used |= set(re.findall(r"[\"'](gui_[a-z0-9_]+)[\"']", source.read_text("utf-8")))
    dynamic = {f"gui_step_{s}" for s in STEPS} | {f"gui_lang_{lang}" for lang in LANGUAGES} \
        | {f"gui_language_{lang}" for lang in LANGUAGES} \
        | {f"gui_state_{s}" for s in MARKS}
    for lang in LANGUAGES:
        labels = forms.messages[lang].labels
        missing = sorted(k for k in used | dynamic if k not in labels)
        assert not missing, (lang, missing)
    assert forms.messages["fi"].labels["gui_benefit_score"] != \
        forms.messages["en"].labels["gui_benefit_score"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_texts_are_translated(forms: Any, lang: str) -> None:
    en, own = forms.messages["en"].labels, forms.messages[lang].labels
    keys = [k for k in en if k.startswith("gui_")]
    same = [k for k in keys if en[k] == own[k]
            and not k.startswith(("gui_lang_", "gui_app_name", "gui_scale_point",
                                  "gui_question_label"))]
    # product names and a few international words ("Risk", "Organisation") stay as they are
    assert len(same) <= max(3, len(keys) // 20), same
