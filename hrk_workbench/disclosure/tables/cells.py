"""Tables for the table lab: cells of 1–3 dimensions with every subtotal and the grand total.

Why margins are built here and not taken from the data: a table is only safe if no suppressed
cell can be recomputed from what is published, and what is published includes every subtotal.
The suppression and the audit therefore need the whole additive structure (each parent cell is
the sum of its children, in every dimension, at every level of a hierarchy), so the table is
always completed from its finest cells, never trusted to be consistent.

A cell keeps what the primary rules need: its value, the number of units behind it and its
largest contributions (for the dominance and p% rules). The largest contributions of a margin
are merged from its children's, which is exact when every unit falls in one finest cell.

pandas is imported inside the functions, so the CLI starts fast; the protected result is
:class:`~.protect.ProtectedTable`.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd


TOTAL = "Total"
MAX_DIMENSIONS = 3
TOP_KEEP = 5  # largest contributions kept per cell: enough for (n,k) with n <= 5 and p%


def margin_labels(labels: Iterable[str] = ()) -> frozenset[str]:
    """The labels read as a margin (``Total`` and ``labels``), trimmed and case-folded.

    Why more than ``Total``: tables published in Finnish and Swedish label their margins
    Yhteensä, Totalt, Summa ...; read as ordinary codes, a margin adds no equation, and a cell
    it gives away looks protected. The labels are data (``total_labels`` in
    forms/anonymisation.yaml).
    """
    return frozenset(t.strip().casefold() for t in (TOTAL, *labels) if t.strip())


def is_margin_label(code: str, labels: frozenset[str]) -> bool:
    """``code`` is one of ``labels`` (from :func:`margin_labels`), in any case, trimmed."""
    return code.strip().casefold() in labels


# --- hierarchies ------------------------------------------------------------------------------

@dataclass
class Hierarchy:
    """The codes of one dimension as a tree under ``Total``.

    A flat dimension is a hierarchy of depth one. Children keep the order they were given in,
    so the published table lists codes as the steward's classification does.
    """

    name: str
    children: dict[str, list[str]] = field(default_factory=dict)
    root: str = TOTAL

    @classmethod
    def flat(cls, name: str, codes: Iterable[str]) -> Hierarchy:
        """``Total`` with the codes as its children (sorted, so runs are reproducible)."""
        return cls(name, {TOTAL: sorted(set(codes), key=_natural)})

    def parent_of(self) -> dict[str, str]:
        return {c: p for p, kids in self.children.items() for c in kids}

    def nodes(self) -> list[str]:
        """Every code, the root first, each parent before its children (pre-order)."""
        out: list[str] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    def leaves(self) -> list[str]:
        return [n for n in self.nodes() if not self.children.get(n)]

    def depth(self) -> int:
        """Levels below ``Total`` (1 for a flat dimension)."""
        def d(node: str) -> int:
            kids = self.children.get(node, [])
            return 1 + max(d(k) for k in kids) if kids else 0
        return d(self.root)

    def bottom_up(self) -> list[str]:
        """Non-leaf codes, every child's subtree before its parent (to aggregate upwards)."""
        return [n for n in reversed(self.nodes()) if self.children.get(n)]


