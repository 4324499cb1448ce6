"""Problems found in user input, reported all at once and each with a precise location.

A steward fixing a hand-edited file wants every mistake in one go, each pointing at the place
(file, JSON path, cell) and saying what was expected, instead of one traceback at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at ``location`` (e.g. ``$.risks.R1.likelihood``)."""

    location: str
    message: str
    expected: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.severity == "warning":
            text = f"warning: {text}"
        return text

    def to_dict(self) -> dict[str, str]:
        return {
            "location": self.location,
            "message": self.message,
            "expected": self.expected,
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


def json_path(loc: Iterable[str | int]) -> str:
    """Render a pydantic ``loc`` tuple as a JSONPath such as ``$.risks.R1.likelihood``."""
    path = "$"
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{part!r}]"
    return path


def problems_from_pydantic(exc, prefix: Iterable[str | int] = ()) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into problems with JSON paths and expectations.

    A value that fails every member of a union gives one problem, not one per member.
    """
    merged: dict[str, Problem] = {}
    for err in exc.errors(include_url=False):
        loc = _strip_union_tags([*prefix, *err.get("loc", ())])
        path = json_path(loc)
        expected = _expected(err)
        if path in merged:
            seen = merged[path]
            if expected and expected not in seen.expected:
                both = f"{seen.expected} or {expected}" if seen.expected else expected
                merged[path] = Problem(path, seen.message, both)
            continue
        message = err.get("msg", "invalid value")
        given = err.get("input")
        if err.get("type") != "missing" and _short(given):
            message += f"; got {_short(given)}"
        merged[path] = Problem(path, message, expected)
    return list(merged.values())


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
        "value_error": "",
    }.get(kind, "")
