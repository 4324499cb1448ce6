"""Measuring a file (``measure_file``: DuckDB on the file itself) gives the numbers pandas
gives on the same file as loaded (``measure_frame`` on ``read_table``): two independent
implementations, compared on generated data of many shapes written as real CSV and Parquet
files, on the CSV files Finnish and Swedish exports produce, and on a file counted by hand.
Malformed files fail with the file, the line and what was expected.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hrk_workbench.disclosure import loading
from hrk_workbench.disclosure.loading import read_table
from hrk_workbench.disclosure.microdata.measures import MeasuredRisk, measure_file, measure_frame
from hrk_workbench.foundations.problems import InputError


def _fields(risk: MeasuredRisk) -> dict[str, object]:
    """Every field but ``measured_at`` (and the file name, which tests compare apart)."""
    out = dataclasses.asdict(risk)
    out.pop("measured_at")
    return out


def _both(path: Path, keys: list[str], sensitive: list[str] = ()) -> MeasuredRisk:
    """DuckDB's result on the file, after asserting pandas gives the same on it as loaded."""
    got = measure_file(path, keys, sensitive)
    frame = read_table(path, [*keys, *sensitive])
    assert _fields(got) == _frame_fields(frame, keys, list(sensitive), path.name)
    return got


def _frame_fields(frame: pd.DataFrame, keys: list[str], sensitive: list[str],
                  name: str) -> dict[str, object]:
    return _fields(measure_frame(frame, keys, sensitive, file=name))


# --- generated data sets -----------------------------------------------------------------

def _column(rng: np.random.Generator, rows: int, values: int, missing: float,
            zeros: bool) -> list[str | None]:
    """``values`` distinct texts (with leading zeros when ``zeros``, so "01" and "1" would
    merge if either reader took numbers), a share ``missing`` of them left empty."""
    drawn = rng.integers(0, values, rows)
    text = [f"{v:05d}" if zeros else str(v) for v in drawn]
    gone = rng.random(rows) < missing
    return [None if g else t for t, g in zip(text, gone, strict=True)]


#: (name, seed, rows, key cardinalities, missing share in keys, sensitive cardinalities);
#: a name ending in "_doubled" holds every record twice (shuffled), so k >= 2 and l is counted
SHAPES = [
    ("all_unique", 1, 2000, (2000, 2000, 2000), 0.0, (5,)),
    ("few_classes", 2, 2000, (2, 3), 0.0, (2, 30)),
    ("few_classes_missing", 3, 2000, (2, 3, 2), 0.1, (3,)),
    ("mixed", 4, 2000, (10, 40, 7, 300), 0.02, (4, 50)),
    ("one_key", 5, 2000, (50,), 0.0, (3,)),
    ("one_key_unique", 6, 2000, (1000,), 0.05, (2,)),
    ("two_keys", 7, 2000, (30, 30), 0.05, (6,)),
    ("five_keys", 8, 2000, (3, 4, 5, 6, 7), 0.01, (10,)),
    ("six_keys_high", 9, 2000, (20, 30, 40, 50, 60, 70), 0.03, (2,)),
    ("six_keys_sparse_missing", 10, 2000, (2, 2, 2, 3, 3, 3), 0.3, (2, 200)),
    ("tiny", 11, 7, (2, 2), 0.2, (2,)),
    ("one_row", 12, 1, (3, 3), 0.0, (2,)),
    ("unique_doubled", 13, 1000, (1000, 1000), 0.0, (3,)),
    ("mixed_doubled", 14, 1000, (5, 9, 400), 0.05, (2, 8)),
]