def _natural(code: str) -> tuple[Any, ...]:
    """Sort "2" before "10": classification codes are often numbers written as text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                 for p in _split_digits(code))


def _split_digits(text: str) -> list[str]:
    return ["".join(g) for _, g in itertools.groupby(text, str.isdigit)]


def read_hierarchy(path: str | os.PathLike[str], name: str) -> Hierarchy:
    """A hierarchy file: CSV with ``code`` and ``parent`` columns, or tau-Argus ``.hrc``.

    Why two forms: stewards keep classifications as a code list with parents (CSV), and
    statistics offices already have ``.hrc`` files (one code a line, one ``@`` per level below
    the top). An empty parent, or ``Total``, puts a code directly under the grand total.
    """
    from hrk_workbench.foundations.jsonfile import MAX_HIERARCHY_BYTES, read_bounded

    p = Path(path)
    try:  # a regular file of bounded size: never a pipe or /dev/zero read forever
        raw = read_bounded(p, MAX_HIERARCHY_BYTES)
    except FileNotFoundError:
        raise InputError(str(p), [Problem("$", "file not found", "a hierarchy file",
                                          code="file_not_found")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(str(p), [Problem("$", "the hierarchy file is empty",
                                          code="table_bad_hierarchy",
                                          params={"detail": "empty"})])
    first = lines[0].lower()
    delimiter = next((d for d in (",", ";", "\t") if d in first), None)
    if delimiter and "code" in first:
        return _hierarchy_from_csv(p, name, text, delimiter)
    return _hierarchy_from_hrc(p, name, lines)


def _hierarchy_from_csv(p: Path, name: str, text: str, delimiter: str) -> Hierarchy:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = {f.strip().lower(): f for f in reader.fieldnames or []}
    if "code" not in fields or "parent" not in fields:
        raise InputError(str(p), [Problem("$", "a hierarchy CSV needs columns code and parent",
                                          code="table_bad_hierarchy",
                                          params={"detail": "columns code, parent"})])
    pairs = [((row.get(fields["code"]) or "").strip(), (row.get(fields["parent"]) or "").strip())
             for row in reader]
    return _hierarchy_from_pairs(p, name, [(c, pa or TOTAL) for c, pa in pairs if c])


def _hierarchy_from_hrc(p: Path, name: str, lines: list[str]) -> Hierarchy:
    pairs: list[tuple[str, str]] = []
    stack: list[str] = []  # the current code at each depth
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        depth = len(stripped) - len(stripped.lstrip("@"))
        code = stripped.lstrip("@").strip()
        if depth > len(stack):
            raise InputError(str(p), [Problem(f"line {number}", "a level is skipped",
                                              code="table_bad_hierarchy",
                                              params={"detail": f"line {number}"})])
        stack = stack[:depth]
        pairs.append((code, stack[-1] if stack else TOTAL))
        stack.append(code)
    return _hierarchy_from_pairs(p, name, pairs)


def _hierarchy_from_pairs(p: Path, name: str, pairs: list[tuple[str, str]]) -> Hierarchy:
    children: dict[str, list[str]] = {}
    seen: set[str] = set()
    problems = []
    for code, parent in pairs:
        if code in seen or code == TOTAL:
            problems.append(Problem(code, f"code {code} appears twice", code="table_bad_hierarchy",
                                    params={"detail": code}))
            continue
        seen.add(code)
        children.setdefault(parent, []).append(code)
    unknown = [pa for pa in children if pa != TOTAL and pa not in seen]
    problems += [Problem(pa, f"parent {pa} is not a code", code="table_bad_hierarchy",
                         params={"detail": pa}) for pa in unknown]
    if problems:
        raise InputError(str(p), problems)
    h = Hierarchy(name, children)
    if len(h.nodes()) != len(seen) + 1:  # a cycle leaves codes unreachable from Total
        raise InputError(str(p), [Problem("$", "the hierarchy has a cycle",
                                          code="table_bad_hierarchy", params={"detail": "cycle"})])
    return h


# --- the table --------------------------------------------------------------------------------

@dataclass
class Table:
    """Every cell of a table, margins included, in a fixed order.

    ``counts`` is None for a cell whose number of units is not known (an aggregated table
    without a count column); ``tops`` holds the largest contributions, largest first, empty
    when unknown. ``value_name`` is None for a frequency (count) table.
    """

    dimensions: list[str]
    hierarchies: list[Hierarchy]
    keys: list[tuple[str, ...]]
    values: list[float]
    counts: list[int | None]
    tops: list[tuple[float, ...]]
    value_name: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # the totals the primary rules judge when they differ from the published values (a
    # survey's unweighted respondents behind weighted values); None: the values themselves
    basis: list[float] | None = None
    _index: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {k: i for i, k in enumerate(self.keys)}

    @property
    def magnitude(self) -> bool:
        return self.value_name is not None

    def __len__(self) -> int:
        return len(self.keys)

    def index(self, key: Sequence[str]) -> int:
        return self._index[tuple(key)]

    def equations(self) -> list[tuple[int, list[int]]]:
        """(parent, children) for every additive relation: parent = sum of children."""
        out: list[tuple[int, list[int]]] = []
        for i, key in enumerate(self.keys):
            for d, h in enumerate(self.hierarchies):
                kids = h.children.get(key[d])
                if kids:
                    out.append((i, [self._index[(*key[:d], c, *key[d + 1:])] for c in kids]))
        return out

    def is_margin(self, i: int) -> bool:
        return any(h.children.get(c) for h, c in zip(self.hierarchies, self.keys[i], strict=True))


def _cell_keys(hierarchies: Sequence[Hierarchy]) -> list[tuple[str, ...]]:
    return list(itertools.product(*(h.nodes() for h in hierarchies)))


def _merge_tops(parts: Iterable[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(heapq.nlargest(TOP_KEEP, itertools.chain.from_iterable(parts)))


def _complete(dimensions: list[str], hierarchies: list[Hierarchy],
              leaf: Mapping[tuple[str, ...], tuple[float, int | None, tuple[float, ...]]],
              value_name: str | None, problems: list[Problem]) -> Table:
    """Fill every margin from the finest cells, one dimension at a time.

    After dimension d is done, every cell whose codes in dimensions <= d are any node and in
    the later dimensions are leaves exists, so each parent is summed from existing children.
    """
    cells: dict[tuple[str, ...], tuple[float, int | None, tuple[float, ...]]] = dict(leaf)
    for d, h in enumerate(hierarchies):
        others = [hh.nodes() if e < d else hh.leaves() for e, hh in enumerate(hierarchies)]
        for parent in h.bottom_up():
            kids = h.children[parent]
            for combo in itertools.product(*(others[:d] + others[d + 1:])):
                parts = [cells.get((*combo[:d], k, *combo[d:])) for k in kids]
                parts = [x for x in parts if x is not None]
                if not parts:
                    continue
                counts = [x[1] for x in parts]
                cells[(*combo[:d], parent, *combo[d:])] = (
                    math.fsum(x[0] for x in parts),
                    None if any(c is None for c in counts) else sum(counts),  # type: ignore[misc]
                    _merge_tops(x[2] for x in parts))
    keys = _cell_keys(hierarchies)
    unknown_count = any(c is None for _, c, _ in leaf.values())
    empty = (0.0, None if unknown_count else 0, ())
    rows = [cells.get(k, empty) for k in keys]
    return Table(dimensions, hierarchies, keys, [r[0] for r in rows], [r[1] for r in rows],
                 [r[2] for r in rows], value_name, problems)


def _check_dimensions(dimensions: Sequence[str]) -> None:
    if not 1 <= len(dimensions) <= MAX_DIMENSIONS or len(set(dimensions)) != len(dimensions):
        raise InputError("--rows/--cols/--layer", [Problem(
            "$", "a table has one to three different dimensions",
            code="table_dimensions", params={"count": len(dimensions)})])


def _hierarchies(frame: pd.DataFrame, dimensions: Sequence[str],
                 given: Mapping[str, Hierarchy] | None,
                 labels: frozenset[str] = frozenset()) -> list[Hierarchy]:
    out = []
    problems = []
    for dim in dimensions:
        codes = sorted({str(v) for v in frame[dim].tolist()})
        h = (given or {}).get(dim)
        if h is None:
            h = Hierarchy.flat(dim, codes)
        else:
            leaves = set(h.leaves())
            problems += [Problem(f"{dim}={c}", f"code {c} is not a lowest level of the hierarchy",
                                 code="table_code_not_in_hierarchy",
                                 params={"dimension": dim, "value": c})
                         for c in codes if c not in leaves]
        if TOTAL in codes and dim not in (given or {}):
            problems.append(Problem(f"{dim}={TOTAL}", f"{TOTAL} is the margin's label",
                                    code="table_total_code", params={"dimension": dim}))
        elif dim not in (given or {}):
            # a code audit would read as a margin: the published table could not be read back
            problems += [Problem(f"{dim}={c}", f"{c} is a margin label",
                                 code="table_total_label_code",
                                 params={"dimension": dim, "value": c})
                         for c in codes if is_margin_label(c, labels)]
        out.append(h)
    if problems:
        raise InputError("data", problems)
    return out


def _codes(frame: pd.DataFrame, dimensions: Sequence[str]) -> pd.DataFrame:
    """Dimension values as trimmed text; a missing code is an error naming the column."""
    frame = frame.copy()
    problems = []
    for dim in dimensions:
        missing = frame[dim].isna()
        if missing.any():
            problems.append(Problem(dim, f"{int(missing.sum())} rows have no {dim}",
                                    code="table_missing_code",
                                    params={"dimension": dim, "count": int(missing.sum())}))
        frame[dim] = frame[dim].astype(str).str.strip()
    if problems:
        raise InputError("data", problems)
    return frame


def to_numbers(series: pd.Series, column: str) -> pd.Series:
    """Numbers from text as Finnish and Swedish exports write them (``1 234,5``).

    Why not ``pd.to_numeric`` alone: a decimal comma would turn every value into NaN and the
    table into zeros without a word. Text that is not a number is an error naming the column.
    """
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series):
        out = series.astype(float)
    else:
        text = series.astype(str).str.replace("\u00a0", "", regex=False) \
            .str.replace(" ", "", regex=False).str.strip()
        comma = text.str.contains(",", regex=False) & ~text.str.contains(".", regex=False)
        text = text.where(~comma, text.str.replace(",", ".", regex=False))
        out = pd.to_numeric(text.replace({"": None, "nan": None, "None": None}), errors="coerce")
        bad = out.isna() & series.notna() & (text != "") & (text != "nan")
        if bad.any():
            first = str(series[bad].iloc[0])
            raise InputError("data", [Problem(column, f"{first!r} is not a number",
                                              code="table_not_a_number",
                                              params={"column": column, "value": first})])
    return out


def _file_row(frame: pd.DataFrame, pos: Any) -> int:
    """The row as a spreadsheet shows it (the header is row 1), for an error message."""
    try:
        return int(frame.index.get_loc(pos)) + 2
    except (KeyError, TypeError):
        return 0


def unit_counts(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of unit counts (frequencies, or the units a record stands for) as numbers.

    Why refused rather than warned: a negative number of units has no meaning, and it would
    make a small cell look large (or a margin smaller than its cells), so the minimum
    frequency rule would pass a cell it must flag. The error names the first such row.
    """
    numbers = to_numbers(frame[column], column)
    negative = numbers < 0
    if negative.any():
        pos = numbers.index[negative][0]
        raise InputError("data", [Problem(
            column, f"row {_file_row(frame, pos)}: negative number of units",
            "0 or more", code="table_negative_count",
            params={"column": column, "row": _file_row(frame, pos),
                    "value": str(frame.at[pos, column]), "count": int(negative.sum())})])
    return numbers


