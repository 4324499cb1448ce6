"""The Costs step: cost lines in person-days and euros, the day rate, and the core's totals.

Stewards estimate in person-days because that is how the work is planned, while the decision
needs euros over the horizon; the conversion, the totals and the cost level are the core's
(``summarise(...).costs``), so this page only edits answers and shows what the core returns.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.foundations.i18n import format_eur, format_number, render_all

from ..document import Document
from .base import LineBinding, PageFrame
from .risks import header_text

# (column key, cost-line field or None for a computed column)
COLUMNS: list[tuple[str, str | None]] = [
    ("gui_cost_col_item", None),
    ("gui_cost_one_off_days", "one_off_days"),
    ("gui_cost_one_off_eur", "one_off_eur"),
    ("gui_cost_yearly_days", "yearly_days"),
    ("gui_cost_yearly_eur", "yearly_eur"),
    ("gui_cost_line_one_off", None),
    ("gui_cost_line_yearly", None),
]
COL_ITEM, COL_LINE_ONE_OFF, COL_LINE_YEARLY = 0, 5, 6
ITEM_MIN_WIDTH = 180
AMOUNT_MIN_WIDTH = 64  # a column is widened further for a long title or number (_fit_columns)


class AmountBinding(LineBinding):
    """A cost-line amount: a number; an emptied field means zero (the file's default)."""

    def __init__(self, document: Document, path: str) -> None:
        super().__init__(document, path, kind="number")
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setPlaceholderText("0")  # no answer yet counts as zero

    def _value(self) -> Any:
        value = super()._value()
        return 0 if value is None else value

    def commit(self, value: Any) -> None:
        if value == 0 and not self.current():
            self.refresh()  # empty and 0 are the same answer: no undo step
            return
        super().commit(value)


class _FitTable(QTableWidget):
    """A table that asks for exactly the height of its rows, so the totals sit right below
    it; it can still shrink (and scroll) in a low window."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        height = rows + self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + 2
        if self.horizontalScrollBar().maximum() > 0:
            height += self.horizontalScrollBar().sizeHint().height()
        return QSize(hint.width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 120)


def _field_width_for(edit: QLineEdit, text: str) -> int:
    """The width a line edit needs to show ``text`` whole: QLineEdit's own hint is 17 "x"
    wide plus frame and margins, so keep those parts and put the text in."""
    fm = edit.fontMetrics()
    extra = edit.sizeHint().width() - 17 * fm.horizontalAdvance("x")
    return fm.horizontalAdvance(text) + extra + 2


def _readonly(caption_key: str) -> QLineEdit:
    field = QLineEdit()
    field.setReadOnly(True)
    field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    field.setObjectName(caption_key)
    field.setMinimumWidth(160)
    return field


class CostsPage(PageFrame):
    """Cost-line table, day rate and the totals computed by the core."""

    step = "costs"

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.forms = document.forms
        self.line_ids: list[str] = [item.id for item in self.forms.hrk.costs.items]
        self.bindings: dict[tuple[str, str], LineBinding] = {}

        outer = self.outer

        body = QVBoxLayout()
        body.setContentsMargins(12, 0, 12, 12)
        outer.addLayout(body, 1)
        self.table = self._build_table()
        body.addWidget(self.table)

        # day rate, then the totals beside the reasons
        rate_row = QHBoxLayout()
        self.day_rate_label = QLabel()
        self.day_rate = LineBinding(document, "costs.day_rate_eur", kind="number",
                                    placeholder=self._rate_placeholder)
        self.day_rate.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.day_rate.edit.setMaximumWidth(220)
        self.day_rate_label.setBuddy(self.day_rate.edit)
        rate_row.addWidget(self.day_rate_label)
        rate_row.addWidget(self.day_rate.edit)
        rate_row.addStretch(1)
        body.addLayout(rate_row)

        bottom = QHBoxLayout()
        self.totals_box = QGroupBox()
        form = QFormLayout(self.totals_box)
        self.total_fields: dict[str, tuple[QLabel, QLineEdit]] = {}
        for key in ("gui_cost_total_one_off", "gui_cost_total_yearly", "gui_cost_total_horizon",
                    "gui_cost_level_caption"):
            caption = QLabel()
            field = _readonly(key)
            caption.setBuddy(field)
            form.addRow(caption, field)
            self.total_fields[key] = (caption, field)
        bottom.addWidget(self.totals_box, 0)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bottom.addWidget(self.reasons, 1)
        body.addLayout(bottom)
        body.addStretch(1)

        document.changed.connect(self._on_changed)
        document.languageChanged.connect(self.retranslate)
        self.retranslate(document.lang)

    def _build_table(self) -> QTableWidget:
        table = _FitTable(len(self.line_ids), len(COLUMNS))
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        table.setObjectName("costTable")
        table.verticalHeader().setVisible(False)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab moves between the amount fields
        table.setWordWrap(True)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        previous: QWidget | None = None
        for row, cid in enumerate(self.line_ids):
            for col, (_key, fld) in enumerate(COLUMNS):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if col != COL_ITEM:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
                if fld is None:
                    continue
                binding = AmountBinding(self.document, f"costs.lines.{cid}.{fld}")
                binding.edit.setMinimumWidth(AMOUNT_MIN_WIDTH)
                table.setCellWidget(row, col, binding.edit)
                self.bindings[(cid, fld)] = binding
                if previous is not None:
                    QWidget.setTabOrder(previous, binding.edit)
                previous = binding.edit
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def editor(self, line_id: str, fld: str) -> QLineEdit:
        """The field of one cost-line amount (for tests and keyboard focus)."""
        return self.bindings[(line_id, fld)].edit

    def total_field(self, key: str) -> QLineEdit:
        """A read-only total by its caption key, e.g. ``gui_cost_total_horizon``."""
        return self.total_fields[key][1]

    def _rate_placeholder(self, lang: str) -> str:
        rate = format_number(self.forms.hrk.costs.day_rate_eur, lang)
        return self.document.t("gui_cost_day_rate_default", rate=rate)

    def _euros(self, value: float) -> str:
        return format_eur(value, self.document.lang)

    # --- updates ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the answers, and the totals and level exactly as the core computes them."""
        for binding in self.bindings.values():
            binding.refresh()
        self.day_rate.refresh()
        costs = self.document.summary().costs
        lines = {line.id: line for line in costs.lines}
        lang = self.document.lang
        for row, cid in enumerate(self.line_ids):
            line = lines.get(cid)
            self.table.item(row, COL_LINE_ONE_OFF).setText(
                format_number(line.one_off_eur, lang) if line else "")
            self.table.item(row, COL_LINE_YEARLY).setText(
                format_number(line.yearly_eur, lang) if line else "")
        values = {
            "gui_cost_total_one_off": self._euros(costs.one_off_eur),
            "gui_cost_total_yearly": self._euros(costs.yearly_eur),
            "gui_cost_total_horizon": self._euros(costs.total_eur),
            "gui_cost_level_caption": self.document.t(costs.level),
        }
        for key, text in values.items():
            field = self.total_fields[key][1]
            field.setText(text)
            field.setCursorPosition(0)
        self.reasons.setText("\n".join(f"• {r}" for r in
                                       render_all(costs.reasons, lang, self.forms)))
        self._fit_columns()  # a longer number widens its column


    def retranslate(self, lang: str) -> None:
        """Headers, item texts, captions and accessible names in the new language."""
        d = self.document
        self.heading.setText(d.t("gui_step_costs"))
        self.intro.setText(d.t("gui_costs_intro"))
        self.table.setHorizontalHeaderLabels([header_text(d.t(key)) for key, _ in COLUMNS])
        self.table.setAccessibleName(d.t("gui_cost_table"))
        for row, item_form in enumerate(self.forms.hrk.costs.items):
            item = self.table.item(row, COL_ITEM)
            item.setText(f"{item_form.id} {item_form.text.get(lang) or item_form.text['en']}")
            help_text = (item_form.help.get(lang) or item_form.help["en"]) if item_form.help \
                else ""
            item.setToolTip(help_text)
        for (cid, fld), binding in self.bindings.items():
            key = next(k for k, f in COLUMNS if f == fld)
            binding.edit.setAccessibleName(d.t("gui_risk_editor_name", qid=cid,
                                               field=d.t(key).lower()))
            binding.retranslate(lang)
        self.day_rate_label.setText(d.t("gui_cost_day_rate"))
        self.day_rate.edit.setAccessibleName(d.t("gui_cost_day_rate_plain"))
        self.day_rate.retranslate(lang)
        rate = self.day_rate.edit  # wide enough for "600 (the form's default)" in any language
        need = _field_width_for(rate, rate.placeholderText())
        rate.setMinimumWidth(need)
        rate.setMaximumWidth(max(220, need))
        self.totals_box.setTitle(d.t("gui_cost_totals"))
        years = self.forms.hrk.costs.horizon_years
        for key, (caption, field) in self.total_fields.items():
            text = d.t(key, years=years) if key == "gui_cost_total_horizon" else d.t(key)
            caption.setText(text)
            field.setAccessibleName(text)
        self.refresh()
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Amount columns as wide as their (two-line) titles; the item text takes the rest
        and wraps; the table is as high as its rows, so the totals sit right below it."""
        t = self.table
        header = t.horizontalHeader()
        for col in range(1, len(COLUMNS)):
            t.setColumnWidth(col, max(header.sectionSizeHint(col), t.sizeHintForColumn(col),
                                      self._widest_amount(col), AMOUNT_MIN_WIDTH))
        others = sum(t.columnWidth(c) for c in range(1, len(COLUMNS)))
        avail = t.width() - 2 * t.frameWidth() - t.verticalScrollBar().sizeHint().width()
        t.setColumnWidth(COL_ITEM, max(ITEM_MIN_WIDTH, avail - others))
        t.resizeRowsToContents()
        t.updateGeometry()

    def _widest_amount(self, col: int) -> int:
        """The width the amount fields of ``col`` need to show their whole number."""
        fld = COLUMNS[col][1]
        if fld is None:
            return 0
        edits = [self.bindings[(cid, fld)].edit for cid in self.line_ids]
        return max((_field_width_for(edit, edit.text() or edit.placeholderText())
                    for edit in edits), default=0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # after the layout has given the table its new width
        QTimer.singleShot(0, self._fit_columns)
