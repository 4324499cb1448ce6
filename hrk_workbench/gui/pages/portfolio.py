"""The Portfolio step: rank every assessment in a folder, as ``hrk-workbench portfolio`` does.

An organisation opens datasets one budget at a time, so it needs them in order: this page
reads a folder's ``*.hrk.json`` files off the GUI thread (with progress and Cancel), ranks
them with the core's :func:`hrk_workbench.scoring.rank_assessments`, lists files that cannot
be read with their problems instead of dropping them, and draws benefit against risk with
bubble area = 3-year cost. A double-click on a row or a bubble asks the window to open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.decision.check import check_against_forms
from hrk_workbench.decision.portfolio import Attention, PortfolioEntry, attention, rank_assessments
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.foundations.problems import InputError, Problem, has_errors
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.store import FILE_SUFFIX, load_assessment

from ..document import Document, render_problems
from ..qtlang import FILE_DIALOG_OPTIONS
from ..widgets.bubble_chart import Bubble, BubbleChart
from ..widgets.datefield import format_date
from ..widgets.tables import fit_header_sections
from ..workers import Progress, run_task
from .base import PageFrame

COLUMNS = ["col_rank", "col_title", "col_recommendation", "col_benefit", "col_risk",
           "col_cost", "col_file", "gui_portfolio_col_review", "gui_portfolio_col_problem"]
(COL_RANK, COL_TITLE, COL_RECOMMENDATION, COL_BENEFIT, COL_RISK, COL_COST, COL_FILE,
 COL_REVIEW, COL_PROBLEM) = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_BACKGROUND = QColor("#fde0dc")


@dataclass
class PortfolioData:
    """What the worker read: the ranked entries and the files that could not be used."""

    folder: str
    items: list[tuple[str, Assessment]] = field(default_factory=list)
    ranked: list[PortfolioEntry] = field(default_factory=list)
    errors: list[tuple[str, list[Problem]]] = field(default_factory=list)
    warnings: dict[str, list[Problem]] = field(default_factory=dict)  # of usable files
    attention: dict[str, Attention] = field(default_factory=dict)  # review due, data changed


def collect_files(folder: str) -> list[str]:
    """The assessment files of a folder and its subfolders, as the ``portfolio`` command
    collects them (same order, same names), so both rank the same files the same way."""
    return sorted(str(f) for f in Path(folder).rglob(f"*{FILE_SUFFIX}"))


def read_portfolio(progress: Progress, folder: str, forms: Forms, lang: str) -> PortfolioData:
    """Load, check and rank (on a worker thread: no widget is touched here).

    A file is usable exactly when the CLI would use it: it loads and ``check_against_forms``
    finds no error; everything else becomes an error row with the core's problems.
    """
    data = PortfolioData(folder)
    files = collect_files(folder)
    for i, path in enumerate(files):
        progress.report(i, len(files), Path(path).name)
        try:
            assessment = load_assessment(path)
            problems = check_against_forms(assessment, forms)
            if has_errors(problems):
                raise InputError(path, problems)
            data.items.append((path, assessment))
            data.warnings[path] = problems
            data.attention[path] = attention(path, assessment, forms, lang)
        except InputError as exc:
            data.errors.append((path, exc.problems))
        except OSError as exc:
            data.errors.append((path, [Problem("$", exc.strerror or str(exc))]))
    progress.report(len(files), len(files))
    data.ranked = rank_assessments(data.items, forms, lang)
    return data


def rerank(progress: Progress, data: PortfolioData, forms: Forms, lang: str) -> PortfolioData:
    """Rank already loaded items again (titles, and so ties, depend on the language)."""
    progress.report(0, 1)
    return PortfolioData(data.folder, data.items, rank_assessments(data.items, forms, lang),
                         data.errors, data.warnings, data.attention)


class _SortItem(QTableWidgetItem):
    """A cell that sorts by its SORT_ROLE value (numbers as numbers), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if a is None or b is None:
            return super().__lt__(other)
        return a < b


class _EnterOpens(QObject):
    """Enter on a selected row opens it, like a double-click (keyboard users)."""

    def __init__(self, page: PortfolioPage) -> None:
        super().__init__(page)
        self._page = page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            row = self._page.table.currentRow()
            if row >= 0:
                self._page._open_row(row)
                return True
        return False


