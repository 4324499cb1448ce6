"""Write an assessment in a legacy layout, so stewards can still send Excel to colleagues.

The layout's mapping file gives the sheet names, headers, labels and scale words, so export
and import read the same file and a round trip gives back the same answers. Cells take data
validation lists (gates, ratings) and number checks (costs). Text from the assessment is
always written as text: a value such as ``=HYPERLINK(...)`` or ``+358 40...`` is stored as a
string with Excel's quote prefix, so no spreadsheet evaluates it as a formula.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from hrk_workbench.atomic import atomic_write_bytes
from hrk_workbench.forms import Forms
from hrk_workbench.model import Assessment

from .mapping import SECTIONS, Layout
from .reader import column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def export_workbook(assessment: Assessment, layout: Layout, forms: Forms,
                    path: str | os.PathLike[str]) -> None:
    """Write ``assessment`` to ``path`` in ``layout`` (a layout of kind ``sheets``)."""
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
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 50
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
        ws.column_dimensions["B"].width = 60
    summary = next((ig for ig in layout.ignore_sheets if ig.why == "summary"), None)
    if summary:
        ws = wb.create_sheet(summary.names[0])
        b, r = layout.sections.benefits.sheet[0], layout.sections.risks.sheet[0]
        bl, rl = letters["benefits"]["value"], letters["risks"].get("level")
        _text_cell(ws, 1, 1, "HRK")
        ws["B1"] = f"=SUMPRODUCT('{b}'!{bl}2:{bl}{1 + len(hrk.benefits.questions)})"
        if rl:
            ws["B2"] = f"=MAX('{r}'!{rl}2:{rl}{1 + len(hrk.risks.questions)})"
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())


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
