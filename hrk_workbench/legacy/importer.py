"""Import a legacy HRK workbook: detect its layout, map every cell, report everything.

The layouts are data (``forms/legacy/*.yaml``, see :mod:`.mapping`). Sheets are found by name,
else by their header texts, else by the item ids in them; columns by their header texts; items
by id, else by their question text. Nothing the workbook computed is read: the assessment is
built through the model and scored by the workbench. Every cell ends up in the report as
mapped, empty, ignored or unreadable, so a steward can see that nothing was lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError, Problem, problems_from_pydantic
from hrk_workbench.legacy.mapping import SECTIONS, Column, Layout, load_layouts
from hrk_workbench.legacy.reader import Sheet, column_index, read_workbook
from hrk_workbench.legacy.safety import check_workbook_file
from hrk_workbench.legacy.text import item_id, normalise, parse_date, parse_number, shown
from hrk_workbench.model.assessment import MAX_DAY_RATE, MAX_DAYS, MAX_EUR, Assessment

HEADER_SCAN_ROWS = 10
_GENERIC_COLUMNS = {"id", "text", "comment", "mitigation"}


@dataclass
class ImportReport:
    """What happened to every cell of one workbook; JSON via :meth:`to_json`, text via
    :func:`hrk_workbench.legacy.report.report_lines`."""

    source: str
    layout: str = ""
    language: str = ""
    output: str | None = None
    sheets: list[dict[str, Any]] = field(default_factory=list)
    mapped: list[dict[str, Any]] = field(default_factory=list)
    empty: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[Problem] = field(default_factory=list)
    not_found: list[dict[str, Any]] = field(default_factory=list)
    to_add: list[str] = field(default_factory=list)
    # Excel cell comments: those that became answer comments ({sheet, cell, path, text})
    # and those that could not (not on a question's row: {sheet, cell, text})
    comments: list[dict[str, Any]] = field(default_factory=list)
    comments_not_imported: list[dict[str, Any]] = field(default_factory=list)
    recommendation: str | None = None
    error: InputError | None = None


@dataclass
class _Context:
    """State shared while one workbook is mapped."""

    layout: Layout
    forms: Forms
    report: ImportReport
    data: dict[str, Any]
    used: set[tuple[str, int, int]] = field(default_factory=set)
    computed: set[tuple[str, int, int]] = field(default_factory=set)
    # (sheet, row) -> the answer path whose comment a cell note on that row goes to
    comment_rows: dict[tuple[str, int], str] = field(default_factory=dict)

    def use(self, sheet: Sheet, row: int, col: int) -> None:
        self.used.add((sheet.name, row, col))


# --- finding sheets and sections ------------------------------------------------------------

def _section_ids(forms: Forms) -> dict[str, list[str]]:
    hrk = forms.hrk
    return {"gates": [q.id for q in hrk.gates.questions],
            "benefits": [q.id for q in hrk.benefits.questions],
            "risks": [q.id for q in hrk.risks.questions],
            "costs": [q.id for q in hrk.costs.items]}


def _columns(layout: Layout, section: str) -> dict[str, Column]:
    cols = layout.section(section).columns  # type: ignore[attr-defined]
    return {k: getattr(cols, k) for k in type(cols).model_fields if getattr(cols, k)}


def _header_row(sheet: Sheet, rows: list[int], columns: dict[str, Column]) -> \
        tuple[int | None, dict[str, int]]:
    """The row among ``rows`` whose cells name the most columns, and where each one is."""
    wanted = {k: {normalise(h) for h in c.headers} for k, c in columns.items() if c.headers}
    best: tuple[int | None, dict[str, int]] = (None, {})
    for r in rows:
        found: dict[str, int] = {}
        for c, cell in sheet.row(r):
            if not isinstance(cell.value, str):
                continue
            key = normalise(cell.value)
            for name, heads in wanted.items():
                if key in heads and name not in found:
                    found[name] = c
                    break
        if len(found) > len(best[1]):
            best = (r, found)
    return best


def _label_hits(sheet: Sheet, layout: Layout) -> int:
    labels = {normalise(t) for texts in layout.info.fields.values() for t in texts}
    return sum(1 for cell in sheet.cells.values()
               if isinstance(cell.value, str) and normalise(cell.value) in labels)


def _id_hits(sheet: Sheet, ids: list[str]) -> int:
    wanted = set(ids)
    return len({item_id(cell.value, wanted) for cell in sheet.cells.values()
                if isinstance(cell.value, str)} - {None})


@dataclass
class _Match:
    layout: Layout
    found: dict[str, tuple[Sheet, str]]
    """section (or "info") -> (sheet, how it was found: name, headers, labels or ids)."""
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)
    """single-sheet layouts: section -> (first row, last row)."""

    @property
    def score(self) -> tuple[int, int]:
        strong = sum(1 for _, how in self.found.values() if how != "ids")
        return (len(self.found), strong)


def _match_sheets(layout: Layout, sheets: list[Sheet], forms: Forms) -> _Match:
    by_name = {normalise(s.name): s for s in sheets}
    found: dict[str, tuple[Sheet, str]] = {}
    keys = ["info", *SECTIONS]
    names = {"info": layout.info.sheet, **{s: layout.section(s).sheet for s in SECTIONS}}
    taken: set[str] = set()
    ignored = {normalise(n) for ig in layout.ignore_sheets for n in ig.names}
    for key in keys:
        for n in names[key]:
            sheet = by_name.get(normalise(n))
            if sheet and sheet.name not in taken:
                found[key] = (sheet, "name")
                taken.add(sheet.name)
                break
    free = [s for s in sheets if s.name not in taken and normalise(s.name) not in ignored]
    def by_headers(key: str, sheet: Sheet) -> int:
        if key == "info":
            return _label_hits(sheet, layout)
        rows = sheet.row_numbers()[:HEADER_SCAN_ROWS]
        found_cols = _header_row(sheet, rows, _columns(layout, key))[1]
        # "Nro" and "Perustelu" head every section: an answer column must match too
        return len(found_cols) if set(found_cols) - _GENERIC_COLUMNS else 0

    ids = _section_ids(forms)
    for wanted, score, how in (
            (keys, by_headers, lambda key: "labels" if key == "info" else "headers"),
            (SECTIONS, lambda key, sheet: _id_hits(sheet, ids[key]), lambda key: "ids")):
        for key in wanted:
            if key in found:
                continue
            best = _best_sheet([s for s in free if s.name not in taken], key, score)
            if best is not None:
                found[key] = (best, how(key))
                taken.add(best.name)
    return _Match(layout, found)


def _best_sheet(sheets: list[Sheet], key: str,
                score: Callable[[str, Sheet], int]) -> Sheet | None:
    """The sheet that scores highest, above 1 (one hit alone may be chance); the first wins
    a tie, so the workbook's own order decides."""
    best, best_score = None, 1
    for sheet in sheets:
        points = score(key, sheet)
        if points > best_score:
            best, best_score = sheet, points
    return best


