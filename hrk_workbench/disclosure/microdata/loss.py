"""What protection costs: the information lost and the bias built into a public-use file.

Statistics offices warn that the public-use file method loses much information and is biased
by design: extremes and rare combinations can never appear, so whole groups of people
(the very old, small municipalities, rare occupations) vanish from the file. This report puts
numbers on that, per variable, so the steward can weigh protection against usefulness.

The protected data keeps the original row labels (see ``recipe.apply_recipe``), so each
surviving record is compared with its own original.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hrk_workbench.disclosure.microdata.values import is_code, numbers

if TYPE_CHECKING:
    import pandas as pd

MAX_CATEGORIES = 200  # variables with more distinct values are not listed by category
TOP_LOST = 5



def total_variation(original: pd.Series, protected: pd.Series) -> float:
    """Total-variation distance between two distributions of values (missing is a value):
    half the sum of absolute differences of shares, 0 identical to 1 disjoint."""
    p = original.value_counts(normalize=True, dropna=False)
    q = protected.value_counts(normalize=True, dropna=False)
    if len(p) == 0 or len(q) == 0:
        return 0.0 if len(p) == len(q) else 1.0
    both = p.index.union(q.index)
    return float(0.5 * (p.reindex(both, fill_value=0) - q.reindex(both, fill_value=0))
                 .abs().sum())


def _stat(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 6)


def numeric_changes(original: pd.Series, protected: pd.Series, name: str = "",
                    role: str | None = None) -> dict[str, Any] | None:
    """Mean, median and standard deviation before and after, when both are numbers that
    measure a quantity (never for codes: see :func:`is_code`)."""

    if is_code(original, name, role):
        return None
    a, b = numbers(original), numbers(protected)
    if original.notna().sum() == 0 or a.notna().sum() < 0.9 * original.notna().sum():
        return None  # not a numeric variable
    if protected.notna().sum() and b.notna().sum() < 0.9 * protected.notna().sum():
        return None  # recoded to bands: no longer numeric
    out: dict[str, Any] = {}
    for name, fn in (("mean", "mean"), ("median", "median"), ("std", "std")):
        before, after = getattr(a, fn)(), getattr(b, fn)()
        out[name] = {"before": _stat(before), "after": _stat(after),
                     "change": _stat(after - before)}
    return out


def lost_categories(original: pd.Series, kept: pd.Series, top: int = TOP_LOST,
                    min_count: int = 5) -> list[dict[str, Any]]:
    """The categories that lost the largest share of their records (by original value).

    ``kept`` is the original values of the records that survive with this variable not
    blanked: who disappears from the public file, and how much of each group is left.
    Only categories of at least ``min_count`` records are named, as counts: a smaller one
    would name the value of the few records that were removed or suppressed.
    """
    before = original.value_counts(dropna=True)
    if len(before) == 0 or len(before) > MAX_CATEGORIES:
        return []
    before = before[before >= min_count]
    after = kept.value_counts(dropna=True).reindex(before.index, fill_value=0)
    lost = before - after
    rows = [{"value": str(v), "records": int(before[v]), "lost": int(lost[v]),
             "share_lost": round(float(lost[v] / before[v]), 6)}
            for v in before.index if lost[v] > 0]
    rows.sort(key=lambda r: (-r["share_lost"], -r["lost"], r["value"]))
    return rows[:top]


def perturbation_summary(what: Mapping[str, Any]) -> dict[str, Any]:
    """What PRAM, microaggregation or noise did to a variable, for the loss report: the
    method and its parameters, the expected share of values PRAM changes, and the values
    changed and left missing (counts and probabilities only, never a value)."""
    keys = ("method", "retain", "expected_changed_share", "k", "groups", "noise",
            "std_share", "values_changed", "values_missing")
    return {key: what[key] for key in keys if key in what}


def loss_report(original: pd.DataFrame, protected: pd.DataFrame,
                recoded: Sequence[str] = (), roles: Mapping[str, str] | None = None,
                min_count: int = 5) -> dict[str, Any]:
    """Records removed, values suppressed, and per variable the distance between the
    distributions, numeric changes and the categories that lost most records.

    ``recoded`` names variables whose values were deliberately changed (bands, merged
    categories, dates to years): their distance is large by design, and their lost
    categories are counted on the original values of surviving records only when blanked.
    ``roles`` (column -> confirmed role, from the data dictionary or the recipe) marks key
    variables and identifiers, whose values are codes and get no mean or deviation.

    The report holds no value of a direct identifier or pseudonym (``roles`` direct, or
    found so from the values) and no value of a removed or suppressed record: ``lost_most``
    names only categories of other columns with at least ``min_count`` records, as counts.
    """
    from hrk_workbench.disclosure.microdata.utility import utility_report
    from hrk_workbench.disclosure.microdata.verdict import direct_columns_in_frame

    perturbed = protected.attrs.get("perturbation") or {}
    identifying = {str(c) for c, r in (roles or {}).items() if r == "direct"}
    identifying |= {str(c) for c in direct_columns_in_frame(original)}
    surviving = original.loc[original.index.isin(protected.index)]
    aligned = protected.reindex(surviving.index)
    variables: dict[str, Any] = {}
    total_suppressed = 0
    for col in original.columns:
        if col not in protected.columns:
            variables[str(col)] = {"dropped": True}
            continue
        was = surviving[col].notna()
        blanked = int((was & aligned[col].isna()).sum())
        total_suppressed += blanked
        kept_values = surviving.loc[aligned[col].notna(), col]
        variables[str(col)] = {
            "dropped": False,
            "recoded": col in recoded,
            "values_suppressed": blanked,
            "total_variation": round(total_variation(original[col], protected[col]), 6),
            "numeric": numeric_changes(original[col], protected[col], str(col),
                                       (roles or {}).get(str(col))),
            "lost_most": [] if str(col) in identifying | set(perturbed) else
            lost_categories(original[col], kept_values, min_count=min_count),
        }
        if str(col) in perturbed:
            variables[str(col)]["perturbation"] = perturbation_summary(perturbed[str(col)])
            numeric = variables[str(col)]["numeric"]
            if numeric is not None:  # a median is one record's value: never of these
                numeric["median"] = {"before": None, "after": None, "change": None}
    return {
        "records_before": len(original),
        "records_after": len(protected),
        "records_removed": len(original) - len(protected),
        "share_removed": round((len(original) - len(protected)) / len(original), 6)
        if len(original) else 0.0,
        "values_suppressed": total_suppressed,
        "variables": variables,
        "utility": utility_report(original, protected, roles, identifying, min_count),
    }
