"""The Decision page: a departure from the recommendation is marked, and the justification
field (one per language, each with an accessible name) clears the mark once written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import ALL_NO, make
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from hrk_workbench.model.store import load_assessment, save_assessment


def test_justification_field_clears_the_decision_mark(make_window: Any, qtbot: Any,
                                                      tmp_path: Path) -> None:
    a = make(gates=ALL_NO, benefits={"B1": 3}, risks={"R1": (2, 2), "R2": (1, 1)},
             anonymisation={"A1": "no", "A2": "no", "A3": "no", "A5": "no", "A9": "yes"},
             personal_data=True, granularity="unit", title={"en": "Linked"})
    a.decision.outcome = "open"  # limited access is recommended
    path = tmp_path / "d.hrk.json"
    save_assessment(a, path, author="test")
    window = make_window()
    assert window.open_path(str(path))
    window.go_to_step("decision")
    page = window.pages["decision"]
    assert window.step_state("decision") == "problems"
    assert page.departure.isVisibleTo(page)
    fields = {e.accessibleName(): e for e in page.findChildren(QPlainTextEdit)}
    edit = fields["Justification of the departure (Finnish)"]
    assert "Justification of the departure (English)" in fields
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "Tutkimuslupa kattaa avaamisen.")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # focus leaves: the text is committed
    qtbot.waitUntil(lambda: not edit.hasFocus())
    assert window.document.assessment.decision.justification == {
        "fi": "Tutkimuslupa kattaa avaamisen."}
    assert window.step_state("decision") == "complete"
    assert not page.departure.isVisibleTo(page)
    window.save_action.trigger()
    assert load_assessment(path).decision.justification["fi"] == "Tutkimuslupa kattaa avaamisen."
