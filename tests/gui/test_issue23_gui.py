"""Issue 23, point 9: the desktop app on a 1280x800 screen, in Finnish and Swedish.

Each test drives the real window (pytest-qt) and compares with the core: the screen area the
window may use, the column titles and summary values that must not be cut, the summary's
cost written as the Costs page writes it, the lab steps' "not run" mark, the names of combo
popup lists, and Qt's own file dialog in the app's language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionFrame,
    QTableView,
    QWidget,
)

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.foundations.i18n import format_eur
from hrk_workbench.gui.mainwindow import DECORATION, MainWindow
from hrk_workbench.overview.progress import STEPS, step_states

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.hrk.json"))
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
LAPTOP = QRect(0, 0, 1280, 800)


def settle(qtbot: Any) -> None:
    """Let queued layout work (single-shot column fits, wrapped rows) run."""
    qtbot.wait(20)
    QApplication.processEvents()


def small_screen(monkeypatch: pytest.MonkeyPatch, area: QRect) -> None:
    """Every screen offers only ``area`` to windows (as a 1280x800 laptop with a panel)."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(area))


def unshown_window(qtbot: Any, forms: Any, settings: Any, lang: str = "en") -> MainWindow:
    window = MainWindow(forms, settings, lang, autosave_ms=3_600_000)
    qtbot.addWidget(window)
    return window


def assert_inside(window: MainWindow, area: QRect) -> None:
    g = window.geometry()
    outer = g.adjusted(0, 0, DECORATION.width(), DECORATION.height())
    assert area.contains(outer), (g, area)


# --- the window fits the screen -------------------------------------------------------------

