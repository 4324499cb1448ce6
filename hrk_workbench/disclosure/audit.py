"""The audit: what a reader can derive about every suppressed cell from what is published.

Why independent: the secondary suppression claims each primary cell is protected; this module
checks the claim without using any of that code. It rebuilds the additive structure from the
cell codes and the hierarchies alone (a parent is the sum of its children in each dimension),
treats every suppressed (or missing) cell as unknown and not negative, and solves the
attacker's linear programmes: the smallest and largest value each suppressed cell can take.
A primary cell whose interval is narrower than its protection is a failure.

It works the same on a table somebody else published (``hrk-workbench audit TABLE.csv``):
then the true values are unknown and only the interval's width can be judged.

The unknowns split into independent groups (cells linked through a shared equation), and each
group is solved on its own, so a large table with scattered suppressions stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .primary import Protection
    from .tables import Table

REL_TOL = 1e-7


@dataclass(frozen=True)
class Requirement:
    """What a suppressed cell's interval must reach. ``value`` None: the true value is not
    known (an audit of someone else's table), so only ``width`` and ``relative`` are judged;
    ``relative`` is a share of the interval's upper end that its width must reach."""

    value: float | None = None
    lower: float = 0.0
    upper: float = 0.0
    width: float = 0.0
    relative: float = 0.0


@dataclass
class AuditResult:
    """Interval per suppressed cell (index -> (lo, hi), hi may be infinite) and the cells
    that fail their requirement, each with the reason."""

    intervals: dict[int, tuple[float, float]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    lp_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def equations_from_codes(keys: Sequence[tuple[str, ...]],
                         children: Sequence[Mapping[str, Sequence[str]]]
                         ) -> tuple[list[tuple[str, ...]], list[list[tuple[int, float]]]]:
    """Every additive relation, built from the codes alone.

    Returns all cell keys (given ones first, then children that the table does not list:
    those count as unknown) and the equations as (cell index, coefficient) lists summing to 0.
    """
    all_keys = list(keys)
    where = {k: i for i, k in enumerate(all_keys)}
    eqs: list[list[tuple[int, float]]] = []
    pos = 0
    while pos < len(all_keys):  # grows when a listed parent names children not listed
        key = all_keys[pos]
        for d, tree in enumerate(children):
            kids = tree.get(key[d])
            if not kids:
                continue
            eq = [(pos, 1.0)]
            for c in kids:
                child = (*key[:d], c, *key[d + 1:])
                if child not in where:
                    where[child] = len(all_keys)
                    all_keys.append(child)
                eq.append((where[child], -1.0))
            eqs.append(eq)
        pos += 1
    return all_keys, eqs


def intervals(n_cells: int, equations: Sequence[Sequence[tuple[int, float]]],
              known: Mapping[int, float], nonnegative: bool = True,
              cells: Sequence[int] | None = None,
              enough: Mapping[int, tuple[float, float]] | None = None,
              ) -> tuple[dict[int, tuple[float, float]], int]:
    """The feasible interval of every unknown cell (or of ``cells``) by linear programming.

    ``known`` maps published cell indices to their values; every other cell is unknown.
    ``enough`` (cell -> (low target, high target)) is for a caller that only asks whether
    an interval reaches its targets: every LP solution is a feasible table, so once some
    solution already has the cell at or beyond a target, that end is not solved for and is
    reported as the value seen (inside the true interval, and far enough).
    """
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    unknown = [i for i in range(n_cells) if i not in known]
    parent = {i: i for i in unknown}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reduced: list[tuple[list[tuple[int, float]], float]] = []
    for eq in equations:
        free = [(i, c) for i, c in eq if i not in known]
        rhs = -math.fsum(c * known[i] for i, c in eq if i in known)
        if not free:
            continue
        reduced.append((free, rhs))
        root = find(free[0][0])
        for i, _ in free[1:]:
            r = find(i)
            if r != root:
                parent[r] = root
    groups: dict[int, list[int]] = {}
    for i in unknown:
        groups.setdefault(find(i), []).append(i)
    group_eqs: dict[int, list[tuple[list[tuple[int, float]], float]]] = {}
    for free, rhs in reduced:
        group_eqs.setdefault(find(free[0][0]), []).append((free, rhs))
    wanted = set(unknown if cells is None else cells)
    out: dict[int, tuple[float, float]] = {}
    lps = 0
    lower = 0.0 if nonnegative else None
    for root, members in groups.items():
        targets = [i for i in members if i in wanted]
        if not targets:
            continue
        eqs = group_eqs.get(root, [])
        if not eqs:  # no equation mentions it: anything from the lower bound upwards
            for i in targets:
                out[i] = (0.0 if nonnegative else -math.inf, math.inf)
            continue
        col = {i: j for j, i in enumerate(members)}
        rows, cols, data = [], [], []
        for r, (free, _) in enumerate(eqs):
            for i, c in free:
                rows.append(r)
                cols.append(col[i])
                data.append(c)
        a_eq = csr_matrix((data, (rows, cols)), shape=(len(eqs), len(members)))
        b_eq = np.array([rhs for _, rhs in eqs])
        seen_lo = np.full(len(members), np.inf)
        seen_hi = np.full(len(members), -np.inf)
        for i in targets:
            bounds = []
            for sign in (1.0, -1.0):
                j = col[i]
                if enough is not None and i in enough:
                    if sign > 0 and seen_lo[j] <= enough[i][0]:
                        bounds.append(float(seen_lo[j]))
                        continue
                    if sign < 0 and seen_hi[j] >= enough[i][1]:
                        bounds.append(float(seen_hi[j]))
                        continue
                c = np.zeros(len(members))
                c[j] = sign
                res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
                lps += 1
                if res.status == 3:  # unbounded
                    bounds.append(-math.inf if sign > 0 else math.inf)
                elif res.status == 2:  # the published values contradict each other
                    bounds.append(math.nan)
                else:
                    bounds.append(sign * float(res.fun))
                    if enough is not None and res.x is not None:
                        np.minimum(seen_lo, res.x, out=seen_lo)
                        np.maximum(seen_hi, res.x, out=seen_hi)
            out[i] = (bounds[0], bounds[1])
    return out, lps


def check(interval: tuple[float, float], req: Requirement) -> list[str]:
    """Which parts of the requirement an interval misses (empty when it is wide enough)."""
    lo, hi = interval
    if math.isnan(lo) or math.isnan(hi):
        return ["inconsistent"]
    scale = max(1.0, abs(req.value or 0.0), abs(lo) if math.isfinite(lo) else 0.0)
    tol = REL_TOL * scale
    missed = []
    if hi - lo <= tol:
        missed.append("exact")
    if req.width and hi - lo < req.width - tol:
        missed.append("width")
    if req.value is not None:
        if req.lower and lo > req.value - req.lower + tol:
            missed.append("lower")
        if req.upper and hi < req.value + req.upper - tol:
            missed.append("upper")
    if req.relative and math.isfinite(hi) and hi - lo < req.relative / 100.0 * hi - tol:
        missed.append("relative")
    return missed


def audit_cells(keys: Sequence[tuple[str, ...]], children: Sequence[Mapping[str, Sequence[str]]],
                values: Sequence[float | None], requirements: Mapping[int, Requirement],
                nonnegative: bool = True) -> AuditResult:
    """Audit a published table: ``values[i]`` None means suppressed; ``requirements`` names
    the cells that must be protected (usually the primary ones) and how."""
    all_keys, eqs = equations_from_codes(keys, children)
    known = {i: float(v) for i, v in enumerate(values) if v is not None}
    found, lps = intervals(len(all_keys), eqs, known, nonnegative,
                           cells=[i for i, v in enumerate(values) if v is None])
    result = AuditResult(intervals=found, lp_count=lps)
    for i, req in sorted(requirements.items()):
        if i in known:
            result.failures.append({"cell": i, "key": list(keys[i]), "missed": ["published"],
                                    "interval": [known[i], known[i]]})
            continue
        missed = check(found[i], req)
        if missed:
            lo, hi = found[i]
            result.failures.append({"cell": i, "key": list(keys[i]), "missed": missed,
                                    "interval": [lo, hi]})
    return result


def audit_table(table: Table, suppressed: set[int],
                primary: Mapping[int, Protection]) -> AuditResult:
    """Audit the workbench's own table: the true values are known, so every part of each
    primary cell's protection (both ends and the width) is checked."""
    values = [None if i in suppressed else v for i, v in enumerate(table.values)]
    reqs = {i: Requirement(p.value, p.lower, p.upper, p.width) for i, p in primary.items()}
    nonneg = all(v >= 0 for v in table.values)
    return audit_cells(table.keys, [h.children for h in table.hierarchies], values, reqs,
                       nonnegative=nonneg)
