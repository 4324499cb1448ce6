"""PRAM, MDAV microaggregation, noise and importance-ordered local suppression, through
``hrk-workbench puf`` with a recipe JSON on real CSV files.

The held-out checks rebuild what the workbench should have done from the published
definitions, written here independently and plainly (slow loops on small files): the
invariant PRAM matrix of Gouweleeuw et al. (1998) and MDAV as Domingo-Ferrer & Mateo-Sanz
(2002) define it.
"""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest

from hrk_workbench.cli.program import main

OCCUPATIONS = {"nurse": 0.45, "teacher": 0.3, "farmer": 0.15, "pilot": 0.07, "judge": 0.03}


def _write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _recipe(tmp_path, steps, **extra):
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps({"steps": steps, **extra}), encoding="utf-8")
    return str(path)


def _read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _puf(tmp_path, capsys, data, recipe, name="out.csv", *more):
    out = tmp_path / name
    code = main(["puf", data, "--recipe", recipe, "-o", str(out), "--json", *more])
    captured = capsys.readouterr()
    return code, out, captured


# --- PRAM ------------------------------------------------------------------------------------

def _people(tmp_path, n=2000, seed=3):
    rng = np.random.default_rng(seed)
    occupation = rng.choice(list(OCCUPATIONS), n, p=list(OCCUPATIONS.values()))
    rows = [[i + 1, "" if i % 97 == 0 else occupation[i], f"R{i % 4}"] for i in range(n)]
    return _write_csv(tmp_path / "people.csv", ["id", "occupation", "region"], rows)


def invariant_pram_matrix(counts: dict[str, int], retain: float) -> dict[str, dict[str, float]]:
    """Gouweleeuw et al. (1998): p_kk = 1 - theta T_min / T_k, the rest spread evenly."""
    theta = 1 - retain
    smallest = min(counts.values())
    size = len(counts)
    return {k: {j: (1 - theta * smallest / t) if j == k else
                theta * smallest / ((size - 1) * t) for j in counts}
            for k, t in counts.items()}


def test_pram_keeps_each_frequency_within_its_invariant_expectation(tmp_path, capsys):
    data = _people(tmp_path)
    recipe = _recipe(tmp_path, [{"op": "pram", "columns": ["occupation"], "retain": 0.7}],
                     seed=11)
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code == 0, captured.err
    report = json.loads(captured.out)
    before, after = _read(data), _read(out)
    # rows in their order, the other columns untouched, missing stays missing
    assert list(after["id"]) == list(before["id"])
    assert list(after["region"]) == list(before["region"])
    assert after["occupation"].isna().equals(before["occupation"].isna())
    counts = before["occupation"].value_counts().to_dict()
    matrix = invariant_pram_matrix(counts, 0.7)
    # invariance: sum_k T_k p_kl = T_l, and each published count within 4 sd of it
    for cat, t in counts.items():
        assert sum(counts[k] * matrix[k][cat] for k in counts) == pytest.approx(t)
        sd = math.sqrt(sum(counts[k] * matrix[k][cat] * (1 - matrix[k][cat])
                           for k in counts))
        got = int((after["occupation"] == cat).sum())
        assert abs(got - t) <= 4 * sd + 1, (cat, got, t, sd)
    assert set(after["occupation"].dropna()) <= set(counts)
    # the steward sees the matrix the workbench used, and it is the invariant one
    step = report["steps"][0]["perturbation"]["occupation"]
    shown = step["transition"]
    for i, cat in enumerate(shown["categories"]):
        for j, other in enumerate(shown["categories"]):
            assert shown["matrix"][i][j] == pytest.approx(matrix[cat][other], abs=1e-6)
    assert min(shown["keep"]) == pytest.approx(0.7)
    n = sum(counts.values())
    expected = sum(t * (1 - matrix[c][c]) for c, t in counts.items()) / n
    loss = report["loss"]["variables"]["occupation"]["perturbation"]
    assert loss["expected_changed_share"] == pytest.approx(expected, abs=1e-6)
    assert loss["values_missing"] == int(before["occupation"].isna().sum()) > 0
    changed = int(((after["occupation"] != before["occupation"])
                   & before["occupation"].notna()).sum())
    assert loss["values_changed"] == changed > 0


