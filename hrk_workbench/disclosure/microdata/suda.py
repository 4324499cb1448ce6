"""SUDA2: the records that stand out in the file for several reasons at once.

k and the count of sample uniques say *how many* records are unique on all key variables
together; they do not say which unique records are easiest to spot. An outsider who knows
only a person's age and municipality can pick out a record that is unique on those two
alone, without knowing the rest. SUDA (Elliot, Manning & Ford 2002; SUDA2: Manning, Haglin
& Keane 2008) finds, for every record, its *minimal sample uniques* (MSUs): the sets of key
variables whose combination of values no other record shares, and no smaller part of which
is unique already. A record with a small MSU, or with many MSUs, stands out.

The SUDA score of a record is the sum over its MSUs of ``(M - |MSU|)!``, where M is the
number of key variables (as Elliot et al. define it and as sdcMicro's ``suda2`` computes it
by default): an MSU of one variable among six weighs 5! = 120, one of three weighs 3! = 6.

Missing values are a category of their own, as everywhere in the workbench's measures: a
blank does not hide a record among others (see :mod:`measures`).

The search here looks at every set of at most ``max_size`` key variables, one vectorised
group count each: uniqueness only grows with more variables, so a unique set is minimal
exactly when none of its subsets one variable smaller is unique. That is the published
definition checked directly, and fast enough for 100,000 records and six keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DEFAULT_MAX_SIZE = 3
TOP_RECORDS = 10  # records listed by row number in the report (never their values)


@dataclass(frozen=True)
class Suda2Result:
    """The MSUs found per record: counts by size, score and smallest MSU, by row order."""

    key_variables: tuple[str, ...]
    max_size: int
    msu_counts: Any  # numpy int array (records x max_size): MSUs of size s in column s-1
    scores: Any  # numpy float array: the SUDA score per record

    @property
    def smallest(self) -> Any:
        """Per record the size of its smallest MSU, 0 when it has none."""
        import numpy as np

        has = self.msu_counts > 0
        first = np.argmax(has, axis=1) + 1
        return np.where(has.any(axis=1), first, 0)

    @property
    def records_with_msu(self) -> int:
        return int((self.msu_counts.sum(axis=1) > 0).sum())

    def msu_count_by_size(self) -> dict[str, int]:
        """Every size from 1 to ``max_size``, zeros included: MSUs of that size in the file."""
        totals = self.msu_counts.sum(axis=0)
        return {str(s): int(totals[s - 1]) for s in range(1, self.max_size + 1)}

    def order(self) -> Any:
        """Record positions, the highest score first (ties: the smaller MSU, then row order)."""
        import numpy as np

        smallest = self.smallest
        rank_small = np.where(smallest > 0, smallest, self.max_size + 1)
        positions = np.arange(len(self.scores))
        return np.lexsort((positions, rank_small, -self.scores))

    def records(self) -> list[dict[str, Any]]:
        """One row per record, highest score first: the 1-based data row, the score and the
        size of its smallest MSU (None without one). Row numbers and scores only."""
        smallest = self.smallest
        return [{"row": int(i) + 1, "suda_score": _number(self.scores[i]),
                 "smallest_msu": int(smallest[i]) or None} for i in self.order()]

    def to_dict(self) -> dict[str, Any]:
        """The ``suda2`` object of ``risk --json``."""
        top = [r for r in self.records()[:TOP_RECORDS] if r["suda_score"] > 0]
        return {"max_size": self.max_size,
                "key_variables": list(self.key_variables),
                "records_with_msu": self.records_with_msu,
                "msu_count_by_size": self.msu_count_by_size(),
                "score_max": _number(self.scores.max()) if len(self.scores) else 0,
                "top_records": top}


def _number(value: Any) -> int | float:
    """A score as JSON shows it: a whole number without ``.0`` (factorials are whole)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def msu_weight(size: int, variables: int) -> int:
    """Elliot's weight of one MSU: ``(M - size)!`` with M the number of key variables."""
    return math.factorial(variables - size)


def _codes(frame: pd.DataFrame, keys: Sequence[str]) -> list[np.ndarray]:
    """Each key column as integer codes, a missing value one more code of its own."""
    import pandas as pd

    return [pd.factorize(frame[k], use_na_sentinel=False)[0].astype("int64") for k in keys]


def _group_ids(prefix: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The class of each record on a set of variables, from its class on all but the last
    (``prefix``) and the last variable's codes; renumbered 0..n-1 so products stay small."""
    import pandas as pd

    combined = prefix * (int(codes.max()) + 1) + codes
    return pd.factorize(combined)[0].astype("int64")


def suda2(frame: pd.DataFrame, keys: Sequence[str], max_size: int = DEFAULT_MAX_SIZE,
          cancelled: Callable[[], bool] | None = None) -> Suda2Result:
    """The MSUs of every record among the sets of at most ``max_size`` of ``keys``.

    ``cancelled`` is asked between variable sets (the app's Cancel); when it says yes the
    search stops with :class:`InterruptedError`.
    """
    import numpy as np

    keys = list(keys)
    m = len(keys)
    top = max(0, min(max_size, m))
    n = len(frame)
    codes = _codes(frame, keys)
    counts = np.zeros((n, max_size), dtype="int64")
    ids: dict[tuple[int, ...], np.ndarray] = {}
    unique: dict[tuple[int, ...], np.ndarray] = {}
    for size in range(1, top + 1):
        for subset in combinations(range(m), size):
            if cancelled is not None and cancelled():
                raise InterruptedError("SUDA2 cancelled")
            if size == 1:
                group = codes[subset[0]]
            else:
                group = _group_ids(ids[subset[:-1]], codes[subset[-1]])
            sizes = np.bincount(group)
            is_unique = sizes[group] == 1
            if size < top:
                ids[subset] = group
            minimal = is_unique.copy()
            if size > 1:
                for drop in range(size):
                    minimal &= ~unique[subset[:drop] + subset[drop + 1:]]
            counts[:, size - 1] += minimal
            unique[subset] = is_unique
        # the sets two sizes smaller are no longer needed
        for old in [s for s in unique if len(s) < size]:
            del unique[old]
    weights = np.array([msu_weight(s, m) if s <= m else 0 for s in range(1, max_size + 1)],
                       dtype="float64")
    scores = counts @ weights
    return Suda2Result(tuple(keys), max_size, counts, scores)


def suda2_file(path: str, keys: Sequence[str], max_size: int = DEFAULT_MAX_SIZE,
               cancelled: Callable[[], bool] | None = None) -> Suda2Result:
    """:func:`suda2` on the key columns of a data file, read in the file's row order."""
    from hrk_workbench.disclosure.loading import read_table

    return suda2(read_table(path, list(keys)), keys, max_size, cancelled)


def records_csv(result: Suda2Result) -> str:
    """The ``--suda2-out`` file: ``row``, ``suda_score``, ``smallest_msu`` per record,
    the highest score first, through the workbench's one CSV writer (no value of a record)."""
    from hrk_workbench.foundations.csvfile import csv_text

    return csv_text(["row", "suda_score", "smallest_msu"],
                    ([r["row"], r["suda_score"], r["smallest_msu"]]
                     for r in result.records()))
