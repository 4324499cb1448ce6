"""The one way to change an answer: a path such as ``benefits.B3.value`` and a value.

The desktop app's undo commands and the ``set`` command both go through :func:`set_answer`, so a
steward's edit is checked exactly like a hand-edited file (``validate``'s messages) and yields
the :class:`Change` the change log records; undoing is setting ``change.old`` again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.addresses import address_problems
from hrk_workbench.foundations.problems import (
    InputError,
    Problem,
    has_errors,
    problems_from_pydantic,
)
from hrk_workbench.model.assessment import (
    Answer,
    Assessment,
    BenefitAnswer,
    Change,
    CostLine,
    GateAnswer,
    QualityAnswer,
    RiskAnswer,
)
from hrk_workbench.model.check import check_document
from hrk_workbench.model.text import text_problems

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

# Sections whose keys are question ids from a form, and where the form lists them.
_KEYED: dict[tuple[str, ...], tuple[Callable[[Forms], list[str]], type[BaseModel]]] = {
    ("gates",): (lambda f: [q.id for q in f.hrk.gates.questions], GateAnswer),
    ("benefits",): (lambda f: [q.id for q in f.hrk.benefits.questions], BenefitAnswer),
    ("risks",): (lambda f: [q.id for q in f.hrk.risks.questions], RiskAnswer),
    ("costs", "lines"): (lambda f: [q.id for q in f.hrk.costs.items], CostLine),
    ("anonymisation",): (lambda f: [q.id for q in f.anonymisation.questions], Answer),
    ("channel",): (lambda f: [q.id for q in f.channel.questions], Answer),
    ("quality",): (lambda f: [c.id for c in f.quality.criteria], QualityAnswer),
}


class EditError(InputError):
    """An edit that cannot be made; ``problems`` says what was wrong at the path."""


def split_path(path: str) -> list[str | int]:
    """``risks.R2.likelihood`` -> ['risks', 'R2', 'likelihood']; ``participants[0].name`` too."""
    parts: list[str | int] = []
    pos = 0
    text = path.strip()
    while pos < len(text):
        if text[pos] == "." and parts:
            pos += 1
        match = _SEGMENT.match(text, pos)
        if not match:
            raise EditError(path, [Problem(path or "$", "not an answer path", "a path such as "
                                           "benefits.B3.value", code="bad_path")])
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if not parts or not isinstance(parts[0], str):
        raise EditError(path, [Problem(path or "$", "not an answer path",
                                       "a path such as benefits.B3.value", code="bad_path")])
    return parts


def _get(data: Any, parts: list[str | int]) -> Any:
    for part in parts:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return None
        elif not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _set(data: dict[str, Any], parts: list[str | int], value: Any, path: str) -> None:
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part > len(node):
                raise EditError(path, [Problem(path, f"no item {part}", "an existing index or "
                                               "the next one", code="bad_index",
                                               params={"index": part})])
            if part == len(node):
                node.append({} if isinstance(nxt, str) else [])
        elif isinstance(node, dict):
            if node.get(part) is None:
                node[part] = {} if isinstance(nxt, str) else []
        else:
            raise EditError(path, [Problem(path, "not an answer path", "a path such as "
                                           "benefits.B3.value", code="bad_path")])
        node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last > len(node):
            raise EditError(path, [Problem(path, f"no item {last}", "an existing index or the "
                                           "next one", code="bad_index", params={"index": last})])
        if value is None and last < len(node):
            del node[last]
        elif last == len(node):
            node.append(value)
        else:
            node[last] = value
    elif isinstance(node, dict):
        if value is None:
            node.pop(last, None)  # the field's default applies, as if never answered
        else:
            node[last] = value
    else:
        raise EditError(path, [Problem(path, "not an answer path", "a path such as "
                                       "benefits.B3.value", code="bad_path")])


def _prune(data: dict[str, Any], parts: list[str | int]) -> None:
    """Drop an answer entry left with nothing but defaults, so set-then-undo is byte-identical."""
    for keys, (_, model) in _KEYED.items():
        n = len(keys)
        if tuple(parts[:n]) == keys and len(parts) > n:
            section = _get(data, list(keys))
            entry = section.get(parts[n]) if isinstance(section, dict) else None
            if isinstance(entry, dict) and _is_default(entry, model):
                del section[parts[n]]
    for k in range(len(parts) - 1, 0, -1):  # an item emptied by clearing leaves its list
        container, key = _get(data, parts[:k - 1]) if k > 1 else data, parts[k - 1]
        if isinstance(key, int) and isinstance(container, list) and key < len(container) \
                and isinstance(container[key], dict) \
                and all(v in (None, "", [], {}) for v in container[key].values()):
            del container[key]
    if len(parts) == 3 and parts[0] == "dataset":
        texts = _get(data, parts[:2])
        if isinstance(texts, dict) and texts.get(parts[2]) in (None, "", []):
            texts.pop(parts[2], None)


def _is_default(entry: dict[str, Any], model: type[BaseModel]) -> bool:
    try:
        return model.model_validate(entry).model_dump(mode="json") == \
            model().model_dump(mode="json")
    except ValidationError:
        return False


def _check_id(parts: list[str | int], path: str, forms: Forms) -> None:
    for keys, (ids_of, _) in _KEYED.items():
        n = len(keys)
        if tuple(parts[:n]) == keys and len(parts) > n:
            qid = parts[n]
            ids = ids_of(forms)
            if qid not in ids:
                where = ".".join(keys)
                raise EditError(path, [Problem(path, f"no question {qid!r} in {where}",
                                               f"one of {', '.join(ids)}", code="unknown_id",
                                               params={"id": qid, "section": where,
                                                       "ids": ids})])


def set_answer(assessment: Assessment, path: str, value: Any, forms: Forms, *,
               restore: bool = False) -> Change:
    """Set the answer at ``path`` in place and return the change (old and new value).

    Nothing is changed when the edit is refused: unknown question, wrong type, value off the
    scale or off the form's options, a text too long or with a control character, a web
    address that is not one raise :class:`EditError` with ``validate``'s messages.
    ``restore`` (undo) puts back a value the document held before, so a web address the file
    already had, only warned about, comes back as it was instead of being refused.
    """
    parts = split_path(path)
    canonical = format_path(parts)
    if parts[0] in ("change_log", "schema_version", "id", "created", "comments", "approvals"):
        raise EditError(canonical, [Problem(canonical, "not an answer", "an answer path such as "
                                            "benefits.B3.value", code="not_an_answer")])
    _check_id(parts, canonical, forms)
    data = assessment.model_dump(mode="json")
    old = _get(data, parts)
    _set(data, parts, value, canonical)
    _prune(data, parts)
    # a text no output could carry (too long, a control character) or a list grown past its
    # bound is refused at its path, before it reaches the memo, the RDF/XML or the workbook
    data.pop("change_log", None)
    if problems := [p for p in text_problems(data) if _related(p.location, canonical)]:
        raise EditError(canonical, problems)
    try:
        updated = Assessment.model_validate(data)
    except ValidationError as exc:
        raise EditError(canonical, problems_from_pydantic(exc)) from None
    errors = [p for p in check_document(updated, forms)
              if p.severity == "error" and _related(p.location, canonical)]
    # a new value must be a web address where one is asked for (an old one only warns)
    if not restore:
        errors += [p for p in address_problems(updated, "error")
                   if _related(p.location, canonical)]
    if has_errors(errors):
        raise EditError(canonical, errors)
    if parts[0] == "decision" and not restore:  # a decision recorded: its review date stored
        from hrk_workbench.model.review_date import fill_review_due

        fill_review_due(assessment, updated, forms)
    for name in type(assessment).model_fields:
        if name != "change_log" and getattr(assessment, name) != getattr(updated, name):
            setattr(assessment, name, getattr(updated, name))
    new = None if value is None else _get(updated.model_dump(mode="json"), parts)
    return Change(path=canonical, old=old, new=new)


def _related(location: str, path: str) -> bool:
    return location == path or location.startswith((path + ".", path + "[")) or \
        path.startswith((location + ".", location + "["))


def format_path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_value(assessment: Assessment, path: str, text: str, forms: Forms) -> Any:
    """A command-line value as the answer's type: ``2`` a number, ``true`` yes, ``yes`` text.

    JSON is tried first and plain text second, so ``dataset.title.fi=2024`` stays text while
    ``benefits.B3.value=2`` is the number 2; an empty value clears the answer.
    """
    if text == "":
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return _decimal_comma(assessment, path, text, forms)
    if decoded == text or isinstance(decoded, (dict,)):
        return text
    trial = assessment.model_copy(deep=True)
    try:
        set_answer(trial, path, decoded, forms)
        return decoded
    except EditError:
        try:
            set_answer(trial, path, text, forms)
            return text
        except EditError:
            return decoded  # the typed value gives the clearer error


_DECIMAL = re.compile(r"[+-]?\d+(,\d+)?")


def _decimal_comma(assessment: Assessment, path: str, text: str, forms: Forms) -> Any:
    """``12,5`` (or ``1 234,5``) as the number a Finnish or Swedish steward means, where the
    answer is a number; the text itself wherever text is accepted, as the app reads it."""
    compact = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not _DECIMAL.fullmatch(compact):
        return text
    number: Any = float(compact.replace(",", ".")) if "," in compact else int(compact)
    trial = assessment.model_copy(deep=True)
    try:
        set_answer(trial, path, text, forms)
        return text  # a text answer keeps what was typed
    except EditError:
        pass
    try:
        set_answer(trial, path, number, forms)
    except EditError:
        return text  # neither: the typed text gives the message
    return number
