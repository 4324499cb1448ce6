"""Risk lab and Table lab pages driven as a steward would, checked against the command line.

Every figure the labs show must be what ``hrk-workbench risk`` and ``tables`` print for the
same file: the pages only arrange the core's numbers, so the app and the CLI cannot disagree.
"""

from __future__ import annotations

import csv
import json
import random
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.gui.pages.tablelab import TableLabPage
from hrk_workbench.model.assessment import Assessment

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
                   "--value", "turnover", "-o", str(tmp_path / "cli.csv"), "--json",
                   "--status", str(tmp_path / "cli-status.csv"))
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
    with open(tmp_path / "table-status.csv", encoding="utf-8") as handle:
        status = list(csv.DictReader(handle))
    with open(tmp_path / "cli-status.csv", encoding="utf-8") as handle:
        cli_status = list(csv.DictReader(handle))
    assert list(rows[0]) == ["region", "industry", "value"]  # the public file: no status
    assert [(r["region"], r["industry"], r["status"]) for r in status] == \
        [(r["region"], r["industry"], r["status"]) for r in cli_status]
    assert all(r["value"] == ".." for r, s in zip(rows, status, strict=True)
               if s["status"] != "published")

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


# --- loading: progress, Cancel, files too big for memory -------------------------------------

def big_csv(path: Path, rows: int = 200_000) -> Path:
    rng = random.Random(3)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["age", "sex", "municipality", "diagnosis"])
        towns = ["Espoo", "Vantaa", "Helsinki", "Kerava"]
        w.writerows([rng.randint(0, 99), rng.choice("MF"), rng.choice(towns), "J45"]
                     for _ in range(rows))
    return path


