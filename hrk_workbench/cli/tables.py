"""CLI of the table lab: ``tables`` builds and protects a table, ``audit`` checks one.

``hrk-workbench tables DATA --rows industry --cols region -o protected.csv`` writes the
public table: one row per cell (margins labelled ``Total``), the dimension columns and
``value``, a plain number or the ``--symbol`` (empty by default) for every suppressed cell
alike. Which cells are primary, and by which rule, goes only to ``--status FILE`` and
``--json``: in the public file it would tell a reader that a cell is small or dominated. It
exits 1 without writing anything if the independent audit finds a primary cell that can be
recomputed (it should never happen; an unsafe table must not leave the tool).
``--weight`` (a survey's sampling weight) publishes weighted values while the rules judge the
respondents; ``--holding`` makes the dominance and p% rules see owners, not their units.

``hrk-workbench audit TABLE.csv`` reads a published table (ours or anybody's), finds the
interval a reader can derive for every suppressed cell and reports the ones too narrow; with
``--status FILE`` (the working status of ``tables --status``) it holds the primary cells to
the rules and each to the width its protection needs, else every suppressed cell. Its
margins are the rows labelled Total, Yhteensä, Totalt ... (``total_labels`` in
forms/anonymisation.yaml, any case; ``--total-label`` adds one). A dimension without a margin
it can recognise is a warning naming the column and the labels looked for, and then no cell is
called protected (``protected`` null, ``audit_ok`` false, exit 1): the equations that margin
would give are not known, and without them every interval is only an upper bound on what a
reader has. An interval already exact or too narrow stays a failure (more equations only
narrow it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.i18n import format_number, label, problem_json, render_problem
from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms
from hrk_workbench.cli.table_common import (
    META_COLUMNS,
    METHOD_LABELS,
    MISSED_LABELS,
    args_lang,
    bad_option,
    check_table_outputs,
    check_unit_options,
    exact_published,
    failure_json,
    in_file,
    json_number,
    min_frequency_text,
    msg,
    parse_dominance,
    parse_pq,
    parse_rules,
    read_hierarchies,
    read_margins,
    status_file,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``tables`` and ``audit`` to the CLI (called by ``hrk_workbench.cli``)."""
    p = sub.add_parser("tables", parents=[common],
                       help="build a table from data and protect it by cell suppression")
    p.add_argument("data", metavar="DATA", help="CSV, XLSX or Parquet file")
    p.add_argument("--sheet", metavar="NAME",
                   help="the workbook's sheet to read (default: the first visible one)")
    p.add_argument("--rows", help="column for the table's rows (needed unless --spec)")
    p.add_argument("--cols", help="column for the table's columns")
    p.add_argument("--layer", help="column for a third dimension")
    p.add_argument("--value", help="sum this column (default: count units)")
    p.add_argument("--aggregated", action="store_true",
                   help="DATA is already a table: one row per cell")
    p.add_argument("--count", help="with --aggregated: the column of unit counts; with "
                                   "microdata: the units each row stands for (a frequency "
                                   "weight)")
    p.add_argument("--weight", metavar="COLUMN",
                   help="a survey's sampling weight: published values are weighted, the rules "
                        "judge the unweighted respondents (microdata only)")
    p.add_argument("--holding", metavar="COLUMN",
                   help="the owner or enterprise group of each unit: dominance and p%% rules "
                        "judge holdings, not their units (microdata only)")
    p.add_argument("--top", help="with --aggregated: columns of the largest contributions, "
                                 "comma-separated (largest first)")
    p.add_argument("--hierarchy", action="append", default=[], metavar="DIM=FILE",
                   help="a hierarchy for a dimension (CSV code,parent or tau-Argus .hrc)")
    p.add_argument("--min-frequency", type=int,
                   help="minimum units per cell (default: what the assessment of --assessment "
                        "or --save advises, else forms default 3); recorded as an override")
    p.add_argument("--assessment", metavar="FILE.hrk.json",
                   help="take the minimum frequency from this assessment's anonymisation "
                        "advice (default: the --save file)")
    p.add_argument("--dominance", action="append", metavar="N,K",
                   help="(n,k)-dominance, e.g. 1,80; 'alt' for the second rule in forms "
                        "(2,90); 'off' for none; may be repeated")
    p.add_argument("--p-percent", type=float, help="p%% rule (forms default 10; 0 = off)")
    p.add_argument("--protect-zeros", action="store_true", help="treat empty cells as "
                                                                "sensitive")
    p.add_argument("--pq", nargs="?", const="on", metavar="P,Q",
                   help="the (p,q) prior-posterior rule: P,Q, or without a value pq_p and pq_q "
                        "of forms/anonymisation.yaml; 'off' for none")
    p.add_argument("--cost", choices=("cells", "value"), default="cells",
                   help="minimise the number of suppressed cells or their total value")
    p.add_argument("--method", choices=("auto", "exact", "heuristic", "cellkey"),
                   default="auto", help="secondary suppression (auto, exact, heuristic), or "
                                        "cellkey: every cell of a count table published, "
                                        "perturbed by the cell key method")
    p.add_argument("--time-limit", type=float, default=20.0, metavar="SECONDS",
                   help="time for the exact method; reaching it falls back to the heuristic "
                        "with a warning (default 20)")
    p.add_argument("--symbol", default="", help="text for a suppressed value (CSV default "
                                                "empty; XLSX default ..)")
    p.add_argument("-o", "--output", help="protected table (.csv or .xlsx; needed unless "
                                         "--spec)")
    p.add_argument("--spec", metavar="TABLES.yaml",
                   help="linked tables of DATA protected together as one problem: a YAML "
                        "list tables: of {rows, cols, layer, value, hierarchy, output}")
    p.add_argument("--status", metavar="FILE",
                   help="also write the working status of every cell (published, primary, "
                        "secondary, the rules, the width needed): not for publication")
    from hrk_workbench.cli.cellkey import register_options

    register_options(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--save", metavar="FILE.hrk.json",
                   help="add the protected table's summary to the assessment (table_lab)")
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("audit", parents=[common],
                       help="intervals a reader can derive for the suppressed cells of a table")
    p.add_argument("table", metavar="TABLE.csv", nargs="+",
                   help="the published table; several with --linked")
    p.add_argument("--linked", action="store_true",
                   help="the tables were published together: audit them as one system")
    p.add_argument("--insider", metavar="DATA",
                   help="the microdata behind the table(s): also judge each protected cell "
                        "against every respondent of a cell of one or two units")
    p.add_argument("--value", help="with --insider: the column of DATA the table sums")
    p.add_argument("--sheet", metavar="NAME",
                   help="the workbook's sheet to read (default: the first visible one)")
    p.add_argument("--dimensions", help="dimension columns, comma-separated (default: every "
                                        "column but value, status and rule)")
    p.add_argument("--hierarchy", action="append", default=[], metavar="DIM=FILE")
    p.add_argument("--rules", default="", help="what each protected cell needs, e.g. "
                                               "'width=3,relative=10' (interval at least 3 "
                                               "wide and 10%% of its upper end)")
    p.add_argument("--min-frequency", type=int, help="shorthand for --rules width=N")
    p.add_argument("--status", metavar="FILE",
                   help="the working status of tables --status: its primary cells are the "
                        "ones held to the rules, each to the width it needs")
    p.add_argument("--total-label", action="append", default=[], metavar="TEXT",
                   help="another label of the margins (besides total_labels of "
                        "forms/anonymisation.yaml: Total, Yhteensä, Totalt ...); may be repeated")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_audit)


