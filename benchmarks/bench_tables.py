"""Time the table lab on generated tables and print figures.

Why generated: the acceptance figures are about size, not content. A 2-D table of 100 x 50
cells plus margins with about 5 % primary cells must be protected and audited in under 10 s;
a 3-D table with three-level hierarchies of about 5,000 cells in under 60 s.

Run: ``.venv/bin/python benchmarks/bench_tables.py [2d] [3d] [3dm] [420]`` (``3dm``: a 3-D
magnitude table from firm microdata, protected and audited against insiders too; ``420``:
420-cell hierarchical tables (21 x 20 codes), the heuristic against the exact method: it fails
unless the heuristic's secondary cells are within 10 % of the exact optimum and both audits
are clean). ``420`` takes minutes: the exact method is the slow part.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hrk_workbench.disclosure.tables.cells import Hierarchy, table_from_aggregate
from hrk_workbench.disclosure.tables.primary import Rules
from hrk_workbench.disclosure.tables.protect import protect_table


def two_d(rows: int = 100, cols: int = 50, share: float = 0.05, seed: int = 1):
    """Counts mostly 3..60, with ``share`` of the inner cells set to 1 or 2."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    counts = rng.integers(3, 60, size=(rows, cols))
    small = rng.random((rows, cols)) < share
    counts[small] = rng.integers(1, 3, size=int(small.sum()))
    frame = pd.DataFrame([{"r": f"r{i:03d}", "c": f"c{j:02d}", "n": int(counts[i, j])}
                          for i in range(rows) for j in range(cols)])
    return table_from_aggregate(frame, ["r", "c"], count="n")


def tree(name: str, branching: tuple[int, ...]) -> Hierarchy:
    """A hierarchy with ``len(branching)`` levels below Total."""
    children: dict[str, list[str]] = {}
    level = ["Total"]
    for depth, b in enumerate(branching):
        nxt = []
        for parent in level:
            kids = [f"{name}{'' if parent == 'Total' else parent[len(name):]}{k}"
                    for k in range(1, b + 1)]
            if depth == 0:
                kids = [f"{name}{k}" for k in range(1, b + 1)]
            children[parent] = kids
            nxt += kids
        level = nxt
    return Hierarchy(name, children)


def three_d(seed: int = 2, share: float = 0.05):
    """Three dimensions with three-level hierarchies: 2x2x2 leaves each -> 15 codes each,
    15 x 15 x ~22 = about 5,000 cells."""
    import numpy as np
    import pandas as pd

    ha, hb = tree("a", (2, 2, 2)), tree("b", (2, 2, 2))
    hc = tree("c", (3, 2, 2))
    rng = np.random.default_rng(seed)
    rows = []
    for x in ha.leaves():
        for y in hb.leaves():
            for z in hc.leaves():
                n = int(rng.integers(1, 3)) if rng.random() < share else int(rng.integers(3, 40))
                rows.append({"a": x, "b": y, "c": z, "n": n})
    frame = pd.DataFrame(rows)
    return table_from_aggregate(frame, ["a", "b", "c"], count="n",
                                hierarchies={"a": ha, "b": hb, "c": hc})


def three_d_magnitude(seed: int = 4, units: int = 6000):
    """Microdata of ``units`` firms over the 3-D hierarchies of :func:`three_d`, summing a
    skewed turnover, with holdings: a magnitude table with cells of one or two firms
    (insiders)."""
    import numpy as np
    import pandas as pd

    from hrk_workbench.disclosure.tables.cells import table_from_microdata

    ha, hb = tree("a", (2, 2, 2)), tree("b", (2, 2, 2))
    hc = tree("c", (3, 2, 2))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.choice(ha.leaves(), units), "b": rng.choice(hb.leaves(), units),
                          "c": rng.choice(hc.leaves(), units),
                          "v": np.round(rng.lognormal(4, 1.2, units), 1)})
    # a fifth of the firms belong to 300 enterprise groups (holdings), the rest to none
    grouped = rng.random(units) < 0.2
    frame["h"] = np.where(grouped, [f"g{g}" for g in rng.integers(0, 300, units)], "")
    return table_from_microdata(frame, ["a", "b", "c"], value="v",
                                hierarchies={"a": ha, "b": hb, "c": hc}, holding="h")


ROWS_420 = {"Total": [f"r{a}" for a in range(1, 5)],
            **{f"r{a}": [f"r{a}{b}" for b in range(1, 5)] for a in range(1, 5)}}