def test_risk_lab_cancel_stops_a_load(document: Document, qtbot: Any, tmp_path: Path) -> None:
    """Cancel in the progress dialog, pressed while the file is being read, stops the read at
    the next block: nothing is loaded and no error is shown."""
    data = big_csv(tmp_path / "big.csv")
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    task = page.task
    seen: list[tuple[int, int, str]] = []
    gate = threading.Event()

    def on_worker(done: int, total: int, text: str) -> None:  # the reading thread
        seen.append((done, total, text))
        if done > 0 and sum(d > 0 for d, _t, _x in seen) == 2:
            # the second block: the first one's report has gone to the GUI thread, which
            # presses Cancel on it; the read waits here until it has
            gate.wait(5)

    def on_gui(done: int, total: int, text: str) -> None:  # the GUI thread
        if done > 0 and not gate.is_set():
            task.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
            gate.set()

    task.progressed.connect(on_worker, Qt.ConnectionType.DirectConnection)
    task.progressed.connect(on_gui, Qt.ConnectionType.QueuedConnection)
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        pass
    assert gate.is_set()
    assert page.status.text() == "Cancelled."
    assert page.frame is None and page.data.frame is None and page.roles.rowCount() == 0
    done, total, text = seen[-1]
    assert 0 < done < total  # stopped part-way through the file
    assert text.startswith("big.csv: ") and "lines read" in text
    assert not page.busy()

    # the same file then loads whole
    page.load_file(data)
    qtbot.waitUntil(lambda: page.frame is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert len(page.frame) == 200_000
    assert page.status.text() == "big.csv: 200,000 records, 4 columns."


def test_risk_lab_measures_a_large_file_from_disk(document: Document, qtbot: Any,
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = person_csv(tmp_path / "persons.csv", rows=400)
    page = show(qtbot, RiskLabPage(document))
    page.large_file_bytes = 1024  # anything above 1 KiB counts as "larger than memory"
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.large and page.frame is None and page.data.frame is None
    assert page.key_variables() == ["age", "sex", "municipality"]  # from the sample
    cli = cli_json(capsys, "risk", str(data), "--key", "age,sex,municipality",
                   "--sensitive", "diagnosis", "--json")
    shown = page.result.before.to_dict()
    for key in ("rows", "k", "records_below_k", "sample_uniques", "l_diversity",
                "uniques_if_dropped"):
        assert shown[key] == cli[key], key
    # honest about what it cannot do: no protection steps, and why (puf needs memory too)
    assert page.large_note.isVisible()
    assert "puf" in page.large_note.text() and "memory" in page.large_note.text()
    assert not page.steps_box.isEnabled() and not page.export_button.isEnabled()
    assert page.save_button.isEnabled()
    document.set_language("fi")
    assert "muistiin" in page.large_note.text()
    document.set_language("en")


def test_cancel_interrupts_measuring_a_large_file(document: Document, qtbot: Any,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Measuring a file larger than memory is one DuckDB query: Cancel interrupts it."""
    import duckdb

    from hrk_workbench.disclosure.microdata import measures

    data = person_csv(tmp_path / "persons.csv", rows=400)
    page = show(qtbot, RiskLabPage(document))
    page.large_file_bytes = 1024
    interrupted = []

    class Connection:
        def interrupt(self) -> None:
            interrupted.append(True)

    def long_query(*args: Any, on_connection: Any = None, **kw: Any) -> Any:
        on_connection(Connection())
        page.task.cancel()  # the user presses Cancel while the query runs
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr(measures, "measure_file", long_query)
    page.load_file(data)
    qtbot.waitUntil(lambda: page.status.text() == "Cancelled.", timeout=WAIT_MS)
    assert interrupted == [True]
    assert page.result is None


# --- longitudinal data ---------------------------------------------------------------------

def panel_csv(path: Path, persons: int = 150) -> Path:
    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["person_id", "year", "sex", "municipality"])
        for p in range(persons):
            sex, town = rng.choice("MF"), rng.choice(["Espoo", "Vantaa", "Helsinki"])
            for year in (2021, 2022, 2023):
                if rng.random() < 0.3:
                    town = rng.choice(["Espoo", "Vantaa", "Helsinki", "Kerava"])
                w.writerow([f"p{p:04d}", year, sex, town])
    return path


def test_risk_lab_longitudinal_trajectories(document: Document, qtbot: Any, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = panel_csv(tmp_path / "panel.csv")
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    for col, role in (("person_id", "other"), ("year", "other"), ("sex", "quasi"),
                      ("municipality", "quasi")):
        page.set_role(col, role)
    page.set_longitudinal("person_id", None)
    idle(qtbot, page)
    assert page.trajectory_hint.text() == document.t("gui_lab_trajectory_need_both")
    assert page.result.before.person is None
    page.set_longitudinal("person_id", "year")
    qtbot.waitUntil(lambda: page.result is not None and page.result.before is not None and
                    page.result.before.person == "person_id", timeout=WAIT_MS)
    idle(qtbot, page)
    cli = cli_json(capsys, "risk", str(data), "--key", "sex,municipality",
                   "--id", "person_id", "--time", "year", "--json")
    before = page.result.before
    assert before.persons == cli["persons"] == 150
    assert round(before.unique_trajectory_share, 6) == cli["unique_trajectory_share"]
    label = document.t("gui_lab_unique_trajectories", time="year")
    row = next(r for r in range(page.measures.rowCount())
               if page.measures.item(r, 0).text() == label)
    assert page.measures.item(row, 1).text() == \
        format_number(round(cli["unique_trajectory_share"] * 100, 2), "en")
    assert 0 < cli["unique_trajectory_share"] < 1


# --- protection steps: direct identifiers, bands at given limits -----------------------------

def named_csv(path: Path, rows: int = 200) -> Path:
    rng = random.Random(9)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["name", "email", "age", "sex", "municipality"])
        for i in range(rows):
            w.writerow([f"Person {i}", f"person{i}@example.fi", rng.randint(0, 90),
                        rng.choice("MF"), rng.choice(["Espoo", "Vantaa", "Kerava"])])
    return path


def test_risk_lab_removes_direct_identifiers_and_bands_at_limits(
        document: Document, qtbot: Any, tmp_path: Path) -> None:
    data = named_csv(tmp_path / "named.csv")
    page = show(qtbot, RiskLabPage(document))
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.role("name") == "direct" and page.role("email") == "direct"

    page.op_combo.setCurrentIndex(page.op_combo.findData("remove_direct_identifiers"))
    assert not page.column_combo.isVisible() and not page.param_field.isVisible()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.after is not None, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.steps == [{"op": "remove_direct_identifiers", "columns": ["name", "email"]}]
    assert page.step_list.item(0).text() == "Remove direct identifiers (name, email)"
    assert list(page.result.protected.columns) == ["age", "sex", "municipality"]
    assert page.result.loss["variables"]["name"]["dropped"]

    # bands at explicit limits, typed as a steward would
    page.op_combo.setCurrentIndex(page.op_combo.findData("band_breaks"))
    assert page.param_label.text() == "Band limits (e.g. 0, 18, 30, 65)"
    page.column_combo.setCurrentIndex(page.column_combo.findData("age"))
    page.param_field.setText("0, 18, x")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "ascending numbers" in page.step_problem.text() and len(page.steps) == 1
    page.param_field.setText("30, 18")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.step_problem.text() and len(page.steps) == 1  # the recipe refuses it
    page.param_field.setText("0, 18, 30, 65")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.result.steps) == 2, timeout=WAIT_MS)
    idle(qtbot, page)
    assert page.steps[1] == {"op": "band", "column": "age", "breaks": [0.0, 18.0, 30.0, 65.0]}
    assert page.step_list.item(1).text() == "age in bands at 0; 18; 30; 65"
    assert set(page.result.protected["age"]) <= {"0-17", "18-29", "30-64", "65+"}
    document.set_language("fi")
    assert page.step_list.item(0).text() == "Poista suorat tunnisteet (name, email)"


# --- table lab: an aggregated table, and what secondary suppression minimises -----------------

def test_table_lab_aggregated_input_and_cost(document: Document, qtbot: Any, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    micro = pd.read_csv(business_csv(tmp_path / "firms.csv"))
    agg = micro.groupby(["region", "industry"]).turnover.agg(
        turnover="sum", units="size",
        top1=lambda s: s.nlargest(1).iloc[0],
        top2=lambda s: s.nlargest(2).iloc[-1] if len(s) > 1 else float("nan")).reset_index()
    data = tmp_path / "aggregated.csv"
    agg.to_csv(data, index=False)

    page = show(qtbot, TableLabPage(document))
    assert not page.count_combo.isVisible()
    page.set_mode("aggregate")
    assert page.count_combo.isVisible() and page.top_list.isVisible()
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page.set_dimensions(["region", "industry"], "turnover")
    page.set_aggregate("units", ["top1", "top2"])
    assert page.top_columns() == ["top1", "top2"]
    page.cost_combo.setCurrentIndex(page.cost_combo.findData("value"))
    qtbot.waitUntil(lambda: page.protected is not None and page.protected.cost == "value",
                    timeout=WAIT_MS)
    idle(qtbot, page)
    cli = cli_json(capsys, "tables", str(data), "--aggregated", "--rows", "region",
                   "--cols", "industry", "--value", "turnover", "--count", "units",
                   "--top", "top1,top2", "--cost", "value", "-o", str(tmp_path / "c.csv"),
                   "--json")
    counts = page.shown_counts()
    assert counts["primary"] == cli["primary"] > 0
    assert counts["secondary"] == cli["secondary"]
    assert sum(counts.values()) == cli["cells"]
    assert page.protected.audit.ok
    # the primary cells are those of the same table built from the microdata
    micro_cli = cli_json(capsys, "tables", str(tmp_path / "firms.csv"), "--rows", "region",
                         "--cols", "industry", "--value", "turnover", "--cost", "value",
                         "-o", str(tmp_path / "m.csv"), "--json")
    assert cli["primary"] == micro_cli["primary"]

    page.cost_combo.setCurrentIndex(page.cost_combo.findData("cells"))
    qtbot.waitUntil(lambda: page.protected.cost == "cells", timeout=WAIT_MS)
    idle(qtbot, page)
    document.set_language("sv")
    assert page.cost_combo.currentText() == "antalet undertryckta celler"
