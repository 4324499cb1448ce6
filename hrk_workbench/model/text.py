"""Limits on the text an assessment may hold: lengths, item counts, and characters no
output can carry.

A hand-edited or hostile file can put a megabyte into a title or a NUL into a comment. The
title then reaches every output: a 1 MB word makes the memo's line breaking crawl, and a
control character makes the RDF/XML record, the Word memo and the Excel workbook unreadable
(XML 1.0 cannot hold it at all). So every text is checked where documents come in (load,
``set``, the app's edits) and before every save, and refused at its answer path with the
length and the maximum, or the character, instead of failing later in an output.

The limits are stated once, here, by kind of field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from hrk_workbench.foundations.problems import Problem, json_path

MAX_TITLE_CHARS = 500
"""Titles: a dataset's, a distribution's, an API's name in a catalogue."""
MAX_LONG_TEXT_CHARS = 20_000
"""Descriptions, comments, mitigations, conditions: about ten pages of prose."""
MAX_SHORT_TEXT_CHARS = 2_000
"""Everything else: ids, names, e-mail and web addresses, codes, column names, keys."""
MAX_ITEMS = 1_000
"""Items in one list or map (keywords, participants, a data dictionary's columns): a
hostile file with 100 000 keywords makes the memo take a minute; no real assessment has a
thousand. The change log is exempt: it grows with every save and the memo summarises it."""
UNBOUNDED = frozenset({"change_log"})

TITLE_FIELDS = frozenset({"title"})
LONG_TEXT_FIELDS = frozenset({
    "description", "comment", "mitigation", "use_cases", "weaknesses", "disclaimer",
    "residual_risk_note", "conditions", "ownership", "precision", "end_of_life",
    # an answer's value may be free text; a change-log entry copies an answer's values
    "value", "old", "new",
})

# What XML 1.0 cannot hold (its Char production), plus DEL and the C1 controls, which it
# discourages and which a terminal interprets as commands: C0 except tab, LF and CR; DEL and
# C1; lone UTF-16 surrogates (the JSON escape \ud800 without its pair); U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SHORT_KEY = 40  # a key longer than this is shortened where it appears in a problem's path


def max_chars(loc: Iterable[str | int]) -> int:
    """The longest text allowed at ``loc``, by the field it belongs to.

    The field is the last name in the path, or the one before it when the last is a language
    code, a question id or a list index (``dataset.title.fi``, ``dataset.keywords.fi[0]``).
    """
    names = [part for part in loc if isinstance(part, str)][-2:]
    for name in reversed(names):
        if name in TITLE_FIELDS:
            return MAX_TITLE_CHARS
        if name in LONG_TEXT_FIELDS:
            return MAX_LONG_TEXT_CHARS
    return MAX_SHORT_TEXT_CHARS


def text_problems(data: Any, prefix: Iterable[str | int] = ()) -> list[Problem]:
    """Every text in ``data`` (a document as JSON data) that is too long or holds a character
    no output can carry, as problems at their answer paths; keys are checked too."""
    problems: list[Problem] = []
    _walk(data, list(prefix), problems)
    return problems


def _walk(value: Any, loc: list[str | int], out: list[Problem]) -> None:
    if isinstance(value, str):
        _check(value, loc, out)
        return
    if isinstance(value, (dict, list, tuple)) and len(value) > MAX_ITEMS \
            and not (loc and loc[0] in UNBOUNDED):
        out.append(Problem(json_path(loc), f"{len(value)} items are too many",
                           f"at most {MAX_ITEMS} items", code="too_many_items",
                           params={"count": len(value), "max": MAX_ITEMS}))
        return  # one problem for the list, not one per item
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                shown = key if len(key) <= _SHORT_KEY else key[:_SHORT_KEY] + "…"
                _check(key, [*loc, shown], out, is_key=True)
                _walk(item, [*loc, shown], out)
            else:
                _walk(item, [*loc, str(key)], out)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _walk(item, [*loc, i], out)


def _check(text: str, loc: list[str | int], out: list[Problem], is_key: bool = False) -> None:
    path = json_path(loc)
    limit = MAX_SHORT_TEXT_CHARS if is_key else max_chars(loc)
    if len(text) > limit:
        out.append(Problem(path, f"text of {len(text)} characters is too long",
                           f"at most {limit} characters", code="text_too_long",
                           params={"length": len(text), "max": limit}))
    bad = _NOT_XML.search(text)
    if bad is not None:
        char = f"U+{ord(bad.group()):04X}"
        position = bad.start() + 1
        if 0xD800 <= ord(bad.group()) <= 0xDFFF:
            out.append(Problem(path, f"contains {char}, half of a character pair",
                               "whole characters; the XML formats (RDF/XML, DOCX, XLSX) "
                               "cannot hold a lone surrogate", code="text_lone_surrogate",
                               params={"char": char, "position": position}))
        else:
            out.append(Problem(path, f"contains the control character {char}",
                               "text without control characters; the XML formats "
                               "(RDF/XML, DOCX, XLSX) cannot hold them",
                               code="text_control_character",
                               params={"char": char, "position": position}))
