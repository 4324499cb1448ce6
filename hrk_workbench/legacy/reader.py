"""Read a workbook's cells once, safely, into plain Python objects.

openpyxl is imported here only inside :func:`read_workbook`, so importing the legacy package
costs nothing for commands that never touch Excel. The workbook is opened read-only (streamed,
no formulas evaluated, defusedxml guarding the XML when installed) after
:func:`hrk_workbench.legacy.safety.check_workbook_file` has vetted the zip.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrk_workbench.foundations.problems import InputError, Problem

MAX_ROWS = 2000
MAX_COLS = 60
"""Cells beyond these are never read: an HRK sheet has tens of rows and under ten columns."""


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (without openpyxl, for the report)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def sheet_ref(sheet: str, row: int, col: int) -> str:
    """``Esteet!C2``, quoting the name as Excel does when it is not a plain word."""
    name = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(col)}{row}"


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str
    """openpyxl's data type: s text, n number, d date, b boolean, f formula, e error."""


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    truncated: bool = False

    def get(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def row_numbers(self) -> list[int]:
        return sorted({r for r, _ in self.cells})

    def row(self, row: int) -> list[tuple[int, Cell]]:
        return sorted((c, cell) for (r, c), cell in self.cells.items() if r == row)

    def ref(self, row: int, col: int) -> str:
        return sheet_ref(self.name, row, col)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(path: Path) -> list[Sheet]:
    """Every worksheet's non-blank cells, in sheet order; formulas stay formulas."""
    import openpyxl  # heavy: only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    source = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "unknown extension", "no default style": noise
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False,
                                        keep_links=False, keep_vba=False)
    except (InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError,
            AttributeError, IndexError) as exc:
        raise InputError(source, [Problem(
            "$", f"damaged workbook: {type(exc).__name__}: {exc}",
            "an undamaged .xlsx file (open it in Excel and save it again)",
            code="legacy_damaged", params={"detail": f"{type(exc).__name__}: {exc}"})]) from None
    except Exception as exc:  # XML parse errors of every parser, defusedxml refusals
        raise InputError(source, [Problem(
            "$", f"damaged workbook: {type(exc).__name__}: {exc}",
            "an undamaged .xlsx file (open it in Excel and save it again)",
            code="legacy_damaged", params={"detail": f"{type(exc).__name__}: {exc}"})]) from None
    sheets: list[Sheet] = []
    try:
        for ws in wb.worksheets:
            sheet = Sheet(ws.title)
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # other programs write wrong or no dimensions
            for row in ws.iter_rows(max_col=MAX_COLS):
                for cell in row:
                    value = getattr(cell, "value", None)
                    if _blank(value):
                        continue
                    r, c = cell.row, cell.column
                    if r > MAX_ROWS:
                        sheet.truncated = True
                        break
                    sheet.cells[(r, c)] = Cell(value, cell.data_type)
                if sheet.truncated:
                    break
            sheets.append(sheet)
    except Exception as exc:  # a sheet's XML damaged after the zip checked out
        raise InputError(source, [Problem(
            "$", f"damaged workbook: {type(exc).__name__}: {exc}",
            "an undamaged .xlsx file (open it in Excel and save it again)",
            code="legacy_damaged", params={"detail": f"{type(exc).__name__}: {exc}"})]) from None
    finally:
        wb.close()
    return sheets
