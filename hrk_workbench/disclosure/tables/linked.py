"""Linked tables: several tables from one data set protected together as one problem.

Why together: industry x region and industry x size class share the industry margin. Protected
one by one, each table is safe on its own, but a reader who puts the two side by side has the
equations of both, and a cell hidden in one may be recomputed through the other. So the cells
of all the tables are one set (a cell is identified by its dimension codes, margins left out:
``industry=C`` of both tables is one cell), their equations one system, and the secondary
suppression and the audit work on that system; each table is then written to its own file.

The tables are listed in a YAML spec file (``tables --spec``)::

    tables:
      - {rows: industry, cols: region, value: turnover, output: by_region.csv,
         hierarchy: {industry: industry.hrc}}
      - {rows: industry, cols: size, value: turnover, output: by_size.csv}

``cols``, ``layer``, ``value`` and ``hierarchy`` are optional; paths are absolute or relative to
the spec file. A mistake names the spec file and the entry (``tables[1].rows``).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.tables.cells import Hierarchy, Table
    from hrk_workbench.disclosure.tables.insiders import Insider
    from hrk_workbench.disclosure.tables.primary import Protection, Rules
    from hrk_workbench.disclosure.tables.protect import ProtectedTable

KEYS = ("rows", "cols", "layer", "value", "hierarchy", "output")
MAX_TABLES = 20


@dataclass(frozen=True)
class TableSpec:
    """One table of a spec file, paths resolved against the spec file's folder."""

    rows: str
    cols: str | None = None
    layer: str | None = None
    value: str | None = None
    hierarchy: dict[str, Path] = field(default_factory=dict)
    output: Path = Path()

    @property
    def dimensions(self) -> list[str]:
        return [d for d in (self.rows, self.cols, self.layer) if d]


def _missing(entry: str, expected: str) -> Problem:
    return Problem(entry, f"{entry} is missing", expected, code="table_spec_missing",
                   params={"entry": entry, "expected": expected})


def _bad(entry: str, value: Any, expected: str) -> Problem:
    return Problem(entry, f"{entry}: {value!r} is not valid", expected, code="table_spec_bad",
                   params={"entry": entry, "value": str(value), "expected": expected})


def read_spec(path: str | Path, columns: Iterable[str] | None = None) -> list[TableSpec]:
    """The tables of a spec file; every mistake at once, each naming its entry.

    ``columns``: the data's columns, to check the dimensions and values named exist."""
    import yaml

    from hrk_workbench.foundations.jsonfile import MAX_HIERARCHY_BYTES, read_bounded

    p = Path(path)
    try:
        raw = read_bounded(p, MAX_HIERARCHY_BYTES)
    except FileNotFoundError:
        raise InputError(str(p), [Problem("$", "file not found", "a spec file",
                                          code="file_not_found")]) from None
    try:
        doc = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "$"
        raise InputError(str(p), [_bad(where, "YAML", "a YAML file with a list tables:")]) \
            from None
    items = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(str(p), [_missing("tables", "a list of tables, each with rows and "
                                                     "output")])
    if len(items) > MAX_TABLES:
        raise InputError(str(p), [_bad("tables", f"{len(items)} tables",
                                       f"at most {MAX_TABLES}")])
    known = set(columns) if columns is not None else None
    problems: list[Problem] = []
    specs: list[TableSpec] = []
    outputs: dict[Path, str] = {}
    for n, item in enumerate(items):
        entry = f"tables[{n}]"
        if not isinstance(item, dict):
            problems.append(_bad(entry, item, "rows, cols, layer, value, hierarchy, output"))
            continue
        for key in item:
            if key not in KEYS:
                problems.append(_bad(f"{entry}.{key}", key, ", ".join(KEYS)))
        text: dict[str, str | None] = {}
        for key in ("rows", "cols", "layer", "value", "output"):
            value = item.get(key)
            if value is not None and (not isinstance(value, (str, int)) or not str(value).strip()):
                problems.append(_bad(f"{entry}.{key}", value, "a column name" if key != "output"
                                     else "a file name"))
                value = None
            text[key] = str(value).strip() if value is not None else None
        if not text["rows"]:
            problems.append(_missing(f"{entry}.rows", "a column of the data"))
        if not text["output"]:
            problems.append(_missing(f"{entry}.output", "a file name for the protected table"))
        dims = [d for d in (text["rows"], text["cols"], text["layer"]) if d]
        if len(set(dims)) != len(dims):
            problems.append(_bad(f"{entry}.cols", ", ".join(dims), "different columns"))
        for key in ("rows", "cols", "layer", "value"):
            if known is not None and text[key] and text[key] not in known:
                problems.append(Problem(f"{entry}.{key}", f"column {text[key]} is not in the "
                                        "data", code="table_spec_column",
                                        params={"entry": f"{entry}.{key}", "column": text[key],
                                                "columns": ", ".join(sorted(known))}))
        hierarchy: dict[str, Path] = {}
        given = item.get("hierarchy") or {}
        if not isinstance(given, dict):
            problems.append(_bad(f"{entry}.hierarchy", given, "dimension: file"))
            given = {}
        for dim, file in given.items():
            where = f"{entry}.hierarchy.{dim}"
            if str(dim) not in dims:
                problems.append(_bad(where, dim, ", ".join(dims) or "a dimension of the table"))
            elif not isinstance(file, str) or not file.strip():
                problems.append(_bad(where, file, "a hierarchy file"))
            else:
                hierarchy[str(dim)] = _resolve(p, file)
        output = _resolve(p, text["output"]) if text["output"] else Path()
        if text["output"]:
            if output in outputs:
                problems.append(_bad(f"{entry}.output", text["output"],
                                     f"a file other than {outputs[output]}.output's"))
            outputs[output] = entry
        if text["rows"]:
            specs.append(TableSpec(text["rows"], text["cols"], text["layer"], text["value"],
                                   hierarchy, output))
    if problems:
        raise InputError(str(p), problems)
    return specs


