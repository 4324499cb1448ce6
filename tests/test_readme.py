"""Issue 23 point 11: the README's references are current and true.

The path reference and the recipe-step table are generated; these tests fail when a form or a
model changes without the README, when a listed path is one ``set`` refuses, when the recipe
example does not run, or when the app's step list and the README's disagree.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT as REPO

from hrk_workbench.disclosure.microdata.recipe import Recipe
from hrk_workbench.foundations.i18n import label
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.edit import parse_value, set_answer
from hrk_workbench.model.paths import answer_paths
from hrk_workbench.overview.progress import STEPS

README = REPO / "README.md"
sys.path.insert(0, str(REPO / "scripts"))
import readme_reference  # noqa: E402


def test_generated_references_are_current():
    text = README.read_text(encoding="utf-8")
    assert readme_reference.render(text) == text, "run scripts/readme_reference.py"


def test_the_reference_lists_every_form_question(forms):
    paths = {r.path for r in answer_paths(forms)}
    for q in forms.anonymisation.questions:
        assert f"anonymisation.{q.id}.value" in paths
    for q in forms.channel.questions:
        assert f"channel.{q.id}.value" in paths
    rows = {r.path: r for r in answer_paths(forms)}
    assert all(f"`{q.id}`" in rows["benefits.<ID>.value"].allowed
               for q in forms.hrk.benefits.questions)
    assert all(f"`{i.id}`" in rows["costs.lines.<ID>.yearly_eur"].allowed
               for i in forms.hrk.costs.items)


def _example_value(row, forms) -> str:
    example = re.search(r"e\.g\. `([^`]+)`", row.allowed)  # "19 ids in …, e.g. `CSV`"
    ticked = [example.group(1)] if example else re.findall(r"`([^`]+)`", row.allowed)
    if row.value.startswith("JSON list"):
        return json.dumps([ticked[0]] if ticked else ["x"])
    if row.value in ("one of", "one option", "id"):
        return next(t for t in ticked if t != '""')
    if row.value == "language code":
        return "fi"
    if row.value.startswith("`true`"):
        return "true"
    if row.value.startswith("date and time"):
        return "2026-01-01T00:00:00+00:00"
    if row.value.startswith("date"):
        return "2026-01-01"
    if row.value.startswith("address"):
        return "https://example.org/x"
    if row.value.startswith(("whole number", "number")):
        bounds = re.match(r"(\d+(?:\.\d+)?) to ([^;\s]+)", row.allowed)
        low = float(bounds.group(1)) if bounds else 0
        if row.value.startswith("whole"):
            return str(int(low))
        high = float(bounds.group(2)) if bounds and bounds.group(2) != "…" else low + 2
        return str((low + high) / 2 if high - low < 2 else low + 0.5)
    if row.value.startswith("JSON list of texts"):
        return '["a"]'
    return "Some text"


def _concrete(path: str, forms) -> str:
    fmt = forms.formats.formats[0].id
    out = path.replace("<LANG>", "fi").replace("<FORMAT>", fmt).replace("[i]", "[0]")
    if "<ID>" in out:
        section = out.split(".<ID>")[0]
        ids = {"gates": forms.hrk.gates.questions, "benefits": forms.hrk.benefits.questions,
               "risks": forms.hrk.risks.questions, "costs.lines": forms.hrk.costs.items,
               "anonymisation": forms.anonymisation.questions,
               "channel": forms.channel.questions, "quality": forms.quality.criteria}[section]
        out = out.replace("<ID>", ids[0].id)
    return out


def test_every_listed_path_is_one_set_accepts_with_the_value_syntax_given(forms):
    rows = [r for r in answer_paths(forms) if not r.value.startswith("JSON object")
            and r.value != "JSON list"]
    assert len(rows) > 100
    for row in rows:
        assessment = Assessment()
        set_answer(assessment, "participants[0].name", "Maija Meri", forms)
        if row.path.startswith("risk_lab.dictionary"):
            set_answer(assessment, "risk_lab.dictionary[0].column", "age", forms)
        if row.path.startswith("table_lab"):
            set_answer(assessment, "table_lab[0].name", "t.csv", forms)
        path = _concrete(row.path, forms)
        text = _example_value(row, forms)
        value = parse_value(assessment, path, text, forms)
        change = set_answer(assessment, path, value, forms)
        assert change.new is not None, (row.path, text)


def test_readme_recipe_example_runs(tmp_path):
    text = README.read_text(encoding="utf-8")
    section = text.split("### Recipe format", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    recipe = Recipe.model_validate(json.loads(block))
    columns = {c for s in recipe.steps for c in (getattr(s, "columns", None) or [])}
    columns |= {s.column for s in recipe.steps if hasattr(s, "column")}
    columns |= set(recipe.key_variables) | set(recipe.sensitive)
    header = sorted(columns)
    rows = []
    for i in range(60):
        row = {"name": f"Person {i}", "hetu": f"010190-{i:03d}X", "person_id": str(i),
               "age": str(20 + i % 50), "income": str(1000 * i * 5), "sex": "MF"[i % 2],
               "postcode": ["00100", "00120", "00200"][i % 3], "visit_date": "2026-03-14",
               "diagnosis": f"D{i % 4}"}
        rows.append(",".join(row[c] for c in header))
    data = tmp_path / "persons.csv"
    data.write_text(",".join(header) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "recipe.json").write_text(block, encoding="utf-8")
    (tmp_path / "key.txt").write_text("k" * 32 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "puf", str(data),
                           "--recipe", str(tmp_path / "recipe.json"), "-o",
                           str(tmp_path / "public.csv"), "--key-file", str(tmp_path / "key.txt"),
                           "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    published = (tmp_path / "public.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "name" not in published.split(",") and "hetu" not in published.split(",")


def test_readme_lists_the_apps_steps(forms):
    text = README.read_text(encoding="utf-8")
    section = text.split("## The desktop app", 1)[1].split("\n## ", 1)[0]
    assert f"has {len(STEPS)} steps" in section
    listed = re.findall(r"^\d+\. ([^(\n]+?)(?: \(|$)", section, re.M)
    assert listed == [label(f"gui_step_{s}", "en", forms) for s in STEPS]


@pytest.mark.parametrize("needle", ["--assessment", "not run", "verdict", "step 7b",
                                    "--min-frequency"])
def test_readme_mentions_what_issue_23_added(needle):
    assert needle in README.read_text(encoding="utf-8")


def test_readme_names_no_missing_file():
    text = README.read_text(encoding="utf-8")
    for name in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert Path(REPO / name).exists(), name
