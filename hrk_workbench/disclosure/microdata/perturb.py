"""Perturbative protections for a public-use file: PRAM, MDAV microaggregation and noise.

Why: suppression and recoding lose whole groups (rare values can never appear). These
methods keep every record and every variable, and instead make each published value
uncertain: a category may have been swapped (PRAM), a number is the mean of its group of at
least ``k`` similar records (microaggregation), or has random noise added (noise). A record
that looks unique can no longer be trusted to be the person it points at.

Every function keeps the rows in their order, leaves a missing value missing (and counts it),
and stops on a value it cannot treat, naming its column, line and value: nothing is passed
through silently. What the functions return for reports holds no original value of a
perturbed numeric column; a PRAM matrix names the categories, which the published file shows
anyway, with probabilities only.

References: Gouweleeuw, Kooiman, Willenborg & de Wolf (1998), Post randomisation for
statistical disclosure control: theory and implementation (invariant PRAM); Domingo-Ferrer &
Mateo-Sanz (2002), Practical data-oriented microaggregation (MDAV); Kim (1986) and Brand
(2002), Microdata protection through noise addition (correlated noise).

numpy and pandas are imported inside the functions (the CLI imports the recipe lazily).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FULL_MATRIX_MAX = 30  # categories up to which the report shows the whole transition matrix


@dataclass
class Perturbed:
    """One column's new values and what the report may say about them (no original value)."""

    values: pd.Series
    missing: int = 0
    changed: int = 0
    info: dict[str, Any] = field(default_factory=dict)


def _line(series: pd.Series, label: Any) -> int:
    """The data line of a row label (line 1 is the header), as other recipe steps count."""
    position = int(series.index.get_loc(label))
    return (int(label) if isinstance(label, int) else position) + 2


def numeric_column(series: pd.Series, column: str, step: int) -> pd.Series:
    """The column as numbers; a present value that is not a number stops the run naming the
    column, its line and the value (never averaged away or passed through)."""
    from hrk_workbench.disclosure.microdata.values import numbers

    values = numbers(series)
    present = series.notna() & (series.astype("string").str.strip() != "").fillna(False)
    bad = present & values.isna()
    if bad.any():
        first = bad[bad].index[0]
        value = str(series.loc[first])
        line = _line(series, first)
        raise InputError("recipe", [Problem(
            f"steps[{step}]", f"{value!r} in {column} on line {line} is not a number",
            "a number (decimal point or comma) or an empty cell", code="recipe_not_a_number",
            params={"column": column, "line": line, "value": value[:40], "step": step})])
    return values


def number_texts(values: np.ndarray, digits: int | None) -> list[str | None]:
    """Numbers as the file shows them: unrounded (the shortest text that reads back as the
    same number) or with ``digits`` decimals; NaN stays missing."""
    import math

    out: list[str | None] = []
    for v in values.tolist():
        if math.isnan(v):
            out.append(None)
        elif digits is None:
            out.append(str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(v))
        else:
            text = f"{v:.{digits}f}"
            out.append(f"{0.0:.{digits}f}" if float(text) == 0 else text)  # never "-0.0"
    return out


# --- PRAM ------------------------------------------------------------------------------------

def invariant_matrix(counts: np.ndarray, retain: float) -> np.ndarray:
    """The invariant PRAM transition matrix for category counts ``counts``.

    Gouweleeuw et al. (1998): with theta = 1 - retain and T_min the smallest count,
    p_kk = 1 - theta * T_min / T_k and p_kl = theta * T_min / ((K - 1) * T_k). The rarest
    category keeps its value with probability ``retain`` and commoner ones more, and
    sum_k T_k p_kl = T_l: every category's expected frequency after PRAM is its frequency
    before. One category alone cannot change.
    """
    import numpy as np

    counts = np.asarray(counts, dtype="float64")
    size = len(counts)
    if size < 2:
        return np.ones((size, size))
    theta = 1.0 - retain
    move = theta * counts.min() / counts  # probability of leaving category k
    matrix = np.repeat((move / (size - 1))[:, None], size, axis=1)
    np.fill_diagonal(matrix, 1.0 - move)
    return matrix


