"""Insiders: what a respondent of a small cell knows, and the audit against it.

Why: the outside reader of :mod:`audit` knows only what is published. A respondent knows more:
its own contribution. When it is the only unit of a suppressed cell it knows that cell's value
exactly, and when it is one of two it knows the cell is at least its own part. With that, it
may recompute another primary cell that the outside reader cannot (tau-Argus's "singleton"
options, sdcTable's ``detectSingletons``). So every primary cell must keep its full upper and
lower protection against every such insider too, not only stay "not exactly recomputable".

An insider is described by the cells it is in: ``fixed`` (it alone makes them up: it knows
their values), ``floors`` (cells with other units: at least its contribution) and ``own``
(cells of at most two units it is in: those are judged by their own rule, which already
assumes that the other unit knows its part, as the p% rule does).

Only magnitude tables have insiders here: in a frequency table a person does not learn a
cell's count by being in it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.cells import Hierarchy, Table
    from hrk_workbench.disclosure.tables.system import Requirement, System

SMALL = 2  # a cell of at most this many units has insiders


@dataclass(frozen=True)
class Insider:
    """One respondent of a cell with at most two units, and what it knows."""

    name: str
    fixed: dict[int, float] = field(default_factory=dict)
    floors: dict[int, float] = field(default_factory=dict)
    own: frozenset[int] = frozenset()

    def relevant(self, suppressed: Iterable[int] | set[int]) -> bool:
        """The insider matters only if one of its small cells is suppressed (otherwise its
        cells are published and it knows nothing the outside reader does not)."""
        hidden = suppressed if isinstance(suppressed, set) else set(suppressed)
        return any(c in hidden for c in self.own)


def ancestors(hierarchies: Sequence[Hierarchy], key: Sequence[str]) -> list[tuple[str, ...]]:
    """Every cell a unit of the finest cell ``key`` is in: the cell and all its margins."""
    chains = []
    for h, code in zip(hierarchies, key, strict=True):
        up = h.parent_of()
        chain = [code]
        while chain[-1] in up:
            chain.append(up[chain[-1]])
        chains.append(chain)
    return [tuple(k) for k in itertools.product(*chains)]


def insiders_from_units(units: Mapping[Hashable, Sequence[tuple[int, float]]],
                        counts: Sequence[int | None], values: Sequence[float],
                        names: Mapping[Hashable, str] | None = None) -> list[Insider]:
    """Insiders from each unit's cells and contributions (unit -> [(cell, contribution)]).

    Only units in at least one cell of at most two units are insiders. A cell whose number of
    units is unknown is treated as large (its insiders cannot be told).
    """
    out = []
    for unit, cells in units.items():
        fixed: dict[int, float] = {}
        floors: dict[int, float] = {}
        own = set()
        for c, v in cells:
            n = counts[c]
            if n is not None and n <= 1:
                fixed[c] = float(values[c])
            elif v > 0:
                floors[c] = float(v) + floors.get(c, 0.0)
            if n is not None and n <= SMALL:
                own.add(c)
        if own:
            out.append(Insider((names or {}).get(unit, str(unit)), fixed, floors,
                               frozenset(own)))
    return out


def insiders_from_table(table: Table) -> list[Insider]:
    """The insiders a magnitude table's own contributions reveal: every unit of a finest
    cell of one or two units (its contribution is among the cell's largest ones), in that cell
    and all its margins. A weighted table's contributions are carried to the published scale
    by the cell's own ratio of published value to its respondents' total."""
    if not table.magnitude:
        return []
    basis = getattr(table, "basis", None)
    units: dict[Hashable, list[tuple[int, float]]] = {}
    names: dict[Hashable, str] = {}
    where = {k: i for i, k in enumerate(table.keys)}
    for leaf in range(len(table)):
        n = table.counts[leaf]
        if table.is_margin(leaf) or n is None or not 1 <= n <= SMALL:
            continue
        tops = table.tops[leaf]
        if len(tops) < n:
            continue
        factor = 1.0
        if basis is not None and basis[leaf]:
            factor = table.values[leaf] / basis[leaf]
        cells = [where[k] for k in ancestors(table.hierarchies, table.keys[leaf]) if k in where]
        for k in range(n):
            units[(leaf, k)] = [(c, tops[k] * factor) for c in cells]
            names[(leaf, k)] = "/".join(table.keys[leaf]) + (f" #{k + 1}" if n > 1 else "")
    return insiders_from_units(units, table.counts, table.values, names)


def targets_for(insider: Insider, need: Mapping[int, tuple[float, float]],
                values: Sequence[float]) -> dict[int, tuple[float, float]]:
    """(low, high) ends each primary cell's interval must reach against ``insider``.

    A cell the insider is in cannot hide the insider's own contribution from it: the low end
    it must reach is never below that contribution, and the high end goes as much further, so
    that the interval keeps its width."""
    out = {}
    for i, (low, high) in need.items():
        if i in insider.own or i in insider.fixed:
            continue
        lo_end = values[i] - low
        lifted = max(0.0, insider.floors.get(i, -math.inf) - lo_end)
        out[i] = (lo_end + lifted, values[i] + high + lifted)
    return out


def insider_intervals(system: System, insider: Insider, cells: Iterable[int],
                      enough: Mapping[int, tuple[float, float]] | None = None,
                      ) -> tuple[dict[int, tuple[float, float]], int]:
    """The intervals ``insider`` derives for ``cells`` (only groups its knowledge touches;
    the others are what the outside reader has)."""
    fixed, floors = _knowledge(system, insider)
    touching = set(fixed) | set(floors)
    if not touching:
        return {}, 0
    return system.solve([c for c in cells if c not in system.known], enough, fixed, floors,
                        touching)


def _knowledge(system: System, insider: Insider) -> tuple[dict[int, float], dict[int, float]]:
    known = system.known
    return ({c: v for c, v in insider.fixed.items() if c not in known},
            {c: v for c, v in insider.floors.items() if c not in known})


class Witnesses:
    """Whether an insider can be kept from narrowing a cell, shown by a witness: a table that
    agrees with everything published and with all the insider knows, and has the cell at the
    required end. Found by the smallest change from the true table (few cells change), so
    one witness serves most insiders: it is tried on each before another LP is solved.

    Why: solving two LPs per insider and primary cell on a large table is tens of thousands
    of LPs; a shared witness answers most of them by a look-up, and only a cell without one
    gets the full LPs (which then give its exact interval for the report)."""

    def __init__(self, system: System, truth: Sequence[float]) -> None:
        import numpy as np

        self.system = system
        self.truth = np.asarray(truth, dtype=float)
        self.pool: dict[tuple[int, bool], list[dict[int, float]]] = {}
        self.split: dict[int, Any] = {}
        self.lps = 0

    def reaches(self, who: Insider | None, i: int, up: bool, end: float) -> bool:
        """Can ``who`` (None: the outside reader) be shown a table with cell i at ``end``?"""
        need = (end - self.truth[i]) if up else (self.truth[i] - end)
        tol = 1e-7 * max(1.0, abs(self.truth[i]))
        if need <= tol:
            return True
        fixed, floors = _knowledge(self.system, who) if who is not None else ({}, {})
        for change in self.pool.get((i, up), []):
            if all(c not in change for c in fixed) and all(
                    self.truth[c] + change[c] >= v - tol for c, v in floors.items()
                    if c in change) and abs(change[i]) >= need - tol:
                return True
        change = self._solve(i, up, need, fixed, floors)
        if change is None:
            return False
        self.pool.setdefault((i, up), []).append(change)
        return True

    def _solve(self, i: int, up: bool, need: float, fixed: Mapping[int, float],
               floors: Mapping[int, float]) -> dict[int, float] | None:
        import numpy as np
        from scipy.optimize import linprog
        from scipy.sparse import hstack

        system = self.system
        root = system.group[i]
        members = system.members[root]
        if root not in system.matrix:  # no equation: free above its floor
            if up:
                return {} if i in fixed else {i: need}
            room = self.truth[i] - max(floors.get(i, 0.0), 0.0 if system.nonnegative else -1e300)
            return {i: -need} if i not in fixed and room >= need else None
        a_eq, _ = system.matrix[root]
        if root not in self.split:
            self.split[root] = hstack([a_eq, -a_eq]).tocsr()
        m = len(members)
        a = self.truth[members]
        down = (a.copy() if system.nonnegative else np.full(m, np.inf))
        rise = np.full(m, np.inf)
        col = system.col
        for c, v in floors.items():
            if system.group.get(c) == root:
                down[col[c]] = min(down[col[c]], max(0.0, self.truth[c] - v))
        for c in fixed:
            if system.group.get(c) == root:
                down[col[c]] = rise[col[c]] = 0.0
        j = col[i]
        low = np.zeros(2 * m)
        high = np.concatenate([rise, down])
        if up:
            low[j] = high[j] = need
            high[m + j] = 0.0
        else:
            if down[j] < need:
                return None
            low[m + j] = high[m + j] = need
            high[j] = 0.0
        res = linprog(np.ones(2 * m), A_eq=self.split[root], b_eq=np.zeros(a_eq.shape[0]),
                      bounds=np.column_stack([low, high]), method="highs")
        self.lps += 1
        if res.status != 0:
            return None
        d = res.x[:m] - res.x[m:]
        scale = 1e-9 * max(1.0, float(np.abs(d).max()))
        return {members[k]: float(d[k]) for k in np.flatnonzero(np.abs(d) > scale)}


def sufficient_ends(req: Requirement, floor: float | None = None) -> tuple[float, float]:
    """Ends that together meet every part of ``req`` (as :meth:`Protection.sufficient`), the
    low end never below ``floor`` (what an insider knows of its own part) and the high end
    as much further."""
    value = req.value or 0.0
    low = min(value, max(req.lower, req.width / 2))
    high = max(req.upper, req.width - low)
    lo_end = value - low
    lifted = max(0.0, floor - lo_end) if floor is not None else 0.0
    return lo_end + lifted, value + high + lifted


def insider_failures(system: System, insiders: Sequence[Insider],
                     requirements: Mapping[int, Requirement], suppressed: set[int],
                     keys: Sequence[Sequence[str]] | None = None,
                     truth: Sequence[float] | None = None) -> tuple[list[dict[str, Any]],
                                                                    int]:
    """Every (insider, primary cell) whose interval misses the cell's requirement.

    Each failure is a dict like the outside audit's, with ``insider`` naming the respondent.
    With the table's true values (``truth``), a cell is first tried with a shared witness
    (:class:`Witnesses`); only a cell without one gets its interval solved and judged.
    """
    from hrk_workbench.disclosure.tables.system import Requirement, check

    failures = []
    lps = 0
    witnesses = Witnesses(system, truth) if truth is not None else None
    for who in insiders:
        if not who.relevant(suppressed):
            continue
        fixed, floors = _knowledge(system, who)
        roots = {system.group[c] for c in (*fixed, *floors) if c in system.group}
        cells = [i for i in requirements if i in suppressed and i not in who.own
                 and i not in who.fixed and system.group.get(i) in roots]
        for i in cells:
            req = requirements[i]
            if req.value is not None and i in who.floors:
                room = max(0.0, req.value - who.floors[i])
                req = Requirement(req.value, min(req.lower, room),
                                  req.upper + max(0.0, req.lower - room), req.width,
                                  req.relative)
            if witnesses is not None and not req.relative:
                base = req if req.value is not None else \
                    Requirement(float(witnesses.truth[i]), 0.0, 0.0, req.width)
                lo_end, hi_end = sufficient_ends(base, who.floors.get(i))
                if witnesses.reaches(who, i, False, lo_end) and \
                        witnesses.reaches(who, i, True, hi_end):
                    continue
            found, n = insider_intervals(system, who, [i])
            lps += n
            missed = check(found[i], req)
            if missed:
                failures.append({"cell": i, "key": list(keys[i]) if keys else [i],
                                 "missed": missed, "interval": list(found[i]),
                                 "insider": who.name})
    return failures, lps + (witnesses.lps if witnesses is not None else 0)


def recomputable(failures: Iterable[Mapping[str, Any]]) -> int:
    """How many different primary cells an insider recomputes exactly."""
    return len({f["cell"] for f in failures if "exact" in f["missed"]})
