"""File → Import Excel…: a legacy HRK workbook becomes a new, unsaved assessment.

The import runs off the GUI thread (a large or damaged workbook must not freeze the window),
and its report — what was mapped where, what could not be read, which answers to add — is
shown in a dialog, because a steward must see what the old sheet did not say before trusting
the new recommendation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms import Forms
from hrk_workbench.problems import InputError

from .qtlang import FILE_DIALOG_OPTIONS
from .workers import Progress, Task, run_task

if TYPE_CHECKING:
    from .mainwindow import MainWindow


def _import(progress: Progress, path: str, forms: Forms) -> Any:
    """On a pool thread: the assessment and its report, or the error to show."""
    from hrk_workbench.legacy.importer import import_workbook

    progress.report(0, 0, Path(path).name)
    try:
        return import_workbook(path, forms)
    except InputError as exc:  # a file that is not a workbook we can read: shown, not raised
        return exc


class ImportReportDialog(QDialog):
    """The import report as text the steward can read, select and copy."""

    def __init__(self, title: str, summary: str, lines: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReportDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        head = QLabel(summary)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        self.text.setAccessibleName(title)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(760, 520)


def choose_and_import(window: MainWindow) -> Task | None:
    if not window.maybe_save():
        return None
    path, _ = QFileDialog.getOpenFileName(window, window.t("gui_import_title"), "",
                                          window.t("gui_import_filter"),
                                          options=FILE_DIALOG_OPTIONS)
    return import_path(window, path) if path else None


def import_path(window: MainWindow, path: str) -> Task:
    """Start importing ``path``; the result replaces the open document when it arrives."""
    doc = window.document
    task = run_task(window, window.t("gui_import_title"), _import, path, window.forms,
                    forms=window.forms, lang=doc.lang)
    task.finished.connect(lambda result: _finished(window, path, result))
    task.failed.connect(lambda message: window.show_problems(path, [message]))
    return task


def _finished(window: MainWindow, path: str, result: Any) -> None:
    if isinstance(result, InputError):
        window.show_problems(path, result.problems)
        return
    from hrk_workbench.legacy.report import report_lines

    assessment, report = result
    doc = window.document
    doc.remove_recovery()
    doc.replace(assessment, None, dirty=True)  # not saved yet: closing asks first
    window.go_to(0)
    lines = report_lines(report, doc.lang, window.forms)
    dialog = ImportReportDialog(window.t("gui_import_report_title"),
                                window.t("gui_import_done", file=Path(path).name), lines, window)
    window.import_report = dialog  # for tests and the accessibility check
    dialog.open()
