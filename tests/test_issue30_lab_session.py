"""What the labs decide, without a window: steps made from the steward's choices, the
measures' options, the run of a recipe (the same figures as ``puf``), what is saved and
exported, which table may be written; and that the lab modules import one way."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main as cli
from hrk_workbench.disclosure import lab_session as ls
from hrk_workbench.forms.loader import load_forms

ROOT = Path(__file__).resolve().parent.parent


def _clients(path: Path, rows: int = 400) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "age", "sex", "postcode", "service", "vuosi"])
        for i in range(rows):
            out.writerow([f"Person {i}", 18 + i % 70, "mf"[i % 2], f"00{i % 9}00",
                          "abcd"[i % 4], 2020 + i % 3])
    return path


@pytest.mark.parametrize(("choices", "step"), [
    (ls.StepChoices("band", "age", number=10), {"op": "band", "column": "age", "width": 10}),
    (ls.StepChoices("band_breaks", "age", breaks=[0.0, 30.0, 65.0]),
     {"op": "band", "column": "age", "breaks": [0.0, 30.0, 65.0]}),
    (ls.StepChoices("drop", "postcode"), {"op": "drop", "columns": ["postcode"]}),
    (ls.StepChoices("suppress", number=5), {"op": "suppress", "k": 5}),
    (ls.StepChoices("suppress", number=5, importance="sex; age"),
     {"op": "suppress", "k": 5, "importance": ["sex", "age"]}),
    (ls.StepChoices("sample", number=50, seed=3), {"op": "sample", "fraction": 0.5, "seed": 3}),
    (ls.StepChoices("pram", "sex", number=80, seed=1),
     {"op": "pram", "columns": ["sex"], "retain": 0.8, "seed": 1}),
    (ls.StepChoices("remove_direct_identifiers"),
     {"op": "remove_direct_identifiers", "columns": ["name"]}),
], ids=["band", "breaks", "drop", "suppress", "importance", "sample", "pram", "direct"])
def test_a_step_is_made_from_the_choices_and_the_recipe_accepts_it(choices, step):
    from hrk_workbench.disclosure.microdata.recipe import Recipe

    roles = {"name": "direct", "age": "quasi", "sex": "quasi", "postcode": "other"}
    made = ls.step_from_choices(choices, roles)
    assert made == step
    Recipe.model_validate({"steps": [made]})  # the recipe's own schema takes it


@pytest.mark.parametrize(("choices", "code"), [
    (ls.StepChoices("band", "age", number="ten"), "need_number"),
    (ls.StepChoices("band_breaks", "age", breaks=None), "need_breaks"),
    (ls.StepChoices("band", None, number=10), "incomplete"),
    (ls.StepChoices("merge", "postcode"), "need_hierarchy"),
    (ls.StepChoices("suppress", number=5, importance="postcode"), "importance_unknown"),
    (ls.StepChoices("grid", number=250), "no_coordinates"),
], ids=["number", "breaks", "column", "hierarchy", "importance", "grid"])
def test_incomplete_choices_are_refused_with_what_is_missing(choices, code):
    with pytest.raises(ls.StepRefused) as refused:
        ls.step_from_choices(choices, {"age": "quasi", "sex": "quasi"}, lambda: [])
    assert refused.value.code == code
    if code == "importance_unknown":
        assert refused.value.params == {"columns": "postcode"}


def test_no_direct_identifier_no_removal_step():
    with pytest.raises(ls.StepRefused, match="no_direct"):
        ls.step_from_choices(ls.StepChoices("remove_direct_identifiers"), {"age": "quasi"})


def test_grid_takes_the_coordinates_easting_first():
    import pandas as pd

    frame = pd.DataFrame({"n": [6_700_000, 6_700_500], "e": [385_000, 386_000]})
    found = ls.coordinate_columns(frame, {"n": "coordinates:x", "e": "coordinates:y",
                                          "age": "name_hint"})
    assert found == ["e", "n"]
    step = ls.step_from_choices(ls.StepChoices("grid", number=250), {}, lambda: found)
    assert step == {"op": "grid", "columns": ["e", "n"], "size_m": 250}


def test_roles_and_options():
    assert ls.initial_role("sensitive", "quasi") == "sensitive"
    assert ls.initial_role(None, "quasi") == "quasi"
    assert ls.initial_role("bogus", None) == "other"
    assert ls.person_time("id", "id") == (None, None)
    assert ls.person_time("id", None) == (None, None)
    assert ls.person_time("id", "year") == ("id", "year")
    forms = load_forms()
    columns = ["age", "sex", "postcode", "service", "vuosi"]
    options = ls.measure_options(columns, {"age": "quasi", "sex": "quasi",
                                           "service": "sensitive"},
                                 ["postcode"], ["age", "postcode", "service"], None, None, None,
                                 None, forms)
    assert options["period"] == "vuosi"  # named as a period
    assert options["extra_quasi"] == []  # postcode is marked not identifying
    assert options["risk_threshold"] > 0
    assert ls.kept_options(options, ["age"]) == {**options, "period": None}


def test_a_run_gives_the_figures_of_puf(tmp_path, capsys):
    import pandas as pd

    from hrk_workbench.disclosure.microdata.recipe import Recipe

    data = _clients(tmp_path / "clients.csv")
    recipe_json = {"key_variables": ["age", "sex", "postcode"], "sensitive": ["service"],
                   "steps": [{"op": "drop", "columns": ["name"]},
                             {"op": "band", "column": "age", "width": 20},
                             {"op": "suppress", "k": 5}]}
    (tmp_path / "recipe.json").write_text(json.dumps(
        {"format": "hrk-puf-recipe", "version": 1, **recipe_json}), encoding="utf-8")
    code = cli(["puf", str(data), "--recipe", str(tmp_path / "recipe.json"), "-o",
                str(tmp_path / "out.csv"), "--report", str(tmp_path / "report.json")])
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    frame = pd.read_csv(data, dtype=str)
    done: list[int] = []
    run = ls.run_recipe(frame, Recipe.model_validate(recipe_json), None, "clients.csv",
                        report=done.append)
    assert done == [1, 2]
    assert run.before.k == report["risk_before"]["k"]
    assert run.after.k == report["risk_after"]["k"] >= 5
    assert run.loss["records_removed"] == report["loss"]["records_removed"]
    assert ls.shown_measure(run, True) is run.after
    assert ls.shown_measure(run, False) is run.before
    assert ls.published_data(run, True, frame) is run.protected
    assert ls.published_data(run, False, frame) is frame
    assert ls.exportable(run, True, True, large=False)
    assert not ls.exportable(run, True, True, large=True)
    assert not ls.exportable(ls.LabRun(run.before, None, None, None), True, True, False)


def test_saved_and_exported_recipes_hold_no_paths_and_no_key(tmp_path):
    hier = tmp_path / "h" / "regions.csv"
    steps = [{"op": "merge", "column": "postcode", "hierarchy": str(hier)},
             {"op": "pseudonymise", "columns": ["name"]}]
    assert ls.saved_steps(steps)[0]["hierarchy"] == "regions.csv"
    assert ls.needs_key(steps) and not ls.needs_key(steps[:1])
    recipe = ls.recipe_for_file(steps, tmp_path, ["age"], [], None, None)
    assert recipe.steps[0].hierarchy == "h/regions.csv"
    assert "key" not in json.loads(recipe.to_json())


def test_only_an_audited_table_is_written(tmp_path):
    class Audit:
        def __init__(self, ok: bool) -> None:
            self.ok = ok

    class Table:
        def __init__(self, ok: bool) -> None:
            self.audit = Audit(ok)

    assert ls.table_writable(Table(True), None)
    assert not ls.table_writable(Table(False), None)
    assert not ls.table_writable(None, None)
    assert ls.table_entry(Table(False), None, "t", load_forms(), None) is None
    assert ls.status_path(tmp_path / "t.xlsx") == tmp_path / "t-status.xlsx"


def test_the_cell_key_method_refuses_a_sum(tmp_path):
    import pandas as pd

    from hrk_workbench.foundations.problems import InputError

    frame = pd.DataFrame({"a": list("xyxy"), "v": [1, 2, 3, 4]})
    with pytest.raises(InputError) as refused:
        ls.cellkey_count_table(frame, ["a"], "v", {}, load_forms(), True)
    assert refused.value.problems[0].code == "cellkey_count_only"
    table = ls.cellkey_count_table(frame, ["a"], None, {}, load_forms(), True)
    assert table.summary()["perturbed_cells"] >= 0


def _imports(path: Path) -> set[str]:
    """Every module a file imports, wherever the statement stands (relative ones resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
    return out


def test_the_lab_modules_import_one_way_and_stay_small():
    """No lab module imports a page module or a command module; the library module imports
    no Qt; each lab module stays a few hundred lines."""
    labs = sorted((ROOT / "hrk_workbench" / "gui" / "labs").glob("*.py"))
    assert len(labs) > 8
    for path in labs:
        imported = _imports(path)
        assert not any(m.startswith(("hrk_workbench.gui.pages.risklab",
                                     "hrk_workbench.gui.pages.tablelab",
                                     "hrk_workbench.cli.")) or m == "hrk_workbench.cli"
                       or m.endswith("_commands") for m in imported), path
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path
    library = ROOT / "hrk_workbench" / "disclosure" / "lab_session.py"
    assert not any(m.startswith(("PySide6", "hrk_workbench.gui")) for m in _imports(library))
