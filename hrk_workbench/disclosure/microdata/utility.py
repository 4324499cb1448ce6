"""Utility measured: what the users of a protected file can still learn from it.

The loss report counts what was removed and blanked. Perturbative protection (noise,
microaggregation, PRAM) removes nothing and blanks nothing, yet moves values; a steward who
compares two recipes needs the same yardsticks statistics offices use for that (sdcMicro's
``dUtility`` and the utility chapter of the SDC handbook):

* **IL1s** for numeric variables: the mean over records and variables of
  ``|x - x'| / (sqrt(2) * S_j)``, S_j the standard deviation of variable j in the original.
  0 means no value moved; 1 means values moved, on average, by about their spread over
  sqrt(2) (as far as two records drawn at random differ).
* the change in each numeric variable's **mean** and **variance**, and in the **correlations**
  between numeric variables (what a regression on the file would see);
* **category frequencies** of categorical variables before and after, and the share of
  records whose category changed (what a cross-tabulation would see).

No record's value is reported: only statistics over many records, and a category is named
only when the original file holds at least ``min_count`` records of it (the loss report's
rule); smaller categories are counted together, unnamed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MAX_CATEGORIES = 200  # a variable with more distinct values is not listed by category
DIGITS = 6


def _round(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, DIGITS)


def numeric_pair(original: pd.Series, protected: pd.Series, name: str,
                 role: str | None) -> tuple[pd.Series, pd.Series] | None:
    """The variable as numbers before and after, or None when it is not a quantity (a code,
    text, or recoded to bands): the loss report's rule, so both agree on what is numeric."""
    from hrk_workbench.disclosure.microdata.values import is_code, numbers

    if is_code(original, name, role):
        return None
    a, b = numbers(original), numbers(protected)
    given_a, given_b = original.notna().sum(), protected.notna().sum()
    if given_a == 0 or a.notna().sum() < 0.9 * given_a:
        return None
    if given_b and b.notna().sum() < 0.9 * given_b:
        return None
    return a, b


def il1s(before: pd.Series, after: pd.Series, spread: float) -> tuple[float | None, int]:
    """sdcMicro's IL1s terms of one variable: mean of |x - x'| / (sqrt(2) S) over the records
    that hold a number before and after, and how many they are."""
    both = before.notna() & after.notna()
    n = int(both.sum())
    if n == 0 or not spread or math.isnan(spread):
        return None, n
    return float(((before[both] - after[both]).abs() / (math.sqrt(2) * spread)).mean()), n


def _numeric_block(original: pd.DataFrame, aligned: pd.DataFrame, protected: pd.DataFrame,
                   columns: list[str], roles: Mapping[str, str]
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per numeric variable: IL1s, mean and variance before and after; and the numbers."""
    out: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for col in columns:
        pair = numeric_pair(original[col], protected[col], col, roles.get(col))
        if pair is None:
            continue
        whole_before, whole_after = pair
        surviving = whole_before.reindex(aligned.index)
        after = whole_after.reindex(aligned.index)
        spread = float(whole_before.std())
        term, n = il1s(surviving, after, spread)
        var_b, var_a = whole_before.var(), whole_after.var()
        out[col] = {
            "il1s": _round(term), "records_compared": n,
            "mean": {"before": _round(whole_before.mean()), "after": _round(whole_after.mean()),
                     "change": _round(whole_after.mean() - whole_before.mean())},
            "variance": {"before": _round(var_b), "after": _round(var_a),
                         "change_share": _round((var_a - var_b) / var_b) if var_b else None},
        }
        values[col] = (whole_before, whole_after, term, n)
    return out, values


def _correlations(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """Pearson correlations between the numeric variables before and after."""
    names = sorted(values)
    if len(names) < 2:
        return None
    pairs = []
    for a, b in combinations(names, 2):
        before = _round(values[a][0].corr(values[b][0]))
        after = _round(values[a][1].corr(values[b][1]))
        change = None if before is None or after is None else _round(after - before)
        pairs.append({"a": a, "b": b, "before": before, "after": after, "change": change})
    changes = [abs(p["change"]) for p in pairs if p["change"] is not None]
    return {"pairs": pairs, "max_abs_change": _round(max(changes)) if changes else None}


def category_changes(original: pd.Series, protected: pd.Series, aligned: pd.Series,
                     min_count: int) -> dict[str, Any] | None:
    """Counts per category before and after (categories of at least ``min_count`` original
    records, named; the others, the smaller ones and any new after protection, together
    and unnamed) and the share of surviving records
    whose category changed (missing counts as a category: a blanked value is a change)."""
    before = original.astype("string").value_counts(dropna=True)
    if len(before) == 0 or len(before) > MAX_CATEGORIES:
        return None
    after = protected.astype("string").value_counts(dropna=True)
    named = [v for v in before.index if before[v] >= min_count]
    small = [v for v in before.index if before[v] < min_count]
    rows = [{"value": str(v), "before": int(before[v]), "after": int(after.get(v, 0)),
             "change": int(after.get(v, 0)) - int(before[v])} for v in named]
    rows.sort(key=lambda r: (-abs(r["change"]), r["value"]))
    others_after = int(after.sum()) - sum(r["after"] for r in rows)
    surviving = original.reindex(aligned.index).astype("string")
    now = aligned.astype("string")
    changed = (surviving.fillna("\0missing") != now.fillna("\0missing"))
    return {
        "changed_share": _round(changed.mean()) if len(changed) else 0.0,
        "frequencies": rows,
        "others": {"categories": len(small),
                             "before": int(before[small].sum()) if small else 0,
                             "after": others_after},
    }


def utility_report(original: pd.DataFrame, protected: pd.DataFrame,
                   roles: Mapping[str, str] | None = None,
                   identifying: set[str] | frozenset[str] = frozenset(),
                   min_count: int = 5) -> dict[str, Any]:
    """IL1s, means, variances, correlations and category frequencies, original against
    protected. The protected data keeps the original row labels (as the loss report
    assumes), so each surviving record is compared with its own original. ``identifying``
    columns (direct identifiers, pseudonyms) get no category list."""
    roles = dict(roles or {})
    columns = [str(c) for c in original.columns if c in protected.columns]
    aligned = protected.reindex(original.index[original.index.isin(protected.index)])
    numeric, values = _numeric_block(original, aligned, protected, columns, roles)
    terms = [(v[2], v[3]) for v in values.values() if v[2] is not None]
    weight = sum(n for _, n in terms)
    overall = sum(t * n for t, n in terms) / weight if weight else None
    categories: dict[str, Any] = {}
    for col in columns:
        if col in numeric or col in identifying:
            continue
        found = category_changes(original[col], protected[col], aligned[col], min_count)
        if found is not None:
            categories[col] = found
    return {"il1s": _round(overall), "numeric": numeric, "correlations": _correlations(values),
            "categories": categories, "min_count": min_count}
