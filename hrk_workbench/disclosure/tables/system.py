"""The attacker's view of a table: the additive equations rebuilt from the cell codes alone,
the linear programmes that bound each unknown cell, and what a primary cell requires.

The audit (:mod:`~.audit`), the insiders' knowledge (:mod:`~.insiders`) and the suppression
(:mod:`~.secondary`) all stand on it; it imports none of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


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
    that fail their requirement, each with the reason (``insider_failures``: those an insider
    gets too close to, also in ``failures``)."""

    intervals: dict[int, tuple[float, float]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    lp_count: int = 0
    insider_failures: list[dict[str, Any]] = field(default_factory=list)

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


class System:
    """The attacker's linear system once: the equations reduced by the published cells and
    split into independent groups, each with its sparse matrix, solved for any number of
    readers (the outside reader, and every insider with what it alone knows)."""

    def __init__(self, n_cells: int, equations: Sequence[Sequence[tuple[int, float]]],
                 known: Mapping[int, float], nonnegative: bool = True) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        self.known = known
        self.nonnegative = nonnegative
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
        self.group: dict[int, int] = {i: find(i) for i in unknown}
        self.members: dict[int, list[int]] = {}
        for i in unknown:
            self.members.setdefault(self.group[i], []).append(i)
        group_eqs: dict[int, list[tuple[list[tuple[int, float]], float]]] = {}
        for free, rhs in reduced:
            group_eqs.setdefault(self.group[free[0][0]], []).append((free, rhs))
        self.col: dict[int, int] = {}
        self.matrix: dict[int, tuple[Any, Any]] = {}
        for root, members in self.members.items():
            for j, i in enumerate(members):
                self.col[i] = j
            eqs = group_eqs.get(root, [])
            if not eqs:
                continue
            rows, cols, data = [], [], []
            for r, (free, _) in enumerate(eqs):
                for i, c in free:
                    rows.append(r)
                    cols.append(self.col[i])
                    data.append(c)
            self.matrix[root] = (csr_matrix((data, (rows, cols)), shape=(len(eqs), len(members))),
                                 np.array([rhs for _, rhs in eqs]))

    def solve(self, cells: Sequence[int] | None = None,
              enough: Mapping[int, tuple[float, float]] | None = None,
              fixed: Mapping[int, float] | None = None,
              floors: Mapping[int, float] | None = None,
              touching: Iterable[int] | None = None,
              ) -> tuple[dict[int, tuple[float, float]], int]:
        """Intervals of ``cells`` (default: every unknown cell). ``fixed`` and ``floors`` are
        what one insider knows: cells it alone makes up (their value) and cells it is in (at
        least its contribution). ``touching``: only the groups holding one of these cells are
        solved (an insider learns nothing about the others). ``enough`` as in
        :func:`intervals`."""
        import numpy as np
        from scipy.optimize import linprog

        fixed = fixed or {}
        floors = floors or {}
        wanted = [i for i in (self.group if cells is None else cells) if i in self.group]
        roots = None if touching is None else {self.group[i] for i in touching
                                               if i in self.group}
        by_group: dict[int, list[int]] = {}
        for i in wanted:
            if roots is None or self.group[i] in roots:
                by_group.setdefault(self.group[i], []).append(i)
        out: dict[int, tuple[float, float]] = {}
        lps = 0
        base = 0.0 if self.nonnegative else -np.inf
        for root, targets in by_group.items():
            members = self.members[root]
            if root not in self.matrix:  # no equation mentions it: anything above its floor
                for i in targets:
                    if i in fixed:
                        out[i] = (fixed[i], fixed[i])
                    else:
                        out[i] = (max(base, floors.get(i, base)), math.inf)
                continue
            a_eq, b_eq = self.matrix[root]
            low = np.full(len(members), base)
            high = np.full(len(members), np.inf)
            for i, v in floors.items():
                if i in self.group and self.group[i] == root:
                    low[self.col[i]] = max(low[self.col[i]], v)
            for i, v in fixed.items():
                if i in self.group and self.group[i] == root:
                    low[self.col[i]] = high[self.col[i]] = v
            bounds = np.column_stack([low, high])
            seen_lo = np.full(len(members), np.inf)
            seen_hi = np.full(len(members), -np.inf)
            for i in targets:
                j = self.col[i]
                ends = []
                for sign in (1.0, -1.0):
                    if enough is not None and i in enough:
                        if sign > 0 and seen_lo[j] <= enough[i][0]:
                            ends.append(float(seen_lo[j]))
                            continue
                        if sign < 0 and seen_hi[j] >= enough[i][1]:
                            ends.append(float(seen_hi[j]))
                            continue
                    c = np.zeros(len(members))
                    c[j] = sign
                    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                    lps += 1
                    if res.status == 3:  # unbounded
                        ends.append(-math.inf if sign > 0 else math.inf)
                    elif res.status == 2:  # the published values contradict each other
                        ends.append(math.nan)
                    else:
                        ends.append(sign * float(res.fun))
                        if enough is not None and res.x is not None:
                            np.minimum(seen_lo, res.x, out=seen_lo)
                            np.maximum(seen_hi, res.x, out=seen_hi)
                out[i] = (ends[0], ends[1])
        return out, lps


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
    return System(n_cells, equations, known, nonnegative).solve(cells, enough)


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
