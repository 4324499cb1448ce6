"""Issue 23, point 2: the table lab takes its minimum frequency from the assessment, refuses
negative counts, its audit never calls a derivable cell protected, and every text of
``tables`` and ``audit`` follows ``--lang``. All through the CLI, on real files."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import EXAMPLES

from hrk_workbench.cli.program import main

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the Table lab test below
SOCIAL = EXAMPLES / "social-assistance.hrk.json"  # special-category, finer regions: 10


def _assessment(tmp_path: Path, *answers: str) -> Path:
    """A copy of the social-assistance example, with ``answers`` set through the CLI."""
    path = tmp_path / "a.hrk.json"
    shutil.copy(SOCIAL, path)
    if answers:
        assert main(["set", str(path), *answers]) == 0
    return path


def _persons(path: Path, seed: int = 3) -> Path:
    """Microdata whose cells hold 1 to 60 units: every threshold from 3 to 50 matters."""
    rng = np.random.default_rng(seed)
    sizes = {("A", "x"): 1, ("A", "y"): 4, ("A", "z"): 60, ("B", "x"): 7, ("B", "y"): 12,
             ("B", "z"): 30, ("C", "x"): 2, ("C", "y"): 45, ("C", "z"): 55}
    rows = [(r, c) for (r, c), n in sizes.items() for _ in range(n)]
    rng.shuffle(rows)
    pd.DataFrame(rows, columns=["region", "age"]).to_csv(path, index=False)
    return path


def _advised(capsys: pytest.CaptureFixture[str], path: Path) -> int | None:
    capsys.readouterr()
    assert main(["advise", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["anonymisation"]["min_frequency"]


def _status_path(out: Path) -> Path:
    """Where ``_tables`` has the working status written (the public file has none)."""
    return out.with_name(out.stem + "-status.csv")


def _tables(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    out = Path(argv[argv.index("-o") + 1])
    assert main(["tables", *argv, "--status", str(_status_path(out)), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _primary_counts(out: Path, data: Path) -> set[tuple[str, str]]:
    with _status_path(out).open(encoding="utf-8", newline="") as handle:
        return {(r["region"], r["age"]) for r in csv.DictReader(handle)
                if r["status"] == "primary" and "frequency" in r["rule"]}


# --- the minimum frequency comes from the assessment -------------------------------------------

@pytest.mark.parametrize(("answers", "expected"), [
    ((), 10),                                                     # special-category data
    (("anonymisation.A3.value=no", "anonymisation.A8.value=municipality"), 3),
    (("anonymisation.A3.value=no", "anonymisation.A8.value=grid"), 50),
])
def test_tables_takes_the_threshold_the_assessment_advises(tmp_path, capsys, answers, expected):
    a = _assessment(tmp_path, *answers)
    assert _advised(capsys, a) == expected
    data = _persons(tmp_path / "p.csv")
    out = tmp_path / "t.csv"
    summary = _tables(capsys, str(data), "--rows", "region", "--cols", "age", "-o", str(out),
                      "--assessment", str(a))
    assert summary["rules"]["min_frequency"] == expected
    assert summary["min_frequency"] == expected
    assert summary["min_frequency_advised"] == expected
    assert summary["min_frequency_overridden"] is False
    # exactly the finest cells below the advised threshold are primary by frequency
    sizes = {("A", "x"): 1, ("A", "y"): 4, ("A", "z"): 60, ("B", "x"): 7, ("B", "y"): 12,
             ("B", "z"): 30, ("C", "x"): 2, ("C", "y"): 45, ("C", "z"): 55}
    finest = {k for k in _primary_counts(out, data) if "Total" not in k}
    assert finest == {k for k, n in sizes.items() if n < expected}

    # --save reads the same advice, and the saved entry records it
    summary = _tables(capsys, str(data), "--rows", "region", "--cols", "age", "-o", str(out),
                      "--save", str(a))
    assert summary["rules"]["min_frequency"] == expected
    saved = json.loads(a.read_text(encoding="utf-8"))["table_lab"][-1]
    assert saved["min_frequency"] == expected
    assert saved["min_frequency_advised"] == expected
    assert saved["min_frequency_overridden"] is False


def test_override_is_saved_and_shown_in_the_memo(tmp_path, capsys):
    a = _assessment(tmp_path)
    data = _persons(tmp_path / "p.csv")
    out = tmp_path / "lowered.csv"
    summary = _tables(capsys, str(data), "--rows", "region", "--cols", "age", "-o", str(out),
                      "--save", str(a), "--min-frequency", "3")
    assert summary["rules"]["min_frequency"] == 3
    assert summary["min_frequency_advised"] == 10 and summary["min_frequency_overridden"]
    assert {k for k in _primary_counts(out, data) if "Total" not in k} == {("A", "x"),
                                                                          ("C", "x")}
    saved = json.loads(a.read_text(encoding="utf-8"))["table_lab"][-1]
    assert (saved["min_frequency"], saved["min_frequency_advised"],
            saved["min_frequency_overridden"]) == (3, 10, True)

    # the same value as the advice is not an override
    same = _tables(capsys, str(data), "--rows", "region", "--cols", "age", "-o",
                   str(tmp_path / "same.csv"), "--save", str(a), "--min-frequency", "10")
    assert same["min_frequency_overridden"] is False

    memo = tmp_path / "memo.md"
    assert main(["report", str(a), "-o", str(memo)]) == 0
    text = memo.read_text(encoding="utf-8")
    assert "lowered.csv: the minimum frequency 3 was set by the steward" in text
    assert "requires 10" in text
    assert "same.csv: the minimum frequency" not in text
    memo_fi = tmp_path / "memo-fi.html"
    assert main(["report", str(a), "-o", str(memo_fi), "--lang", "fi"]) == 0
    assert "asetti vähimmäisfrekvenssiksi 3" in memo_fi.read_text(encoding="utf-8")


def test_text_output_says_where_the_threshold_comes_from_in_every_language(tmp_path, capsys):
    a = _assessment(tmp_path)
    data = _persons(tmp_path / "p.csv")
    out = tmp_path / "t.csv"
    expected = {"en": ("cells", "Minimum frequency 4, set by the steward", "requires 10",
                       "table_lab saved"),
                "fi": ("solua", "Vähimmäisfrekvenssi 4", "edellyttää 10", "tallennettu"),
                "sv": ("celler", "Minsta frekvens 4", "kräver 10", "sparad")}
    for lang, words in expected.items():
        capsys.readouterr()
        assert main(["tables", str(data), "--rows", "region", "--cols", "age", "-o", str(out),
                     "--save", str(a), "--min-frequency", "4", "--lang", lang]) == 0
        got = capsys.readouterr()
        text = got.out + got.err
        for word in words:
            assert word in text, (lang, word, text)
        if lang != "en":
            assert " cells," not in text and "audit ok" not in text and " saved" not in text
    capsys.readouterr()
    assert main(["tables", str(data), "--rows", "region", "-o", str(out), "--lang", "fi"]) == 0
    assert "ei arvioinnin neuvoa" in capsys.readouterr().out  # no assessment: the default


# --- negative counts are refused -------------------------------------------------------------

def test_negative_frequency_in_an_aggregated_table_is_refused(tmp_path, capsys):
    data = tmp_path / "agg.csv"
    data.write_text("region;age;units\nA;x;5\nA;y;12\nB;x;-3\nB;y;20\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    capsys.readouterr()
    code = main(["tables", str(data), "--aggregated", "--rows", "region", "--cols", "age",
                 "--count", "units", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and not out.exists()
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"{data}: units: row 4: -3 in column units is a negative number")
    # the same in Finnish, and for a magnitude table with a count column
    capsys.readouterr()
    code = main(["tables", str(data), "--aggregated", "--rows", "region", "--cols", "age",
                 "--count", "units", "--value", "units", "-o", str(out), "--lang", "fi"])
    err = capsys.readouterr().err
    assert code == 2 and "rivi 4" in err and "negatiivinen" in err and str(data) in err


def test_negative_weight_in_microdata_is_refused_and_weights_count(tmp_path, capsys):
    data = tmp_path / "micro.csv"
    data.write_text("region,n\nA,2\nA,1\nB,4\nB,-1\nB,3\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    capsys.readouterr()
    code = main(["tables", str(data), "--rows", "region", "--count", "n", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists() and "Traceback" not in err
    assert f"{data}: n: row 5:" in err
    # non-negative weights: each row stands for that many units
    data.write_text("region,n\nA,2\nA,1\nB,4\nB,0\nB,3\n", encoding="utf-8")
    summary = _tables(capsys, str(data), "--rows", "region", "--count", "n", "-o", str(out),
                      "--min-frequency", "5")
    assert summary["primary"] == 1  # A holds 3 units (< 5), B 7, the total 10
    with out.open(encoding="utf-8", newline="") as handle:
        values = {r["region"]: r["value"] for r in csv.DictReader(handle)}
    with _status_path(out).open(encoding="utf-8", newline="") as handle:
        status = {r["region"]: r["status"] for r in csv.DictReader(handle)}
    assert status["A"] == "primary" and (status["Total"], values["Total"]) == ("published", "10")


# --- the audit ----------------------------------------------------------------------------------

def _published(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["region", "age", "value", "status"])
        w.writerows(rows)
    return path


def test_audit_never_calls_a_derivable_cell_protected(tmp_path, capsys):
    # A/x is primary, hidden alone with A/y a secondary cell; but the B row hides nothing,
    # so the column margins give A/x and A/y exactly
    table = _published(tmp_path / "leaky.csv", [
        ("Total", "Total", "40", "published"), ("Total", "x", "12", "published"),
        ("Total", "y", "28", "published"), ("A", "Total", "15", "published"),
        ("A", "x", "", "primary"), ("A", "y", "", "secondary"),
        ("B", "Total", "25", "published"), ("B", "x", "10", "published"),
        ("B", "y", "15", "published")])
    capsys.readouterr()
    assert main(["audit", str(table), "--json", "--rules", "width=3"]) == 1
    report = json.loads(capsys.readouterr().out)
    cells = {(c["region"], c["age"]): c for c in report["intervals"]}
    failed = {(f["cell"]["region"], f["cell"]["age"]) for f in report["audit_failures"]}
    assert failed == {("A", "x")}
    for key, cell in cells.items():
        assert cell["lo"] == cell["hi"]
        assert cell["exactly_disclosed"] is True
        assert cell["protected"] is False, key  # before: protected true for the primary cell
    for c in report["intervals"]:
        if c["lo"] is not None and c["lo"] == c["hi"]:
            assert not c["protected"]

    capsys.readouterr()
    assert main(["audit", str(table), "--rules", "width=3"]) == 1
    text = capsys.readouterr().out
    assert "A / x: [2, 2] (exactly disclosed" in text
    assert "A / y: [13, 13] (exactly disclosed" in text
    assert ("cells the rules protect that are exactly disclosed or have too narrow an "
            "interval: 1") in text


def test_audit_text_of_a_safe_table_calls_no_secondary_cell_unprotected(tmp_path, capsys):
    table = _published(tmp_path / "safe.csv", [
        ("Total", "Total", "60", "published"), ("Total", "x", "22", "published"),
        ("Total", "y", "38", "published"), ("A", "Total", "15", "published"),
        ("A", "x", "", "primary"), ("A", "y", "", "secondary"),
        ("B", "Total", "45", "published"), ("B", "x", "", "secondary"),
        ("B", "y", "", "secondary")])
    capsys.readouterr()
    assert main(["audit", str(table), "--rules", "width=3"]) == 0
    text = capsys.readouterr().out
    assert "not protected" not in text and "exactly disclosed:" not in text
    assert "A / x: [0, 15]" in text and "B / y: [23, 38]" in text
    assert "suppressed cells 4, exactly disclosed 0; audit ok" in text  # any count
    capsys.readouterr()
    assert main(["audit", str(table), "--json", "--rules", "width=3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert all(c["protected"] for c in report["intervals"])
    assert [c["required"] for c in report["intervals"]].count(True) == 1

    for lang, words in {"fi": ("häivytettyjä soluja 4", "tarkastus läpäisty"),
                        "sv": ("undertryckta celler 4", "granskningen godkänd")}.items():
        capsys.readouterr()
        assert main(["audit", str(table), "--rules", "width=3", "--lang", lang]) == 0
        text = capsys.readouterr().out
        assert all(w in text for w in words), text
        assert "suppressed" not in text and "audit ok" not in text


def test_audit_translates_a_narrow_interval(tmp_path, capsys):
    # A/x in [0, 3] is narrower than the width 5 the rules ask for; no cell is exact
    table = _published(tmp_path / "narrow.csv", [
        ("Total", "Total", "60", "published"), ("Total", "x", "22", "published"),
        ("Total", "y", "38", "published"), ("A", "Total", "3", "published"),
        ("A", "x", "", "primary"), ("A", "y", "", "secondary"),
        ("B", "Total", "57", "published"), ("B", "x", "", "secondary"),
        ("B", "y", "", "secondary")])
    for lang, word in {"en": "interval too narrow", "fi": "liian kapea",
                       "sv": "för smalt"}.items():
        capsys.readouterr()
        assert main(["audit", str(table), "--rules", "width=5", "--lang", lang]) == 1
        text = capsys.readouterr().out
        line = next(ln for ln in text.splitlines() if ln.startswith("A / x"))
        assert word in line, text
        assert "A / y" in text and word not in next(
            ln for ln in text.splitlines() if ln.startswith("A / y"))


# --- the app's Table lab ------------------------------------------------------------------------

def test_table_lab_follows_the_open_assessment_and_records_an_override(tmp_path, qtbot, capsys):
    pytest.importorskip("PySide6")
    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.gui.document import Document
    from hrk_workbench.gui.pages.tablelab import TableLabPage
    from hrk_workbench.model.store import load_assessment

    forms = load_forms()
    path = _assessment(tmp_path)
    document = Document(forms, load_assessment(path), path=path, lang="en")
    page = TableLabPage(document)
    qtbot.addWidget(page)
    page.show()
    assert page.min_frequency.value() == 10  # what advise derives, not the forms' 3
    assert "requires 10" in page.min_frequency_hint.text()

    # the assessment changes (grid data): the untouched field follows the new advice
    assert document.edit("anonymisation.A3.value", "no")
    assert document.edit("anonymisation.A8.value", "grid")
    qtbot.waitUntil(lambda: page.min_frequency.value() == 50, timeout=5000)

    data = _persons(tmp_path / "p.csv")
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.load_file(data)
    page.min_frequency.setValue(5)  # the steward overrides it
    assert "Set by you" in page.min_frequency_hint.text()
    page.set_dimensions(["region", "age"])
    qtbot.waitUntil(lambda: page.protected is not None
                    and page.protected.rules.min_frequency == 5, timeout=20000)
    qtbot.waitUntil(lambda: not page.busy() and not page._timer.isActive(), timeout=20000)
    assert document.edit("anonymisation.A8.value", "finer")  # the override is kept
    page.refresh()
    assert page.min_frequency.value() == 5 and "requires 10" in page.min_frequency_hint.text()
    assert page.save_result()
    saved = document.assessment.table_lab[-1]
    assert (saved.min_frequency, saved.min_frequency_advised,
            saved.min_frequency_overridden) == (5, 10, True)

    # the same table from the CLI with the same override gives the same cells
    cli = _tables(capsys, str(data), "--rows", "region", "--cols", "age", "-o",
                  str(tmp_path / "cli.csv"), "--min-frequency", "5")
    assert page.protected.to_dict()["primary"] == cli["primary"]


@pytest.mark.parametrize("p", ["-5", "100", "250"])
def test_a_p_percent_outside_its_range_is_refused(tmp_path, capsys, p):
    data = tmp_path / "t.csv"
    data.write_text("region,turnover\nA,10\nA,20\nB,30\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    code = main(["tables", str(data), "--rows", "region", "--value", "turnover", "-o",
                 str(out), "--p-percent", p, "--lang", "sv"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith("--p-percent: ") and "inte giltigt" in err and "0 ≤ p < 100" in err
