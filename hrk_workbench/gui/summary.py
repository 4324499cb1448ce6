"""The live summary panel: the core's figures and reasons beside every step.

Each figure is a read-only line edit whose accessible name is its caption, and whose text is
the value ``hrk-workbench score --json`` prints (the benefit score as JSON writes it; the cost
in euros written by the memo's and the Costs page's Babel function, "35 000 €", because a
steward reads a sum, not a JSON number; levels and the recommendation as the label of the JSON
code, the code itself as accessible description), so the panel and the command line can be
compared field by field. A value wider than its field is elided on screen with the whole value
as tooltip; the text itself is never cut.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.reporting.content import format_eur

from .document import Document

# (JSON key, caption key, how the value is shown: "code" by its label, "eur" in euros,
# "json" as JSON writes it)
FIELDS = (("benefit_score", "gui_benefit_score", "json"),
          ("benefit_level", "gui_benefit_level", "code"),
          ("risk_profile", "gui_risk_profile", "code"),
          ("cost_3y_eur", "gui_cost_3y", "eur"),
          ("recommendation", "gui_recommendation", "code"))


class ValueField(QLineEdit):
    """A read-only value that asks the layout for the width of its whole text, so a long
    Finnish recommendation moves below its caption instead of being cut (the form wraps a
    row whose caption and field do not fit side by side); the whole value is also its
    tooltip, for a panel made narrower than the value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.textChanged.connect(self._text_changed)

    def _text_changed(self, text: str) -> None:
        self.setToolTip(text)
        self.updateGeometry()

    def _text_width(self) -> int:
        # QLineEdit's own hint is 17 "x" wide plus frame and margins: keep those parts
        fm = self.fontMetrics()
        extra = super().sizeHint().width() - 17 * fm.horizontalAdvance("x")
        return fm.horizontalAdvance(self.text()) + extra + 2  # + the cursor's width

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._text_width()), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._text_width(), super().minimumSizeHint().height())


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
        self.fields: dict[str, ValueField] = {}
        self.captions: dict[str, QLabel] = {}
        for key, _, _ in FIELDS:
            edit = ValueField()
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
        for key, _, shown in FIELDS:
            value = data.get(key)
            edit = self.fields[key]
            if shown == "code":
                edit.setText(d.t(str(value)) if value is not None else "")
                edit.setAccessibleDescription(str(value))
            elif shown == "eur":
                edit.setText("" if value is None else format_eur(value, d.lang))
            else:
                edit.setText("" if value is None else json.dumps(value))
            edit.setCursorPosition(0)
        reasons = list(data.get("reasons", []))
        # a lab result measured on a file changed or gone since: said with what is missing
        from hrk_workbench.disclosure.fingerprints import stale_texts

        reasons += stale_texts(d.assessment, d.path, d.forms, d.lang)
        if reasons != self._reasons:
            self._reasons = reasons
            items = "".join(f"<li style='margin-bottom: 4px'>{html.escape(t)}</li>"
                            for t in reasons)
            self.reasons.setHtml(f"<ul style='margin-left: -24px'>{items}</ul>")

    def reason_texts(self) -> list[str]:
        """The reasons shown, one string each, in order."""
        return list(self._reasons)
