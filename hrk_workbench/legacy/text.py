"""Reading values as stewards type them: labels in other case, spacing or punctuation, numbers
stored as text ("3", "3,0", "1 200 €"), dates as text ("12.3.2024").

Pure functions without openpyxl, so the rules for what counts as the same label can be tested
and reused by the mapping checks.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_DATE_FI = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def normalise(text: object) -> str:
    """A key for comparing labels typed by hand: case, accents kept, punctuation and spacing
    dropped ("Ei tiedossa." == "ei  TIEDOSSA" == "Ei-tiedossa").

    Accents are kept because Finnish and Swedish letters distinguish words (ä, ö, å).
    """
    value = unicodedata.normalize("NFKC", str(text)).casefold().replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", value).split())


def item_id(text: object, ids: set[str]) -> str | None:
    """The question id a cell names ("B3", "b3.", " B3 :"), or None when it names none."""
    key = normalise(text).replace(" ", "").upper()
    return key if key in ids else None


def parse_number(value: object) -> float | None:
    """A number from a numeric cell or from text written the Finnish or English way.

    Spaces (also no-break spaces) group thousands and a comma or a point marks decimals;
    a trailing euro sign or "e" is allowed. Anything else is not a number: None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    text = _SPACES.sub("", value.strip()).removesuffix("€").removesuffix("EUR")
    text = text.removesuffix("eur").removesuffix("e") if text[:1].isdigit() else text
    if not _NUMBER.match(text):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:  # pragma: no cover - the pattern admits only numbers
        return None


def parse_date(value: object) -> date | None:
    """A date from a date cell or from text "12.3.2024", "12/3/2024" or "2024-03-12"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if m := _DATE_FI.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _DATE_ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


def shown(value: object) -> str:
    """A cell value as the report shows it: text as typed, whole floats without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
