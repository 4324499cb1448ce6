"""Problems found in user input, reported all at once and each with a precise location.

A steward fixing a hand-edited file wants every mistake in one go, each pointing at the place
(file, JSON path, cell) and saying what was expected, instead of one traceback at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at ``location`` (an answer path such as
    ``risks.R1.likelihood``, ``$`` for the whole document, or a line and column).

    ``message`` and ``expected`` are the English text; ``code`` and ``params`` let
    :func:`hrk_workbench.foundations.i18n.render_problem` say the same in the steward's language.
    """

    location: str
    message: str
    expected: str = ""
    severity: Severity = "error"
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.severity == "warning":
            text = f"warning: {text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.severity,
            "path": self.location,
            "code": self.code or "invalid",
            "message": self.message,
            "expected": self.expected,
            "params": dict(self.params),
            "location": self.location,
            "severity": self.severity,
        }


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (warnings alone leave the input usable)."""
    return any(p.severity == "error" for p in problems)


class InputError(Exception):
    """Input that cannot be used; carries every :class:`Problem` found, never just the first."""

    def __init__(self, source: str, problems: Iterable[Problem]):
        self.source = source
        self.problems = list(problems)
        super().__init__(self.lines()[0] if self.problems else source)

    def lines(self) -> list[str]:
        """One line per problem, prefixed with the file or source name."""
        return [f"{self.source}: {p}" for p in self.problems]


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def json_path(loc: Iterable[str | int]) -> str:
    """Render a pydantic ``loc`` as an answer path such as ``risks.R1.likelihood``.

    This is the one path form that problems, the change log and edits share; ``$`` is the
    document itself.
    """
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path or "$"


def problems_from_pydantic(exc, prefix: Iterable[str | int] = ()) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into problems with answer paths and expectations.

    A value that fails every member of a union gives one problem, not one per member.
    """
    merged: dict[str, Problem] = {}
    for err in exc.errors(include_url=False):
        loc = _strip_union_tags([*prefix, *err.get("loc", ())])
        path = json_path(loc)
        expected = _expected(err)
        code, params = _code(err)
        if path in merged:
            seen = merged[path]
            if expected and expected not in seen.expected:
                both = f"{seen.expected} or {expected}" if seen.expected else expected
                kinds = [*seen.params.get("kinds", []), *params.get("kinds", [])]
                merged[path] = Problem(path, seen.message, both, code=seen.code,
                                       params={**seen.params, "kinds": kinds})
            continue
        message = err.get("msg", "invalid value")
        given = err.get("input")
        if err.get("type") != "missing" and _short(given):
            message += f"; got {_short(given)}"
        merged[path] = Problem(path, message, expected, code=code,
                               params={**params, "got": _short(given)})
    return list(merged.values())


_TYPE_KINDS = {
    "int_parsing": "integer", "int_type": "integer", "int_from_float": "integer",
    "float_parsing": "number", "float_type": "number", "string_type": "text",
    "bool_type": "yes_no", "bool_parsing": "yes_no", "dict_type": "object",
    "model_type": "object", "list_type": "list", "date_from_datetime_parsing": "date",
    "date_parsing": "date", "date_type": "date", "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime", "datetime_type": "datetime",
}
_SIGNS = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">",
          "less_than": "<"}


def _code(err: dict) -> tuple[str, dict[str, Any]]:
    """The problem code and values behind a pydantic error, for the message catalogues."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "missing_value", {}
    if kind == "extra_forbidden":
        return "unknown_field", {}
    if kind in _TYPE_KINDS:
        return "wrong_type", {"kinds": [_TYPE_KINDS[kind]]}
    if kind in _SIGNS:
        return "out_of_bounds", {"sign": _SIGNS[kind],
                                 "bound": plain_number(next(iter(ctx.values()), ""))}
    if kind == "finite_number":
        return "not_finite", {}
    if kind == "literal_error":
        return "not_allowed", {"allowed": str(ctx.get("expected", ""))}
    if kind == "string_pattern_mismatch":
        return "bad_pattern", {"pattern": str(ctx.get("pattern", ""))}
    return "invalid", {"detail": err.get("msg", "")}


_UNION_TAGS = {"str", "int", "float", "bool", "none", "list[str]", "list[int]"}


def _strip_union_tags(loc: list[str | int]) -> list[str | int]:
    # pydantic inserts the member type ("int", "list[str]") into the path of a union-typed
    # value; no field of ours bears such a name, so these parts are never real keys
    return [part for part in loc
            if not (isinstance(part, str) and (part in _UNION_TAGS or part.startswith(
                ("function-", "constrained-", "literal[", "dict["))))]


def plain_number(value: object) -> object:
    """3.0 -> 3, so expectations read "a number >= 0" rather than ">= 0.0"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _short(value: object) -> str:
    if isinstance(value, (dict, list)) or value is None:
        return "" if value is None else type(value).__name__
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(err: dict) -> str:
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    kind = err.get("type", "")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = plain_number(next(iter(ctx.values()), ""))
        sign = {"greater_than_equal": ">=", "less_than_equal": "<=",
                "greater_than": ">", "less_than": "<"}[kind]
        return f"a number {sign} {bound}"
    return {
        "missing": "a value",
        "extra_forbidden": "no such field",
        "int_parsing": "a whole number",
        "int_type": "a whole number",
        "float_parsing": "a number",
        "float_type": "a number",
        "string_type": "text",
        "bool_type": "true or false",
        "dict_type": "an object",
        "model_type": "an object",
        "list_type": "a list",
        "date_from_datetime_parsing": "a date YYYY-MM-DD",
        "date_parsing": "a date YYYY-MM-DD",
        "datetime_parsing": "a date-time in ISO 8601",
        "datetime_from_date_parsing": "a date-time in ISO 8601",
        "string_pattern_mismatch": f"text matching {ctx.get('pattern', '')}",
        "finite_number": "a finite number",
        "value_error": "",
    }.get(kind, "")
