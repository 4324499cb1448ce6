"""File → Import Excel…: a legacy HRK workbook becomes a new, unsaved assessment.

The import runs off the GUI thread (a large or damaged workbook must not freeze the window),
and its report — what was mapped where, what could not be read, which answers to add — is
shown in a dialog, because a steward must see what the old sheet did not say before trusting
the new recommendation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError

from .qtlang import FILE_DIALOG_OPTIONS
from .workers import Progress, Task, run_task

if TYPE_CHECKING:
    from .host import WindowHost


def _import(progress: Progress, path: str, forms: Forms) -> Any:
    """On a pool thread: the assessment and its report, or the error to show."""
    from hrk_workbench.legacy.importer import import_workbook

    progress.report(0, 0, Path(path).name)
    try:
        return import_workbook(path, forms)
    except InputError as exc:  # a file that is not a workbook we can read: shown, not raised
        return exc


class ImportReportDialog(QDialog):
    """A short summary of the import first; the cell-by-cell report (selectable, copyable)
    on request, both in the app's language and naming questions, never answer paths."""

    def __init__(self, title: str, summary: str, lines: list[str],
                 parent: QWidget | None = None, *, overview: str = "",
                 show_text: str = "", hide_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("importReportDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        head = QLabel(summary)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.overview = QLabel(overview)
        self.overview.setObjectName("importSummary")
        self.overview.setWordWrap(True)
        self.overview.setVisible(bool(overview))
        layout.addWidget(self.overview)
        self._show_text, self._hide_text = show_text, hide_text
        self.details_button = QPushButton(show_text)
        self.details_button.setObjectName("importShowDetails")
        self.details_button.setCheckable(True)
        self.details_button.setVisible(bool(show_text))
        self.details_button.toggled.connect(self._toggle)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        self.text.setAccessibleName(title)
        self.text.setVisible(not show_text)  # without a summary, the report is all there is
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(760, 520 if not show_text else 260)

    def _toggle(self, shown: bool) -> None:
        self.text.setVisible(shown)
        self.details_button.setText(self._hide_text if shown else self._show_text)
        self.details_button.setAccessibleName(self.details_button.text())
        if shown and self.height() < 480:
            self.resize(self.width(), 520)


def choose_and_import(window: WindowHost) -> Task | None:
    if not window.maybe_save():
        return None
    path, _ = QFileDialog.getOpenFileName(window, window.t("gui_import_title"), "",
                                          window.t("gui_import_filter"),
                                          options=FILE_DIALOG_OPTIONS)
    return import_path(window, path) if path else None


def import_path(window: WindowHost, path: str) -> Task:
    """Start importing ``path``; the result replaces the open document when it arrives."""
    doc = window.document
    task = run_task(window, window.t("gui_import_title"), _import, path, window.forms,
                    forms=window.forms, lang=doc.lang)
    task.finished.connect(lambda result: _finished(window, path, result))
    task.failed.connect(lambda message: window.show_problems(path, [message]))
    return task


def _finished(window: WindowHost, path: str, result: Any) -> None:
    if isinstance(result, InputError):
        window.show_problems(path, result.problems)
        return
    from hrk_workbench.legacy.report import app_words, report_lines, summary_text

    assessment, report = result
    doc = window.document
    doc.remove_recovery()
    doc.replace(assessment, None, dirty=True)  # not saved yet: closing asks first
    window.go_to(0)
    lines = report_lines(report, doc.lang, window.forms, app_words(window.forms, doc.lang))
    dialog = ImportReportDialog(window.t("gui_import_report_title"),
                                window.t("gui_import_done", file=Path(path).name), lines, window,
                                overview=summary_text(report, doc.lang, window.forms),
                                show_text=window.t("gui_import_show_report"),
                                hide_text=window.t("gui_import_hide_report"))
    window.import_report = dialog  # for tests and the accessibility check
    dialog.open()
