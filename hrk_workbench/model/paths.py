"""Every answer path ``set`` accepts, with its value syntax, read from the model and the forms.

Why generated: the paths are the model's fields and the forms' question ids, and both grow
(a question added to a YAML form is a new path). A hand-kept list would fall behind; this
one is copied into the README by ``scripts/readme_reference.py``, and a test checks that
the copy is current and that ``set`` accepts every path with the syntax it gives.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from hrk_workbench.forms.loader import Forms
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.edit import _KEYED

# Not answers: set refuses them (edit.set_answer), the program writes them.
NOT_ANSWERS = ("schema_version", "id", "created", "change_log", "comments", "approvals")

# Text fields whose values come from a catalogue in forms/: (path, where the ids are listed).
_CATALOGUES: dict[str, tuple[str, Any]] = {
    "dataset.update_frequency": ("vocabularies.yaml `frequencies`",
                                 lambda f: [x.id for x in f.vocab.frequencies]),
    "dataset.hvd_category": ("vocabularies.yaml `hvd_categories`",
                             lambda f: [x.id for x in f.vocab.hvd_categories]),
    "dataset.themes": ("vocabularies.yaml `themes`", lambda f: [x.id for x in f.vocab.themes]),
    "participants[i].roles": ("vocabularies.yaml `roles`",
                              lambda f: [x.id for x in f.vocab.roles]),
    "licence.licence_id": ("licences.yaml", lambda f: [x.id for x in f.licences.licences]),
    "decision.outcome": ("vocabularies.yaml `decision_outcomes`",
                         lambda f: [x.id for x in f.vocab.decision_outcomes]),
    "decision.residual_risks_accepted": ("hrk.yaml risks",
                                         lambda f: [q.id for q in f.hrk.risks.questions]),
}
_FORM_FILE = {"gates": "hrk.yaml", "benefits": "hrk.yaml", "risks": "hrk.yaml",
              "costs.lines": "hrk.yaml", "anonymisation": "anonymisation.yaml",
              "channel": "channel.yaml", "quality": "quality.yaml"}
# Answers on a scale of a form: (section, field) -> the scale
_SCALES: dict[tuple[str, str], Any] = {
    ("benefits", "value"): lambda f: f.hrk.benefits.scale,
    ("risks", "likelihood"): lambda f: f.hrk.risks.likelihood,
    ("risks", "residual_likelihood"): lambda f: f.hrk.risks.likelihood,
    ("risks", "impact"): lambda f: f.hrk.risks.impact,
    ("risks", "residual_impact"): lambda f: f.hrk.risks.impact,
    ("quality", "rating"): lambda f: f.quality.scale,
}
_SHOWN_IDS = 12  # a list of allowed values longer than this is named by its file instead


@dataclass(frozen=True)
class PathDoc:
    """One row of the reference: a path (``<ID>`` and ``[i]`` are placeholders), the value
    syntax ``set`` parses, and what the value may be."""

    path: str
    value: str
    allowed: str


def answer_paths(forms: Forms) -> list[PathDoc]:
    """Every path of an assessment that ``set`` writes, in the model's order."""
    out: list[PathDoc] = []
    for name, field in Assessment.model_fields.items():
        if name not in NOT_ANSWERS:
            _field(name, field.annotation, field, forms, out)
    return out


def _ids_text(ids: list[str], where: str) -> str:
    if not ids:
        return f"ids in {where}"
    if len(ids) > _SHOWN_IDS:
        return f"{len(ids)} ids in {where}, e.g. `{ids[0]}`"
    return ", ".join(f"`{i}`" for i in ids) + f" ({where})"


