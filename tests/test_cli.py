"""The command line as a steward or a script uses it: exit codes, JSON, one-line errors."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ALL_NO, EXAMPLES, make

from hrk_workbench.cli.program import main
from hrk_workbench.model.store import load_assessment, save_assessment

BIKES = EXAMPLES / "city-bike-trips.hrk.json"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_creates_a_valid_file_with_a_change_log(tmp_path, capsys):
    path = tmp_path / "trees.hrk.json"
    code, out, _ = run(capsys, "new", "--title", "Katupuut", "--title-lang", "fi",
                       "--publisher", "Vaara", "--author", "Aino", "-o", str(path))
    assert code == 0 and "created" in out
    a = load_assessment(path)
    assert a.dataset.title == {"fi": "Katupuut"}
    assert a.dataset.publisher == "Vaara"
    assert a.change_log[0].by == "Aino"
    assert run(capsys, "validate", str(path))[0] == 0


def test_new_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "x.hrk.json"
    path.write_text("keep me")
    code, _, err = run(capsys, "new", "--title", "X", "-o", str(path))
    assert code == 2
    assert "already exists" in err and "--force" in err
    assert path.read_text() == "keep me"


def test_score_json_on_the_example(capsys):
    code, out, _ = run(capsys, "score", str(BIKES), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "City bike trips"
    assert (data["benefit_score"], data["benefit_level"]) == (70, "high")
    assert data["risk_profile"] == "medium"
    assert data["risk_scores"]["R1"] == 6  # residual 2 x 3
    assert (data["cost_one_off_eur"], data["cost_yearly_eur"], data["cost_3y_eur"]) == (
        15_200, 6_600, 35_000)
    assert data["cost_level"] == "medium"
    assert data["recommendation"] == "open"
    assert data["reasons"] and all(isinstance(r, str) for r in data["reasons"])


def test_score_reasons_follow_the_language(capsys):
    _, out_fi, _ = run(capsys, "score", str(BIKES), "--json", "--lang", "fi")
    _, out_sv, _ = run(capsys, "score", str(BIKES), "--json", "--lang", "sv")
    fi, sv = json.loads(out_fi), json.loads(out_sv)
    assert fi["title"] == "Kaupunkipyörämatkat"
    assert sv["title"] == "Stadscykelresor"
    assert fi["reason_codes"] == sv["reason_codes"]
    assert fi["reasons"] != sv["reasons"]
    assert any("Henkilöiden suora tai epäsuora tunnistaminen" in r for r in fi["reasons"])


def test_score_text_output(capsys):
    code, out, _ = run(capsys, "score", str(BIKES))
    assert code == 0
    assert "70/100" in out and "35,000 €" in out


def test_advise_json_has_every_section(capsys):
    code, out, _ = run(capsys, "advise", str(BIKES), "--json")
    assert code == 0
    data = json.loads(out)
    for section in ("anonymisation", "channel", "formats", "five_star", "licence", "quality",
                    "metadata"):
        assert data[section]["reasons"], section
    assert data["channel"]["channel"] == "both"
    assert data["five_star"]["stars"] == 3
    assert data["licence"]["recommended"] == "CC-BY-4.0"
    assert "https://creativecommons.org/licenses/by/4.0/" in data["licence"]["attribution_line"]
    assert data["anonymisation"]["needed"] is True
    assert "anon_remove_direct" in data["anonymisation"]["actions"]


def test_summary_prints_scores_and_advice(capsys):
    code, out, _ = run(capsys, "summary", str(BIKES), "--lang", "sv")
    assert code == 0
    assert "Stadscykelresor" in out
    assert "★★★☆☆" in out


def test_portfolio_ranks_a_folder(tmp_path, capsys):
    save_assessment(make(title={"en": "Blocked"}, gates={**ALL_NO, "G1": "yes"}),
                    tmp_path / "b.hrk.json", author="t")
    shutil.copy(BIKES, tmp_path / "bikes.hrk.json")
    code, out, _ = run(capsys, "portfolio", str(tmp_path), "--json")
    assert code == 0
    data = json.loads(out)
    assert [(r["rank"], r["title"], r["recommendation"]) for r in data["ranking"]] == [
        (1, "City bike trips", "open"), (2, "Blocked", "do_not_open")]
    assert data["errors"] == []


def test_portfolio_reports_bad_files_but_ranks_the_rest(tmp_path, capsys):
    shutil.copy(BIKES, tmp_path / "bikes.hrk.json")
    (tmp_path / "broken.hrk.json").write_text('{"schema_version": 1, "risks": ')
    code, out, err = run(capsys, "portfolio", str(tmp_path))
    assert code == 2
    assert "City bike trips" in out
    assert "broken.hrk.json: line 1" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"schema_version": 1, "benefits": {"B1": {"value": 9}}}',
         "benefits.B1.value: 9 is off the scale (expected a whole number from 0 to 3)"),
        ('{"schema_version": 1, "risks": {"R1": {"likelihood": "high"}}}',
         "risks.R1.likelihood: wrong kind of value 'high' (expected a whole number)"),
        ('{"schema_version": 1, "licence": {"licence_id": "MY-OWN"}}',
         "licence.licence_id: unknown value MY-OWN (expected one of CC-BY-4.0, "),
        ('{"schema_version": 1, "dataset": {"title": {"en": "x"}',
         "line 1, column"),
        ("", "$: the file is empty"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "score", "advise"])
def test_bad_input_exits_2_with_one_line_per_problem(tmp_path, capsys, content, expected,
                                                     command):
    path = tmp_path / "bad.hrk.json"
    path.write_text(content, encoding="utf-8")
    code, _out, err = run(capsys, command, str(path))
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert any(expected in line for line in lines), lines


def test_validate_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.hrk.json"
    path.write_text(json.dumps({"schema_version": 1,
                                "risks": {"R1": {"likelihood": 6, "impact": 0}},
                                "quality": {"Q1": {"rating": 9}},
                                "dataset": {"themes": ["SPACE"]}}))
    code, out, _err = run(capsys, "validate", str(path), "--json")
    assert code == 2
    locations = [p["location"] for p in json.loads(out)["problems"]]
    assert locations == ["dataset.themes[0]", "risks.R1.likelihood", "risks.R1.impact",
                         "quality.Q1.rating"]


def test_unknown_question_is_a_warning_not_an_error(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    path.write_text(json.dumps({"schema_version": 1, "benefits": {"B99": {"value": 1}}}))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert "benefits.B99: warning: no question B99 in hrk.yaml benefits" in out


def test_missing_file_and_usage_errors_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "score", str(tmp_path / "nope.hrk.json"))
    assert (code, err.count("\n")) == (2, 1)
    assert "file not found" in err
    with pytest.raises(SystemExit) as exc:
        main(["score"])
    assert exc.value.code == 2


def test_broken_forms_folder_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "score", str(BIKES), "--forms", str(tmp_path))
    assert code == 2
    assert "hrk.yaml" in err and "missing" in err


def test_console_script_runs_without_qt(tmp_path):
    """The installed entry point works headless and never imports Qt."""
    exe = Path(sys.executable).with_name("hrk-workbench")
    env = {**os.environ, "HRK_AUTHOR": "ci"}
    out = tmp_path / "n.hrk.json"
    done = subprocess.run([str(exe), "new", "--title", "T", "-o", str(out)], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([str(exe), "score", str(out), "--json"], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert json.loads(done.stdout)["recommendation"] == "incomplete"


PACKAGE = Path(__file__).resolve().parent.parent / "hrk_workbench"
HEAVY = ("PySide6", "shiboken6", "rdflib", "pyshacl", "pandas", "reportlab", "openpyxl",
         "docx", "duckdb", "scipy", "pyarrow")


def _imports(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, module, at module level) for every import in a module."""
    top = {id(n) for n in getattr(tree, "body", [])}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module, id(node) in top))
    return found


