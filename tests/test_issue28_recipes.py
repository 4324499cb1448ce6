"""Protection steps change what they say they change (issue 28, points 4 and 7), through
``puf`` on real CSV and XLSX files and through the Risk lab page's computation: dates in
every format a steward's export writes, an unreadable date stops the run (or is blanked
when the step says so), a dropped column leaves the key sets, coordinates to grid squares,
a loss report without identifying values, exit 0 whenever the file is written."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hrk_workbench.cli.program import main


def run(capsys: pytest.CaptureFixture[str], *argv: Any) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_recipe(path: Path, steps: list[dict[str, Any]], **extra: Any) -> Path:
    path.write_text(json.dumps({"steps": steps, **extra}), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def puf(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, recipe: Path,
        *extra: Any) -> tuple[int, str, str, dict[str, Any] | None]:
    out, report = tmp_path / "out.csv", tmp_path / "report.json"
    code, stdout, err = run(capsys, "puf", data, "--recipe", recipe, "-o", out,
                            "--report", report, *extra)
    loaded = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    return code, stdout, err, loaded


DATES = [  # as written, its year-month
    ("1.1.1980", "1980-01"), ("02/02/1981", "1981-02"), ("1982-03-03", "1982-03"),
    ("19830404", "1983-04"), ("2021-12-31T23:30:00+02:00", "2021-12"),
    ("2021-03-04T08:00:00Z", "2021-03"), ("4.3.2021 12:30", "2021-03"),
    ("2021-03-04 00:00:00", "2021-03"), ("2020-02-29T10:15:30.250-05:00", "2020-02"),
    ("", ""),
]


@pytest.mark.parametrize("to", ["year", "month"])
def test_dates_in_every_format(tmp_path, capsys, to):
    data = write_csv(tmp_path / "d.csv", ["id", "pvm"],
                     [[i, written] for i, (written, _) in enumerate(DATES)])
    recipe = write_recipe(tmp_path / "r.json", [{"op": "date", "column": "pvm", "to": to}])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err
    got = [r["pvm"] for r in read_rows(tmp_path / "out.csv")]
    assert got == [m if to == "month" else m[:4] for _, m in DATES]
    assert report["steps"][0]["values_changed"] == len(DATES) - 1


def test_excel_date_cells(tmp_path, capsys):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "syntymaaika", "kaynti"])
    sheet.append([1, dt.date(1980, 1, 31), dt.datetime(2021, 3, 4, 12, 30)])
    sheet.append([2, dt.date(1975, 12, 1), "4.3.2021"])
    sheet.append([3, dt.datetime(1990, 6, 15), "20210305"])
    book.save(tmp_path / "d.xlsx")
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "date", "column": "syntymaaika", "to": "year"},
        {"op": "date", "column": "kaynti", "to": "month"}])
    code, _out, err, _report = puf(capsys, tmp_path, tmp_path / "d.xlsx", recipe)
    assert code == 0, err
    rows = read_rows(tmp_path / "out.csv")
    assert [r["syntymaaika"] for r in rows] == ["1980", "1975", "1990"]
    assert [r["kaynti"] for r in rows] == ["2021-03", "2021-03", "2021-03"]


@pytest.mark.parametrize("bad", ["31.2.2021", "13/13/2020", "maaliskuu 2021", "2021-03-06Z",
                                 "1.1.80"])
def test_an_unreadable_date_stops_the_run_naming_it(tmp_path, capsys, bad):
    data = write_csv(tmp_path / "d.csv", ["id", "syntymaaika"],
                     [[1, "1.1.1980"], [2, "2.2.1981"], [3, bad], [4, "4.4.1984"]])
    recipe = write_recipe(tmp_path / "r.json",
                          [{"op": "date", "column": "syntymaaika", "to": "year"}])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 2
    assert "syntymaaika" in err and "line 4" in err and bad in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists() and report is None  # nothing published


def test_an_unreadable_date_in_finnish(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["syntymaaika"], [["1.1.1980"], ["30.2.1981"]])
    recipe = write_recipe(tmp_path / "r.json",
                          [{"op": "date", "column": "syntymaaika", "to": "month"}])
    code, _out, err, _report = puf(capsys, tmp_path, data, recipe, "--lang", "fi")
    assert code == 2 and "rivillä 3" in err and "30.2.1981" in err and "syntymaaika" in err


def test_a_year_alone_cannot_become_a_month(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["v"], [["2021-03"], ["2021"]])
    recipe = write_recipe(tmp_path / "r.json", [{"op": "date", "column": "v", "to": "month"}])
    code, _out, err, _report = puf(capsys, tmp_path, data, recipe)
    assert code == 2 and "line 3" in err


def test_unreadable_dates_are_suppressed_when_the_step_says_so(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", ["id", "syntymaaika"],
                     [[1, "1.1.1980"], [2, "1980-02-30"], [3, "tuntematon"], [4, ""]])
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "date", "column": "syntymaaika", "to": "year", "on_error": "suppress"}])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err
    assert [r["syntymaaika"] for r in read_rows(tmp_path / "out.csv")] == ["1980", "", "", ""]
    assert report["steps"][0]["values_suppressed"] == 2
    assert report["steps"][0]["values_changed"] == 1
    text = json.dumps(report)
    assert "tuntematon" not in text and "1980-02-30" not in text


def _people(n: int = 60) -> list[list[Any]]:
    rows = []
    for i in range(n):
        rows.append([f"{(i % 28) + 1:02d}0{i % 9}8{i % 10}-{100 + i}A",
                     f"{(i % 28) + 1}.{(i % 12) + 1}.19{50 + i % 40}", 30 + i % 40,
                     ["091", "049", "092"][i % 3] if i != 7 else "978",  # one lone kunta
                     "MN"[i % 2], f"{3000 + 10 * i}"])
    return rows


PEOPLE = ["hetu", "syntymaaika", "ika", "kunta", "sukupuoli", "tulot"]


def test_dropped_columns_leave_the_key_set_then_suppression_works(tmp_path, capsys):
    data = write_csv(tmp_path / "p.csv", PEOPLE, _people())
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "remove_direct_identifiers", "columns": ["hetu"]},
        {"op": "drop", "columns": ["syntymaaika", "ika"]},
        {"op": "suppress", "k": 5}],
        key_variables=["syntymaaika", "ika", "kunta", "sukupuoli"], sensitive=["tulot"])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err
    assert report["steps"][2]["columns"] == ["kunta", "sukupuoli"]
    rows = read_rows(tmp_path / "out.csv")
    assert set(rows[0]) == {"kunta", "sukupuoli", "tulot"}
    classes: dict[tuple[str, str], int] = {}
    for r in rows:  # a blanked value is a category of its own
        classes[(r["kunta"], r["sukupuoli"])] = classes.get((r["kunta"], r["sukupuoli"]), 0) + 1
    assert min(classes.values()) >= 5
    assert report["risk_after"]["k"] >= 5
    assert report["risk_after"]["key_variables"] == ["kunta", "sukupuoli"]


def test_the_report_holds_no_identifying_value(tmp_path, capsys):
    rows = _people()
    data = write_csv(tmp_path / "p.csv", PEOPLE, rows)
    key = tmp_path / "k.key"
    key.write_text("0123456789abcdef" * 4, encoding="utf-8")
    key.chmod(0o600)
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "pseudonymise", "columns": ["hetu"]},
        {"op": "date", "column": "syntymaaika", "to": "year"},
        {"op": "exclude", "k": 3}],
        key_variables=["kunta", "sukupuoli"], sensitive=["tulot"])
    code, out, err, report = puf(capsys, tmp_path, data, recipe, "--key-file", key, "--json")
    assert code == 0, err
    written = read_rows(tmp_path / "out.csv")
    text = json.dumps(report, ensure_ascii=False) + out
    for r in rows:
        assert r[0] not in text  # identity codes
    for r in written:
        assert r["hetu"] not in text  # pseudonyms
    assert "978" not in text  # the lone municipality whose record was removed
    assert report["loss"]["records_removed"] == 1
    assert report["loss"]["variables"]["hetu"]["lost_most"] == []
    for variable in report["loss"]["variables"].values():
        for category in variable.get("lost_most", []):
            assert category["records"] >= 5
    assert "978" not in json.dumps(report["risk_before"])


def test_puf_exits_0_when_written_and_keeps_its_report_keys(tmp_path, capsys):
    data = write_csv(tmp_path / "p.csv", PEOPLE, _people())
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "drop", "columns": ["hetu", "syntymaaika", "ika", "kunta", "sukupuoli"]}],
        key_variables=["ika", "kunta"])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err and (tmp_path / "out.csv").exists()
    assert {"risk_before", "risk_after", "verdict", "loss"} <= set(report)
    assert report["risk_after"] is None and report["verdict"] is None
    # with --save, a file nothing can be measured on is refused before anything is written
    from helpers import make

    from hrk_workbench.model.store import save_assessment

    (tmp_path / "out.csv").unlink()
    (tmp_path / "report.json").unlink()
    save_assessment(make(title={"en": "x"}), tmp_path / "a.hrk.json", author="t")
    code, _out, err, report = puf(capsys, tmp_path, data, recipe, "--save",
                                  tmp_path / "a.hrk.json")
    assert code == 2 and "key" in err
    assert not (tmp_path / "out.csv").exists() and report is None


def test_coordinates_to_grid_squares(tmp_path, capsys):
    data = write_csv(tmp_path / "c.csv", ["id", "x", "y", "laji"], [
        [1, "385123.4", "6672456", "a"], [2, "385999", "6672001", "b"],
        [3, "386500", "6673999", "a"], [4, "", "", "b"]])
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "grid", "columns": ["x", "y"], "size_m": 1000, "into": "ruutu"}])
    code, _out, err, report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err
    rows = read_rows(tmp_path / "out.csv")
    assert list(rows[0]) == ["id", "ruutu", "laji"]
    assert [r["ruutu"] for r in rows] == ["1kmN6672E385", "1kmN6672E385", "1kmN6673E386", ""]
    assert report["loss"]["variables"]["x"] == {"dropped": True}
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "grid", "columns": ["x", "y"], "size_m": 250}])
    code, _out, err, _report = puf(capsys, tmp_path, data, recipe)
    assert code == 0, err
    assert read_rows(tmp_path / "out.csv")[0]["grid"] == "250mN26689E1540"


def test_grid_refuses_degrees_and_names_a_bad_coordinate(tmp_path, capsys):
    data = write_csv(tmp_path / "c.csv", ["lat", "lon"], [["60.1699", "24.9384"]])
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "grid", "columns": ["lon", "lat"], "size_m": 1000}])
    code, _out, err, _r = puf(capsys, tmp_path, data, recipe)
    assert code == 2 and "degrees" in err and not (tmp_path / "out.csv").exists()
    data = write_csv(tmp_path / "c.csv", ["x", "y"], [["385000", "6672000"], ["n/a", "1"]])
    recipe = write_recipe(tmp_path / "r.json", [
        {"op": "grid", "columns": ["x", "y"], "size_m": 1000}])
    code, _out, err, _r = puf(capsys, tmp_path, data, recipe)
    assert code == 2 and "n/a" in err and "line 3" in err and "x" in err


def test_the_risk_lab_page_applies_the_same_steps(tmp_path):
    """The Risk lab page's computation (what its Apply runs) on a real workbook."""
    pytest.importorskip("PySide6")
    from openpyxl import Workbook

    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.microdata.recipe import Recipe
    from hrk_workbench.gui.labs.data import compute

    book = Workbook()
    sheet = book.active
    sheet.append(PEOPLE)
    for r in _people():
        sheet.append([r[0], dt.date(1900 + int(r[1].split(".")[2][2:]) + 0, 1, 1), *r[2:]])
    book.save(tmp_path / "p.xlsx")
    frame = read_table(tmp_path / "p.xlsx")
    recipe = Recipe.model_validate({
        "key_variables": ["syntymaaika", "ika", "kunta", "sukupuoli"], "sensitive": ["tulot"],
        "steps": [{"op": "remove_direct_identifiers", "columns": ["hetu"]},
                  {"op": "date", "column": "syntymaaika", "to": "year"},
                  {"op": "drop", "columns": ["syntymaaika", "ika"]},
                  {"op": "suppress", "k": 5}]})

    class Quiet:
        def report(self, *_: Any) -> None:
            pass

    result = compute(Quiet(), frame, recipe, None, "p.xlsx")
    assert result.after is not None and result.after.k >= 5
    assert list(result.after.key_variables) == ["kunta", "sukupuoli"]
    text = json.dumps(result.loss, ensure_ascii=False)
    assert "978" not in text and not any(r[0] in text for r in _people())
