"""Issue 29, point 1, in the app: a lab's export never replaces a file it read.

The Risk lab's protected file and recipe and the Table lab's table go through the command
line's output check: the data file the lab read (under any name: a link to it too), a folder
or a device is refused with the reason on the page, and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from test_labs import WAIT_MS, business_csv, idle, person_csv, show

from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.model.assessment import Assessment


@pytest.fixture
def document(forms: Any, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="en"), lang="en")


def test_risk_lab_export_never_replaces_its_data_file(document: Document, qtbot: Any,
                                                      tmp_path: Path) -> None:
    data = person_csv(tmp_path / "persons.csv", rows=60)
    before = data.read_bytes()
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    link = tmp_path / "same.csv"
    os.symlink(data, link)
    for target in (data, link):
        page.export_csv(target)
        assert not page.busy()  # refused before any work starts
        assert "persons.csv" in page.result_status.text()
        assert not page.result_status.text().startswith("-o")  # no command-line option
        page.export_recipe(target)
    assert data.read_bytes() == before and link.is_symlink()
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    page.export_csv(folder)
    assert folder.is_dir() and list(folder.iterdir()) == []
    # an ordinary new file is written as before
    out = tmp_path / "public.csv"
    page.export_csv(out)
    qtbot.waitUntil(lambda: out.exists() and not page.busy(), timeout=WAIT_MS)


def test_table_lab_export_never_replaces_its_data_file(document: Document, qtbot: Any,
                                                       tmp_path: Path) -> None:
    data = business_csv(tmp_path / "firms.csv")
    before = data.read_bytes()
    page = show(qtbot, TableLabPage(document))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page.set_dimensions(["region", "industry"], "turnover")
    qtbot.waitUntil(lambda: page.protected is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    page.export(data)
    assert not page.busy()
    assert "firms.csv" in page.result_status.text()
    assert data.read_bytes() == before
