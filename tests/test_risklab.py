"""Risk lab measures: hand-computed tables, a peer implementation (pycanon) and plain pandas
group-bys on generated data, and the DuckDB path agreeing with the DataFrame path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pycanon import anonymity

from hrk_workbench.cli.program import main
from hrk_workbench.disclosure.loading import read_table
from hrk_workbench.disclosure.microdata import measures as m
from hrk_workbench.disclosure.microdata.measures import MeasuredRisk, measure_file, measure_frame

# Six records, classes by (age, sex, mun): (30,M,A) x3, (40,F,A), (40,F,B), (50,M,B).
HAND = pd.DataFrame({
    "age": ["30", "30", "30", "40", "40", "50"],
    "sex": ["M", "M", "M", "F", "F", "M"],
    "mun": ["A", "A", "A", "A", "B", "B"],
    "diag": ["x", "y", "x", "x", "z", "y"],
})
KEYS = ["age", "sex", "mun"]


def test_hand_computed_table():
    assert m.k_anonymity(HAND, KEYS) == 1
    assert m.records_below_k(HAND, KEYS) == {2: 3, 3: 3, 5: 6, 10: 6}
    assert m.sample_uniques(HAND, KEYS) == 3
    assert list(m.individual_risk(HAND, KEYS).round(4)) == [0.3333] * 3 + [1.0] * 3
    assert m.expected_reidentifications(HAND, KEYS) == pytest.approx(4.0)  # 3 x 1/3 + 3 x 1
    assert m.l_diversity(HAND, KEYS, "diag") == 1  # singletons; the big class has {x, y}
    assert m.l_diversity(HAND.iloc[:3], KEYS, "diag") == 2
    # without mun, (40,F,A) and (40,F,B) merge; without age or sex nothing unique merges
    assert m.uniques_if_dropped(HAND, KEYS) == {"age": 0, "sex": 0, "mun": 2}


def test_hand_computed_table_from_a_file_in_duckdb(tmp_path):
    path = tmp_path / "hand.csv"
    HAND.to_csv(path, index=False)
    got = measure_file(path, KEYS, ["diag"]).to_dict()
    assert got["rows"] == 6 and got["k"] == 1 and got["classes"] == 4
    assert got["records_below_k"] == {"2": 3, "3": 3, "5": 6, "10": 6}
    assert got["sample_uniques"] == 3 and got["expected_reidentifications"] == 4.0
    assert got["l_diversity"] == {"diag": 1}
    assert got["uniques_if_dropped"] == {"age": 0, "sex": 0, "mun": 2}


def test_missing_values_are_a_category_of_their_own():
    df = pd.DataFrame({"a": ["1", None, None, "1"], "b": ["x", "y", "y", None]})
    assert m.k_anonymity(df, ["a", "b"]) == 1
    assert m.records_below_k(df, ["a", "b"])[2] == 2  # (1,x) and (1,missing)
    assert m.sample_uniques(df, ["a", "b"]) == 2


def _generated(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(300, 3000))
    return pd.DataFrame({
        "age": rng.integers(18, 18 + int(rng.integers(5, 80)), n).astype(str),
        "sex": rng.choice(["M", "F"], n),
        "region": rng.choice([f"R{i}" for i in range(int(rng.integers(2, 20)))], n),
        "edu": rng.integers(0, int(rng.integers(2, 8)), n).astype(str),
        "diag": rng.choice([f"D{i}" for i in range(int(rng.integers(1, 6)))], n),
        "benefit": rng.choice(["yes", "no"], n),
    })


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_agrees_with_pycanon_and_plain_pandas(seed, tmp_path):
    df = _generated(seed)
    keys = ["age", "sex", "region", "edu"][: 2 + seed % 3]
    sizes = df.groupby(keys).size()  # the plain group-by
    frame = measure_frame(df, keys, ["diag", "benefit"])
    path = tmp_path / "gen.csv"
    df.to_csv(path, index=False)
    filed = measure_file(path, keys, ["diag", "benefit"])
    for got in (frame, filed):
        assert got.k == anonymity.k_anonymity(df, keys)
        assert got.l_diversity["diag"] == anonymity.l_diversity(df, keys, ["diag"])
        assert got.l_diversity["benefit"] == anonymity.l_diversity(df, keys, ["benefit"])
        assert got.records_below_k == {str(k): int(sizes[sizes < k].sum()) for k in m.KS}
        assert got.sample_uniques == int((sizes == 1).sum())
        assert got.expected_reidentifications == pytest.approx(float((1 / df.groupby(
            keys)[keys[0]].transform("size")).sum()))
    assert filed.uniques_if_dropped == frame.uniques_if_dropped
    # uniques_if_dropped by brute force for one variable
    var = keys[0]
    unique_rows = df[df.groupby(keys)[var].transform("size") == 1]
    rest = [k for k in keys if k != var]
    rest_sizes = df.groupby(rest)[var].transform("size")
    assert frame.uniques_if_dropped[var] == int((rest_sizes[unique_rows.index] > 1).sum())


def test_duckdb_and_pandas_agree_with_missing_values(tmp_path):
    df = _generated(9)
    rng = np.random.default_rng(9)
    for col in ("age", "region", "diag"):
        df.loc[rng.random(len(df)) < 0.1, col] = None
    path = tmp_path / "gaps.csv"
    df.to_csv(path, index=False)
    a = measure_frame(df, ["age", "sex", "region"], ["diag"]).to_dict()
    b = measure_file(path, ["age", "sex", "region"], ["diag"]).to_dict()
    for key in ("rows", "k", "records_below_k", "sample_uniques", "classes", "l_diversity",
                "uniques_if_dropped", "expected_reidentifications"):
        assert a[key] == b[key], key


def test_unique_trajectories_by_hand(tmp_path):
    df = pd.DataFrame({
        "pid": ["1", "1", "2", "2", "3", "3", "4"],
        "year": ["2020", "2021", "2020", "2021", "2021", "2020", "2020"],
        "mun": ["A", "B", "A", "B", "B", "A", "C"],
    })
    # persons 1, 2 and 3 share A->B (3 listed out of order); 4 is alone
    assert m.unique_trajectory_share(df, "pid", "year", ["mun"]) == pytest.approx(0.25)
    path = tmp_path / "long.csv"
    df.to_csv(path, index=False)
    got = measure_file(path, ["mun"], person="pid", time="year")
    assert got.persons == 4 and got.unique_trajectory_share == pytest.approx(0.25)


def test_measured_risk_round_trips_and_knows_step_7():
    got = measure_frame(HAND, KEYS, ["diag"], file="hand.csv")
    again = MeasuredRisk.from_dict(json.loads(json.dumps(got.to_dict())))
    assert again.to_dict() == got.to_dict()
    assert not got.reaches_publish_k
    big = pd.concat([HAND.iloc[:3]] * 2)
    assert measure_frame(big, KEYS).reaches_publish_k


def test_risk_command_json_keys(tmp_path, capsys):
    path = tmp_path / "hand.csv"
    HAND.to_csv(path, index=False, sep=";")
    assert main(["risk", str(path), "--key", "age,sex,mun", "--sensitive", "diag",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"rows", "k", "records_below_k", "sample_uniques", "expected_reidentifications",
            "l_diversity", "uniques_if_dropped"} <= set(out)
    assert out["records_below_k"] == {"2": 3, "3": 3, "5": 6, "10": 6}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_risk_command_text_and_bad_input_in_every_language(tmp_path, capsys, lang):
    path = tmp_path / "hand.csv"
    HAND.to_csv(path, index=False)
    assert main(["risk", str(path), "--key", "age,sex,mun", "--lang", lang]) == 0
    assert "k" in capsys.readouterr().out
    assert main(["risk", str(path), "--key", "age,nope", "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err


def test_read_table_kinds(tmp_path):
    df = HAND.assign(code=["00100", "00200", "00100", "00300", "00100", "00200"])
    df.to_excel(tmp_path / "d.xlsx", index=False)
    df.to_parquet(tmp_path / "d.parquet")
    for name in ("d.xlsx", "d.parquet"):
        got = read_table(tmp_path / name)
        assert list(got["code"]) == list(df["code"])  # leading zeros kept
        assert measure_file(tmp_path / name, KEYS, ["diag"]).to_dict()["uniques_if_dropped"] \
            == {"age": 0, "sex": 0, "mun": 2}


def test_reads_a_million_rows_only_in_the_benchmark():
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_risk.py"
    assert bench.exists()


def test_l_diversity_when_every_class_has_company(tmp_path):
    df = pd.concat([HAND.iloc[:3], HAND.iloc[3:4]] * 2)  # (30,M,A) x6 {x,y}; (40,F,A) x2 {x}
    path = tmp_path / "k2.csv"
    df.to_csv(path, index=False)
    got = measure_file(path, ["age", "mun"], ["diag", "sex"])
    assert got.k == 2 == anonymity.k_anonymity(df, ["age", "mun"])
    assert got.l_diversity == {"diag": 1, "sex": 1}
    three = pd.concat([HAND.iloc[:3]] * 2)
    three.to_csv(path, index=False)
    assert measure_file(path, KEYS, ["diag"]).l_diversity == {"diag": 2} == \
        {"diag": anonymity.l_diversity(three, KEYS, ["diag"])}
