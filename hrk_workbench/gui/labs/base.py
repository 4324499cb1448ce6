"""What both lab pages are made of: the data-file row, running work off the GUI thread, the
problems of a refused file, read-only table cells, tables as tall as their rows.

Why one base: the Risk lab and the Table lab load a file, start and cancel work and report
refusals the same way; written once here, the two pages hold only what differs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hrk_workbench.foundations.i18n import format_number

from ..document import Document, render_problems
from ..pages.base import _plain, parse_number
from ..pages.lab_base import LabPage
from ..sheet_choice import sheet_chooser
from ..workers import run_task
from .data import Refused, data_filter, lab_data, large_file_bytes
from .words import MAX_ROWS_SHOWN


def parse_breaks(text: str) -> list[float] | None:
    """Band limits as typed: ``0, 18, 30, 65`` or ``0 18 30 65``; with ``;`` between the
    limits a decimal comma is allowed (``0; 17,5; 30``). None when any part is no number."""
    parts = text.split(";") if ";" in text else re.split(r"[,\s]+", text)
    values = [parse_number(p) for p in parts if p.strip()]
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return None
    return [float(v) for v in values]


def fit_height(table: QTableWidget, max_rows: int = MAX_ROWS_SHOWN) -> None:
    """Make a table as tall as its rows (up to ``max_rows``) so the page, not the table,
    scrolls: a steward reads every measure without a second scroll bar."""
    rows = min(table.rowCount(), max_rows)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(rows)) if rows else \
        table.verticalHeader().defaultSectionSize() * 2
    if table.horizontalScrollBar().isVisible() or \
            table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)


def fixed_item(text: str) -> QTableWidgetItem:
    """A table cell the steward can select but not edit."""
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


class DataLabPage(LabPage):
    """A lab page on one data file: the file row, the work it starts, what it reports."""

    loaded = Signal()  # a load finished (or failed): for tests and screenshots
    computed = Signal()  # the page shows a finished computation
    settled = Signal()
    recompute_ms = 300  # the pause after a change before the figures are computed again

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        self.data = lab_data(document)
        self.path: str | None = None
        self.large_file_bytes = large_file_bytes()
        self.task: Any = None
        super().__init__(document, parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.recompute_ms)
        self._timer.timeout.connect(self.recompute)

    def recompute(self) -> None:  # each lab computes its own figures
        raise NotImplementedError

    def load_file(self, path: str | os.PathLike[str], sheet: str | None = None) -> None:
        raise NotImplementedError

    # --- building -----------------------------------------------------------------------

    def _data_row(self, extra: list[QPushButton] = ()) -> None:  # type: ignore[assignment]
        """The data group: choose a file (and ``extra`` buttons), its name, the workbook's
        sheet, and the status line under them."""
        _box, lay = self._group("gui_lab_data_group")
        row = QHBoxLayout()
        self.choose_button = self._button("gui_lab_choose_data", self.choose_file)
        self.file_field = QLineEdit()
        self.file_field.setReadOnly(True)
        self.file_label = self._label_for(self.file_field, "gui_lab_data_file")
        self.text(self.file_field.setPlaceholderText, self._t("gui_lab_no_data"))
        for widget in (self.choose_button, *extra, self.file_label):
            row.addWidget(widget)
        row.addWidget(self.file_field, 1)
        self.sheet_chooser = sheet_chooser(self, self.load_file)
        row.addWidget(self.sheet_chooser.companions[0])
        row.addWidget(self.sheet_chooser)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)
        self.data_layout = lay

    def _table(self, columns: int, name_key: str) -> QTableWidget:
        table = QTableWidget(0, columns)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.text(lambda s: table.setAccessibleName(_plain(s)), self._t(name_key))
        return table

    _fixed_item = staticmethod(fixed_item)

    # --- loading and working ------------------------------------------------------------

    def choose_file(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.document.t("gui_lab_choose_data_title"),
                                              start, data_filter(self.document))
        if path:
            self.load_file(path)

    def _start(self, title: str, fn: Any, done: Callable[[Any], None], *args: Any) -> None:
        """Run ``fn(progress, *args)`` off the GUI thread (a running one is cancelled);
        ``done`` gets its result unless a newer task replaced it."""
        if self.busy():
            self.task.cancel()
        task = run_task(self, title, fn, *args, forms=self.document.forms,
                        lang=self.document.lang)
        task.finished.connect(lambda r, t=task: done(r) if t is self.task else None)
        task.failed.connect(lambda m, t=task: self._stopped(m) if t is self.task else None)
        task.cancelled.connect(lambda t=task: self._stopped(self.document.t(
            "gui_lab_cancelled")) if t is self.task else None)
        self.task = task

    def _stopped(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()
        self.computed.emit()
        self.settled.emit()

    def _problems(self, refused: Refused) -> str:
        lines = render_problems(refused.problems, self.document.lang, self.document.forms)
        # the table builders call their input "data": name the file the steward chose
        source = self.path if refused.source == "data" and self.path else refused.source
        return "\n".join(f"{Path(source).name}: {line}" for line in lines)

    def _refused_file(self, refused: Refused) -> None:
        """A file that could not be read: say why; nothing else changes."""
        self.status.setText(self._problems(refused))
        self.loaded.emit()
        self.settled.emit()

    def _refused(self, path: str | os.PathLike[str], writes: str | None) -> bool:
        """Say, and refuse, a file to write that is the data file read, the open assessment,
        a folder or a device (the command line's output check); nothing is written then."""
        from ..document import refused_output

        problems = refused_output(path, (self.path, self.document.path), writes)
        if problems:
            self.result_status.setText(" ".join(render_problems(problems, self.document.lang,
                                                                self.document.forms)))
        return bool(problems)

    def _number(self, value: Any) -> str:
        return "—" if value is None else format_number(value, self.document.lang)
