"""The one CSV writer of the workbench: well formed, one line ending, and inert in a spreadsheet.

Every CSV file the workbench writes (the public-use file of ``puf`` and of the Risk lab, the
protected table of ``tables`` and of the Table lab) is made here, so all of them

* end every record with ``\\n`` and nothing else: a line break inside a value (``\\r\\n``,
  a lone ``\\r``) becomes ``\\n`` and the value is quoted, so no reader sees a value break a
  record in two (Python's own writer leaves a lone ``\\r`` unquoted);
* start no text with a formula prefix: text beginning ``= + - @``, a tab or a carriage
  return gets a leading apostrophe, as the Excel export stores such text as text
  (:data:`FORMULA_STARTS` is shared with it); a plain number (``-5``, ``+3,5``, ``1e-3``)
  and a lone ``-`` or ``+`` (a suppression symbol) stay as they are.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

# what makes a spreadsheet read a cell as a formula (OWASP's list; the Excel export's too)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_LINE_BREAK = re.compile(r"\r\n?")


def neutralise(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Cells starting with = + - @ (or tab, carriage return) are formulas to Excel and
    LibreOffice; a plain number such as -5 or +3,5 is data and stays as it is, and so does a
    lone ``-`` or ``+``, which no spreadsheet runs.
    """
    if text.startswith(FORMULA_STARTS) and text not in ("-", "+") \
            and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def cell_text(value: Any) -> str:
    """A value as the file holds it: missing as empty, a whole float without ``.0``, text
    with its line breaks as ``\\n`` and neutralised."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return _LINE_BREAK.sub("\n", neutralise(str(value)))  # "\r=1" is neutralised first


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """UTF-8-ready CSV text: comma-separated, ``\\n`` after every record, quoted where a
    value holds a comma, a quote or a line break, every cell through :func:`cell_text`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell_text(h) for h in header])
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return buffer.getvalue()