class PortfolioPage(PageFrame):
    """Folder chooser, ranked table and bubble chart; emits ``openRequested(path)``."""

    step = "portfolio"
    openRequested = Signal(str)
    loaded = Signal()  # the table and chart show a finished load (for tests and status)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.forms = document.forms
        self.folder: str | None = None
        self.data: PortfolioData | None = None
        self.task: Any = None
        self._cancelled = False

        outer = self.outer

        body = QVBoxLayout()
        body.setContentsMargins(12, 0, 12, 12)
        outer.addLayout(body, 1)
        row = QHBoxLayout()
        self.choose_button = QPushButton()
        self.choose_button.clicked.connect(self.choose_folder)
        self.reload_button = QPushButton()
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.setEnabled(False)
        self.folder_label = QLabel()
        self.folder_field = QLineEdit()
        self.folder_field.setReadOnly(True)
        self.folder_label.setBuddy(self.folder_field)
        row.addWidget(self.choose_button)
        row.addWidget(self.reload_button)
        row.addWidget(self.folder_label)
        row.addWidget(self.folder_field, 1)
        body.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        body.addWidget(self.status)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("portfolioTable")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open_row(r))
        self.table.itemSelectionChanged.connect(self._row_selected)
        self._enter = _EnterOpens(self)
        self.table.installEventFilter(self._enter)
        self.splitter.addWidget(self.table)
        self.chart = BubbleChart(self.forms, document.lang)
        self.chart.bubbleClicked.connect(self._bubble_clicked)
        self.chart.bubbleDoubleClicked.connect(self.openRequested)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        body.addWidget(self.splitter, 1)

        document.languageChanged.connect(self.retranslate)
        self.retranslate(document.lang)

    # --- loading ------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.task is not None and not self.task.done

    def choose_folder(self) -> None:
        """Ask for a folder (Qt's dialog, translated) and load it."""
        start = self.folder or (str(self.document.path.parent) if self.document.path else "")
        folder = QFileDialog.getExistingDirectory(self, self.document.t(
            "gui_portfolio_dialog_title"), start,
            options=QFileDialog.Option.ShowDirsOnly | FILE_DIALOG_OPTIONS)
        if folder:
            self.load_folder(folder)

    def load_folder(self, path: str) -> None:
        """Read, check and rank the folder's assessments off the GUI thread."""
        if self.loading:
            self.task.cancel()
        self.folder = str(path)
        self.folder_field.setText(self.folder)
        self.folder_field.setCursorPosition(0)
        self.reload_button.setEnabled(True)
        count = len(collect_files(self.folder)) if Path(self.folder).is_dir() else 0
        self._start(self.document.t("gui_portfolio_loading", count=count), read_portfolio,
                    self.folder, self.forms, self.document.lang)

    def reload(self) -> None:
        if self.folder:
            self.load_folder(self.folder)

    def _start(self, title: str, fn: Any, *args: Any) -> None:
        self._cancelled = False
        task = run_task(self, title, fn, *args, forms=self.forms, lang=self.document.lang)
        task.finished.connect(lambda data, t=task: self._show(data) if t is self.task else None)
        task.cancelled.connect(lambda t=task: self._on_cancelled() if t is self.task else None)
        task.failed.connect(lambda msg, t=task: self._on_failed(msg) if t is self.task else None)
        self.task = task

    def _on_cancelled(self) -> None:
        self._cancelled = True
        self.status.setText(self.document.t("gui_portfolio_cancelled"))
        self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()

    def _show(self, data: PortfolioData) -> None:
        self.data = data
        self._fill()
        self.loaded.emit()

    # --- showing ------------------------------------------------------------------------

    def _fill(self) -> None:
        """Rows in rank order (error rows last), and the chart's bubbles."""
        d, lang, data = self.document, self.document.lang, self.data
        if data is None:
            return
        t = self.table
        t.setSortingEnabled(False)
        t.clearContents()
        t.setRowCount(len(data.ranked) + len(data.errors))
        bubbles = []
        for row, e in enumerate(data.ranked):
            s = e.summary
            top = max((r.residual_score for r in s.risks.scores), default=None)
            warnings = "; ".join(render_problems(data.warnings.get(e.source, []), lang,
                                                 self.forms))
            risk_text = d.t(s.risks.profile) + (f" ({top})" if top is not None else "")
            cells = [
                (str(e.rank), e.rank),
                (e.title, e.title.casefold()),
                (d.t(s.recommendation.outcome), e.rank),
                (f"{s.benefit.score} ({d.t(s.benefit.level)})", s.benefit.score),
                (risk_text, -1 if top is None else top),
                (format_number(s.costs.total_eur, lang), s.costs.total_eur),
                (Path(e.source).name, Path(e.source).name.casefold()),
                self._review_cell(data.attention.get(e.source)),
                (warnings, warnings),
            ]
            self._set_row(row, cells, e.source, error=False)
            bubbles.append(Bubble(
                key=e.source, rank=e.rank, title=e.title, benefit=s.benefit.score, risk=top,
                cost=s.costs.total_eur, outcome=s.recommendation.outcome,
                description=d.t("gui_chart_point", rank=e.rank, title=e.title,
                                benefit=s.benefit.score, risk=risk_text,
                                cost=format_number(s.costs.total_eur, lang),
                                recommendation=d.t(s.recommendation.outcome))))
        first_error = len(data.ranked)
        for i, (path, problems) in enumerate(data.errors):
            name = Path(path).name
            text = "; ".join(render_problems(problems, lang, self.forms))
            sort_last = 10**9 + i
            cells = [("—", sort_last), (name, name.casefold()),
                     (d.t("gui_portfolio_unreadable"), sort_last), ("", -2), ("", -2),
                     ("", -1.0), (name, name.casefold()), ("", ""), (text, text)]
            self._set_row(first_error + i, cells, path, error=True)
        t.setSortingEnabled(True)
        t.sortItems(COL_RANK, Qt.SortOrder.AscendingOrder)
        self._fit_columns()
        self.chart.set_bubbles(bubbles)
        key = "gui_portfolio_cancelled" if self._cancelled else "gui_portfolio_status"
        self.status.setText(d.t(key, count=len(data.ranked), errors=len(data.errors)))

    def _review_cell(self, due: Attention | None) -> tuple[str, Any]:
        """When the assessment is looked at again, and why now: review due, data changed."""
        d = self.document
        if due is None:
            return "", ""
        parts = [format_date(due.review_due, d.lang)] if due.review_due else []
        if due.due:
            parts.append(d.t("gui_portfolio_review_due"))
        if due.data_changed:
            parts.append(d.t("gui_portfolio_data_changed",
                             file=", ".join(Path(f).name for f in due.data_changed)))
        key = "0" if due.needed else "1"  # those needing attention first when sorted
        return " · ".join(parts), key + (due.review_due.isoformat() if due.review_due else "")

    def _set_row(self, row: int, cells: list[tuple[str, Any]], path: str, error: bool) -> None:
        for col, (text, key) in enumerate(cells):
            item = _SortItem(text)
            item.setData(SORT_ROLE, key)
            item.setData(PATH_ROLE, path)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if col in (COL_RANK, COL_BENEFIT, COL_COST):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_FILE:
                item.setToolTip(path)
            if col == COL_PROBLEM and text:
                item.setToolTip(text)
            if error:
                item.setBackground(QBrush(ERROR_BACKGROUND))
                item.setForeground(QBrush(Qt.GlobalColor.black))
            self.table.setItem(row, col, item)

    def _fit_columns(self) -> None:
        t = self.table
        t.resizeColumnsToContents()
        for col, cap in ((COL_TITLE, 280), (COL_FILE, 220), (COL_PROBLEM, 400)):
            t.setColumnWidth(col, min(t.columnWidth(col), cap))
        fit_header_sections(t)  # a capped or still empty column keeps its whole title

    def rows(self) -> list[dict[str, str]]:
        """The table as shown (top to bottom), column key -> text; for tests and checks."""
        out = []
        for row in range(self.table.rowCount()):
            cells = {key: self.table.item(row, col).text() for col, key in enumerate(COLUMNS)}
            cells["path"] = self.table.item(row, COL_RANK).data(PATH_ROLE)
            out.append(cells)
        return out

    # --- interaction --------------------------------------------------------------------

    def _open_row(self, row: int) -> None:
        item = self.table.item(row, COL_RANK)
        if item is not None:
            self.openRequested.emit(item.data(PATH_ROLE))

    def _row_selected(self) -> None:
        items = self.table.selectedItems()
        self.chart.set_selected(items[0].data(PATH_ROLE) if items else None)

    def _bubble_clicked(self, path: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_RANK).data(PATH_ROLE) == path:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, COL_RANK))
                return

    def retranslate(self, lang: str) -> None:
        """Texts in the new language; the ranking is redone (ties break on the title)."""
        d = self.document
        self.heading.setText(d.t("gui_step_portfolio"))
        self.intro.setText(d.t("gui_portfolio_intro"))
        self.choose_button.setText(d.t("gui_portfolio_choose"))
        self.choose_button.setAccessibleName(d.t("gui_portfolio_choose").replace("&", ""))
        self.reload_button.setText(d.t("gui_portfolio_reload"))
        self.reload_button.setAccessibleName(d.t("gui_portfolio_reload").replace("&", ""))
        self.folder_label.setText(d.t("gui_portfolio_folder"))
        self.folder_field.setAccessibleName(d.t("gui_portfolio_folder"))
        self.folder_field.setPlaceholderText(d.t("gui_portfolio_no_folder"))
        self.table.setHorizontalHeaderLabels([d.t(k) for k in COLUMNS])
        fit_header_sections(self.table)
        self.table.setAccessibleName(d.t("gui_portfolio_table"))
        self.chart.set_language(lang)
        if self.data is not None and not self.loading:
            self._start(d.t("gui_progress_working"), rerank, self.data, self.forms, lang)
        elif self.data is None and not self.loading:
            self.status.setText("")
