"""What the table commands share (``tables``, its cell-key and linked-table forms, and
``audit``): reading the rule options and hierarchies, the output check, texts and errors."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.i18n import format_number, label
from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.cells import Hierarchy
    from hrk_workbench.disclosure.tables.primary import MinFrequency
    from hrk_workbench.forms.loader import Forms


META_COLUMNS = ("value", "status", "rule")


# the secondary suppression's method codes (secondary.suppress) and their texts
METHOD_LABELS = {"none": "tables_method_none", "exact": "tables_method_exact",
                 "heuristic": "tables_method_heuristic",
                 "heuristic_after_timeout": "tables_method_heuristic_after_timeout"}


# what an audited cell's interval misses (audit.check) and the text that says so
MISSED_LABELS = {"exact": "audit_cell_exact", "width": "audit_cell_narrow",
                 "relative": "audit_cell_narrow", "lower": "audit_cell_narrow",
                 "upper": "audit_cell_narrow", "inconsistent": "audit_cell_inconsistent"}


def bad_option(option: str, message: str, **params: Any) -> InputError:
    return InputError(option, [Problem("$", message, code="table_bad_option",
                                       params={"option": option, **params})])


def read_hierarchies(items: list[str], dimensions: list[str]) -> dict[str, Hierarchy]:
    from hrk_workbench.disclosure.tables.cells import read_hierarchy

    out = {}
    for item in items:
        dim, sep, path = item.partition("=")
        if not sep or dim not in dimensions:
            raise bad_option("--hierarchy", f"{item!r} is not DIM=FILE for a table dimension",
                       value=item, allowed=", ".join(dimensions))
        out[dim] = read_hierarchy(path, dim)
    return out


def parse_dominance(items: list[str] | None, forms: Forms) -> tuple[tuple[int, float], ...] | None:
    if not items:
        return None
    form = forms.anonymisation
    out: list[tuple[int, float]] = []
    for item in items:
        text = item.strip().lower()
        if text == "off":
            continue
        if text == "alt":
            out.append((int(form.number("dominance_n2", 2)), float(form.number("dominance_k2",
                                                                               90))))
            continue
        n, _, k = text.partition(",")
        try:
            pair = (int(n), float(k))
        except ValueError:
            raise bad_option("--dominance", f"{item!r} is not N,K", value=item,
                       allowed="N,K / alt / off") from None
        if pair[0] < 1 or not 0 < pair[1] <= 100:
            raise bad_option("--dominance", f"{item!r} is out of range", value=item,
                       allowed="N >= 1, 0 < K <= 100")
        out.append(pair)
    return tuple(out)


def parse_pq(text: str | None, forms: Forms) -> tuple[float, float] | tuple[()] | None:
    """``--pq``: None (forms decide), ``()`` (off), or (p, q) with 0 < p < q <= 100."""
    from hrk_workbench.disclosure.tables.primary import forms_pq

    if text is None:
        return None
    value = text.strip().lower()
    if value == "off":
        return ()
    if value == "on":
        pair = forms_pq(forms)
    else:
        p, _, q = value.partition(",")
        try:
            pair = (float(p), float(q))
        except ValueError:
            raise bad_option("--pq", f"{text!r} is not P,Q", value=text,
                       allowed="P,Q such as 10,50 / on / off") from None
    if not 0 < pair[0] < pair[1] <= 100:
        raise bad_option("--pq", f"{text!r} is out of range", value=text, allowed="0 < P < Q ≤ 100")
    return pair


def check_unit_options(args: argparse.Namespace) -> None:
    """--weight and --holding describe units, so they need microdata (and not --count)."""
    for option, given in (("--weight", args.weight), ("--holding", args.holding)):
        if given and args.aggregated:
            raise bad_option(option, f"{option} needs microdata, not --aggregated", value=given,
                       allowed="one row per unit (without --aggregated)")
    if args.weight and args.count:
        raise bad_option("--weight", "--weight and --count together", value=args.weight,
                   allowed="a sampling weight (--weight) or units per row (--count)")
    if args.time_limit is not None and not args.time_limit > 0:
        raise bad_option("--time-limit", "the time limit is a number of seconds",
                   value=args.time_limit, allowed="> 0")


def args_lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "en"


def msg(key: str, lang: str, forms: Forms, **values: Any) -> str:
    """A label of the message catalogues in ``lang``, filled in (numbers as ``lang`` writes
    them)."""
    return label(key, lang, forms).format(**{
        k: format_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool)
        else v for k, v in values.items()})


def min_frequency_text(choice: MinFrequency, lang: str, forms: Forms) -> str:
    """Where the table's minimum frequency comes from, in one line."""
    if choice.overridden:
        return msg("tables_min_frequency_overridden", lang, forms, n=choice.value,
                  advised=choice.advised)
    if choice.advised is not None:
        return msg("tables_min_frequency_advised", lang, forms, n=choice.value)
    return msg("tables_min_frequency_default", lang, forms, n=choice.value)