def test_pram_is_reproducible_from_the_seed(tmp_path, capsys):
    data = _people(tmp_path, n=400)
    outs = {}
    for name, seed in (("a.csv", 5), ("b.csv", 5), ("c.csv", 6)):
        recipe = _recipe(tmp_path, [{"op": "pram", "columns": ["occupation", "region"],
                                     "retain": 0.5}], seed=seed)
        code, out, captured = _puf(tmp_path, capsys, data, recipe, name)
        assert code == 0, captured.err
        outs[name] = out.read_bytes()
    assert outs["a.csv"] == outs["b.csv"]
    assert outs["a.csv"] != outs["c.csv"]
    # a step's own seed wins over the recipe's
    recipe = _recipe(tmp_path, [{"op": "pram", "columns": ["occupation", "region"],
                                 "retain": 0.5, "seed": 5}], seed=99)
    assert _puf(tmp_path, capsys, data, recipe, "d.csv")[0] == 0
    assert (tmp_path / "d.csv").read_bytes() == outs["a.csv"]


# --- MDAV ------------------------------------------------------------------------------------

def reference_mdav(x: np.ndarray, k: int) -> list[list[int]]:
    """MDAV from its definition, plainly: on standardised values, while 3k or more records
    are left, take the centroid, the farthest record r and its k - 1 nearest, then the record
    s farthest from r and its k - 1 nearest; 2k..3k-1 left: r's group and the rest; fewer
    than 2k: one group."""
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    left = list(range(len(z)))
    groups = []

    def dist(i, point):
        return float(sum((z[i, j] - point[j]) ** 2 for j in range(z.shape[1])))

    def group_around(point):
        far = max(left, key=lambda i: dist(i, point))
        members = sorted(left, key=lambda i: dist(i, z[far]))[:k]
        for i in members:
            left.remove(i)
        groups.append(members)
        return z[far]

    while len(left) >= 3 * k:
        centroid = z[left].mean(axis=0)
        r = group_around(centroid)
        group_around(r)
    if len(left) >= 2 * k:
        group_around(z[left].mean(axis=0))
    if left:
        groups.append(list(left))
    return groups


@pytest.mark.parametrize(("n", "k", "columns"), [(103, 3, ["income", "wealth", "debt"]),
                                                 (58, 4, ["income", "wealth"]),
                                                 (31, 3, ["income"])])
def test_mdav_group_means_match_the_published_definition(tmp_path, capsys, n, k, columns):
    rng = np.random.default_rng(n)
    x = np.column_stack([rng.lognormal(10, 0.6, n), rng.normal(5e4, 2e4, n),
                         rng.gamma(2.0, 3000.0, n)]).round(2)
    rows = [[i + 1, f"R{i % 3}", *(f"{v:.2f}" for v in x[i])] for i in range(n)]
    data = _write_csv(tmp_path / "money.csv", ["id", "region", "income", "wealth", "debt"],
                      rows, delimiter=";")
    recipe = _recipe(tmp_path, [{"op": "microaggregate", "columns": columns, "k": k}])
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code == 0, captured.err
    after = _read(out)
    assert list(after["id"]) == [str(i + 1) for i in range(n)]
    used = x[:, [["income", "wealth", "debt"].index(c) for c in columns]]
    expected = np.empty_like(used)
    groups = reference_mdav(used, k)
    assert all(len(g) >= k for g in groups)
    for members in groups:
        expected[members] = used[members].mean(axis=0)
    got = after[columns].astype(float).to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    report = json.loads(captured.out)
    assert report["steps"][0]["perturbation"][columns[0]]["groups"] == len(groups)
    # no original value of an aggregated column is in the report
    text = captured.out
    for value in {f"{v:.2f}" for v in used.ravel()}:
        assert value not in text


def test_microaggregate_rounds_when_asked_and_keeps_missing(tmp_path, capsys):
    rows = [[i + 1, "" if i in (4, 9) else f"{1000 + 37 * i * i % 911},5"] for i in range(20)]
    data = _write_csv(tmp_path / "m.csv", ["id", "pay"], rows)
    recipe = _recipe(tmp_path, [{"op": "microaggregate", "columns": ["pay"], "k": 3,
                                 "round": 0}])
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code == 0, captured.err
    after = _read(out)
    assert after["pay"].isna().tolist() == [i in (4, 9) for i in range(20)]
    assert after["pay"].dropna().str.fullmatch(r"\d+").all()
    # each published value is shared by at least k records
    assert after["pay"].dropna().value_counts().min() >= 3
    step = json.loads(captured.out)["steps"][0]["perturbation"]["pay"]
    assert step["values_missing"] == 2


@pytest.mark.parametrize("op", [{"op": "microaggregate", "k": 3},
                                {"op": "noise", "std_share": 0.2}])
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_a_value_that_is_not_a_number_stops_the_run(tmp_path, capsys, op, lang):
    rows = [[i + 1, str(100 + i)] for i in range(12)]
    rows[6][1] = "n/a"
    data = _write_csv(tmp_path / "bad.csv", ["id", "pay"], rows)
    recipe = _recipe(tmp_path, [{**op, "columns": ["pay"]}])
    code, out, captured = _puf(tmp_path, capsys, data, recipe, "out.csv", "--lang", lang)
    assert code != 0
    assert not out.exists()
    assert "Traceback" not in captured.err
    assert "n/a" in captured.err and "pay" in captured.err and "8" in captured.err
    assert ("ei ole luku" if lang == "fi" else "is not a number") in captured.err


