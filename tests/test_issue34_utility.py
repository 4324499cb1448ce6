"""Utility measured beside the loss report (``puf``'s ``loss.utility``): IL1s, means,
variances and correlations of numeric variables and category frequencies, each checked
against a computation written here from the published definitions on the files ``puf``
read and wrote (IL1s as sdcMicro defines it: the mean over records and numeric variables of
|x - x'| / (sqrt(2) S_j), S_j the original's standard deviation)."""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from hrk_workbench.cli.program import main

HEADER = ["age", "sex", "town", "income", "hours"]


def people(path: Path, n: int = 120, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        town = "Kauniainen" if i < 2 else rng.choice(["Espoo", "Vantaa", "Helsinki"])
        income = rng.randint(1500, 6000) if i != 5 else 48000
        rows.append([str(rng.randint(18, 80)), rng.choice("MF"), town, str(income),
                     str(rng.randint(10, 40))])
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return rows


def puf(tmp_path: Path, capsys, data: Path, steps: list[dict]) -> dict:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"key_variables": ["age", "sex", "town"], "steps": steps}),
                      encoding="utf-8")
    capsys.readouterr()
    assert main(["puf", str(data), "--recipe", str(recipe), "-o", str(tmp_path / "out.csv"),
                 "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r[name] for r in csv.DictReader(f)]


def floats(values: list[str]) -> np.ndarray:
    return np.array([float(v) if v != "" else np.nan for v in values])


def test_il1s_means_variances_and_correlations(tmp_path, capsys):
    data = tmp_path / "people.csv"
    people(data)
    report = puf(tmp_path, capsys, data, [{"op": "top_code", "column": "income", "at": 5000}])
    utility = report["loss"]["utility"]
    before = {c: floats(column(data, c)) for c in ("income", "hours")}
    after = {c: floats(column(tmp_path / "out.csv", c)) for c in ("income", "hours")}
    terms = []
    for c in ("income", "hours"):
        x, y = before[c], after[c]
        spread = np.std(x, ddof=1)
        t = np.abs(x - y) / (math.sqrt(2) * spread)
        terms.append(t)
        got = utility["numeric"][c]
        assert got["il1s"] == pytest.approx(t.mean(), abs=1e-6)
        assert got["mean"]["before"] == pytest.approx(x.mean(), abs=1e-6)
        assert got["mean"]["after"] == pytest.approx(y.mean(), abs=1e-6)
        assert got["variance"]["before"] == pytest.approx(np.var(x, ddof=1), rel=1e-6)
        assert got["variance"]["after"] == pytest.approx(np.var(y, ddof=1), rel=1e-6)
    assert utility["il1s"] == pytest.approx(np.concatenate(terms).mean(), abs=1e-6)
    assert utility["il1s"] > 0
    assert utility["numeric"]["hours"]["il1s"] == 0
    pair = utility["correlations"]["pairs"][0]
    assert {pair["a"], pair["b"]} == {"income", "hours"}
    assert pair["before"] == pytest.approx(np.corrcoef(before["income"], before["hours"])[0, 1],
                                           abs=1e-6)
    assert pair["after"] == pytest.approx(np.corrcoef(after["income"], after["hours"])[0, 1],
                                          abs=1e-6)
    # ages are a key variable (codes to the loss report): no IL1s or mean of them
    assert "age" not in utility["numeric"]


def test_category_frequencies_name_no_small_category(tmp_path, capsys):
    data = tmp_path / "people.csv"
    rows = people(data)
    report = puf(tmp_path, capsys, data, [{"op": "merge", "column": "town",
                                           "mapping": {"Vantaa": "Espoo"}}])
    assert report["loss"]["records_removed"] == 0
    cats = report["loss"]["utility"]["categories"]
    out_towns = column(tmp_path / "out.csv", "town")
    for entry in cats["town"]["frequencies"]:
        assert entry["before"] == sum(r[2] == entry["value"] for r in rows)
        assert entry["after"] == out_towns.count(entry["value"])
        assert entry["before"] >= 5
    assert {e["value"]: e["after"] for e in cats["town"]["frequencies"]}["Vantaa"] == 0
    named = {e["value"] for e in cats["town"]["frequencies"]}
    assert named == {"Espoo", "Vantaa", "Helsinki"}
    # Kauniainen (two records) is counted, never named
    assert cats["town"]["others"]["before"] == 2
    assert "Kauniainen" not in json.dumps(report["loss"]["utility"])
    changed = sum(a != b for a, b in zip([r[2] for r in rows], out_towns, strict=True))
    assert cats["town"]["changed_share"] == pytest.approx(changed / len(rows), abs=1e-6)
    # the record with the largest income never shows through a median or a category
    assert "48000" not in json.dumps(report["loss"]["utility"])


def test_xlsx_gives_the_same_utility(tmp_path, capsys):
    csv_path = tmp_path / "people.csv"
    rows = people(csv_path, n=60, seed=9)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "people.xlsx")
    steps = [{"op": "top_code", "column": "income", "at": 4000}, {"op": "suppress", "k": 2}]
    from_csv = puf(tmp_path, capsys, csv_path, steps)["loss"]["utility"]
    from_xlsx = puf(tmp_path, capsys, tmp_path / "people.xlsx", steps)["loss"]["utility"]
    assert from_csv == from_xlsx


def test_microaggregation_keeps_means_and_moves_values(tmp_path, capsys):
    data = tmp_path / "people.csv"
    people(data, n=90)
    report = puf(tmp_path, capsys, data, [{"op": "microaggregate",
                                           "columns": ["income", "hours"], "k": 3}])
    utility = report["loss"]["utility"]
    x = floats(column(data, "income"))
    y = floats(column(tmp_path / "out.csv", "income"))
    income = utility["numeric"]["income"]
    # group means keep the overall mean; the spread within groups is what is lost
    assert income["mean"]["change"] == pytest.approx(0, abs=1e-3)
    assert income["variance"]["after"] < income["variance"]["before"]
    assert income["records_compared"] == 90
    assert income["il1s"] == pytest.approx(
        (np.abs(x - y) / (math.sqrt(2) * np.std(x, ddof=1))).mean(), abs=1e-5)
    assert utility["il1s"] > 0
    assert "48000" not in json.dumps(utility)