def in_file(path: str, exc: InputError) -> InputError:
    """The table builders name their input ``data``; the steward needs the file's name."""
    return InputError(path, exc.problems) if exc.source == "data" else exc


def check_table_outputs(args: argparse.Namespace) -> None:
    """The protected table and the ``--save`` assessment, checked before anything is read:
    neither is the data, a hierarchy or the advising assessment, nor a folder or a device;
    the table's name says the format written (.xlsx/.xlsm a workbook, else CSV)."""
    from hrk_workbench.foundations.outputs import Output, check_outputs

    suffix = Path(args.output).suffix.lower()
    writes = suffix if suffix in (".xlsx", ".xlsm") else ".csv"
    outputs = [Output(args.output, "-o", writes=writes)]
    if args.status:
        kind = Path(args.status).suffix.lower()
        outputs.append(Output(args.status, "--status",
                              writes=kind if kind in (".xlsx", ".xlsm") else ".csv"))
    if args.save:
        outputs.append(Output(args.save, "--save", assessment=True,
                              may_be=("--save", "--assessment")))
    inputs: dict[str, str | None] = {"DATA": args.data, "--assessment": args.assessment,
                                     "--save": args.save}
    for item in args.hierarchy:
        inputs[f"--hierarchy {item}"] = item.partition("=")[2] or None
    check_outputs(outputs, inputs)


def failure_json(dimensions: list[str], failure: dict[str, Any]) -> dict[str, Any]:
    lo, hi = failure["interval"]
    return {"cell": dict(zip(dimensions, failure["key"], strict=False)),
            "missed": failure["missed"], "lo": json_number(lo), "hi": json_number(hi)}


