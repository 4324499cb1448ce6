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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

KS = (2, 3, 5, 10)  # thresholds reported for "records in classes smaller than k"
LS = (2, 3)  # l required: 2 for every sensitive variable, 3 for special-category data
PUBLISH_K = 5  # HRK-METHOD step 7: measured risk counts only when the file reaches k >= 5
#: the largest sampling weight taken as a count of persons: more than live on Earth is no
#: count (and a few weights near the largest float would add up to infinity)
MAX_WEIGHT = 10_000_000_000
RISK_THRESHOLD = 0.1  # individual risk above which a record counts (forms/ may set another)
L_DIGITS = 9  # entropy l is kept to 9 decimals: both engines then agree to the last digit
#: a count of the drop effect that keeps more than this share of the hashes it looked at has
#: told hardly any apart: looking again, on more bits or fewer keys, would keep them too
ALIKE_SHARE = 0.9


# --- plain functions on a DataFrame ---------------------------------------------------------

def _keys(df: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    keys = list(keys)
    if not keys:
        raise ValueError("at least one key variable is needed")
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise KeyError(f"no column {', '.join(missing)}")
    return keys


def class_table(df: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """The size f of each combination of key values present (missing = a value), indexed by
    the combination. A Series, not a frame with a column ``f``: a key variable may itself be
    named f (or n, u, l), and no name of ours may take the place of one of the file's."""
    keys = _keys(df, keys)
    return df.groupby([df[k] for k in keys], dropna=False, sort=False, observed=True).size()


def class_sizes(df: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """For each record, the size f of its equivalence class (aligned with ``df``'s index)."""
    keys = _keys(df, keys)
    return df.groupby(keys, dropna=False, sort=False, observed=True)[keys[0]] \
        .transform("size").astype("int64")


def k_anonymity(df: pd.DataFrame, keys: Sequence[str]) -> int | None:
    """k: the size of the smallest equivalence class (None for an empty file)."""
    if len(df) == 0:
        return None
    return int(class_table(df, keys).min())


def records_below_k(df: pd.DataFrame, keys: Sequence[str],
                    ks: Sequence[int] = KS) -> dict[int, int]:
    """For each k, how many records sit in classes smaller than k (those a k rule flags)."""
    f = class_table(df, keys)
    return {k: int(f[f < k].sum()) for k in ks}


def sample_uniques(df: pd.DataFrame, keys: Sequence[str]) -> int:
    """Records whose key combination occurs once in the file."""
    f = class_table(df, keys)
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
    import pandas as pd

    keys = _keys(df, keys)
    f = class_table(df, keys)
    # the sizes and the uniques as columns beside the key values in the index (by position,
    # so no key's name can meet theirs)
    sizes = pd.DataFrame({0: f.to_numpy(), 1: (f.to_numpy() == 1).astype("int64")},
                         index=f.index)
    out: dict[str, int] = {}
    for i, var in enumerate(keys):
        rest = [j for j in range(len(keys)) if j != i]
        if not rest:
            out[var] = int((f == 1).sum()) if len(df) > 1 else 0
            continue
        grouped = sizes.groupby(level=rest, dropna=False, sort=False, observed=True).sum()
        out[var] = int(grouped.loc[grouped[0] > 1, 1].sum())
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


# --- survey weights: the Benedetti-Franconi individual risk ---------------------------------

def benedetti_franconi(f: Any, F: Any) -> Any:
    """Per class, the individual risk of its records as sdcMicro's ``indivRisk`` estimates it
    (method "approx", Benedetti and Franconi): the chance that a record alone or nearly alone
    in the sample is matched to the right person of the population its weights stand for.

    ``f`` is the class's size in the sample, ``F`` the sum of its records' weights (the
    population estimate) and p = f/F. For f = 1: p/(1-p)·log(1/p); for f = 2:
    p/(1-p) - (p/(1-p))²·log(1/p); for f > 2: p/(f-(1-p)). A class as large in the
    population as in the sample (f = F, every weight 1) has the register's risk 1/f.
    Arrays in, an array out (numpy), one value per class.
    """
    import numpy as np

    f = np.asarray(f, dtype="float64")
    F = np.asarray(F, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = f / F
        risk = p / (f - (1.0 - p))  # f > 2; the logarithm only where f is 1 or 2
        small = np.flatnonzero(f <= 2)
        ps = p[small]
        odds = ps / (1.0 - ps)
        log_inv = np.log(1.0 / ps)
        risk[small] = np.where(f[small] == 1, odds * log_inv, odds - odds * odds * log_inv)
        flat = f == F
        risk[flat] = 1.0 / f[flat]
    return risk


@dataclass(frozen=True)
class WeightedRisk:
    """The risk of a weighted sample, as sdcMicro's ``measure_risk`` reports it."""

    population_estimate: float  # the sum of the weights
    risk_max: float
    risk_mean: float
    threshold: float
    above_threshold: int  # records whose individual risk is above ``threshold``
    expected_reidentifications: float  # the sum of the individual risks (global_risk_ER)
    share: float  # that sum divided by the records (global_risk)

    @classmethod
    def from_classes(cls, f: Any, F: Any, threshold: float) -> WeightedRisk:
        """From each class's sample size and weight sum (every record of a class shares its
        risk)."""
        import numpy as np

        f = np.asarray(f, dtype="float64")
        risk = benedetti_franconi(f, F)
        records = float(f.sum())
        total = float((f * risk).sum())
        return cls(float(np.asarray(F, dtype="float64").sum()),
                   float(risk.max()) if len(risk) else 0.0,
                   total / records if records else 0.0, float(threshold),
                   int(f[risk > threshold].sum()), total, total / records if records else 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {"individual_risk": {"max": self.risk_max, "mean": self.risk_mean,
                                    "threshold": self.threshold,
                                    "above_threshold": self.above_threshold},
                "global_risk": {"expected_reidentifications": self.expected_reidentifications,
                                "share": self.share}}


def weights_of(series: pd.Series, column: str, source: str = "") -> pd.Series:
    """A weight column as numbers (a decimal comma read as a point); a weight missing, not a
    number or below 1 is an error naming its row: a sampling weight is the number of people
    of the population a record stands for."""
    import pandas as pd

    text = series.astype("string").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() | (values < 1) | (values > MAX_WEIGHT)  # inf and nan no counts
    if bool(bad.any()):
        position = int(bad.to_numpy().argmax())
        raise bad_weight(source, column, position, series.iloc[position])
    return values.astype("float64")


def bad_weight(source: str, column: str, position: int, value: Any) -> InputError:
    """The error for the first unusable weight (``position``: 0 for the first record, which
    is line 2 of a CSV file under its header)."""
    shown = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return InputError(source or column, [Problem(
        f"line {position + 2}",
        f"weight {shown!r} in {column} is not a number from 1 to {MAX_WEIGHT:,}",
        "a sampling weight (the population persons a record stands for, at least 1 and "
        "fewer than live on Earth)", code="risk_weight_invalid",
        params={"column": column, "line": position + 2, "value": shown[:40],
                "limit": MAX_WEIGHT})])


# --- per period, l per class, the omitted quasi-identifiers (pandas) ------------------------

def period_keys(keys: Sequence[str], period: str | None) -> list[str]:
    """The grouping within each period: the period column, then the other key variables."""
    return [period, *[k for k in keys if k != period]] if period else list(keys)


def _l_per_class(df: pd.DataFrame, group: list[str], sensitive: str) -> pd.DataFrame:
    """Per class of ``group``: its size f, distinct l and entropy l (exp of the entropy of
    the sensitive values in it, missing a value of its own), as sdcMicro defines them."""
    import numpy as np
    import pandas as pd

    # the cells' counts indexed by their values, grouped by index position: the file's own
    # column names (a key may be named n or f) never meet the names used here
    sizes = df.groupby([df[c] for c in [*group, sensitive]], dropna=False, sort=False,
                       observed=True).size()
    n = sizes.to_numpy()
    cells = pd.DataFrame({"n": n, "nln": n * np.log(n)}, index=sizes.index)
    by = cells.groupby(level=list(range(len(group))), dropna=False, sort=False, observed=True)
    out = pd.DataFrame({"l": by["n"].size(), "f": by["n"].sum(), "nln": by["nln"].sum()})
    out["le"] = np.exp(np.log(out["f"]) - out["nln"] / out["f"]).clip(lower=1.0)
    return out


def _period_summary(f: pd.Series, periods: pd.Series) -> dict[str, Any]:
    """k, uniques and records below each k over the classes of every period, and the worst
    period: the smallest k, then the most uniques, then the first label."""
    by = {"f": f.to_numpy(), "p": periods.astype("string").fillna(MISSING_MARK).to_numpy()}
    import pandas as pd

    frame = pd.DataFrame(by)
    per = frame.groupby("p", sort=False).agg(k=("f", "min"),
                                              u=("f", lambda s: int((s == 1).sum())))
    per = per.reset_index().sort_values(["k", "u", "p"], ascending=[True, False, True])
    worst = per.iloc[0]
    return {"periods": len(per), "k": int(f.min()), "sample_uniques": int((f == 1).sum()),
            "records_below_k": {str(k): int(f[f < k].sum()) for k in KS},
            "worst": {"period": str(worst["p"]), "k": int(worst["k"]),
                      "sample_uniques": int(worst["u"])}}


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
    # within each period of a longitudinal file (k counts persons there, not their rows):
    # {"column", "periods", "k", "sample_uniques", "records_below_k", "l_diversity",
    #  "worst": {"period", "k", "sample_uniques"}, "repeats_across_periods"}
    period: str | None = None
    per_period: dict[str, Any] | None = None
    # per sensitive variable, on the classes that decide (within periods when longitudinal)
    l_entropy: dict[str, float | None] = field(default_factory=dict)
    records_below_l: dict[str, dict[str, int]] = field(default_factory=dict)
    classes_below_l: dict[str, dict[str, int]] = field(default_factory=dict)
    # quasi-identifiers found in the file but not among the keys, and k with them added
    unmeasured_quasi: tuple[str, ...] = ()
    k_with_unmeasured: int | None = None
    # a weighted sample (a survey): the column and sdcMicro's risk measures
    weight: str | None = None
    weighted: WeightedRisk | None = None

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
            "period": self.period,
            "per_period": None if self.per_period is None else dict(self.per_period),
            "l_entropy": dict(self.l_entropy),
            "records_below_l": {s: dict(v) for s, v in self.records_below_l.items()},
            "classes_below_l": {s: dict(v) for s, v in self.classes_below_l.items()},
            "unmeasured_quasi": list(self.unmeasured_quasi),
            "k_with_unmeasured": self.k_with_unmeasured,
            "weighted": self.weighted is not None,
            "weight": self.weight,
            "population_estimate": None if self.weighted is None
            else self.weighted.population_estimate,
            **(self.weighted.to_dict() if self.weighted is not None
               else {"individual_risk": None, "global_risk": None}),
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
            measured_at=data.get("measured_at", ""), period=data.get("period"),
            per_period=data.get("per_period"), l_entropy=dict(data.get("l_entropy") or {}),
            records_below_l=dict(data.get("records_below_l") or {}),
            classes_below_l=dict(data.get("classes_below_l") or {}),
            unmeasured_quasi=tuple(data.get("unmeasured_quasi") or ()),
            k_with_unmeasured=data.get("k_with_unmeasured"), weight=data.get("weight"),
            weighted=_weighted_from(data))


def _weighted_from(data: dict[str, Any]) -> WeightedRisk | None:
    """:class:`WeightedRisk` back from ``to_dict``'s fields (None when unweighted)."""
    ind, glob = data.get("individual_risk"), data.get("global_risk")
    if not data.get("weighted") or not ind or not glob:
        return None
    return WeightedRisk(float(data.get("population_estimate") or 0), float(ind["max"]),
                        float(ind["mean"]), float(ind["threshold"]), int(ind["above_threshold"]),
                        float(glob["expected_reidentifications"]), float(glob["share"]))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def measure_frame(df: pd.DataFrame, keys: Sequence[str], sensitive: Sequence[str] = (),
                  person: str | None = None, time: str | None = None,
                  file: str = "", *, period: str | None = None, weight: str | None = None,
                  extra_quasi: Sequence[str] = (),
                  risk_threshold: float = RISK_THRESHOLD) -> MeasuredRisk:
    """Every measure on a DataFrame (the GUI's data after each protection step).

    ``period`` (default: ``time``) makes the file longitudinal: k, uniques and l are then
    also measured within each period (``per_period``), where a person counts once.
    ``weight`` names a sampling-weight column (a survey): the individual and global risk are
    then estimated as sdcMicro does. ``extra_quasi`` are quasi-identifiers the keys leave
    out: k is measured again with them (``k_with_unmeasured``).
    """
    import pandas as pd

    keys = _keys(df, keys)
    _check_roles(file or "data", keys, sensitive, person, time, weight)
    period = period or time
    f = class_table(df, keys)
    persons = share = None
    if person and time:
        persons = int(df[person].nunique(dropna=False))
        share = unique_trajectory_share(df, person, time, keys)
    group = period_keys(keys, period)
    per_period = None
    if period and len(df):
        pclasses = class_table(df, group)
        labels = pd.Series(pclasses.index.get_level_values(0), index=pclasses.index)
        per_period = {"column": period, **_period_summary(pclasses, labels),
                      "repeats_across_periods": len(pclasses) > len(f)}
    l_entropy: dict[str, float | None] = {}
    below_l: dict[str, dict[str, int]] = {}
    classes_l: dict[str, dict[str, int]] = {}
    per_l: dict[str, int | None] = {}
    for s in sensitive:
        if not len(df):
            l_entropy[s], below_l[s], classes_l[s], per_l[s] = None, {}, {}, None
            continue
        table = _l_per_class(df, group, s)
        l_entropy[s] = round(float(table["le"].min()), L_DIGITS)
        below_l[s] = {str(n): int(table.loc[table["l"] < n, "f"].sum()) for n in LS}
        classes_l[s] = {str(n): int((table["l"] < n).sum()) for n in LS}
        per_l[s] = int(table["l"].min())
    if per_period is not None:
        per_period["l_diversity"] = per_l
    extra = [c for c in extra_quasi if c not in group]
    k_with = None
    if extra and len(df):
        k_with = int(class_table(df, [*group, *extra]).min())
    weighted = None
    if weight:
        w = weights_of(df[weight], weight, file)
        wclasses = w.groupby([df[c] for c in group], dropna=False, sort=False,
                             observed=True).agg(["size", "sum"])
        weighted = WeightedRisk.from_classes(wclasses["size"].to_numpy(),
                                             wclasses["sum"].to_numpy(), risk_threshold)
    return MeasuredRisk(
        file=file, rows=len(df), key_variables=tuple(keys),
        k=int(f.min()) if len(f) else None,
        records_below_k={str(k): int(f[f < k].sum()) for k in KS},
        sample_uniques=int((f == 1).sum()), expected_reidentifications=float(len(f)),
        classes=len(f),
        l_diversity={s: l_diversity(df, keys, s) for s in sensitive},
        uniques_if_dropped=uniques_if_dropped(df, keys), sensitive=tuple(sensitive),
        person=person, time=time, persons=persons, unique_trajectory_share=share,
        measured_at=_now(), period=period, per_period=per_period, l_entropy=l_entropy,
        records_below_l=below_l, classes_below_l=classes_l, unmeasured_quasi=tuple(extra),
        k_with_unmeasured=k_with, weight=weight or None, weighted=weighted)


# --- the same in DuckDB, straight from the file ---------------------------------------------

def _check_roles(source: str, keys: Sequence[str], sensitive: Sequence[str],
                 person: str | None, time: str | None, weight: str | None = None) -> None:
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
    if person and not time:  # a time column alone is a period: measured period by period
        problems.append(Problem("--id", "a person id needs a time column",
                                "--time, or a period column such as year",
                                code="risk_id_needs_time"))
    if weight and (weight in keys or weight in sensitive):
        problems.append(Problem("--weight", f"{weight} is also a key or sensitive variable",
                                code="risk_weight_is_key", params={"column": weight}))
    if problems:
        raise InputError(source, problems)


def measure_file(path: str | os.PathLike[str], keys: Sequence[str],
                 sensitive: Sequence[str] = (), person: str | None = None,
                 time: str | None = None,
                 on_connection: Callable[[Any], None] | None = None, *,
                 period: str | None = None, weight: str | None = None,
                 extra_quasi: Sequence[str] = (),
                 risk_threshold: float = RISK_THRESHOLD) -> MeasuredRisk:
    """Every measure computed by DuckDB on the file itself (CSV, Parquet or XLSX).

    Only the key, sensitive, period, weight and longitudinal columns (and ``extra_quasi``)
    are read, in one pass over the file: the records are counted per combination of all of
    them, and every measure is derived from that table, which is never larger than the file.
    The file is kept in DuckDB's memory only when a second pass is needed (trajectories).
    ``on_connection`` receives the DuckDB connection before the queries run, so a caller on
    another thread can ``interrupt()`` a long query (the app's Cancel). The other arguments
    are :func:`measure_frame`'s.
    """
    from hrk_workbench.disclosure.loading import on_duckdb_table, read_table

    keys, sensitive = list(keys), list(sensitive)
    _check_roles(str(path), keys, sensitive, person, time, weight)
    period = period or time
    more = [c for c in (person, time, period, weight, *extra_quasi)
            if c and c not in keys and c not in sensitive]
    columns = list(dict.fromkeys([*keys, *sensitive, *more]))
    keep = bool(person and time)  # trajectories need a second pass

    def measure(con: duckdb.DuckDBPyConnection) -> MeasuredRisk:
        if on_connection is not None:
            on_connection(con)
        return measure_duckdb(con, "data", keys, sensitive, person, time, Path(path).name,
                              period=period, weight=weight, extra_quasi=extra_quasi,
                              risk_threshold=risk_threshold)

    try:
        return on_duckdb_table(path, columns, measure, materialise=keep)
    except _BadWeights:  # read the column again only to name the first bad value
        weights_of(read_table(path, [weight])[weight], str(weight), str(path))
        raise  # not reached: weights_of raised the error naming the row


class _BadWeights(Exception):
    """Some weight is missing, not a number or below 1 (the caller names the row)."""


_W = "__hrk_weight"  # the weight as a number, beside the file's own columns


def _weight_sql(column: str) -> str:
    from hrk_workbench.disclosure.loading import quote_ident as q

    text = f"CAST({q(column)} AS VARCHAR)"
    # a plain number is cast as it stands; only the rest is trimmed and its comma replaced
    # (coalesce reaches its second argument only for the records the first left empty)
    return (f"coalesce(TRY_CAST({text} AS DOUBLE), "
            f"TRY_CAST(replace(trim({text}), ',', '.') AS DOUBLE))")


def _hash_sql(column: str, salt: int) -> str:
    # Salted per column and re-hashed, so XOR-ing columns never cancels two equal values in
    # different columns (occupation 3, education 5 vs occupation 5, education 3).
    return f"hash(xor(hash({column}), {salt}::UBIGINT))"


# A class's l (its distinct sensitive values, a missing one a value of its own) and the sum
# of n·ln(n) over its values' counts n (for entropy l), from ``f`` records, ``m`` of them
# with a value, and the list ``vals`` of its values. A class of one record has l = 1, nln = 0
# (most classes of a register extract): its list is not looked into.
_L_OF_VALUES = (
    "CASE WHEN f = 1 THEN 1 ELSE list_unique(vals) + (f > m)::INTEGER END AS l, "
    "CASE WHEN f = 1 THEN 0.0 ELSE coalesce(list_sum(list_transform("
    "map_values(list_histogram(vals)), lambda n: n * ln(n))), 0.0) + "
    "CASE WHEN f > m THEN (f - m) * ln(f - m) ELSE 0.0 END END AS nln")


def measure_duckdb(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str],
                   sensitive: Sequence[str] = (), person: str | None = None,
                   time: str | None = None, file: str = "", *, period: str | None = None,
                   weight: str | None = None, extra_quasi: Sequence[str] = (),
                   risk_threshold: float = RISK_THRESHOLD) -> MeasuredRisk:
    """Every measure on a DuckDB table or view (a file, or a registered DataFrame).

    One pass over the data counts the records per combination of the period, the keys, the
    omitted quasi-identifiers and the sensitive values (``cells``, with the weights' sums);
    the classes of the whole file, those within each period, l and the weighted risk are
    all group-bys of that table. With the keys and one sensitive variable only (the common
    case), the one pass groups the records by the keys and keeps each class's sensitive
    values as a list, l and entropy l read from it: a second group-by of a million cells
    cost more than the lists (0.6 s against 0.8 s on a register extract of a million
    records, the same on a survey of classes of a few records). k, the counts below k, the
    uniques and l are exact. The drop effect per key variable compares the classes by 63
    bits of a hash of the other key values instead of the values themselves (sorts of one
    number, in numpy, rather than group-bys of seven texts; see
    :func:`uniques_if_dropped_hashed`): two different combinations agree on them with a
    probability near 1e-7 for a million classes, and would at worst count one unique too
    many for that variable.
    """
    from hrk_workbench.disclosure.loading import quote_ident

    keys, sensitive = list(keys), list(sensitive)
    period = period or time
    group = period_keys(keys, period)
    extra = [c for c in extra_quasi if c not in group]
    cells_by = list(dict.fromkeys([*group, *extra, *sensitive]))
    # The file's columns under names of ours (c0, c1...): a column may be named n, f, l or
    # pid, as the tables and aliases below are, and must never stand in for one of them.
    used = list(dict.fromkeys(c for c in [*cells_by, person, time, weight] if c))
    alias = {c: f"c{i}" for i, c in enumerate(used)}
    con.execute("CREATE OR REPLACE TEMP VIEW measured AS SELECT " + ", ".join(
        f"{quote_ident(c)} AS {a}" for c, a in alias.items()) + f" FROM {table}")
    table, q = "measured", alias.__getitem__
    key_sql = ", ".join(q(k) for k in keys)
    hash_names = [f"h{i}" for i in range(len(keys))]
    hashes = ", ".join(f"{_hash_sql(q(k), i + 1)} AS {h}"
                       for i, (k, h) in enumerate(zip(keys, hash_names, strict=True)))
    source = table
    if weight:  # the weight as a number, computed once per record
        source = f"(SELECT *, {_weight_sql(q(weight))} AS {_W} FROM {table})"
    weights = (f", sum({_W}) AS w, count(*) FILTER (WHERE {_W} IS NULL OR NOT isfinite({_W}) "
               f"OR {_W} < 1 OR {_W} > {MAX_WEIGHT}) AS bad") if weight else ""
    one_sensitive = len(sensitive) == 1 and cells_by == [*keys, sensitive[0]]
    if cells_by == keys:  # the classes are the one pass (the fastest case)
        con.execute(f"CREATE TEMP TABLE classes AS SELECT count(*) AS f{weights}, {hashes} "
                    f"FROM {source} GROUP BY {key_sql}")
    elif one_sensitive:  # one pass too: each class keeps its sensitive values for l
        value = q(sensitive[0])
        con.execute(f"CREATE TEMP TABLE classes AS SELECT f{', w, bad' if weight else ''}, "
                    f"{_L_OF_VALUES}, {', '.join(hash_names)} FROM (SELECT count(*) AS f{weights}, "
                    f"count({value}) AS m, list({value}) AS vals, {hashes} FROM {source} "
                    f"GROUP BY {key_sql})")
    else:
        cells_sql = ", ".join(q(c) for c in cells_by)
        con.execute(f"CREATE TEMP TABLE cells AS SELECT {cells_sql}, count(*) AS n{weights} "
                    f"FROM {source} GROUP BY {cells_sql}")
        sums = ", sum(w) AS w, sum(bad) AS bad" if weight else ""
        con.execute(f"CREATE TEMP TABLE classes AS SELECT sum(n) AS f{sums}, "
                    f"{hashes} FROM cells GROUP BY {key_sql}")
    if weight:
        bad = _row(con, "SELECT coalesce(sum(bad), 0) FROM classes")
        if bad and bad[0]:
            raise _BadWeights()
    below = ", ".join(f"coalesce(sum(f) FILTER (WHERE f < {k}), 0)" for k in KS)
    row = _row(con, f"SELECT coalesce(sum(f), 0), min(f), count(*), "
                    f"count(*) FILTER (WHERE f = 1), {below} FROM classes")
    assert row is not None
    rows, k, n_classes, uniques = int(row[0]), row[1], int(row[2]), int(row[3])
    below_k = {str(kk): int(v) for kk, v in zip(KS, row[4:4 + len(KS)], strict=True)}
    # the classes' sizes with their key hashes (the drop effect) and weights (the weighted
    # risk of a file without periods), read in one go
    hashed = len(keys) > 1 and uniques > 0
    class_weights = bool(weight) and not period
    wanted = ["f", *(["w"] if class_weights else []), *(hash_names if hashed else [])]
    arrays = _arrays(con, f"SELECT {', '.join(wanted)} FROM classes") \
        if hashed or class_weights else {}
    pool = ThreadPoolExecutor(max_workers=1)  # the drop effect, while DuckDB goes on
    try:
        dropped = _uniques_if_dropped(keys, uniques, rows, arrays, hash_names, pool)
        measured = _measure_rest(con, q, keys, sensitive, period, group, extra, cells_by,
                                 one_sensitive, weight, risk_threshold, rows, n_classes, k,
                                 below, (arrays["f"], arrays["w"]) if class_weights else None)
    finally:
        pool.shutdown(wait=True)
    persons = share = None
    if person and time:
        persons, share = _trajectories_duckdb(con, table, q, keys, person, time)
    for made in ("classes", "pclasses", "cells"):
        con.execute(f"DROP TABLE IF EXISTS {made}")
    con.execute("DROP VIEW measured")
    return MeasuredRisk(
        file=file, rows=rows, key_variables=tuple(keys), k=None if k is None else int(k),
        records_below_k=below_k, sample_uniques=uniques,
        expected_reidentifications=float(n_classes), classes=n_classes,
        uniques_if_dropped=dropped.result(), sensitive=tuple(sensitive), person=person,
        time=time, persons=persons, unique_trajectory_share=share, measured_at=_now(),
        period=period, unmeasured_quasi=tuple(extra), weight=weight or None, **measured)


def _measure_rest(con: duckdb.DuckDBPyConnection, q: Callable[[str], str], keys: list[str],
                  sensitive: list[str],
                  period: str | None, group: list[str], extra: list[str], cells_by: list[str],
                  one_sensitive: bool, weight: str | None, risk_threshold: float, rows: int,
                  n_classes: int, k: Any, below: str,
                  class_weights: tuple[Any, Any] | None) -> dict[str, Any]:
    """:func:`measure_duckdb`'s measures on the tables ``classes`` and ``cells``: per
    period, l per sensitive variable, k with the unmeasured quasi-identifiers and the
    weighted risk (the fields of :class:`MeasuredRisk` they fill). ``q`` gives a column's
    name in the tables; ``class_weights``: the classes' sizes and weight sums when already
    read."""
    key_sql = ", ".join(q(k) for k in keys)
    group_sql = ", ".join(q(k) for k in group)
    per_period = None
    if period:
        sums = ", sum(w) AS w" if weight else ""
        con.execute(f"CREATE TEMP TABLE pclasses AS SELECT {q(period)} AS p, sum(n) AS f"
                    f"{sums} FROM cells GROUP BY {group_sql}")
        if rows:
            per_period = {"column": period,
                          **_period_summary_duckdb(con, below),
                          "repeats_across_periods": _count(con, "pclasses") > n_classes}
    l_div: dict[str, int | None] = {}
    l_entropy: dict[str, float | None] = {}
    below_l: dict[str, dict[str, int]] = {}
    classes_l: dict[str, dict[str, int]] = {}
    per_l: dict[str, int | None] = {}
    for s in sensitive:
        if not rows:
            l_div[s] = l_entropy[s] = per_l[s] = None
            below_l[s], classes_l[s] = {}, {}
            continue
        counts = ", ".join(f"count(*) FILTER (WHERE l < {t}), "
                           f"coalesce(sum(f) FILTER (WHERE l < {t}), 0)" for t in LS)
        if one_sensitive:
            per_class = "SELECT l, f, greatest(1.0, exp(ln(f) - nln / f)) AS le FROM classes"
        else:
            src = "cells" if cells_by == [*group, s] else (
                f"(SELECT {group_sql}, {q(s)}, sum(n) AS n FROM cells "
                f"GROUP BY {group_sql}, {q(s)})")
            per_class = (f"SELECT count(*) AS l, sum(n) AS f, greatest(1.0, exp(ln(sum(n)) - "
                         f"sum(n * ln(n)) / sum(n))) AS le FROM {src} GROUP BY {group_sql}")
        got = _row(con, f"SELECT min(l), min(le), {counts} FROM ({per_class})")
        assert got is not None
        per_l[s] = int(got[0])
        l_entropy[s] = round(float(got[1]), L_DIGITS)
        classes_l[s] = {str(t): int(got[2 + 2 * i]) for i, t in enumerate(LS)}
        below_l[s] = {str(t): int(got[3 + 2 * i]) for i, t in enumerate(LS)}
        if group == keys:
            l_div[s] = per_l[s]
        elif k == 1:  # exact: a class of one record holds one value of anything
            l_div[s] = 1
        else:  # the whole file's classes, across periods: classes x values, then classes
            whole = _row(con, f"SELECT min(l) FROM (SELECT count(*) AS l FROM (SELECT "
                              f"{key_sql}, {q(s)} FROM cells GROUP BY ALL) "
                              f"GROUP BY {key_sql})")
            l_div[s] = None if not whole or whole[0] is None else int(whole[0])
    if per_period is not None:
        per_period["l_diversity"] = per_l
    k_with = None
    if extra and rows:
        both = ", ".join(q(c) for c in [*group, *extra])
        got = _row(con, f"SELECT min(f) FROM (SELECT sum(n) AS f FROM cells "
                        f"GROUP BY {both})")
        k_with = None if not got or got[0] is None else int(got[0])
    weighted = None
    if weight:
        if class_weights is None:
            arrays = _arrays(con, f"SELECT f, w FROM {'pclasses' if period else 'classes'}")
            class_weights = arrays["f"], arrays["w"]
        weighted = WeightedRisk.from_classes(*class_weights, risk_threshold)
    return {"l_diversity": l_div, "per_period": per_period, "l_entropy": l_entropy,
            "records_below_l": below_l, "classes_below_l": classes_l,
            "k_with_unmeasured": k_with, "weighted": weighted}


def _row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    """The result's first row (None if it has none), fetched to its end so that
    :func:`_arrays` may run next."""
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


def _arrays(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    """The result's columns as numpy arrays, through a relation rather than ``execute``:
    DuckDB then fills the arrays as the query runs instead of keeping the whole result
    first (0.05 s against 0.09 s for the classes' nine columns of a million). A relation
    needs the connection's earlier results fetched to their end (:func:`_row`)."""
    return con.sql(sql).fetchnumpy()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    got = _row(con, f"SELECT count(*) FROM {table}")
    return int(got[0]) if got else 0


def _period_summary_duckdb(con: duckdb.DuckDBPyConnection, below: str) -> dict[str, Any]:
    """:func:`_period_summary` on the table ``pclasses`` (p, f)."""
    row = _row(con, f"SELECT min(f), count(*) FILTER (WHERE f = 1), {below} "
                    f"FROM pclasses")
    assert row is not None
    label = f"coalesce(CAST(p AS VARCHAR), '{MISSING_MARK}')"
    worst = _row(con, f"SELECT {label} AS label, min(f) AS k, count(*) FILTER (WHERE f = 1) "
                      f"AS u FROM pclasses GROUP BY label ORDER BY k, u DESC, label "
                      f"LIMIT 1")
    periods = _row(con, f"SELECT count(*) FROM (SELECT {label} FROM pclasses GROUP BY 1)")
    assert worst is not None and periods is not None
    return {"periods": int(periods[0]), "k": int(row[0]), "sample_uniques": int(row[1]),
            "records_below_k": {str(k): int(v) for k, v in zip(KS, row[2:], strict=True)},
            "worst": {"period": str(worst[0]), "k": int(worst[1]),
                      "sample_uniques": int(worst[2])}}


def _uniques_if_dropped(keys: list[str], uniques: int, rows: int, arrays: dict[str, Any],
                        names: list[str], pool: ThreadPoolExecutor) -> Future[dict[str, int]]:
    """The drop effect from the classes' sizes and key hashes (``arrays``, the hashes under
    ``names``), counted on ``pool`` (numpy lets go of the interpreter) while the caller's
    other queries run."""
    done: Future[dict[str, int]] = Future()
    if len(keys) == 1:  # dropping the only key leaves one class of every record
        done.set_result({keys[0]: uniques if rows > 1 else 0})
        return done
    if uniques == 0:
        done.set_result(dict.fromkeys(keys, 0))
        return done
    return pool.submit(lambda: dict(zip(keys, uniques_if_dropped_hashed(
        arrays["f"], [arrays[n] for n in names]), strict=True)))


def uniques_if_dropped_hashed(f: Any, hashes: Sequence[Any]) -> list[int]:
    """Per key variable, the sample uniques whose other key values (their hash: the XOR of
    the other keys' 64-bit hashes, compared on 63 bits) another class shares: the uniques
    that dropping the variable would end. ``f`` holds each class's size, ``hashes`` one
    array per key.

    Grouping every class by the other keys, once per key, is eight sorts of a million
    numbers for eight keys. Most classes are told apart by a few keys, so the keys are
    split into groups and a class alone on the keys outside a group is set aside for every
    variable of that group: a class no other one matches on fewer keys cannot be matched on
    more. Only the classes left are grouped again, the group split in two, down to single
    variables; where a group told hardly any class apart (coarse keys), each of its
    variables is counted on those classes at once, as splitting it would keep them all.
    The counts are those of grouping all classes per variable (a class set aside is alone
    there too).
    """
    import numpy as np

    unique = np.asarray(f) == 1
    hs = [np.asarray(h, dtype=np.uint64) for h in hashes]
    every = hs[0].copy()
    for h in hs[1:]:
        every ^= h
    out = [0] * len(hs)

    def solve(rows: Any, group: list[int]) -> None:
        # ``rows`` None: every class (the first split, spared a gather of each array)
        rest = every.copy() if rows is None else every[rows]
        for i in group:
            rest ^= hs[i] if rows is None else hs[i][rows]
        kept = _sharing(rest)  # positions in ``rows`` whose hash may be shared
        alike = len(kept) > ALIKE_SHARE * len(rest)  # hardly a class told apart here
        rows = kept if rows is None else rows[kept]
        if len(group) == 1:
            out[group[0]] = _shared_uniques(rest[kept], unique[rows])
            return
        if not unique[rows].any():  # no unique left to end: every count of this group is 0
            return
        if alike:  # coarse keys: splitting the group again would keep almost all again
            mine, base = unique[rows], every[rows]
            for i in group:
                out[i] = _shared_uniques(base ^ hs[i][rows], mine)
            return
        half = len(group) // 2
        solve(rows, group[:half])
        solve(rows, group[half:])

    parts = min(3, len(hs))
    groups = [list(range(part, len(hs), parts)) for part in range(parts)]
    # interleaved: neighbouring keys (age, birth year) split up. The groups share nothing
    # but read-only arrays and write their own variables' counts, and numpy lets go of the
    # interpreter while it counts, so a second processor takes one.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda group: solve(None, group), groups))
    return out


def _sharing(values: Any) -> Any:
    """The positions of the values another one may equal (a superset: :func:`_shared_uniques`
    compares the values whole).

    Counting, not sorting: each pass counts the values left per bucket of one field of their
    bits (one to two buckets a value) and keeps those whose bucket another value shares; a
    value equal to another shares every field with it, so it is always kept. The passes take
    the next bits each time, until the bits run out or a pass keeps nine values in ten; each
    costs a few milliseconds where a sort of a million numbers takes ten times that.
    """
    import numpy as np

    at = None  # every position, until the first pass has kept some
    left, shift = values, 0
    while len(left) > 1 and shift < 64:
        width = min(22, max(1, (len(left) - 1).bit_length()), 64 - shift)
        field = ((left >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.intp)
        counts = np.minimum(np.bincount(field, minlength=1 << width), 2).astype(np.uint8)
        keep = np.flatnonzero(counts[field] > 1)
        before = len(left)
        at = keep if at is None else at[keep]
        left = values[at]
        shift += width
        if len(at) > ALIKE_SHARE * before:  # hardly any value told apart: the rest alike
            break
    if at is None or len(at) < 2:
        return np.arange(0)
    return at


def _shared_uniques(values: Any, unique: Any) -> int:
    """How many of the values flagged ``unique`` equal another value, compared on their
    top 63 bits.

    One sort: each value's lowest bit is replaced by its flag, so equal values lie together
    with their flags beside them, and every run of two or more counts its flagged members.
    Sorting the values and then looking each flagged one up among the repeated (the way
    before) cost twice as much where most classes share their other keys (a survey of
    coarse keys: eight such counts of 600 000 values). The lost bit leaves a 63-bit
    comparison: two different values of a million agree on it with a chance near 1e-7.
    """
    import numpy as np

    if not unique.any():
        return 0
    one = np.uint64(1)
    ordered = np.sort((values & ~one) | unique.astype(np.uint64))
    key = ordered >> one
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    lengths = np.diff(np.append(starts, len(ordered)))
    flagged = np.add.reduceat((ordered & one).astype(np.int64), starts)
    return int(flagged[lengths > 1].sum())


def _trajectories_duckdb(con: duckdb.DuckDBPyConnection, table: str,
                         q: Callable[[str], str], keys: list[str], person: str,
                         time: str) -> tuple[int, float | None]:
    parts = [time, *[k for k in keys if k not in (person, time)]]
    mark = MISSING_MARK
    fields = f" || chr({ord(TRAJECTORY_FIELD_SEP)}) || ".join(
        f"coalesce(CAST({q(c)} AS VARCHAR), '{mark}')" for c in parts)
    row = _row(con,
        f"SELECT count(*), count(*) FILTER (WHERE n = 1) FROM ("
        f"SELECT traj, count(*) AS n FROM ("
        f"SELECT string_agg(rec, chr({ord(TRAJECTORY_RECORD_SEP)}) ORDER BY rec) AS traj FROM ("
        f"SELECT coalesce(CAST({q(person)} AS VARCHAR), '{mark}') AS pid, {fields} AS rec "
        f"FROM {table}) GROUP BY pid) GROUP BY traj)")
    assert row is not None
    # row[0] counts distinct trajectories; persons are the sum of their counts
    total = _row(con, f"SELECT count(DISTINCT coalesce(CAST({q(person)} AS VARCHAR), "
                      f"'{mark}')) FROM {table}")
    persons = int(total[0]) if total else 0
    return persons, (int(row[1]) / persons if persons else None)