def test_window_and_its_minimum_fit_a_1280x800_screen(qtbot: Any, forms: Any,
                                                      app_settings: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    small_screen(monkeypatch, LAPTOP)
    for lang in ("en", "fi", "sv"):
        window = unshown_window(qtbot, forms, app_settings, lang)
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert hint.width() <= LAPTOP.width() - DECORATION.width(), (lang, hint)
        assert hint.height() <= LAPTOP.height() - DECORATION.height(), (lang, hint)
        assert_inside(window, LAPTOP)


def test_restored_geometry_is_clamped_to_the_screen(qtbot: Any, forms: Any,
                                                    app_settings: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = unshown_window(qtbot, forms, app_settings)
    first.resize(1264, 760)
    first.move(0, 0)
    first.show()
    qtbot.waitExposed(first)
    first.close()  # remembers where it was
    assert app_settings.store.value("window/geometry")
    # the next start sees less room: a 150-pixel panel at the top
    area = QRect(0, 150, 1280, 650)
    small_screen(monkeypatch, area)
    second = unshown_window(qtbot, forms, app_settings)
    assert_inside(second, area)


# --- nothing is cut -------------------------------------------------------------------------

def visible_tables(page: QWidget) -> list[QTableView]:
    return [v for v in page.findChildren(QTableView)
            if v.isVisibleTo(page) and not v.horizontalHeader().isHidden()]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_column_titles_are_never_cut(make_window: Any, qtbot: Any, lang: str) -> None:
    window = make_window(lang=lang)
    window.open_path(str(BIKES))
    checked = 0
    for step in STEPS:
        window.go_to_step(step)
        settle(qtbot)
        page = window.pages[step]
        for view in visible_tables(page):
            header = view.horizontalHeader()
            fm = header.fontMetrics()
            for section in range(header.count()):
                if header.isSectionHidden(section):
                    continue
                title = str(view.model().headerData(section, Qt.Orientation.Horizontal) or "")
                needed = max((fm.horizontalAdvance(line) for line in title.split("\n")),
                             default=0)
                assert header.sectionSize(section) >= needed + 8, (
                    step, view.objectName(), title, header.sectionSize(section), needed)
                checked += 1
    assert checked > 20  # risks, costs, portfolio and the lab tables were all looked at


def text_room(field: Any) -> int:
    """The pixels a line edit has for its text (its contents rect less Qt's margins)."""
    opt = QStyleOptionFrame()
    field.initStyleOption(opt)
    rect = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, opt, field)
    margins = field.textMargins()
    return rect.width() - margins.left() - margins.right() - 4


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_summary_value_fits_its_field(make_window: Any, qtbot: Any, lang: str) -> None:
    window = make_window(lang=lang)
    window.resize(1264, 760)
    for example in EXAMPLES:
        assert window.open_path(str(example), ask=False)
        settle(qtbot)
        for key, field in window.summary.fields.items():
            width = field.fontMetrics().horizontalAdvance(field.text())
            assert width <= text_room(field), (example.name, key, field.text())
            assert field.toolTip() == field.text()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_cost_table_shows_every_number_whole(make_window: Any, qtbot: Any, lang: str) -> None:
    window = make_window(lang=lang)
    window.resize(1264, 760)
    window.open_path(str(BIKES))
    window.go_to_step("costs")
    page = window.pages["costs"]
    editor = page.editor(page.line_ids[0], "one_off_eur")
    assert window.document.edit(f"costs.lines.{page.line_ids[0]}.one_off_eur", 123456789)
    settle(qtbot)
    table = page.table
    for row in range(table.rowCount()):
        for col in range(1, table.columnCount()):
            field = table.cellWidget(row, col)
            if field is not None:
                text = field.text() or field.placeholderText()
                assert field.width() <= table.columnWidth(col)
                assert field.fontMetrics().horizontalAdvance(text) <= text_room(field), (
                    row, col, text, field.width())
            else:
                item = table.item(row, col)
                width = table.fontMetrics().horizontalAdvance(item.text())
                assert width <= table.columnWidth(col), (row, col, item.text())
    assert editor.text() == "123456789"


@pytest.mark.parametrize(("lang", "shown"), [("fi", "12,5"), ("sv", "12,5"), ("en", "12.5")])
def test_cost_fields_write_decimals_as_the_language_does(make_window: Any, qtbot: Any,
                                                         lang: str, shown: str) -> None:
    """12.5 days reads "12,5" in Finnish and Swedish (as the totals below it), and the
    steward may type either "2,5" or "2.5"; the file keeps the number."""
    window = make_window(lang=lang)
    window.open_path(str(BIKES))
    window.go_to_step("costs")
    page = window.pages["costs"]
    line = page.line_ids[0]
    assert window.document.edit(f"costs.lines.{line}.one_off_days", 12.5)
    settle(qtbot)
    editor = page.editor(line, "one_off_days")
    assert editor.text() == shown
    for typed in ("2,5", "2.5"):
        editor.setText(typed)
        editor.editingFinished.emit()
        settle(qtbot)
        assert window.document.assessment.costs.lines[line].one_off_days == 2.5
        assert editor.text() == shown.replace("12", "2")


# --- the summary writes euros as the Costs page does ----------------------------------------

@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_summary_cost_is_written_as_on_the_costs_page(make_window: Any, capsys: Any,
                                                      lang: str) -> None:
    window = make_window(lang=lang)
    window.open_path(str(BIKES))
    capsys.readouterr()
    assert cli_main(["score", str(BIKES), "--json", "--lang", lang]) == 0
    import json

    cost = json.loads(capsys.readouterr().out)["cost_3y_eur"]
    window.go_to_step("costs")  # a page follows the document while it is shown
    shown = window.summary.fields["cost_3y_eur"].text()
    page = window.pages["costs"]
    assert shown == page.total_field("gui_cost_total_horizon").text()
    assert shown == format_eur(cost, lang)
    if lang in ("fi", "sv"):
        assert shown.endswith("\u00a0€") and "\u00a0" in shown[:-2]  # "57 800 €"


# --- lab steps: "not run" until a result exists ---------------------------------------------

def test_lab_steps_say_not_run_until_a_result_exists(make_window: Any) -> None:
    window = make_window(lang="fi")
    blank = step_states(window.document.assessment, window.forms)
    for step in ("risk_lab", "table_lab"):
        assert blank[step] == "not_run"
        assert window.step_state(step) == "not_run"
        item = window.steps.item(STEPS.index(step))
        assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "ei ajettu"
        assert item.toolTip() == "ei ajettu"
    not_run = window.steps.item(STEPS.index("risk_lab")).icon().pixmap(18, 18).toImage()
    incomplete = window.steps.item(STEPS.index("dataset")).icon().pixmap(18, 18).toImage()
    assert window.step_state("dataset") == "incomplete"
    assert not_run != incomplete  # its own mark, not the "incomplete" dot
    window.set_language("sv")
    item = window.steps.item(STEPS.index("risk_lab"))
    assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "inte körd"
    # this example saved a measured result: its risk lab step is no longer "not run"
    window.open_path(str(ROOT / "examples" / "health-research.hrk.json"), ask=False)
    assert window.document.assessment.risk_lab is not None
    assert window.step_state("risk_lab") == step_states(window.document.assessment,
                                                        window.forms)["risk_lab"]
    assert window.step_state("risk_lab") != "not_run"


# --- combo popups carry the combo's name ----------------------------------------------------

def buddy_texts(root: QWidget) -> dict[int, str]:
    return {id(lab.buddy()): lab.text().replace("&", "")
            for lab in root.findChildren(QLabel) if lab.buddy() is not None}


def assert_popups_named(root: QWidget) -> int:
    labels = buddy_texts(root)
    combos = root.findChildren(QComboBox)
    for combo in combos:
        name = combo.accessibleName() or labels.get(id(combo), "")
        assert name, combo.objectName()
        assert combo.view().accessibleName() == name, (combo.objectName(), name)
    return len(combos)


def test_every_combo_popup_list_is_named_like_its_combo(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    count = 0
    for step in STEPS:
        window.go_to_step(step)
        settle(qtbot)
        count += assert_popups_named(window.pages[step])
    assert count > 40
    window.set_language("fi")
    assert_popups_named(window)
    gates_combo = window.pages["gates"].findChildren(QComboBox)[0]
    assert gates_combo.view().accessibleName().startswith("G1")
    dialog = window.open_settings()
    assert assert_popups_named(dialog) == 2
    dialog.reject()


# --- Qt's file dialog in the app's language -------------------------------------------------

def inspect_file_dialog(qtbot: Any, trigger: Callable[[], Any]) -> dict[str, Any]:
    """Run ``trigger`` (which opens a modal file dialog), read the dialog once it is up and
    cancel it: the test never blocks on it."""
    seen: dict[str, Any] = {}

    def look(attempt: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            if attempt < 100:
                QTimer.singleShot(30, lambda: look(attempt + 1))
            return
        seen["native"] = not dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        seen["buttons"] = [b.text() for b in dialog.findChildren(QPushButton)]
        seen["labels"] = [lab.text() for lab in dialog.findChildren(QLabel)]
        seen["tooltips"] = [w.toolTip() for w in dialog.findChildren(QWidget) if w.toolTip()]
        dialog.reject()

    QTimer.singleShot(0, look)
    trigger()
    return seen


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", {"Peru", "Lähde:", "Tiedostotyyppi:", "Yläkansio"}),
    ("sv", {"Avbryt", "&Titta i:", "Filer av &typ:", "Föräldrakatalog"}),
])
def test_file_dialogs_speak_the_apps_language(make_window: Any, qtbot: Any, lang: str,
                                              expected: set[str]) -> None:
    window = make_window(lang=lang)
    for action in (window.open_action, window.save_as_action, window.import_action):
        seen = inspect_file_dialog(qtbot, action.trigger)
        assert seen, action.text()
        assert not seen["native"]  # Qt's own dialog, so Qt's translations apply
        texts = set(seen["buttons"]) | set(seen["labels"]) | set(seen["tooltips"])
        assert expected <= texts, (action.text(), texts)
        assert not {"&Look in:", "Files of &type:", "Cancel"} & texts