def _resolve(spec: Path, name: str) -> Path:
    path = Path(name.strip()).expanduser()
    return path if path.is_absolute() else spec.parent / path


# --- one problem over all the tables ----------------------------------------------------------

def cell_identity(table: Table, i: int) -> tuple[Any, ...]:
    """What a cell is, whatever table it is in: the value summed and the codes that are not
    the margin (``Total``), by dimension name."""
    from hrk_workbench.disclosure.tables.cells import TOTAL

    codes = tuple(sorted((d, c) for d, c in zip(table.dimensions, table.keys[i], strict=True)
                         if c != TOTAL))
    return (table.value_name, codes)


@dataclass
class LinkedTable:
    """The cells of several tables as one table for the primary rules and the suppression:
    shared cells once, every table's equations."""

    tables: list[Table]
    cells: list[tuple[Any, ...]]
    where: list[list[int]]  # where[t][i]: the linked cell of cell i of table t
    values: list[float]
    counts: list[int | None]
    tops: list[tuple[float, ...]]
    basis: list[float] | None
    magnitude: bool
    eqs: list[tuple[int, list[int]]]

    def __len__(self) -> int:
        return len(self.cells)

    def equations(self) -> list[tuple[int, list[int]]]:
        return self.eqs


def link(tables: Sequence[Table]) -> LinkedTable:
    """One set of cells for ``tables`` (a cell in two tables is one cell)."""
    index: dict[tuple[Any, ...], int] = {}
    where: list[list[int]] = []
    values: list[float] = []
    counts: list[int | None] = []
    tops: list[tuple[float, ...]] = []
    basis: list[float] = []
    for t in tables:
        row = []
        for i in range(len(t)):
            ident = cell_identity(t, i)
            if ident not in index:
                index[ident] = len(values)
                values.append(t.values[i])
                counts.append(t.counts[i])
                tops.append(t.tops[i])
                basis.append(t.basis[i] if t.basis is not None else t.values[i])
            row.append(index[ident])
        where.append(row)
    seen: set[tuple[int, tuple[int, ...]]] = set()
    eqs: list[tuple[int, list[int]]] = []
    for t, row in zip(tables, where, strict=True):
        for parent, kids in t.equations():
            eq = (row[parent], tuple(sorted(row[k] for k in kids)))
            if eq not in seen:
                seen.add(eq)
                eqs.append((eq[0], list(eq[1])))
    any_basis = any(t.basis is not None for t in tables)
    return LinkedTable(list(tables), list(index), where, values, counts, tops,
                       basis if any_basis else None, any(t.magnitude for t in tables), eqs)


