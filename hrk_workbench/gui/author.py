"""Asking the steward's name once, for the change log and the memo's history.

The computer's login (often ``root`` or a shared account) tells a reader of the memo nothing;
the name given here is kept in the settings and recorded with every save.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .document import Document


class AuthorDialog(QDialog):
    """One labelled line edit: "Your name"; OK stays disabled while it is empty."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authorDialog")
        self.setWindowTitle(document.t("gui_author_title"))
        layout = QVBoxLayout(self)
        intro = QLabel(document.t("gui_author_text"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        label = QLabel(document.t("gui_author_label"))
        self.name = QLineEdit()
        self.name.setObjectName("authorName")
        self.name.setAccessibleName(document.t("gui_author_label").replace("&", ""))
        label.setBuddy(self.name)
        layout.addWidget(label)
        layout.addWidget(self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.name.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout.addWidget(self.buttons)


def ask_author(parent: QWidget, document: Document) -> str:
    """The name typed, or "" when the user cancels."""
    dialog = AuthorDialog(document, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return ""
    return dialog.name.text().strip()
