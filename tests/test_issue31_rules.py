"""Issue 31, points 3-7: holdings, sampling weights, a public file that holds only what may
be published, the (p,q) rule, and large values and long solves. All through the CLI on real
CSV microdata with hierarchies from CSV and .hrc files, and checked independently (pandas
for the rules, scipy's LP for what a reader can derive from the public file)."""

from __future__ import annotations

import csv
import itertools
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hrk_workbench.cli.program import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _status(path: Path, dims: list[str]) -> dict[tuple[str, ...], dict[str, str]]:
    return {tuple(r[d] for d in dims): r for r in _read(path)}


# --- 3. holdings --------------------------------------------------------------------------------

def _firms_with_owners(path: Path) -> Path:
    """Firms by industry (under a .hrc hierarchy) and region; group G1 owns two firms of
    450 each in A1 / North (90 % of the cell), and G9 owns one firm in A1 and one in A2 of
    the South whose sum dominates the A / South subtotal but neither finest cell."""
    rows = [("A1", "North", "f1", "G1", 450), ("A1", "North", "f2", "G1", 450),
            ("A1", "North", "f3", "G2", 40), ("A1", "North", "f4", "G3", 30),
            ("A1", "North", "f5", "", 30),
            ("A1", "South", "f6", "G9", 300), ("A1", "South", "f7", "G5", 250),
            ("A1", "South", "f8", "G6", 240), ("A1", "South", "f9", "G7", 10),
            ("A2", "South", "f10", "G9", 900), ("A2", "South", "f11", "G8", 500),
            ("A2", "South", "f12", "G10", 490), ("A2", "South", "f13", "G11", 20)]
    rng = np.random.default_rng(31)
    for i in range(40):  # an ordinary industry, many small firms
        rows.append(("B1", str(rng.choice(["North", "South"])), f"b{i}", f"H{i}",
                     int(rng.integers(50, 150))))
    for i in range(6):
        rows.append(("A2", "North", f"n{i}", f"K{i}", 100 + i))
    pd.DataFrame(rows, columns=["industry", "region", "firm", "owner", "turnover"]) \
        .to_csv(path, index=False)
    return path


def _dominated(frame: pd.DataFrame, by: str, parents: dict[str, str]) -> set[tuple[str, str]]:
    """Independently: every cell (margins too) whose largest ``by`` holds over 80 %."""
    out = set()
    frame = frame.assign(_who=frame[by].fillna("").where(frame[by].fillna("") != "",
                                                         "row" + frame.index.astype(str)))
    chains = {code: [code] for code in frame["industry"].unique()}
    for chain in chains.values():
        while chain[-1] in parents:
            chain.append(parents[chain[-1]])
    for ind, reg in itertools.product(["Total", "A", "B", "A1", "A2", "B1"],
                                      ["Total", "North", "South"]):
        inside = np.array([ind in chains[c] for c in frame["industry"]])
        sel = frame[inside & ((frame["region"] == reg) | (reg == "Total")).to_numpy()]
        if len(sel) and sel.groupby("_who")["turnover"].sum().max() > 0.8 * sel["turnover"].sum():
            out.add((ind, reg))
    return out


