"""File → Print for the memo, and "Open" for a file just exported.

Printing uses the Outputs step's preview (the memo as the HTML export renders it, figures
included), so what is printed is what the steward has just read on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QPushButton

if TYPE_CHECKING:
    from .host import WindowHost


def print_memo(window: WindowHost, printer: QPrinter | None = None) -> bool:
    """Show the memo on the Outputs step and print it; False when the user cancels."""
    window.go_to_step("outputs")
    page = window.pages["outputs"]
    page.refresh_preview()  # now, not after the preview's timer: print the current answers
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(window.document.t("gui_print_doc_name",
                                         title=window.document.display_name()))
    dialog = QPrintDialog(printer, window)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(window.t("gui_print_title"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    page.preview.document().print_(printer)
    window._status(window.t("gui_printed"))
    return True


def show_open_button(window: WindowHost, path: str) -> QPushButton:
    """An "Open" button in the status bar for the file just written (one at a time)."""
    bar = window.statusBar()
    old = getattr(window, "open_export_button", None)
    if old is not None:
        bar.removeWidget(old)
        old.deleteLater()
    name = Path(path).name
    button = QPushButton(window.t("gui_open_export"))
    button.setObjectName("openExport")
    button.setAccessibleName(window.t("gui_open_export_named", file=name))
    button.setToolTip(path)
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
    bar.addPermanentWidget(button)
    window.open_export_button = button
    return button