def test_too_few_records_to_aggregate_is_refused(tmp_path, capsys):
    rows = [[1, "10", "5"], [2, "12", ""], [3, "", "7"], [4, "9", "8"]]
    data = _write_csv(tmp_path / "few.csv", ["id", "a", "b"], rows)
    recipe = _recipe(tmp_path, [{"op": "microaggregate", "columns": ["a", "b"], "k": 3}])
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code != 0 and not out.exists()
    assert "k = 3" in captured.err


# --- noise -----------------------------------------------------------------------------------

def _money(tmp_path, n=500):
    rng = np.random.default_rng(21)
    income = rng.lognormal(10.3, 0.5, n)
    wealth = income * 3 + rng.normal(0, 8000, n)
    rows = [[i + 1, f"{income[i]:.3f}", "" if i == 17 else f"{wealth[i]:.3f}"]
            for i in range(n)]
    return _write_csv(tmp_path / "money.csv", ["id", "income", "wealth"], rows)


def test_correlated_noise_keeps_means_and_covariances(tmp_path, capsys):
    data = _money(tmp_path)
    recipe = _recipe(tmp_path, [{"op": "noise", "columns": ["income", "wealth"],
                                 "std_share": 0.3}], seed=4)
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code == 0, captured.err
    before, after = _read(data), _read(out)
    assert after["wealth"].isna().tolist() == before["wealth"].isna().tolist()
    complete = before["wealth"].notna()
    x = before.loc[complete, ["income", "wealth"]].astype(float).to_numpy()
    y = after.loc[complete, ["income", "wealth"]].astype(float).to_numpy()
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(np.cov(y, rowvar=False), np.cov(x, rowvar=False), rtol=1e-9)
    # yet the values moved, by about the share asked for
    moved = (y - x).std(axis=0, ddof=1) / x.std(axis=0, ddof=1)
    assert ((moved > 0.15) & (moved < 0.6)).all(), moved
    report = json.loads(captured.out)
    assert report["loss"]["variables"]["wealth"]["perturbation"]["values_missing"] == 1
    for value in before["income"]:
        assert value not in captured.out


def test_additive_noise_has_the_stated_standard_deviation_share(tmp_path, capsys):
    data = _money(tmp_path, n=4000)
    recipe = _recipe(tmp_path, [{"op": "noise", "columns": ["income"], "std_share": 0.1,
                                 "method": "additive", "round": 2}], seed=1)
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code == 0, captured.err
    x = _read(data)["income"].astype(float)
    y = _read(out)["income"]
    assert y.str.fullmatch(r"-?\d+\.\d{2}").all()
    ratio = (y.astype(float) - x).std() / x.std()
    assert ratio == pytest.approx(0.1, rel=0.08)


# --- local suppression with importance -------------------------------------------------------

def _keys_file(tmp_path, n=600):
    rng = np.random.default_rng(8)
    rows = [[i + 1, int(rng.integers(18, 80)), rng.choice(["F", "M"]),
             f"M{int(rng.integers(0, 25)):02d}"] for i in range(n)]
    return _write_csv(tmp_path / "keys.csv", ["id", "age", "sex", "municipality"], rows)


def test_suppression_prefers_the_least_important_variables(tmp_path, capsys):
    data = _keys_file(tmp_path)
    keys = ["age", "sex", "municipality"]
    suppressed = {}
    for first in ("age", "municipality"):
        order = [first, "sex", "municipality" if first == "age" else "age"]
        recipe = _recipe(tmp_path, [{"op": "suppress", "k": 3, "importance": order}],
                         key_variables=keys)
        code, out, captured = _puf(tmp_path, capsys, data, recipe, f"{first}.csv")
        assert code == 0, captured.err
        report = json.loads(captured.out)
        after = _read(out)
        by_variable = report["steps"][0]["suppressed_by_variable"]
        # the counts reported are the blanks in the file, per variable
        assert by_variable == {k: int(after[k].isna().sum()) for k in keys}
        assert report["risk_after"]["k"] >= 3
        assert list(after["id"]) == sorted(after["id"], key=int)
        suppressed[first] = by_variable
    assert suppressed["age"]["age"] < suppressed["municipality"]["age"]
    assert suppressed["municipality"]["municipality"] < suppressed["age"]["municipality"]


