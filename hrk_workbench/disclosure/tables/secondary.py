"""Secondary (complementary) suppression: hide enough other cells that no primary cell can be
bounded too tightly from what is still published.

The model (Fischetti and Salazar 2000, the one behind tau-Argus's "optimal" and sdcTable's
"OPT"): an attacker knows every published cell, that each parent cell is the sum of its
children in every dimension and that no value is negative. For a primary cell with value X
and protection (lower L, upper U) the attacker's largest feasible value must reach X + U and
the smallest X - L. Among all suppression patterns that achieve this for every primary cell,
find the one that loses least: fewest cells (``cells``) or least total value (``value``).

Two methods:

``exact`` (small tables): a 0/1 programme over "suppress cell j" solved by HiGHS
(``scipy.optimize.milp``) with Benders cuts. Start with the obvious cuts (a primary cell
needs a second suppression in every equation it is in), solve, then solve the attacker's LP
for every primary cell against the proposed pattern; an attacker who gets too close gives,
through the LP's dual, a linear cut that every safe pattern satisfies and this one does not.
Repeat until no attacker succeeds: the pattern is then optimal.

``heuristic`` (large tables): for each primary cell that is not yet protected, solve one LP
that finds the cheapest *witness*: a change to the table that keeps every equation, keeps
values non-negative, moves the primary cell by its full protection and touches only cells
that are suppressed or that we then suppress. Such a change is itself a solution of the
attacker's LP, so it proves the protection; already suppressed cells cost (almost) nothing,
so later cells reuse earlier suppressions. The audit loop recomputes every primary cell's
interval afterwards and repeats for any cell that numerical round-off left short, and a last
pass drops secondary cells the protection does not need. Not optimal, but never unsafe.

Cells with value 0 are costly to use (an empty cell is often known to be empty).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from hrk_workbench.disclosure.tables.cells import Table
    from hrk_workbench.disclosure.tables.insiders import Insider
    from hrk_workbench.disclosure.tables.primary import Protection

COSTS = ("cells", "value")
METHODS = ("auto", "exact", "heuristic")
EXACT_MAX_CELLS = 400
ZERO_PENALTY = 10.0
MULTI_START_CELLS = 3000  # up to this size the heuristic runs twice (largest, smallest first)
COVER_DROP_SECONDS = 6.0  # the clean-up of the combined pattern
TOL = 1e-7


@dataclass
class SuppressionResult:
    """The secondary cells and how they were found (``optimal`` only for a finished exact
    run)."""

    secondary: set[int]
    method: str
    optimal: bool = False
    iterations: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"secondary": len(self.secondary), "method": self.method,
                "optimal": self.optimal, "iterations": self.iterations,
                "seconds": round(self.seconds, 3)}


class _Problem:
    """The table as an LP: values ``a``, equations ``A a = 0``, costs and protections."""

    def __init__(self, table: Table, primary: Mapping[int, Protection], cost: str,
                 insiders: Sequence[Insider] = ()) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        self.n = len(table)
        self.a = np.asarray(table.values, dtype=float)
        rows, cols, data = [], [], []
        for r, (parent, kids) in enumerate(table.equations()):
            rows.append(r)
            cols.append(parent)
            data.append(1.0)
            for k in kids:
                rows.append(r)
                cols.append(k)
                data.append(-1.0)
        self.m = (max(rows) + 1) if rows else 0
        self.A = csr_matrix((data, (rows, cols)), shape=(self.m, self.n))
        self.AT = self.A.T.tocsr()
        top = float(self.a.max()) if self.n else 1.0
        self.big = max(top, 1.0)  # no cell exceeds the grand total: the attacker's upper bound
        if cost == "value":
            c = self.a / self.big + 1e-4
        else:  # a tiny share of the value breaks ties towards small cells, never adds a cell
            c = 1.0 + (self.a / self.big) / (self.n + 1)
        self.cost = np.where(self.a == 0, c * ZERO_PENALTY, c)
        self.split: Any = None  # [A, -A] for the witness LPs, built on first use
        self.primary = dict(primary)
        self.need: dict[int, tuple[float, float]] = {
            i: p.sufficient() for i, p in primary.items()}
        self.insiders = list(insiders)
        self.eqs: list[list[tuple[int, float]]] = []
        for r in range(self.m):
            lo, hi = self.A.indptr[r], self.A.indptr[r + 1]
            self.eqs.append(list(zip(self.A.indices[lo:hi].tolist(),
                                     self.A.data[lo:hi].tolist(), strict=True)))

    def rooms(self, who: Insider | None) -> tuple[np.ndarray, np.ndarray]:
        """How far each cell may move down and up when suppressed, for the outside reader
        (down to 0, up to the grand total) or for an insider (not at all for a cell it alone
        makes up; down only to its own contribution in a cell it is in)."""
        import numpy as np

        down = self.a.copy()
        up = np.full(self.n, self.big)
        if who is not None:
            for c in who.fixed:
                down[c] = up[c] = 0.0
            for c, v in who.floors.items():
                down[c] = min(down[c], max(0.0, self.a[c] - v))
        return down, up

    def amounts(self, i: int, who: Insider | None) -> tuple[float, float]:
        """(down, up) distances cell i must be movable against ``who`` (None: outsider)."""
        low, high = self.need[i]
        if who is None:
            return low, high
        from hrk_workbench.disclosure.tables.insiders import targets_for

        lo_end, hi_end = targets_for(who, {i: (low, high)}, self.a)[i]
        return self.a[i] - lo_end, hi_end - self.a[i]

    # the attacker's LP on the whole table, with duals for Benders cuts
    def attack(self, i: int, up: bool, y: np.ndarray,
               who: Insider | None = None) -> tuple[float, np.ndarray | None]:
        import numpy as np
        from scipy.optimize import linprog

        down, rise = self.rooms(who)
        lo = np.where(y > 0.5, self.a - down, self.a)
        hi = np.where(y > 0.5, self.a + rise, self.a)
        c = np.zeros(self.n)
        c[i] = -1.0 if up else 1.0
        if self.m == 0:
            return (hi[i] if up else lo[i]), None
        res = linprog(c, A_eq=self.A, b_eq=np.zeros(self.m), bounds=np.column_stack([lo, hi]),
                      method="highs")
        if res.status != 0:
            return (math.inf if up else -math.inf), None
        value = -res.fun if up else res.fun
        return float(value), np.asarray(res.eqlin.marginals, dtype=float)

    def cut(self, i: int, up: bool, lam: np.ndarray, fixed: np.ndarray,
            y: np.ndarray, who: Insider | None = None) -> tuple[np.ndarray, float] | None:
        """A Benders cut coef . y >= rhs from the attacker's dual, or None if it would not
        cut off ``y``. Any dual gives a valid cut (weak duality); the optimal one cuts."""
        import numpy as np

        low, high = self.amounts(i, who)
        need = high if up else low
        down, rise = self.rooms(who)
        for sign in (1.0, -1.0):
            e = np.zeros(self.n)
            e[i] = -1.0 if up else 1.0
            r = e - self.AT @ (sign * lam)
            coef = np.maximum(r, 0) * down + np.maximum(-r, 0) * rise
            rhs = need - float(coef[fixed].sum())  # the primary cells are suppressed anyway
            if rhs <= TOL * max(1.0, need):
                continue
            coef = np.minimum(coef, rhs)
            coef[fixed] = 0.0
            if float(coef @ y) < rhs - TOL * max(1.0, rhs):
                return coef, rhs
        return None


def suppress(table: Table, primary: Mapping[int, Protection], cost: str = "cells",
             method: str = "auto", time_limit: float = 20.0,
             exact_max_cells: int = EXACT_MAX_CELLS,
             tick: Callable[[], None] | None = None,
             insiders: Sequence[Insider] | None = None) -> SuppressionResult:
    """Choose the secondary cells; ``auto`` is exact up to ``exact_max_cells`` cells and
    falls back to the heuristic if the exact search runs out of ``time_limit`` seconds.
    ``tick`` is called between solver steps (a GUI's cancel check: it may raise to stop).
    ``insiders``: respondents of small cells the pattern must also hold against (default:
    those the table's own contributions show, :func:`insiders.insiders_from_table`); only
    those with a small primary cell matter, as only those have something suppressed to know."""
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {COSTS}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    start = time.perf_counter()
    needy = {i: p for i, p in primary.items() if max(p.sufficient()) > 0}
    if not needy:
        return SuppressionResult(set(), "none", True, 0, time.perf_counter() - start)
    if insiders is None:
        from hrk_workbench.disclosure.tables.insiders import insiders_from_table

        insiders = insiders_from_table(table)
    insiders = [who for who in insiders if who.relevant(set(primary))]
    prob = _Problem(table, primary, cost, insiders)
    if method == "exact" or (method == "auto" and prob.n <= exact_max_cells):
        found = _exact(prob, time_limit, tick)
        if found is not None:
            secondary, iterations = found
            return SuppressionResult(secondary, "exact", True, iterations,
                                     time.perf_counter() - start)
        if method == "exact":
            raise TimeoutError("the exact suppression did not finish in time")
    secondary, rounds = _best_heuristic(prob, tick)
    timed_out = method == "auto" and prob.n <= exact_max_cells
    label = "heuristic_after_timeout" if timed_out else "heuristic"
    return SuppressionResult(secondary, label, False, rounds, time.perf_counter() - start)


# --- exact: MILP with Benders cuts ------------------------------------------------------------

def _exact(prob: _Problem, time_limit: float,
           tick: Callable[[], None] | None = None) -> tuple[set[int], int] | None:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, vstack

    start = time.perf_counter()
    fixed = np.zeros(prob.n, dtype=bool)
    fixed[list(prob.primary)] = True
    cuts: list[Any] = []
    rhs: list[float] = []
    # a primary cell in an equation needs another unknown there (if it needs protection)
    for r in range(prob.m):
        cells = prob.A.indices[prob.A.indptr[r]:prob.A.indptr[r + 1]]
        for i in cells:
            if i in prob.need and max(prob.need[i]) > 0:
                others = [j for j in cells if j != i]
                if any(fixed[j] for j in others):
                    continue
                row = np.zeros(prob.n)
                row[others] = 1.0
                cuts.append(csr_matrix(row))
                rhs.append(1.0)
    for who in prob.insiders:  # an insider knows its lone cells: another unknown is needed
        for r in range(prob.m):
            cells = prob.A.indices[prob.A.indptr[r]:prob.A.indptr[r + 1]]
            if not any(j in who.fixed for j in cells):
                continue
            for i in cells:
                if i not in prob.need or i in who.own or i in who.fixed:
                    continue
                others = [j for j in cells if j != i and j not in who.fixed]
                if not others or any(fixed[j] for j in others):
                    continue
                row = np.zeros(prob.n)
                row[others] = 1.0
                cuts.append(csr_matrix(row))
                rhs.append(1.0)
    lb = fixed.astype(float)
    iterations = 0
    while True:
        iterations += 1
        if tick is not None:
            tick()
        left = time_limit - (time.perf_counter() - start)
        if left <= 0:
            return None
        constraints = [LinearConstraint(vstack(cuts), np.array(rhs), np.inf)] if cuts else []
        res = milp(prob.cost, integrality=np.ones(prob.n), bounds=Bounds(lb, np.ones(prob.n)),
                   constraints=constraints, options={"time_limit": max(left, 0.1),
                                                     "mip_rel_gap": 1e-6})
        if res.x is None or res.status not in (0,):
            return None
        y = (res.x > 0.5).astype(float)
        added = 0
        for i, (low, high) in prob.need.items():
            for up, need in ((True, high), (False, low)):
                if need <= 0:
                    continue
                got, lam = prob.attack(i, up, y)
                short = (got < prob.a[i] + need - TOL * max(1.0, need)) if up else \
                        (got > prob.a[i] - need + TOL * max(1.0, need))
                if not short:
                    continue
                made = prob.cut(i, up, lam, fixed, y) if lam is not None else None
                if made is None:
                    return None  # should not happen; let the heuristic take over
                cuts.append(csr_matrix(made[0]))
                rhs.append(made[1])
                added += 1
        if prob.insiders and not added:
            for i, up, k in _short(prob, y > 0.5):
                if k < 0:
                    continue
                who = prob.insiders[k]
                _, lam = prob.attack(i, up, y, who)
                made = prob.cut(i, up, lam, fixed, y, who) if lam is not None else None
                if made is None:
                    return None
                cuts.append(csr_matrix(made[0]))
                rhs.append(made[1])
                added += 1
        if not added:
            return {int(j) for j in np.flatnonzero(y) if not fixed[j]}, iterations


# --- heuristic: cheapest witness per primary cell, with the audit loop -------------------------

Direction = tuple[int, bool, int]  # (primary cell, up?, insider index or -1 for the outsider)


def _witness(prob: _Problem, i: int, up: bool, amount: float, suppressed: np.ndarray,
             only_suppressed: bool = False, who: Insider | None = None) -> np.ndarray | None:
    """The cheapest table change that moves cell i by ``amount`` (up or down), keeps every
    equation and every value >= 0; None if there is none. ``only_suppressed``: the change may
    touch only cells that are already suppressed (to test whether one can be published).
    ``who``: the change must also agree with what that insider knows (``_Problem.rooms``)."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import hstack

    w = np.where(suppressed, 1e-6, prob.cost)
    c = np.concatenate([w, w])
    upper_minus, upper_plus = prob.rooms(who)
    upper_plus = np.where(upper_plus >= prob.big, np.inf, upper_plus)
    if only_suppressed:
        upper_plus[~suppressed] = 0.0
        upper_minus[~suppressed] = 0.0
    lower_plus = np.zeros(prob.n)
    lower_minus = np.zeros(prob.n)
    if up:
        lower_plus[i] = upper_plus[i] = amount
        upper_minus[i] = 0.0
    else:
        lower_minus[i] = upper_minus[i] = amount
        upper_plus[i] = 0.0
    bounds = np.column_stack([np.concatenate([lower_plus, lower_minus]),
                              np.concatenate([upper_plus, upper_minus])])
    if prob.split is None:
        prob.split = hstack([prob.A, -prob.A]).tocsr()
    res = linprog(c, A_eq=prob.split, b_eq=np.zeros(prob.m), bounds=bounds, method="highs")
    if res.status != 0:
        return None
    return res.x[:prob.n] - res.x[prob.n:]


def _support(d: np.ndarray) -> frozenset[int]:
    """The cells a witness changes (round-off below a relative tolerance ignored)."""
    import numpy as np

    scale = TOL * max(1.0, float(np.abs(d).max()))
    return frozenset(int(j) for j in np.flatnonzero(np.abs(d) > scale))


def _short(prob: _Problem, suppressed: np.ndarray) -> list[Direction]:
    """Every primary direction not yet reached, by the audit's LPs: against the outside
    reader (insider -1) and against each insider whose small cell is suppressed."""
    import numpy as np

    from hrk_workbench.disclosure.tables.insiders import Witnesses, targets_for
    from hrk_workbench.disclosure.tables.system import System

    known = {j: float(prob.a[j]) for j in range(prob.n) if not suppressed[j]}
    system = System(prob.n, prob.eqs, known, nonnegative=True)
    targets = {i: (prob.a[i] - low, prob.a[i] + high) for i, (low, high) in prob.need.items()}
    found, _ = system.solve(list(prob.need), enough=targets)
    out: list[Direction] = []
    for i in prob.need:
        out += _missed(prob, i, found[i], targets[i], -1)
    # an insider knows more than the outside reader: a direction the outside reader is not
    # kept from is not tried against insiders (it is protected first)
    outside = {(i, up) for i, up, _ in out}
    hidden = {int(j) for j in np.flatnonzero(suppressed)}
    witnesses = Witnesses(system, prob.a)
    for k, who in enumerate(prob.insiders):
        if not who.relevant(hidden):
            continue
        fixed = [c for c in (*who.fixed, *who.floors) if c in system.group]
        roots = {system.group[c] for c in fixed}
        for i, (lo_end, hi_end) in targets_for(who, prob.need, prob.a).items():
            if system.group.get(i) not in roots:
                continue  # the insider knows nothing of this cell's group
            for up, end in ((True, hi_end), (False, lo_end)):
                if (i, up) not in outside and not witnesses.reaches(who, i, up, end):
                    out.append((i, up, k))
    return out


def _missed(prob: _Problem, i: int, interval: tuple[float, float],
            ends: tuple[float, float], k: int) -> list[Direction]:
    lo, hi = interval
    tol = TOL * max(1.0, abs(prob.a[i]))
    out: list[Direction] = []
    if ends[1] > prob.a[i] + tol and hi < ends[1] - tol:
        out.append((i, True, k))
    if ends[0] < prob.a[i] - tol and lo > ends[0] + tol:
        out.append((i, False, k))
    return out


Witnessed = dict[Direction, frozenset[int]]


def _best_heuristic(prob: _Problem,
                    tick: Callable[[], None] | None) -> tuple[set[int], int]:
    """The heuristic from both orders (tables up to :data:`MULTI_START_CELLS` cells), then
    the best combination of all the witnesses the runs found, cleaned up; the cheapest
    pattern is kept.

    Why the combination: each run picks every primary cell's witness greedily, given the
    cells suppressed before it, so the runs end in different patterns that each waste some
    cells. Every witness stays valid whatever else is suppressed (it moves only cells of its
    own support), so a pattern that suppresses the whole support of one witness per
    direction protects every direction the runs protected. Choosing those witnesses so that
    their supports overlap most is a small set-covering programme that HiGHS solves exactly
    in well under a second; the audit loop then protects anything the combination left short
    and publishes again what no witness needs, and the result replaces the best run's
    pattern only if it is cheaper."""
    secondary, rounds, found, _ = _heuristic(prob, tick=tick)
    best = (_cost(prob, secondary), secondary, rounds)
    if prob.n > MULTI_START_CELLS:
        return secondary, rounds
    other, more, seen, _ = _heuristic(prob, tick=tick, largest_first=False)
    best = min(best, (_cost(prob, other), other, more), key=lambda b: b[0])
    pool: dict[Direction, set[frozenset[int]]] = {}
    for run in (found, seen):
        for key, support in run.items():
            pool.setdefault(key, set()).add(support)
    chosen = _cover(prob, pool)
    if chosen is not None:
        start, witnesses = chosen
        mixed, again, _, complete = _heuristic(prob, tick=tick, start=start,
                                               witnesses=witnesses,
                                               drop_seconds=COVER_DROP_SECONDS)
        if complete:  # (an unfinished pattern is never kept)
            best = min(best, (_cost(prob, mixed), mixed, rounds + more + again),
                       key=lambda b: b[0])
    return best[1], best[2]


def _cost(prob: _Problem, cells: set[int]) -> float:
    return float(prob.cost[list(cells)].sum())


def _cover(prob: _Problem, pool: Mapping[Direction, set[frozenset[int]]],
           seconds: float = 5.0) -> tuple[np.ndarray, Witnessed] | None:
    """The cheapest set of cells holding one whole witness of every direction in ``pool``
    (a set-covering MILP: cell j suppressed y_j, witness w chosen z_w; z_w <= y_j for every
    cell of w, one chosen witness per direction). None if HiGHS finds no solution in time."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    keys = [key for key, supports in pool.items() if supports]
    cells = sorted({j for key in keys for w in pool[key] for j in w} - set(prob.primary))
    if not keys or not cells:
        return None
    col = {j: k for k, j in enumerate(cells)}
    items = [(key, w) for key in keys for w in sorted(pool[key], key=sorted)]
    n_y, n_z = len(cells), len(items)
    rows, cols, data, lower = [], [], [], []
    where = {key: k for k, key in enumerate(keys)}
    for z, (key, _) in enumerate(items):  # one witness per direction
        rows.append(where[key])
        cols.append(n_y + z)
        data.append(1.0)
    r = len(keys)
    lower += [1.0] * len(keys)
    for z, (_, w) in enumerate(items):  # a chosen witness's cells are suppressed
        for j in w:
            if j in col:
                rows += [r, r]
                cols += [col[j], n_y + z]
                data += [1.0, -1.0]
                lower.append(0.0)
                r += 1
    matrix = csr_matrix((data, (rows, cols)), shape=(r, n_y + n_z))
    cost = np.concatenate([prob.cost[cells], np.zeros(n_z)])
    res = milp(cost, integrality=np.concatenate([np.ones(n_y), np.zeros(n_z)]),
               bounds=Bounds(0.0, 1.0),
               constraints=[LinearConstraint(matrix, np.array(lower), np.inf)],
               options={"time_limit": seconds})
    if res.x is None:
        return None
    y = res.x[:n_y] > 0.5
    suppressed = np.zeros(prob.n, dtype=bool)
    suppressed[list(prob.primary)] = True
    suppressed[[j for j, on in zip(cells, y, strict=True) if on]] = True
    witnesses: Witnessed = {}
    for key, w in items:
        if key not in witnesses and all(suppressed[j] for j in w):
            witnesses[key] = w
    return suppressed, witnesses


def _heuristic(prob: _Problem, max_rounds: int = 8, drop_seconds: float = 3.0,
               tick: Callable[[], None] | None = None,
               largest_first: bool = True, start: np.ndarray | None = None,
               witnesses: Witnessed | None = None) -> tuple[set[int], int, Witnessed]:
    """One greedy run: a witness for every primary direction not yet reached, cells no
    witness needs published again, repeated until the audit finds nothing short. ``start``
    and ``witnesses``: a pattern to go on from (the primary cells included) and the witnesses
    known to hold in it. Returns the secondary cells, rounds and the witnesses that hold."""
    import numpy as np

    if start is None:
        suppressed = np.zeros(prob.n, dtype=bool)
        suppressed[list(prob.primary)] = True
    else:
        suppressed = start.copy()
    witnesses = dict(witnesses or {})
    rounds = 0
    todo = _short(prob, suppressed)
    while todo and rounds < max_rounds:
        rounds += 1
        dirs = set(todo)
        # the outside reader first (its witnesses often protect against insiders too), the
        # largest cells first (their changes are the widest and reusable by smaller ones)
        sign = -1.0 if largest_first else 1.0
        order = sorted(dirs, key=lambda t: (t[2] >= 0, sign * prob.a[t[0]], t[0], not t[1],
                                            t[2]))
        for i, up, k in order:
            if (i, up, k) not in dirs:
                continue
            if tick is not None:
                tick()
            who = prob.insiders[k] if k >= 0 else None
            low, high = prob.amounts(i, who)
            amount = high if up else low
            if rounds > 1:  # round-off left it short: ask for a little more
                amount *= 1.0 + 1e-5 * rounds
                if not up:
                    amount = min(amount, float(prob.rooms(who)[0][i]))
            d = _witness(prob, i, up, amount, suppressed, who=who)
            if d is None:
                continue
            support = _support(d)
            suppressed[list(support)] = True
            witnesses[(i, up, k)] = support
            if k < 0 and up and (i, False, k) in dirs and low > 0:
                # the same change reversed and scaled often protects the other side
                back = -d * (low / amount)
                if np.all(prob.a + back >= -TOL * max(1.0, float(np.abs(d).max()))):
                    dirs.discard((i, False, k))
                    witnesses[(i, False, k)] = support
        if rounds < max_rounds:
            _drop_unneeded(prob, suppressed, witnesses, drop_seconds)
        todo = _short(prob, suppressed)
    if start is not None and rounds == 0:  # nothing short: still publish what is unneeded
        _drop_unneeded(prob, suppressed, witnesses, drop_seconds)
        todo = _short(prob, suppressed)  # empty (each drop keeps a witness); checked anyway
    secondary = {int(j) for j in np.flatnonzero(suppressed) if j not in prob.primary}
    return secondary, rounds, witnesses, not todo


def _drop_unneeded(prob: _Problem, suppressed: np.ndarray,
                   witnesses: dict[Direction, frozenset[int]], seconds: float) -> None:
    """Publish again secondary cells that no primary cell needs, dearest first.

    Sound without a full audit per try: every primary direction (against the outside reader
    and against each insider) is protected either by the primary cells alone (found before
    any secondary was added, and primary cells stay suppressed) or by a stored witness.
    Publishing cell j only breaks the witnesses that use j; each of those is searched again
    among the remaining suppressed cells, and j stays suppressed if one cannot be found.
    Tries stop after ``seconds``.
    """
    import numpy as np

    start = time.perf_counter()
    candidates = [int(j) for j in np.flatnonzero(suppressed) if j not in prob.primary]
    candidates.sort(key=lambda j: (-prob.cost[j], j))
    for j in candidates:
        if time.perf_counter() - start > seconds:
            break
        affected = [key for key, sup in witnesses.items() if j in sup]
        suppressed[j] = False
        replaced: dict[Direction, frozenset[int]] = {}
        for i, up, k in affected:
            who = prob.insiders[k] if k >= 0 else None
            low, high = prob.amounts(i, who)
            d = _witness(prob, i, up, high if up else low, suppressed, only_suppressed=True,
                         who=who)
            if d is None:
                break
            support = _support(d)
            if j in support:
                break
            replaced[(i, up, k)] = support
        else:
            witnesses.update(replaced)
            continue
        suppressed[j] = True
