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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from hrk_workbench.disclosure.tables.system import (
    AuditResult,
    Requirement,
    System,
    check,
    equations_from_codes,
)

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.cells import Table
    from hrk_workbench.disclosure.tables.insiders import Insider
    from hrk_workbench.disclosure.tables.primary import Protection



def audit_cells(keys: Sequence[tuple[str, ...]], children: Sequence[Mapping[str, Sequence[str]]],
                values: Sequence[float | None], requirements: Mapping[int, Requirement],
                nonnegative: bool = True, insiders: Sequence[Insider] = ()) -> AuditResult:
    """Audit a published table: ``values[i]`` None means suppressed; ``requirements`` names
    the cells that must be protected (usually the primary ones) and how. ``insiders``: also
    judge every required cell against what each insider knows (``insider_failures``)."""
    all_keys, eqs = equations_from_codes(keys, children)
    return audit_equations(keys, len(all_keys), eqs, values, requirements, nonnegative, insiders)


def audit_equations(keys: Sequence[Sequence[str]], n_cells: int,
                    eqs: Sequence[Sequence[tuple[int, float]]], values: Sequence[float | None],
                    requirements: Mapping[int, Requirement], nonnegative: bool = True,
                    insiders: Sequence[Insider] = (),
                    truth: Sequence[float] | None = None) -> AuditResult:
    """The audit on given equations (``n_cells`` cells, the first ``len(values)`` of them
    listed; the rest are unknown), so that linked tables audit as one system. ``truth``:
    every cell's true value, when known (it lets the insider audit share witnesses)."""
    from hrk_workbench.disclosure.tables.insiders import insider_failures

    known = {i: float(v) for i, v in enumerate(values) if v is not None}
    system = System(n_cells, eqs, known, nonnegative)
    found, lps = system.solve([i for i, v in enumerate(values) if v is None])
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
    if insiders:
        hidden = {i for i, v in enumerate(values) if v is None}
        failed = {f["cell"] for f in result.failures}  # already too narrow for anybody
        more, lps = insider_failures(system, insiders,
                                     {i: r for i, r in requirements.items() if i not in failed},
                                     hidden, keys, truth)
        result.insider_failures = more
        result.failures += more
        result.lp_count += lps
    return result


def audit_table(table: Table, suppressed: set[int],
                primary: Mapping[int, Protection],
                insiders: Sequence[Insider] | None = None) -> AuditResult:
    """Audit the workbench's own table: the true values are known, so every part of each
    primary cell's protection (both ends and the width) is checked, against the outside
    reader and against every insider (by default those the table's own contributions show:
    :func:`insiders.insiders_from_table`)."""
    from hrk_workbench.disclosure.tables.insiders import insiders_from_table

    values = [None if i in suppressed else v for i, v in enumerate(table.values)]
    reqs = {i: Requirement(p.value, p.lower, p.upper, p.width) for i, p in primary.items()}
    nonneg = all(v >= 0 for v in table.values)
    if insiders is None:
        insiders = insiders_from_table(table)
    all_keys, eqs = equations_from_codes(table.keys, [h.children for h in table.hierarchies])
    return audit_equations(table.keys, len(all_keys), eqs, values, reqs, nonneg, insiders,
                           truth=table.values if len(all_keys) == len(table) else None)
