"""The import report as data (``--report``, ``--json``) and as lines in the steward's language.

Every line is a coded reason or problem rendered from ``forms/messages``, so the same report
reads in en, fi and sv and tests can assert codes and values rather than English sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import label, problem_json, render, render_problem
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.legacy.importer import ImportReport


def _sheet_of(ref: str) -> str:
    name = ref.rsplit("!", 1)[0]
    return name[1:-1].replace("''", "'") if name.startswith("'") else name


def _cell_of(ref: str) -> str:
    return ref.rsplit("!", 1)[-1]


def report_json(report: ImportReport, lang: str, forms: Forms) -> dict[str, Any]:
    """The report as JSON data: every entry with its sheet and cell."""
    if report.error is not None:
        return {"file": report.source, "status": "error", "output": None,
                "errors": [problem_json(p, lang, forms) for p in report.error.problems],
                "error": [f"{report.source}: {render_problem(p, lang, forms)}"
                          for p in report.error.problems]}
    unreadable = []
    for p in report.unreadable:
        unreadable.append({"sheet": _sheet_of(p.location), "cell": _cell_of(p.location),
                           "value": p.params.get("value"), "path": p.params.get("path"),
                           "expected": p.expected, "code": p.code,
                           "message": problem_json(p, lang, forms)["message"]})
    return {
        "file": report.source, "status": "imported", "output": report.output,
        "layout": report.layout, "language": report.language,
        "sections": report.sheets,
        "mapped": [{**m, "cell": _cell_of(m["cell"])} for m in report.mapped],
        "empty": [{**e, "cell": _cell_of(e["cell"])} for e in report.empty],
        "ignored": [{**i, "cell": _cell_of(i["cell"]) if i["cell"] else None}
                    for i in report.ignored],
        "unreadable": unreadable,
        "not_found": report.not_found,
        "to_add": report.to_add,
        "comments": [{**c, "cell": _cell_of(c["cell"])} for c in report.comments],
        "comments_not_imported": [{**c, "cell": _cell_of(c["cell"])}
                                  for c in report.comments_not_imported],
        "recommendation": report.recommendation,
        "counts": {"mapped": len(report.mapped), "empty": len(report.empty),
                   "ignored": len(report.ignored), "unreadable": len(report.unreadable),
                   "not_found": len(report.not_found), "to_add": len(report.to_add),
                   "comments": len(report.comments),
                   "comments_not_imported": len(report.comments_not_imported)},
    }


_IGNORED = {
    "sheet_instructions": "legacy_ignored_sheet_instructions",
    "sheet_summary": "legacy_ignored_sheet_summary",
    "sheet_unknown": "legacy_ignored_sheet_unknown",
    "too_many_rows": "legacy_ignored_rows",
    "computed": "legacy_ignored_computed",
    "not_in_layout": "legacy_ignored_cell",
}


def _reasons(report: ImportReport) -> dict[str, list[Reason]]:
    """The report's entries as reasons, by heading."""
    found = []
    for s in report.sheets:
        if s["what"] == "section":
            code = {"name": "legacy_section_by_name", "headers": "legacy_section_by_headers",
                    "labels": "legacy_section_by_labels", "ids": "legacy_section_by_ids"}
            how = code[s["found_by"]]
            found.append(Reason(how, {"section": s["section"],
                                                      "sheet": s["sheet"]}))
        else:
            found.append(Reason("legacy_matched_by_text", {"cell": s["cell"],
                                                           "item": s["item"]}))
    mapped = [Reason("legacy_mapped", {"cell": m["cell"], "raw": m["raw"], "path": m["path"],
                                       "value": m["value"]}) for m in report.mapped]
    empty = [Reason("legacy_empty_zero" if e["counts_as_zero"] else "legacy_empty",
                    {"cell": e["cell"], "path": e["path"]}) for e in report.empty]
    ignored = []
    for i in report.ignored:
        code = _IGNORED[i["why"]]
        ignored.append(Reason(code, {"sheet": i["sheet"], "cell": i["cell"] or i["sheet"],
                                     "value": i["value"] or "", "layout": report.layout}))
    missing = []
    for n in report.not_found:
        if n["what"] == "section":
            missing.append(Reason("legacy_section_missing", {"section": n["section"],
                                                             "looked_for": n["looked_for"]}))
        elif n["what"] == "column":
            missing.append(Reason("legacy_column_missing", {
                "sheet": n["sheet"], "column": n["column"], "looked_for": n["looked_for"]}))
        else:
            missing.append(Reason("legacy_not_found", {"path": n["path"]}))
    to_add = [Reason("legacy_to_add", {"path": p}) for p in report.to_add]
    comments = [Reason("legacy_comment_imported", {"cell": c["cell"], "path": c["path"],
                                                   "text": c["text"]})
                for c in report.comments]
    comments += [Reason("legacy_comment_not_imported", {"cell": c["cell"], "text": c["text"]})
                 for c in report.comments_not_imported]
    return {"legacy_heading_comments": comments,
            "legacy_heading_sections": found, "legacy_heading_mapped": mapped,
            "legacy_heading_empty": empty, "legacy_heading_ignored": ignored,
            "legacy_heading_not_found": missing, "legacy_heading_to_add": to_add}