def sampling_weights(frame: pd.DataFrame, column: str) -> pd.Series:
    """A survey's sampling weights: each a positive number, or an error naming the row.

    Why refused rather than filled in: a respondent without a weight would vanish from the
    published (weighted) values while still counting in the rules, and a weight of zero or
    less has no meaning as "units this respondent stands for".
    """
    numbers = to_numbers(frame[column], column)
    bad = numbers.isna() | (numbers <= 0)
    if bad.any():
        pos = numbers.index[bad][0]
        raise InputError("data", [Problem(
            column, f"row {_file_row(frame, pos)}: not a positive sampling weight",
            "a number above 0", code="table_bad_weight",
            params={"column": column, "row": _file_row(frame, pos),
                    "value": str(frame.at[pos, column]), "count": int(bad.sum())})])
    return numbers


def table_from_microdata(frame: pd.DataFrame, dimensions: Sequence[str],
                         value: str | None = None,
                         hierarchies: Mapping[str, Hierarchy] | None = None,
                         count: str | None = None, total_labels: Iterable[str] = (),
                         weight: str | None = None, holding: str | None = None) -> Table:
    """A count table (``value`` None) or a sum of ``value``, from one row per unit.

    Rows whose value is missing still count as units (they are in the frequency) but add
    nothing to the sum; the number of such rows is reported as a warning. ``count`` names a
    column of the units each row stands for (a frequency weight; 1 when empty): the cell's
    frequency is their sum, and a row's value is the total of its units, so it counts as one
    contribution to the dominance and p% rules (which can only flag more, never less).
    A code that is one of ``total_labels`` (any case) is refused, as ``Total`` is: the
    published table would have it next to its margins, and ``audit`` would read it as one.

    ``weight`` names a survey's sampling weight: the published values are weighted (the sum
    of weight x value, or of the weights in a count table) while the rules judge the
    unweighted respondents (``Table.basis``, the counts and the contributions).
    ``holding`` names the owner or enterprise group of each unit: the dominance, p% and
    (p,q) rules see one contribution per holding and cell (its units added up), because an
    owner of two firms knows both; a unit without a holding is its own.
    """
    if weight and count:
        raise InputError("--weight", [Problem("$", "--weight and --count together",
                                              code="table_weight_and_count",
                                              params={"weight": weight, "count": count})])
    table = _unweighted_table(frame, dimensions, value, hierarchies, count, total_labels)
    if holding and value:
        tops = _holding_tops(_codes(frame, list(dimensions)), table, value, holding)
        table.tops = [tops.get(k, ()) for k in table.keys]
    elif holding:  # a count table has no contributions for a holding to add up
        table.problems.append(Problem(holding, "holdings apply to a sum (--value)",
                                      severity="warning", code="table_holding_unused",
                                      params={"column": holding}))
    if weight:
        w = sampling_weights(frame, weight)
        amounts = w if value is None else w * to_numbers(frame[value], value).fillna(0.0)
        weighted = _codes(frame, list(dimensions)).assign(_v=amounts)
        leaf = {tuple(str(x) for x in (k if isinstance(k, tuple) else (k,))): (float(v), 0, ())
                for k, v in weighted.groupby(list(dimensions), sort=False)["_v"]
                .apply(lambda g: math.fsum(g.to_numpy())).items()}
        sums = _complete(list(dimensions), table.hierarchies, leaf, value, [])
        table.basis = table.values
        table.values = sums.values
    return table