def json_number(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else round(x, 6)


def parse_rules(text: str, min_frequency: int | None) -> tuple[float, float]:
    width = float(min_frequency or 0)
    relative = 0.0
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, number = part.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if name.strip() not in ("width", "relative") or not value >= 0:
            raise bad_option("--rules", f"{part!r} is not width=N or relative=P", value=part,
                       allowed="width=N, relative=P")
        if name.strip() == "width":
            width = max(width, value)
        else:
            relative = value
    return width, relative


def read_margins(table: str, keys: list[tuple[str, ...]], dims: list[str],
             hier: dict[str, Hierarchy], labels: list[str]
             ) -> tuple[list[tuple[str, ...]], dict[str, str | None], list[Problem]]:
    """The keys with each dimension's margin as the hierarchy's root (``Total``), the label
    found per dimension (None: none) and the warnings for what the audit cannot know.

    A code of the dimension's hierarchy is never taken for a margin label. Two labels in one
    column (``Total`` and ``Yhteensä``) are refused: the audit could not tell which is the sum.
    """
    from hrk_workbench.disclosure.tables.cells import TOTAL, is_margin_label, margin_labels

    wanted = margin_labels(labels)
    looked_for = list(dict.fromkeys(t.strip() for t in (TOTAL, *labels) if t.strip()))
    rows = [list(k) for k in keys]
    found: dict[str, str | None] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for d, dim in enumerate(dims):
        h = hier.get(dim)
        nodes = set(h.nodes()) - {TOTAL} if h else set()
        codes = list(dict.fromkeys(k[d] for k in keys))
        margin = [c for c in codes if c not in nodes and is_margin_label(c, wanted)]
        if len(margin) > 1:
            errors.append(Problem(dim, f"{dim} has more than one margin label",
                                  code="table_two_margin_labels",
                                  params={"dimension": dim, "labels": margin}))
            continue
        found[dim] = margin[0] if margin else None
        for row in rows:
            if margin and row[d] == margin[0]:
                row[d] = TOTAL
        subtotals = h is not None and any(h.children.get(c) for c in codes)
        if not margin and not subtotals:
            warnings.append(Problem(dim, f"{dim} has no margin labelled {', '.join(looked_for)}",
                                    severity="warning", code="table_no_margin",
                                    params={"dimension": dim, "labels": looked_for}))
        outside = [c for c in codes if h and c not in nodes and c not in margin]
        if outside:
            warnings.append(Problem(dim, f"code {outside[0]} of {dim} is not in its hierarchy",
                                    severity="warning", code="table_code_outside_hierarchy",
                                    params={"dimension": dim, "value": outside[0],
                                            "count": len(outside)}))
    if errors:
        raise InputError(table, errors)
    return [tuple(r) for r in rows], found, warnings


def exact_published(values: list[float | None]) -> tuple[list[float | None], float]:
    """The published values in whole units of their finest decimal, brought near the
    solver's range by a power of two, and the factor used (1: as they are).

    Why: a table in euros with cents at 10^9 does not add up exactly in floating point, and
    the attacker's programme would read the round-off as contradicting margins or a cell
    pinned down; in whole cents every sum is exact (see ``tables.exact_units``).
    """
    from decimal import Decimal

    from hrk_workbench.disclosure.tables.protect import EXACT_LIMIT, LP_MAGNITUDE, MAX_DECIMALS

    shown = [Decimal(repr(v)) if v is not None and math.isfinite(v) else None for v in values]
    decimals = max((max(0, -int(d.as_tuple().exponent)) for d in shown if d is not None),
                   default=0)
    whole: list[float | None] = list(values)
    scale = 1.0
    if decimals <= MAX_DECIMALS:
        units = [None if d is None else int(d.scaleb(decimals)) for d in shown]
        if sum(abs(u) for u in units if u is not None) < EXACT_LIMIT:
            whole = [None if u is None else float(u) for u in units]
            scale = 10.0 ** decimals
    top = max((abs(w) for w in whole if w is not None and math.isfinite(w)), default=0.0)
    if top > LP_MAGNITUDE:  # a power of two: exact, and within the solver's tolerances
        binary = 2.0 ** -math.ceil(math.log2(top / LP_MAGNITUDE))
        whole = [None if w is None else w * binary for w in whole]
        scale *= binary
    return whole, scale


def status_file(path: str, table: str, dims: list[str], keys: list[tuple[str, ...]],
                 hier: dict[str, Hierarchy], labels: list[str]
                 ) -> tuple[list[str], dict[int, float]]:
    """The status of each cell of the table from ``tables --status`` and the primary cells
    with the interval width each needs (0 when the file does not say).

    Cells are matched by their codes, margins by any of their labels; a cell of the table
    the file does not list has status "" (only the --rules apply to it, if it is
    suppressed), and a file naming cells the table does not have is refused: it belongs to
    another table.
    """
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.tables.cells import to_numbers

    frame = read_table(path)
    missing = [c for c in (*dims, "status") if c not in frame.columns]
    if missing:
        raise InputError(path, [Problem("--status", f"column {c} is not in the status file",
                                        code="table_unknown_column",
                                        params={"column": c, "columns": ", ".join(frame.columns)})
                                for c in missing])
    shown = [tuple(str(v).strip() for v in row) for row in frame[dims].itertuples(index=False)]
    their, _, _ = read_margins(path, shown, dims, hier, labels)
    where = {k: i for i, k in enumerate(keys)}
    unknown = [k for k in their if k not in where]
    if unknown:
        raise InputError(path, [Problem("--status", "the status file is for another table",
                                        code="table_status_mismatch",
                                        params={"cell": " / ".join(unknown[0]),
                                                "count": len(unknown), "table": table})])
    widths = to_numbers(frame["required_width"].fillna(""), "required_width") \
        if "required_width" in frame.columns else None
    status = [""] * len(keys)
    marked: dict[int, float] = {}
    for n, key in enumerate(their):
        i = where[key]
        status[i] = str(frame["status"].iloc[n]).strip()
        if status[i] == "primary":
            need = float(widths.iloc[n]) if widths is not None else 0.0
            marked[i] = 0.0 if math.isnan(need) else need
    return status, marked
