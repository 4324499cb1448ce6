"""The History view: the assessment's decision record as a table in the app's language.

The rows are the core's (:func:`hrk_workbench.reporting.history.history_rows`), the same as
the memo's appendix: who changed which question from what to what, lab results and
re-assessments, review comments and approvals. The table has an accessible name and each
column a title, so a screen reader reads "When, Who, What, From, To" for every row.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.reporting.history import history_rows, history_table

from .document import Document


class HistoryDialog(QDialog):
    """Read-only: the record cannot be edited here, only read and copied."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        d = document
        self.setWindowTitle(d.t("gui_history_title"))
        self.setObjectName("history_dialog")
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        self.intro = QLabel(d.t("memo_record_intro"))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        head, rows = history_table(history_rows(d.assessment, d.forms, d.lang), d.lang,
                                   d.forms)
        self.table = QTableWidget(len(rows), len(head))
        self.table.setObjectName("history_table")
        self.table.setAccessibleName(d.t("gui_history_title"))
        self.table.setHorizontalHeaderLabels(list(head))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.empty = QLabel(d.t("hist_none"))
        self.empty.setVisible(not rows)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def row_texts(self) -> list[list[str]]:
        """Every row's cells as shown (for tests and the accessibility check)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