def test_importance_must_name_key_variables(tmp_path, capsys):
    data = _keys_file(tmp_path, n=50)
    recipe = _recipe(tmp_path, [{"op": "suppress", "k": 3, "importance": ["id"]}],
                     key_variables=["age", "sex"])
    code, out, captured = _puf(tmp_path, capsys, data, recipe)
    assert code != 0 and not out.exists()
    assert "importance" in captured.err and "id" in captured.err


def test_fast_mdav_forms_the_groups_of_the_definition_on_a_larger_file():
    """The fast search (packed arrays, a k-d tree rebuilt as records are grouped, asked
    again when the nearest were taken) must give the very groups of the plain definition."""
    from hrk_workbench.disclosure.microdata.perturb import mdav_groups

    rng = np.random.default_rng(34)
    x = np.column_stack([rng.lognormal(0, 1, 360), rng.normal(0, 1, 360),
                         rng.uniform(0, 1, 360)])
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    got = mdav_groups(z, 5)
    mine = sorted(sorted(np.nonzero(got == g)[0].tolist()) for g in range(got.max() + 1))
    assert mine == sorted(sorted(g) for g in reference_mdav(x, 5))


@pytest.mark.parametrize(("lang", "words"), [("en", ("invariant PRAM", "MDAV microaggregation",
                                                     "random noise")),
                                              ("fi", ("invariantti PRAM",
                                                      "MDAV-mikroaggregointi", "kohinaa"))])
def test_the_memo_says_what_the_steps_did_and_no_original_value(tmp_path, capsys, lang, words):
    from helpers import make

    from hrk_workbench.model.store import save_assessment

    rng = np.random.default_rng(2)
    rows = [[i + 1, ["nurse", "teacher", "pilot"][i % 3], f"R{i % 3}", 20 + i % 40,
             f"{rng.lognormal(10, 0.5):.3f}"] for i in range(240)]
    data = _write_csv(tmp_path / "d.csv", ["id", "occupation", "region", "age", "income"], rows)
    recipe = _recipe(tmp_path, [{"op": "drop", "columns": ["id"]},
                                {"op": "pram", "columns": ["occupation"]},
                                {"op": "microaggregate", "columns": ["income"], "k": 4},
                                {"op": "noise", "columns": ["age"], "std_share": 0.2,
                                 "round": 0}],
                     key_variables=["region", "occupation"], seed=3)
    assessment = tmp_path / "a.hrk.json"
    save_assessment(make(title={"en": "x"}), assessment, author="t")
    code, _out, captured = _puf(tmp_path, capsys, data, recipe, "out.csv", "--save",
                                str(assessment))
    assert code == 0, captured.err
    memo = tmp_path / "memo.md"
    assert main(["report", str(assessment), "-o", str(memo), "--lang", lang]) == 0
    capsys.readouterr()
    text = memo.read_text(encoding="utf-8")
    for word in words:
        assert word in text
    saved = assessment.read_text(encoding="utf-8")
    for row in rows:
        assert row[4] not in text and row[4] not in saved
    # the published data dictionary says how each column was masked
    schema = tmp_path / "schema.json"
    assert main(["dictionary", str(assessment), "-o", str(schema)]) == 0
    masking = {f["name"]: json.dumps(f, ensure_ascii=False)
               for f in json.loads(schema.read_text(encoding="utf-8"))["fields"]}
    assert "pram retain=0.8" in masking["occupation"]
    assert "microaggregate mdav k=4" in masking["income"]
    assert "noise correlated2 std_share=0.2" in masking["age"]


def test_a_workbook_with_number_cells_is_microaggregated_and_prammed(tmp_path, capsys):
    from openpyxl import Workbook

    rng = np.random.default_rng(5)
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "occupation", "income"])
    incomes = rng.lognormal(10, 0.4, 60).round(2)
    for i in range(60):
        sheet.append([i + 1, ["nurse", "teacher", "pilot"][i % 3], float(incomes[i])])
    sheet.append([61, "nurse", None])  # an empty cell stays empty
    data = tmp_path / "people.xlsx"
    book.save(data)
    recipe = _recipe(tmp_path, [{"op": "pram", "columns": ["occupation"], "retain": 0.9},
                                {"op": "microaggregate", "columns": ["income"], "k": 3,
                                 "round": 2}], seed=2)
    code, out, captured = _puf(tmp_path, capsys, str(data), recipe)
    assert code == 0, captured.err
    after = _read(out)
    assert list(after["id"]) == [str(i) for i in range(1, 62)]
    assert pd.isna(after["income"].iloc[60])
    published = after["income"].dropna().astype(float)
    assert published.value_counts().min() >= 3
    assert abs(published.sum() - incomes.sum()) < 0.01 * 20  # group means keep the total
    assert set(after["occupation"]) <= {"nurse", "teacher", "pilot"}
    report = json.loads(captured.out)
    assert report["loss"]["variables"]["income"]["perturbation"]["values_missing"] == 1