def _holding_tops(frame: pd.DataFrame, table: Table, value: str,
                  holding: str) -> dict[tuple[str, ...], tuple[float, ...]]:
    """The largest contributions of every cell, margins included, one per holding.

    Why not merged from the children as without holdings: a holding with firms in two
    industries is one contributor to their total, larger than either part, so each cell adds
    up its holdings' units itself (a unit's cell and every cell above it).
    """
    dims = list(table.dimensions)
    values = to_numbers(frame[value], value).fillna(0.0)
    owner = frame[holding].astype(str).str.strip()
    alone = frame[holding].isna() | (owner == "")
    owner = owner.where(~alone, "\x00" + frame.index.astype(str))  # no holding: its own
    parents = [h.parent_of() for h in table.hierarchies]
    chains: dict[tuple[int, str], list[str]] = {}

    def chain(d: int, code: str) -> list[str]:
        if (d, code) not in chains:
            out = [code]
            while out[-1] in parents[d]:
                out.append(parents[d][out[-1]])
            chains[(d, code)] = out
        return chains[(d, code)]

    parts = frame[dims].assign(_h=owner, _v=values).groupby([*dims, "_h"], sort=False)["_v"]
    acc: dict[tuple[str, ...], dict[str, float]] = {}
    for key, amount in parts.sum().items():
        codes, who = key[:-1], key[-1]
        for cell in itertools.product(*(chain(d, str(c)) for d, c in enumerate(codes))):
            bucket = acc.setdefault(cell, {})
            bucket[who] = bucket.get(who, 0.0) + float(amount)
    return {k: tuple(heapq.nlargest(TOP_KEEP, b.values())) for k, b in acc.items()}


