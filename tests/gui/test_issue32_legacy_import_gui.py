"""File → Import Excel in Finnish (issue 32, point 9): a short summary first, the cell-by-cell
report on request, no answer paths, and the workbook's cell notes as answer comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from test_issue32_legacy_comments import annotated_workbook

from hrk_workbench.gui.import_excel import import_path


def test_summary_first_then_the_report_on_request(make_window: Any, qtbot: Any,
                                                  tmp_path: Path) -> None:
    window = make_window(lang="fi")
    import_path(window, str(annotated_workbook(tmp_path)))
    qtbot.waitUntil(lambda: getattr(window, "import_report", None) is not None, timeout=10_000)
    dialog = window.import_report
    qtbot.waitExposed(dialog)
    summary = dialog.overview.text()
    assert "4 Excel-kommenttia tuotiin" in summary and "2 kommenttia jäi tuomatta" in summary
    assert not dialog.text.isVisible()
    button = dialog.details_button
    assert button.text() == "Näytä solukohtainen raportti"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.text.isVisible()
    assert button.accessibleName() == "Piilota solukohtainen raportti"
    report = dialog.text.toPlainText()
    assert "Excel-kommentit:" in report and "Asteikko muuttui 2023." in report
    assert "gates.G1" not in report and "dataset." not in report
    assert window.document.assessment.gates["G1"].comment.endswith(
        "Tarkistettu lakimiehen kanssa 3/2024.")
    dialog.accept()