def _match_single(layout: Layout, sheets: list[Sheet]) -> _Match:
    heads = {s: {normalise(h) for h in layout.section(s).heading} for s in SECTIONS}
    wanted = {normalise(n) for n in layout.sheet}
    candidates = sorted(sheets, key=lambda s: normalise(s.name) not in wanted)
    best = _Match(layout, {})
    for sheet in candidates:
        starts: dict[str, int] = {}
        for (r, _c), cell in sorted(sheet.cells.items()):
            if not isinstance(cell.value, str):
                continue
            key = normalise(cell.value)
            for section, texts in heads.items():
                if key in texts and section not in starts:
                    starts[section] = r
        how = "name" if normalise(sheet.name) in wanted else "headers"
        found = {s: (sheet, how) for s in starts}
        if starts and _label_hits(sheet, layout):
            found["info"] = (sheet, how)
        match = _Match(layout, found)
        last = max(sheet.row_numbers(), default=0)
        ordered = sorted(starts.items(), key=lambda kv: kv[1])
        first = ordered[0][1] if ordered else last + 1
        match.regions["info"] = (1, first - 1)
        for i, (section, start) in enumerate(ordered):
            end = ordered[i + 1][1] - 1 if i + 1 < len(ordered) else last
            match.regions[section] = (start, end)
        if match.score > best.score:
            best = match
    return best