def linked_insiders(frame: pd.DataFrame, specs: Sequence[TableSpec], linked: LinkedTable,
                    holding: str | None = None) -> list[Insider]:
    """Every respondent of a small cell in any of the tables, with what it knows of all of
    them (a unit is in one finest cell of each table, and in all their margins)."""
    from hrk_workbench.disclosure.tables.cells import to_numbers
    from hrk_workbench.disclosure.tables.insiders import SMALL, ancestors, insiders_from_units

    if not linked.magnitude:
        return []
    units: dict[Hashable, list[tuple[int, float]]] = {}
    for spec, table, row in zip(specs, linked.tables, linked.where, strict=True):
        if not table.magnitude or spec.value is None:
            continue
        small = {table.keys[i] for i in range(len(table))
                 if not table.is_margin(i) and table.counts[i] is not None
                 and table.counts[i] <= SMALL}
        if not small:
            continue
        codes = frame[spec.dimensions].astype(str).apply(lambda c: c.str.strip())
        amounts = to_numbers(frame[spec.value], spec.value).fillna(0.0)
        owners = frame[holding].astype(str) if holding else None
        for pos, key in zip(frame.index, codes.itertuples(index=False, name=None), strict=True):
            unit = owners[pos] if owners is not None and owners[pos] not in ("", "nan") else pos
            units.setdefault(unit, [])
            if key not in small:
                continue
            for cell in ancestors(table.hierarchies, key):
                units[unit].append((row[table.index(cell)], float(amounts[pos])))
    merged: dict[Hashable, list[tuple[int, float]]] = {}
    for unit, cells in units.items():
        if not cells:
            continue
        total: dict[int, float] = {}
        for c, v in cells:
            total[c] = max(total.get(c, 0.0), v) if holding is None else total.get(c, 0.0) + v
        merged[unit] = list(total.items())
    names = {u: f"row {u + 2}" if isinstance(u, int) else str(u) for u in merged}
    return insiders_from_units(merged, linked.counts, linked.values, names)


def protect_linked(tables: Sequence[Table], rules: Rules, cost: str = "cells",
                   method: str = "auto", time_limit: float = 20.0,
                   insiders: Sequence[Insider] | None = None) -> list[ProtectedTable]:
    """Protect ``tables`` as one problem; one :class:`ProtectedTable` per table, each with
    the audit of the whole system (a failure anywhere fails them all: the tables are
    published together)."""
    from hrk_workbench.disclosure.tables.audit import audit_equations
    from hrk_workbench.disclosure.tables.primary import find_primary
    from hrk_workbench.disclosure.tables.protect import ProtectedTable
    from hrk_workbench.disclosure.tables.secondary import suppress
    from hrk_workbench.disclosure.tables.system import AuditResult, Requirement

    start = time.perf_counter()
    linked = link(tables)
    primary: dict[int, Protection] = find_primary(linked, rules)  # type: ignore[arg-type]
    result = suppress(linked, primary, cost=cost, method=method,  # type: ignore[arg-type]
                      time_limit=time_limit, insiders=insiders or [])
    hidden = set(primary) | result.secondary
    values = [None if i in hidden else v for i, v in enumerate(linked.values)]
    eqs = [[(p, 1.0), *((k, -1.0) for k in kids)] for p, kids in linked.eqs]
    reqs = {i: Requirement(p.value, p.lower, p.upper, p.width) for i, p in primary.items()}
    keys = [[f"{d}={c}" for d, c in ident[1]] or ["Total"] for ident in linked.cells]
    audit = audit_equations(keys, len(linked), eqs, values, reqs,
                            all(v >= 0 for v in linked.values), insiders or [],
                            truth=linked.values)
    seconds = time.perf_counter() - start
    out = []
    for t, row in zip(tables, linked.where, strict=True):
        back = {m: i for i, m in enumerate(row)}
        failures = [{**f, "cell": back.get(f["cell"], -1),
                     "key": list(t.keys[back[f["cell"]]]) if f["cell"] in back else f["key"]}
                    for f in audit.failures]
        part = AuditResult({back[m]: v for m, v in audit.intervals.items() if m in back},
                           failures, audit.lp_count,
                           [f for f in failures if "insider" in f])
        out.append(ProtectedTable(t, rules, {i: primary[m] for i, m in enumerate(row)
                                             if m in primary},
                                  {i for i, m in enumerate(row) if m in result.secondary},
                                  part, result.method, cost, seconds))
    return out


def build_tables(frame: pd.DataFrame, specs: Sequence[TableSpec],
                 hierarchies: Mapping[int, Mapping[str, Hierarchy]],
                 **options: Any) -> list[Table]:
    """Each spec's table from the one data set (``options`` go to every table alike)."""
    from hrk_workbench.disclosure.tables.cells import table_from_microdata

    return [table_from_microdata(frame, s.dimensions, value=s.value,
                                 hierarchies=hierarchies.get(n), **options)
            for n, s in enumerate(specs)]