def test_holdings_make_an_owner_of_two_firms_one_contributor(tmp_path, capsys):
    data = _firms_with_owners(tmp_path / "firms.csv")
    hrc = tmp_path / "industry.hrc"
    hrc.write_text("A\n@A1\n@A2\nB\n@B1\n", encoding="utf-8")
    dims = ["industry", "region"]
    common = [str(data), "--rows", "industry", "--cols", "region", "--value", "turnover",
              "--hierarchy", f"industry={hrc}", "--dominance", "1,80", "--p-percent", "0"]
    code, _, _ = _run(capsys, "tables", *common, "-o", str(tmp_path / "units.csv"),
                          "--status", str(tmp_path / "units-status.csv"))
    assert code == 0
    by_unit = _status(tmp_path / "units-status.csv", dims)
    assert by_unit[("A1", "North")]["status"] != "primary"  # two firms of 45 % each

    out, status_file = tmp_path / "owners.csv", tmp_path / "owners-status.csv"
    code, summary, _ = _run(capsys, "tables", *common, "--holding", "owner", "-o", str(out),
                            "--status", str(status_file))
    assert code == 0 and summary["audit_ok"] is True
    status = _status(status_file, dims)
    assert status[("A1", "North")]["status"] == "primary"
    assert status[("A1", "North")]["rule"] == "dominance_1_80"
    # held-out: the primary cells are exactly those a holding dominates, margins included
    parents = {"A1": "A", "A2": "A", "B1": "B", "A": "Total", "B": "Total"}
    expected = _dominated(pd.read_csv(data, dtype={"owner": str}), "owner", parents)
    flagged = {k for k, r in status.items() if r["status"] == "primary"}
    assert flagged == expected and ("A", "South") not in flagged  # G9: 1200 of 2710
    # the public file shows none of it, and audits clean alone and with the status
    public = _read(out)
    assert list(public[0]) == [*dims, "value"]
    assert all(r["value"] == "" for r in public
               if status[(r["industry"], r["region"])]["status"] != "published")
    for extra in ([], ["--status", str(status_file)]):
        code, report, _ = _run(capsys, "audit", str(out), "--hierarchy", f"industry={hrc}",
                               *extra)
        assert code == 0 and report["audit_ok"] is True, report


def test_a_holding_spread_over_two_cells_dominates_their_margin(tmp_path, capsys):
    data = tmp_path / "firms.csv"
    rows = [("A1", "f1", "G1", 500), ("A1", "f2", "X1", 300), ("A1", "f3", "X2", 250),
            ("A1", "f4", "X3", 200), ("A2", "f5", "G1", 500), ("A2", "f6", "X4", 300),
            ("A2", "f7", "X5", 250), ("A2", "f8", "X6", 200)]
    for i in range(12):
        rows.append(("B1", f"b{i}", f"Y{i}", 100 + i))
    pd.DataFrame(rows, columns=["industry", "firm", "owner", "turnover"]).to_csv(data,
                                                                                  index=False)
    hier = tmp_path / "industry.csv"
    hier.write_text("code,parent\nA,\nB,\nA1,A\nA2,A\nB1,B\n", encoding="utf-8")
    status_file = tmp_path / "s.csv"
    code, _, _ = _run(capsys, "tables", str(data), "--rows", "industry", "--value", "turnover",
                      "--hierarchy", f"industry={hier}", "--holding", "owner",
                      "--dominance", "1,40", "--p-percent", "0", "-o", str(tmp_path / "t.csv"),
                      "--status", str(status_file))
    assert code == 0
    status = _status(status_file, ["industry"])
    # G1 holds 500 of 1250 in A1 and in A2 (40 %, not over) but 1000 of 2500 in A ... and
    # the rule is strict: over 40 % only at A, where G1's two firms add up: 1000/2500 = 40 %
    assert status[("A1",)]["status"] != "primary" and status[("A2",)]["status"] != "primary"
    code, _, _ = _run(capsys, "tables", str(data), "--rows", "industry", "--value", "turnover",
                      "--hierarchy", f"industry={hier}", "--holding", "owner",
                      "--dominance", "1,39", "--p-percent", "0", "-o", str(tmp_path / "u.csv"),
                      "--status", str(status_file))
    status = _status(status_file, ["industry"])
    assert code == 0 and status[("A",)]["status"] == "primary"  # 1000/2500 > 39 %
    assert "dominance_1_39" in status[("A",)]["rule"]
    code, _, _ = _run(capsys, "tables", str(data), "--rows", "industry", "--value", "turnover",
                      "--hierarchy", f"industry={hier}", "--dominance", "1,39",
                      "--p-percent", "0", "-o", str(tmp_path / "v.csv"),
                      "--status", str(status_file))
    assert code == 0 and _status(status_file, ["industry"])[("A",)]["status"] != "primary"