def detect_layout(sheets: list[Sheet], layouts: tuple[Layout, ...], forms: Forms,
                  source: str) -> _Match:
    """The layout that explains most of the workbook; an error naming every layout if none
    explains at least two of its parts."""
    matches = [(_match_single(lay, sheets) if lay.kind == "single_sheet"
                else _match_sheets(lay, sheets, forms)) for lay in layouts]
    best = max(matches, key=lambda m: m.score, default=None)
    if best is None or best.score[0] < 2:
        looked = "; ".join(lay.looked_for() for lay in layouts)
        raise InputError(source, [Problem(
            "$", "no known HRK layout found", f"one of the layouts: {looked}",
            code="legacy_no_layout", params={"looked_for": looked})])
    return best


# --- values ---------------------------------------------------------------------------------

class _Unreadable(Exception):
    def __init__(self, problem_code: str, expected: str, params: dict[str, Any]):
        self.problem_code = problem_code
        self.expected = expected
        self.params = params


def _scale(layout: Layout, forms: Forms, kind: str) -> tuple[int, int, dict[str, int], list[str]]:
    hrk = forms.hrk
    scale = {"benefit": hrk.benefits.scale, "likelihood": hrk.risks.likelihood,
             "impact": hrk.risks.impact}[kind]
    labels: dict[int, list[str]] = getattr(layout.scales, kind)
    lookup = {normalise(t): v for v, texts in labels.items() for t in texts}
    shown_labels = [f"{v} {texts[0]}" for v, texts in sorted(labels.items())]
    return scale.min, scale.max, lookup, shown_labels


def _read_scale(raw: Any, layout: Layout, forms: Forms, kind: str) -> int:
    lo, hi, lookup, labels = _scale(layout, forms, kind)
    number = parse_number(raw)
    if number is None and isinstance(raw, str) and normalise(raw) in lookup:
        return lookup[normalise(raw)]
    if number is None:
        raise _Unreadable("legacy_bad_scale",
                          f"a whole number from {lo} to {hi} or a label: {', '.join(labels)}",
                          {"min": lo, "max": hi, "labels": labels})
    if not number.is_integer() or not lo <= number <= hi:
        raise _Unreadable("legacy_off_scale", f"a whole number from {lo} to {hi}",
                          {"min": lo, "max": hi})
    return int(number)


def _read_gate(raw: Any, layout: Layout) -> str:
    lookup = {normalise(t): v for v, texts in layout.scales.gate.items() for t in texts}
    if isinstance(raw, str) and normalise(raw) in lookup:
        return lookup[normalise(raw)]
    allowed = [texts[0] for texts in layout.scales.gate.values()]
    raise _Unreadable("legacy_bad_choice", f"one of {', '.join(allowed)}", {"allowed": allowed})


def _read_amount(raw: Any, top: float, *, positive: bool = False) -> float:
    number = parse_number(raw)
    if number is None:
        raise _Unreadable("legacy_bad_amount", "a number >= 0, such as 1200 or 1 200,50", {})
    if number < 0 or number > top or (positive and number == 0):
        low = "more than 0" if positive else "0"
        raise _Unreadable("legacy_amount_range", f"a number from {low} to {top:g}",
                          {"min": 0, "max": top})
    return float(number)