def cmd_tables(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.cli.cellkey import cmd_tables_cellkey, wants_cellkey

    if wants_cellkey(args):  # every cell published, perturbed: no suppression
        return cmd_tables_cellkey(args, forms)
    if args.spec:  # linked tables: one problem, each table to its own file
        from hrk_workbench.cli.linked import cmd_tables_spec

        return cmd_tables_spec(args, forms)
    if not args.rows or not args.output:
        raise bad_option("--rows" if not args.rows else "-o", "needed without --spec",
                   value="", allowed="--rows COLUMN -o FILE, or --spec TABLES.yaml")
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cells import table_from_aggregate, table_from_microdata
    from hrk_workbench.disclosure.tables.primary import (
        Rules,
        advised_min_frequency,
        choose_min_frequency,
    )
    from hrk_workbench.disclosure.tables.protect import protect_table

    check_table_outputs(args)
    target = None
    if args.save:
        from hrk_workbench.disclosure.results import open_for_saving

        target = open_for_saving(args.save)
    advice_from = target
    if args.assessment:
        from hrk_workbench.model.store import load_assessment

        advice_from = load_assessment(args.assessment)
    if args.min_frequency is not None and args.min_frequency < 0:
        raise bad_option("--min-frequency", "the minimum frequency cannot be negative",
                   value=args.min_frequency, allowed=">= 0")
    if args.p_percent is not None and not 0 <= args.p_percent < 100:
        raise bad_option("--p-percent", "the p% rule's p is a share of a contribution",
                   value=args.p_percent, allowed="0 ≤ p < 100")
    advised = None if advice_from is None else advised_min_frequency(advice_from, forms)
    choice = choose_min_frequency(forms, advised, args.min_frequency)
    dims = [d for d in (args.rows, args.cols, args.layer) if d]
    top = [c.strip() for c in (args.top or "").split(",") if c.strip()]
    if top and not args.aggregated:
        raise bad_option("--top", "--top needs --aggregated", value=args.top,
                         allowed="--aggregated")
    check_unit_options(args)
    hier = read_hierarchies(args.hierarchy, dims)
    columns = [*dims, *[c for c in (args.value, args.count, args.weight, args.holding) if c],
               *top]
    frame = read_table(args.data, columns=list(dict.fromkeys(columns)))
    try:
        if args.aggregated:
            table = table_from_aggregate(frame, dims, value=args.value, count=args.count,
                                         top=top, hierarchies=hier,
                                         total_labels=forms.anonymisation.total_labels)
        else:
            table = table_from_microdata(frame, dims, value=args.value, hierarchies=hier,
                                         count=args.count,
                                         total_labels=forms.anonymisation.total_labels,
                                         weight=args.weight, holding=args.holding)
    except InputError as exc:
        raise in_file(args.data, exc) from None
    rules = Rules.from_forms(forms, min_frequency=choice.value,
                             dominance=parse_dominance(args.dominance, forms),
                             p_percent=args.p_percent,
                             protect_zeros=True if args.protect_zeros else None,
                             pq=parse_pq(args.pq, forms))
    lang = args_lang(args)
    for problem in table.problems:
        print(f"{args.data}: {render_problem(problem, lang, forms)}", file=sys.stderr)
    result = protect_table(table, rules, cost=args.cost, method=args.method,
                           time_limit=args.time_limit)
    for problem in result.warnings:
        print(f"{args.data}: {render_problem(problem, lang, forms)}", file=sys.stderr)
    summary = {**result.to_dict(), **choice.to_dict()}
    failures = [failure_json(table.dimensions, f) for f in result.audit.failures]
    if not result.audit.ok:
        problem = Problem("$", "the audit found recomputable primary cells; nothing written",
                          code="table_audit_failed", params={"count": len(failures)})
        print(f"{args.output}: {render_problem(problem, lang, forms)}", file=sys.stderr)
        if args.json:
            print(json.dumps({**summary, "audit_failures": failures}, ensure_ascii=False,
                             indent=2))
        return 1
    from hrk_workbench.foundations.outputs import shown_path

    out = Path(args.output)
    if out.suffix.lower() in (".xlsx", ".xlsm"):
        result.write_xlsx(out, args.symbol or "..")
    else:
        result.write_csv(out, args.symbol)
    if args.status:
        result.write_status(args.status)
    if target is not None:
        from hrk_workbench.disclosure.results import save_table_result, table_lab_result

        save_table_result(args.save, {**table_lab_result(result, out.name), **choice.to_dict()},
                          forms, args.author, target, source=args.data, output=out,
                          source_shape=(len(frame), len(frame.columns)))
        print(msg("tables_saved", lang, forms, file=args.save, name=out.name), file=sys.stderr)
    if args.json:
        cells: dict[str, Any] = {"primary_cells": [], "secondary_cells": []}
        for row in result.status_rows():
            if row["status"] != "published":
                cells[f"{row['status']}_cells"].append(row)
        print(json.dumps({**summary, "audit_failures": failures, "file": str(out),
                          "status_file": args.status, **cells,
                          "warnings": [problem_json(p, lang, forms)
                                       for p in [*table.problems, *result.warnings]]},
                         ensure_ascii=False, indent=2))
    else:
        method = summary["method"]
        print(msg("tables_written", lang, forms, file=shown_path(out), cells=summary["cells"],
                 primary=summary["primary"], secondary=summary["secondary"],
                 method=label(METHOD_LABELS[method], lang, forms)
                 if method in METHOD_LABELS else method))
        print(min_frequency_text(choice, lang, forms))
    return 0


def cmd_audit(args: argparse.Namespace, forms: Forms) -> int:
    if args.linked or args.insider:  # several tables, or insiders: one system
        from hrk_workbench.cli.linked import cmd_audit_linked

        return cmd_audit_linked(args, forms)
    if len(args.table) > 1:
        raise bad_option("--linked", "several tables are audited together with --linked",
                   value=" ".join(args.table), allowed="one table, or --linked")
    args.table = args.table[0]
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.audit import audit_cells
    from hrk_workbench.disclosure.tables.cells import TOTAL, Hierarchy, to_numbers
    from hrk_workbench.disclosure.tables.system import Requirement, check

    lang = args_lang(args)
    extra = [t.strip() for t in args.total_label]
    if not all(extra):
        raise bad_option("--total-label", "a margin label cannot be empty", value="''",
                   allowed="the text of the margins' label, such as Yhteensä")
    frame = read_table(args.table)
    if args.dimensions:
        dims = [d.strip() for d in args.dimensions.split(",") if d.strip()]
    else:
        dims = [c for c in frame.columns if c not in META_COLUMNS]
    unknown = [d for d in dims if d not in frame.columns]
    if unknown:
        raise InputError(args.table, [Problem("--dimensions", f"column {d} is not in the table",
                                              code="table_unknown_column",
                                              params={"column": d,
                                                      "columns": ", ".join(frame.columns)})
                                      for d in unknown])
    if "value" not in frame.columns or not dims:
        raise InputError(args.table, [Problem("$", "a table needs dimension columns and value",
                                              code="table_no_columns",
                                              params={"columns": ", ".join(frame.columns)})])
    width, relative = parse_rules(args.rules, args.min_frequency)
    hier = read_hierarchies(args.hierarchy, dims)
    shown = [tuple(str(v).strip() for v in row) for row in frame[dims].itertuples(index=False)]
    keys, margins, warnings = read_margins(args.table, shown, dims, hier,
                                       [*forms.anonymisation.total_labels, *extra])
    complete = not warnings
    if not args.json:
        for problem in warnings:
            print(f"{args.table}: {render_problem(problem, lang, forms)}", file=sys.stderr)
    trees = []
    for d, dim in enumerate(dims):
        if dim in hier:
            trees.append(hier[dim].children)
        else:
            codes = sorted({k[d] for k in keys if k[d] != TOTAL})
            trees.append(Hierarchy.flat(dim, codes).children)
    text = frame["value"].fillna("").astype(str).str.strip()
    suppressed = ~text.str.match(r"^[+-]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*$")
    numbers = to_numbers(text.where(~suppressed, ""), "value")
    values = [None if s else float(v) for s, v in zip(suppressed, numbers, strict=True)]
    values, scale = exact_published(values)
    status = frame["status"].fillna("").tolist() if "status" in frame.columns else []
    marked = {i: 0.0 for i, s in enumerate(status) if str(s).strip() == "primary"}
    if args.status:
        status, marked = status_file(args.status, args.table, dims, keys, hier,
                                      [*forms.anonymisation.total_labels, *extra])
    protect = marked or {i: 0.0 for i, v in enumerate(values) if v is None}
    reqs = {i: Requirement(None, 0.0, 0.0, max(width, need) * scale, relative)
            for i, need in protect.items()}
    nonneg = all(v >= 0 for v in values if v is not None)
    result = audit_cells(keys, trees, values, reqs, nonnegative=nonneg)
    failed = {f["cell"]: f["missed"] for f in result.failures}
    result.intervals = {i: (lo / scale, hi / scale) for i, (lo, hi) in result.intervals.items()}
    for f in result.failures:
        f["interval"] = [x / scale for x in f["interval"]]
    cells = []
    for i, (lo, hi) in sorted(result.intervals.items()):
        if i >= len(keys):
            continue
        # a cell no rule protects (an ordinary secondary cell) is protected unless a reader
        # can compute it exactly; a cell a rule protects also needs its interval wide enough
        missed = failed.get(i, []) if i in protect else check((lo, hi), Requirement())
        # without every margin the interval is only an upper bound on what a reader has:
        # too narrow is certain, wide enough is not
        cells.append({**dict(zip(dims, shown[i], strict=True)),
                      "status": (str(status[i]) or "suppressed") if status else "suppressed",
                      "lo": json_number(lo), "hi": json_number(hi), "required": i in protect,
                      "exactly_disclosed": "exact" in missed, "missed": list(missed),
                      "protected": False if missed else (True if complete else None)})
    # the cells as the file labels them (a margin as Yhteensä, not as the internal Total)
    failures = [failure_json(dims, {**f, "key": list(shown[f["cell"]])}) for f in result.failures]
    ok = result.ok and complete
    if args.json:
        print(json.dumps({"cells": len(keys), "suppressed": len(cells),
                          "rules": {"width": width, "relative": relative},
                          "margins": margins, "complete": complete,
                          "audit_ok": ok, "audit_failures": failures,
                          "intervals": cells,
                          "problems": [problem_json(p, lang, forms) for p in warnings]},
                         ensure_ascii=False, indent=2))
    else:
        for c in cells:
            lo = "-∞" if c["lo"] is None else format_number(c["lo"], lang)
            hi = "∞" if c["hi"] is None else format_number(c["hi"], lang)
            flags = list(dict.fromkeys(MISSED_LABELS.get(m, "audit_cell_narrow")
                                       for m in c["missed"]))
            if c["protected"] is None:
                flags.append("audit_cell_unknown")
            note = "; ".join(msg(k, lang, forms, width=width, relative=relative)
                             for k in flags)
            print(msg("audit_cell_line", lang, forms, cell=" / ".join(str(c[d]) for d in dims),
                     lo=lo, hi=hi) + (f" ({note})" if note else ""))
        exposed = sum(1 for c in cells if c["protected"] is False)
        key = "audit_summary_failed" if not result.ok else \
            "audit_summary_ok" if complete else "audit_summary_incomplete"
        print(msg(key, lang, forms, file=args.table, suppressed=len(cells),
                 failures=len(failures), exposed=exposed,
                 dimensions=", ".join(dict.fromkeys(p.location for p in warnings))))
    return 0 if ok else 1