def _unweighted_table(frame: pd.DataFrame, dimensions: Sequence[str], value: str | None,
                      hierarchies: Mapping[str, Hierarchy] | None, count: str | None,
                      total_labels: Iterable[str]) -> Table:
    """The table of :func:`table_from_microdata` before weights and holdings."""
    dimensions = list(dimensions)
    _check_dimensions(dimensions)
    frame = _codes(frame, dimensions)
    problems: list[Problem] = []
    weights = unit_counts(frame, count).fillna(1.0).round() if count else None
    values = to_numbers(frame[value], value) if value else None
    if values is not None:
        missing = int(values.isna().sum())
        if missing:
            problems.append(Problem(value or "", f"{missing} rows have no value",
                                    severity="warning", code="table_missing_values",
                                    params={"column": value, "count": missing}))
        frame = frame.assign(_v=values.fillna(0.0))
        if (frame["_v"] < 0).any():
            problems.append(Problem(value or "", "negative values: the dominance and p% rules "
                                    "assume contributions of zero or more", severity="warning",
                                    code="table_negative_values", params={"column": value}))
    else:
        frame = frame.assign(_v=1.0)
    hier = _hierarchies(frame, dimensions, hierarchies, margin_labels(total_labels))
    leaf: dict[tuple[str, ...], tuple[float, int | None, tuple[float, ...]]] = {}
    ordered = frame.sort_values("_v", ascending=False, kind="stable")
    for key, group in ordered.groupby(dimensions, sort=False)["_v"]:
        k = key if isinstance(key, tuple) else (key,)
        vals = group.to_numpy()
        leaf[tuple(str(x) for x in k)] = (math.fsum(vals), len(vals),
                                          tuple(float(x) for x in vals[:TOP_KEEP]))
    if weights is not None:
        sums = frame.assign(_w=weights).groupby(dimensions, sort=False)["_w"].sum()
        for key, n in sums.items():
            k = tuple(str(x) for x in (key if isinstance(key, tuple) else (key,)))
            v, _, t = leaf[k]
            leaf[k] = (float(n) if value is None else v, int(n), t)
    if value is None:  # in a count table every unit contributes 1; no dominance to judge
        leaf = {k: (v, c, ()) for k, (v, c, _) in leaf.items()}
    return _complete(dimensions, hier, leaf, value, problems)


