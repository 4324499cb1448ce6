"""The cell key method in the Table lab: the same table as ``tables --method cellkey``, every
cell shown and exported as its perturbed count, saved as method cellkey; a sum is refused."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.model.assessment import Assessment

WAIT_MS = 20_000


@pytest.fixture
def document(forms: Forms, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="en"), lang="en")


def test_cellkey_in_the_lab_matches_the_cli(document: Document, qtbot: Any, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(8)
    data = tmp_path / "people.csv"
    pd.DataFrame({"region": rng.choice(["North", "South", "East"], 400),
                  "age": rng.choice(["young", "old"], 400),
                  "income": rng.integers(1000, 5000, 400)}).to_csv(data, index=False)
    page = TableLabPage(document)
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page.set_method("cellkey")
    assert page.method_hint.isVisible() and not page.min_frequency.isVisible()
    page.set_dimensions(["region", "age"], None)
    qtbot.waitUntil(lambda: page.perturbed is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not page.busy() and not page._timer.isActive(), timeout=WAIT_MS)
    assert "need not add up" in page.summary_label.text()
    out = tmp_path / "lab.csv"
    page.export(out)
    qtbot.waitUntil(lambda: "lab.csv" in page.result_status.text(), timeout=WAIT_MS)
    capsys.readouterr()
    assert cli_main(["tables", str(data), "--rows", "region", "--cols", "age", "--method",
                     "cellkey", "-o", str(tmp_path / "cli.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert out.read_bytes() == (tmp_path / "cli.csv").read_bytes()
    published = pd.read_csv(out, dtype=str).set_index(["region", "age"])["value"]
    g = page.grid
    shown = {(g.verticalHeaderItem(r).text(), g.horizontalHeaderItem(c).text()):
             g.item(r, c).text() for r, c in itertools.product(range(g.rowCount()),
                                                                range(g.columnCount()))}
    assert shown[("North", "old")] == published[("North", "old")]
    assert all(g.item(r, c).data(Qt.ItemDataRole.UserRole) == "published"
               for r, c in itertools.product(range(g.rowCount()), range(g.columnCount())))
    assert page.save_result()
    entry = document.assessment.table_lab[-1]
    assert entry.method == "cellkey" and entry.name == "lab.csv"
    assert entry.rules["perturbed_cells"] == report["cellkey"]["perturbed_cells"]

    page.set_dimensions(["region", "age"], "income")  # a sum: the method makes counts only
    qtbot.waitUntil(lambda: page.perturbed is None and not page.busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "count tables" in page.summary_label.text(), timeout=WAIT_MS)
    assert not page.export_csv_button.isEnabled()
