"""Time the table lab on generated tables and print figures.

Why generated: the acceptance figures are about size, not content. A 2-D table of 100 x 50
cells plus margins with about 5 % primary cells must be protected and audited in under 10 s;
a 3-D table with three-level hierarchies of about 5,000 cells in under 60 s.

Run: ``.venv/bin/python benchmarks/bench_tables.py [2d] [3d] [3dm]`` (``3dm``: a 3-D magnitude
table from firm microdata, protected and audited against insiders too).
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
    which = set(sys.argv[1:]) or {"2d", "3d", "3dm"}
    ok = True
    if "2d" in which:
        ok &= run("2-D 100x50 + margins", two_d(), 10.0)
    if "3d" in which:
        ok &= run("3-D 3-level hierarchies", three_d(), 60.0)
    if "3dm" in which:
        ok &= run("3-D magnitude, insider-safe", three_d_magnitude(), 60.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
