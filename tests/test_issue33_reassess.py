"""Issue 33, points 5-7 through the command line on real CSV files: fingerprints recorded,
stale results flagged by validate, reassess before/after with its exit codes and --save,
the portfolio's due and changed assessments, and the memo's decision record in fi/sv."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main

KEYS = "age,sex,region"


def _write(path: Path, rows: int = 400, seed: int = 1, tiny: int = 0) -> Path:
    """Microdata: age, sex, region, diagnosis; ``tiny`` records in a region of their own."""
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["age", "sex", "region", "diagnosis"])
        for i in range(rows):
            region = "Tiny" if i < tiny else rnd.choice(["North", "South", "East", "West"])
            w.writerow([rnd.randint(20, 80), rnd.choice("MF"), region, rnd.choice("abc")])
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def puf_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An assessment with a protected result saved by puf --save."""
    data = _write(tmp_path / "data.csv")
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({
        "format": "hrk-puf-recipe", "version": 1, "key_variables": KEYS.split(","),
        "sensitive": ["diagnosis"],
        "steps": [{"op": "band", "column": "age", "width": 20}, {"op": "suppress", "k": 5}]}))
    a = tmp_path / "a.hrk.json"
    assert run(capsys, "new", "--title", "Trial", "-o", a)[0] == 0
    code, _, err = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "public.csv",
                       "--save", a)
    assert code == 0, err
    return a