def _read_frequency(raw: Any, forms: Forms) -> str:
    lookup: dict[str, str] = {}
    for f in forms.vocab.frequencies:
        lookup[normalise(f.id)] = f.id
        for text in f.text.values():
            lookup[normalise(text)] = f.id
    if isinstance(raw, str) and normalise(raw) in lookup:
        return lookup[normalise(raw)]
    allowed = [f.text.get("fi", f.id) for f in forms.vocab.frequencies]
    raise _Unreadable("legacy_bad_frequency", f"one of {', '.join(allowed)}",
                      {"allowed": allowed})


def _read_text(raw: Any) -> str:
    return shown(raw).strip()


def _read(kind: str, raw: Any, ctx: _Context) -> Any:
    if kind == "gate":
        return _read_gate(raw, ctx.layout)
    if kind in ("benefit", "likelihood", "impact"):
        return _read_scale(raw, ctx.layout, ctx.forms, kind)
    if kind == "eur":
        return _read_amount(raw, MAX_EUR)
    if kind == "days":
        return _read_amount(raw, MAX_DAYS)
    if kind == "day_rate":
        return _read_amount(raw, MAX_DAY_RATE, positive=True)
    if kind == "date":
        value = parse_date(raw)
        if value is None:
            raise _Unreadable("legacy_bad_date", "a date such as 12.3.2024", {})
        return value
    if kind == "frequency":
        return _read_frequency(raw, ctx.forms)
    return _read_text(raw)


def _take(ctx: _Context, sheet: Sheet, row: int, col: int | None, path: str, kind: str,
          put: Any) -> None:
    """Read one cell into the document through ``put(value)`` and record what happened."""
    report = ctx.report
    cell = sheet.get(row, col) if col else None
    ref = sheet.ref(row, col) if col else sheet.ref(row, 1)
    if cell is None:
        if kind not in ("text", "comment"):
            report.empty.append({"sheet": sheet.name, "cell": ref, "path": path,
                                 "counts_as_zero": kind in ("eur", "days")})
        return
    ctx.use(sheet, row, col)  # type: ignore[arg-type]
    raw = cell.value
    try:
        if cell.kind == "f":
            raise _Unreadable("legacy_formula", "the value itself, not a formula", {})
        if cell.kind == "e" or isinstance(raw, bool):
            raise _Unreadable("legacy_bad_value", "a value", {})
        value = _read(kind, raw, ctx)
    except _Unreadable as exc:
        report.unreadable.append(Problem(
            ref, f"{shown(raw)!r} could not be read for {path}; left unanswered",
            exc.expected, "warning", code=exc.problem_code,
            params={"value": shown(raw), "path": path, **exc.params}))
        return
    put(value)
    report.mapped.append({"sheet": sheet.name, "cell": ref, "path": path, "raw": shown(raw),
                          "value": value.isoformat() if hasattr(value, "isoformat") else value})


# --- sections -------------------------------------------------------------------------------

_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    # section -> column -> (answer field, kind of value)
    "gates": {"value": ("value", "gate"), "comment": ("comment", "comment")},
    "benefits": {"value": ("value", "benefit"), "comment": ("comment", "comment")},
    "risks": {"likelihood": ("likelihood", "likelihood"), "impact": ("impact", "impact"),
              "mitigation": ("mitigation", "comment"),
              "residual_likelihood": ("residual_likelihood", "likelihood"),
              "residual_impact": ("residual_impact", "impact")},
    "costs": {"one_off_days": ("one_off_days", "days"), "one_off_eur": ("one_off_eur", "eur"),
              "yearly_days": ("yearly_days", "days"), "yearly_eur": ("yearly_eur", "eur"),
              "comment": ("comment", "comment")},
}


def _item_texts(ctx: _Context, section: str) -> dict[str, str]:
    """Normalised question text -> id: the layout's wording first, then the forms' texts."""
    ids = set(_section_ids(ctx.forms)[section])
    texts: dict[str, str] = {}
    hrk = ctx.forms.hrk
    questions = {"gates": hrk.gates.questions, "benefits": hrk.benefits.questions,
                 "risks": hrk.risks.questions, "costs": hrk.costs.items}[section]
    for q in questions:
        for text in q.text.values():
            texts.setdefault(normalise(text), q.id)
    for qid, wordings in ctx.layout.items.items():
        if qid in ids:
            for text in wordings:
                texts[normalise(text)] = qid
    return texts


