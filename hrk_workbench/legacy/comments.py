"""Excel cell comments (notes) of a legacy workbook, read so that none is lost on import.

openpyxl's streaming reader skips comments, so they are read here in a second pass, and only
when the workbook has comment parts at all (most have none, and a full load costs time).
The zip was vetted by :func:`hrk_workbench.legacy.safety.check_workbook_file` before.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from hrk_workbench.legacy.reader import MAX_COLS, MAX_ROWS


@dataclass(frozen=True)
class CellComment:
    sheet: str
    row: int
    col: int
    text: str
    author: str = ""

    def as_answer_comment(self) -> str:
        """The note as an answer comment: its text, with its author when Excel kept one
        and the text does not already begin with it (legacy notes start "Author:")."""
        text = self.text.strip()
        author = self.author.strip()
        if author and not text.startswith(author):
            return f"{author}: {text}"
        return text


def has_comments(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/comments") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def read_comments(path: Path) -> list[CellComment]:
    """Every non-empty cell comment within the cells the importer reads, in sheet order."""
    if not has_comments(path):
        return []
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=False, data_only=False,
                                        keep_links=False, keep_vba=False)
    except Exception:  # the cells were read already; a note that cannot be read is no reason
        return []     # to refuse the import (the report then simply lists no comments)
    found: list[CellComment] = []
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS), max_col=MAX_COLS):
                for cell in row:
                    note = cell.comment
                    if note is not None and (note.text or "").strip():
                        # openpyxl reads an empty <author/> as the text "None"
                        author = "" if note.author in (None, "None") else str(note.author)
                        found.append(CellComment(ws.title, cell.row, cell.column,
                                                 note.text, author))
    finally:
        wb.close()
    return found