Words = Callable[[str], str]


def _worded(reason: Any, words: Words | None) -> Any:
    """A reason or problem whose answer path is given as the app names the question."""
    path = reason.params.get("path")
    if words is None or not isinstance(path, str):
        return reason
    return replace(reason, params={**reason.params, "path": words(path)})


def app_words(forms: Forms, lang: str) -> Words:
    """Answer paths as the app shows them ("G1 “…” (comment)", "Dataset: Title (fi)"),
    for the app's import report, which names no answer paths (the command line keeps them:
    they are what ``set`` takes)."""
    from hrk_workbench.reporting.history import question_words

    special = {"created": "legacy_field_assessment_date",
               "participants[0].name": "legacy_field_assessor",
               "costs.day_rate_eur": "legacy_field_day_rate"}
    return lambda path: (label(special[path], lang, forms) if path in special
                         else question_words(path, forms, lang))


def summary_text(report: ImportReport, lang: str, forms: Forms) -> str:
    """A few words on the whole import for the app: what came over, what did not."""
    return label("legacy_app_summary", lang, forms).format(
        mapped=len(report.mapped), comments=len(report.comments),
        empty=len(report.empty) + len(report.not_found),
        unreadable=len(report.unreadable), ignored=len(report.ignored),
        not_imported=len(report.comments_not_imported), to_add=len(report.to_add))


def report_lines(report: ImportReport, lang: str, forms: Forms,
                 words: Words | None = None) -> list[str]:
    """The report as text: a summary line, then each heading with its entries; with
    ``words`` every answer path is named as the app names its question."""
    if report.error is not None:
        return [f"{report.source}: {render_problem(p, lang, forms)}"
                for p in report.error.problems]
    lines = [render(Reason("legacy_summary", {
        "file": report.source, "output": report.output or "", "layout": report.layout,
        "mapped": len(report.mapped), "empty": len(report.empty),
        "ignored": len(report.ignored), "unreadable": len(report.unreadable),
        "outcome": report.recommendation or ""}), lang, forms)]
    if words is not None:  # the app: no file path or layout code in its first line
        lines = [summary_text(report, lang, forms)]
    groups = _reasons(report)
    for heading in ("legacy_heading_sections", "legacy_heading_mapped", "legacy_heading_empty",
                    "legacy_heading_comments", "legacy_heading_ignored"):
        if groups[heading]:
            lines.append(f"{label(heading, lang, forms)}:")
            lines += [f"  {render(_worded(r, words), lang, forms)}" for r in groups[heading]]
    if report.unreadable:
        lines.append(f"{label('legacy_heading_unreadable', lang, forms)}:")
        lines += [f"  {render_problem(_worded(p, words), lang, forms)}"
                  for p in report.unreadable]
    for heading in ("legacy_heading_not_found", "legacy_heading_to_add"):
        if groups[heading]:
            lines.append(f"{label(heading, lang, forms)}:")
            lines += [f"  {render(_worded(r, words), lang, forms)}" for r in groups[heading]]
    return lines
