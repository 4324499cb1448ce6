"""The Risk lab's step form for PRAM, microaggregation and noise (issue 34): each step is
built from the form as the recipe JSON the command line takes, described in words, applied
to the loaded file, and its loss row carries the expected share of changed values."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_labs import WAIT_MS, idle, show

from hrk_workbench.forms.loader import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.model.assessment import Assessment


@pytest.fixture
def page(forms: Forms, qtbot: Any) -> RiskLabPage:
    return show(qtbot, RiskLabPage(Document(forms, Assessment(language="en"), lang="en")))


def people_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["ika", "ammatti", "tulot"])
        for i in range(90):
            w.writerow([20 + i % 50, ["hoitaja", "opettaja", "lentäjä"][i % 3 if i % 7 else 2],
                        f"{31000 + 977 * ((i * 37) % 90)},{i % 10}0"])
    return path


def add(qtbot: Any, page: RiskLabPage, op: str, column: str, value: str) -> None:
    page.op_combo.setCurrentIndex(page.op_combo.findData(op))
    page.column_combo.setCurrentIndex(page.column_combo.findData(column))
    page.param_field.setText(value)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    idle(qtbot, page)


def test_perturbing_steps_through_the_form(page, qtbot, tmp_path):
    page.load_file(people_csv(tmp_path / "people.csv"))
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    page.op_combo.setCurrentIndex(page.op_combo.findData("pram"))
    assert page.param_label.text() == "Kept unchanged, at least (%)"
    assert page.step_form.isRowVisible(page.seed_spin)
    page.seed_spin.setValue(7)
    add(qtbot, page, "pram", "ammatti", "80")
    add(qtbot, page, "microaggregate", "tulot", "3")
    add(qtbot, page, "noise", "ika", "10")
    assert page.step_problem.text() == ""
    assert page.steps == [
        {"op": "pram", "columns": ["ammatti"], "retain": 0.8, "seed": 7},
        {"op": "microaggregate", "columns": ["tulot"], "k": 3},
        {"op": "noise", "columns": ["ika"], "std_share": 0.1, "seed": 7}]
    texts = [page.step_list.item(i).text() for i in range(3)]
    assert "at least 80 %" in texts[0] and "seed 7" in texts[0]
    assert "groups of at least 3" in texts[1]
    assert "10 % of the standard deviation" in texts[2]
    written = page.result.protected
    assert written["tulot"].value_counts().min() >= 3
    loss = page.result.loss["variables"]
    assert 0 < loss["ammatti"]["perturbation"]["expected_changed_share"] < 0.2
    states = {page.loss.item(r, 0).text(): page.loss.item(r, 1).text()
              for r in range(page.loss.rowCount())}
    assert states["ammatti"].startswith("PRAM: about ")
    assert states["tulot"] == "group means (k = 3)"
    assert states["ika"] == "noise of 10 % of the deviation"
    text = json.dumps(page.result.loss, ensure_ascii=False)
    assert "31000" not in text  # no original income in the loss report


def test_suppression_with_importance_through_the_form(page, qtbot, tmp_path):
    page.load_file(people_csv(tmp_path / "people.csv"))
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    for column in ("ika", "ammatti"):
        page.set_role(column, "quasi")
    idle(qtbot, page)
    page.op_combo.setCurrentIndex(page.op_combo.findData("suppress"))
    assert page.step_form.isRowVisible(page.importance_field)
    page.param_field.setText("3")
    page.importance_field.setText("tulot")  # not a key variable
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "tulot is not a key variable" in page.step_problem.text()
    assert page.steps == []
    page.importance_field.setText("ammatti, ika")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.after is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.steps == [{"op": "suppress", "k": 3, "importance": ["ammatti", "ika"]}]
    assert "most important: ammatti, ika" in page.step_list.item(0).text()
    assert page.result.after.k >= 3
    written = page.result.protected
    assert written["ika"].isna().sum() >= written["ammatti"].isna().sum()
    page.op_combo.setCurrentIndex(page.op_combo.findData("exclude"))
    assert not page.step_form.isRowVisible(page.importance_field)