def _strip(annotation: Any) -> tuple[Any, bool]:
    """The type inside Annotated/Optional, and whether None (an empty value) is allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
            else:
                return annotation, optional
        else:
            return annotation, optional


def _bounds(field: Any) -> str:
    if field is None:
        return ""
    low = high = None
    for m in getattr(field, "metadata", []):
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        low = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
    if low is None and high is None:
        return ""
    fmt = lambda v: f"{v:g}" if isinstance(v, float) else str(v)  # noqa: E731
    return f"{fmt(low) if low is not None else '…'} to {fmt(high) if high is not None else '…'}"


def _describe(field: Any) -> str:
    return (getattr(field, "description", None) or "") if field is not None else ""


def _field(path: str, annotation: Any, field: Any, forms: Forms, out: list[PathDoc]) -> None:
    kind, _ = _strip(annotation)
    origin = get_origin(kind)
    keyed = next((ids for keys, (ids, _) in _KEYED.items() if ".".join(keys) == path), None)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        for name, sub in kind.model_fields.items():
            _field(f"{path}.{name}", sub.annotation, sub, forms, out)
    elif origin is dict and keyed is not None:
        ids = keyed(forms)
        model = _strip(get_args(kind)[1])[0]
        where = _FORM_FILE.get(path, "forms/")
        first = ids[0] if ids else "ID"
        for name, sub in model.model_fields.items():
            if name == "value" and path in ("anonymisation", "channel"):
                _question_values(path, forms, out)
                continue
            _field(f"{path}.{first}.{name}", sub.annotation, sub, forms, out)
            row = out[-1]
            scale = _SCALES.get((path, name))
            allowed = _join(f"{scale(forms).min} to {scale(forms).max}" if scale else "",
                            row.allowed, f"ID: {_ids_text(ids, where)}")
            out[-1] = PathDoc(row.path.replace(f".{first}.", ".<ID>.", 1), row.value, allowed)
    elif origin is dict and path == "publication.distributions":
        ids = [f.id for f in forms.formats.formats]
        model = _strip(get_args(kind)[1])[0]
        for name, sub in model.model_fields.items():
            _field(f"{path}.<FORMAT>.{name}", sub.annotation, sub, forms, out)
        out.append(PathDoc(f"{path}.<FORMAT>", "(the fields above)",
                           f"FORMAT: {_ids_text(ids, 'formats.yaml')}"))
        out.pop()  # the note rides on every row instead
        for i in range(len(out) - len(model.model_fields), len(out)):
            row = out[i]
            out[i] = PathDoc(row.path, row.value, row.allowed + ("; " if row.allowed else "")
                             + f"FORMAT: {_ids_text(ids, 'formats.yaml')}")
    elif origin is dict:
        key, value = (_strip(a)[0] for a in get_args(kind))
        value_origin = get_origin(value)
        if _is_lang(key) and value is str:
            out.append(PathDoc(f"{path}.<LANG>", "text", _join(_describe(field),
                                                               "LANG: `en`, `fi`, `sv`, …")))
        elif _is_lang(key) and value_origin is list:
            out.append(PathDoc(f"{path}.<LANG>", 'JSON list of texts: `["a","b"]`',
                               _join(_describe(field), "LANG: `en`, `fi`, `sv`, …")))
        else:
            out.append(PathDoc(path, "JSON object", _describe(field)))
    elif origin is list:
        item = _strip(get_args(kind)[0])[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            for name, sub in item.model_fields.items():
                _field(f"{path}[i].{name}", sub.annotation, sub, forms, out)
        else:
            catalogue = _CATALOGUES.get(path)
            allowed = _ids_text(catalogue[1](forms), catalogue[0]) if catalogue else ""
            out.append(PathDoc(path, 'JSON list: `["a","b"]`; one item: `' + path
                               + '[0]=a`' if item is str else "JSON list",
                               _join(_describe(field), allowed)))
    else:
        out.append(PathDoc(path, *_leaf(path, kind, field, forms)))


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _is_lang(key: Any) -> bool:
    return key is str  # LangCode is a constrained str; the model keys every text by language


def _leaf(path: str, kind: Any, field: Any, forms: Forms) -> tuple[str, str]:
    described = _describe(field)
    if get_origin(kind) is Literal:
        values = ", ".join(f"`{v}`" if v else '`""` (not set)' for v in get_args(kind))
        return "one of", _join(values, described)
    if kind is bool:
        return "`true` or `false`", described
    if kind is int:
        return "whole number", _join(_bounds(field), described)
    if kind is float:
        return "number (`2.5`)", _join(_bounds(field), described)
    if kind is datetime:
        return "date and time, `2026-12-06T14:00:00+02:00`", described
    if kind is date:
        return "date, `YYYY-MM-DD`", described
    if path in _CATALOGUES:
        where, ids = _CATALOGUES[path]
        return "id", _join(_ids_text(ids(forms), where), described)
    if "url" in path.rsplit(".", 1)[-1] or path.endswith(("_uri", "landing_page")):
        return "address, `https://…`", described
    if path == "language":
        return "language code", _join("`en`, `fi`, `sv`", "the assessment's own language")
    if kind is str:
        return "text", described
    if get_origin(kind) in (Union, types.UnionType):
        return "number, text or JSON list", described
    return "JSON value", described


def _question_values(section: str, forms: Forms, out: list[PathDoc]) -> None:
    """One row per question of a generic-answer section: its options or its type."""
    questions = forms.anonymisation.questions if section == "anonymisation" \
        else forms.channel.questions
    where = _FORM_FILE[section]
    for q in questions:
        path = f"{section}.{q.id}.value"
        if q.type in ("choice", "multi_choice"):
            values = [o.value for o in forms.options(q)]
            if isinstance(q.options, list):
                source = where
            elif str(q.options).startswith("catalogue:"):
                source = str(q.options).removeprefix("catalogue:") + ".yaml"
            else:
                source = f"option set `{q.options}`, vocabularies.yaml"
            allowed = _ids_text(values, source)
            value = "one option" if q.type == "choice" else 'JSON list of options: `["a","b"]`'
        elif q.type in ("integer", "number"):
            low = f"{q.min:g}" if q.min is not None else "…"
            high = f"{q.max:g}" if q.max is not None else "…"
            value = "whole number" if q.type == "integer" else "number"
            allowed = f"{low} to {high}" + (f" {q.unit}" if q.unit else "")
        elif q.type == "date":
            value, allowed = "date, `YYYY-MM-DD`", ""
        else:
            value, allowed = "text", ""
        out.append(PathDoc(path, value, allowed))


def render_markdown(rows: list[PathDoc]) -> str:
    """The reference as a Markdown table (the README's copy)."""
    lines = ["| path | value | allowed |", "|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r.path}` | {r.value} | {r.allowed.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
