"""Write an assessment in a legacy layout, so stewards can still send Excel to colleagues.

The layout's mapping file gives the sheet names, headers, labels and scale words, so export
and import read the same file and a round trip gives back the same answers. Cells take data
validation lists (gates, ratings) and number checks (costs). Text from the assessment is
always written as text: a value such as ``=HYPERLINK(...)`` or ``+358 40...`` is stored as a
string with Excel's quote prefix, so no spreadsheet evaluates it as a formula.

The summary sheet holds the scores the app shows, taken from the core's ``summarise`` (the
GUI's summary panel uses the same function), as values beside their labels: the old tool's
formulas summed raw ratings, which is not the weighted benefit score. What the layout has no
place for (personal data, anonymisation, licence, decision, ...) is returned as warnings by
:func:`not_held`, so the steward knows the workbook is not the whole assessment.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.atomic import atomic_write_bytes
from hrk_workbench.foundations.csvfile import FORMULA_STARTS  # the CSV files neutralise the same
from hrk_workbench.foundations.i18n import label, render_all
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.legacy.mapping import SECTIONS, Layout
from hrk_workbench.legacy.reader import column_letter
from hrk_workbench.model.assessment import Assessment


def _text_cell(ws: Any, row: int, col: int, value: str) -> None:
    """Store ``value`` as text whatever it starts with (never as a formula)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise treat "=..." as a formula
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _put(ws: Any, row: int, col: int, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        _text_cell(ws, row, col, value)
    elif isinstance(value, float) and value.is_integer():
        ws.cell(row=row, column=col, value=int(value))
    else:
        ws.cell(row=row, column=col, value=value)


def _info_values(a: Assessment, lang: str, forms: Forms) -> dict[str, Any]:
    ds = a.dataset
    freq = next((f for f in forms.vocab.frequencies if f.id == ds.update_frequency), None)
    return {
        "title": a.title(lang), "publisher": ds.publisher,
        "information_manager": ds.information_manager, "contact_name": ds.contact.name,
        "contact_email": ds.contact.email,
        "description": ds.description.get(lang) or next(
            (t for t in ds.description.values() if t), ""),
        "source_system": ds.source_system,
        "update_frequency": freq.text.get(lang, freq.id) if freq else None,
        "assessment_date": a.created.date() if a.created else None,
        "assessor": a.participants[0].name if a.participants else None,
        "day_rate_eur": a.costs.day_rate_eur,
    }


def _section_values(a: Assessment, section: str, qid: str) -> dict[str, Any]:
    if section == "gates":
        g = a.gates.get(qid)
        return {"value": g.value, "comment": g.comment} if g else {}
    if section == "benefits":
        b = a.benefits.get(qid)
        return {"value": b.value, "comment": b.comment} if b else {}
    if section == "risks":
        r = a.risks.get(qid)
        return r.model_dump() if r else {}
    line = a.costs.lines.get(qid)
    return line.model_dump() if line else {}


# Where each info field of a layout comes from in the assessment (see _info_values).
INFO_PATHS = {"title": "dataset.title", "publisher": "dataset.publisher",
              "information_manager": "dataset.information_manager",
              "contact_name": "dataset.contact.name", "contact_email": "dataset.contact.email",
              "description": "dataset.description", "source_system": "dataset.source_system",
              "update_frequency": "dataset.update_frequency", "assessment_date": "created",
              "assessor": "participants", "day_rate_eur": "costs.day_rate_eur"}
# Whole parts of the assessment no sheets layout has a place for, with the words for them.
PARTS_NOT_HELD = (("anonymisation", "excel_lost_anonymisation"),
                  ("channel", "excel_lost_channel"), ("quality", "excel_lost_quality"),
                  ("licence", "excel_lost_licence"), ("publication", "excel_lost_publication"),
                  ("decision", "excel_lost_decision"), ("risk_lab", "excel_lost_risk_lab"),
                  ("table_lab", "excel_lost_table_lab"))
PERSONAL = ("personal_data", "granularity", "longitudinal")
LANGUAGES_LOST = {"title": "excel_lost_title_languages",
                  "description": "excel_lost_description_languages"}


def _given(value: Any) -> bool:
    """An answer worth keeping: not empty, not a default (0 costs are the default)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_defaults=True)
    if isinstance(value, dict):
        return any(_given(v) for v in value.values())
    if isinstance(value, list):
        return any(_given(v) for v in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value is not False and value != 0


def not_held(assessment: Assessment, layout: Layout, forms: Forms) -> list[Problem]:
    """A warning for every answer the assessment has and ``layout`` has no place for.

    Pure: the export calls it, and a test can ask it without writing a workbook. One warning
    per answer path, so the steward sees exactly what the workbook leaves out.
    """
    a = assessment
    lost: list[tuple[str, str]] = []  # (path, label key)
    held = {INFO_PATHS[f] for f in layout.info.fields}
    ds = a.dataset
    for name in type(ds).model_fields:
        path, value = f"dataset.{name}", getattr(ds, name)
        if name in ("title", "description"):  # one language is written, the layout's
            if path not in held and _given(value):
                lost.append((path, "excel_lost_dataset"))
            elif len([t for t in value.values() if t.strip()]) > 1:
                lost.append((path, LANGUAGES_LOST[name]))
        elif name == "contact":
            lost += [(f"{path}.{n}", "excel_lost_dataset") for n in ("name", "email")
                     if f"{path}.{n}" not in held and _given(getattr(value, n))]
        elif path not in held and _given(value):
            lost.append((path, "excel_lost_personal_data" if name in PERSONAL
                         else "excel_lost_dataset"))
    first = a.participants[0] if a.participants else None
    if ("participants" not in held and a.participants) or len(a.participants) > 1 or (
            first and _given(first.model_copy(update={"name": ""}))):
        lost.append(("participants", "excel_lost_participants"))
    if "costs.day_rate_eur" not in held and a.costs.day_rate_eur is not None:
        lost.append(("costs.day_rate_eur", "excel_lost_answer"))
    answers = {"gates": a.gates, "benefits": a.benefits, "risks": a.risks,
               "costs": a.costs.lines}
    prefix = {"costs": "costs.lines"}  # the answer paths of set and validate
    for section in SECTIONS:
        cols = layout.section(section).columns  # type: ignore[attr-defined]
        for qid, answer in answers[section].items():
            for field in type(answer).model_fields:
                if getattr(cols, field, None) is None and _given(getattr(answer, field)):
                    lost.append((f"{prefix.get(section, section)}.{qid}.{field}",
                                 "excel_lost_answer"))
    lost += [(part, key) for part, key in PARTS_NOT_HELD if _given(getattr(a, part))]
    return [Problem(path, f"layout {layout.id} has no place for {path}",
                    "a layout that holds it; keep the .hrk.json file", "warning",
                    code="legacy_export_not_held",
                    params={"layout": layout.id, "what": {
                        lg: label(key, lg, forms) for lg in forms.messages}})
            for path, key in lost]


def export_workbook(assessment: Assessment, layout: Layout, forms: Forms,
                    path: str | os.PathLike[str]) -> list[Problem]:
    """Write ``assessment`` to ``path`` in ``layout`` (a layout of kind ``sheets``); return
    the warnings for what the layout cannot hold (see :func:`not_held`)."""
    import io

    from openpyxl import Workbook  # heavy: only when a workbook is written
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    if layout.kind != "sheets":
        raise ValueError(f"layout {layout.id} cannot be exported")
    lang = layout.language
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    answer_fill = PatternFill("solid", fgColor="FFF2CC")  # the yellow cells of the old tool
    instructions = next((ig for ig in layout.ignore_sheets if ig.why == "instructions"), None)
    if instructions:
        ws = wb.create_sheet(instructions.names[0])
        _text_cell(ws, 1, 1, layout.description or layout.id)
        ws["A1"].font = bold
    # basic details
    ws = wb.create_sheet(layout.info.sheet[0] if layout.info.sheet else "Info")
    _text_cell(ws, 1, 1, ws.title)
    ws["A1"].font = bold
    values = _info_values(assessment, lang, forms)
    for i, (name, labels) in enumerate(layout.info.fields.items()):
        row = 3 + i
        _text_cell(ws, row, 1, labels[0])
        _put(ws, row, 2, values.get(name))
        ws.cell(row=row, column=2).fill = answer_fill
        if isinstance(values.get(name), date):
            ws.cell(row=row, column=2).number_format = "d.m.yyyy"
    scales = layout.scales
    hrk = forms.hrk
    questions = {"gates": hrk.gates.questions, "benefits": hrk.benefits.questions,
                 "risks": hrk.risks.questions, "costs": hrk.costs.items}
    letters: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        spec = layout.section(section)
        ws = wb.create_sheet(spec.sheet[0])
        cols = spec.columns  # type: ignore[attr-defined]
        names = [n for n in type(cols).model_fields if getattr(cols, n) is not None]
        where = {n: i + 1 for i, n in enumerate(names)}
        letters[section] = {n: column_letter(c) for n, c in where.items()}
        for n, c in where.items():
            col = getattr(cols, n)
            _text_cell(ws, 1, c, col.headers[0] if col.headers else n)
            ws.cell(row=1, column=c).font = bold
        items = questions[section]
        last = 1 + len(items)
        for r, q in enumerate(items, start=2):
            _text_cell(ws, r, where["id"], q.id)
            if "text" in where:
                wording = layout.items.get(q.id)
                _text_cell(ws, r, where["text"], wording[0] if wording else
                           q.text.get(lang) or q.text["en"])
            answer = _section_values(assessment, section, q.id)
            for n, c in where.items():
                if n in ("id", "text"):
                    continue
                if getattr(cols, n).computed:  # a risk level: the workbook's own formula
                    lk, im = letters[section]["likelihood"], letters[section]["impact"]
                    ws.cell(row=r, column=c, value=f'=IF(AND({lk}{r}<>"",{im}{r}<>""),'
                                                   f'{lk}{r}*{im}{r},"")')
                    continue
                value = answer.get(n)
                if section == "gates" and n == "value" and value:
                    value = scales.gate[value][0]
                if section == "costs" and n != "comment" and not value:
                    value = None  # empty = 0, as the old tool wrote it
                _put(ws, r, c, value)
                if n != "comment" and n != "mitigation":
                    ws.cell(row=r, column=c).fill = answer_fill
        _validations(ws, section, where, last, layout, forms, DataValidation)
    summary = next((ig for ig in layout.ignore_sheets if ig.why == "summary"), None)
    warnings = not_held(assessment, layout, forms)
    if summary:
        _summary_sheet(wb.create_sheet(summary.names[0]), assessment, forms, lang, bold)
    else:  # nowhere to put the scores: say so rather than drop them silently
        warnings.append(Problem("$", f"layout {layout.id} has no summary sheet",
                                "a layout with a summary sheet", "warning",
                                code="legacy_export_not_held", params={
                                    "layout": layout.id, "what": {
                                        lg: label("heading_summary", lg, forms)
                                        for lg in forms.messages}}))
    for sheet in wb.worksheets:
        _fit_columns(sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())
    return warnings


def _summary_sheet(ws: Any, assessment: Assessment, forms: Forms, lang: str,
                   bold: Any) -> None:
    """The scores the app shows, each value beside its label, in the workbook's language.

    Values, not formulas: they come from ``summarise``, so the workbook says what the app and
    ``score --json`` say (weighted benefit score, residual risks, costs over the horizon).
    """
    from hrk_workbench.decision.summary import summarise

    s = summarise(assessment, forms)

    def lb(key: str) -> str:
        return label(key, lang, forms)

    _text_cell(ws, 1, 1, lb("heading_summary"))
    ws["A1"].font = bold
    _text_cell(ws, 2, 1, lb("excel_summary_note"))
    rows: list[tuple[str, Any]] = [
        (lb("excel_benefit_score"), s.benefit.score),
        (lb("excel_benefit_level"), lb(s.benefit.level)),
        (lb("excel_risk_profile"), lb(s.risks.profile)),
        (lb("excel_cost_one_off"), s.costs.one_off_eur),
        (lb("excel_cost_yearly"), s.costs.yearly_eur),
        (lb("excel_cost_total").format(years=s.costs.horizon_years), s.costs.total_eur),
        (lb("excel_cost_level"), lb(s.costs.level)),
        (lb("heading_recommendation"), lb(s.recommendation.outcome)),
    ]
    row = 4
    for text, value in rows:
        _text_cell(ws, row, 1, text)
        ws.cell(row=row, column=1).font = bold
        _put(ws, row, 2, value)
        if isinstance(value, (int, float)) and "€" in text:  # cents shown when there are some
            ws.cell(row=row, column=2).number_format = \
                "#,##0" if float(value).is_integer() else "#,##0.00"
        row += 1
    # an open… recommendation holds only with its conditions: never the outcome without them
    for n, text in enumerate(render_all(s.recommendation.conditions, lang, forms)):
        if n == 0:
            _text_cell(ws, row, 1, lb("heading_conditions"))
            ws.cell(row=row, column=1).font = bold
        _text_cell(ws, row, 2, text)
        row += 1
    row += 1
    _text_cell(ws, row, 1, lb("excel_residual_heading"))
    ws.cell(row=row, column=1).font = bold
    row += 1
    for col, key in enumerate(("excel_col_risk", "excel_col_residual_score",
                               "excel_col_residual_level"), start=1):
        _text_cell(ws, row, col, lb(key))
        ws.cell(row=row, column=col).font = bold
    for r in s.risks.scores:
        row += 1
        _text_cell(ws, row, 1, f"{r.id} {forms.question_text(r.id, lang)}")
        _put(ws, row, 2, r.residual_score)
        _text_cell(ws, row, 3, lb(r.residual_level))


def _fit_columns(ws: Any) -> None:
    """Widths from the longest text in each column (formulas count as a short number),
    between 8 and 60 characters, so nothing is cut off or hidden as ####."""
    widths: dict[str, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = str(cell.value)
            size = 8 if cell.data_type == "f" or text.startswith("=IF(") else len(text)
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), size)
    for letter, size in widths.items():
        ws.column_dimensions[letter].width = max(8, min(60, size + 2))
    from openpyxl.styles import Alignment

    for row in ws.iter_rows():  # a text wider than its column wraps instead of being cut
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 58 \
                    and not cell.value.startswith("="):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _validations(ws: Any, section: str, where: dict[str, int], last: int, layout: Layout,
                 forms: Forms, data_validation: Any) -> None:
    """Drop-down lists for answers on a scale, a number check for amounts."""
    hrk = forms.hrk

    def add(column: str, **kwargs: Any) -> None:
        if column not in where:
            return
        letter = column_letter(where[column])
        dv = data_validation(allow_blank=True, showErrorMessage=True, **kwargs)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    def numbers(lo: int, hi: int) -> str:
        return '"' + ",".join(str(v) for v in range(lo, hi + 1)) + '"'

    if section == "gates":
        labels = [texts[0] for texts in layout.scales.gate.values()]
        add("value", type="list", formula1='"' + ",".join(labels) + '"')
    elif section == "benefits":
        add("value", type="list", formula1=numbers(hrk.benefits.scale.min,
                                                   hrk.benefits.scale.max))
    elif section == "risks":
        for col, scale in (("likelihood", hrk.risks.likelihood), ("impact", hrk.risks.impact),
                           ("residual_likelihood", hrk.risks.likelihood),
                           ("residual_impact", hrk.risks.impact)):
            add(col, type="list", formula1=numbers(scale.min, scale.max))
    else:
        for col in ("one_off_days", "one_off_eur", "yearly_days", "yearly_eur"):
            add(col, type="decimal", operator="greaterThanOrEqual", formula1="0")
