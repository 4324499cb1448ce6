"""Issue 33 in the app: a review comment from any question, the comments and approvals
listed (answers named by their questions, never by paths), resolving, and the Outputs
step's publication gate. Driven through the widgets, on copies of the bundled examples.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPushButton,
)

from hrk_workbench.cli.program import main
from hrk_workbench.foundations.answer_names import answer_name
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WAIT_MS = 15_000


def _copy(tmp_path: Path, name: str = "city-bike-trips") -> Path:
    path = tmp_path / f"{name}.hrk.json"
    shutil.copy(EXAMPLES / f"{name}.hrk.json", path)
    return path


def _open(make_window: Any, path: Path, lang: str = "en") -> Any:
    window = make_window(lang)
    assert window.open_path(str(path), ask=False)
    return window


def test_a_comment_from_a_question_card_is_saved_and_listed(make_window: Any, qtbot: Any,
                                                            tmp_path: Path, forms: Any) -> None:
    path = _copy(tmp_path)
    window = _open(make_window, path)
    window.go_to_step("gates")
    page = window.pages["gates"]
    button = page.findChild(QAbstractButton, "comment_G2")
    assert button is not None and button.accessibleName() == "Review comment on G2"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "comment_dialog" and w.isVisible())
    # the target is named as the app names it, not as a path
    assert answer_name("gates.G2", "en", forms) in dialog.on_label.text()
    assert "gates.G2" not in dialog.on_label.text()
    for widget in (dialog.name, dialog.role, dialog.text):
        assert widget.accessibleName()
    assert not dialog.submit()  # nothing written yet: refused, said in the dialog
    assert "--" not in dialog.error.text()  # the app's words, no command-line option
    assert "empty" in dialog.error.text() and not window.document.assessment.comments
    dialog.name.setText("Johan Lindqvist")
    dialog.role.setCurrentIndex(dialog.role.findData("dpo"))
    dialog.text.setPlainText("Is the postcode really removed?")
    assert dialog.submit()
    comment = window.document.assessment.comments[0]
    assert (comment.on, comment.by, comment.role) == ("gates.G2", "Johan Lindqvist", "dpo")
    assert window.document.is_dirty()
    window.document.undo_stack.undo()  # undone like an answer
    assert not window.document.assessment.comments
    window.document.undo_stack.redo()
    assert window.save()
    saved = load_assessment(path)
    assert [c.text for c in saved.comments] == ["Is the postcode really removed?"]
    # the approval still stands: a comment is not part of what was approved
    assert main(["verify", str(path)]) == 0


def test_comment_on_the_focused_question_of_any_step(make_window: Any, qtbot: Any,
                                                     tmp_path: Path) -> None:
    window = _open(make_window, _copy(tmp_path))
    window.go_to_step("decision")
    page = window.pages["decision"]
    binding = next(b for b in page.bindings if b.path == "decision.conditions")
    window.activateWindow()
    binding.widget.setFocus()
    qtbot.waitUntil(lambda: binding.widget.hasFocus(), timeout=WAIT_MS)
    dialog = window.comment_here()
    assert dialog.target == "decision.conditions"
    dialog.name.setText("Liisa")
    dialog.role.setCurrentIndex(dialog.role.findData("decider"))
    dialog.text.setPlainText("Name the season.")
    assert dialog.submit()
    window.go_to_step("outputs")
    dialog = window.comment_here()  # a step that is no answer: what it shows
    assert dialog.target == "publication"


def test_review_dialog_lists_resolves_and_says_what_voided_the_approval(
        make_window: Any, qtbot: Any, tmp_path: Path, forms: Any) -> None:
    path = _copy(tmp_path)
    assert main(["review", str(path), "--on", "risks.R2.likelihood", "--comment", "Too low?",
                 "--as", "Johan", "--role", "dpo"]) == 0
    window = _open(make_window, path, "fi")
    dialog = window.show_review()
    rows = dialog.table_texts(dialog.comments)
    assert rows[0][0] == "c1" and rows[0][1] == answer_name("risks.R2.likelihood", "fi", forms)
    assert "tietosuoja-asiantuntija" in rows[0][2] and rows[0][5] == "avoin"
    approvals = dialog.table_texts(dialog.approvals)
    assert approvals[0][2] == "voimassa" and "(esimerkkiavain)" in approvals[0][3]
    assert dialog.comments.accessibleName() and dialog.approvals.accessibleName()
    assert dialog.resolve_button.accessibleName() and dialog.resolution.accessibleName()

    assert not dialog.resolve_selected()  # nothing selected: said, nothing changed
    dialog.select_comment("c1")
    dialog.resolution.setText("Rated 1: no register combines them.")
    dialog.resolver.setText("Aino")
    assert dialog.resolve_selected()
    assert dialog.table_texts(dialog.comments)[0][5].startswith("ratkaisi Aino")

    # an answer changed in the app voids the approval: said with the question's text
    assert window.document.edit("risks.R2.likelihood", 4)
    approvals = dialog.table_texts(dialog.approvals)
    status = approvals[0][2]
    assert status.startswith("mitätön: muutettu hyväksynnän jälkeen: ")
    assert answer_name("risks.R2.likelihood", "fi", forms) + " 1 → 4" in status
    assert "risks.R2" not in status
    assert "Ei hyväksytty julkaistavaksi" in dialog.gate.text()


def _outputs(window: Any, qtbot: Any) -> Any:
    window.go_to_step("outputs")
    page = window.pages["outputs"]
    qtbot.waitUntil(lambda: not page.busy() and page.readiness is not None, timeout=WAIT_MS)
    return page


def test_outputs_step_shows_and_applies_the_publication_gate(
        make_window: Any, qtbot: Any, tmp_path: Path, dialogs: Any, forms: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    path = _copy(tmp_path)
    window = _open(make_window, path)
    page = _outputs(window, qtbot)
    texts = [t for t, _ in page.readiness_items()]
    assert any(t.startswith("Approved for publication by Liisa Mäkelä") for t in texts)
    assert page.draft_box.accessibleName() == page.draft_box.text()

    target = tmp_path / "bikes.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(page.exported, timeout=WAIT_MS):
        qtbot.mouseClick(page.buttons["meta_ckan"], Qt.MouseButton.LeftButton)
    assert "state" not in json.loads(target.read_text(encoding="utf-8"))
    target.unlink()

    assert window.document.edit("benefits.B3.value", 3)
    qtbot.waitUntil(lambda: not page.busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any(t.startswith("Not approved for publication")
                                for t, _ in page.readiness_items()), timeout=WAIT_MS)
    gate = next(t for t, _ in page.readiness_items() if t.startswith("Not approved"))
    assert answer_name("benefits.B3.value", "en", forms) + " 2 → 3" in gate
    assert "benefits.B3" not in gate
    with qtbot.waitSignal(page.exportFailed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(page.buttons["meta_ckan"], Qt.MouseButton.LeftButton)
    assert failed.args[0][0].startswith("Not approved for publication")
    assert not target.exists()
    ttl = tmp_path / "bikes.ttl"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(ttl), "")))
    with qtbot.waitSignal(page.exportFailed, timeout=WAIT_MS):
        qtbot.mouseClick(page.buttons["meta_turtle"], Qt.MouseButton.LeftButton)
    assert not ttl.exists()

    page.draft_box.setChecked(True)  # as a draft: written, and marked in the record
    with qtbot.waitSignal(page.exported, timeout=WAIT_MS):
        qtbot.mouseClick(page.buttons["meta_turtle"], Qt.MouseButton.LeftButton)
    assert "adms:versionNotes" in ttl.read_text(encoding="utf-8")
    assert "DRAFT" in page.result_label.text()


def test_every_review_control_has_a_name_in_every_language(make_window: Any, qtbot: Any,
                                                          tmp_path: Path) -> None:
    window = _open(make_window, _copy(tmp_path), "sv")
    dialog = window.comment_here()
    for widget in dialog.findChildren(QLineEdit) + dialog.findChildren(QComboBox):
        assert widget.accessibleName(), widget
    assert dialog.windowTitle() == "Granskningskommentar"
    review = window.show_review()
    assert review.windowTitle() == "Granskningskommentarer och godkännanden"
    for widget in review.findChildren(QLineEdit):
        assert widget.accessibleName(), widget
    for button in review.findChildren(QPushButton):
        assert button.accessibleName() or button.text(), button
    assert all(not a.text().startswith("gui_") for a in window.edit_menu.actions())


def test_approve_in_the_app_signs_the_current_version(make_window: Any, qtbot: Any,
                                                      tmp_path: Path, forms: Any) -> None:
    path = _copy(tmp_path)
    window = _open(make_window, path)
    assert window.document.edit("benefits.B3.value", 3)
    review = window.show_review()
    assert review.table_texts(review.approvals)[0][2].startswith("void: changed after")
    review.approver.setText("")
    assert not review.approve_version() and "Give your name first." in review.error.text()
    review.approver.setText("Liisa Mäkelä")
    review.approver_role.setCurrentIndex(review.approver_role.findData("decider"))
    assert review.approve_version()
    rows = review.table_texts(review.approvals)
    assert rows[0][2].startswith("superseded") and rows[1][2] == "valid"
    assert "(example key)" not in rows[1][3]  # the user's own key, made on first use
    assert "Approved for publication by Liisa Mäkelä" in review.gate.text()
    assert window.save()
    assert main(["verify", str(path)]) == 0
    window.document.undo_stack.undo()  # the approval is undone like an edit
    assert len(window.document.assessment.approvals) == 1


def test_a_hand_edited_approval_is_shown_as_such(make_window: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    path = _copy(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["approvals"][0]["role"] = "dpo"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window = _open(make_window, path, "sv")
    review = window.show_review()
    status = review.table_texts(review.approvals)[0][2]
    assert status.startswith("ändrat för hand: signaturen stämmer inte")
    assert "Inte godkänt för publicering" in review.gate.text()
