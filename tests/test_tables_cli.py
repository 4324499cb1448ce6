"""``hrk-workbench tables`` and ``hrk-workbench audit`` end to end: files in, files out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
from helpers import write_microdata1

from hrk_workbench.cli.program import main

DATA = Path(__file__).resolve().parent / "data" / "tables"


def _firms(path: Path) -> Path:
    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame({
        "industry": rng.choice(["A", "B", "C", "D", "E"], n, p=[.3, .3, .2, .15, .05]),
        "region": rng.choice(["Uusimaa", "Pirkanmaa", "Lappi", "=cmd"], n,
                             p=[.5, .3, .15, .05]),
        "turnover": [f"{v:.1f}".replace(".", ",") for v in rng.lognormal(5, 1.2, n)],
    })
    frame.to_csv(path, index=False, sep=";")
    return path


def test_tables_writes_every_cell_and_the_json_summary(tmp_path, capsys):
    data = _firms(tmp_path / "firms.csv")
    out = tmp_path / "protected.csv"
    status_file = tmp_path / "status.csv"
    code = main(["tables", str(data), "--rows", "industry", "--cols", "region",
                 "--value", "turnover", "-o", str(out), "--json", "--status", str(status_file)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    for key in ("cells", "primary", "secondary", "audit_ok", "audit_failures"):
        assert key in summary
    assert summary["audit_ok"] is True and summary["audit_failures"] == []
    assert summary["primary"] > 0 and summary["cells"] == 6 * 5
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["industry", "region", "value"]  # nothing but what is published
    assert len(rows) == 30
    assert rows[0]["industry"] == "Total" and rows[0]["region"] == "Total"
    with status_file.open(encoding="utf-8", newline="") as handle:
        status = list(csv.DictReader(handle))
    assert [(r["industry"], r["region"]) for r in status] == \
        [(r["industry"], r["region"]) for r in rows]
    assert {r["status"] for r in status} <= {"published", "primary", "secondary"}
    assert all((r["value"] == "") == (s["status"] != "published")
               for r, s in zip(rows, status, strict=True))
    assert all(r["rule"] for r in status if r["status"] == "primary")
    assert "'=cmd" in {r["region"] for r in rows}  # a formula-like code is neutralised
    assert not any(r["region"].startswith("=") for r in rows)

    # the published file audits clean, and a hidden secondary cell put back is found
    assert main(["audit", str(out), "--json", "--rules", "width=3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["audit_ok"] is True
    assert len(report["intervals"]) == summary["primary"] + summary["secondary"]


def test_audit_finds_a_secondary_cell_put_back(tmp_path, capsys):
    data = write_microdata1(tmp_path / "microdata1.csv")
    out, everything = tmp_path / "protected.csv", tmp_path / "all.csv"
    assert main(["tables", str(data), "--rows", "region", "--cols", "gender",
                 "-o", str(out), "--status", str(tmp_path / "status.csv")]) == 0
    assert main(["tables", str(data), "--rows", "region", "--cols", "gender",
                 "--min-frequency", "0", "-o", str(everything)]) == 0
    capsys.readouterr()
    with everything.open(encoding="utf-8") as handle:
        truth = {(r["region"], r["gender"]): r["value"] for r in csv.DictReader(handle)}
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "status.csv").open(encoding="utf-8") as handle:
        status = {(r["region"], r["gender"]): r["status"] for r in csv.DictReader(handle)}
    secondary = next(r for r in rows if status[(r["region"], r["gender"])] == "secondary")
    secondary["value"] = truth[(secondary["region"], secondary["gender"])]
    tampered = tmp_path / "tampered.csv"
    with tampered.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["audit", str(out), "--min-frequency", "3"]) == 0
    capsys.readouterr()
    assert main(["audit", str(tampered), "--json", "--min-frequency", "3"]) == 1
    failures = json.loads(capsys.readouterr().out)["audit_failures"]
    assert failures[0]["cell"] == {"region": "A", "gender": "female"}
    assert "exact" in failures[0]["missed"]


def test_tables_counts_with_hierarchy_and_xlsx(tmp_path, capsys):
    hrc = tmp_path / "region.hrc"
    hrc.write_text("N\n@A\n@B\nS\n@C\n@D\n", encoding="utf-8")
    out = tmp_path / "t.xlsx"
    code = main(["tables", str(write_microdata1(tmp_path / "m.csv")), "--rows", "region",
                 "--cols", "gender", "--hierarchy", f"region={hrc}", "-o", str(out),
                 "--json", "--dominance", "2,90"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["kind"] == "frequency" and summary["cells"] == 7 * 3
    assert summary["hierarchy_depths"] == [2, 1] and summary["audit_ok"]
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    values = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ".." in values


def test_bad_options_are_one_line_problems(tmp_path, capsys):
    data = _firms(tmp_path / "firms.csv")
    code = main(["tables", str(data), "--rows", "industry", "--dominance", "x",
                 "-o", str(tmp_path / "o.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--dominance" in err and "Traceback" not in err
    code = main(["tables", str(data), "--rows", "industry", "--hierarchy", "nope=f.csv",
                 "-o", str(tmp_path / "o.csv"), "--lang", "fi"])
    assert code == 2
    assert "ei kelpaa" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()
