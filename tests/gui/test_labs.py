"""Risk lab and Table lab pages driven as a steward would, checked against the command line.

Every figure the labs show must be what ``hrk-workbench risk`` and ``tables`` print for the
same file: the pages only arrange the core's numbers, so the app and the CLI cannot disagree.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from hrk_workbench.cli import main as cli_main
from hrk_workbench.forms import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.i18n import format_number
from hrk_workbench.model import Assessment

WAIT_MS = 15_000


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    capsys.readouterr()
    assert cli_main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def person_csv(path: Path, rows: int = 400) -> Path:
    """Persons with age, sex and municipality (quasi-identifiers) and a diagnosis."""
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["age", "sex", "municipality", "diagnosis", "note"])
        for _ in range(rows):
            w.writerow([rng.randint(18, 90), rng.choice("MF"),
                        rng.choice(["Espoo", "Vantaa", "Kauniainen", "Helsinki", "Kerava"]),
                        rng.choice(["J45", "E11", "I10", "F32"]), rng.choice(["a", "b"])])
    return path


def business_csv(path: Path, rows: int = 300) -> Path:
    """Firms by region and industry with a turnover: some small and dominated cells."""
    rng = random.Random(11)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["region", "industry", "turnover"])
        for _ in range(rows):
            w.writerow([rng.choice(["North", "South", "East", "West"]),
                        rng.choice(["A", "B", "C", "D"]), rng.randint(1, 1000)])
        w.writerows([["West", "E", 40], ["West", "E", 55], ["East", "E", 30],
                     ["North", "E", 5000], ["North", "E", 20], ["North", "E", 10]])
    return path


@pytest.fixture
def document(forms: Forms, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="en"), lang="en")


def show(qtbot: Any, page: Any) -> Any:
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def idle(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: not page.busy() and not page._timer.isActive(), timeout=WAIT_MS)


# --- risk lab -------------------------------------------------------------------------------

def test_risk_lab_measures_protects_and_saves(document: Document, qtbot: Any, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = person_csv(tmp_path / "persons.csv")
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)

    # roles suggested by the core, and every control named as it reads
    assert page.key_variables() == ["age", "sex", "municipality"]
    assert page.sensitive() == ["diagnosis"]
    assert page.role("note") == "other"
    combo = page.roles.cellWidget(0, 1)
    assert combo.accessibleName() == "Role of age"
    assert page.choose_button.accessibleName() == "Choose data file…"
    assert page.key_field.echoMode() == QLineEdit.EchoMode.Password

    # the measures are those of `hrk-workbench risk --json` on the same file
    cli = cli_json(capsys, "risk", str(data), "--key", "age,sex,municipality",
                   "--sensitive", "diagnosis", "--json")
    shown = page.result.before.to_dict()
    for key in ("rows", "k", "records_below_k", "sample_uniques", "expected_reidentifications",
                "l_diversity", "uniques_if_dropped"):
        assert shown[key] == cli[key], key
    k_row = next(r for r in range(page.measures.rowCount())
                 if page.measures.item(r, 0).text() == document.t("risklab_k"))
    assert page.measures.item(k_row, 1).text() == format_number(cli["k"], "en")
    assert cli["k"] < 3  # the generated file needs protecting

    # a local-suppression step to k = 3, added through the form
    page.op_combo.setCurrentIndex(page.op_combo.findData("suppress"))
    assert page.param_label.text() == "Smallest group size k"
    page.param_field.setText("3")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.after is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.step_list.count() == 1
    after = page.result.after
    assert after.k is not None and after.k >= 3
    assert page.measures.item(k_row, 2).text() == format_number(after.k, "en")
    assert page.result.loss["values_suppressed"] > 0
    assert page.loss.rowCount() == 5

    # export: the protected CSV measures as shown; the recipe holds the step
    out = tmp_path / "protected.csv"
    page.export_csv(out)
    qtbot.waitUntil(lambda: out.exists() and not page.busy(), timeout=WAIT_MS)
    again = cli_json(capsys, "risk", str(out), "--key", "age,sex,municipality", "--json")
    assert again["k"] == after.k
    recipe_path = tmp_path / "recipe.json"
    page.export_recipe(recipe_path)
    assert json.loads(recipe_path.read_text("utf-8"))["steps"] == [{"op": "suppress", "k": 3}]

    # save: one undoable edit with the measured k and A10 = yes
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    saved = document.assessment.risk_lab
    assert saved is not None and saved.k == after.k and saved.protected
    assert saved.file == "persons.csv"
    assert [e.column for e in saved.dictionary] == ["age", "sex", "municipality",
                                                    "diagnosis", "note"]
    assert document.assessment.anonymisation["A10"].value == "yes"
    document.undo_stack.undo()
    assert document.assessment.risk_lab is None
    a10 = document.assessment.anonymisation.get("A10")
    assert a10 is None or a10.value != "yes"


def test_risk_lab_key_is_never_written(document: Document, qtbot: Any, tmp_path: Path) -> None:
    data = person_csv(tmp_path / "persons.csv", rows=60)
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    secret = "correct-horse-battery-staple-42"
    page.key_field.setText(secret)
    assert page.add_step({"op": "pseudonymise", "columns": ["note"]})
    qtbot.waitUntil(lambda: page.result.after is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.result.still_personal
    recipe_path, out, saved = tmp_path / "r.json", tmp_path / "p.csv", tmp_path / "a.hrk.json"
    page.export_recipe(recipe_path)
    page.export_csv(out)
    qtbot.waitUntil(lambda: out.exists() and not page.busy(), timeout=WAIT_MS)
    assert page.save_result()
    document.save(saved)
    for path in (recipe_path, out, saved):
        assert secret not in path.read_text("utf-8"), path


def test_risk_lab_reports_a_bad_file(document: Document, qtbot: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    page = show(qtbot, RiskLabPage(document))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(bad)
    assert "bad.csv" in page.status.text() and "3" in page.status.text()
    assert page.frame is None


# --- table lab ------------------------------------------------------------------------------

def test_table_lab_matches_the_cli_and_exports(document: Document, qtbot: Any, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = business_csv(tmp_path / "firms.csv")
    page = show(qtbot, TableLabPage(document))
    assert page.min_frequency.value() == 3  # forms/anonymisation.yaml
    assert page.min_frequency.accessibleName() == "Minimum frequency"
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page.set_dimensions(["region", "industry"], "turnover")
    qtbot.waitUntil(lambda: page.protected is not None, timeout=WAIT_MS)
    idle(qtbot, page)

    cli = cli_json(capsys, "tables", str(data), "--rows", "region", "--cols", "industry",
                   "--value", "turnover", "-o", str(tmp_path / "cli.csv"), "--json")
    counts = page.shown_counts()
    assert counts["primary"] == cli["primary"] > 0
    assert counts["secondary"] == cli["secondary"]
    assert sum(counts.values()) == cli["cells"]
    cell = next(page.grid.item(r, c) for r in range(page.grid.rowCount())
                for c in range(page.grid.columnCount())
                if page.grid.item(r, c).data(Qt.ItemDataRole.UserRole) == "primary")
    assert cell.text().startswith("●")  # a marker, not colour alone
    assert "Primary suppression" in cell.toolTip()
    assert "primary suppression" in cell.data(Qt.ItemDataRole.AccessibleTextRole).lower()

    out = tmp_path / "table.csv"
    page.export(out)
    qtbot.waitUntil(lambda: out.exists() and not page.busy(), timeout=WAIT_MS)
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(tmp_path / "cli.csv", encoding="utf-8") as handle:
        cli_rows = list(csv.DictReader(handle))
    assert [(r["region"], r["industry"], r["status"]) for r in rows] == \
        [(r["region"], r["industry"], r["status"]) for r in cli_rows]
    assert all(r["value"] == ".." for r in rows if r["status"] != "published")

    # a stricter rule recomputes by itself
    page.min_frequency.setValue(20)
    qtbot.waitUntil(lambda: page.protected.rules.min_frequency == 20, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.shown_counts()["primary"] >= counts["primary"]

    assert page.save_result()
    assert len(document.assessment.table_lab) == 1
    assert document.assessment.table_lab[0].name == "table.csv"
    document.undo_stack.undo()
    assert document.assessment.table_lab == []


def test_table_lab_reuses_the_risk_lab_file(document: Document, qtbot: Any,
                                            tmp_path: Path) -> None:
    data = person_csv(tmp_path / "persons.csv", rows=120)
    risk = show(qtbot, RiskLabPage(document))
    table = show(qtbot, TableLabPage(document))
    assert not table.reuse_button.isEnabled()
    risk.load_file(data)
    qtbot.waitUntil(lambda: risk.result is not None, timeout=WAIT_MS)
    idle(qtbot, risk)
    assert table.reuse_button.isEnabled()
    qtbot.mouseClick(table.reuse_button, Qt.MouseButton.LeftButton)
    assert table.frame is risk.frame
    table.set_dimensions(["sex", "municipality", "diagnosis"])
    qtbot.waitUntil(lambda: table.protected is not None, timeout=WAIT_MS)
    idle(qtbot, table)
    assert table.layer_combo.isVisible() and table.layer_combo.count() == 5
    document.set_language("fi")
    assert table.heading.text() == "Taulukkolaboratorio"
    assert risk.save_button.text() == "&Tallenna tulos arviointiin"
