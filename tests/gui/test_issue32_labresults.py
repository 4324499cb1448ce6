"""Saved lab results stay visible (issue 32, point 2; issue 33, point 5 in the app).

Real files throughout: a person-level CSV protected and saved with the command line's
``puf --save``; the assessment reopened in the app shows what the file holds (data file and
fingerprint, roles, the recipe in words, the measures, the verdict, when and by whom); a
changed data file is said on the step and in the still-missing list, never in a dialog; the
saved recipe is applied to next year's extract off the GUI thread (the same figures as
``reassess --json``) and the new result saved as one undoable edit; "edit the recipe" loads
the saved steps; a file saved before fingerprints shows what it holds; and the labs record
fingerprints when they save in the app.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.foundations.i18n import format_number, label
from hrk_workbench.model.store import load_assessment

WAIT_MS = 20_000
RECIPE = {"key_variables": ["age", "sex", "region"],
          "steps": [{"op": "band", "column": "age", "width": 20}, {"op": "suppress", "k": 3}]}


def people(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["age", "sex", "region"])
        for _ in range(rows):
            w.writerow([rng.randint(18, 90), rng.choice("MF"),
                        rng.choice(["Pohjoinen", "Etelä", "Itä", "Länsi"])])
    return path


def saved(tmp_path: Path) -> tuple[Path, Path]:
    """An assessment whose risk lab result was saved by ``puf --save`` (with fingerprints)."""
    data = people(tmp_path / "lainaajat.csv", 120, 3)
    recipe = tmp_path / "resepti.json"
    recipe.write_text(json.dumps(RECIPE), encoding="utf-8")
    a = tmp_path / "kirjasto.hrk.json"
    assert cli_main(["new", "--title", "Kirjastolainat", "-o", str(a)]) == 0
    assert cli_main(["puf", str(data), "--recipe", str(recipe), "-o",
                     str(tmp_path / "julkinen.csv"), "--save", str(a),
                     "--author", "Liisa Laine"]) == 0
    lab = load_assessment(a).risk_lab
    assert lab is not None and lab.source is not None and lab.source.sha256
    return a, data


def test_reopened_result_is_shown_and_a_changed_file_is_listed(
        tmp_path: Path, make_window: Any, dialogs: Any) -> None:
    a, data = saved(tmp_path)
    lab = load_assessment(a).risk_lab
    window = make_window(lang="fi")
    assert window.open_path(str(a), ask=False)
    window.go_to_step("risk_lab")
    box = window.pages["risk_lab"].saved_box
    assert box.title() == "Tallennettu tulos"
    assert box.status.text() == "Tiedosto on sama kuin mitattaessa."
    assert box.source.text().startswith("lainaajat.csv: 120 riviä, 3 saraketta")
    assert lab.source.sha256[:16] in box.source.text()
    assert "Liisa Laine" in box.when.text()
    steps = [box.recipe.item(i).text() for i in range(box.recipe.count())]
    assert len(steps) == 2 and steps[0].startswith("1. ") and "age" in steps[0]
    assert not any('"op"' in s or "band" in s.split() for s in steps), steps
    measures = {box.measures.item(r, 0).text(): box.measures.item(r, 1).text()
                for r in range(box.measures.rowCount())}
    assert measures["k (pienin ryhmä)"] == format_number(lab.k, "fi")
    assert "age" in box.roles.text() and "region" in box.roles.text()
    assert box.verdict.text().startswith("Arvio: ")
    assert box.apply_button.accessibleName() and box.edit_button.accessibleName()
    assert window.step_state("risk_lab") == "complete"

    # next year's file lands where the old one was: said on the step and in the list
    people(data, 150, 4)
    assert window.open_path(str(a), ask=False)
    assert dialogs.shown == []  # never a dialog on opening
    assert "on muuttunut" in box.status.text()
    listed = [t for t in window.summary.missing.texts() if "lainaajat.csv" in t]
    assert listed and listed[0].startswith("Riskilaboratorio → ")
    assert window.step_state("risk_lab") == "problems"
    data.unlink()
    assert window.open_path(str(a), ask=False)
    assert "on poistunut" in box.status.text()
    assert dialogs.shown == []


def test_apply_the_saved_recipe_to_next_years_file(
        tmp_path: Path, make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    a, _data = saved(tmp_path)
    new = people(tmp_path / "lainaajat-2027.csv", 90, 11)
    capsys.readouterr()
    cli_main(["reassess", str(a), "--data", str(new), "--json"])
    cli = json.loads(capsys.readouterr().out)
    window = make_window(lang="sv")
    assert window.open_path(str(a), ask=False)
    window.go_to_step("risk_lab")
    box = window.pages["risk_lab"].saved_box
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(new), "")))
    with qtbot.waitSignal(box.reassessed, timeout=WAIT_MS):
        qtbot.mouseClick(box.apply_button, Qt.MouseButton.LeftButton)
    heads = [box.measures.horizontalHeaderItem(i).text() for i in range(3)]
    forms = window.forms
    assert heads[1:] == [label("reassess_before", "sv", forms),
                         label("reassess_after", "sv", forms)]
    rows = {box.measures.item(r, 0).text(): (box.measures.item(r, 1).text(),
                                             box.measures.item(r, 2).text())
            for r in range(box.measures.rowCount())}
    k_row = next(v for name, v in rows.items() if name.startswith("k "))
    assert k_row == (format_number(cli["before"]["k"], "sv"),
                     format_number(cli["after"]["k"], "sv"))
    assert "lainaajat-2027.csv" in box.result_line.text()
    assert box.keep_button.isVisibleTo(box)

    qtbot.mouseClick(box.keep_button, Qt.MouseButton.LeftButton)
    lab = window.document.assessment.risk_lab
    assert lab.source.path == "lainaajat-2027.csv"
    assert lab.source.sha256 == hashlib.sha256(new.read_bytes()).hexdigest()
    assert lab.k == cli["after"]["k"]
    assert box.source.text().startswith("lainaajat-2027.csv: 90 rader")
    window.document.undo_stack.undo()
    assert window.document.assessment.risk_lab.source.path == "lainaajat.csv"
    window.document.undo_stack.redo()
    window.save_action.trigger()
    capsys.readouterr()
    cli_main(["validate", str(a), "--json"])
    assert "lab_result_stale" not in capsys.readouterr().out


def test_edit_the_recipe_and_an_old_file_without_fingerprint(
        tmp_path: Path, make_window: Any, qtbot: Any) -> None:
    a, data = saved(tmp_path)
    old = json.loads(a.read_text(encoding="utf-8"))
    old["risk_lab"]["source"] = None
    old["risk_lab"]["output"] = None
    older = tmp_path / "vanha.hrk.json"
    older.write_text(json.dumps(old), encoding="utf-8")
    window = make_window(lang="fi")
    assert window.open_path(str(older), ask=False)
    window.go_to_step("risk_lab")
    page = window.pages["risk_lab"]
    box = page.saved_box
    # what it holds: the measured file's name, and that a change cannot be checked
    assert "ilman tunnistetta" in box.source.text() and "julkinen.csv" in box.source.text()
    assert box.status.text() == ""
    assert box.recipe.count() == 2

    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None and not page.busy(), timeout=WAIT_MS)
    qtbot.mouseClick(box.edit_button, Qt.MouseButton.LeftButton)
    assert page.steps == [dict(s) for s in load_assessment(a).risk_lab.recipe]
    assert [s["op"] for s in page.steps] == ["band", "suppress"]
    assert page.step_list.count() == 2
    assert "2 vaihetta" in box.result_line.text()
    qtbot.waitUntil(lambda: page.result is not None and not page.busy()
                    and not page._timer.isActive(), timeout=WAIT_MS)
    # saved again in the app: now with the data file's fingerprint
    assert page.save_result()
    lab = window.document.assessment.risk_lab
    assert lab.source is not None
    assert lab.source.sha256 == hashlib.sha256(data.read_bytes()).hexdigest()
    assert lab.source.path == "lainaajat.csv" and lab.source.rows == 120
    assert box.status.text() == "Tiedosto on sama kuin mitattaessa."


def test_the_labs_record_fingerprints_of_what_they_wrote(
        tmp_path: Path, make_window: Any, qtbot: Any) -> None:
    a = tmp_path / "taulu.hrk.json"
    assert cli_main(["new", "--title", "Taulukko", "-o", str(a)]) == 0
    data = people(tmp_path / "lainaajat.csv", 200, 5)
    window = make_window(lang="fi")
    assert window.open_path(str(a), ask=False)
    window.go_to_step("table_lab")
    page = window.pages["table_lab"]
    assert "ei ole vielä tallennettu" in page.saved_box.text.text()
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.load_file(data)
    page.set_dimensions(["region", "sex"], None)
    qtbot.waitUntil(lambda: page.protected is not None and not page.busy(), timeout=WAIT_MS)
    out = tmp_path / "taulu.csv"
    page.export(out)
    qtbot.waitUntil(lambda: out.exists() and not page.busy(), timeout=WAIT_MS)
    assert page.save_result()
    entry = window.document.assessment.table_lab[0]
    assert entry.source.path == "lainaajat.csv" and entry.source.rows == 200
    assert entry.output.path == "taulu.csv"
    assert entry.output.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "taulu.csv" in page.saved_box.text.text()
    out.write_text("muutettu\n", encoding="utf-8")
    window.document.changed.emit()  # the next edit re-checks; here, at once
    assert "taulu.csv" in page.saved_box.stale.text()
    assert page.saved_box.stale.isVisibleTo(page)