def _generated(shape: str, seed: int, rows: int, cards: tuple[int, ...], missing: float,
               sensitive: tuple[int, ...]) -> tuple[pd.DataFrame, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    keys = [f"key{i}" for i in range(len(cards))]
    data: dict[str, list[str | None]] = {"record": [str(i) for i in range(rows)]}
    for i, (key, n) in enumerate(zip(keys, cards, strict=True)):
        data[key] = _column(rng, rows, n, missing, zeros=i % 2 == 1)
    names = [f"sens{i}" for i in range(len(sensitive))]
    for name, n in zip(names, sensitive, strict=True):
        data[name] = _column(rng, rows, n, 0.05, zeros=False)
    frame = pd.DataFrame(data)
    if shape.endswith("_doubled"):  # the sensitive values differ between the two copies
        again = frame.assign(**{n: np.roll(frame[n].to_numpy(), 1) for n in names})
        frame = pd.concat([frame, again]).sample(frac=1, random_state=seed)
        frame = frame.reset_index(drop=True)
    return frame, keys, names


@pytest.mark.parametrize(("name", "seed", "rows", "cards", "missing", "sensitive"), SHAPES,
                         ids=[s[0] for s in SHAPES])
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_file_and_frame_agree_on_generated_files(tmp_path, name, seed, rows, cards, missing,
                                          sensitive, kind):
    frame, keys, names = _generated(name, seed, rows, cards, missing, sensitive)
    path = tmp_path / f"{name}.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    got = _both(path, keys, names)
    assert got.rows == len(frame)
    loaded = read_table(path, [*keys, *names])
    assert _fields(got) == _frame_fields(loaded, keys, names, path.name)
    # the key alone, and its first variable alone, too (other prefixes of the chain)
    _both(path, keys[:1], names[:1])
    if len(keys) > 2:
        _both(path, keys[1:], [])


def test_generated_shapes_cover_what_they_claim(tmp_path):
    """The shapes above are worth comparing: some all unique, some k > 1, l = 1 and l > 1."""
    seen_k, seen_l = set(), set()
    for name, seed, rows, cards, missing, sensitive in SHAPES:
        frame, keys, names = _generated(name, seed, rows, cards, missing, sensitive)
        risk = measure_frame(frame, keys, names)
        seen_k.add(min(risk.k or 0, 3))
        seen_l.update(min(v or 0, 3) for v in risk.l_diversity.values())
    assert {1, 2, 3} <= seen_k and {1, 2, 3} <= seen_l


def test_file_and_frame_agree_on_typed_parquet(tmp_path):
    """Parquet keeps its types: integers, floats with missing values, booleans, a
    categorical (read back as an Arrow dictionary), dates."""
    rng = np.random.default_rng(42)
    rows = 3000
    ints = rng.integers(0, 40, rows)
    floats = rng.integers(0, 9, rows).astype(float) / 2
    floats[rng.random(rows) < 0.1] = np.nan
    frame = pd.DataFrame({
        "age": ints,
        "score": floats,
        "flag": rng.random(rows) < 0.3,
        "region": pd.Categorical(rng.choice(["Uusimaa", "Lappi", "Pirkanmaa", None], rows)),
        "day": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 20, rows), "D"),
        "diag": pd.array(rng.choice(["A", "B", "C", None], rows), dtype="string"),
        "count": pd.array(np.where(rng.random(rows) < 0.1, None, rng.integers(0, 4, rows)),
                          dtype="Int64"),
    })
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path, index=False, row_group_size=700)  # several row groups (chunks)
    for keys in (["age"], ["age", "score"], ["region", "flag", "day"],
                 ["age", "score", "flag", "region", "day"], ["count", "region"]):
        got = _both(path, keys, ["diag", "count"] if "count" not in keys else ["diag"])
        sensitive = list(got.sensitive)
        assert _fields(got) == _frame_fields(read_table(path), keys, sensitive, path.name)


def test_l_diversity_of_many_classes_and_values_does_not_overflow(tmp_path):
    """Class number x value count passes 2**32 here (70 000 classes of two records, 65 536
    values): the pairs of class 0 and class 65 536 must not wrap onto each other."""
    classes = 70_000
    c = np.repeat(np.arange(classes), 2)
    frame = pd.DataFrame({"a": c.astype(str), "b": (c % 1000).astype(str),
                          "s": (np.arange(2 * classes) % 65_536).astype(str)})
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    got = _both(path, ["a", "b"], ["s"])
    assert (got.k, got.classes, got.l_diversity) == (2, classes, {"s": 2})