def test_puf_save_records_both_fingerprints(puf_saved: Path) -> None:
    lab = json.loads(puf_saved.read_text())["risk_lab"]
    data, public = puf_saved.parent / "data.csv", puf_saved.parent / "public.csv"
    assert lab["source"]["path"] == "data.csv"  # relative: the file lies beside it
    assert lab["source"]["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert lab["source"]["size"] == data.stat().st_size
    assert (lab["source"]["rows"], lab["source"]["columns"]) == (400, 4)
    assert lab["output"]["path"] == "public.csv"
    assert lab["output"]["sha256"] == hashlib.sha256(public.read_bytes()).hexdigest()
    assert lab["output"]["rows"] == lab["rows"] and lab["source"]["modified"]


def test_risk_save_outside_the_folder_keeps_the_absolute_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    data = _write(tmp_path / "data.csv")
    a = tmp_path / "in" / "a.hrk.json"
    run(capsys, "new", "--title", "T", "-o", a)
    assert run(capsys, "risk", data, "--key", KEYS, "--save", a)[0] == 0
    fp = json.loads(a.read_text())["risk_lab"]["source"]
    assert fp["path"] == str(data.resolve()) and fp["rows"] == 400


@pytest.mark.parametrize("lang, word", [("en", "contents differ"), ("fi", "sisältö eroaa"),
                                        ("sv", "innehållet skiljer sig")])
def test_validate_warns_when_the_data_changes(puf_saved: Path, lang: str, word: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert "lab_result_stale" not in run(capsys, "validate", "--json", puf_saved)[1]
    data = puf_saved.parent / "data.csv"
    raw = data.read_bytes()
    data.write_bytes(raw.replace(b"North", "Nørth".encode(), 1).replace(b"South", b"Sout", 1))
    assert data.stat().st_size == len(raw)  # the same size: only the hash tells
    code, out, _ = run(capsys, "validate", "--lang", lang, puf_saved)
    assert code == 0  # a warning: the file is still valid
    assert "risk_lab.source" in out and "data.csv" in out and word in out


def test_validate_warns_when_the_public_file_is_gone(puf_saved: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (puf_saved.parent / "public.csv").unlink()
    problems = json.loads(run(capsys, "validate", "--json", puf_saved)[1])["problems"]
    stale = [p for p in problems if p["code"] == "lab_result_stale"]
    assert [(p["path"], p["params"]["change_code"]) for p in stale] == \
        [("risk_lab.output", "missing")]
    assert "public.csv" in stale[0]["message"]


def test_reassess_same_data_holds_and_exits_0(puf_saved: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "reassess", puf_saved, "--json")
    report = json.loads(out)
    assert code == 0 and report["conditions_hold"] and not report["data_changed"]
    assert report["before"]["k"] == report["after"]["k"] >= 5
    assert report["differences"] == []


def test_reassess_new_extract_reports_the_difference(
        puf_saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _write(puf_saved.parent / "new.csv", rows=420, seed=7, tiny=3)
    code, out, _ = run(capsys, "reassess", puf_saved, "--data", new, "--json")
    report = json.loads(out)
    assert code == 1  # the data differ from those measured and nothing was saved
    assert report["data_changed"] and report["conditions_hold"]
    assert report["before"]["rows"] != report["after"]["rows"]
    assert "rows" in report["differences"]
    assert report["after"]["loss"]["records_removed"] >= 0
    # in words, naming the file and what changed
    code, out, _ = run(capsys, "reassess", puf_saved, "--data", new, "--lang", "fi")
    assert code == 1 and "new.csv ei ole aiemmin mitattu aineisto (data.csv)" in out
    assert "Ei tallennettu" in out
    # --save records it: a reassessment in the change log, the new file fingerprinted
    code, out, _ = run(capsys, "reassess", puf_saved, "--data", new, "--save",
                       "--author", "Tarkastaja")
    assert code == 0
    doc = json.loads(puf_saved.read_text())
    assert doc["risk_lab"]["source"]["path"] == "new.csv"
    assert doc["change_log"][-1]["kind"] == "reassessment"
    assert doc["change_log"][-1]["by"] == "Tarkastaja"
    assert run(capsys, "reassess", puf_saved, "--data", new)[0] == 0


def test_reassess_exits_1_when_conditions_fail(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A result saved without protection (risk --save) on safe data; the new extract has a
    unique person, and replaying no steps leaves k = 1."""
    safe = tmp_path / "safe.csv"
    safe.write_text("sex,region\n" + "M,North\n" * 6 + "F,South\n" * 6)
    a = tmp_path / "a.hrk.json"
    run(capsys, "new", "--title", "T", "-o", a)
    assert run(capsys, "risk", safe, "--key", "sex,region", "--save", a)[0] == 0
    new = tmp_path / "new.csv"
    new.write_text(safe.read_text() + "F,Tiny\n")
    code, out, _ = run(capsys, "reassess", a, "--data", new, "--json")
    report = json.loads(out)
    assert code == 1 and not report["conditions_hold"]
    assert (report["before"]["k"], report["after"]["k"]) == (6, 1)
    assert report["after"]["verdict"] == "not_safe"
    # even when saved, conditions that fail keep exit 1
    assert run(capsys, "reassess", a, "--data", new, "--save")[0] == 1


def test_reassess_without_a_result_is_bad_input(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.hrk.json"
    run(capsys, "new", "--title", "T", "-o", a)
    code, _, err = run(capsys, "reassess", a, "--data", _write(tmp_path / "d.csv"), "--lang",
                       "sv")
    assert code == 2 and "inget labbresultat" in err


def test_changed_data_file_is_caught_by_reassess_with_a_message(
        puf_saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The data file itself edited in place: reassess (default --data) exits 1 naming it."""
    data = puf_saved.parent / "data.csv"
    with data.open("a") as f:
        f.write("99,F,Tiny,a\n")
    code, out, _ = run(capsys, "reassess", puf_saved)
    assert code == 1
    assert "data.csv" in out and "has changed (its size differs)" in out


def test_portfolio_lists_due_and_changed(puf_saved: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    other = puf_saved.parent / "b.hrk.json"
    shutil.copy(puf_saved, other)
    run(capsys, "set", other, "decision.outcome=open", "decision.date=2020-01-31")
    assert json.loads(other.read_text())["decision"]["review_due"] == "2021-01-31"
    code, out, _ = run(capsys, "portfolio", "--json", puf_saved.parent)
    assert code == 0
    looks = {Path(a["file"]).name: a for a in json.loads(out)["attention"]}
    assert set(looks) == {"b.hrk.json"} and looks["b.hrk.json"]["review_is_due"]
    (puf_saved.parent / "public.csv").write_text("changed\n")
    _, out, _ = run(capsys, "portfolio", "--lang", "sv", puf_saved.parent)
    assert "b.hrk.json): granskningen förföll 31 jan. 2021" in out
    assert "a.hrk.json): uppgifterna har ändrats sedan de mättes: public.csv" in out


def test_a_review_date_set_by_hand_stays(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.hrk.json"
    run(capsys, "new", "--title", "T", "-o", a)
    run(capsys, "set", a, "decision.outcome=open", "decision.date=2024-02-29")
    assert json.loads(a.read_text())["decision"]["review_due"] == "2025-02-28"
    run(capsys, "set", a, "decision.review_due=2024-09-01")
    run(capsys, "set", a, "decision.date=2024-03-01")
    assert json.loads(a.read_text())["decision"]["review_due"] == "2024-09-01"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
@pytest.mark.parametrize("lang, heading, row", [
    ("fi", "Liite: päätöksenteon kirjaus", "Arvioitu uudelleen uudella"),
    ("sv", "Bilaga: beslutsregister", "Ny bedömning med nya")])
def test_memo_appendix_reads_back_from_the_pdf(puf_saved: Path, lang: str, heading: str,
                                               row: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    new = _write(puf_saved.parent / "new.csv", rows=410, seed=3)
    run(capsys, "reassess", puf_saved, "--data", new, "--save", "--author", "Liisa")
    run(capsys, "set", puf_saved, "gates.G1.value=no", "--author", "Maija")
    pdf = puf_saved.parent / "memo.pdf"
    assert run(capsys, "report", puf_saved, "-o", pdf, "--lang", lang)[0] == 0
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                   capture_output=True, text=True,
                                   env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout.split())
    assert heading in text and row in text and "Liisa" in text and "Maija" in text
    no = {"fi": "ei", "sv": "nej"}[lang]
    assert f"— {no}" in text  # G1 from nothing to no, in the reader's language
    assert "G1" in text and "gates.G1.value" not in text
