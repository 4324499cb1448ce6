"""The decision record: the change log, review comments, approvals and re-assessments as
readable rows in the steward's language (the app's History view and the memo's appendix).

The change log stores answer paths (``benefits.B3.value``) and raw values, which is what a
program needs to tell versions apart; the people who decide need "Benefit B3 *Users ask for
the data* changed from 2 to 3 by Maija". Every row here says when, who, what happened, to
which question (by its text, not its path), and the value before and after. A lab result or
a re-assessment is one row (k before and after), not fifty changed measures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_number, label
from hrk_workbench.model.assessment import Assessment

# sections whose second path segment is a question id (``benefits.B3.value``)
BY_QUESTION = frozenset({"gates", "benefits", "risks", "anonymisation", "channel", "quality"})
LABS = ("risk_lab", "table_lab")
MAX_VALUE = 120  # a long text is cut in a history cell (the answer itself stays whole)


@dataclass(frozen=True)
class HistoryRow:
    """One event: ``kind`` is ``change``, ``lab``, ``reassessment``, ``comment``,
    ``resolved`` or ``approval``; the texts are in the language asked for."""

    at: datetime
    by: str
    kind: str
    what: str
    old: str = ""
    new: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "by": self.by, "kind": self.kind,
                "what": self.what, "old": self.old, "new": self.new}


def _t(key: str, lang: str, forms: Forms, **values: Any) -> str:
    text = label(key, lang, forms)
    return text.format(**values) if values else text


def _known(key: str, lang: str, forms: Forms) -> str | None:
    text = label(key, lang, forms)
    return None if text == key else text


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def question_words(path: str, forms: Forms, lang: str) -> str:
    """An answer path as the question it answers: ``gates.G1.value`` -> 'G1 "Is the data
    ..."', ``risks.R2.impact`` -> 'R2 "..." (impact)', ``dataset.title.fi`` -> 'Title (fi)'."""
    from hrk_workbench.foundations.answer_names import field_name, section_step
    from hrk_workbench.model.edit import EditError, split_path

    try:
        parts = [str(p) for p in split_path(path)]
    except EditError:
        return path
    section = parts[0]
    rest = parts[1:]
    if section in BY_QUESTION and rest:
        qid = rest[0]
        words = f"{qid} \u201c{forms.question_text(qid, lang)}\u201d"
        field = rest[1] if len(rest) > 1 else "value"
        extra = [] if field == "value" else [_field(field, lang, forms), *rest[2:]]
        return words + (f" ({', '.join(extra)})" if extra else "")
    if section == "costs" and len(rest) >= 2 and rest[0] == "lines":
        qid = rest[1]
        words = f"{qid} \u201c{forms.question_text(qid, lang)}\u201d"
        return words + (f" ({_field(rest[2], lang, forms)})" if len(rest) > 2 else "")
    step = _known(f"gui_step_{section_step(section) or section}", lang, forms) or section
    if not rest:
        return step
    prefix = {"dataset": "gui_ds_", "decision": "gui_dec_"}.get(section, "")
    name = (_known(f"{prefix}{rest[0]}", lang, forms) if prefix else None) \
        or _known(f"hist_field_{rest[0]}", lang, forms)
    tail = f" ({', '.join(rest[1:])})" if len(rest) > 1 else ""
    if name is None:  # a field captioned only as a whole (the contact's name): the app's words
        name, tail = field_name(path, lang, forms) or rest[0], ""
        if name == rest[0] and len(rest) > 1:
            tail = f" ({', '.join(rest[1:])})"
    name = name.replace("&", "").rstrip(":")
    if "{language}" in name and len(rest) > 1:  # "Title ({language})": a text in a language
        name = name.replace("{language}", rest[1])
        tail = f" ({', '.join(rest[2:])})" if len(rest) > 2 else ""
    return f"{step}: {name}{tail}"


def _field(name: str, lang: str, forms: Forms) -> str:
    return _known(f"hist_field_{name}", lang, forms) or name