def test_holding_needs_microdata(tmp_path, capsys):
    data = _firms_with_owners(tmp_path / "firms.csv")
    code, summary, err = _run(capsys, "tables", str(data), "--rows", "industry", "--holding",
                              "owner", "-o", str(tmp_path / "count.csv"))
    assert code == 0 and "holding column owner is not used" in err
    assert [w["code"] for w in summary["warnings"]] == ["table_holding_unused"]
    for lang, word in (("en", "--aggregated"), ("fi", "--holding"), ("sv", "--holding")):
        code, _, err = _run(capsys, "tables", str(data), "--rows", "industry", "--aggregated",
                            "--value", "turnover", "--holding", "owner", "-o",
                            str(tmp_path / "t.csv"), "--lang", lang)
        assert code == 2 and word in err and "Traceback" not in err


# --- 4. sampling weights ------------------------------------------------------------------------

def _survey(path: Path) -> Path:
    """Respondents by region and sex with a sampling weight and an income; East / F has 2
    respondents of weight 80 each (160 persons published)."""
    rng = np.random.default_rng(4)
    rows = []
    for region, sex in itertools.product(["North", "South", "East"], ["F", "M"]):
        n = 2 if (region, sex) == ("East", "F") else int(rng.integers(5, 12))
        for _ in range(n):
            weight = 80.0 if (region, sex) == ("East", "F") else float(rng.choice([1.5, 12.25,
                                                                                    30.0]))
            rows.append((region, sex, weight, int(rng.integers(1000, 5000))))
    pd.DataFrame(rows, columns=["region", "sex", "w", "income"]).to_csv(path, index=False)
    return path


def test_weights_publish_weighted_values_and_rules_judge_respondents(tmp_path, capsys):
    data = _survey(tmp_path / "survey.csv")
    dims = ["region", "sex"]
    out, status_file = tmp_path / "t.csv", tmp_path / "s.csv"
    code, summary, _ = _run(capsys, "tables", str(data), "--rows", "region", "--cols", "sex",
                            "--weight", "w", "-o", str(out), "--status", str(status_file))
    assert code == 0 and summary["audit_ok"] is True
    status = _status(status_file, dims)
    assert status[("East", "F")]["status"] == "primary"
    assert status[("East", "F")]["rule"] == "frequency"
    assert float(status[("East", "F")]["required_width"]) == pytest.approx(3 * 80)
    # held-out: published = weighted sums (pandas), primary = fewer than 3 respondents
    frame = pd.read_csv(data)
    public = {(r["region"], r["sex"]): r["value"] for r in _read(out)}
    for (region, sex), value in public.items():
        sel = frame[((frame.region == region) | (region == "Total"))
                    & ((frame.sex == sex) | (sex == "Total"))]
        if status[(region, sex)]["status"] == "published":
            assert Decimal(value) == Decimal(str(sel["w"].sum()))
        assert (status[(region, sex)]["status"] == "primary") == (len(sel) < 3)
    # magnitude: the p% rule on the unweighted incomes, the values weighted
    code, summary, _ = _run(capsys, "tables", str(data), "--rows", "region", "--cols", "sex",
                            "--value", "income", "--weight", "w", "-o", str(out),
                            "--status", str(status_file))
    assert code == 0 and summary["kind"] == "magnitude"
    public = {(r["region"], r["sex"]): r["value"] for r in _read(out)}
    north = frame[frame.region == "North"]
    assert Decimal(public[("North", "Total")]) == \
        Decimal(str((north.w * north.income).sum()))
    # the audit of the public file with the status: the 240 wide interval is checked
    code, report, _ = _run(capsys, "audit", str(out), "--status", str(status_file))
    assert code == 0 and report["audit_ok"] is True
    # and without --weight the same respondents are a plain count
    code, summary, _ = _run(capsys, "tables", str(data), "--rows", "region", "--cols", "sex",
                            "-o", str(out))
    assert {(r["region"], r["sex"]): r["value"] for r in _read(out)}[("North", "F")] == \
        str(int(((frame.region == "North") & (frame.sex == "F")).sum()))