def pram(series: pd.Series, retain: float, rng: np.random.Generator) -> Perturbed:
    """Post-randomise one categorical column with its invariant matrix.

    Each present value moves to category l with probability P[k, l] (drawn with ``rng``);
    missing values stay missing. The report gets the categories, the matrix (whole for up
    to 30 categories, otherwise by its two numbers per row) and the expected share of
    changed values, sum_k (T_k / n) (1 - p_kk).
    """
    import numpy as np
    import pandas as pd

    present = series.notna() & (series.astype("string").str.strip() != "").fillna(False)
    text = series[present].astype(str)
    codes, categories = pd.factorize(text, sort=True)
    counts = np.bincount(codes, minlength=len(categories))
    matrix = invariant_matrix(counts, retain)
    draws = rng.random(len(codes))
    new = codes.copy()
    cumulative = matrix.cumsum(axis=1)
    if len(categories):
        cumulative[:, -1] = 1.0
    for k in range(len(categories)):
        rows = np.nonzero(codes == k)[0]
        if len(rows):
            new[rows] = np.searchsorted(cumulative[k], draws[rows], side="right")
    out = series.astype("object").copy()
    out[present] = np.asarray(categories, dtype="object")[new]
    out[~present] = None
    n = int(counts.sum())
    expected = float((counts * (1.0 - np.diag(matrix))).sum() / n) if n else 0.0
    info: dict[str, Any] = {
        "method": "pram", "retain": retain, "categories": len(categories),
        "expected_changed_share": round(expected, 6),
        "transition": {
            "categories": [str(c) for c in categories],
            "keep": [round(float(p), 6) for p in np.diag(matrix)],
            "to_each_other": [round(float(matrix[k, (k + 1) % len(categories)]), 6)
                              if len(categories) > 1 else 0.0
                              for k in range(len(categories))],
        },
    }
    if len(categories) <= FULL_MATRIX_MAX:
        info["transition"]["matrix"] = [[round(float(p), 6) for p in row] for row in matrix]
    return Perturbed(out, missing=int((~present).sum()), changed=int((new != codes).sum()),
                     info=info)


# --- MDAV microaggregation -------------------------------------------------------------------

def mdav_groups(x: np.ndarray, k: int) -> np.ndarray:
    """The MDAV group of each row of ``x`` (already standardised), as a group number.

    Domingo-Ferrer & Mateo-Sanz (2002), as sdcMicro's mdav: while at least 3k records are
    left, take the centroid, the record r farthest from it and its k - 1 nearest as a group,
    then the record s farthest from r and its k - 1 nearest; with 2k to 3k - 1 left, r and
    its k - 1 nearest form one group and the rest another; fewer than 2k form one group.

    Fast, with the same groups: the records left stay packed at the front of one array per
    variable (a removed record swaps with the last one left), so a farthest search is one
    vectorised pass over what is left; the nearest come from a k-d tree asked for a few more
    than k, those already grouped skipped (asked again for more when too many were), and
    rebuilt on the records left whenever half of its records are gone.
    """
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(x)
    groups = np.full(n, -1, dtype="int64")
    if n == 0:
        return groups
    x = np.asarray(x, dtype="float64")
    cols = np.array(x.T, order="C")  # (d, n) copy: each variable contiguous, left first
    ids = np.arange(n)  # the record at each packed position
    place = np.arange(n)  # the packed position of each record
    left = n
    norms = np.einsum("ij,ij->i", x, x)  # |p|^2, packed as cols is
    total = x.sum(axis=0)
    group = 0
    tree_ids = np.arange(n)
    tree = cKDTree(x)

    def farthest(q: np.ndarray) -> int:
        # |p - q|^2 = |p|^2 - 2 p.q + |q|^2: one matrix-vector product and one pass
        far = q @ cols[:, :left]
        far *= -2.0
        far += norms[:left]
        return int(ids[int(np.argmax(far))])

    def nearest(q: np.ndarray, count: int) -> np.ndarray:
        nonlocal tree, tree_ids
        if 2 * left < len(tree_ids):
            tree_ids = ids[:left].copy()
            tree = cKDTree(x[tree_ids])
        ask = min(4 * count, len(tree_ids))
        while True:
            _dist, found = tree.query(q, ask)
            found = tree_ids[np.atleast_1d(found)]
            found = found[groups[found] < 0]
            if len(found) >= count or ask == len(tree_ids):
                return found[:count]
            ask = min(4 * ask, len(tree_ids))

    def take(members: np.ndarray) -> None:
        nonlocal left, group, total
        groups[members] = group
        group += 1
        total = total - x[members].sum(axis=0)
        for record in members.tolist():
            p, last = place[record], left - 1
            if p != last:
                other = ids[last]
                cols[:, p] = cols[:, last]
                norms[p] = norms[last]
                ids[p], place[other] = other, p
            left -= 1

    def group_around_farthest_from(q: np.ndarray) -> np.ndarray:
        at = x[farthest(q)]
        take(nearest(at, k))
        return at

    while left >= 3 * k:
        r = group_around_farthest_from(total / left)
        group_around_farthest_from(r)
    if left >= 2 * k:
        group_around_farthest_from(total / left)
    if left:
        take(ids[:left].copy())
    return groups


