"""Disclosure-risk measures on unit data, as statistics offices compute them with sdcMicro.

A questionnaire records whether a steward *thinks* a file identifies people; these functions
count it. The key variables (quasi-identifiers) are what an outsider could know about a
person (age, sex, municipality...). Records sharing the same key values form an equivalence
class of size f; a record alone in its class (f = 1, a *sample unique*) can be picked out by
anyone who knows those values, and 1/f is the chance of naming the right person by guessing
within the class.

Missing values are a category of their own, as a plain ``groupby(dropna=False)`` treats them:
a suppressed value then never merges a record into a bigger class than the file shows, which
errs on the side of more risk rather than less.

Two implementations give the same numbers: plain pandas functions on a DataFrame (clear, for
the GUI and the tests) and :func:`measure_file`, which runs the same group-bys in DuckDB
directly on the file, so a million-row CSV is measured in about the time pandas takes to
read it, within bounded memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.problems import InputError, Problem

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

KS = (2, 3, 5, 10)  # thresholds reported for "records in classes smaller than k"
PUBLISH_K = 5  # HRK-METHOD step 7: measured risk counts only when the file reaches k >= 5


# --- plain functions on a DataFrame ---------------------------------------------------------

def _keys(df: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    keys = list(keys)
    if not keys:
        raise ValueError("at least one key variable is needed")
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise KeyError(f"no column {', '.join(missing)}")
    return keys


def equivalence_classes(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per combination of key values present, with its size ``f`` (missing = a value)."""
    keys = _keys(df, keys)
    return df.groupby(keys, dropna=False, sort=False, observed=True).size() \
        .rename("f").reset_index()


