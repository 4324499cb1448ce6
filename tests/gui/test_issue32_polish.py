"""Everyday polish (issue 32, point 10), through the widgets on real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _table_typing(qtbot: Any, table: Any, texts: list[str]) -> None:
    """Type each text straight after a Tab, as a steward fills a row."""
    for n, text in enumerate(texts):
        for ch in text:  # each key to whatever has the focus then, as a keyboard does
            qtbot.keyClick(QApplication.focusWidget() or table, ch)
        if n < len(texts) - 1:
            qtbot.keyClick(QApplication.focusWidget() or table, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget() or table, Qt.Key.Key_Return)


def test_typing_straight_after_tab_in_participants_loses_nothing(
        make_window: Any, qtbot: Any) -> None:
    window = make_window(lang="fi")
    window.go_to_step("participants")
    page = window.pages["participants"]
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    table = page.table
    table.setCurrentCell(0, 0)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    _table_typing(qtbot, table, ["Anna Aalto", "Vantaan kaupunki", "anna@vantaa.example",
                                 "tietosuoja"])
    # Return commits the last cell on the next turn of the event loop
    qtbot.waitUntil(lambda: window.document.assessment.participants[0].comment != "",
                    timeout=3000)
    p = window.document.assessment.participants[0]
    assert (p.name, p.organisation, p.email, p.comment) == (
        "Anna Aalto", "Vantaan kaupunki", "anna@vantaa.example", "tietosuoja")


def test_lang_without_a_command_opens_the_app_in_finnish(qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QApplication as App

    from hrk_workbench.__main__ import main
    from hrk_workbench.gui.mainwindow import MainWindow

    monkeypatch.setattr(App, "exec", lambda *a: 0)  # the window is shown; no event loop
    before = {id(w) for w in App.topLevelWidgets()}
    assert main(["--lang", "fi"]) == 0
    windows = [w for w in App.topLevelWidgets()
               if isinstance(w, MainWindow) and id(w) not in before]
    assert len(windows) == 1
    window = windows[0]
    try:
        assert window.document.lang == "fi"
        assert window.file_menu.title().replace("&", "") == "Tiedosto"
        assert window.isVisible()
    finally:
        window.document.undo_stack.setClean()
        window.owns_recovery = False
        window.close()
        window.deleteLater()


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_recent_files_show_their_folder(make_window: Any, tmp_path: Path) -> None:
    import shutil

    for year in ("2025", "2026"):
        (tmp_path / year).mkdir()
        shutil.copy(EXAMPLES / "city-bike-trips.hrk.json", tmp_path / year / "pyorat.hrk.json")
    window = make_window(lang="fi")
    for year in ("2025", "2026"):
        assert window.open_path(str(tmp_path / year / "pyorat.hrk.json"), ask=False)
    window._fill_recent()
    texts = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert any(t.startswith("&1 pyorat.hrk.json") and t.endswith("2026") for t in texts)
    assert any(t.startswith("&2 pyorat.hrk.json") and t.endswith("2025") for t in texts)


def test_save_as_new_assessment_gives_a_new_id(make_window: Any, tmp_path: Path,
                                               monkeypatch: Any) -> None:
    import shutil

    from PySide6.QtWidgets import QFileDialog

    from hrk_workbench.__main__ import main
    from hrk_workbench.model.store import load_assessment

    last_year = tmp_path / "pyorat-2025.hrk.json"
    shutil.copy(EXAMPLES / "city-bike-trips.hrk.json", last_year)
    assert main(["set", str(last_year), "decision.record_number=KAUPUNKI/12/2025",
                 "decision.legal_basis=Tiedonhallintalaki"]) == 0
    old = load_assessment(last_year)
    this_year = tmp_path / "pyorat-2026.hrk.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(this_year), "")))
    window = make_window(lang="fi")
    assert window.open_path(str(last_year), ask=False)
    assert window.save_as_new_action.text().replace("&", "") == "Tallenna uutena arviointina…"
    window.save_as_new_action.trigger()
    new = load_assessment(this_year)
    assert new.id != old.id and new.created > old.created
    assert new.benefits == old.benefits and new.dataset == old.dataset
    assert new.approvals == [] and new.comments == []
    assert [e.by for e in new.change_log] == ["Testi Testaaja"]
    assert new.decision.outcome is None and new.decision.record_number == ""
    assert new.decision.legal_basis == "Tiedonhallintalaki"
    assert load_assessment(last_year).id == old.id  # last year's file untouched
    assert window.document.path == this_year


def test_print_memo_and_open_after_export(make_window: Any, qtbot: Any, tmp_path: Path,
                                          monkeypatch: Any) -> None:
    import shutil

    from PySide6.QtGui import QDesktopServices
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QDialog, QFileDialog

    path = tmp_path / "pyorat.hrk.json"
    shutil.copy(EXAMPLES / "city-bike-trips.hrk.json", path)
    window = make_window(lang="sv")
    assert window.open_path(str(path), ask=False)
    pdf = tmp_path / "utskrift.pdf"

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert window.print_action.text().replace("&", "") == "Skriv ut promemorian…"
    window.print_action.trigger()
    assert window.current_step() == "outputs"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000

    memo = tmp_path / "pm.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(memo), "")))
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    page = window.pages["outputs"]
    with qtbot.waitSignal(page.exported, timeout=20_000):
        qtbot.mouseClick(page.buttons["memo_md"], Qt.MouseButton.LeftButton)
    button = window.open_export_button
    assert button.isVisible() and button.text() == "Öppna"
    assert button.accessibleName() == "Öppna filen pm.md"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [str(memo)]


def test_benefit_weights_are_shown_on_the_benefits_step(make_window: Any, forms: Any) -> None:
    window = make_window(lang="fi")
    window.go_to_step("benefits")
    page = window.pages["benefits"]
    text = page.weights.text()
    assert page.weights.isVisible()
    questions = forms.hrk.benefits.questions
    for q in questions:
        assert f"{q.id} paino {q.weight:g}" in text
    total = sum(q.weight for q in questions)
    top = forms.hrk.benefits.scale.max
    assert f"{top * total:g} (= {top} × {total:g})" in text
    window.document.set_language("sv")
    assert f"{questions[0].id} vikt {questions[0].weight:g}" in page.weights.text()


def test_the_licence_list_stays_within_a_1366_screen(make_window: Any, qtbot: Any) -> None:
    window = make_window(lang="fi")
    window.resize(1366, 740)
    window.go_to_step("licence")
    combo = window.pages["licence"].licence.combo
    area = combo.screen().availableGeometry()
    combo.showPopup()
    popup = combo.view().window()
    qtbot.waitUntil(popup.isVisible)
    geometry = popup.geometry()
    try:
        assert area.contains(geometry), (area, geometry)
        long_entry = max(range(combo.count()), key=lambda i: len(combo.itemText(i)))
        # an entry cut short in the list keeps its whole text as a tooltip
        assert combo.itemData(long_entry, Qt.ItemDataRole.ToolTipRole) == \
            combo.itemText(long_entry)
    finally:
        combo.hidePopup()


def test_risk_lab_keeps_its_place_and_prefills_k(make_window: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    import csv

    from hrk_workbench.decision.recommendation import required_k

    data = tmp_path / "asiakkaat.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["ika", "sukupuoli", "postinumero"])
        for i in range(150):
            w.writerow([18 + i % 60, "MN"[i % 2], f"0{i % 7}100"])
    window = make_window(lang="fi")
    window.resize(1366, 740)
    # special-category data: the assessment's threshold is above the default 5
    window.document.edit("anonymisation.A3.value", "yes")
    expected = required_k(window.document.assessment, window.forms)
    assert expected > 5
    window.go_to_step("risk_lab")
    page = window.pages["risk_lab"]
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    idle = lambda: not page.busy() and not page._timer.isActive()  # noqa: E731
    qtbot.waitUntil(idle, timeout=15_000)
    page.op_combo.setCurrentIndex(page.op_combo.findData("suppress"))
    assert page.param_field.text() == str(expected)
    page.op_combo.setCurrentIndex(page.op_combo.findData("band"))
    assert page.param_field.text() == ""  # another step's number is not a k
    page.param_field.setText("10")
    page.column_combo.setCurrentIndex(page.column_combo.findData("ika"))
    bar = page.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200, timeout=5000)
    bar.setValue(bar.maximum() - 50)
    at = bar.value()
    window.activateWindow()
    page.add_button.setFocus()  # as a click leaves it; the button is disabled while busy
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(idle, timeout=15_000)
    qtbot.wait(50)
    assert len(page.steps) == 1 and bar.value() == at
    page.op_combo.setCurrentIndex(page.op_combo.findData("suppress"))
    assert page.param_field.text() == str(expected)
    page.param_field.setText("3")  # typed by the steward: kept when the step changes
    page.op_combo.setCurrentIndex(page.op_combo.findData("exclude"))
    assert page.param_field.text() == "3"
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(idle, timeout=15_000)
    qtbot.wait(50)
    assert len(page.steps) == 2 and bar.value() == at


def test_the_full_guide_in_finnish_and_swedish_with_search(make_window: Any, qtbot: Any) -> None:
    from hrk_workbench.gui.help import GuideDialog, guide_dir

    def level(path: Path, marks: tuple[str, ...]) -> int:
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
                   if line.startswith(marks) and not line.startswith("####"))

    en = guide_dir() / "en.md"
    for code, steps in (("fi", ("Aineisto", "Osallistujat", "Esteet", "Hyödyt", "Riskit",
                                "Kustannukset", "Anonymisointi", "Kanava ja muoto", "Laatu",
                                "Lisenssi", "Päätös", "Tuotokset", "Salkku", "Näppäimet",
                                "Komentorivi", "Ongelmatilanteet")),
                        ("sv", ("Datamängd", "Deltagare", "Hinder", "Nyttor", "Risker",
                                "Kostnader", "Anonymisering", "Kanal och format", "Kvalitet",
                                "Licens", "Beslut", "Resultat", "Portfölj", "Tangentbord",
                                "Kommandorad", "Felsökning"))):
        window = make_window(lang=code)
        window.guide_action.trigger()
        dialog = next(w for w in window.findChildren(GuideDialog))
        qtbot.waitExposed(dialog)
        headings = dialog.headings()
        for step in steps:
            assert step in headings, (code, step)
        # every chapter and step of the English guide has its own in this language
        path = guide_dir() / f"{code}.md"
        assert level(path, ("## ", "### ")) >= level(en, ("## ", "### "))
        assert "[User guide (English)]" not in path.read_text(encoding="utf-8")
        word = "diaarinumero" if code == "fi" else "diarienummer"
        search = dialog.search
        assert search.accessibleName() == ("Hae oppaasta" if code == "fi" else
                                           "Sök i handboken")
        search.setFocus()
        qtbot.keyClicks(search, word)
        qtbot.keyClick(search, Qt.Key.Key_Return)
        assert dialog.browser.textCursor().selectedText().casefold() == word
        count = dialog.matches(word)
        assert count >= 1
        status = dialog.search_status.text()
        assert str(count) in status
        search.clear()
        qtbot.keyClicks(search, "qzxqzx")
        assert dialog.search_status.text() in ("ei löytynyt oppaasta",
                                               "hittades inte i handboken")
        dialog.close()
