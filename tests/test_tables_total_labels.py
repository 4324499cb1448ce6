"""``audit`` reads margins labelled as Finnish and Swedish tables label them, and says so when
it finds none.

Before, only "Total" was a margin: a table whose margins said Yhteensä or Totalt had no
equations, and a cell a reader computes exactly from the margins (091 / B: [18, 18]) came out
``[0, ∞]``, ``protected: true``, "audit ok", exit 0. Now the labels of ``total_labels`` in
forms/anonymisation.yaml (any case, trimmed) and ``--total-label`` are margins, and a column
with no margin it can recognise is a warning naming the column and the labels looked for,
with no cell called protected. All through the CLI, on real CSV files.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.forms.loader import load_forms

LABELS = ["Yhteensä", "  YHTEENSÄ ", "yhteensä", "Kaikki", "Totalt", "Summa", "Alla", "Totals",
          "TOTAL", "Grand total"]

# 091 / B is primary and alone in its row; the row's margin gives it away: 30 - 12 = 18
LEAKY = [("Total", "Total", "100", "published"), ("Total", "A", "40", "published"),
         ("Total", "B", "60", "published"), ("091", "Total", "30", "published"),
         ("091", "A", "12", "published"), ("091", "B", "", "primary"),
         ("049", "Total", "70", "published"), ("049", "A", "28", "published"),
         ("049", "B", "42", "published")]
# the same with the 049 row hidden too: every hidden cell has an interval [0, 30] or wider
SAFE = [("Total", "Total", "100", "published"), ("Total", "A", "40", "published"),
        ("Total", "B", "60", "published"), ("091", "Total", "30", "published"),
        ("091", "A", "", "secondary"), ("091", "B", "", "primary"),
        ("049", "Total", "70", "published"), ("049", "A", "", "secondary"),
        ("049", "B", "", "secondary")]


def _write(path: Path, rows: list[dict[str, str]] | list[tuple[str, ...]],
           header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        if header is None:
            header = list(rows[0])  # type: ignore[arg-type]
            w.writerow(header)
            w.writerows([[r[h] for h in header] for r in rows])  # type: ignore[index]
        else:
            w.writerow(header)
            w.writerows(rows)
    return path


def _table(path: Path, rows: list[tuple[str, ...]], rows_label: str = "Total",
           cols_label: str = "Total") -> Path:
    relabelled = [(rows_label if k == "Total" else k, cols_label if c == "Total" else c, v, s)
                  for k, c, v, s in rows]
    return _write(path, relabelled, ["kunta", "luokka", "value", "status"])


def _relabel(source: Path, target: Path, label: str, dims: tuple[str, ...]) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        for d in dims:
            if r[d] == "Total":
                r[d] = label
    return _write(target, rows)


def _audit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["audit", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _as_total(report: dict, label: str) -> dict:
    """The report with the margin's label written Total, for comparing with the Total case."""
    def cell(c: dict) -> dict:
        return {k: "Total" if isinstance(v, str) and v == label.strip() else v
                for k, v in c.items()}
    out = {k: v for k, v in report.items() if k != "margins"}
    out["intervals"] = [cell(c) for c in report["intervals"]]
    out["audit_failures"] = [{**f, "cell": cell(f["cell"])} for f in report["audit_failures"]]
    return out


# --- 2-D margins ------------------------------------------------------------------------------

@pytest.mark.parametrize("label", LABELS)
def test_a_leaky_table_labelled_any_way_fails_as_the_total_one(tmp_path, capsys, label):
    code, expected = _audit(capsys, str(_table(tmp_path / "total.csv", LEAKY)))
    assert code == 1 and expected["complete"] is True
    [cell] = expected["intervals"]
    assert (cell["kunta"], cell["luokka"], cell["lo"], cell["hi"]) == ("091", "B", 18, 18)
    assert cell["protected"] is False and cell["exactly_disclosed"] is True

    code, report = _audit(capsys, str(_table(tmp_path / "t.csv", LEAKY, label, label)))
    assert code == 1
    assert report["margins"] == {"kunta": label.strip(), "luokka": label.strip()}
    assert report["problems"] == [] and report["audit_ok"] is False
    assert _as_total(report, label) == _as_total(expected, "Total")

    # and the text says what the Total case says
    capsys.readouterr()
    assert main(["audit", str(tmp_path / "t.csv")]) == 1
    out, err = capsys.readouterr()
    assert "091 / B: [18, 18] (exactly disclosed" in out and "audit ok" not in out
    assert err == ""


