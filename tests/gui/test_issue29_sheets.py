"""Issue 29 point 5 in the labs: a workbook's sheets are listed, hidden ones marked, the first
visible one read by default, and choosing another reads that sheet (as ``--sheet`` does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from hrk_workbench.forms.loader import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.model.assessment import Assessment

WAIT_MS = 15_000


def workbook(path: Path) -> Path:
    wb = Workbook()
    secret = wb.active
    secret.title = "Salainen"
    secret.append(["henkilötunnus", "ikä"])
    for i in range(7):
        secret.append([f"0101{i:02d}A123B", 40 + i])
    secret.sheet_state = "hidden"
    shown = wb.create_sheet("Tiedot")
    shown.append(["ikä", "kunta"])
    for i in range(30):
        shown.append([20 + i % 3, ["Espoo", "Vantaa"][i % 2]])
    macro = wb.create_sheet("Makro")
    macro.append(["x"])
    macro.append(["1"])
    macro.sheet_state = "veryHidden"
    wb.save(path)
    return path


@pytest.fixture
def document(forms: Forms, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="fi"), lang="fi")


@pytest.mark.parametrize("page_class", [RiskLabPage, TableLabPage])
def test_sheet_chooser_reads_the_visible_sheet_and_then_the_one_chosen(
        document: Document, qtbot: Any, tmp_path: Path, page_class: type) -> None:
    book = workbook(tmp_path / "kirja.xlsx")
    page = page_class(document)
    qtbot.addWidget(page)
    page.show()
    chooser = page.sheet_chooser
    assert not chooser.isVisible()  # no workbook yet: nothing to choose
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(book)
    assert chooser.isVisible() and chooser.accessibleName() == "Taulukko"
    texts = [chooser.itemText(i) for i in range(chooser.count())]
    assert texts[0] == "Salainen (piilotettu taulukko)"
    assert texts[1] == "Tiedot"
    assert texts[2].startswith("Makro (erittäin piilotettu taulukko")
    assert chooser.sheet() == "Tiedot"
    assert list(page.frame.columns) == ["ikä", "kunta"] and len(page.frame) == 30
    assert page.frame["ikä"].iloc[0] == "20"  # a number as text, without ".0"

    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        chooser.choose("Salainen")
    assert chooser.sheet() == "Salainen"
    assert list(page.frame.columns) == ["henkilötunnus", "ikä"] and len(page.frame) == 7

    csv_file = tmp_path / "d.csv"
    csv_file.write_text("a,b\n1,2\n", encoding="utf-8")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(csv_file)
    assert not chooser.isVisible() and chooser.sheet() is None


def test_language_switch_relabels_the_sheets(document: Document, qtbot: Any,
                                             tmp_path: Path) -> None:
    book = workbook(tmp_path / "kirja.xlsx")
    page = RiskLabPage(document)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(book)
    document.set_language("sv")
    page.retranslate("sv")
    assert page.sheet_chooser.itemText(0) == "Salainen (dolt blad)"
    assert page.sheet_chooser.accessibleName() == "Blad"
    assert page.sheet_chooser.sheet() == "Tiedot"