def _read_section(ctx: _Context, section: str, sheet: Sheet, first: int, last: int) -> None:
    columns = _columns(ctx.layout, section)
    rows = [r for r in sheet.row_numbers() if first <= r <= last]
    ids = set(_section_ids(ctx.forms)[section])
    texts = _item_texts(ctx, section)
    # the header row lies above the first item row
    id_col_default = columns["id"].column
    scan: list[int] = []
    for r in rows:
        if id_col_default and item_id(getattr(sheet.get(r, column_index(id_col_default)),
                                              "value", ""), ids):
            break
        scan.append(r)
        if len(scan) >= HEADER_SCAN_ROWS:
            break
    headings = {normalise(h) for h in ctx.layout.section(section).heading}
    for r in scan:
        for c, cell in sheet.row(r):
            if isinstance(cell.value, str) and normalise(cell.value) in headings:
                ctx.use(sheet, r, c)
    header_row, found = _header_row(sheet, scan, columns)
    if "id" not in found and not columns["id"].column:
        found_id = _id_column(sheet, rows, ids)  # headers deleted: the column holding the ids
        if found_id:
            columns = {**columns, "id": Column(column=None)}
            found = {**found, "id": found_id}
    where: dict[str, int] = {}
    for name, spec in columns.items():
        if name in found:
            where[name] = found[name]
        elif spec.column:
            where[name] = column_index(spec.column)
        elif name not in ("text",):
            ctx.report.not_found.append({
                "what": "column", "sheet": sheet.name, "column": name,
                "looked_for": ", ".join(spec.headers)})
    if header_row is not None:
        for c in found.values():
            ctx.use(sheet, header_row, c)
    for name, c in where.items():
        if columns[name].computed:
            for r in rows:
                if r != header_row and sheet.get(r, c) is not None:
                    ctx.computed.add((sheet.name, r, c))
    seen: dict[str, str] = {}
    target: dict[str, Any] = ctx.data.setdefault(section, {}) if section != "costs" else \
        ctx.data.setdefault("costs", {}).setdefault("lines", {})
    for r in rows:
        if header_row is not None and r <= header_row:
            continue
        qid = None
        id_col = where.get("id")
        text_col = where.get("text")
        id_cell = sheet.get(r, id_col) if id_col else None
        if id_cell is not None and isinstance(id_cell.value, str):
            qid = item_id(id_cell.value, ids)
        by_text = False
        if qid is None and text_col and sheet.get(r, text_col) is not None:
            qid = texts.get(normalise(sheet.get(r, text_col).value))  # type: ignore[union-attr]
            by_text = qid is not None
        if qid is None:
            continue  # the row's cells are reported as ignored
        ref = sheet.ref(r, id_col or text_col or 1)
        if qid in seen:
            ctx.report.unreadable.append(Problem(
                ref, f"{qid} appears again (first at {seen[qid]}); this row was ignored",
                "each item once", "warning", code="legacy_duplicate_item",
                params={"item": qid, "first": seen[qid]}))
            for c, _cell in sheet.row(r):
                ctx.use(sheet, r, c)
            continue
        seen[qid] = ref
        if id_cell is not None and not by_text:
            ctx.use(sheet, r, id_col)  # type: ignore[arg-type]
        if text_col and sheet.get(r, text_col) is not None:
            ctx.use(sheet, r, text_col)
        if by_text:
            ctx.report.sheets.append({"what": "matched_by_text", "sheet": sheet.name,
                                      "cell": sheet.ref(r, text_col), "item": qid})
        answer = target.setdefault(qid, {})
        ctx.comment_rows[(sheet.name, r)] = (f"{section}.{qid}.comment" if section != "costs"
                                             else f"costs.lines.{qid}.comment")
        for name, (fname, kind) in _FIELDS[section].items():
            if name not in where:
                continue
            path = f"{section}.{qid}.{fname}" if section != "costs" \
                else f"costs.lines.{qid}.{fname}"
            _take(ctx, sheet, r, where[name], path, kind,
                  lambda v, a=answer, f=fname: a.__setitem__(f, v))
    for qid in sorted(ids - set(seen), key=_section_ids(ctx.forms)[section].index):
        ctx.report.not_found.append({"what": "item", "path": f"{section}.{qid}"})
    for qid in list(target):
        if not target[qid]:
            del target[qid]