def test_floats_compare_as_duckdb_compares_them(tmp_path):
    """0.0 and -0.0 are one value, every NaN one value, a null another (DuckDB's group-by);
    pandas takes NaN for missing, so here the two differ, and the file's measure is DuckDB's."""
    table = pa.table({
        "x": pa.array([0.0, -0.0, np.nan, None, np.nan, 1.0, -0.0, None], pa.float64()),
        "y": pa.array([1, 1, 1, 1, 1, 1, 2, 2], pa.int64()),
        "s": pa.array(["a", "b", "a", "a", "a", "b", "a", "b"]),
    })
    path = tmp_path / "floats.parquet"
    pq.write_table(table, path, row_group_size=3)
    single = measure_file(path, ["x"], ["s"])
    assert (single.classes, single.sample_uniques) == (4, 1)  # 0 x3, NaN x2, null x2, 1
    assert measure_file(path, ["x", "y"], ["s"]).classes == \
        measure_file(path, ["y", "x"], ["s"]).classes == 6
    assert measure_frame(read_table(path), ["x"]).classes == 3


def test_a_csv_of_several_blocks_with_missing_values(tmp_path):
    """A CSV of several MiB, read in blocks by both readers, missing values included."""
    rng = np.random.default_rng(77)
    frame, keys, names = _generated("blocks", 77, 150_000, (40, 300, 9), 0.05, (3,))
    frame["pad"] = rng.choice(["x" * 20, "y" * 20], len(frame))
    path = tmp_path / "blocks.csv"
    frame.to_csv(path, index=False)
    assert path.stat().st_size > 3 * 2**20
    got = _both(path, keys, names)
    assert _fields(got) == _frame_fields(read_table(path, [*keys, *names]), keys, names,
                                         path.name)


# --- a tiny file counted by hand ---------------------------------------------------------

HAND_CSV = (
    "postcode;sex;age;diag\n"
    "00100;M;30;x\n"
    "100;M;30;y\n"     # not the same postcode as 00100
    "00100;M;30;x\n"
    '"00100";F;;y\n'    # the age is missing: a value of its own
    "00100;F;;z\n"
    "00100;F;40;x\n"
)


def test_a_hand_counted_file(tmp_path):
    path = tmp_path / "hand.csv"
    path.write_text(HAND_CSV, encoding="utf-8")
    got = measure_file(path, ["postcode", "sex", "age"], ["diag"])
    # classes: (00100,M,30) x2, (100,M,30), (00100,F,missing) x2, (00100,F,40)
    assert (got.rows, got.k, got.classes, got.sample_uniques) == (6, 1, 4, 2)
    assert got.records_below_k == {"2": 2, "3": 6, "5": 6, "10": 6}
    assert got.expected_reidentifications == 4.0
    assert got.l_diversity == {"diag": 1}
    # without postcode, 100 joins (M,30); without age, (F,40) joins (F,missing)
    assert got.uniques_if_dropped == {"postcode": 1, "sex": 0, "age": 1}
    two = measure_file(path, ["sex", "age"], ["diag"])
    assert (two.k, two.sample_uniques, two.l_diversity) == (1, 1, {"diag": 1})
    pair = measure_file(path, ["sex"], ["diag"])
    assert (pair.k, pair.classes, pair.l_diversity) == (3, 2, {"diag": 2})
    assert pair.uniques_if_dropped == {"sex": 0}


# --- CSV files as they come --------------------------------------------------------------

