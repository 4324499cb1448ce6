"""A protected table: the primary cells found, the secondary ones chosen and the audit of
what is published, in one result (:class:`ProtectedTable`) that the GUI shows, the files are
written from and the assessment stores (``to_dict``).

It sits above the table (:mod:`~.cells`), its rules (:mod:`~.primary`), the suppression
(:mod:`~.secondary`) and the audit (:mod:`~.audit`), which it runs in order.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrk_workbench.disclosure.tables.audit import audit_table
from hrk_workbench.disclosure.tables.cells import Table
from hrk_workbench.disclosure.tables.primary import Protection, Rules, find_primary
from hrk_workbench.disclosure.tables.secondary import suppress
from hrk_workbench.disclosure.tables.system import AuditResult
from hrk_workbench.foundations.csvfile import neutralise
from hrk_workbench.foundations.problems import Problem

# --- the protected table ----------------------------------------------------------------------

STATUSES = ("published", "primary", "secondary")


@dataclass
class ProtectedTable:
    """A table with its primary and secondary suppressions and the independent audit.

    This is what the GUI's Table lab shows and exports, and ``to_dict()`` is the summary the
    assessment stores and the memo reports: which rules, how many cells lost, and whether the
    audit proved that no primary cell can be recomputed.
    """

    table: Table
    rules: Rules
    primary: dict[int, Protection]
    secondary: set[int]
    audit: AuditResult
    method: str
    cost: str
    seconds: float
    warnings: list[Problem] = field(default_factory=list)

    def status(self, i: int) -> str:
        if i in self.primary:
            return "primary"
        return "secondary" if i in self.secondary else "published"

    @property
    def suppressed(self) -> set[int]:
        return set(self.primary) | self.secondary

    def to_dict(self) -> dict[str, Any]:
        t = self.table
        total = sum(t.values[i] for i in range(len(t)) if not t.is_margin(i))
        lost = sum(t.values[i] for i in self.suppressed if not t.is_margin(i))
        by_rule: dict[str, int] = {}
        for p in self.primary.values():
            for r in p.rules:
                by_rule[r] = by_rule.get(r, 0) + 1
        return {
            "dimensions": list(t.dimensions),
            "hierarchy_depths": [h.depth() for h in t.hierarchies],
            "value": t.value_name,
            "kind": "magnitude" if t.magnitude else "frequency",
            "rules": self.rules.to_dict(),
            "cells": len(t),
            "primary": len(self.primary),
            "primary_by_rule": dict(sorted(by_rule.items())),
            "secondary": len(self.secondary),
            "suppressed_share": round(len(self.suppressed) / len(t), 4) if len(t) else 0.0,
            "suppressed_value_share": round(lost / total, 4) if total else 0.0,
            "suppressed_value": round(lost, 6),  # the finest cells' total hidden
            "method": self.method,
            "cost": self.cost,
            "audit_ok": self.audit.ok,
            "audit_failures": len(self.audit.failures),
            "seconds": round(self.seconds, 3),
        }

    def rows(self, symbol: str = "") -> list[dict[str, Any]]:
        """The public table, one dict per cell: the dimension codes (margins ``Total``,
        hierarchy nodes by their codes) and ``value``, a plain number or ``symbol`` for every
        suppressed cell alike.

        Why nothing else: a column saying which cells are primary, or by which rule, tells a
        reader that a cell is small or dominated, and so narrows its interval (a primary
        frequency cell at threshold 3 is 1 or 2); the working status goes to
        :meth:`status_rows` and its own file instead.
        """
        t = self.table
        suppressed = self.suppressed
        out = []
        for i, key in enumerate(t.keys):
            row: dict[str, Any] = dict(zip(t.dimensions, key, strict=True))
            row["value"] = symbol if i in suppressed else plain_number(t.values[i])
            out.append(row)
        return out

    def status_rows(self) -> list[dict[str, Any]]:
        """The working status, one dict per cell, for the steward and ``audit --status``:
        the codes, ``status`` (published / primary / secondary), the rules that flagged a
        primary cell and the interval width its protection needs (on the published scale).
        Never published: it says which cells are small or dominated."""
        t = self.table
        out = []
        for i, key in enumerate(t.keys):
            row: dict[str, Any] = dict(zip(t.dimensions, key, strict=True))
            row["status"] = self.status(i)
            p = self.primary.get(i)
            row["rule"] = " ".join(p.rules) if p is not None else ""
            row["required_width"] = plain_number(sum(p.sufficient())) if p is not None else ""
            out.append(row)
        return out

    def csv_text(self, symbol: str = "") -> str:
        """The public table as UTF-8 CSV by the workbench's one CSV writer: comma-separated
        with a header, codes that a spreadsheet would run as a formula (= + - @ tab CR)
        neutralised with a leading apostrophe, line breaks in a code quoted."""
        return self._csv([*self.table.dimensions, "value"], self.rows(symbol))

    def status_csv_text(self) -> str:
        """The working status (:meth:`status_rows`) as CSV."""
        return self._csv([*self.table.dimensions, *STATUS_COLUMNS], self.status_rows())

    @staticmethod
    def _csv(fields: list[str], rows: list[dict[str, Any]]) -> str:
        from hrk_workbench.foundations.csvfile import csv_text

        return csv_text(fields, ([row[f] for f in fields] for row in rows))

    def write_csv(self, path: str | os.PathLike[str], symbol: str = "") -> None:
        from hrk_workbench.foundations.atomic import atomic_write_text

        atomic_write_text(path, self.csv_text(symbol))

    def write_status(self, path: str | os.PathLike[str]) -> None:
        """The working status file: a workbook by an .xlsx/.xlsm name, else CSV."""
        from hrk_workbench.foundations.atomic import atomic_write_text

        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            self._write_xlsx(path, [*self.table.dimensions, *STATUS_COLUMNS],
                             self.status_rows())
        else:
            atomic_write_text(path, self.status_csv_text())

    def write_xlsx(self, path: str | os.PathLike[str], symbol: str = "..") -> None:
        """A workbook for people: suppressed cells show ``symbol`` (``..`` by convention)."""
        self._write_xlsx(path, [*self.table.dimensions, "value"], self.rows(symbol))

    @staticmethod
    def _write_xlsx(path: str | os.PathLike[str], fields: list[str],
                    rows: list[dict[str, Any]]) -> None:
        from openpyxl import Workbook

        from hrk_workbench.foundations.atomic import atomic_write_bytes

        wb = Workbook()
        ws = wb.active
        ws.append(fields)
        for row in rows:
            ws.append([_xlsx_cell(row[f], f in NUMBER_COLUMNS) for f in fields])
        buf = io.BytesIO()
        wb.save(buf)
        atomic_write_bytes(path, buf.getvalue())


STATUS_COLUMNS = ("status", "rule", "required_width")
NUMBER_COLUMNS = frozenset({"value", "required_width"})


def _xlsx_cell(value: Any, number_column: bool) -> Any:
    """In a number column a plain number's text becomes a number in the workbook; codes
    (``01`` stays ``01``) and other text are neutralised as the CSV writer does."""
    from hrk_workbench.foundations.csvfile import PLAIN_NUMBER

    if number_column and isinstance(value, str) and PLAIN_NUMBER.match(value) \
            and "," not in value:
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    return neutralise(value) if isinstance(value, str) else value


def plain_number(value: float) -> str:
    """A value as a plain number, unrounded: no exponent, no grouping, ``-`` for negatives.

    Why not ``str``: Python writes 1e16 and 1e-7 with an exponent, which a reader (and
    ``audit``) would not take for a number; the shortest text that reads back as the same
    float is written out in full instead (``1234567890.12``, ``10000000000000000``).
    """
    import numpy as np

    number = float(value)
    if number.is_integer():
        return str(int(number))
    return np.format_float_positional(number, unique=True, trim="-")


def protect_table(table: Table, rules: Rules, cost: str = "cells", method: str = "auto",
                  time_limit: float = 20.0,
                  tick: Callable[[str], None] | None = None) -> ProtectedTable:
    """Primary rules, secondary suppression and the independent audit, in one call.

    ``cost`` is ``cells`` (fewest suppressed cells) or ``value`` (least suppressed total);
    ``method`` is ``exact`` (MILP), ``heuristic`` or ``auto`` (exact for small tables).
    ``time_limit`` bounds the exact search: an exact search that reaches it is replaced by
    the heuristic (never unsafe, possibly more cells) with a warning in ``warnings``, since a
    protected table late is better than none. ``tick(stage)`` is called as the work goes on
    (``primary``, ``secondary`` between solver steps, ``audit``); it may raise to cancel.
    """

    def step(stage: str) -> Callable[[], None] | None:
        return None if tick is None else (lambda: tick(stage))

    start = time.perf_counter()
    if tick is not None:
        tick("primary")
    primary = find_primary(table, rules)
    work, scale = exact_units(table)
    needs = {i: _scaled(p, scale) for i, p in primary.items()}
    warnings: list[Problem] = []
    try:
        result = suppress(work, needs, cost=cost, method=method, time_limit=time_limit,
                          tick=step("secondary"))
    except TimeoutError:  # only an exact search asked for by name ends so
        result = suppress(work, needs, cost=cost, method="heuristic",
                          tick=step("secondary"))
        result.method = "heuristic_after_timeout"
    if result.method == "heuristic_after_timeout":
        warnings.append(Problem("--time-limit", "the exact search ran out of time; the "
                                "heuristic protected the table", severity="warning",
                                code="table_exact_timeout", params={"seconds": time_limit}))
    if tick is not None:
        tick("audit")
    audit = _unscaled(audit_table(work, set(primary) | result.secondary, needs), scale)
    return ProtectedTable(table, rules, primary, result.secondary, audit, result.method, cost,
                          time.perf_counter() - start, warnings)


MAX_DECIMALS = 6
EXACT_LIMIT = 2.0 ** 53  # integers up to this add up exactly in floating point
LP_MAGNITUDE = 1e8  # HiGHS solves these tables reliably up to about 1e10


def exact_units(table: Table) -> tuple[Table, float]:
    """The table in whole units of its finest decimal (cents for euros with cents), margins
    added up exactly, and that unit's scale (100 for cents; 1: the table as it is).

    Why: 0.1 + 0.2 is not 0.3 in floating point, and at 10^9 euros a margin is off its
    cells by a few millionths of a cent; the attacker's and the suppression's linear
    programmes read that as contradicting equations (or an exactly known cell) and the audit
    would call safe cells recomputable. In whole cents every sum is exact. The published
    values become the cents divided back (so margins add up as printed); a table whose
    values have more than :data:`MAX_DECIMALS` decimals, or whose total in those units is
    too large to add up exactly, is used as it is.
    """
    import numpy as np

    leaves = [i for i in range(len(table)) if not table.is_margin(i)]
    raw = np.array([table.values[i] for i in leaves], dtype=float)
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10.0 ** decimals
        scaled = raw * scale
        whole = np.round(scaled)
        tol = np.maximum(0.01, 1e-13 * np.abs(scaled))
        if np.all(np.abs(scaled - whole) <= tol):
            break
    else:
        decimals = -1  # finer than MAX_DECIMALS: the values as they are
    exact, scale = list(table.values), 1.0
    if decimals >= 0 and float(np.abs(whole).sum()) < EXACT_LIMIT:
        sums = _sums_from_leaves(table, dict(zip(leaves, whole.tolist(), strict=True)))
        if decimals or sums != exact:
            exact, scale = sums, 10.0 ** decimals
            table.values = [v / scale for v in exact]  # as published: margins add up
    # then a power of two (exact in floating point) brings the largest cell near
    # LP_MAGNITUDE: the solvers' tolerances are absolute, and 10^13 cents is beyond them
    top = max((abs(v) for v in exact), default=0.0)
    if top > LP_MAGNITUDE:
        binary = 2.0 ** -math.ceil(math.log2(top / LP_MAGNITUDE))
        exact = [v * binary for v in exact]
        scale *= binary
    if scale == 1.0:
        return table, 1.0
    work = Table(table.dimensions, table.hierarchies, table.keys, exact, table.counts,
                 [tuple(t * scale for t in tops) for tops in table.tops], table.value_name,
                 table.problems,
                 None if table.basis is None else [b * scale for b in table.basis])
    return work, scale


def _sums_from_leaves(table: Table, leaf: Mapping[int, float]) -> list[float]:
    """Every cell's value as the exact sum of its finest cells (whole numbers)."""
    parents = [h.parent_of() for h in table.hierarchies]

    def chain(d: int, code: str) -> list[str]:
        out = [code]
        while out[-1] in parents[d]:
            out.append(parents[d][out[-1]])
        return out

    sums = [0.0] * len(table)
    for i, amount in leaf.items():
        for key in itertools.product(*(chain(d, c) for d, c in enumerate(table.keys[i]))):
            sums[table.index(key)] += amount
    return sums


def _scaled(p: Protection, scale: float) -> Protection:
    """A protection in the whole units of :func:`exact_units`."""
    from hrk_workbench.disclosure.tables.primary import Protection

    if scale == 1.0:
        return p
    return Protection(p.rules, p.value * scale, p.lower * scale, p.upper * scale,
                      p.width * scale, p.details)


def _unscaled(audit: AuditResult, scale: float) -> AuditResult:
    """The audit's intervals back in the published units."""
    if scale == 1.0:
        return audit
    audit.intervals = {i: (lo / scale, hi / scale) for i, (lo, hi) in audit.intervals.items()}
    seen: set[int] = set()  # an insider's failure may be listed twice: scale it once
    for failure in [*audit.failures, *getattr(audit, "insider_failures", [])]:
        if id(failure) not in seen and "interval" in failure:
            seen.add(id(failure))
            failure["interval"] = [x / scale for x in failure["interval"]]
    return audit
