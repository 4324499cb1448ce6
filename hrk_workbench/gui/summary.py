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

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .document import Document
from .missing import MissingList

# (JSON key, caption key, how the value is shown: "code" by its label, "eur" in euros,
# "json" as JSON writes it)
FIELDS = (("benefit_score", "gui_benefit_score", "json"),
          ("benefit_level", "gui_benefit_level", "code"),
          ("risk_profile", "gui_risk_profile", "code"),
          ("cost_3y_eur", "gui_cost_3y", "eur"),
          ("recommendation", "gui_recommendation", "code"))
# reasons the still-missing list says instead (with the question and step, clickable)
MISSING_CODES = frozenset({"missing_answer", "missing_benefits", "missing_risks",
                           "contradiction"})


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
    """Read-only view of ``document.summary_json()``, refreshed on every change, and the
    still-missing list (its items go to their field: ``fieldRequested``)."""

    fieldRequested = Signal(str)

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
        self.missing_label = QLabel()
        self.missing_label.setStyleSheet("font-weight: bold; margin-top: 6px;")
        layout.addWidget(self.missing_label)
        self.missing = MissingList(document)
        self.missing_label.setBuddy(self.missing)
        self.missing.fieldRequested.connect(self.fieldRequested)
        layout.addWidget(self.missing)
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
        self.missing_label.setText(d.t("gui_missing_title"))
        self.missing.setAccessibleName(d.t("gui_missing_title"))
        self.missing.forget()  # worded again in the new language
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
                edit.setText("" if value is None else _eur(value, d.lang))
            else:
                edit.setText("" if value is None else json.dumps(value))
            edit.setCursorPosition(0)
        reasons = list(data.get("reasons", []))
        conditions = list(data.get("conditions_text", []))
        reasons = _with_conditions(d, reasons, data.get("reason_codes", []), conditions)
        # what is missing (and a lab result whose data file changed) is in its own list
        reasons = _explanations(reasons, data)
        self.missing.refresh()
        if reasons != self._reasons:
            self._reasons = reasons
            self.reasons.setHtml(_reasons_html(reasons, conditions))

    def reason_texts(self) -> list[str]:
        """The reasons shown, one string each, in order."""
        return list(self._reasons)


def _eur(value: float, lang: str) -> str:
    """The memo's euro format; the memo's module is imported only when a cost is shown
    (it brings the whole report builder, which a start without costs does not need)."""
    from hrk_workbench.foundations.i18n import format_eur

    return format_eur(value, lang)


def _with_conditions(d: Document, reasons: list[str], codes: list[dict[str, object]],
                     conditions: list[str]) -> list[str]:
    """The reasons with "opening depends on N conditions" followed by each condition, so
    the steward reads what has to be done, not a pointer to a list shown elsewhere."""
    out = []
    for i, text in enumerate(reasons):
        code = codes[i].get("code") if i < len(codes) else None
        if code == "open_conditions" and conditions:
            out.append(d.t("gui_open_conditions", count=len(conditions)))
            out += conditions
        else:
            out.append(text)
    return out


def _reasons_html(reasons: list[str], conditions: list[str]) -> str:
    """The reasons as a list; the conditions as a list inside the item that announces them."""
    items, i = [], 0
    while i < len(reasons):
        text = html.escape(reasons[i])
        i += 1
        nested = []
        while conditions and i < len(reasons) and reasons[i] in conditions and \
                len(nested) < len(conditions):
            nested.append(f"<li>{html.escape(reasons[i])}</li>")
            i += 1
        inner = f"<ul style='margin-left: -12px'>{''.join(nested)}</ul>" if nested else ""
        items.append(f"<li style='margin-bottom: 4px'>{text}{inner}</li>")
    return f"<ul style='margin-left: -24px'>{''.join(items)}</ul>"


def _explanations(reasons: list[str], data: dict[str, object]) -> list[str]:
    """The reasons that explain the scores: what is missing is left to the missing list."""
    codes = list(data.get("reason_codes", []))  # type: ignore[call-overload]
    texts = list(data.get("reasons", []))  # type: ignore[call-overload]
    missing = {t for t, c in zip(texts, codes, strict=False) if c.get("code") in MISSING_CODES}
    return [t for t in reasons if t not in missing]