def test_a_bad_weight_names_its_row_in_every_language(tmp_path, capsys):
    data = tmp_path / "survey.csv"
    data.write_text("region,w\nA,2\nA,\nB,4\n", encoding="utf-8")
    for lang, words in (("en", "row 3"), ("fi", "rivi 3"), ("sv", "rad 3")):
        code, _, err = _run(capsys, "tables", str(data), "--rows", "region", "--weight", "w",
                            "-o", str(tmp_path / "t.csv"), "--lang", lang)
        assert code == 2 and words in err and "w" in err and "Traceback" not in err
    data.write_text("region,w,n\nA,2,1\nB,-1,1\n", encoding="utf-8")
    code, _, err = _run(capsys, "tables", str(data), "--rows", "region", "--weight", "w",
                        "-o", str(tmp_path / "t.csv"))
    assert code == 2 and "row 3" in err
    code, _, err = _run(capsys, "tables", str(data), "--rows", "region", "--weight", "w",
                        "--count", "n", "-o", str(tmp_path / "t.csv"))
    assert code == 2 and "--count" in err and not (tmp_path / "t.csv").exists()


# --- 5. the public file -------------------------------------------------------------------------

def test_the_public_file_has_codes_and_plain_values_only(tmp_path, capsys):
    data = tmp_path / "balances.csv"
    rng = np.random.default_rng(8)
    rows = [(str(rng.choice(["01", "02", "03"])), str(rng.choice(["x", "y"])),
             float(rng.integers(-500, 3000))) for _ in range(60)]
    rows += [("04", "x", 5e15)] * 4  # 20000000000000000, which str() writes 2e+16
    rows += [("04", "y", v) for v in (-7.0, 3.0, -2.0, 1.0, -4.0)]  # published: -9
    pd.DataFrame(rows, columns=["unit", "kind", "balance"]).to_csv(data, index=False)
    out, status_file = tmp_path / "public.csv", tmp_path / "status.csv"
    code, summary, _ = _run(capsys, "tables", str(data), "--rows", "unit", "--cols", "kind",
                            "--value", "balance", "--symbol", "..", "-o", str(out),
                            "--status", str(status_file))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "unit,kind,value"
    assert "e+" not in text and "E+" not in text  # plain numbers, never an exponent
    public = _read(out)
    status = _status(status_file, ["unit", "kind"])
    values = [r["value"] for r in public]
    assert all(v == ".." for r, v in zip(public, values, strict=True)
               if status[(r["unit"], r["kind"])]["status"] != "published")
    assert {r["value"] for r in public if (r["unit"], r["kind"]) == ("04", "y")} == {"-9"}
    assert {r["value"] for r in public if (r["unit"], r["kind"]) == ("04", "x")} == \
        {"20000000000000000"}
    # the primary cells are in --json and the status file, never in the public file
    assert {tuple(c[d] for d in ("unit", "kind")) for c in summary["primary_cells"]} == \
        {k for k, r in status.items() if r["status"] == "primary"}
    assert all(c["rule"] for c in summary["primary_cells"])
    assert summary["status_file"] == str(status_file)


def test_audit_reads_the_symbol_alone_and_the_status_when_given(tmp_path, capsys):
    from helpers import write_microdata1

    data = write_microdata1(tmp_path / "microdata1.csv")
    out, status_file = tmp_path / "public.csv", tmp_path / "status.csv"
    code, summary, _ = _run(capsys, "tables", str(data), "--rows", "region", "--cols",
                            "gender", "--symbol", "..", "-o", str(out),
                            "--status", str(status_file))
    assert code == 0
    code, alone, _ = _run(capsys, "audit", str(out), "--min-frequency", "3")
    assert code == 0 and len(alone["intervals"]) == summary["primary"] + summary["secondary"]
    assert all(c["required"] for c in alone["intervals"])  # which are primary is unknown
    code, told, _ = _run(capsys, "audit", str(out), "--status", str(status_file))
    assert code == 0
    required = {(c["region"], c["gender"]) for c in told["intervals"] if c["required"]}
    assert required == {(c["region"], c["gender"]) for c in summary["primary_cells"]}
    # a status file of another table is refused, naming the cell
    other = tmp_path / "other.csv"
    other.write_text("region,gender,status\nZ,male,primary\n", encoding="utf-8")
    code, _, err = _run(capsys, "audit", str(out), "--status", str(other))
    assert code == 2 and "Z / male" in err and "Traceback" not in err


