"""The lab's data file and the work done on it off the GUI thread (reading, measuring,
protecting, writing), shared by the Risk lab and the Table lab.

Why apart from the pages: these functions run on worker threads and touch no widget; every
figure comes from ``hrk_workbench.disclosure`` (the calls of ``hrk-workbench risk`` and
``puf``), and what the labs decide is in ``hrk_workbench.disclosure.lab_session``. The data
frame is kept beside the document (``LabData``), never in the assessment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.foundations.problems import InputError, Problem

from ..document import Document
from ..workers import Cancelled, Progress

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.lab_session import LabRun
    from hrk_workbench.disclosure.microdata.roles import RoleSuggestion

DATA_FILTER_KEY = "gui_lab_data_filter"
# A file whose data takes more than this is measured straight from the file (DuckDB) and not
# loaded: a DataFrame of text takes several times the file's size. HRK_LAB_LARGE_FILE_MB
# overrides it (a steward with a big machine, or a test).
LARGE_FILE_MB = 500
LARGE_FILE_ENV = "HRK_LAB_LARGE_FILE_MB"
SAMPLE_ROWS = 10_000  # roles of a large file are suggested from its first records


def large_file_bytes() -> int:
    """The size above which the lab measures from the file instead of loading it."""
    text = os.environ.get(LARGE_FILE_ENV, "").strip()
    try:
        mb = float(text) if text else LARGE_FILE_MB
    except ValueError:
        mb = LARGE_FILE_MB
    return int(mb * 1024 * 1024)



class LabData(QObject):
    """The data file loaded in the risk lab, kept beside the document for the table lab.

    A child of the document (not a field of it): the data is never part of the assessment.
    """

    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: str | None = None
        self.frame: pd.DataFrame | None = None  # None too for a file measured from disk

    def set(self, path: str | None, frame: pd.DataFrame | None) -> None:
        self.path, self.frame = path, frame
        self.loaded.emit()


def lab_data(document: Document) -> LabData:
    """The one LabData of a document (made on first use)."""
    found = document.findChild(LabData)
    return found if isinstance(found, LabData) else LabData(document)


@dataclass
class Refused:
    """A worker's input error, carried back so the page renders it in the steward's language."""

    source: str
    problems: list[Problem]


def data_filter(document: Document) -> str:
    return document.t(DATA_FILTER_KEY)


def read_data(progress: Progress, path: str, roles: bool = True, limit: int | None = None,
              rows_text: Callable[[int], str] | None = None, sheet: str | None = None) -> Any:
    """Read a data file (and suggest roles) on a worker thread; Refused on a bad file.

    A CSV reports every block the parser reads (in KiB, with ``rows_text(lines)`` as the
    label) through ``progress``, whose Cancel stops the read at the next block (256 KiB).
    A file whose data exceeds ``limit`` bytes is not loaded: its first :data:`SAMPLE_ROWS`
    records are read for the role suggestions and the result is marked ``large``. ``sheet``
    is the workbook's sheet chosen (None: the first visible one).
    """
    from hrk_workbench.foundations.reading import reading

    with reading({path: sheet} if sheet else None):
        return _read_data(progress, path, roles, limit, rows_text)


def _read_data(progress: Progress, path: str, roles: bool, limit: int | None,
               rows_text: Callable[[int], str] | None) -> Any:
    from hrk_workbench.disclosure.loading import memory_estimate, read_sample, read_table
    from hrk_workbench.disclosure.microdata.roles import suggest_roles

    name = Path(path).name
    progress.report(0, 0, name)
    try:
        size = memory_estimate(path)
        if limit is not None and size > limit:
            frame = read_sample(path, SAMPLE_ROWS)
            progress.report(1, 2, name)
            suggestions = suggest_roles(frame) if roles else []
            progress.report(2, 2)
            return Loaded(path, frame, suggestions, large=True, size=size)

        def report(done: int, total: int, rows: int) -> None:  # KiB: Qt's int is 32-bit
            progress.report(done // 1024, max(total // 1024, 1),
                            rows_text(rows) if rows_text else name)

        frame = read_table(path, progress=report)
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    suggestions = suggest_roles(frame) if roles else []
    progress.report(1, 1)
    return Loaded(path, frame, suggestions, size=size)


@dataclass
class Loaded:
    path: str
    frame: pd.DataFrame  # the whole file, or only its first records when ``large``
    suggestions: list[RoleSuggestion] = field(default_factory=list)
    large: bool = False
    size: int = 0


def rows_text(document: Document, name: str) -> Callable[[int], str]:
    """The progress label ("x.csv: 120,000 lines read…"), made on the GUI thread in the
    page's language and called on the worker thread (plain string work, no widget)."""
    lang = document.lang
    template = document.t("gui_lab_read_rows", file=name, rows="\x00")
    return lambda rows: template.replace("\x00", format_number(rows, lang))


def size_mb(size: int, document: Document) -> str:
    return format_number(max(round(size / (1024 * 1024)), 1), document.lang)


def measure_large(progress: Progress, path: str, keys: list[str], sensitive: list[str],
                  person: str | None, time: str | None, sheet: str | None = None,
                  options: dict[str, Any] | None = None) -> Any:
    """Measure a file too big to load, in DuckDB straight from the file (as ``risk``)."""
    from hrk_workbench.foundations.reading import reading

    with reading({path: sheet} if sheet else None):
        return _measure_large(progress, path, keys, sensitive, person, time, options)


def _measure_large(progress: Progress, path: str, keys: list[str], sensitive: list[str],
                   person: str | None, time: str | None,
                   options: dict[str, Any] | None = None) -> Any:
    import duckdb

    from hrk_workbench.disclosure.microdata.measures import measure_file

    progress.report(0, 0, Path(path).name)
    try:
        before = measure_file(path, keys, sensitive, person, time,
                              on_connection=lambda con: progress.on_cancel(con.interrupt),
                              **(options or {}))
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    except duckdb.InterruptException:  # the user's Cancel stopped the query
        raise Cancelled() from None
    progress.report(1, 1)
    from hrk_workbench.disclosure.lab_session import LabRun

    return LabRun(before, None, None, None)




def compute(progress: Progress, frame: pd.DataFrame, recipe: Any, key: bytes | None,
            file: str, before: Any = None, person: str | None = None,
            time: str | None = None, options: dict[str, Any] | None = None) -> Any:
    """The library's run of the recipe (``lab_session.run_recipe``, as ``puf``) on a worker
    thread, with its progress; Refused on bad input."""
    from hrk_workbench.disclosure.lab_session import run_recipe

    progress.report(0, 3)
    try:
        run: LabRun = run_recipe(frame, recipe, key, file, before, person, time, options,
                                 report=lambda done: progress.report(done, 3))
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(3, 3)
    return run


def write_protected(progress: Progress, frame: pd.DataFrame, path: str) -> str:
    """The protected file as the CLI writes it: UTF-8, formulas neutralised, atomically."""
    from hrk_workbench.disclosure.microdata.recipe import to_csv_bytes
    from hrk_workbench.foundations.atomic import atomic_write_bytes

    progress.report(0, 1)
    atomic_write_bytes(path, to_csv_bytes(frame))
    progress.report(1, 1)
    return path
