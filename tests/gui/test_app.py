"""The desktop app driven through its widgets, as a steward would use it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QListWidget

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import load_forms
from hrk_workbench.foundations.i18n import format_eur
from hrk_workbench.gui import app as gui_app
from hrk_workbench.gui.mainwindow import MARKS, MainWindow
from hrk_workbench.model.store import load_assessment
from hrk_workbench.overview.progress import STEPS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
SUMMARY_KEYS = ("benefit_score", "benefit_level", "risk_profile", "cost_3y_eur",
                "recommendation")


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Click the field, replace its text by typing, press Enter (as a user would)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def choose(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)


def cli_score(path: Path, capsys: Any, lang: str = "en") -> dict[str, Any]:
    capsys.readouterr()
    assert cli_main(["score", str(path), "--json", "--lang", lang]) == 0
    return json.loads(capsys.readouterr().out)


def panel_values(window: MainWindow) -> dict[str, str]:
    return {key: window.summary.fields[key].text() for key in SUMMARY_KEYS}


def expected_panel(window: MainWindow, data: dict[str, Any]) -> dict[str, str]:
    """What the panel must show for a ``score --json`` document."""
    out = {}
    for key in SUMMARY_KEYS:
        value = data[key]
        if key == "cost_3y_eur":
            out[key] = format_eur(value, window.document.lang)
        else:
            out[key] = json.dumps(value) if key == "benefit_score" else window.t(value)
    return out


def save_to(window: MainWindow, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    window.save_action.trigger()


def test_first_start_lists_all_steps_and_opens_no_dialog(make_window: Any, dialogs: Any
                                                         ) -> None:
    window = make_window()
    assert [window.steps.item(i).text() for i in range(window.steps.count())] == [
        "Dataset", "Participants", "Gates", "Benefits", "Risks", "Costs", "Anonymisation",
        "Risk lab", "Table lab",
        "Channel & format", "Quality", "Licence", "Decision", "Outputs", "Portfolio"]
    assert dialogs.shown == []
    assert window.stack.count() == len(STEPS)
    # every step carries its completion mark from the core
    assert all(window.step_state(step) in MARKS
               for step in STEPS)


def test_user_edits_match_the_command_line(make_window: Any, qtbot: Any, tmp_path: Path,
                                           capsys: Any, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    window = make_window()
    window.go_to_step("dataset")
    page = window.pages["dataset"]
    type_into(qtbot, page.title_edits["en"], "Street trees")
    assert window.document.assessment.dataset.title == {"en": "Street trees"}
    assert window.isWindowModified()

    window.next_button.click()
    window.next_button.click()
    window.next_button.click()
    assert window.current_step() == "benefits"
    benefits = window.pages["benefits"]
    for qid, rating in (("B1", 3), ("B2", 2), ("B3", 2), ("B5", 1)):
        choose(benefits.controls[qid], rating)
    gates = window.pages["gates"]
    for qid in ("G1", "G2", "G3", "G4"):
        choose(gates.controls[qid], "no")

    target = tmp_path / "trees.hrk.json"
    save_to(window, target, monkeypatch)
    assert target.is_file() and not window.isWindowModified()
    data = cli_score(target, capsys)
    assert panel_values(window) == expected_panel(window, data)
    # the reasons explain the scores; what is missing is in its own list, worded by step
    from hrk_workbench.gui.summary import MISSING_CODES

    missing = {t for t, c in zip(data["reasons"], data["reason_codes"], strict=True)
               if c["code"] in MISSING_CODES}
    assert missing
    assert window.summary.reason_texts() == [t for t in data["reasons"] if t not in missing]
    assert window.summary.fields["recommendation"].accessibleDescription() == \
        data["recommendation"]
    assert load_assessment(target).benefits["B1"].value == 3


def test_summary_panel_is_accessible_by_caption(make_window: Any) -> None:
    window = make_window()
    names = [window.summary.fields[k].accessibleName() for k in SUMMARY_KEYS]
    assert names == ["Benefit score", "Benefit level", "Risk profile", "3-year cost",
                     "Recommendation"]
    assert all(window.summary.fields[k].isReadOnly() for k in SUMMARY_KEYS)


def test_answer_controls_are_named_by_question_id(make_window: Any) -> None:
    window = make_window()
    b3 = window.pages["benefits"].controls["B3"]
    assert b3.accessibleName().startswith("B3 ")
    assert window.pages["benefits"].comments["B3"].accessibleName() == "B3 comment"
    # the label is the buddy, and reads the same as the accessible name
    page = window.pages["benefits"]
    labels = [lab for lab in page.findChildren(type(page.heading)) if lab.buddy() is b3]
    assert labels and labels[0].text() == b3.accessibleName()
    # scales show their labels, not bare numbers
    assert b3.itemText(b3.findData(2)) == "2 — Moderate"


def test_undo_and_redo_restore_answers(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    combo = window.pages["benefits"].controls["B3"]
    choose(combo, 2)
    choose(combo, 3)
    assert window.document.assessment.benefits["B3"].value == 3
    window.undo_action.trigger()
    assert window.document.assessment.benefits["B3"].value == 2
    assert combo.currentData() == 2 or not combo.isVisible()
    window.undo_action.trigger()
    assert "B3" not in window.document.assessment.benefits
    assert not window.isWindowModified()
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert window.document.assessment.benefits["B3"].value == 3
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Y"


def test_save_close_reopen_gives_identical_answers(make_window: Any, qtbot: Any,
                                                   tmp_path: Path, dialogs: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "bikes.hrk.json"
    shutil.copy(EXAMPLE, copy)
    window = make_window()
    assert window.open_path(str(copy))
    choose(window.pages["benefits"].controls["B4"], 3)
    type_into(qtbot, window.pages["dataset"].title_edits["sv"], "Cykelresor")
    window.save_action.trigger()
    before = window.document.assessment.model_dump(exclude={"change_log"})
    window.close()
    assert dialogs.shown == []  # saved: nothing to ask
    again = make_window()
    assert again.open_path(str(copy))
    assert again.document.assessment.model_dump(exclude={"change_log"}) == before
    assert str(copy.resolve()) in again.settings.recent


def test_closing_with_unsaved_changes_asks(make_window: Any, dialogs: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = make_window()
    choose(window.pages["benefits"].controls["B1"], 1)
    dialogs.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert dialogs.shown[-1]["title"] == "Unsaved changes"
    assert window.isVisible()
    dialogs.answer = QMessageBox.StandardButton.Discard
    assert window.close()


def test_crash_leaves_recovery_file_that_next_start_offers(make_window: Any,
                                                          app_settings: Any,
                                                          dialogs: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = make_window()
    choose(window.pages["benefits"].controls["B2"], 3)
    assert window.document.autosave()
    recovery = window.document.recovery_path
    assert recovery is not None and recovery.is_file()
    assert window.document.path is None  # never over the user's file
    # the "crash": the window disappears without closeEvent's clean-up
    window.document._autosave.stop()
    window.hide()
    window.document._slot._lock.unlock()  # what the end of its process does to the lock

    dialogs.question_answer = QMessageBox.StandardButton.Yes
    second = make_window()
    assert second.offer_restore()
    assert dialogs.shown[-1]["title"] == "Restore unsaved work?"
    assert second.document.assessment.benefits["B2"].value == 3
    assert second.isWindowModified()
    dialogs.answer = QMessageBox.StandardButton.Discard
    second.close()
    assert not recovery.exists()


def test_no_recovery_file_no_offer(make_window: Any, dialogs: Any) -> None:
    window = make_window()
    assert not window.offer_restore()
    assert dialogs.shown == []


def test_switching_language_changes_steps_questions_and_reasons(make_window: Any,
                                                                 forms: Any) -> None:
    window = make_window()
    window.open_path(str(EXAMPLE))
    english = window.summary.reason_texts()
    b1 = window.pages["benefits"].controls["B1"]
    for lang, step, question in (("fi", "Hyödyt", forms.hrk.benefits.questions[0].text["fi"]),
                                 ("sv", "Nyttor", forms.hrk.benefits.questions[0].text["sv"])):
        dialog = window.open_settings()
        choose(dialog.language, lang)
        dialog.accept()
        assert window.steps.item(STEPS.index("benefits")).text() == step
        assert b1.accessibleName() == f"B1 {question}"
        reasons = window.summary.reason_texts()
        assert reasons != english
        data = window.document.summary_json()
        # every reason the core gives, the "depends on N conditions" one as its conditions
        pointer = [t for t, c in zip(data["reasons"], data["reason_codes"], strict=True)
                   if c["code"] == "open_conditions"]
        assert [t for t in data["reasons"] if t not in pointer] == \
            [t for t in reasons if t in data["reasons"]]
        assert all(t in reasons for t in data["conditions_text"])
        assert window.summary.fields["benefit_score"].accessibleName() == \
            window.t("gui_benefit_score")
        assert window.settings.language == lang
    assert window.file_menu.title() == "&Arkiv"
    assert window.t("gui_step_benefits") == "Nyttor"


def test_broken_file_shows_its_problems(make_window: Any, tmp_path: Path,
                                        dialogs: Any) -> None:
    broken = tmp_path / "broken.hrk.json"
    broken.write_text('{"schema_version": 1, "benefits": {"B1": {"value": "lots"}}}',
                      encoding="utf-8")
    window = make_window()
    before = window.document.assessment
    assert not window.open_path(str(broken))
    assert window.document.assessment is before  # nothing opened
    shown = dialogs.shown[-1]
    assert shown["title"] == "Cannot open the file"
    # named as the app shows it (issue 32), never the answer path the command line takes
    assert window.t("gui_step_benefits") + " → B1" in shown["informative"]
    assert "benefits.B1" not in shown["informative"]


def test_question_added_to_forms_appears(forms_copy: Any, make_window: Any) -> None:
    def add(data: dict[str, Any]) -> None:
        data["benefits"]["questions"].append({
            "id": "B99", "weight": 1,
            "text": {"en": "Test benefit", "fi": "Testihyöty", "sv": "Testnytta"},
            "help": {"en": "Test help", "fi": "Testiohje", "sv": "Testhjälp"}})

    forms = load_forms(forms_copy("hrk.yaml", add))
    window = make_window(forms_=forms)
    page = window.pages["benefits"]
    control = page.controls["B99"]
    assert control.accessibleName() == "B99 Test benefit"
    assert control.itemText(control.findData(3)) == "3 — Significant"
    assert any(lab.text() == "Test help" for lab in page.findChildren(type(page.heading)))
    choose(control, 2)
    assert window.document.assessment.benefits["B99"].value == 2


def test_refused_edit_keeps_the_answer_and_says_why(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.go_to_step("decision")
    page = window.pages["decision"]
    date_edit = next(e for e in page.findChildren(QLineEdit)
                     if e.accessibleName().startswith("Date of decision"))
    type_into(qtbot, date_edit, "yesterday")
    assert window.document.assessment.decision.date is None
    # the typed text stays, marked, with the reason beside it (issue 32): never a path
    assert date_edit.text() == "yesterday"
    reason = window.t("gui_date_bad", example=window.t("gui_date_example"))
    assert date_edit.accessibleDescription() == reason
    assert "decision.date" not in reason


def test_new_document_is_prefilled_from_settings(make_window: Any, app_settings: Any) -> None:
    app_settings.publisher = "City of Vaara"
    app_settings.contact = "data@vaara.example"
    app_settings.day_rate = 750.0
    app_settings.licence = "cc-by-4.0"
    window = make_window()
    window.new_action.trigger()
    a = window.document.assessment
    assert a.dataset.publisher == "City of Vaara"
    assert a.dataset.contact.email == "data@vaara.example"
    assert a.costs.day_rate_eur == 750.0
    assert window.summary.fields["cost_3y_eur"].text() == "0\u00a0€"
    assert not window.isWindowModified()


def test_f1_shows_help_of_the_focused_question(make_window: Any, forms: Any) -> None:
    window = make_window()
    window.go_to_step("gates")
    control = window.pages["gates"].controls["G1"]
    control.setFocus()
    box = window.show_help()
    assert forms.hrk.gates.questions[0].help["en"] in box.text()
    box.close()


def test_step_list_marks_follow_the_core(make_window: Any) -> None:
    from hrk_workbench.overview.progress import step_states

    window = make_window()
    window.open_path(str(EXAMPLE))
    states = step_states(window.document.assessment, window.forms)
    assert {s: window.step_state(s) for s in STEPS} == states
    item = window.steps.item(0)
    # screen readers hear the step's own name, and its state as the description
    assert item.data(Qt.ItemDataRole.AccessibleTextRole) is None
    assert item.text() == "Dataset"
    assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == window.t(
        f"gui_state_{states['dataset']}")


def test_multi_choice_is_a_list_of_check_boxes(make_window: Any) -> None:
    window = make_window()
    page = window.pages["dataset"]
    themes = next(w for w in page.findChildren(QListWidget) if w.accessibleName() == "Themes")
    themes.item(0).setCheckState(Qt.CheckState.Checked)
    assert window.document.assessment.dataset.themes == [window.forms.vocab.themes[0].id]


def test_no_display_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(gui_app.sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert gui_app.run(None, "en", None, None) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "xvfb-run" in err and "QT_QPA_PLATFORM=offscreen" in err


def test_unknown_hrk_lang_is_refused(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("HRK_LANG", "de")
    assert gui_app.choose_language(None, None) is None
    assert gui_app.choose_language("fi", None) == "fi"
    monkeypatch.setenv("HRK_LANG", "sv")
    assert gui_app.choose_language(None, None) == "sv"
    assert gui_app.choose_language(None, "fi") == "fi"
    monkeypatch.delenv("HRK_LANG")
    monkeypatch.setenv("LANG", "fi_FI.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert gui_app.choose_language(None, None) == "fi"


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_screenshots_write_every_page(qapp: Any, forms: Any, app_settings: Any,
                                      tmp_path: Path, lang: str) -> None:
    out = tmp_path / "shots"
    assert gui_app.start(qapp, forms, app_settings, lang, str(EXAMPLE), str(out)) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == sorted([f"{i:02d}-{s}.png" for i, s in enumerate(STEPS, 1)]
                           + ["settings.png"])
    for png in out.glob("*.png"):
        image = QImage(str(png))
        assert image.width() >= 600 and image.height() >= 400, png.name


def test_portfolio_open_request_opens_that_assessment(make_window: Any) -> None:
    window = make_window()
    window.pages["portfolio"].openRequested.emit(str(EXAMPLE))
    assert window.document.path == EXAMPLE
    assert window.summary.fields["benefit_score"].text() == "70"


def test_qt_dialogs_follow_the_language(make_window: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    window = make_window()
    window.set_language("fi")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Peru"  # Qt's own fi
    window.set_language("sv")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Avbryt"
    assert window.edit_menu.title() == "&Redigera"


def test_problems_dialog_is_in_the_apps_language(make_window: Any, tmp_path: Path,
                                                 dialogs: Any) -> None:
    broken = tmp_path / "cut.hrk.json"
    broken.write_text('{"schema_version": 1, "dataset": ', encoding="utf-8")
    window = make_window(lang="fi")
    assert not window.open_path(str(broken))
    assert dialogs.shown[-1]["title"] == "Tiedostoa ei voi avata"
    assert dialogs.shown[-1]["informative"]


def test_ctrl_s_while_typing_saves_what_was_typed(make_window: Any, qtbot: Any,
                                                  tmp_path: Path) -> None:
    copy = tmp_path / "bikes.hrk.json"
    shutil.copy(EXAMPLE, copy)
    window = make_window()
    window.open_path(str(copy))
    window.go_to_step("dataset")
    edit = window.pages["dataset"].title_edits["fi"]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.selectAll()
    qtbot.keyClicks(edit, "Kaupunkipyorat")  # no Enter, no Tab: straight to Ctrl+S
    window.save_action.trigger()
    assert load_assessment(copy).dataset.title["fi"] == "Kaupunkipyorat"


def test_wheel_over_an_unfocused_answer_does_not_change_it(make_window: Any) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    window = make_window()
    window.go_to_step("benefits")
    combo = window.pages["benefits"].controls["B1"]
    window.steps.setFocus()
    event = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, event)
    assert "B1" not in window.document.assessment.benefits


def test_participants_are_added_renamed_given_roles_and_undone(make_window: Any) -> None:
    window = make_window()
    window.go_to_step("participants")
    page = window.pages["participants"]
    page.add_button.click()
    assert [p.name for p in window.document.assessment.participants] == ["New participant"]
    page.table.item(0, 0).setText("Aino Virtanen")  # as the cell editor commits it
    page.roles.item(1).setCheckState(Qt.CheckState.Checked)
    person = window.document.assessment.participants[0]
    assert person.name == "Aino Virtanen"
    assert person.roles == [window.forms.vocab.roles[1].id]
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.document.assessment.participants[0].name == "New participant"
    assert page.table.item(0, 0).text() == "New participant"
    window.undo_action.trigger()
    assert window.document.assessment.participants == []
