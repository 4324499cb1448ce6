"""The Risk lab's comparison of two recipes, driven as a steward would and checked against
the command line: each side's k, uniques, SUDA2 records and loss are what ``puf`` and
``risk --suda2`` give for the file that recipe writes."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.gui.widgets.recipe_compare import ROWS
from hrk_workbench.model.assessment import Assessment

WAIT_MS = 15_000
KEYS = "age,sex,municipality"


def person_csv(path: Path, rows: int) -> Path:
    """Persons with age, sex and municipality (quasi-identifiers) and a diagnosis."""
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["age", "sex", "municipality", "diagnosis", "income"])
        for _ in range(rows):
            w.writerow([rng.randint(18, 90), rng.choice("MF"),
                        rng.choice(["Espoo", "Vantaa", "Kauniainen", "Helsinki", "Kerava"]),
                        rng.choice(["J45", "E11", "I10", "F32"]), rng.randint(900, 9000)])
    return path


def show(qtbot: Any, page: Any) -> Any:
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def idle(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: not page.busy() and not page._timer.isActive(), timeout=WAIT_MS)


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    capsys.readouterr()
    assert cli_main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def cell(page: RiskLabPage, key: str, column: int) -> str:
    return page.compare.table.item(ROWS.index(key), column).text()


def loaded_page(qtbot: Any, forms: Forms, data: Path, lang: str = "en") -> RiskLabPage:
    page = show(qtbot, RiskLabPage(Document(forms, Assessment(language=lang), lang=lang)))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    return page


def test_two_recipes_side_by_side_match_the_command_line(forms: Forms, qtbot: Any,
                                                         tmp_path: Path, capsys) -> None:
    data = person_csv(tmp_path / "persons.csv", rows=300)
    page = loaded_page(qtbot, forms, data)
    page.add_step({"op": "suppress", "k": 3})
    idle(qtbot, page)
    current = tmp_path / "current.json"
    current.write_text(page.recipe().to_json(), encoding="utf-8")
    saved = tmp_path / "banded.json"
    saved.write_text(json.dumps({"key_variables": KEYS.split(","), "steps": [
        {"op": "band", "column": "age", "width": 20}, {"op": "suppress", "k": 5}]}),
        encoding="utf-8")
    compare = page.compare
    assert compare.run_button.accessibleName() == "Compare"
    assert compare.table.accessibleName() == "Risk and utility of two recipes"
    assert compare.combos["a"].accessibleName() == "Recipe A"
    compare.set_file("b", str(saved))
    with qtbot.waitSignal(compare.compared, timeout=WAIT_MS):
        qtbot.mouseClick(compare.run_button, Qt.MouseButton.LeftButton)
    assert compare.results is not None and len(compare.results) == 3
    for column, recipe in ((2, current), (3, saved)):
        out = tmp_path / f"out{column}.csv"
        puf = cli_json(capsys, "puf", str(data), "--recipe", str(recipe), "-o", str(out),
                       "--json")
        risk = cli_json(capsys, "risk", str(out), "--key", KEYS, "--suda2", "--json")
        assert cell(page, "gui_compare_row_k", column) == format_number(risk["k"], "en")
        assert cell(page, "gui_compare_row_uniques", column) == \
            format_number(risk["sample_uniques"], "en")
        assert cell(page, "gui_compare_row_msu", column) == \
            format_number(risk["suda2"]["records_with_msu"], "en")
        assert cell(page, "gui_compare_row_suppressed", column) == \
            format_number(puf["loss"]["values_suppressed"], "en")
        assert cell(page, "gui_compare_row_verdict", column) == \
            ("safe" if puf["verdict"]["safe"] else "not safe")
    original = cli_json(capsys, "risk", str(data), "--key", KEYS, "--suda2", "--json")
    assert cell(page, "gui_compare_row_msu", 1) == \
        format_number(original["suda2"]["records_with_msu"], "en")
    # the original's rows that stand out most, by row number only
    top = [str(r["row"]) for r in original["suda2"]["top_records"][:5]]
    assert cell(page, "gui_compare_row_top", 1) == ", ".join(top)
    header = [compare.table.horizontalHeaderItem(c).text() for c in range(4)]
    assert header[3] == "banded.json"
    why = compare.why.text()
    assert why and ("banded.json" in why or "Neither" in why or "this page" in why)


def test_missing_file_and_no_data_are_said(forms: Forms, qtbot: Any, tmp_path: Path) -> None:
    page = show(qtbot, RiskLabPage(Document(forms, Assessment(language="fi"), lang="fi")))
    with qtbot.waitSignal(page.compare.compared, timeout=WAIT_MS):
        page.compare.compare()
    assert page.compare.why.text() == "Lataa ensin aineistotiedosto."
    data = person_csv(tmp_path / "p.csv", rows=50)
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    page.compare.combos["b"].setCurrentIndex(page.compare.combos["b"].findData("file"))
    with qtbot.waitSignal(page.compare.compared, timeout=WAIT_MS):
        page.compare.compare()
    assert page.compare.why.text() == "Valitse ensin reseptitiedosto."
    bad = tmp_path / "bad.json"
    bad.write_text('{"steps": [{"op": "suppress", "k": "many"}]}', encoding="utf-8")
    page.compare.set_file("b", str(bad))
    with qtbot.waitSignal(page.compare.compared, timeout=WAIT_MS):
        page.compare.compare()
    assert "bad.json" in page.compare.why.text()
    assert page.compare.table.item(0, 0).text() == "k (pienin ryhmä)"


def test_cancel_stops_the_comparison(forms: Forms, qtbot: Any, tmp_path: Path) -> None:
    page = loaded_page(qtbot, forms, person_csv(tmp_path / "p.csv", rows=200))
    with qtbot.waitSignal(page.compare.compared, timeout=WAIT_MS):
        page.compare.compare()
        page.compare.task.cancel()
    assert page.compare.why.text() == document_text(page, "gui_lab_cancelled")
    assert page.compare.results is None


def document_text(page: RiskLabPage, key: str) -> str:
    return page.document.t(key)


def test_a_file_measured_from_disk_is_not_compared(forms: Forms, qtbot: Any,
                                                   tmp_path: Path) -> None:
    page = show(qtbot, RiskLabPage(Document(forms, Assessment(language="sv"), lang="sv")))
    page.large_file_bytes = 1  # every file counts as large: measured from disk, no steps
    page.load_file(person_csv(tmp_path / "p.csv", rows=30))
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.large
    with qtbot.waitSignal(page.compare.compared, timeout=WAIT_MS):
        page.compare.compare()
    assert page.compare.why.text() == page.document.t("gui_compare_large")
    assert "utdrag" in page.compare.why.text()
