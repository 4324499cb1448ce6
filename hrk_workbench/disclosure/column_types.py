"""A column's type read from its values (Table Schema types: integer, number, a number with a
decimal comma, date, yearmonth, string), for the data dictionary and the risk lab's roles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_ROWS = 1000  # rows looked at to infer a column's type for the dictionary


_INTEGER = re.compile(r"^[+-]?(0|[1-9]\d*)$")


_NUMBER_POINT = re.compile(r"^[+-]?\d+\.\d+$|^[+-]?(0|[1-9]\d*)$")


_NUMBER_COMMA = re.compile(r"^[+-]?\d+,\d+$|^[+-]?(0|[1-9]\d*)$")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_YEARMONTH = re.compile(r"^\d{4}-\d{2}$")


# A column detected as "direct" only because every sampled value differs is an identifier when
# it holds codes or integers; a column of decimal numbers that never repeat is a measurement.
MEASUREMENT_TYPES = frozenset({"number", "number,"})


def infer_type(series: pd.Series) -> str:
    """A Table Schema type for a column of text values: integer, number (point decimals),
    number with a decimal comma (``number,``), date, yearmonth or string.

    Codes with leading zeros (postcodes ``00100``) stay strings: as integers they would lose
    the zeros and the meaning.
    """
    import pandas as pd

    if pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    return type_of_values([str(v) for v in series.dropna().head(SAMPLE_ROWS)])


def type_of_values(values: Sequence[str]) -> str:
    """:func:`infer_type` for values given as text (a column's sample, without pandas)."""
    values = [v for v in (str(v).strip() for v in values) if v]
    if not values:
        return "string"
    for kind, pattern in (("integer", _INTEGER), ("number", _NUMBER_POINT),
                          ("number,", _NUMBER_COMMA), ("date", _DATE),
                          ("yearmonth", _YEARMONTH)):
        if all(pattern.match(v) for v in values):
            return kind
    return "string"
