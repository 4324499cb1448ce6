"""The cell key method for count tables (issue 34, point 6): ``tables --method cellkey``.

The held-out checks hold their own implementation of the published definition (ABS, Destatis,
the sdcTools cellKey package): a cell key is the fractional part of the sum of its units'
record keys, computed here in exact decimals; the deviation is the ``v = j - i`` of the row of
the ptable, in the block of ``min(count, last i)``, whose interval [p_int_lb, p_int_ub) holds
the cell key, read straight from the ptable file with the csv module.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main

FORMS = Path(__file__).resolve().parent.parent / "forms"
DEFAULT_PTABLE = FORMS / "ptables" / "cellkey_D5_V3_js2.csv"
REGIONS = ("North", "South", "East", "West")
AGES = ("0-17", "18-64", "65+")


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _people(tmp_path, n=700, seed=5, name="people.csv"):
    """Units with a region, an age group (one combination left empty) and a record key of
    eight decimals, as a register keeps them."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        region = rng.choice(REGIONS[:3]) if i % 50 else "West"  # West: a few units only
        age = rng.choice(AGES)
        if region == "East" and age == "65+":
            age = "18-64"  # East x 65+ stays empty: a cell of count 0
        rows.append([i + 1, region, age, f"{rng.randrange(10 ** 8) / 10 ** 8:.8f}"])
    return _write_csv(tmp_path / name, ["id", "region", "age", "rkey"], rows), rows


def _read_ptable(path):
    """The ptable file as the published layout gives it: blocks of (i, j, lb, ub)."""
    blocks = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            blocks[int(row["i"])].append((int(row["j"]), Decimal(row["p_int_lb"]),
                                          Decimal(row["p_int_ub"]), Decimal(row["p"])))
    return blocks


def independent_table(rows, ptable_path):
    """Every cell, margins ``Total``, from the definitions alone: {(region, age): value}."""
    blocks = _read_ptable(ptable_path)
    last = max(blocks)
    cells = defaultdict(list)
    for _, region, age, key in rows:
        for r in (region, "Total"):
            for a in (age, "Total"):
                cells[(r, a)].append(Decimal(key))
    out = {}
    for r in ("Total", *REGIONS):
        for a in ("Total", *AGES):
            keys = cells.get((r, a), [])
            count = len(keys)
            if count == 0:
                out[(r, a)] = 0
                continue
            cell_key = sum(keys) % 1
            i = min(count, last)
            j = next(j for j, lb, ub, _ in blocks[i] if lb <= cell_key < ub)
            out[(r, a)] = count + (j - i)
    return out


def _counts(rows):
    counts = defaultdict(int)
    for _, region, age, _ in rows:
        for key in ((region, age), (region, "Total"), ("Total", age), ("Total", "Total")):
            counts[key] += 1
    return counts


def _published(path):
    with open(path, encoding="utf-8") as handle:
        return {(row["region"], row["age"]): int(row["value"]) for row in csv.DictReader(handle)}


def _tables(tmp_path, capsys, data, *more, out="table.csv"):
    target = tmp_path / out
    code = main(["tables", data, "--rows", "region", "--cols", "age", "--method", "cellkey",
                 "-o", str(target), *more])
    return code, target, capsys.readouterr()


# --- the definition, held out ----------------------------------------------------------------