# --- 6. the (p,q) rule --------------------------------------------------------------------------

def test_the_pq_rule_flags_what_p_percent_passes(tmp_path, capsys):
    data = tmp_path / "firms.csv"
    # cell X: x1 = 100, x2 = 10, the rest 15. p% (10): 10 - 15 < 0, safe.
    # (p,q) = (10, 50): 0.5 * 15 = 7.5 < 10, sensitive; the protection is 10 - 7.5 = 2.5
    rows = [("X", 100), ("X", 10), ("X", 5), ("X", 5), ("X", 5)]
    rows += [("Y", 40 + i) for i in range(8)] + [("Z", 30 + i) for i in range(8)]
    pd.DataFrame(rows, columns=["industry", "turnover"]).to_csv(data, index=False)
    base = [str(data), "--rows", "industry", "--value", "turnover", "--dominance", "off",
            "-o", str(tmp_path / "t.csv"), "--status", str(tmp_path / "s.csv")]
    code, summary, _ = _run(capsys, "tables", *base)
    assert code == 0 and summary["primary"] == 0 and "pq" not in summary["rules"]
    for given in (["--pq", "10,50"], ["--pq"]):  # the forms' pq_p 10 and pq_q 50
        code, summary, _ = _run(capsys, "tables", *base, *given)
        assert code == 0 and summary["rules"]["pq"] == [10.0, 50.0]
        status = _status(tmp_path / "s.csv", ["industry"])
        assert status[("X",)]["status"] == "primary" and status[("X",)]["rule"] == "pq"
        assert float(status[("X",)]["required_width"]) == pytest.approx(5.0)
    code, summary, _ = _run(capsys, "tables", *base, "--pq", "10,90")  # 0.9 * 15 > 10
    assert code == 0 and summary["primary"] == 0
    code, _, err = _run(capsys, "tables", *base, "--pq", "50,10")
    assert code == 2 and "--pq" in err


# --- 7. large values and long solves -------------------------------------------------------------

def _euros(path: Path, rows: int = 900) -> Path:
    rng = np.random.default_rng(77)
    frame = pd.DataFrame({
        "industry": rng.choice(["A1", "A2", "B1", "B2", "C1"], rows),
        "region": rng.choice(["R1", "R2", "R3", "R4"], rows),
        "size": rng.choice(["s", "l"], rows),
        "turnover": [f"{v:.2f}" for v in rng.uniform(1e6, 3e9, rows)],
    })
    frame.loc[len(frame)] = ["C1", "R4", "l", "2999999999.99"]
    frame.to_csv(path, index=False)
    return path


def _outside_intervals(rows: list[dict[str, str]], dims: list[str],
                       children: list[dict[str, list[str]]]) -> dict[tuple, tuple]:
    """An independent attacker: every suppressed cell's range by scipy's LP, in cents."""
    from scipy.optimize import linprog

    keys = [tuple(r[d] for d in dims) for r in rows]
    where = {k: i for i, k in enumerate(keys)}
    known = {i: int(Decimal(r["value"]) * 100) for i, r in enumerate(rows) if r["value"]}
    hidden = [i for i in range(len(rows)) if i not in known]
    col = {i: j for j, i in enumerate(hidden)}
    a_eq, b_eq = [], []
    for key in keys:
        for d, tree in enumerate(children):
            kids = tree.get(key[d])
            if not kids:
                continue
            row, rhs = np.zeros(len(hidden)), 0.0
            for sign, k in [(1, key), *[(-1, (*key[:d], c, *key[d + 1:])) for c in kids]]:
                j = where[k]
                if j in known:
                    rhs -= sign * known[j]
                else:
                    row[col[j]] += sign
            if row.any():
                a_eq.append(row / 1e6)
                b_eq.append(rhs / 1e6)
    out = {}
    for i in hidden:
        ends = []
        for sign in (1, -1):
            c = np.zeros(len(hidden))
            c[col[i]] = sign
            res = linprog(c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None),
                          method="highs")
            assert res.status in (0, 3), res.message
            ends.append(np.inf if res.status == 3 else sign * res.fun * 1e6)
        out[keys[i]] = (ends[0], ends[1])
    return out