def class_sizes(df: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """For each record, the size f of its equivalence class (aligned with ``df``'s index)."""
    keys = _keys(df, keys)
    return df.groupby(keys, dropna=False, sort=False, observed=True)[keys[0]] \
        .transform("size").astype("int64")


def k_anonymity(df: pd.DataFrame, keys: Sequence[str]) -> int | None:
    """k: the size of the smallest equivalence class (None for an empty file)."""
    if len(df) == 0:
        return None
    return int(equivalence_classes(df, keys)["f"].min())


def records_below_k(df: pd.DataFrame, keys: Sequence[str],
                    ks: Sequence[int] = KS) -> dict[int, int]:
    """For each k, how many records sit in classes smaller than k (those a k rule flags)."""
    f = equivalence_classes(df, keys)["f"]
    return {k: int(f[f < k].sum()) for k in ks}


def sample_uniques(df: pd.DataFrame, keys: Sequence[str]) -> int:
    """Records whose key combination occurs once in the file."""
    f = equivalence_classes(df, keys)["f"]
    return int((f == 1).sum())


def individual_risk(df: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Per record 1/f: the chance that a guess within its class names the right person.

    This is the sample-based risk; sdcMicro's population-based estimate needs sampling
    weights, which a register extract (the whole population) does not have.
    """
    return 1.0 / class_sizes(df, keys)


def expected_reidentifications(df: pd.DataFrame, keys: Sequence[str]) -> float:
    """Sum of 1/f over records: the number of people an intruder is expected to name
    correctly by matching every record (which equals the number of equivalence classes)."""
    return float(individual_risk(df, keys).sum()) if len(df) else 0.0


def l_diversity(df: pd.DataFrame, keys: Sequence[str], sensitive: str) -> int | None:
    """Distinct l-diversity: the fewest different values of ``sensitive`` in any class.

    l = 1 means some class shares one value, so knowing someone is in it discloses the
    value without identifying anyone (attribute disclosure).
    """
    keys = _keys(df, keys)
    if len(df) == 0:
        return None
    return int(df.groupby(keys, dropna=False, sort=False, observed=True)[sensitive]
               .nunique(dropna=False).min())


def uniques_if_dropped(df: pd.DataFrame, keys: Sequence[str]) -> dict[str, int]:
    """For each key variable, how many of today's sample uniques stop being unique when that
    variable is left out of the key: the variable with the largest number causes the risk."""
    keys = _keys(df, keys)
    classes = equivalence_classes(df, keys)
    out: dict[str, int] = {}
    for var in keys:
        rest = [k for k in keys if k != var]
        if not rest:
            out[var] = int((classes["f"] == 1).sum()) if len(df) > 1 else 0
            continue
        grouped = classes.assign(u=(classes["f"] == 1).astype("int64")) \
            .groupby(rest, dropna=False, sort=False, observed=True)[["f", "u"]].sum()
        out[var] = int(grouped.loc[grouped["f"] > 1, "u"].sum())
    return out


TRAJECTORY_FIELD_SEP, TRAJECTORY_RECORD_SEP, MISSING_MARK = "\x1f", "\x1e", "\u2400"


def unique_trajectory_share(df: pd.DataFrame, person: str, time: str,
                            keys: Sequence[str]) -> float | None:
    """Share of persons whose whole history (time and key values, every record) is unique.

    Longitudinal data identifies fast: one person's moves or jobs over years rarely repeat,
    even when each year alone is safe. A trajectory is the sorted set of a person's records,
    so two persons with the same history over the same years share it.
    """
    if len(df) == 0:
        return None
    parts = [time, *[k for k in keys if k not in (person, time)]]
    text = df[parts[0]].astype("string").fillna(MISSING_MARK)
    for col in parts[1:]:
        text = text + TRAJECTORY_FIELD_SEP + df[col].astype("string").fillna(MISSING_MARK)
    trajectories = text.groupby(df[person].astype("string").fillna(MISSING_MARK),
                                sort=False).agg(lambda s: TRAJECTORY_RECORD_SEP.join(sorted(s)))
    counts = trajectories.value_counts()
    unique = int((counts == 1).sum())
    return unique / len(trajectories)


# --- the result kept in the assessment ------------------------------------------------------

@dataclass(frozen=True)
class MeasuredRisk:
    """The risk measured on one file with one choice of key variables.

    Saved in the assessment (``to_dict``) so the memo and the recommendation can say what was
    measured, on which file and when; ``reaches_publish_k`` is HRK-METHOD step 7's test.
    """

    file: str
    rows: int
    key_variables: tuple[str, ...]
    k: int | None
    records_below_k: dict[str, int]
    sample_uniques: int
    expected_reidentifications: float
    classes: int
    l_diversity: dict[str, int | None] = field(default_factory=dict)
    uniques_if_dropped: dict[str, int] = field(default_factory=dict)
    sensitive: tuple[str, ...] = ()
    person: str | None = None
    time: str | None = None
    persons: int | None = None
    unique_trajectory_share: float | None = None
    measured_at: str = ""

    @property
    def reaches_publish_k(self) -> bool:
        """True when every class holds at least 5 records (HRK-METHOD step 7)."""
        return self.k is not None and self.k >= PUBLISH_K

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, keys as ``risk --json`` prints them."""
        rows = self.rows or 1
        return {
            "file": self.file,
            "rows": self.rows,
            "key_variables": list(self.key_variables),
            "sensitive": list(self.sensitive),
            "k": self.k,
            "records_below_k": dict(self.records_below_k),
            "share_below_k": {k: round(v / rows, 6) for k, v in self.records_below_k.items()},
            "sample_uniques": self.sample_uniques,
            "classes": self.classes,
            "expected_reidentifications": round(self.expected_reidentifications, 6),
            "l_diversity": dict(self.l_diversity),
            "uniques_if_dropped": dict(self.uniques_if_dropped),
            "person": self.person,
            "time": self.time,
            "persons": self.persons,
            "unique_trajectory_share": None if self.unique_trajectory_share is None
            else round(self.unique_trajectory_share, 6),
            "reaches_k5": self.reaches_publish_k,
            "measured_at": self.measured_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeasuredRisk:
        """Read back what :meth:`to_dict` wrote (extra keys are ignored)."""
        return cls(
            file=data["file"], rows=int(data["rows"]),
            key_variables=tuple(data["key_variables"]), k=data.get("k"),
            records_below_k={str(k): int(v) for k, v in data["records_below_k"].items()},
            sample_uniques=int(data["sample_uniques"]),
            expected_reidentifications=float(data["expected_reidentifications"]),
            classes=int(data.get("classes", 0)),
            l_diversity=dict(data.get("l_diversity") or {}),
            uniques_if_dropped=dict(data.get("uniques_if_dropped") or {}),
            sensitive=tuple(data.get("sensitive") or ()), person=data.get("person"),
            time=data.get("time"), persons=data.get("persons"),
            unique_trajectory_share=data.get("unique_trajectory_share"),
            measured_at=data.get("measured_at", ""))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def measure_frame(df: pd.DataFrame, keys: Sequence[str], sensitive: Sequence[str] = (),
                  person: str | None = None, time: str | None = None,
                  file: str = "") -> MeasuredRisk:
    """Every measure on a DataFrame (the GUI's data after each protection step)."""
    keys = _keys(df, keys)
    classes = equivalence_classes(df, keys)
    f = classes["f"]
    persons = share = None
    if person and time:
        persons = int(df[person].nunique(dropna=False))
        share = unique_trajectory_share(df, person, time, keys)
    return MeasuredRisk(
        file=file, rows=len(df), key_variables=tuple(keys),
        k=int(f.min()) if len(f) else None,
        records_below_k={str(k): int(f[f < k].sum()) for k in KS},
        sample_uniques=int((f == 1).sum()), expected_reidentifications=float(len(classes)),
        classes=len(classes),
        l_diversity={s: l_diversity(df, keys, s) for s in sensitive},
        uniques_if_dropped=uniques_if_dropped(df, keys), sensitive=tuple(sensitive),
        person=person, time=time, persons=persons, unique_trajectory_share=share,
        measured_at=_now())


# --- the same in DuckDB, straight from the file ---------------------------------------------

def _check_roles(source: str, keys: Sequence[str], sensitive: Sequence[str],
                 person: str | None, time: str | None) -> None:
    problems: list[Problem] = []
    if not keys:
        problems.append(Problem("--key", "no key variables", code="risk_no_keys"))
    if len(set(keys)) != len(keys):
        problems.append(Problem("--key", "a key variable is named twice",
                                code="risk_duplicate_key"))
    for s in sensitive:
        if s in keys:
            problems.append(Problem("--sensitive", f"{s} is also a key variable",
                                    code="risk_sensitive_is_key", params={"column": s}))
    if bool(person) != bool(time):
        problems.append(Problem("--id/--time", "give both a person id and a time column",
                                code="risk_id_without_time"))
    if problems:
        raise InputError(source, problems)


def measure_file(path: str | os.PathLike[str], keys: Sequence[str],
                 sensitive: Sequence[str] = (), person: str | None = None,
                 time: str | None = None,
                 on_connection: Callable[[Any], None] | None = None) -> MeasuredRisk:
    """Every measure computed by DuckDB on the file itself (CSV, Parquet or XLSX).

    Only the key, sensitive and longitudinal columns are read; the equivalence classes are
    counted in one pass over the file, and k, the records below k, the uniques, 1/f and the
    per-variable drop effect are all derived from that class table, which is never larger
    than the file. The file is kept in DuckDB's memory only when a second pass is needed
    (several sensitive variables, or trajectories). ``on_connection`` receives the DuckDB
    connection before the queries run, so a caller on another thread can ``interrupt()`` a
    long query (the app's Cancel).
    """
    from .loading import duckdb_table

    keys, sensitive = list(keys), list(sensitive)
    _check_roles(str(path), keys, sensitive, person, time)
    extra = [c for c in (person, time) if c and c not in keys and c not in sensitive]
    columns = list(dict.fromkeys([*keys, *sensitive, *extra]))
    keep = bool(person and time)  # l needs a second pass only when k > 1
    with duckdb_table(path, columns, materialise=keep) as con:
        if on_connection is not None:
            on_connection(con)
        return measure_duckdb(con, "data", keys, sensitive, person, time, Path(path).name)


def _hash_sql(column: str, salt: int) -> str:
    # Salted per column and re-hashed, so XOR-ing columns never cancels two equal values in
    # different columns (occupation 3, education 5 vs occupation 5, education 3).
    return f"hash(xor(hash({column}), {salt}::UBIGINT))"


def measure_duckdb(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str],
                   sensitive: Sequence[str] = (), person: str | None = None,
                   time: str | None = None, file: str = "") -> MeasuredRisk:
    """Every measure on a DuckDB table or view (a file, or a registered DataFrame).

    k, the counts below k, the uniques and l are exact group-bys. The drop effect per key
    variable groups the class table by a 64-bit hash of the other key values instead of the
    values themselves (eight group-bys of one number rather than of seven texts): two
    different combinations share a hash with a probability near 1e-8 for a million classes,
    and would at worst count one unique too many for that variable.
    """
    from .loading import quote_ident as q

    keys, sensitive = list(keys), list(sensitive)
    key_sql = ", ".join(q(k) for k in keys)
    # one pass over the data: each class's size, and the hashes of its key values that the
    # drop effect groups by (computed per class, at no cost beside the group-by itself)
    hashes = ", ".join(f"{_hash_sql(q(k), i + 1)} AS h{i}" for i, k in enumerate(keys))
    con.execute(f"CREATE TEMP TABLE classes AS SELECT count(*) AS f, {hashes} "
                f"FROM {table} GROUP BY {key_sql}")
    below = ", ".join(f"coalesce(sum(f) FILTER (WHERE f < {k}), 0)" for k in KS)
    row = con.execute(f"SELECT coalesce(sum(f), 0), min(f), count(*), "
                      f"count(*) FILTER (WHERE f = 1), {below} FROM classes").fetchone()
    assert row is not None
    rows, k, n_classes, uniques = int(row[0]), row[1], int(row[2]), int(row[3])
    below_k = {str(kk): int(v) for kk, v in zip(KS, row[4:4 + len(KS)], strict=True)}
    l_div: dict[str, int | None] = {}
    for s in sensitive:
        if k is None:
            l_div[s] = None
        elif k == 1:  # exact: a class of one record holds one value of anything
            l_div[s] = 1
        else:  # classes x values, then classes: no DISTINCT aggregate needed
            got = con.execute(f"SELECT min(l) FROM (SELECT count(*) AS l FROM (SELECT "
                              f"{key_sql}, {q(s)} FROM {table} GROUP BY ALL) "
                              f"GROUP BY {key_sql})").fetchone()
            l_div[s] = None if not got or got[0] is None else int(got[0])
    dropped = _uniques_if_dropped_duckdb(con, keys, uniques, rows)
    persons = share = None
    if person and time:
        persons, share = _trajectories_duckdb(con, table, keys, person, time)
    con.execute("DROP TABLE IF EXISTS classes")
    return MeasuredRisk(
        file=file, rows=rows, key_variables=tuple(keys), k=None if k is None else int(k),
        records_below_k=below_k, sample_uniques=uniques,
        expected_reidentifications=float(n_classes), classes=n_classes, l_diversity=l_div,
        uniques_if_dropped=dropped, sensitive=tuple(sensitive), person=person, time=time,
        persons=persons, unique_trajectory_share=share, measured_at=_now())


def _uniques_if_dropped_duckdb(con: duckdb.DuckDBPyConnection, keys: list[str], uniques: int,
                               rows: int) -> dict[str, int]:
    if len(keys) == 1:  # dropping the only key leaves one class of every record
        return {keys[0]: uniques if rows > 1 else 0}
    if uniques == 0:
        return dict.fromkeys(keys, 0)
    every = "h0"
    for i in range(1, len(keys)):
        every = f"xor({every}, h{i})"
    # the hash of the other key values: all of them XOR-ed, then the dropped one XOR-ed out
    con.execute(f"CREATE TEMP TABLE class_hashes AS SELECT f, {every} AS hall, "
                f"{', '.join(f'h{i}' for i in range(len(keys)))} FROM classes")
    parts = " UNION ALL ".join(
        f"SELECT {i} AS v, coalesce(sum(u), 0) FROM (SELECT count(*) AS n, count(*) FILTER "
        f"(WHERE f = 1) AS u FROM class_hashes GROUP BY xor(hall, h{i})) WHERE n > 1"
        for i in range(len(keys)))
    got = dict(con.execute(parts).fetchall())
    con.execute("DROP TABLE class_hashes")
    return {k: int(got[i]) for i, k in enumerate(keys)}


def _trajectories_duckdb(con: duckdb.DuckDBPyConnection, table: str, keys: list[str],
                         person: str, time: str) -> tuple[int, float | None]:
    from .loading import quote_ident as q

    parts = [time, *[k for k in keys if k not in (person, time)]]
    mark = MISSING_MARK
    fields = f" || chr({ord(TRAJECTORY_FIELD_SEP)}) || ".join(
        f"coalesce(CAST({q(c)} AS VARCHAR), '{mark}')" for c in parts)
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE n = 1) FROM ("
        f"SELECT traj, count(*) AS n FROM ("
        f"SELECT string_agg(rec, chr({ord(TRAJECTORY_RECORD_SEP)}) ORDER BY rec) AS traj FROM ("
        f"SELECT coalesce(CAST({q(person)} AS VARCHAR), '{mark}') AS pid, {fields} AS rec "
        f"FROM {table}) GROUP BY pid) GROUP BY traj)").fetchone()
    assert row is not None
    # row[0] counts distinct trajectories; persons are the sum of their counts
    total = con.execute(f"SELECT count(DISTINCT coalesce(CAST({q(person)} AS VARCHAR), "
                        f"'{mark}')) FROM {table}").fetchone()
    persons = int(total[0]) if total else 0
    return persons, (int(row[1]) / persons if persons else None)
