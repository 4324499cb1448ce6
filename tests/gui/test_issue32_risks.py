"""Issue 32, point 7, through the widgets at 1366x768: the risk register fits. The risk
names stay visible when the table scrolls sideways (a frozen first column), a long
mitigation wraps in the selected risk's detail form, and every one of the nine risks can be
reached without scrolling sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
LONG = ("Remove the user id, the birth year and the postcode; round start and end times to "
        "the minute; drop trips shorter than one minute or fifty metres; publish monthly; "
        "review the suppression every year with the data protection officer.")


def _risks(make_window: Any, lang: str, size: tuple[int, int] = (1366, 768)) -> tuple[Any, Any]:
    window = make_window(lang)
    assert window.open_path(str(BIKES), ask=False)
    window.resize(*size)
    window.go_to_step("risks")
    QApplication.processEvents()
    return window, window.pages["risks"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_all_nine_risks_reachable_without_sideways_scrolling(make_window: Any, forms: Any,
                                                             lang: str) -> None:
    _window, page = _risks(make_window, lang)
    table = page.table
    assert table.rowCount() == len(forms.hrk.risks.questions) == 9
    bar = table.horizontalScrollBar()
    assert bar.maximum() == 0, "the register is wider than its place at 1366x768"
    viewport = table.viewport().rect()
    for row in range(table.rowCount()):
        table.scrollToItem(table.item(row, 0))
        QApplication.processEvents()
        rect = table.visualItemRect(table.item(row, 0))
        assert viewport.intersects(rect), row
        assert bar.value() == 0
    # every column left in the table is fully inside it
    for col in range(table.columnCount()):
        if not table.isColumnHidden(col):
            assert table.columnViewportPosition(col) + table.columnWidth(col) <= viewport.width()


def test_names_stay_when_the_table_scrolls_sideways(make_window: Any, forms: Any) -> None:
    # a window narrower than the register: it scrolls, the names do not
    _window, page = _risks(make_window, "fi", (1000, 700))
    table, frozen = page.table, page.frozen
    bar = table.horizontalScrollBar()
    if bar.maximum() == 0:  # the map went below; make the register narrower than itself
        page.splitter.setSizes([300, 10_000])
        page.splitter.setOrientation(Qt.Orientation.Horizontal)
        QApplication.processEvents()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert frozen.isVisible()
    assert frozen.geometry().left() <= table.frameWidth() + 1
    first = forms.hrk.risks.questions[0]
    index = frozen.model().index(0, 0)
    assert frozen.model().data(index).startswith(f"{first.id} {first.text['fi']}")
    assert frozen.columnWidth(0) == table.columnWidth(0)
    assert all(frozen.rowHeight(r) == table.rowHeight(r) for r in range(table.rowCount()))
    # scrolled down, the names follow the rows
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    QApplication.processEvents()
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_long_mitigation_wraps_in_the_detail_form(make_window: Any, qtbot: Any,
                                                  tmp_path: Path, lang: str) -> None:
    window, page = _risks(make_window, lang)
    row = page.risk_ids.index("R3")
    rect = page.frozen.visualRect(page.frozen.model().index(row, 0))
    qtbot.mouseClick(page.frozen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_risks() == ["R3"]
    detail = page.detail
    assert detail.risk_id == "R3"
    assert detail.title.text().startswith("R3 ")
    edit = detail.mitigation.widget
    assert isinstance(edit, QPlainTextEdit) and edit.isVisible()
    assert edit.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert edit.accessibleName() == window.t("gui_risk_detail_name", qid="R3",
                                             field=window.t("gui_risk_mitigation").lower())
    edit.setFocus()
    edit.setPlainText(LONG)
    # choosing another risk keeps what was typed for this one
    qtbot.mouseClick(page.frozen.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.frozen.visualRect(page.frozen.model().index(0, 0)).center())
    assert window.document.assessment.risks["R3"].mitigation == LONG
    assert detail.risk_id == "R1"
    # the long text wraps: it needs several lines, and no sideways scrolling
    page.table.selectRow(row)
    QApplication.processEvents()
    assert edit.toPlainText() == LONG
    assert edit.horizontalScrollBar().maximum() == 0
    assert edit.document().size().height() > 1  # wrapped onto more than one line
    # residual answers of the selected risk, undoable, saved like any answer
    combo = detail.residual_likelihood.widget
    combo.setCurrentIndex(combo.findData(1))
    assert window.document.assessment.risks["R3"].residual_likelihood == 1
    path = tmp_path / "r.hrk.json"
    window.document.save(path)
    assert load_assessment(path).risks["R3"].mitigation == LONG


def test_heat_map_click_shows_the_risk_in_the_form(make_window: Any) -> None:
    _window, page = _risks(make_window, "fi")
    a = _window.document.assessment.risks["R2"]
    page.select_cell(a.likelihood, a.impact)
    assert "R2" in page.selected_risks()
    QApplication.processEvents()
    assert page.detail.risk_id in page.selected_risks() or page.detail.risk_id == "R1"
    assert page.frozen.mapTo(page, QPoint(0, 0)).x() >= 0