def test_no_module_outside_gui_imports_qt_and_heavy_imports_wait_for_their_command():
    """Read every module's imports (the AST, not a run-time sample): Qt only in gui/, and
    nothing heavy or GUI at module level, so `validate` and `score` start fast headless."""
    qt, eager = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "gui":
            continue
        for line, module, top in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            root = module.split(".")[0]
            if root in ("PySide6", "shiboken6"):
                qt.append(f"{rel}:{line} {module}")
            elif top and (root in HEAVY or module.startswith("hrk_workbench.gui")):
                eager.append(f"{rel}:{line} {module}")
    assert qt == []
    assert eager == []


def test_the_import_scan_sees_function_level_imports():
    tree = ast.parse("import os\ndef f():\n    from PySide6 import QtCore\n")
    assert _imports(tree) == [(1, "os", True), (3, "PySide6", False)]


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """`hrk-workbench score … | head`: the pipe closes before the output is written; the
    command says nothing (no "cannot write: Broken pipe", no traceback) and exits 0."""
    import subprocess
    import sys

    src = Path(__file__).resolve().parent.parent / "examples" / "city-bike-trips.hrk.json"
    proc = subprocess.Popen([sys.executable, "-m", "hrk_workbench.cli", "score", str(src),
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the command has started writing
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert err == ""