@pytest.mark.parametrize("ptable", ["default", "small"])
def test_deviations_match_an_independent_implementation(tmp_path, capsys, ptable):
    data, rows = _people(tmp_path)
    if ptable == "small":  # D = 2, counts 3 and above share the last block
        path = _write_csv(tmp_path / "pt.csv", ["i", "j", "p", "p_int_lb", "p_int_ub"], [
            [0, 0, 1, 0, 1],
            [1, 0, 0.5, 0, 0.5], [1, 2, 0.5, 0.5, 1],
            [2, 0, 0.2, 0, 0.2], [2, 2, 0.6, 0.2, 0.8], [2, 4, 0.2, 0.8, 1],
            [3, 1, 0.1, 0, 0.1], [3, 2, 0.2, 0.1, 0.3], [3, 3, 0.4, 0.3, 0.7],
            [3, 4, 0.2, 0.7, 0.9], [3, 5, 0.1, 0.9, 1]])
        more = ["--ptable", path]
    else:
        path, more = str(DEFAULT_PTABLE), []
    code, out, captured = _tables(tmp_path, capsys, data, "--record-key", "rkey", "--json",
                                  *more)
    assert code == 0, captured.err
    expected = independent_table(rows, path)
    published = _published(out)
    assert published == expected
    report = json.loads(captured.out)
    counts = _counts(rows)
    changed = sum(1 for k, v in expected.items() if v != counts.get(k, 0))
    blocks = _read_ptable(path)
    d = max(abs(j - i) for i, b in blocks.items() for j, _, _, p in b if p > 0)
    v = max(sum((j - i) ** 2 * p for j, _, _, p in b) for i, b in blocks.items())
    assert report["cellkey"]["max_deviation"] == d
    assert report["cellkey"]["variance"] == pytest.approx(float(v), abs=1e-6)
    assert report["cellkey"]["perturbed_cells"] == changed
    assert report["method"] == "cellkey" and report["cells"] == len(expected) == 20
    assert published[("East", "65+")] == 0  # no units, no key: stays 0
    assert 0 < changed < len(expected)
    # not additive: margins are perturbed as cells (this data's total is off its cells' sum)
    assert published[("Total", "Total")] != sum(published[("Total", a)] for a in AGES)


def test_the_same_data_and_keys_give_the_same_table(tmp_path, capsys):
    data, rows = _people(tmp_path)
    first = _tables(tmp_path, capsys, data, out="a.csv")
    again = _tables(tmp_path, capsys, data, out="b.csv")
    assert first[0] == again[0] == 0
    assert first[1].read_bytes() == again[1].read_bytes()
    other = _tables(tmp_path, capsys, data, "--seed", "7", out="c.csv")
    assert other[1].read_bytes() != first[1].read_bytes()
    # keys kept with the units: the rows' order does not matter
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    moved = _write_csv(tmp_path / "moved.csv", ["id", "region", "age", "rkey"], shuffled)
    keyed = _tables(tmp_path, capsys, data, "--record-key", "rkey", out="d.csv")
    keyed_moved = _tables(tmp_path, capsys, moved, "--record-key", "rkey", out="e.csv")
    assert keyed[1].read_bytes() == keyed_moved[1].read_bytes()


def test_default_ptable_has_the_forms_parameters(tmp_path):
    """The shipped ptable is the one generated from forms' D, V and js, and it keeps the
    method's promises: no bias, variance at most V, deviations at most D, never 1 or 2."""
    import yaml

    from hrk_workbench.disclosure.tables.cellkey import generate_ptable

    params = yaml.safe_load((FORMS / "anonymisation.yaml").read_text("utf-8"))["parameters"]
    big_d, big_v = params["cellkey_max_deviation"], params["cellkey_variance"]
    js = params["cellkey_blocked"]
    blocks = _read_ptable(DEFAULT_PTABLE)
    assert max(blocks) == big_d + js + 1
    for i, rows in blocks.items():
        assert sum(p for *_, p in rows) == pytest.approx(1, abs=1e-7)
        assert float(sum((j - i) * p for j, *_, p in rows)) == pytest.approx(0, abs=1e-6)
        assert float(sum((j - i) ** 2 * p for j, *_, p in rows)) <= big_v + 1e-6
        assert all(abs(j - i) <= big_d and not 1 <= j <= js for j, *_ in rows)
    regenerated = tmp_path / "again.csv"
    regenerated.write_text(generate_ptable(big_d, big_v, js).csv_text(), encoding="utf-8")
    for i, rows in _read_ptable(regenerated).items():
        assert [j for j, *_ in rows] == [j for j, *_ in blocks[i]]
        for (_, _, ub, _), (_, _, ub0, _) in zip(rows, blocks[i], strict=True):
            assert float(ub) == pytest.approx(float(ub0), abs=1e-5)


# --- files, reports and what they must not tell ----------------------------------------------