def _write(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


TRICKY = {
    "semicolon": ("kunta;ikä;diag\nEspoo;34;a\nEspoo;34;b\nÅbo;7;a\n", "utf-8", False),
    "cp1252": ("kunta;ikä;diag\nHämeenlinna;34;€\nÅbo;34;„x“\nÅbo;7;–\nhämeenlinna;34;€\n",
               "cp1252", False),
    "latin1": ("kunta,ikä,diag\nHämeenlinna,34,ä\nÅbo,34,ö\nÅbo,34,ö\n", "latin-1", False),
    "bom": ("kunta,ikä,diag\nEspoo,34,a\nEspoo,34,a\nÅbo,7,b\n", "utf-8", True),
    "bom_semicolon_crlf": ("kunta;ikä;diag\r\nEspoo;34;a\r\nEspoo;34;b\r\n", "utf-8", True),
    "quoted_empty": ('kunta,ikä,diag\nEspoo,"",a\nEspoo,,a\nEspoo," ",b\n"",34,""\n',
                     "utf-8", False),
    "unquoted_empty": ("kunta,ikä,diag\nEspoo,,a\n,,\nEspoo,,\n,34,a\n", "utf-8", False),
    "embedded_newline": ('kunta,ikä,diag\n"Espoo\nkeskus",34,a\n"Espoo\r\nkeskus",34,a\n'
                         '"Espoo keskus",34,"b\nc"\n', "utf-8", False),
    "leading_zeros": ("postcode,ikä,diag\n00100,01,a\n100,1,a\n00100,1,b\n0100,001,a\n",
                      "utf-8", False),
    "whitespace": ("kunta,ikä,diag\nEspoo,34,a\n Espoo,34,a\nEspoo ,34,a\nEspoo, 34,a\n"
                   '" Espoo",34 ,a\n', "utf-8", False),
    "quotes_doubled": ('kunta,ikä,diag\n"Esp""oo",34,a\n"Esp""oo",34,b\n"a,b",1,c\n',
                       "utf-8", False),
    "no_final_newline": ("kunta,ikä,diag\nEspoo,34,a\nEspoo,34,b", "utf-8", False),
    "tab": ("kunta\tikä\tdiag\nEspoo\t34\ta\nEspoo\t34\tb\nÅbo\t7\t\n", "utf-8", False),
    "header_only": ("kunta,ikä,diag\n", "utf-8", False),
    "header_only_no_newline": ("kunta;ikä;diag", "utf-8", False),
    "blank_line": ("kunta,ikä,diag\nEspoo,34,a\n\nEspoo,34,b\n", "utf-8", False),
    "blank_lines_at_end": ("kunta,ikä,diag\nEspoo,34,a\nÅbo,7,b\n\n\n", "utf-8", False),
    "spaced_header": ("kunta , ikä,diag\nEspoo,34,a\nEspoo,34,b\n", "utf-8", False),
}


@pytest.mark.parametrize("case", sorted(TRICKY))
def test_tricky_csv_reads_as_pandas_reads_it(tmp_path, case):
    text, encoding, bom = TRICKY[case]
    path = _write(tmp_path / f"{case}.csv", text, encoding, bom)
    header = loading.sniff_csv(path).header
    keys, sensitive = list(header[:2]), [header[2]]
    got = _both(path, keys, sensitive)
    for key in keys:
        _both(path, [key], sensitive)
    frame = read_table(path, [*keys, *sensitive])
    assert got.rows == len(frame)
    assert _fields(got) == _frame_fields(frame, keys, sensitive, path.name)


def test_tricky_csv_values_are_what_the_steward_wrote(tmp_path):
    """Not just alike but right: leading zeros kept, blanks around values kept, an empty
    cell (quoted or not) missing, a quoted newline part of its value."""
    def measured(case, keys, sensitive=()):
        text, encoding, bom = TRICKY[case]
        return _both(_write(tmp_path / f"{case}.csv", text, encoding, bom), keys, sensitive)

    zeros = measured("leading_zeros", ["postcode", "ikä"])
    assert (zeros.classes, zeros.sample_uniques) == (4, 4)
    assert measured("leading_zeros", ["postcode"]).classes == 3
    assert measured("whitespace", ["kunta"]).classes == 3  # Espoo, " Espoo", "Espoo "
    assert measured("whitespace", ["ikä"]).classes == 3  # 34, " 34", "34 "
    empty = measured("unquoted_empty", ["kunta", "ikä"], ["diag"])
    assert (empty.rows, empty.classes, empty.k) == (4, 3, 1)
    quoted = measured("quoted_empty", ["kunta", "ikä"])
    assert (quoted.rows, quoted.classes) == (4, 3)  # "" and nothing are both missing
    newline = measured("embedded_newline", ["kunta"])
    assert (newline.rows, newline.classes) == (3, 3)  # \n and \r\n inside quotes differ
    cp = measured("cp1252", ["kunta"], ["diag"])
    assert (cp.classes, cp.l_diversity) == (3, {"diag": 1})  # case matters: Hämeenlinna x2
    assert measured("header_only", ["kunta", "ikä"], ["diag"]).rows == 0
    assert measured("blank_line", ["kunta", "ikä"]).rows == 2


BAD = {
    "too_many_fields": ("a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n", "data_wrong_fields", "line 4"),
    "too_few_fields": ("a;b;c\n1;2;3\n4;5\n7;8;9\n", "data_wrong_fields", "line 3"),
    "after_a_quoted_newline": ('a,b,c\n"x\ny",2,3\n4,5\n', "data_wrong_fields", "line 4"),
    "every_row_one_more": ("a,b,c\n1,2,3,4\n5,6,7,8\n", "data_wrong_fields", "line 2"),
    "unclosed_quote": ('a,b,c\n1,2,3\n"4,5,6\n7,8,9\n', "data_bad_quote", "line 3"),
    "unclosed_quote_last": ('a,b,c\n1,2,3\n4,5,"6\n', "data_bad_quote", "line 3"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_csv_fails_with_its_line(tmp_path, case):
    text, code, line = BAD[case]
    path = _write(tmp_path / f"{case}.csv", text)
    with pytest.raises(InputError) as info:
        measure_file(path, ["a", "b"], ["c"])
    assert info.value.source == str(path)
    assert info.value.problems[0].code == code
    assert info.value.problems[0].location == line


def test_invalid_utf8_after_the_sniffed_part_fails(tmp_path):
    """The encoding is sniffed from the first 256 KiB; a stray byte after it is an error
    naming the file (not a silently different value)."""
    path = tmp_path / "late.csv"
    body = "".join(f"Espoo,{i % 90},a\n" for i in range(30_000))
    path.write_bytes(b"kunta,age,diag\n" + body.encode() + b"\xe4bo,7,b\n")
    with pytest.raises(InputError) as info:
        measure_file(path, ["kunta", "age"])
    assert info.value.source == str(path)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_column_that_does_not_exist(tmp_path, kind):
    frame = pd.DataFrame({"a": ["1", "2"], "b": ["x", "y"]})
    path = tmp_path / f"cols.{kind}"
    frame.to_csv(path, index=False) if kind == "csv" else frame.to_parquet(path)
    with pytest.raises(InputError) as info:
        measure_file(path, ["a", "nope"], ["gone"])
    assert info.value.source == str(path)
    assert [p.params["column"] for p in info.value.problems] == ["nope", "gone"]
    assert {p.code for p in info.value.problems} == {"data_no_column"}


def test_a_missing_file_and_an_empty_file(tmp_path):
    with pytest.raises(InputError) as info:
        measure_file(tmp_path / "absent.csv", ["a"])
    assert info.value.problems[0].code == "data_not_found"
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError) as info:
        measure_file(tmp_path / "empty.csv", ["a"])
    assert info.value.problems[0].code == "data_empty"


def test_a_damaged_parquet_fails(tmp_path):
    path = tmp_path / "x.parquet"
    path.write_bytes(b"not really")
    with pytest.raises(InputError) as info:
        measure_file(path, ["a"])
    assert info.value.problems[0].code == "data_unreadable"


def test_a_record_longer_than_duckdbs_own_line_limit_is_measured(tmp_path):
    """The file is parsed with DuckDB's own line limit (2 MB, the fast split among threads)
    and read again with ours only when a record is longer: a value of 1,000,000 'ä' (2 MB of
    UTF-8, the longest value allowed) in a column not measured and in a sensitive one gives
    the measures pandas gives, with the data around it counted as well."""
    rng = np.random.default_rng(7)
    rows = 3000
    frame = pd.DataFrame({"age": rng.integers(20, 30, rows).astype(str),
                          "kunta": rng.choice(["Espoo", "Åbo", "Oulu"], rows),
                          "diag": rng.choice(["a", "b", "c"], rows),
                          "note": ["-"] * rows})
    frame.loc[1500, "note"] = "ä" * 1_000_000
    frame.loc[2100, "diag"] = "ä" * 1_000_000
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    got = _both(path, ["age", "kunta"], ["diag"])
    assert got.rows == rows
    assert got.l_entropy["diag"] is not None
    # a panel, whose file DuckDB copies in before measuring (trajectories read it twice)
    frame["pid"] = [str(i // 3) for i in range(rows)]
    frame["year"] = [str(2020 + i % 3) for i in range(rows)]
    frame.to_csv(path, index=False)
    panel = measure_file(path, ["age", "kunta"], ["diag"], person="pid", time="year")
    want = measure_frame(read_table(path, ["age", "kunta", "diag", "pid", "year"]),
                         ["age", "kunta"], ["diag"], person="pid", time="year", file=path.name)
    assert _fields(panel) == _fields(want)
    assert panel.persons == rows // 3


def test_a_value_past_the_limit_still_names_its_line(tmp_path):
    """The second, longer read meets a record longer than ours: the steward is told which
    line holds the value that is too long, as before."""
    path = tmp_path / "huge.csv"
    body = "".join(f"{i % 7},x,-\n" for i in range(200))
    path.write_text("a,b,note\n" + body + "1,y," + "ä" * 17_000_000 + "\n" + body,
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        measure_file(path, ["a", "b"])
    assert info.value.source == str(path)
    assert info.value.problems[0].code == "data_value_too_long"
    assert info.value.problems[0].location == "line 202"


COLLIDING = [  # (keys, sensitive, options): columns named as the measures name their own
    (["f", "m", "h0", "N", "u", "_w", "nln"], ["l"], {"weight": "weight col"}),
    (["f", "N", "u"], ["l", "nln"], {"period": "year", "weight": "weight col"}),
    (["f", "N"], ["l"], {"extra_quasi": ["u", "c0"]}),
    (["c0", "f", "bad"], ["l"], {"person": "pid", "time": "year"}),
    (["f", "pid"], ["bad", "l"], {}),
]


@pytest.mark.parametrize(("keys", "sensitive", "options"), COLLIDING)
def test_columns_named_as_the_measures_own_names_are_measured_as_any_other(
        tmp_path, keys, sensitive, options):
    """A file may call its columns f, n, l, pid, bad or c0 (a count, a person id): both
    engines give the same measures as for any other names, with weights, periods, omitted
    quasi-identifiers and trajectories (before, a key named f stopped the in-memory measure
    with a traceback, and one named n made the file measure sum a text)."""
    rng = np.random.default_rng(11)
    rows = 3000
    frame = pd.DataFrame({
        "f": rng.integers(0, 5, rows).astype(str), "m": rng.integers(0, 4, rows).astype(str),
        "h0": rng.integers(0, 3, rows).astype(str), "N": rng.integers(0, 3, rows).astype(str),
        "u": rng.choice(["a", "b"], rows), "_w": rng.choice(["x", "y"], rows),
        "nln": rng.choice(["p", "q"], rows), "l": rng.choice(["p", "q", "r", None], rows),
        "year": rng.choice(["2020", "2021"], rows), "pid": [str(i // 2) for i in range(rows)],
        "weight col": np.round(rng.uniform(1, 9, rows), 2).astype(str),
        "c0": rng.choice(["a", "b"], rows), "bad": rng.choice(["a", "b", "c"], rows)})
    path = tmp_path / "named.csv"
    frame.to_csv(path, index=False)
    got = measure_file(path, keys, sensitive, **options)
    columns = list(dict.fromkeys([*keys, *sensitive, *options.get("extra_quasi", []),
                                  *(options[o] for o in ("weight", "period", "person", "time")
                                    if o in options)]))
    want = measure_frame(read_table(path, columns), keys, sensitive, file=path.name, **options)
    mine, theirs = _fields(got), _fields(want)
    weighted, expected = mine.pop("weighted"), theirs.pop("weighted")
    assert mine == theirs
    assert (weighted is None) == (expected is None) == ("weight" not in options)
    if weighted is not None:  # sums of weights in another order: the last digit may differ
        assert weighted == pytest.approx(expected, rel=1e-12)
    assert got.k is not None and got.classes > 1