def value_words(value: Any, lang: str, forms: Forms) -> str:
    """A stored value as a reader reads it: yes/no, numbers in the language's format, lists
    joined, nothing as a dash; a long text cut with an ellipsis."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang, forms)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, list):
        return ", ".join(value_words(v, lang, forms) for v in value)
    if isinstance(value, dict):
        import json

        value = json.dumps(value, ensure_ascii=False)
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def _answer_words(path: str, value: Any, lang: str, forms: Forms) -> str:
    """An answer's value, an option code as the option's text (``yes`` as "kyllä")."""
    if isinstance(value, str) and path.endswith(".value"):
        return _known(value, lang, forms) if value in ("yes", "no", "unknown") else \
            _option_text(path, value, lang, forms) or value_words(value, lang, forms)
    return value_words(value, lang, forms)


def _option_text(path: str, value: str, lang: str, forms: Forms) -> str | None:
    qid = path.split(".")[1] if path.count(".") >= 2 else ""
    for form in (forms.anonymisation, forms.channel):
        for q in form.questions:
            if q.id == qid:
                option = next((o for o in forms.options(q) if o.value == value), None)
                if option is not None:
                    return option.text.get(lang) or option.text.get("en") or value
    return None


def _lab_row(at: datetime, by: str, kind: str, changes: list[Any], lang: str,
             forms: Forms) -> HistoryRow:
    """All of one save's changes to a lab result as one row: k before and after."""
    paths = {c.path: c for c in changes}
    lab = "risk_lab" if any(p.startswith("risk_lab") for p in paths) else "table_lab"
    k = paths.get("risk_lab.k")
    source = paths.get("risk_lab.source.path") or paths.get("risk_lab.file")
    if kind == "reassessment":
        what = _t("hist_reassessment", lang, forms,
                  file=(source.new if source is not None else "") or "—")
    else:
        what = _t(f"hist_{lab}", lang, forms)
    old = new = ""
    if k is not None:
        old, new = (f"k = {value_words(k.old, lang, forms)}",
                    f"k = {value_words(k.new, lang, forms)}")
    return HistoryRow(at, by, "reassessment" if kind == "reassessment" else "lab", what,
                      old, new)


def history_rows(assessment: Assessment, forms: Forms, lang: str) -> list[HistoryRow]:
    """Every event of the assessment, oldest first: answer changes one row each, a lab
    save or re-assessment one row, review comments (made and resolved) and approvals."""
    rows: list[HistoryRow] = []
    for entry in assessment.change_log:
        at, by = _aware(entry.at), entry.by
        lab = [c for c in entry.changes if c.path.startswith(LABS)]
        if lab:
            rows.append(_lab_row(at, by, entry.kind, lab, lang, forms))
        for c in entry.changes:
            if c.path.startswith(LABS) or _lab_answer(c.path, lab):
                continue
            rows.append(HistoryRow(at, by, "change", question_words(c.path, forms, lang),
                                   _answer_words(c.path, c.old, lang, forms),
                                   _answer_words(c.path, c.new, lang, forms)))
    rows += _review_rows(assessment, forms, lang)
    return sorted(rows, key=lambda r: r.at)


def _lab_answer(path: str, lab: list[Any]) -> bool:
    """A lab save sets A10 (risk measured) to yes itself: said by the lab row."""
    from hrk_workbench.foundations.rule_ids import MEASURED

    return bool(lab) and path == f"anonymisation.{MEASURED}.value"


def _review_rows(assessment: Assessment, forms: Forms, lang: str) -> list[HistoryRow]:
    """Review comments and approvals, read from the fields schema 5 adds for them (a
    version without them has none to show)."""
    rows = []
    for c in getattr(assessment, "comments", None) or ():
        role = _known(f"hist_role_{c.role}", lang, forms) or c.role
        on = question_words(c.on, forms, lang) if "." in c.on else (
            _known(f"gui_step_{c.on}", lang, forms) or c.on)
        rows.append(HistoryRow(_aware(c.at), c.by, "comment",
                               _t("hist_comment", lang, forms, role=role, on=on),
                               "", value_words(c.text, lang, forms)))
        if c.status == "resolved" and c.resolved_at is not None:
            rows.append(HistoryRow(_aware(c.resolved_at), c.resolved_by or "—", "resolved",
                                   _t("hist_resolved", lang, forms, on=on),
                                   value_words(c.text, lang, forms),
                                   value_words(c.resolution, lang, forms)))
    for a in getattr(assessment, "approvals", None) or ():
        role = _known(f"hist_role_{a.role}", lang, forms) or a.role
        rows.append(HistoryRow(_aware(a.at), a.by, "approval",
                               _t("hist_approval", lang, forms, role=role),
                               "", f"SHA-256 {a.digest[:12]}…"))
    return rows


def history_table(rows: Iterable[HistoryRow], lang: str,
                  forms: Forms) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Column titles and rows of text (when, who, what, from, to), as the app and the memo
    show them."""
    from hrk_workbench.foundations.i18n import format_moment

    head = tuple(_t(k, lang, forms) for k in ("hist_col_when", "hist_col_who",
                                               "hist_col_what", "hist_col_from",
                                               "hist_col_to"))
    return head, [(format_moment(r.at, lang), r.by, r.what, r.old, r.new) for r in rows]
