"""Protection recipes and the public-use file: each step, deterministic replay, k reached,
the key never written, formula cells neutralised, and the information-loss report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.disclosure.microdata.loss import loss_report, total_variation
from hrk_workbench.disclosure.microdata.recipe import (
    Recipe,
    apply_recipe,
    exclude_small_classes,
    local_suppression,
    neutralise,
    pseudonym,
    to_csv_bytes,
)
from hrk_workbench.foundations.problems import InputError

KEY = "correct horse battery staple 42"


def _people(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "person_id": [f"P{i:06d}" for i in range(n)],
        "name": [f"Name {i}" for i in range(n)],
        "age": rng.integers(0, 100, n).astype(str),
        "sex": rng.choice(["M", "F"], n),
        "municipality": rng.choice([f"M{i:03d}" for i in range(40)], n),
        "birth_date": [f"{1930 + i % 80}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
        "income": [f"{v},5" for v in rng.integers(0, 200000, n)],
        "diagnosis": rng.choice(["J45", "E11", "I10", "=HYPERLINK(1)"], n),
    })


def _recipe(tmp_path, steps, **extra) -> str:
    recipe = {"key_variables": ["age", "sex", "municipality"], "sensitive": ["diagnosis"],
              "seed": 7, "steps": steps, **extra}
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(recipe), encoding="utf-8")
    return str(path)


FULL = [
    {"op": "remove_direct_identifiers", "columns": ["name"]},
    {"op": "pseudonymise", "columns": ["person_id"]},
    {"op": "band", "column": "age", "width": 10},
    {"op": "top_code", "column": "income", "at": 150000},
    {"op": "merge", "column": "municipality", "hierarchy": "regions.csv"},
    {"op": "date", "column": "birth_date", "to": "year"},
    {"op": "sample", "fraction": 0.8},
    {"op": "suppress", "k": 3},
]


def _files(tmp_path):
    data = tmp_path / "people.csv"
    _people().to_csv(data, index=False, sep=";")
    (tmp_path / "regions.csv").write_text(
        "municipality,region\n" + "".join(f"M{i:03d},R{i % 6}\n" for i in range(40)),
        encoding="utf-8")
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(KEY + "\n", encoding="utf-8")
    return data, keyfile


def test_puf_replay_is_byte_identical_and_keeps_the_key_secret(tmp_path, capsys):
    data, keyfile = _files(tmp_path)
    recipe = _recipe(tmp_path, FULL)
    outs = []
    for i in (1, 2):
        out, report = tmp_path / f"out{i}.csv", tmp_path / f"report{i}.json"
        assert main(["puf", str(data), "--recipe", recipe, "-o", str(out), "--report",
                     str(report), "--key-file", str(keyfile)]) == 0
        outs.append(out.read_bytes())
    captured = capsys.readouterr()
    assert outs[0] == outs[1]
    # the key is in no file the program wrote, nor in what it printed
    written = [p for p in tmp_path.iterdir() if p.name not in ("key.txt",)]
    for path in written:
        assert KEY.encode() not in path.read_bytes(), path
    assert KEY not in captured.out + captured.err
    report = json.loads((tmp_path / "report1.json").read_text(encoding="utf-8"))
    assert report["still_personal_data"] is True
    assert report["notes"] == ["pseudonymised_still_personal"]
    assert report["risk_after"]["k"] >= 3
    out = pd.read_csv(tmp_path / "out1.csv", dtype=str, keep_default_na=False, na_values=[""])
    assert "name" not in out.columns
    assert out["person_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(out["age"].dropna()) <= {f"{a}-{a + 9}" for a in range(0, 100, 10)}
    assert set(out["municipality"].dropna()) <= {f"R{i}" for i in range(6)}
    assert out["birth_date"].dropna().str.fullmatch(r"\d{4}").all()
    assert (out["diagnosis"] == "'=HYPERLINK(1)").any()  # neutralised, not a formula
    assert not out["diagnosis"].str.startswith("=").any()
    assert len(out) == 1200 - report["steps"][-1]["records_removed"]
    # and the risk command agrees on the published file
    assert main(["risk", str(tmp_path / "out1.csv"), "--key", "age,sex,municipality",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["k"] >= 3


@pytest.mark.parametrize("op", ["suppress", "exclude"])
def test_to_k3_then_risk_reports_k3(tmp_path, capsys, op):
    data, _ = _files(tmp_path)
    recipe = _recipe(tmp_path, [{"op": "drop", "columns": ["person_id", "name"]},
                                {"op": op, "k": 3}])
    out = tmp_path / "out.csv"
    assert main(["puf", str(data), "--recipe", recipe, "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["still_personal_data"] is False
    assert main(["risk", str(out), "--key", "age,sex,municipality", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["k"] >= 3


def test_local_suppression_by_hand():
    df = pd.DataFrame({"a": ["1", "1", "1", "2", "2", "2", "3"],
                       "b": ["x", "x", "x", "y", "y", "z", "y"]})
    out, blanked, removed = local_suppression(df, ["a", "b"], 2)
    # (2,z) and (3,y) are unique and no single blank gives either a partner: (2,-) and
    # (-,z), (3,-) and (-,y) are all alone. Blanking both values of both records puts them
    # together in (-,-): four blanks, the fewest that keep every record.
    sizes = out.groupby(["a", "b"], dropna=False).size()
    assert sizes.min() >= 2
    assert (blanked, removed) == (4, 0)
    assert list(out.index[out["a"].isna()]) == [5, 6]
    assert len(out) + removed == len(df)


def test_local_suppression_suppresses_few_values():
    df = _people(3000)[["age", "sex", "municipality"]]
    out, blanked, _removed = local_suppression(df, ["age", "sex", "municipality"], 3)
    assert out.groupby(["age", "sex", "municipality"], dropna=False).size().min() >= 3
    # far fewer blanks than blanking every key value of every risky record
    risky = df.groupby(["age", "sex", "municipality"])["age"].transform("size") < 3
    assert blanked < 3 * int(risky.sum())


def test_exclusion_by_hand():
    df = pd.DataFrame({"a": ["1", "1", "2"], "b": ["x", "x", "y"]})
    assert list(exclude_small_classes(df, ["a", "b"], 2).index) == [0, 1]


def test_steps_by_hand(tmp_path):
    df = pd.DataFrame({"age": ["3", "17", "18", "64", "99", None],
                       "pay": ["10", "20,5", "3000", "10", "5", "7"],
                       "d": ["2021-03-04", "4.5.2020", "2019-12-31", None, "2020-01-01",
                             "2020-02-02"],
                       "m": ["a", "b", "c", "a", "b", "q"]})
    recipe = Recipe.model_validate({"steps": [
        {"op": "band", "column": "age", "breaks": [18, 65]},
        {"op": "top_code", "column": "pay", "at": 1000},
        {"op": "bottom_code", "column": "pay", "at": 6},
        {"op": "date", "column": "d", "to": "month"},
        {"op": "merge", "column": "m", "mapping": {"a": "AB", "b": "AB"}, "unmapped": "keep"},
    ]})
    out = apply_recipe(df, recipe).data
    assert list(out["age"].fillna("-")) == ["<18", "<18", "18-64", "18-64", "65+", "-"]
    assert list(out["pay"]) == ["10", "20,5", "1000", "10", "6", "7"]
    assert list(out["d"].fillna("-")) == ["2021-03", "2020-05", "2019-12", "-", "2020-01",
                                          "2020-02"]
    assert list(out["m"]) == ["AB", "AB", "c", "AB", "AB", "q"]
    assert df["age"].iloc[0] == "3"  # the input is not changed


def test_pseudonym_is_hmac_sha256():
    import hashlib
    import hmac

    key = KEY.encode()
    assert pseudonym("P1", key) == hmac.new(key, b"P1", hashlib.sha256).hexdigest()
    assert pseudonym("P1", key) != pseudonym("P1", key + b"x")


def test_bad_recipes_are_reported_with_their_path(tmp_path):
    data, _ = _files(tmp_path)
    recipe = _recipe(tmp_path, [{"op": "band", "column": "age"}, {"op": "nonsense"}])
    with pytest.raises(InputError) as info:
        from hrk_workbench.disclosure.microdata.recipe import load_recipe
        load_recipe(recipe)
    assert {p.location.split(".")[0] for p in info.value.problems} == {"steps[0]", "steps[1]"}
    recipe = _recipe(tmp_path, [{"op": "pseudonymise", "columns": ["person_id"]}])
    short = tmp_path / "short.key"
    short.write_text("abc", encoding="utf-8")
    assert main(["puf", str(data), "--recipe", recipe, "-o", str(tmp_path / "o.csv"),
                 "--key-file", str(short)]) == 2
    assert not (tmp_path / "o.csv").exists()


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("+358 40 1") == "'+358 40 1" and neutralise("-2+3") == "'-2+3"
    assert neutralise("-5") == "-5" and neutralise("+3,5") == "+3,5" and neutralise("a=b") == "a=b"
    assert to_csv_bytes(pd.DataFrame({"=x": ["=y", None]})) == b"'=x\n'=y\n\"\"\n" or \
        to_csv_bytes(pd.DataFrame({"=x": ["=y", None]})) == b"'=x\n'=y\n\n"


def test_loss_report_by_hand():
    original = pd.DataFrame({"g": ["a", "a", "b", "b", "c"], "v": ["1", "2", "3", "4", "10"]})
    protected = original.drop(index=[4]).copy()
    protected.loc[0, "g"] = None
    # by default no category under 5 records is named (issue 28: a removed record's value
    # never appears); min_count=1 shows the arithmetic on every category
    assert all(not v.get("lost_most") for v in loss_report(original, protected)
               ["variables"].values())
    report = loss_report(original, protected, min_count=1)
    assert report["records_removed"] == 1 and report["values_suppressed"] == 1
    g = report["variables"]["g"]
    assert g["values_suppressed"] == 1
    # shares a .4 .4 .2 vs a .25 b .5 missing .25: (.15 + .1 + .2 + .25) / 2 = .35
    assert g["total_variation"] == pytest.approx(0.35)
    assert g["lost_most"][0] == {"value": "c", "records": 1, "lost": 1, "share_lost": 1.0}
    assert g["lost_most"][1]["value"] == "a" and g["lost_most"][1]["share_lost"] == 0.5
    v = report["variables"]["v"]["numeric"]
    assert v["mean"]["before"] == 4.0 and v["mean"]["after"] == 2.5
    assert v["median"]["change"] == pytest.approx(-0.5)
    assert total_variation(original["g"], original["g"]) == 0.0