def _id_column(sheet: Sheet, rows: list[int], ids: set[str]) -> int | None:
    hits: dict[int, int] = {}
    for (r, c), cell in sheet.cells.items():
        if r in rows and isinstance(cell.value, str) and item_id(cell.value, ids):
            hits[c] = hits.get(c, 0) + 1
    return max(hits, key=lambda c: (hits[c], -c)) if hits else None


_INFO_PATHS = {
    "title": "dataset.title.{lang}", "publisher": "dataset.publisher",
    "information_manager": "dataset.information_manager",
    "contact_name": "dataset.contact.name", "contact_email": "dataset.contact.email",
    "description": "dataset.description.{lang}", "source_system": "dataset.source_system",
    "update_frequency": "dataset.update_frequency", "assessment_date": "created",
    "assessor": "participants[0].name", "day_rate_eur": "costs.day_rate_eur",
}
_INFO_KINDS = {"update_frequency": "frequency", "assessment_date": "date",
               "day_rate_eur": "day_rate"}


def _put_info(data: dict[str, Any], name: str, lang: str, value: Any) -> None:
    ds = data.setdefault("dataset", {})
    if name in ("title", "description"):
        ds.setdefault(name, {})[lang] = value
    elif name == "contact_name":
        ds.setdefault("contact", {})["name"] = value
    elif name == "contact_email":
        ds.setdefault("contact", {})["email"] = value
    elif name == "assessment_date":
        data["created"] = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif name == "assessor":
        data["participants"] = [{"name": value}]
    elif name == "day_rate_eur":
        data.setdefault("costs", {})["day_rate_eur"] = value
    else:
        ds[name] = value


def _read_info(ctx: _Context, sheet: Sheet, first: int, last: int) -> None:
    lang = ctx.layout.language
    labels = {normalise(t): name for name, texts in ctx.layout.info.fields.items()
              for t in texts}
    done: set[str] = set()
    for r in sheet.row_numbers():
        if not first <= r <= last:
            continue
        cells = sheet.row(r)
        for i, (c, cell) in enumerate(cells):
            if not isinstance(cell.value, str) or cell.kind == "f":
                continue
            name = labels.get(normalise(cell.value))
            if name is None or name in done:
                continue
            done.add(name)
            ctx.use(sheet, r, c)
            ctx.comment_rows[(sheet.name, r)] = "dataset.comment"
            value_col = cells[i + 1][0] if i + 1 < len(cells) else None
            path = _INFO_PATHS[name].format(lang=lang)
            if value_col is None:
                ctx.report.empty.append({"sheet": sheet.name, "cell": sheet.ref(r, c + 1),
                                         "path": path, "counts_as_zero": False})
            else:
                _take(ctx, sheet, r, value_col, path, _INFO_KINDS.get(name, "field"),
                      lambda v, n=name: _put_info(ctx.data, n, lang, v))
            break
    for name in ctx.layout.info.fields:
        if name not in done:
            ctx.report.not_found.append({"what": "field",
                                         "path": _INFO_PATHS[name].format(lang=lang)})


# --- the whole workbook ---------------------------------------------------------------------