def table_from_aggregate(frame: pd.DataFrame, dimensions: Sequence[str],
                         value: str | None = None, count: str | None = None,
                         top: Sequence[str] = (),
                         hierarchies: Mapping[str, Hierarchy] | None = None,
                         total_labels: Iterable[str] = ()) -> Table:
    """An already aggregated table: one row per finest cell (margins, if given, are checked).

    ``value`` None and ``count`` given is a frequency table. Rows labelled ``Total`` (or any
    non-lowest hierarchy code) are margins: they are recomputed from the finest cells and a
    given margin that differs is reported, because a table whose margins do not add up would
    make both the suppression and the audit wrong. A row labelled one of ``total_labels``
    (Yhteensä, Totalt ..., any case; not a code of the dimension's hierarchy) is the same
    margin as ``Total``.
    """
    dimensions = list(dimensions)
    _check_dimensions(dimensions)
    if value is None and count is None:
        raise InputError("--value", [Problem("$", "an aggregated table needs a value or a "
                                             "count column", code="table_no_value")])
    frame = _codes(frame, dimensions)
    labels = margin_labels(total_labels)
    for dim in dimensions:  # the margin, however labelled, is the hierarchy's root
        h = (hierarchies or {}).get(dim)
        codes = set(h.nodes()) - {TOTAL} if h else set()
        frame[dim] = frame[dim].map(
            lambda c, codes=codes: TOTAL if c not in codes and is_margin_label(c, labels) else c)
    vals = to_numbers(frame[value], value).fillna(0.0) if value else None
    cnts = unit_counts(frame, count) if count else None
    tops = [to_numbers(frame[c], c) for c in top]
    given = dict(hierarchies or {})
    non_leaf: dict[str, set[str]] = {}
    for dim in dimensions:
        h = given.get(dim)
        non_leaf[dim] = {TOTAL} | ({n for n in h.nodes() if h.children.get(n)} if h else set())
    is_leaf = frame[dimensions].apply(
        lambda col: ~col.isin(non_leaf[col.name])).all(axis=1)
    hier = _hierarchies(frame[is_leaf], dimensions, hierarchies)
    leaf: dict[tuple[str, ...], tuple[float, int | None, tuple[float, ...]]] = {}
    problems: list[Problem] = []
    for pos in frame.index[is_leaf]:
        key = tuple(frame.at[pos, d] for d in dimensions)
        n = None if cnts is None or math.isnan(cnts[pos]) else round(float(cnts[pos]))
        v = float(vals[pos]) if vals is not None else float(n or 0)
        t = tuple(sorted((float(s[pos]) for s in tops if not math.isnan(s[pos])), reverse=True))
        if key in leaf:
            problems.append(Problem("/".join(key), "cell appears twice", severity="warning",
                                    code="table_duplicate_cell", params={"cell": "/".join(key)}))
            old = leaf[key]
            n = None if old[1] is None or n is None else old[1] + n
            v, t = old[0] + v, _merge_tops([old[2], t])
        leaf[key] = (v, n, t)
    table = _complete(dimensions, hier, leaf, value, problems)
    if value is None:
        table.value_name = None
    for pos in frame.index[~is_leaf]:  # given margins: check that they add up
        key = tuple(frame.at[pos, d] for d in dimensions)
        i = table._index.get(key)
        given_v = float(vals[pos]) if vals is not None else float(cnts[pos])  # type: ignore[index]
        if i is not None and not math.isclose(given_v, table.values[i], rel_tol=1e-9,
                                              abs_tol=1e-6):
            problems.append(Problem("/".join(key), "the margin is not the sum of its cells",
                                    severity="warning", code="table_margin_mismatch",
                                    params={"cell": "/".join(key), "given": given_v,
                                            "sum": table.values[i]}))
    return table
