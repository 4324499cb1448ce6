"""Issue 31 in the Table lab: sampling weights, holdings and the (p,q) rule as the CLI applies
them, the same public file and working status as ``tables -o ... --status ...``, and a solve
that shows its stages and stops at once on Cancel."""

from __future__ import annotations

import csv
import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.model.assessment import Assessment

WAIT_MS = 20_000


@pytest.fixture
def document(forms: Forms, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="en"), lang="en")


def _show(qtbot: Any, page: TableLabPage) -> TableLabPage:
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def _idle(qtbot: Any, page: TableLabPage) -> None:
    qtbot.waitUntil(lambda: not page.busy() and not page._timer.isActive(), timeout=WAIT_MS)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    capsys.readouterr()
    assert cli_main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _grid_status(page: TableLabPage) -> dict[tuple[str, str], str]:
    g = page.grid
    out = {}
    for r, c in itertools.product(range(g.rowCount()), range(g.columnCount())):
        item = g.item(r, c)
        if item is not None:
            out[(g.verticalHeaderItem(r).text(), g.horizontalHeaderItem(c).text())] = \
                item.data(Qt.ItemDataRole.UserRole)
    return out


def _survey(path: Path) -> Path:
    rng = np.random.default_rng(4)
    rows = []
    for region, sex in itertools.product(["North", "South", "East"], ["F", "M"]):
        n = 2 if (region, sex) == ("East", "F") else int(rng.integers(5, 12))
        for i in range(n):
            weight = 80.0 if (region, sex) == ("East", "F") else float(rng.choice([1.5, 12.25]))
            rows.append((region, sex, weight, int(rng.integers(1000, 5000)), f"G{i % 4}"))
    pd.DataFrame(rows, columns=["region", "sex", "w", "income", "owner"]).to_csv(path,
                                                                                 index=False)
    return path


def test_weights_and_holdings_match_the_cli_and_export_public_and_status(
        document: Document, qtbot: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = _survey(tmp_path / "survey.csv")
    page = _show(qtbot, TableLabPage(document))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    assert page.weight_combo.isVisible() and page.holding_combo.isVisible()
    page.set_dimensions(["region", "sex"], None)
    page.set_units("w", None)
    qtbot.waitUntil(lambda: page.protected is not None
                    and page.protected.table.basis is not None, timeout=WAIT_MS)
    _idle(qtbot, page)
    assert _grid_status(page)[("East", "F")] == "primary"  # 2 respondents, 160 persons
    out = tmp_path / "table.csv"
    page.export(out)
    qtbot.waitUntil(lambda: "table-status.csv" in page.result_status.text(), timeout=WAIT_MS)
    cli = _cli(capsys, "tables", str(data), "--rows", "region", "--cols", "sex", "--weight",
               "w", "--symbol", "..", "-o", str(tmp_path / "cli.csv"),
               "--status", str(tmp_path / "cli-status.csv"))
    assert cli["primary"] == page.protected.to_dict()["primary"]
    # the same files, byte for byte: the public one holds codes and values only
    assert out.read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert (tmp_path / "table-status.csv").read_bytes() == \
        (tmp_path / "cli-status.csv").read_bytes()
    assert out.read_text(encoding="utf-8").splitlines()[0] == "region,sex,value"

    # holdings on a magnitude table, the (p,q) rule from forms/anonymisation.yaml
    page.set_dimensions(["region", "sex"], "income")
    page.set_units(None, "owner")
    page.pq_rule.setChecked(True)
    qtbot.waitUntil(lambda: page.protected is not None and page.protected.rules.pq is not None
                    and page.protected.table.magnitude, timeout=WAIT_MS)
    _idle(qtbot, page)
    cli = _cli(capsys, "tables", str(data), "--rows", "region", "--cols", "sex", "--value",
               "income", "--holding", "owner", "--pq", "-o", str(tmp_path / "cli2.csv"))
    mine = page.protected.to_dict()
    assert (mine["primary"], mine["secondary"]) == (cli["primary"], cli["secondary"])
    assert mine["rules"]["pq"] == cli["rules"]["pq"] == [10.0, 50.0]


def test_the_solve_reports_its_stages_and_cancel_stops_it(document: Document, qtbot: Any,
                                                         tmp_path: Path) -> None:
    rng = np.random.default_rng(12)
    data = tmp_path / "big.csv"
    pd.DataFrame({"a": rng.choice([f"a{i:02}" for i in range(14)], 6000),
                  "b": rng.choice([f"b{i:02}" for i in range(12)], 6000),
                  "c": rng.choice(list("wxyz"), 6000)}).to_csv(data, index=False)
    page = _show(qtbot, TableLabPage(document))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page._timer.stop()
    page.min_frequency.setValue(8)
    page.set_dimensions(["a", "b", "c"], None)  # 15 x 13 x 5 cells: the heuristic
    page._timer.stop()
    page.recompute()
    task = page.task
    texts: list[str] = []
    task.progressed.connect(lambda done, total, text: texts.append(text))
    qtbot.waitUntil(lambda: any("secondary" in t for t in texts), timeout=WAIT_MS)
    assert "Finding the sensitive cells…" in texts
    qtbot.waitUntil(lambda: task.dialog.isVisible(), timeout=WAIT_MS)
    assert task.dialog.labelText().startswith("Choosing the secondary suppressions")
    [cancel] = task.dialog.findChildren(QPushButton)
    start = time.perf_counter()
    with qtbot.waitSignal(task.cancelled, timeout=WAIT_MS):
        cancel.click()
    assert time.perf_counter() - start < 2.0  # at the next solver step, not at the end
    _idle(qtbot, page)
    assert page.protected is None and page.status.text() == document.t("gui_lab_cancelled")
    assert not page.export_csv_button.isEnabled()
    # during the audit's long linear programmes too: the steward does not wait for them
    page.recompute()
    task = page.task
    texts.clear()
    task.progressed.connect(lambda done, total, text: texts.append(text))
    qtbot.waitUntil(lambda: "Auditing the protected table…" in texts, timeout=WAIT_MS)
    start = time.perf_counter()
    with qtbot.waitSignal(task.cancelled, timeout=WAIT_MS):
        task.dialog.findChildren(QPushButton)[0].click()
    assert time.perf_counter() - start < 2.0
    _idle(qtbot, page)
    assert page.protected is None
    with open(data, encoding="utf-8") as handle:  # nothing was written beside the data
        assert next(csv.reader(handle)) == ["a", "b", "c"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["big.csv"]