def test_rows_and_columns_may_use_different_labels(tmp_path, capsys):
    code, expected = _audit(capsys, str(_table(tmp_path / "total.csv", SAFE)))
    assert code == 0 and expected["audit_ok"] is True
    assert all(c["protected"] is True for c in expected["intervals"])
    for rows_label, cols_label in (("Yhteensä", "Totalt"), ("Summa", "Kaikki"),
                                   ("alla", "Total")):
        table = _table(tmp_path / "t.csv", SAFE, rows_label, cols_label)
        code, report = _audit(capsys, str(table))
        assert code == 0, (rows_label, cols_label)
        assert report["margins"] == {"kunta": rows_label, "luokka": cols_label}
        got = _as_total(_as_total(report, rows_label), cols_label)
        assert got == _as_total(expected, "Total")
        for lang, words in {"en": "audit ok", "fi": "tarkastus läpäisty",
                            "sv": "granskningen godkänd"}.items():
            capsys.readouterr()
            assert main(["audit", str(table), "--lang", lang]) == 0
            assert words in capsys.readouterr().out


# --- a hierarchy, from the workbench's own tables ----------------------------------------------

MUNICIPALITIES = {"091": "01", "049": "01", "092": "01", "837": "06", "853": "02", "564": "17"}


def _hierarchical(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A protected table of kunta (under maakunta) by luokka, as ``tables`` writes it, one
    with a secondary cell put back (leaky), and the hierarchy file."""
    rng = np.random.default_rng(11)
    sizes = rng.integers(0, 12, size=(len(MUNICIPALITIES), 3))
    sizes[0, 1], sizes[3, 2], sizes[5, 0] = 1, 2, 1  # a few cells under the minimum of 3
    rows = [(k, c) for (k, n) in zip(MUNICIPALITIES, sizes, strict=True)
            for c, m in zip("ABC", n, strict=True) for _ in range(m)]
    data = tmp_path / "persons.csv"
    pd.DataFrame(rows, columns=["kunta", "luokka"]).to_csv(data, index=False)
    hier = tmp_path / "kunta.csv"
    hier.write_text("code,parent\n01,\n02,\n06,\n17,\n"
                    + "".join(f"{k},{p}\n" for k, p in MUNICIPALITIES.items()),
                    encoding="utf-8")
    out, everything = tmp_path / "protected.csv", tmp_path / "all.csv"
    for target, minimum in ((out, "3"), (everything, "0")):
        argv = ["tables", str(data), "--rows", "kunta", "--cols", "luokka",
                       "--hierarchy", f"kunta={hier}", "--min-frequency", minimum,
                       "-o", str(target), "--status", str(target.with_suffix(".status.csv"))]
        assert main(argv) == 0
    with everything.open(encoding="utf-8") as handle:
        truth = {(r["kunta"], r["luokka"]): r["value"] for r in csv.DictReader(handle)}
    with out.open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    with out.with_suffix(".status.csv").open(encoding="utf-8") as handle:
        status = {(r["kunta"], r["luokka"]): r["status"] for r in csv.DictReader(handle)}
    secondary = [r for r in published if status[(r["kunta"], r["luokka"])] == "secondary"]
    assert secondary
    for r in secondary:
        r["value"] = truth[(r["kunta"], r["luokka"])]
    return out, _write(tmp_path / "leaky.csv", published), hier


@pytest.mark.parametrize("label", ["Yhteensä", "Totalt", "KAIKKI", "Summa"])
def test_a_hierarchical_table_audits_the_same_under_any_label(tmp_path, capsys, label):
    safe, leaky, hier = _hierarchical(tmp_path)
    for source, exit_code in ((safe, 0), (leaky, 1)):
        code, expected = _audit(capsys, str(source), "--hierarchy", f"kunta={hier}",
                                "--min-frequency", "3")
        assert code == exit_code and expected["complete"] is True
        assert expected["margins"] == {"kunta": "Total", "luokka": "Total"}
        # the margins are the subtotals of 01, 02, ... and the grand total: the Total rows
        # are read as the hierarchy's root
        relabelled = _relabel(source, tmp_path / f"{label}-{source.name}", label,
                              ("kunta", "luokka"))
        code, report = _audit(capsys, str(relabelled), "--hierarchy", f"kunta={hier}",
                              "--min-frequency", "3")
        assert code == exit_code, (label, source.name, report)
        assert _as_total(report, label) == _as_total(expected, "Total")
    assert expected["audit_failures"] and report["audit_failures"]


def test_a_grand_total_the_hierarchy_does_not_know_is_a_warning(tmp_path, capsys):
    safe, _, hier = _hierarchical(tmp_path)
    odd = _relabel(safe, tmp_path / "odd.csv", "Koko Suomi", ("kunta",))
    code, report = _audit(capsys, str(odd), "--hierarchy", f"kunta={hier}")
    assert code == 1 and report["complete"] is False and report["audit_ok"] is False
    [problem] = report["problems"]
    assert problem["code"] == "table_code_outside_hierarchy" and problem["level"] == "warning"
    assert "Koko Suomi" in problem["message"] and "kunta" in problem["message"]
    assert all(c["protected"] is not True for c in report["intervals"])
    code, report = _audit(capsys, str(odd), "--hierarchy", f"kunta={hier}",
                          "--total-label", "Koko Suomi")
    assert code == 0 and report["complete"] is True and report["problems"] == []


# --- no margin at all -------------------------------------------------------------------------

def test_a_table_without_margins_is_said_so_and_nothing_is_called_protected(tmp_path, capsys):
    table = _table(tmp_path / "gesamt.csv", LEAKY, "Gesamt", "Gesamt")
    code, report = _audit(capsys, str(table))
    assert code == 1  # before: 0, "audit ok", with the cell exactly disclosed
    assert report["complete"] is False and report["audit_ok"] is False
    assert report["margins"] == {"kunta": None, "luokka": None}
    assert [(p["code"], p["path"], p["level"]) for p in report["problems"]] == [
        ("table_no_margin", "kunta", "warning"), ("table_no_margin", "luokka", "warning")]
    labels = report["problems"][0]["params"]["labels"]
    assert {"Total", "Yhteensä", "Totalt"} <= set(labels)
    assert all(c["protected"] is None for c in report["intervals"])  # not known, never true

    words = {"en": ("warning: column kunta has no margin", "audit incomplete"),
             "fi": ("varoitus: sarakkeessa kunta ei ole reunasummaa", "tarkastus jäi kesken"),
             "sv": ("varning: kolumnen kunta har ingen marginal", "granskningen ofullständig")}
    for lang, (warning, summary) in words.items():
        capsys.readouterr()
        assert main(["audit", str(table), "--lang", lang]) == 1
        out, err = capsys.readouterr()
        lines = err.splitlines()
        assert len(lines) == 2 and all(ln.startswith(f"{table}: ") for ln in lines)
        assert warning in lines[0] and "luokka" in lines[1]
        assert "Yhteensä" in lines[0] and "Totalt" in lines[0] and "--total-label" in lines[0]
        assert summary in out
        assert "audit ok" not in out and "läpäisty" not in out and "godkänd" not in out

    # the label named: the same result as the Total table's
    code, named = _audit(capsys, str(table), "--total-label", "Gesamt")
    code_total, expected = _audit(capsys, str(_table(tmp_path / "total.csv", LEAKY)))
    assert code == code_total == 1
    assert _as_total(named, "Gesamt") == _as_total(expected, "Total")
    # in any case, and repeated for a second label
    code, named = _audit(capsys, str(_table(tmp_path / "mixed.csv", SAFE, "Gesamt", "Ins")),
                         "--total-label", " gesamt", "--total-label", "INS")
    assert code == 0 and named["margins"] == {"kunta": "Gesamt", "luokka": "Ins"}


def test_margins_in_one_dimension_only(tmp_path, capsys):
    # no kunta = Total rows: the row margin 091 / Total still gives 091 / B away, and what
    # is certain is reported as such; but a wide interval is not called protected
    rows = [r for r in LEAKY if r[0] != "Total"]
    code, report = _audit(capsys, str(_table(tmp_path / "half.csv", rows)))
    assert code == 1
    assert [p["path"] for p in report["problems"]] == ["kunta"]
    assert len(report["audit_failures"]) == 1
    [cell] = report["intervals"]
    assert (cell["lo"], cell["hi"], cell["protected"]) == (18, 18, False)
    rows = [r for r in SAFE if r[1] != "Total"]  # no luokka = Total rows
    code, report = _audit(capsys, str(_table(tmp_path / "half2.csv", rows)))
    assert code == 1 and [p["path"] for p in report["problems"]] == ["luokka"]
    assert report["audit_failures"] == [] and report["audit_ok"] is False
    assert all(c["protected"] is None for c in report["intervals"])


# --- bad input --------------------------------------------------------------------------------

def test_two_margin_labels_in_one_column_are_refused(tmp_path, capsys):
    rows = [*LEAKY, ("Yhteensä", "A", "40", "published")]
    capsys.readouterr()
    assert main(["audit", str(_table(tmp_path / "two.csv", rows))]) == 2
    err = capsys.readouterr().err
    assert "kunta" in err and "Total" in err and "Yhteensä" in err


def test_an_unknown_dimension_is_named(tmp_path, capsys):
    table = _table(tmp_path / "t.csv", LEAKY, "Yhteensä", "Yhteensä")
    for lang in ("en", "fi", "sv"):
        capsys.readouterr()
        assert main(["audit", str(table), "--dimensions", "kunta,nosuch", "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert "nosuch" in err and "kunta, luokka, value, status" in err, err
        assert "Traceback" not in err
    capsys.readouterr()
    assert main(["audit", str(table), "--total-label", " "]) == 2
    assert "--total-label" in capsys.readouterr().err


# --- what tables writes stays readable ---------------------------------------------------------

def test_the_labels_are_data_and_tables_writes_one_of_them(tmp_path, capsys):
    labels = load_forms().anonymisation.total_labels
    assert {"Total", "Yhteensä", "Kaikki", "Totalt", "Summa", "Alla"} <= set(labels)
    safe, _, hier = _hierarchical(tmp_path)
    code, report = _audit(capsys, str(safe), "--hierarchy", f"kunta={hier}")
    assert code == 0 and report["margins"] == {"kunta": "Total", "luokka": "Total"}


def test_tables_refuses_a_data_code_that_audit_would_read_as_a_margin(tmp_path, capsys):
    data = tmp_path / "persons.csv"
    pd.DataFrame({"kunta": ["091"] * 5 + ["Summa"] * 5, "luokka": ["A", "B"] * 5}) \
        .to_csv(data, index=False)
    capsys.readouterr()
    assert main(["tables", str(data), "--rows", "kunta", "--cols", "luokka",
                 "-o", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert "Summa" in err and "kunta" in err and not (tmp_path / "t.csv").exists()


def test_tables_reads_an_aggregated_table_with_yhteensa_margins(tmp_path, capsys):
    rows = [("091", "A", 12), ("091", "B", 18), ("049", "A", 28), ("049", "B", 42),
            ("Yhteensä", "A", 40), ("Yhteensä", "B", 61), ("091", "yhteensä", 30)]
    data = _write(tmp_path / "agg.csv", rows, ["kunta", "luokka", "n"])
    out = tmp_path / "t.csv"
    capsys.readouterr()
    assert main(["tables", str(data), "--rows", "kunta", "--cols", "luokka", "--aggregated",
                 "--count", "n", "--min-frequency", "0", "-o", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["cells"] == 9  # 2 x 2 cells and their margins, not Yhteensä as a code
    # the given margin Yhteensä / B (61) is checked against its cells (60)
    assert "Total/B" in captured.err and "61" in captured.err
    with out.open(encoding="utf-8") as handle:
        got = {(r["kunta"], r["luokka"]): r["value"] for r in csv.DictReader(handle)}
    assert got[("Total", "Total")] == "100" and ("Yhteensä", "A") not in got


def test_a_blank_total_label_in_the_forms_is_refused(forms_copy):
    from hrk_workbench.forms.loader import FormError

    def blank(data):
        data["total_labels"].append("  ")

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("anonymisation.yaml", blank))
    [problem] = exc.value.problems
    assert problem.location.startswith("$.total_labels"), problem
