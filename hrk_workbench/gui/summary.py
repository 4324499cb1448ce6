"""The live summary panel: the core's figures and reasons beside every step.

Each figure is a read-only line edit whose accessible name is its caption, and whose text is
the value ``hrk-workbench score --json`` prints (numbers as JSON writes them; levels and the
recommendation as the label of the JSON code, the code itself as accessible description), so
the panel and the command line can be compared field by field.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .document import Document

# (JSON key, caption key, is a code shown by its label)
FIELDS = (("benefit_score", "gui_benefit_score", False),
          ("benefit_level", "gui_benefit_level", True),
          ("risk_profile", "gui_risk_profile", True),
          ("cost_3y_eur", "gui_cost_3y", False),
          ("recommendation", "gui_recommendation", True))


class SummaryPanel(QWidget):
    """Read-only view of ``document.summary_json()``, refreshed on every change."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(self.heading)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, QLineEdit] = {}
        self.captions: dict[str, QLabel] = {}
        for key, _, _ in FIELDS:
            edit = QLineEdit()
            edit.setReadOnly(True)
            edit.setObjectName(f"summary_{key}")
            caption = QLabel()
            caption.setBuddy(edit)
            form.addRow(caption, edit)
            self.fields[key] = edit
            self.captions[key] = caption
        layout.addLayout(form)
        self.reasons_label = QLabel()
        self.reasons_label.setStyleSheet("font-weight: bold; margin-top: 6px;")
        layout.addWidget(self.reasons_label)
        # a read-only rich-text view: long reasons wrap at any width and screen readers read
        # it as text (a list view elides wrapped items it measured at another width)
        self.reasons = QTextBrowser()
        self.reasons.setObjectName("summary_reasons")
        self.reasons.setOpenLinks(False)
        self.reasons.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._reasons: list[str] = []
        self.reasons_label.setBuddy(self.reasons)
        layout.addWidget(self.reasons, 1)
        document.changed.connect(self.refresh)
        document.languageChanged.connect(self.retranslate)
        self.retranslate(document.lang)

    def retranslate(self, lang: str) -> None:
        d = self.document
        self.heading.setText(d.t("gui_summary"))
        for key, caption_key, _ in FIELDS:
            caption = d.t(caption_key)
            self.captions[key].setText(caption)
            self.fields[key].setAccessibleName(caption)
        self.reasons_label.setText(d.t("gui_reasons"))
        self.reasons.setAccessibleName(d.t("gui_reasons"))
        self.refresh()

    def refresh(self) -> None:
        d = self.document
        data = d.summary_json()
        for key, _, is_code in FIELDS:
            value = data.get(key)
            edit = self.fields[key]
            if is_code:
                edit.setText(d.t(str(value)) if value is not None else "")
                edit.setAccessibleDescription(str(value))
            else:
                edit.setText("" if value is None else json.dumps(value))
            edit.setCursorPosition(0)
        reasons = list(data.get("reasons", []))
        if reasons != self._reasons:
            self._reasons = reasons
            items = "".join(f"<li style='margin-bottom: 4px'>{html.escape(t)}</li>"
                            for t in reasons)
            self.reasons.setHtml(f"<ul style='margin-left: -24px'>{items}</ul>")

    def reason_texts(self) -> list[str]:
        """The reasons shown, one string each, in order."""
        return list(self._reasons)
