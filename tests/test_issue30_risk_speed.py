"""Issue 30: the risk command's faster "uniques if dropped" gives the counts of grouping every
class by the other keys, whatever the keys are like.

The counts are compared with the plain pandas definition (:func:`uniques_if_dropped`, which
groups the class table by the other keys' values) on real CSV files measured through the
command, on keys that tell records apart quickly, keys that hardly do, and missing values;
and the numpy routine is given hashes that agree in all but their last bits, which the
first sorts keep together and only the whole-number comparison tells apart.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.disclosure.microdata.measures import (
    uniques_if_dropped,
    uniques_if_dropped_hashed,
)


def _frame(seed: int, rows: int, cardinalities: list[int]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i, n in enumerate(cardinalities):
        values = rng.integers(0, n, rows).astype(str).astype(object)
        values[rng.random(rows) < 0.04] = None  # a missing value is a category of its own
        columns[f"k{i}"] = values
    columns["diag"] = rng.choice(["x", "y", "z"], rows)
    return pd.DataFrame(columns)


CASES = {
    "weak keys": (1, 2500, [2, 3, 2, 5, 3, 2, 4, 3]),  # few classes, most records shared
    "register-like": (2, 3000, [6, 2, 5, 10, 4, 3, 3, 6]),  # almost every record unique
    "mixed": (3, 2000, [2, 400, 3, 300, 2]),
    "two keys": (4, 1500, [30, 40]),
    "single key": (5, 300, [150]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_risk_json_drop_counts_match_grouping_by_the_other_keys(case, tmp_path, capsys):
    seed, rows, cardinalities = CASES[case]
    frame = _frame(seed, rows, cardinalities)
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    keys = [f"k{i}" for i in range(len(cardinalities))]
    assert main(["risk", str(path), "--key", ",".join(keys), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    read = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    want = uniques_if_dropped(read, keys)
    assert got["uniques_if_dropped"] == want
    assert sum(want.values()) > 0 or case in ("weak keys", "single key")  # a real count


def test_hashes_alike_but_for_their_last_bits_are_not_shared():
    # four classes: key 1's hashes differ only in their lowest compared bits (the count
    # compares 63 bits, the lowest one carries its flag), key 0's pair them up
    a, c = np.uint64(10 << 40), np.uint64(20 << 40)
    b, d = np.uint64(7 << 40), np.uint64(9 << 40)
    k0 = np.array([a, a, c, c], dtype=np.uint64)
    k1 = np.array([b, b ^ np.uint64(2), d, d ^ np.uint64(4)], dtype=np.uint64)
    ones = np.ones(4, dtype=np.int64)
    # dropping key 0 leaves key 1, different in every class; dropping key 1 pairs them
    assert uniques_if_dropped_hashed(ones, [k0, k1]) == [0, 4]
    # a class of two records is no unique: joining it ends no uniqueness of its own
    assert uniques_if_dropped_hashed(np.array([2, 1, 1, 1]), [k0, k1]) == [0, 3]


def _by_definition(f: np.ndarray, hashes: list[np.ndarray]) -> list[int]:
    """Each key dropped in turn: the uniques whose other keys' hash another class has."""
    out = []
    for v in range(len(hashes)):
        rest = np.zeros(len(f), dtype=np.uint64)
        for i, h in enumerate(hashes):
            if i != v:
                rest ^= h
        values, counts = np.unique(rest, return_counts=True)
        shared = np.isin(rest, values[counts > 1])
        out.append(int(np.count_nonzero(shared & (f == 1))))
    return out


@pytest.mark.parametrize("keys", [2, 3, 4, 6, 8])
def test_hashed_counts_equal_the_definition_on_near_collisions(keys):
    # few distinct values per key, and some values a copy of another but for a few bits, so
    # a comparison of some of the bits would take look-alikes for equals. Each key's
    # look-alikes differ in bits of their own (the lowest compared bits for the first key,
    # bit 0 being the flag's; higher ones for the next), as the hashes of different columns
    # are independent: differences
    # in two keys never cancel in the combined hash, which only a 64-bit collision could do
    rng = np.random.default_rng(keys)
    n = 4000
    hashes = []
    for j in range(keys):
        base = rng.integers(0, 2**63, 6, dtype=np.uint64)[rng.integers(0, 6, n)]
        nudge = rng.integers(1, 8, n, dtype=np.uint64) << np.uint64(3 * j + 1)
        base ^= (rng.random(n) < 0.3).astype(np.uint64) * nudge
        hashes.append(base)
    f = rng.choice([1, 1, 1, 2, 5], n)
    assert uniques_if_dropped_hashed(f, hashes) == _by_definition(f, hashes)