def microaggregate(frame: pd.DataFrame, columns: Sequence[str], k: int, step: int,
                   digits: int | None = None) -> tuple[dict[str, pd.Series], dict[str, Any]]:
    """The columns microaggregated together by MDAV on standardised values: each value
    becomes its group's mean (unrounded, or to ``digits`` decimals).

    Records with every column present are grouped; a record missing some of them keeps
    those missing and takes, for the others, the means of the nearest group (by the
    columns it has), so no value it has is published as itself. Fewer than ``k`` complete
    records stop the run: no group could hide them.
    """
    import numpy as np
    import pandas as pd

    values = np.column_stack([numeric_column(frame[c], c, step).to_numpy(dtype="float64")
                              for c in columns])
    present = ~np.isnan(values)
    complete = present.all(axis=1)
    partial = present.any(axis=1) & ~complete
    if 0 < complete.sum() < k or (complete.sum() == 0 and partial.any()):
        raise InputError("recipe", [Problem(
            f"steps[{step}]", f"only {int(complete.sum())} records have every column of the "
            f"step ({', '.join(columns)}) present", f"at least k = {k}",
            code="recipe_too_few_to_aggregate",
            params={"columns": ", ".join(columns), "count": int(complete.sum()), "k": k,
                    "step": step})])
    out = np.full(values.shape, np.nan)
    groups_count = 0
    if complete.any():
        full = values[complete]
        # standardised, so that no variable dominates the distances by its unit (a
        # constant column is only centred)
        mean = full.mean(axis=0)
        sd = full.std(axis=0, ddof=1) if len(full) > 1 else np.ones(full.shape[1])
        sd = np.where(sd > 0, sd, 1.0)
        groups = mdav_groups((full - mean) / sd, k)
        groups_count = int(groups.max()) + 1
        sums = np.zeros((groups_count, full.shape[1]))
        np.add.at(sums, groups, full)
        means = sums / np.bincount(groups, minlength=groups_count)[:, None]
        out[complete] = means[groups]
        if partial.any():
            centres = (means - mean) / sd
            rows = np.nonzero(partial)[0]
            z = (values[rows] - mean) / sd
            for i, row in enumerate(rows):
                have = present[row]
                gap = ((centres[:, have] - z[i, have]) ** 2).sum(axis=1)
                nearest = int(np.argmin(gap))
                out[row, have] = means[nearest, have]
    result = {c: pd.Series(number_texts(out[:, j], digits), index=frame.index, dtype="object")
              for j, c in enumerate(columns)}
    info = {"method": "microaggregate", "k": k, "groups": groups_count,
            "records_partial": int(partial.sum())}
    return result, info


# --- noise -----------------------------------------------------------------------------------

def add_noise(frame: pd.DataFrame, columns: Sequence[str], std_share: float, method: str,
              rng: np.random.Generator, step: int, digits: int | None = None
              ) -> tuple[dict[str, pd.Series], dict[str, Any]]:
    """Noise on numeric columns.

    ``additive``: each value plus N(0, (std_share * sd)^2), sd the column's standard
    deviation. ``correlated2`` (Kim 1986, Brand 2002): the complete records plus noise
    e ~ N(0, alpha * Sigma) with alpha = std_share^2 and Sigma the columns' covariance (so
    each column's noise has std_share of its deviation and the noise keeps the correlations),
    then the linear transform y = mean + (z - mean_z) A that gives the noised columns
    exactly the original means and covariances (A from the Cholesky factors of both
    covariances). A record missing some columns gets additive noise on those it has.
    """
    import numpy as np
    import pandas as pd

    values = np.column_stack([numeric_column(frame[c], c, step).to_numpy(dtype="float64")
                              for c in columns])
    present = ~np.isnan(values)
    complete = present.all(axis=1)
    out = values.copy()
    sd = np.array([np.nanstd(values[:, j], ddof=1) if present[:, j].sum() > 1 else 0.0
                   for j in range(values.shape[1])])
    sd = np.nan_to_num(sd)
    used = method
    if method == "correlated2" and complete.sum() > len(columns):
        x = values[complete]
        mean = x.mean(axis=0)
        cov = np.atleast_2d(np.cov(x, rowvar=False))
        noise = rng.multivariate_normal(np.zeros(len(columns)), std_share ** 2 * cov,
                                        size=len(x), method="eigh")
        z = x + noise
        cov_z = np.atleast_2d(np.cov(z, rowvar=False))
        try:
            lx = np.linalg.cholesky(cov)
            lz = np.linalg.cholesky(cov_z)
            transform = np.linalg.solve(lz.T, lx.T)  # lz^-T lx^T
        except np.linalg.LinAlgError:  # a constant or collinear column: scale each alone
            sz = z.std(axis=0, ddof=1)
            transform = np.diag(np.where(sz > 0, np.sqrt(np.diag(cov)) / np.where(
                sz > 0, sz, 1.0), 1.0))
        out[complete] = mean + (z - z.mean(axis=0)) @ transform
        rest = present & ~complete[:, None]
    else:
        used = "additive"
        rest = present
    draws = rng.standard_normal(values.shape)
    out[rest] = (values + draws * (std_share * sd))[rest]
    result = {c: pd.Series(number_texts(out[:, j], digits), index=frame.index, dtype="object")
              for j, c in enumerate(columns)}
    return result, {"method": "noise", "noise": used, "std_share": std_share}