COLS_420 = {"Total": [f"c{a}" for a in range(1, 5)], "c1": ["c11", "c12", "c13"],
            **{f"c{a}": [f"c{a}{b}" for b in range(1, 5)] for a in range(2, 5)}}


def table_420(seed: int, magnitude: bool = True):
    """21 x 20 codes (two-level hierarchies): about 12 % of the finest cells have one or
    two units; a magnitude table gets a skewed sum with its two largest contributions (so
    dominance, p% and insiders apply), a frequency table only the counts."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    cells = []
    for r in (k for a in range(1, 5) for k in ROWS_420[f"r{a}"]):
        for c in (k for a in range(1, 5) for k in COLS_420[f"c{a}"]):
            n = int(rng.integers(1, 3)) if rng.random() < 0.12 else int(rng.integers(3, 40))
            row = {"r": r, "c": c, "n": n}
            if magnitude:
                v = np.sort(np.round(rng.lognormal(4, 1.2, n), 1))[::-1]
                row.update(v=float(v.sum()), t1=float(v[0]), t2=float(v[1]) if n > 1 else 0.0)
            cells.append(row)
    hierarchies = {"r": Hierarchy("r", ROWS_420), "c": Hierarchy("c", COLS_420)}
    if magnitude:
        return table_from_aggregate(pd.DataFrame(cells), ["r", "c"], value="v", count="n",
                                    top=["t1", "t2"], hierarchies=hierarchies)
    return table_from_aggregate(pd.DataFrame(cells), ["r", "c"], count="n",
                                hierarchies=hierarchies)


def heuristic_vs_exact(name: str, table, ratio_limit: float = 1.10) -> bool:
    """Both methods on one table: counts, suppressed totals, seconds, the ratio and the
    independent audit of each pattern (outside reader and insiders)."""
    found = {}
    for method in ("heuristic", "exact"):
        start = time.perf_counter()
        result = protect_table(table, Rules(), cost="cells", method=method, time_limit=600)
        seconds = time.perf_counter() - start
        lost = sum(table.values[i] for i in result.secondary)
        found[method] = (len(result.secondary), lost, seconds, result.audit.ok, result.method)
    (h, hv, hs, hok, _), (e, ev, es, eok, how) = found["heuristic"], found["exact"]
    ratio = h / e if e else (1.0 if h == 0 else float("inf"))
    ok = hok and eok and how == "exact" and ratio <= ratio_limit
    print(f"{name}: {len(table)} cells, heuristic {h} secondary (value {hv:.1f}, {hs:.2f} s, "
          f"audit_ok {hok}), exact {e} (value {ev:.1f}, {es:.2f} s, audit_ok {eok}, {how}), "
          f"ratio {ratio:.3f} (limit {ratio_limit:.2f}) {'OK' if ok else 'FAILED'}",
          flush=True)
    return ok


def run(name: str, table, limit: float) -> bool:
    from hrk_workbench.disclosure.tables.insiders import insiders_from_table

    start = time.perf_counter()
    result = protect_table(table, Rules(min_frequency=3), cost="cells")
    seconds = time.perf_counter() - start
    s = result.to_dict()
    ok = seconds < limit and s["audit_ok"]
    lost = sum(table.values[i] for i in result.suppressed if not table.is_margin(i))
    print(f"{name}: {s['cells']} cells, {s['primary']} primary, {s['secondary']} secondary "
          f"(suppressed value {lost:.1f}), insiders {len(insiders_from_table(table))}, "
          f"method {s['method']}, audit_ok {s['audit_ok']} ({result.audit.lp_count} LPs), "
          f"{seconds:.2f} s (limit {limit:.0f} s) {'OK' if ok else 'TOO SLOW/FAILED'}")
    return ok


def main() -> int:
    which = set(sys.argv[1:]) or {"2d", "3d", "3dm", "420"}
    ok = True
    if "2d" in which:
        ok &= run("2-D 100x50 + margins", two_d(), 10.0)
    if "3d" in which:
        ok &= run("3-D 3-level hierarchies", three_d(), 60.0)
    if "3dm" in which:
        ok &= run("3-D magnitude, insider-safe", three_d_magnitude(), 60.0)
    if "420" in which:
        for seed in (3, 8, 9):
            ok &= heuristic_vs_exact(f"420-cell magnitude (seed {seed})", table_420(seed))
        ok &= heuristic_vs_exact("420-cell frequency (seed 4)", table_420(4, magnitude=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
