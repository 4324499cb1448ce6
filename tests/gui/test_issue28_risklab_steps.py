"""The Risk lab page's protection steps on a real file (issue 28): coordinates to grid squares
through the step form, a dropped key leaving the key set before suppression, and an
unreadable date shown as the step's problem with its column, line and value."""

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


def homes_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["ika", "sukupuoli", "syntymaaika", "itakoordinaatti", "pohjoiskoordinaatti"])
        for i in range(120):
            w.writerow([20 + i % 50, "MN"[i % 2], f"{1 + i % 28}.{1 + i % 12}.19{40 + i % 50}",
                        385000 + 37 * i, 6672000 + 53 * i])
    return path


def load(qtbot: Any, page: RiskLabPage, path: Path) -> None:
    page.load_file(path)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)


def test_grid_squares_through_the_step_form(page, qtbot, tmp_path):
    load(qtbot, page, homes_csv(tmp_path / "homes.csv"))
    page.op_combo.setCurrentIndex(page.op_combo.findData("grid"))
    assert page.param_label.text() == "Square size in metres"
    assert page.param_field.accessibleName() == "Square size in metres"
    page.param_field.setText("1000")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    idle(qtbot, page)
    assert page.steps[-1] == {"op": "grid", "columns": ["itakoordinaatti",
                                                        "pohjoiskoordinaatti"], "size_m": 1000}
    assert "grid squares of 1,000 m" in page.step_list.item(0).text()
    written = page.result.protected
    assert list(written["grid"][:2]) == ["1kmN6672E385", "1kmN6672E385"]
    assert "itakoordinaatti" not in written.columns


def test_dropped_keys_leave_the_suppression(page, qtbot, tmp_path):
    load(qtbot, page, homes_csv(tmp_path / "homes.csv"))
    page.set_role("syntymaaika", "quasi")
    idle(qtbot, page)
    assert {"ika", "syntymaaika"} <= set(page.key_variables())
    assert page.add_step({"op": "drop", "columns": ["syntymaaika", "ika"]})
    assert page.add_step({"op": "suppress", "k": 5})
    qtbot.waitUntil(lambda: page.result.after is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.step_problem.text() == ""
    assert page.result.after.k >= 5
    assert "syntymaaika" not in page.result.after.key_variables
    text = json.dumps(page.result.loss, ensure_ascii=False)
    assert "6672000" not in text  # no coordinate value in the loss report


def test_an_unreadable_date_is_the_steps_problem(page, qtbot, tmp_path):
    data = homes_csv(tmp_path / "homes.csv")
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[2], "31.2.1970")
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(qtbot, page, data)
    assert page.add_step({"op": "date", "column": "syntymaaika", "to": "year"})
    idle(qtbot, page)
    shown = page.step_problem.text() + page.status.text()
    assert "31.2.1970" in shown and "line 6" in shown and "syntymaaika" in shown