def import_workbook(path: str | Path, forms: Forms) -> tuple[Assessment, ImportReport]:
    """Read ``path`` into a new assessment and the report of what happened to each cell.

    Raises :class:`InputError` (one coded problem) when the file cannot be imported at all.
    """
    from hrk_workbench.decision.summary import summarise

    path = Path(path)
    check_workbook_file(path)
    layouts = load_layouts(forms)
    sheets = read_workbook(path)
    if not any(s.cells for s in sheets):
        raise InputError(str(path), [Problem("$", "the workbook has no filled cells",
                                             "an HRK assessment workbook",
                                             code="legacy_empty_workbook")])
    match = detect_layout(sheets, layouts, forms, str(path))
    layout = match.layout
    report = ImportReport(source=str(path), layout=layout.id, language=layout.language)
    ctx = _Context(layout, forms, report, {"language": layout.language})
    for key in ["info", *SECTIONS]:
        if key not in match.found:
            looked = (layout.info.sheet or layout.sheet) if key == "info" else (
                layout.section(key).sheet or layout.section(key).heading)
            report.not_found.append({"what": "section", "section": key,
                                     "looked_for": ", ".join(looked)})
            continue
        sheet, how = match.found[key]
        report.sheets.append({"what": "section", "section": key, "sheet": sheet.name,
                              "found_by": how})
        first, last = match.regions.get(key, (1, 10**9))
        if key == "info":
            _read_info(ctx, sheet, first, last)
        else:
            _read_section(ctx, key, sheet, first, last)
    _report_rest(ctx, sheets, match)
    _take_comments(ctx, path)
    try:
        assessment = Assessment.model_validate(ctx.data)
    except ValidationError as exc:  # a mapping that produced a wrong shape: say where
        raise InputError(str(path), problems_from_pydantic(exc)) from None
    summary = summarise(assessment, forms)
    report.recommendation = summary.recommendation.outcome
    report.to_add = list(summary.recommendation.missing)
    return assessment, report


def _take_comments(ctx: _Context, path: Path) -> None:
    """Each Excel note on a question's row (or a described field's row) is added to that
    answer's comment, after any comment the sheet's own column gave; every other note is
    listed as not imported, so none is lost without a word."""
    from hrk_workbench.legacy.comments import read_comments
    from hrk_workbench.legacy.reader import sheet_ref

    for note in read_comments(path):
        ref = sheet_ref(note.sheet, note.row, note.col)
        where = ctx.comment_rows.get((note.sheet, note.row))
        if where is None:
            ctx.report.comments_not_imported.append(
                {"sheet": note.sheet, "cell": ref, "text": note.text.strip()})
            continue
        text = note.as_answer_comment()
        target = ctx.data
        *parents, last = where.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = f"{target[last]}\n{text}" if target.get(last) else text
        ctx.report.comments.append({"sheet": note.sheet, "cell": ref, "path": where,
                                    "text": text})


def _report_rest(ctx: _Context, sheets: list[Sheet], match: _Match) -> None:
    """Every non-blank cell not read: ignored, with its sheet and cell."""
    mapped_sheets = {s.name for s, _ in match.found.values()}
    ignored_names = {normalise(n): ig.why for ig in ctx.layout.ignore_sheets for n in ig.names}
    for sheet in sheets:
        if sheet.name not in mapped_sheets:
            why = ignored_names.get(normalise(sheet.name), "unknown")
            if sheet.cells or why != "unknown":
                ctx.report.ignored.append({"sheet": sheet.name, "cell": None, "value": None,
                                           "why": f"sheet_{why}"})
            continue
        for (r, c), cell in sorted(sheet.cells.items()):
            if (sheet.name, r, c) in ctx.used:
                continue
            why = "computed" if (sheet.name, r, c) in ctx.computed else "not_in_layout"
            ctx.report.ignored.append({"sheet": sheet.name, "cell": sheet.ref(r, c),
                                       "value": shown(cell.value), "why": why})
        if sheet.truncated:
            ctx.report.ignored.append({"sheet": sheet.name, "cell": None, "value": None,
                                       "why": "too_many_rows"})