def test_euros_with_cents_at_a_billion_protect_and_audit_without_false_findings(tmp_path,
                                                                               capsys):
    data = _euros(tmp_path / "euros.csv")
    hier = tmp_path / "industry.csv"
    hier.write_text("code,parent\nA,\nB,\nC,\nA1,A\nA2,A\nB1,B\nB2,B\nC1,C\n",
                    encoding="utf-8")
    out, status_file = tmp_path / "t.csv", tmp_path / "s.csv"
    dims = ["industry", "region", "size"]
    code, summary, err = _run(capsys, "tables", str(data), "--rows", "industry", "--cols",
                              "region", "--layer", "size", "--value", "turnover",
                              "--hierarchy", f"industry={hier}", "--min-frequency", "25",
                              "-o", str(out), "--status", str(status_file))
    assert code == 0, err
    assert summary["audit_ok"] is True and summary["primary"] > 10
    public = _read(out)
    # the margins add up to the cent as printed
    value = {tuple(r[d] for d in dims): r["value"] for r in public}
    total = Decimal(value[("Total", "Total", "Total")] or "0")
    frame = pd.read_csv(data, dtype={"turnover": str})
    assert sum(Decimal(v) for v in frame["turnover"]) == total or not value[
        ("Total", "Total", "Total")]
    # the workbench's own audit, alone and with the status: nothing recomputable
    for extra in ([], ["--status", str(status_file)]):
        code, report, _ = _run(capsys, "audit", str(out), "--hierarchy", f"industry={hier}",
                               *extra)
        assert code == 0 and report["audit_ok"] is True, report["audit_failures"][:3]
        assert not any(c["exactly_disclosed"] for c in report["intervals"])
    # held-out: an independent LP in cents; every primary interval is as wide as needed
    trees = [{"Total": ["A", "B", "C"], "A": ["A1", "A2"], "B": ["B1", "B2"], "C": ["C1"]},
             {"Total": ["R1", "R2", "R3", "R4"]}, {"Total": ["s", "l"]}]
    found = _outside_intervals(public, dims, trees)
    for key, row in _status(status_file, dims).items():
        if row["status"] == "primary":
            lo, hi = found[key]
            assert hi - lo >= float(row["required_width"]) * 100 * (1 - 1e-6), key


def test_a_time_limit_falls_back_to_the_heuristic_with_a_warning(tmp_path, capsys):
    rng = np.random.default_rng(12)
    data = tmp_path / "big.csv"
    pd.DataFrame({"a": rng.choice(list("ABCDEFGHIJ"), 3000),
                  "b": rng.choice(list("KLMNOPQR"), 3000),
                  "c": rng.choice(list("xyz"), 3000)}).to_csv(data, index=False)
    out = tmp_path / "t.csv"
    code, summary, err = _run(capsys, "tables", str(data), "--rows", "a", "--cols", "b",
                              "--layer", "c", "--min-frequency", "25", "--method", "exact",
                              "--time-limit", "0.2", "-o", str(out))
    assert code == 0, err  # before: "cannot write" and nothing written
    assert summary["method"] == "heuristic_after_timeout" and summary["audit_ok"] is True
    assert out.exists() and "cannot write" not in err
    assert "did not finish in 0.2 s" in err
    assert [w["code"] for w in summary["warnings"]] == ["table_exact_timeout"]
    code, _, err = _run(capsys, "tables", str(data), "--rows", "a", "--time-limit", "-1",
                        "-o", str(out))
    assert code == 2 and "--time-limit" in err
