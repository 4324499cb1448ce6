"""CLI of linked tables and insiders: ``tables DATA --spec tables.yaml`` and ``audit T1.csv
T2.csv --linked`` / ``audit TABLE.csv --insider DATA --value COL``.

Why apart from ``table_commands``: the one-table commands stay as they are; these read
several tables (or the microdata behind one) and judge them as one system of equations.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.i18n import format_number, render_problem
from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.insiders import Insider
    from hrk_workbench.forms.loader import Forms


def cmd_tables_spec(args: argparse.Namespace, forms: Forms) -> int:
    """Protect every table of ``--spec`` together and write each to its ``output``."""
    from hrk_workbench.cli.table_common import (
        METHOD_LABELS,
        args_lang,
        bad_option,
        failure_json,
        in_file,
        msg,
        parse_dominance,
    )
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cells import read_hierarchy
    from hrk_workbench.disclosure.tables.linked import (
        build_tables,
        linked_insiders,
        protect_linked,
        read_spec,
    )
    from hrk_workbench.disclosure.tables.primary import Rules
    from hrk_workbench.foundations.outputs import Output, check_outputs, shown_path

    lang = args_lang(args)
    if args.rows or args.cols or args.layer or args.output or args.hierarchy:
        raise bad_option("--spec", "--rows/--cols/--layer/--hierarchy/-o come from the spec file",
                   value="--spec", allowed="--spec alone, or --rows and -o")
    frame = read_table(args.data)
    specs = read_spec(args.spec, columns=[str(c) for c in frame.columns])
    inputs: dict[str, str | None] = {"DATA": args.data, "--spec": args.spec}
    for n, s in enumerate(specs):
        for dim, path in s.hierarchy.items():
            inputs[f"tables[{n}].hierarchy.{dim}"] = str(path)
    check_outputs([Output(str(s.output), f"tables[{n}].output",
                          writes=s.output.suffix.lower()
                          if s.output.suffix.lower() in (".xlsx", ".xlsm") else ".csv")
                   for n, s in enumerate(specs)], inputs)
    hierarchies = {n: {dim: read_hierarchy(path, dim) for dim, path in s.hierarchy.items()}
                   for n, s in enumerate(specs)}
    options: dict[str, Any] = {"total_labels": forms.anonymisation.total_labels}
    for name in ("holding", "weight", "count"):
        if getattr(args, name, None):
            options[name] = getattr(args, name)
    try:
        tables = build_tables(frame, specs, hierarchies, **options)
    except InputError as exc:
        raise in_file(args.data, exc) from None
    rules = Rules.from_forms(forms, min_frequency=args.min_frequency,
                             dominance=parse_dominance(args.dominance, forms),
                             p_percent=args.p_percent,
                             protect_zeros=True if args.protect_zeros else None)
    from hrk_workbench.disclosure.tables.linked import link

    insiders = linked_insiders(frame, specs, link(tables), getattr(args, "holding", None))
    results = protect_linked(tables, rules, cost=args.cost, method=args.method,
                             insiders=insiders)
    summaries = []
    failed = False
    for spec, result in zip(specs, results, strict=True):
        failures = [{**failure_json(result.table.dimensions, f),
                     **({"insider": f["insider"]} if "insider" in f else {})}
                    for f in result.audit.failures]
        failed |= not result.audit.ok
        summaries.append({**result.to_dict(), "file": str(spec.output),
                          "suppressed_value": _suppressed_value(result),
                          "audit_failures": failures})
    if failed:
        problem = Problem("$", "the audit found recomputable primary cells; nothing written",
                          code="table_audit_failed",
                          params={"count": sum(len(s["audit_failures"]) for s in summaries)})
        print(f"{args.spec}: {render_problem(problem, lang, forms)}", file=sys.stderr)
        if args.json:
            print(json.dumps({"tables": summaries, "audit_ok": False}, ensure_ascii=False,
                             indent=2))
        return 1
    for spec, result in zip(specs, results, strict=True):
        if spec.output.suffix.lower() in (".xlsx", ".xlsm"):
            result.write_xlsx(spec.output, args.symbol or "..")
        else:
            result.write_csv(spec.output, args.symbol)
    if args.json:
        print(json.dumps({"tables": summaries, "audit_ok": True,
                          "insiders": len(insiders)}, ensure_ascii=False, indent=2))
    else:
        for spec, s in zip(specs, summaries, strict=True):
            method = s["method"]
            from hrk_workbench.foundations.i18n import label

            print(msg("tables_linked_written", lang, forms, file=shown_path(spec.output),
                     cells=s["cells"], primary=s["primary"], secondary=s["secondary"],
                     method=label(METHOD_LABELS[method], lang, forms)
                     if method in METHOD_LABELS else method))
    return 0


def _suppressed_value(result: Any) -> float:
    """The total value of the suppressed finest cells (margins not added twice)."""
    t = result.table
    return round(sum(t.values[i] for i in result.suppressed if not t.is_margin(i)), 6)


# --- audit: several published tables and insiders ---------------------------------------------

def _read_published(path: str, args: argparse.Namespace, forms: Forms
                    ) -> tuple[list[str], list[tuple[str, ...]], list[tuple[str, ...]],
                               list[float | None], list[str], list[Any], list[Problem]]:
    """One published table: dimensions, keys (margins as Total), keys as shown, values
    (None: suppressed), statuses, the children of each dimension and warnings."""
    from hrk_workbench.cli.table_common import META_COLUMNS, read_hierarchies, read_margins
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cells import TOTAL, Hierarchy, to_numbers

    frame = read_table(path)
    dims = [c for c in frame.columns if c not in META_COLUMNS]
    if "value" not in frame.columns or not dims:
        raise InputError(path, [Problem("$", "a table needs dimension columns and value",
                                        code="table_no_columns",
                                        params={"columns": ", ".join(frame.columns)})])
    hier = read_hierarchies([h for h in args.hierarchy if h.partition("=")[0] in dims], dims)
    shown = [tuple(str(v).strip() for v in row) for row in frame[dims].itertuples(index=False)]
    keys, _, warnings = read_margins(path, shown, dims, hier,
                                 [*forms.anonymisation.total_labels, *args.total_label])
    trees = []
    for d, dim in enumerate(dims):
        if dim in hier:
            trees.append(hier[dim])
        else:
            trees.append(Hierarchy.flat(dim, {k[d] for k in keys if k[d] != TOTAL}))
    text = frame["value"].fillna("").astype(str).str.strip()
    hidden = ~text.str.match(r"^[+-]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*$")
    numbers = to_numbers(text.where(~hidden, ""), "value")
    values = [None if s else float(v) for s, v in zip(hidden, numbers, strict=True)]
    status = [str(s).strip() for s in frame["status"].fillna("")] \
        if "status" in frame.columns else [""] * len(keys)
    return dims, keys, shown, values, status, trees, warnings


def cmd_audit_linked(args: argparse.Namespace, forms: Forms) -> int:
    """Audit one or more published tables as one system, against the outside reader and,
    with ``--insider DATA``, against every respondent of a small cell."""
    from hrk_workbench.cli.table_common import args_lang, failure_json, msg, parse_rules
    from hrk_workbench.disclosure.tables.audit import audit_equations
    from hrk_workbench.disclosure.tables.system import Requirement, equations_from_codes

    lang = args_lang(args)
    paths: Sequence[str] = args.table
    width, relative = parse_rules(args.rules, args.min_frequency)
    index: dict[tuple[Any, ...], int] = {}
    keys_out: list[list[str]] = []
    where: list[tuple[int, int]] = []  # linked cell -> (table, row)
    eqs: list[list[tuple[int, float]]] = []
    values: list[float | None] = []
    statuses: list[str] = []
    read = []
    warnings: list[tuple[str, Problem]] = []
    for t, path in enumerate(paths):
        dims, keys, shown, vals, status, trees, warn = _read_published(path, args, forms)
        warnings += [(path, w) for w in warn]
        all_keys, table_eqs = equations_from_codes(keys, [h.children for h in trees])
        row = []
        for n, key in enumerate(all_keys):
            ident = _identity(dims, key)
            if ident not in index:
                index[ident] = len(where)
                where.append((t, n))
                keys_out.append([f"{d}={c}" for d, c in ident] or ["Total"])
                values.append(vals[n] if n < len(vals) else None)
                statuses.append(status[n] if n < len(status) else "")
            elif n < len(vals) and vals[n] is not None:
                values[index[ident]] = vals[n]
            row.append(index[ident])
        eqs += [[(row[i], c) for i, c in eq] for eq in table_eqs]
        read.append((dims, keys, shown, trees, row))
    if not args.json:
        for path, problem in warnings:
            print(f"{path}: {render_problem(problem, lang, forms)}", file=sys.stderr)
    widths: dict[int, float] = {}
    if getattr(args, "status", None):  # the working status of tables --status
        widths = _status_widths(args, paths, read, forms)
        statuses = ["primary" if i in widths else "" for i in range(len(values))]
    marked = {i for i, s in enumerate(statuses) if s == "primary"}
    protect = marked or {i for i, v in enumerate(values) if v is None}
    reqs = {i: Requirement(None, 0.0, 0.0, max(width, widths.get(i, 0.0)), relative)
            for i in protect}
    insiders: list[Insider] = []
    truth = None
    if args.insider:
        insiders, sums = _insiders_from_data(args, read, index)
        # the data's sums are the true table only if they are what was published
        if all(v is None or abs(v - sums[i]) <= 1e-6 * max(1.0, abs(v))
               for i, v in enumerate(values)):
            truth = sums
    nonneg = all(v >= 0 for v in values if v is not None)
    result = audit_equations(keys_out, len(values), eqs, values, reqs, nonneg, insiders,
                             truth=truth)
    failures = []
    for f in result.failures:
        t, n = where[f["cell"]]
        dims, _, shown, _, _ = read[t]
        key = list(shown[n]) if n < len(shown) else f["key"]
        failures.append({"table": paths[t], **failure_json(dims, {**f, "key": key}),
                         **({"insider": f["insider"]} if "insider" in f else {})})
    insider = [f for f in failures if "insider" in f]
    exact = len({(f["table"], tuple(f["cell"].items())) for f in insider
                 if "exact" in f["missed"]})
    ok = result.ok and not warnings
    if args.json:
        print(json.dumps({"tables": list(paths), "cells": len(values),
                          "suppressed": sum(1 for v in values if v is None),
                          "rules": {"width": width, "relative": relative},
                          "insiders": len(insiders), "audit_ok": ok,
                          "audit_failures": failures,
                          "outside_failures": len(failures) - len(insider),
                          "insider_failures": len(insider),
                          "insider_recomputable": exact}, ensure_ascii=False, indent=2))
    else:
        for f in failures:
            lo = "-∞" if f["lo"] is None else format_number(f["lo"], lang)
            hi = "∞" if f["hi"] is None else format_number(f["hi"], lang)
            cell = " / ".join(str(v) for v in f["cell"].values())
            if "insider" in f:
                print(msg("audit_insider_line", lang, forms, cell=cell, lo=lo, hi=hi,
                         insider=f["insider"]))
            else:
                print(msg("audit_cell_line", lang, forms, cell=cell, lo=lo, hi=hi))
        print(msg("audit_linked_summary", lang, forms, files=", ".join(paths),
                 suppressed=sum(1 for v in values if v is None),
                 failures=len(failures) - len(insider), insider=len(insider), exact=exact))
    return 0 if ok else 1


def _status_widths(args: argparse.Namespace, paths: Sequence[str], read: list[Any],
                   forms: Forms) -> dict[int, float]:
    """The primary cells of ``--status`` (one table: the status file of that table) with
    the width each needs, as linked cells."""
    from hrk_workbench.cli.table_common import bad_option, read_hierarchies, status_file

    if len(paths) != 1:
        raise bad_option("--status", "a status file belongs to one table", value=args.status,
                   allowed="one TABLE.csv with --status")
    dims, keys, _, _, row = read[0]
    hier = read_hierarchies([h for h in args.hierarchy if h.partition("=")[0] in dims], dims)
    _, marked = status_file(args.status, paths[0], dims, keys, hier,
                             [*forms.anonymisation.total_labels, *args.total_label])
    return {row[i]: need for i, need in marked.items()}


def _identity(dims: Sequence[str], key: Sequence[str]) -> tuple[tuple[str, str], ...]:
    from hrk_workbench.disclosure.tables.cells import TOTAL

    return tuple(sorted((d, c) for d, c in zip(dims, key, strict=True) if c != TOTAL))


def _insiders_from_data(args: argparse.Namespace, read: list[Any],
                        index: dict[tuple[Any, ...], int]) -> tuple[list[Insider], list[float]]:
    """Each respondent of the microdata in a cell of at most two units (in any table), with
    its cells in every table (the cell's unit count comes from the microdata), and every
    cell's sum in the data."""
    from hrk_workbench.cli.table_common import bad_option
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cells import Hierarchy, to_numbers
    from hrk_workbench.disclosure.tables.insiders import SMALL, ancestors, insiders_from_units

    if not args.value:
        raise bad_option("--insider", "an insider audit needs the value column of the data",
                   value=args.insider, allowed="--value COLUMN")
    frame = read_table(args.insider)
    amounts = to_numbers(frame[args.value], args.value).fillna(0.0) \
        if args.value in frame.columns else None
    if amounts is None:
        raise InputError(args.insider, [Problem(args.value, f"column {args.value} is not in "
                                                "the data", code="table_unknown_column",
                                                params={"column": args.value,
                                                        "columns": ", ".join(frame.columns)})])
    holding = getattr(args, "holding", None)
    n = len(index)
    counts: list[int | None] = [0] * n
    sums = [0.0] * n
    units: dict[Any, list[tuple[int, float]]] = {}
    for dims, _, _, trees, _ in read:
        missing = [d for d in dims if d not in frame.columns]
        if missing:
            raise InputError(args.insider, [Problem(d, f"column {d} is not in the data",
                                                    code="table_unknown_column",
                                                    params={"column": d, "columns": ", ".join(
                                                        map(str, frame.columns))})
                                            for d in missing])
        hs = [Hierarchy(t.name, t.children) for t in trees]
        codes = frame[dims].astype(str).apply(lambda c: c.str.strip())
        for pos, key in zip(frame.index, codes.itertuples(index=False, name=None), strict=True):
            unit = frame.at[pos, holding] if holding else pos
            for cell in ancestors(hs, key):
                m = index.get(_identity(dims, cell))
                if m is None:
                    continue
                units.setdefault(unit, []).append((m, float(amounts[pos])))
    seen: dict[int, set[Any]] = {}
    for unit, cells in units.items():
        merged: dict[int, float] = {}
        for m, v in cells:
            merged[m] = max(merged.get(m, 0.0), v)  # the same cell through two tables
        units[unit] = list(merged.items())
        for m, v in merged.items():
            seen.setdefault(m, set()).add(unit)
            sums[m] += v
    for m, who in seen.items():
        counts[m] = len(who)
    small = {u: cells for u, cells in units.items()
             if any(counts[m] is not None and counts[m] <= SMALL for m, _ in cells)}
    names = {u: f"row {u + 2}" if isinstance(u, int) else str(u) for u in small}
    return insiders_from_units(small, counts, sums, names), sums