def test_xlsx_in_and_out_and_the_memo_and_record_say_not_additive(tmp_path, capsys):
    from helpers import make
    from openpyxl import Workbook, load_workbook

    from hrk_workbench.model.store import load_assessment, save_assessment

    _, rows = _people(tmp_path, n=300)
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "region", "age", "rkey"])
    for row in rows:
        ws.append([row[0], row[1], row[2], float(row[3])])
    data = tmp_path / "people.xlsx"
    wb.save(data)
    assessment = tmp_path / "a.hrk.json"
    save_assessment(make(title={"en": "Residents", "fi": "Asukkaat"},
                         description={"en": "Residents by region.",
                                      "fi": "Asukkaat alueittain."}), assessment, author="t")
    code, out, captured = _tables(tmp_path, capsys, str(data), "--record-key", "rkey",
                                  "--save", str(assessment), out="table.xlsx")
    assert code == 0, captured.err
    sheet = load_workbook(out).active
    values = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == independent_table(rows, DEFAULT_PTABLE)
    saved = load_assessment(assessment).table_lab[-1]
    assert saved.method == "cellkey" and saved.primary == saved.secondary == 0
    assert saved.rules["max_deviation"] == 5 and saved.cells == 20
    for lang, words in (("en", ("cell key", "not additive")), ("fi", ("cell key", "additiivisia")),
                        ("sv", ("cellnyckelmetoden", "inte additiva"))):
        memo = tmp_path / f"memo-{lang}.md"
        assert main(["report", str(assessment), "-o", str(memo), "--lang", lang]) == 0
        text = memo.read_text(encoding="utf-8")
        assert all(w in text for w in words), (lang, text[-2000:])
    capsys.readouterr()
    dcat = tmp_path / "dcat.ttl"
    assert main(["metadata", str(assessment), "-o", str(dcat)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    # avoindata.fi takes open data only: the package of this (undecided) record, built as
    # the command builds it
    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.metadata.profiles import CkanProfile
    from hrk_workbench.metadata.record import build_record

    forms = load_forms()
    package = CkanProfile(forms).package(build_record(load_assessment(assessment), forms))
    notes = package["notes_translated"]
    assert "Residents by region." in notes["en"] and "cell key" in notes["en"]
    assert "table.xlsx" in notes["fi"] and "cell key" in notes["fi"]
    assert "cell key method" in dcat.read_text("utf-8")


def test_no_original_count_in_any_report(tmp_path, capsys):
    """The JSON report and the saved entry carry D, V and how many cells changed, never a
    cell's count: a cell of 1 or 2 would be published through the report."""
    data, rows = _people(tmp_path, n=240)
    assessment = tmp_path / "a.hrk.json"
    from helpers import make

    from hrk_workbench.model.store import save_assessment

    save_assessment(make(title={"en": "x"}), assessment, author="t")
    code, out, captured = _tables(tmp_path, capsys, data, "--json", "--save", str(assessment))
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert set(report) == {"dimensions", "hierarchy_depths", "value", "kind", "method",
                           "cells", "primary", "secondary", "additive", "cellkey", "file",
                           "warnings"}
    assert set(report["cellkey"]) == {"max_deviation", "variance", "perturbed_cells",
                                      "never_published", "ptable", "record_keys"}
    assert report["additive"] is False
    entry = json.loads(assessment.read_text("utf-8"))["table_lab"][-1]
    assert set(entry["rules"]) == {"method", "max_deviation", "variance", "never_published",
                                   "ptable", "perturbed_cells"}
    published = _published(out)
    assert all(v == 0 or v >= 3 for v in published.values())  # js = 2: no 1 or 2 published
    assert any(0 < n < 3 for n in _counts(rows).values())  # though such cells exist
    with open(out, encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["region", "age", "value"]


# --- bad input: refused, named, in the steward's language ------------------------------------

@pytest.mark.parametrize(("rows", "words"), [
    ([[1, 0, 0.5, 0, 0.5], [1, 2, 0.4, 0.5, 0.9]], ("line 3", "count 1", "p_int_ub = 1")),
    ([[1, 0, 0.5, 0, 0.5], [1, 2, 0.5, 0.6, 1]], ("line 3", "p_int_lb = 0.5")),
    ([[1, 0, 0.5, 0, 0.5], [1, 2, 0.5, 0.5, 1], [3, 3, 1, 0, 1]], ("count 2",)),
    ([[1, 0, 0.5, 0, 0.5], [1, "x", 0.5, 0.5, 1]], ("x", "column j")),
])
def test_a_bad_ptable_is_refused_naming_the_line(tmp_path, capsys, rows, words):
    data, _ = _people(tmp_path, n=60)
    path = _write_csv(tmp_path / "pt.csv", ["i", "j", "p", "p_int_lb", "p_int_ub"], rows)
    code, out, captured = _tables(tmp_path, capsys, data, "--ptable", path)
    assert code == 2 and not out.exists()
    assert "pt.csv" in captured.err and "Traceback" not in captured.err
    assert all(w in captured.err for w in words), captured.err


def test_messages_in_finnish_and_swedish(tmp_path, capsys):
    data, _ = _people(tmp_path, n=60)
    path = _write_csv(tmp_path / "pt.csv", ["i", "j", "p"], [[1, 1, 1]])
    code, _, captured = _tables(tmp_path, capsys, data, "--ptable", path, "--lang", "fi")
    assert code == 2 and "puuttuvat sarakkeet p_int_lb, p_int_ub" in captured.err
    bad = _write_csv(tmp_path / "keys.csv", ["region", "age", "rkey"],
                     [["North", "0-17", "0.5"], ["North", "65+", "1.5"]])
    code, _, captured = _tables(tmp_path, capsys, bad, "--record-key", "rkey", "--lang", "sv")
    assert code == 2 and "rad 3" in captured.err and "1.5" in captured.err
    assert "postnyckel" in captured.err


@pytest.mark.parametrize("option", [["--value", "id"], ["--min-frequency", "3"],
                                    ["--dominance", "1,80"], ["--status", "s.csv"],
                                    ["--seed", "3", "--record-key", "rkey"]])
def test_options_the_method_has_no_use_for_are_refused(tmp_path, capsys, option):
    data, _ = _people(tmp_path, n=60)
    code, out, captured = _tables(tmp_path, capsys, data, *option)
    assert code == 2 and not out.exists()
    assert option[0] in captured.err


def test_cellkey_options_need_the_method(tmp_path, capsys):
    data, _ = _people(tmp_path, n=60)
    code = main(["tables", data, "--rows", "region", "--seed", "4", "-o",
                 str(tmp_path / "t.csv")])
    captured = capsys.readouterr()
    assert code == 2 and "--method cellkey" in captured.err


def test_a_hierarchy_subtotal_is_perturbed_from_all_its_units(tmp_path, capsys):
    """Each level of a hierarchy is a cell of its own: its key is the fraction of the sum of
    every unit below it, and its value comes from its own count's block."""
    _, rows = _people(tmp_path, n=400)
    data = _write_csv(tmp_path / "p.csv", ["region", "rkey"], [[r[1], r[3]] for r in rows])
    hierarchy = _write_csv(tmp_path / "h.csv", ["code", "parent"],
                           [["NorthSouth", ""], ["North", "NorthSouth"],
                            ["South", "NorthSouth"], ["East", ""], ["West", ""]])
    out = tmp_path / "t.csv"
    code = main(["tables", data, "--rows", "region", "--hierarchy", f"region={hierarchy}",
                 "--method", "cellkey", "--record-key", "rkey", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    blocks = _read_ptable(DEFAULT_PTABLE)
    members = {"Total": set(REGIONS), "NorthSouth": {"North", "South"},
               **{r: {r} for r in REGIONS}}
    with open(out, encoding="utf-8") as handle:
        published = {row["region"]: int(row["value"]) for row in csv.DictReader(handle)}
    assert set(published) == set(members)
    for cell, regions in members.items():
        keys = [Decimal(r[3]) for r in rows if r[1] in regions]
        i = min(len(keys), max(blocks))
        j = next(j for j, lb, ub, _ in blocks[i] if lb <= sum(keys) % 1 < ub)
        assert published[cell] == len(keys) + j - i, cell


def test_a_unit_without_a_code_is_refused_naming_the_column(tmp_path, capsys):
    data = _write_csv(tmp_path / "d.csv", ["region", "age"],
                      [["North", "0-17"], ["", "65+"], ["South", "65+"]])
    code, out, captured = _tables(tmp_path, capsys, data)
    assert code == 2 and not out.exists()
    assert "d.csv" in captured.err and "region" in captured.err


def test_linked_tables_are_refused_with_the_method(tmp_path, capsys):
    data, _ = _people(tmp_path, n=60)
    spec = tmp_path / "tables.yaml"
    spec.write_text("tables:\n  - rows: region\n    output: a.csv\n", encoding="utf-8")
    code = main(["tables", data, "--spec", str(spec), "--method", "cellkey"])
    captured = capsys.readouterr()
    assert code == 2 and "--spec" in captured.err and not (tmp_path / "a.csv").exists()
