"""SUDA2 through ``risk --suda2``: held-out checks against a brute force written here from the
published definition (Elliot et al. 2002): an MSU of a record is a set of key variables on
which the record's combination of values is unique in the file and no proper subset of which
is unique; the SUDA score is the sum over the record's MSUs of (M - |MSU|)!, M the number of
key variables. Real CSV and XLSX files, through the command line."""

from __future__ import annotations

import csv
import json
import math
import random
from itertools import combinations
from pathlib import Path

import pytest
from openpyxl import Workbook

from hrk_workbench.cli.program import main

KEYS = ["age", "sex", "town", "job", "edu"]


def brute_force(rows: list[dict[str, str]], keys: list[str], max_size: int
                ) -> tuple[list[list[int]], list[int]]:
    """Per record: MSUs of each size 1..max_size, and the SUDA score. Every subset and every
    proper subset is checked by comparing the records themselves (a blank is a value)."""
    m = len(keys)

    def unique(i: int, subset: tuple[str, ...]) -> bool:
        mine = tuple(rows[i][k] for k in subset)
        return sum(tuple(r[k] for k in subset) == mine for r in rows) == 1

    counts, scores = [], []
    for i in range(len(rows)):
        per = [0] * max_size
        score = 0
        for size in range(1, max_size + 1):
            for subset in combinations(keys, size):
                if not unique(i, subset):
                    continue
                proper = [s for n in range(1, size) for s in combinations(subset, n)]
                if any(unique(i, s) for s in proper):
                    continue
                per[size - 1] += 1
                score += math.factorial(m - size)
        counts.append(per)
        scores.append(score)
    return counts, scores


def random_rows(seed: int, n: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    values = {"age": ["20", "30", "40", "50", "60", ""], "sex": ["M", "F"],
              "town": ["A", "B", "C", ""], "job": ["x", "y", "z", "w"], "edu": ["1", "2", "3"]}
    return [{k: rng.choice(v) for k, v in values.items()} for _ in range(n)]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=KEYS)
        writer.writeheader()
        writer.writerows(rows)


def read_out(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(("seed", "n", "max_size"), [(1, 25, 3), (2, 40, 2), (3, 18, 5),
                                                      (4, 60, 3)])
def test_msus_and_scores_match_the_definition(tmp_path, capsys, seed, n, max_size):
    rows = random_rows(seed, n)
    data, out = tmp_path / "people.csv", tmp_path / "scores.csv"
    write_csv(data, rows)
    assert main(["risk", str(data), "--key", ",".join(KEYS), "--suda2",
                 "--suda-max-size", str(max_size), "--suda2-out", str(out), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["suda2"]
    counts, scores = brute_force(rows, KEYS, max_size)
    assert got["max_size"] == max_size
    assert got["msu_count_by_size"] == {str(s): sum(c[s - 1] for c in counts)
                                        for s in range(1, max_size + 1)}
    assert got["records_with_msu"] == sum(1 for c in counts if sum(c))
    assert got["records_with_msu"] > 0
    written = read_out(out)
    assert list(written[0]) == ["row", "suda_score", "smallest_msu"]
    assert sorted(int(r["row"]) for r in written) == list(range(1, n + 1))
    for r in written:
        i = int(r["row"]) - 1
        assert int(r["suda_score"]) == scores[i]
        first = next((s + 1 for s, c in enumerate(counts[i]) if c), None)
        assert (int(r["smallest_msu"]) if r["smallest_msu"] else None) == first
    # the records that stand out most come first
    listed = [int(r["suda_score"]) for r in written]
    assert listed == sorted(listed, reverse=True)
    assert got["score_max"] == max(scores)


def test_hand_example_and_text_in_every_language(tmp_path, capsys):
    # row 6 is alone on age, on town (blank) and on job: three MSUs of one variable, each
    # weighing (4 - 1)! = 6 among four keys
    data = tmp_path / "hand.csv"
    data.write_text("age,sex,town,job\n30,M,A,x\n30,M,A,x\n30,F,A,y\n40,F,B,y\n40,M,B,x\n"
                    "50,F,,z\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    assert main(["risk", str(data), "--key", "age,sex,town,job", "--suda2-out", str(out),
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["suda2"]
    assert got["max_size"] == 3  # the form's default
    assert got["top_records"][0] == {"row": 6, "suda_score": 18, "smallest_msu": 1}
    assert read_out(out)[0] == {"row": "6", "suda_score": "18", "smallest_msu": "1"}
    # rows 1 and 2 share every value: no MSU, score 0, no smallest MSU
    assert {r["row"]: r["smallest_msu"] for r in read_out(out)}["1"] == ""
    for lang, word in (("en", "SUDA2"), ("fi", "Eniten erottuvat"), ("sv", "sticker ut")):
        assert main(["risk", str(data), "--key", "age,sex,town,job", "--suda2",
                     "--lang", lang]) == 0
        text = capsys.readouterr().out
        assert word in text and "6 (18)" in text


def test_xlsx_file_gives_the_same_msus_as_csv(tmp_path, capsys):
    rows = random_rows(7, 30)
    write_csv(tmp_path / "d.csv", rows)
    wb = Workbook()
    ws = wb.active
    ws.append(KEYS)
    for r in rows:
        ws.append([r[k] or None for k in KEYS])
    wb.save(tmp_path / "d.xlsx")
    results = []
    for name in ("d.csv", "d.xlsx"):
        assert main(["risk", str(tmp_path / name), "--key", ",".join(KEYS), "--suda2",
                     "--json"]) == 0
        results.append(json.loads(capsys.readouterr().out)["suda2"])
    assert results[0] == results[1]


def test_the_scores_file_holds_no_values(tmp_path, capsys):
    rows = [{"age": "9" + str(i), "sex": "Zelda" if i == 3 else "M", "town": "Oulu",
             "job": "x", "edu": "1"} for i in range(6)]
    data, out = tmp_path / "d.csv", tmp_path / "o.csv"
    write_csv(data, rows)
    assert main(["risk", str(data), "--key", ",".join(KEYS), "--suda2-out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Zelda" not in text and "Oulu" not in text and "93" not in text.split("\n", 1)[0]
    assert all(c.replace(",", "").isdigit() for c in text.splitlines()[1:])
    assert "Zelda" not in capsys.readouterr().out


@pytest.mark.parametrize(("value", "lang", "word"), [("0", "en", "whole number"),
                                                     ("x", "fi", "kokonaisluku"),
                                                     ("99", "sv", "heltal")])
def test_bad_max_size_is_refused_in_every_language(tmp_path, capsys, value, lang, word):
    data = tmp_path / "d.csv"
    write_csv(data, random_rows(1, 5))
    assert main(["risk", str(data), "--key", "age,sex", "--suda-max-size", value,
                 "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert "--suda-max-size" in err and word in err and "Traceback" not in err


def test_scores_file_may_not_replace_the_data(tmp_path, capsys):
    data = tmp_path / "d.csv"
    write_csv(data, random_rows(1, 5))
    before = data.read_bytes()
    assert main(["risk", str(data), "--key", "age,sex", "--suda2-out", str(data)]) == 2
    assert "DATA" in capsys.readouterr().err
    assert data.read_bytes() == before
    assert main(["risk", str(data), "--key", "age,sex", "--suda2-out",
                 str(tmp_path / "o.xlsx")]) == 2
    assert not (tmp_path / "o.xlsx").exists()
