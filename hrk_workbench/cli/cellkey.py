"""``tables --method cellkey``: a count table whose every cell is published, perturbed by the
cell key method (see :mod:`.cellkey`), instead of a table with suppressed cells.

``hrk-workbench tables DATA --rows region --cols age --method cellkey -o table.csv`` writes
every cell, margins labelled ``Total``, as a perturbed count in ``value``; nothing is
suppressed. The record keys come from the fixed default seed of forms/anonymisation.yaml
(``--seed N`` another) or from the steward's column of keys (``--record-key COLUMN``); the
perturbation table from forms/ptables/ or ``--ptable FILE``. ``--json`` adds ``cellkey``
{``max_deviation``, ``variance``, ``perturbed_cells``}. The options of cell suppression
(rules, holdings, weights, sums, working status) are refused rather than ignored: the method
has no rules to apply them to, and a steward who gave them expects them to act.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.i18n import problem_json, render_problem
from hrk_workbench.foundations.problems import InputError

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms

# suppression's options, which the cell key method has nothing to apply to
SUPPRESSION_OPTIONS = (
    ("--value", "value"), ("--aggregated", "aggregated"), ("--count", "count"),
    ("--weight", "weight"), ("--holding", "holding"), ("--top", "top"),
    ("--min-frequency", "min_frequency"), ("--assessment", "assessment"),
    ("--dominance", "dominance"), ("--p-percent", "p_percent"),
    ("--protect-zeros", "protect_zeros"), ("--pq", "pq"), ("--status", "status"),
    ("--symbol", "symbol"), ("--spec", "spec"))


def register_options(p: argparse.ArgumentParser) -> None:
    """The cell key method's options of ``tables`` (called by its ``register``)."""
    p.add_argument("--ptable", metavar="FILE",
                   help="with --method cellkey: the perturbation table (CSV/XLSX with i, j, "
                        "p, p_int_lb, p_int_ub; default forms/ptables/ for the D and V of "
                        "forms/anonymisation.yaml)")
    p.add_argument("--seed", type=int, metavar="N",
                   help="with --method cellkey: the record keys' seed (default cellkey_seed "
                        "of forms/anonymisation.yaml; the same seed, the same table)")
    p.add_argument("--record-key", metavar="COLUMN",
                   help="with --method cellkey: the units' own record keys, numbers in [0, 1)")


def wants_cellkey(args: argparse.Namespace) -> bool:
    """The run is (or names options of) the cell key method."""
    return (getattr(args, "method", None) == "cellkey" or bool(getattr(args, "ptable", None))
            or getattr(args, "seed", None) is not None or bool(getattr(args, "record_key", None)))


def _check(args: argparse.Namespace) -> None:
    from hrk_workbench.cli.table_common import bad_option

    if args.method != "cellkey":
        option = "--ptable" if args.ptable else "--seed" if args.seed is not None \
            else "--record-key"
        given = args.ptable or args.record_key or args.seed
        raise bad_option(option, f"{option} needs --method cellkey", value=given,
                   allowed="--method cellkey")
    for option, name in SUPPRESSION_OPTIONS:
        given = getattr(args, name, None)
        if given not in (None, False, "", []):
            raise bad_option(option, f"{option} is for cell suppression, not --method cellkey",
                       value=given if not isinstance(given, bool) else option,
                       allowed="--method auto/exact/heuristic, or cellkey without " + option)
    if args.cost != "cells":
        raise bad_option("--cost", "--cost is for cell suppression", value=args.cost,
                   allowed="--method auto/exact/heuristic")
    if not args.rows or not args.output:
        raise bad_option("--rows" if not args.rows else "-o", "needed with --method cellkey",
                   value="", allowed="--rows COLUMN -o FILE")
    if args.seed is not None and args.record_key:
        raise bad_option("--seed", "--seed and --record-key together", value=args.seed,
                   allowed="record keys from a seed (--seed) or a column (--record-key)")
    if args.seed is not None and not 0 <= args.seed < 2 ** 63:
        raise bad_option("--seed", "a seed is a whole number of 0 or more", value=args.seed,
                   allowed="0 ≤ N < 2^63")


def cmd_tables_cellkey(args: argparse.Namespace, forms: Forms) -> int:
    """Build, perturb and write the table; save its summary; report D, V and the cells
    changed (never a cell's original count)."""
    from hrk_workbench.cli.table_common import (
        args_lang,
        check_table_outputs,
        in_file,
        msg,
        read_hierarchies,
    )
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cellkey import (
        Defaults,
        cellkey_table,
        default_ptable,
        read_ptable,
        record_keys,
        record_keys_from_column,
    )

    _check(args)
    check_table_outputs(args)
    if args.ptable:
        from hrk_workbench.foundations.outputs import Output, check_outputs

        check_outputs([Output(args.output, "-o")], {"--ptable": args.ptable})
    target = None
    if args.save:
        from hrk_workbench.disclosure.results import open_for_saving

        target = open_for_saving(args.save)
    ptable = read_ptable(args.ptable) if args.ptable else default_ptable(forms)
    dims = [d for d in (args.rows, args.cols, args.layer) if d]
    hier = read_hierarchies(args.hierarchy, dims)
    columns = list(dict.fromkeys([*dims, *([args.record_key] if args.record_key else [])]))
    frame = read_table(args.data, columns=columns, sheet=args.sheet)
    try:
        if args.record_key:
            keys = record_keys_from_column(frame, args.record_key)
            how = f"column {args.record_key}"
        else:
            seed = args.seed if args.seed is not None else Defaults.from_forms(forms).seed
            keys = record_keys(len(frame), seed)
            how = f"seed {seed}"
        result = cellkey_table(frame, dims, keys, ptable, hierarchies=hier,
                               total_labels=forms.anonymisation.total_labels, record_keys=how)
    except InputError as exc:
        raise in_file(args.data, exc) from None
    lang = args_lang(args)
    if not args.json:
        for problem in result.problems:
            print(f"{args.data}: {render_problem(problem, lang, forms)}", file=sys.stderr)
    out = Path(args.output)
    result.write(out)
    if target is not None:
        _save(args, forms, result, out, target, (len(frame), len(frame.columns)))
        print(msg("tables_saved", lang, forms, file=args.save, name=out.name), file=sys.stderr)
    summary = result.summary()
    if args.json:
        print(json.dumps({**result.to_dict(), "file": str(out),
                          "warnings": [problem_json(p, lang, forms) for p in result.problems]},
                         ensure_ascii=False, indent=2))
    else:
        from hrk_workbench.foundations.outputs import shown_path

        print(msg("tables_cellkey_written", lang, forms, file=shown_path(out),
                 cells=len(result.table), changed=summary["perturbed_cells"],
                 d=summary["max_deviation"], v=summary["variance"]))
    return 0


def _save(args: argparse.Namespace, forms: Forms, result: Any, out: Path, target: Any,
          shape: tuple[int, int]) -> None:
    """Add the table_lab entry (the data read and the table written fingerprinted)."""
    from hrk_workbench.disclosure.results import save_table_result

    save_table_result(args.save, result.table_lab_entry(out.name), forms, args.author, target,
                      source=args.data, output=out, source_shape=shape)
