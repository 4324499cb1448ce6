"""The Risks step: the risk register as an editable table beside the likelihood x impact map.

Stewards fill the register row by row (like the Excel sheet they know) but decide by looking
at the map, so both show the same answers and a click on a map cell selects its risks in the
table. Every cell editor is bound to one answer path and edits through ``document.edit``;
the score and level columns and the map's positions are what the core's ``summarise``
returns, never computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms.schema import Scale

from ..document import Document
from ..widgets.combo import NamedPopupComboBox
from ..widgets.heatmap import HeatMap, RiskPoint, ramp_colour
from .base import Binding, ComboBinding, LineBinding, PageFrame, TextBinding

# (column key, answer field or None for a computed column, kind)
COLUMNS: list[tuple[str, str | None, str]] = [
    ("gui_risk_col_risk", None, "risk"),
    ("gui_risk_likelihood", "likelihood", "likelihood"),
    ("gui_risk_impact", "impact", "impact"),
    ("gui_risk_score", None, "score"),
    ("gui_risk_mitigation", "mitigation", "text"),
    ("gui_risk_residual_likelihood", "residual_likelihood", "likelihood"),
    ("gui_risk_residual_impact", "residual_impact", "impact"),
    ("gui_risk_residual_score", None, "residual_score"),
    ("gui_risk_owner", "owner", "text"),
]
COL_RISK, COL_SCORE, COL_RESIDUAL = 0, 3, 7
# what follows from the mitigation is edited in the selected risk's detail form, where a long
# mitigation wraps; in the table these columns pushed the register wider than a 1366x768
# screen (the residual score stays in the table, beside the score)
DETAIL_FIELDS = ("mitigation", "residual_likelihood", "residual_impact", "owner")
RISK_COLUMN_WIDTH = 230
HEATMAP_WIDTH = 380


def header_text(text: str, limit: int = 14) -> str:
    """A long column title on two lines (at the space nearest its middle), so that columns
    of short values are not made wide by their titles, in any language."""
    if len(text) <= limit or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


def scale_options(document: Document, scale: Scale) -> Callable[[str], list[tuple[int, str]]]:
    """The points of a scale as "3 — Possible" in a language, for a combo box."""

    def options(lang: str) -> list[tuple[int, str]]:
        out = []
        for value in range(scale.min, scale.max + 1):
            texts = scale.labels[value]
            out.append((value, document.t("gui_scale_point", value=value,
                                          text=texts.get(lang) or texts["en"])))
        return out

    return options


class ScaleCombo(NamedPopupComboBox):
    """A scale choice that is narrow when closed ("3"), with "3 — Possible" in its list,
    its tooltip and its accessible value: a register row must fit beside the heat map in
    every language, and the column title already says which scale it is."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        value = self.currentData()
        opt.currentText = "–" if value is None else str(value)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)

    def sizeHint(self) -> QSize:
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        text = QSize(fm.horizontalAdvance("55") + 6, fm.height())
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, text, self)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def showPopup(self) -> None:
        """The list is as wide as its longest "n — label", not as the closed box."""
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                     default=0)
        self.view().setMinimumWidth(widest + 40)
        super().showPopup()


class ScaleBinding(ComboBinding):
    """A risk's likelihood or impact (or residual one): "not answered" or a scale point, in a
    compact box whose tooltip says the chosen point's label."""

    def __init__(self, document: Document, path: str,
                 options: Callable[[str], list[tuple[int, str]]]) -> None:
        combo = ScaleCombo()
        combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        super().__init__(document, path, options, combo=combo)

    def commit(self, value: Any) -> None:
        super().commit(value)
        self.combo.setToolTip(self.combo.currentText())

    def refresh(self) -> None:
        super().refresh()
        self.combo.setToolTip(self.combo.currentText())


class FrozenColumn(QTableView):
    """The risk names as a column that stays put when the register scrolls sideways: a
    second view of the same model and selection, laid over the table's first column (the
    frozen-column technique of Qt's examples), scrolled up and down with it."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.table = table
        self.setObjectName("riskNames")
        self.setModel(table.model())
        self.setSelectionModel(table.selectionModel())
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("QTableView { border-right: 1px solid palette(mid); }")
        for col in range(1, table.columnCount()):
            self.setColumnHidden(col, True)
        table.viewport().stackUnder(self)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        table.horizontalHeader().sectionResized.connect(self._resized)
        table.verticalHeader().sectionResized.connect(
            lambda row, _old, size: self.setRowHeight(row, size))
        table.installEventFilter(self)  # follow the table's size (splitter, window)
        self.sync()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.Resize:
            # the viewport takes its new size after this event: measure it then
            QTimer.singleShot(0, self.place)
        return False

    def _resized(self, col: int, _old: int, size: int) -> None:
        if col == COL_RISK:
            self.setColumnWidth(COL_RISK, size)
            self.place()

    def sync(self) -> None:
        for row in range(self.table.rowCount()):
            self.setRowHeight(row, self.table.rowHeight(row))
        self.setColumnWidth(COL_RISK, self.table.columnWidth(COL_RISK))
        self.place()

    def place(self) -> None:
        t = self.table
        self.horizontalHeader().setFixedHeight(t.horizontalHeader().height())
        self.setGeometry(t.verticalHeader().width() + t.frameWidth(), t.frameWidth(),
                         t.columnWidth(COL_RISK),
                         t.viewport().height() + t.horizontalHeader().height())


class RiskDetail(QFrame):
    """The selected risk in full: its whole text, and its mitigation in a field that wraps,
    and its owner. One form, bound to whichever risk is selected."""

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        self.setObjectName("riskDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel()
        self.title.setObjectName("riskDetailTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        layout.addLayout(form)
        self.risk_id = ""
        risks = document.forms.hrk.risks
        self.mitigation = TextBinding(document, "", lines=4)
        self.residual_likelihood = ScaleBinding(document, "",
                                                scale_options(document, risks.likelihood))
        self.residual_impact = ScaleBinding(document, "", scale_options(document, risks.impact))
        self.owner = LineBinding(document, "")
        self.labels: dict[str, QLabel] = {}
        for fld, binding in self.bindings().items():
            label = QLabel()
            label.setBuddy(binding.widget)
            form.addRow(label, binding.widget)
            self.labels[fld] = label
        self.setEnabled(False)

    def bindings(self) -> dict[str, Binding]:
        return {"mitigation": self.mitigation, "residual_likelihood": self.residual_likelihood,
                "residual_impact": self.residual_impact, "owner": self.owner}

    def flush(self) -> None:
        """Commit what is typed before the form is bound to another risk."""
        if not self.risk_id:
            return
        self.mitigation.commit(self.mitigation.edit.toPlainText().strip())
        self.owner.commit(self.owner.edit.text().strip())

    def show_risk(self, risk_id: str) -> None:
        if risk_id == self.risk_id:
            return
        self.flush()
        self.risk_id = risk_id
        for fld, binding in self.bindings().items():
            binding.path = f"risks.{risk_id}.{fld}" if risk_id else ""
        self.setEnabled(bool(risk_id))
        self.retranslate(self.document.lang)

    def retranslate(self, lang: str) -> None:
        d = self.document
        question = next((q for q in d.forms.hrk.risks.questions if q.id == self.risk_id), None)
        self.title.setText(f"{question.id} {question.text.get(lang) or question.text['en']}"
                           if question else d.t("gui_risk_detail_none"))
        for fld, binding in self.bindings().items():
            caption = d.t(f"gui_risk_{fld}")
            self.labels[fld].setText(caption)
            binding.retranslate(lang)
            binding.widget.setAccessibleName(
                d.t("gui_risk_detail_name", qid=self.risk_id, field=caption.lower())
                if self.risk_id else caption)
        self.refresh()

    def refresh(self) -> None:
        if not self.risk_id:
            self.mitigation.edit.setPlainText("")
            self.owner.edit.setText("")
            return
        for binding in self.bindings().values():
            binding.refresh()


class RisksPage(PageFrame):
    """Risk register table (editable) + heat map; see the module docstring for why."""

    step = "risks"

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.forms = document.forms
        self.risk_ids: list[str] = [q.id for q in self.forms.hrk.risks.questions]
        # (risk id, field) -> binding of the cell editor
        self.bindings: dict[tuple[str, str], Binding] = {}
        self._arranged = False

        outer = self.outer

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.table = self._build_table()
        self.splitter.addWidget(self.table)
        self.frozen = FrozenColumn(self.table)
        self.heatmap = HeatMap(self.forms, document.lang)
        self.detail = RiskDetail(document)
        # the map and the selected risk's form: side by side below the register, or one
        # above the other beside it when the window is wide
        self.side = QWidget()
        self.side_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.side)
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        self.side_layout.addWidget(self.heatmap, 1)
        self.side_layout.addWidget(self.detail, 1)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 0)  # the register keeps its size, the map grows
        self.splitter.setStretchFactor(1, 1)
        body = QVBoxLayout()
        body.setContentsMargins(12, 0, 12, 12)
        body.addWidget(self.splitter, 1)
        outer.addLayout(body, 1)

        self.heatmap.cellClicked.connect(self.select_cell)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.currentCellChanged.connect(
            lambda row, _c, _pr, _pc: self.detail.show_risk(
                self.risk_ids[row] if 0 <= row < len(self.risk_ids) else ""))
        document.changed.connect(self._on_changed)
        document.languageChanged.connect(self.retranslate)
        self.retranslate(document.lang)

    # --- building -----------------------------------------------------------------------

    def _build_table(self) -> QTableWidget:
        risks = self.forms.hrk.risks
        table = QTableWidget(len(self.risk_ids), len(COLUMNS))
        table.setObjectName("riskTable")
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab moves between the cell editors, not cells
        table.setWordWrap(True)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        table.setMinimumWidth(420)
        scales = {"likelihood": risks.likelihood, "impact": risks.impact}
        previous: QWidget | None = table
        for row, rid in enumerate(self.risk_ids):
            for col, (_key, fld, kind) in enumerate(COLUMNS):
                if fld is None:
                    item = QTableWidgetItem()
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    if col != COL_RISK:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    table.setItem(row, col, item)
                    continue
                path = f"risks.{rid}.{fld}"
                binding: Binding
                if kind in scales:
                    binding = ScaleBinding(self.document, path,
                                           scale_options(self.document, scales[kind]))
                else:
                    binding = LineBinding(self.document, path)
                    binding.widget.setMinimumWidth(140)
                # a plain item underneath, so the row can be selected and shows selection
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(row, col, item)
                table.setCellWidget(row, col, binding.widget)
                self.bindings[(rid, fld)] = binding
                if previous is not None and previous is not table:
                    QWidget.setTabOrder(previous, binding.widget)
                previous = binding.widget
        for col, (_key, fld, _kind) in enumerate(COLUMNS):
            if fld in DETAIL_FIELDS:
                table.setColumnHidden(col, True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table

    def _table_width(self) -> int:
        t = self.table
        return sum(t.columnWidth(c) for c in range(t.columnCount()) if not t.isColumnHidden(c)) \
            + 2 * t.frameWidth() + t.verticalScrollBar().sizeHint().width() + 4

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The map beside the register when both fit, else below it (a narrow window)."""
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        wide = self.width() - 24 >= self._table_width() + HEATMAP_WIDTH + 8
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation() or not self._arranged:
            self._arranged = True
            self.splitter.setOrientation(orientation)
            self.side_layout.setDirection(QBoxLayout.Direction.TopToBottom if wide
                                          else QBoxLayout.Direction.LeftToRight)
            if wide:
                self.splitter.setSizes([self._table_width(), 10_000])
            else:
                t = self.table
                rows_h = sum(t.rowHeight(r) for r in range(t.rowCount()))
                table_h = rows_h + t.horizontalHeader().sizeHint().height() + \
                    2 * t.frameWidth() + 4
                if self._table_width() > self.width() - 24:  # a horizontal scroll bar too
                    table_h += t.horizontalScrollBar().sizeHint().height()
                self.splitter.setSizes([table_h, max(self.splitter.height() - table_h,
                                                     self.heatmap.minimumSizeHint().height())])
        self.frozen.sync()

    def editor(self, risk_id: str, fld: str) -> QWidget:
        """The cell editor of one answer (for tests and keyboard focus)."""
        return self.bindings[(risk_id, fld)].widget

    # --- updates ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the model's answers and the core's scores in the table and on the map."""
        for binding in self.bindings.values():
            binding.refresh()
        self.detail.refresh()
        summary = self.document.summary()
        scores = {s.id: s for s in summary.risks.scores}
        bands = self.forms.hrk.risks.levels
        band_index = {b.id: i for i, b in enumerate(bands)}
        for row, rid in enumerate(self.risk_ids):
            s = scores.get(rid)
            for col, value, level in (
                    (COL_SCORE, s.score if s else None, s.level if s else None),
                    (COL_RESIDUAL, s.residual_score if s else None,
                     s.residual_level if s else None)):
                item = self.table.item(row, col)
                if value is None or level is None:
                    item.setText("")
                    item.setBackground(QBrush())
                    item.setToolTip("")
                    continue
                item.setText(self.document.t("gui_risk_score_value", score=value,
                                             level=self.document.t(level)))
                item.setBackground(ramp_colour(band_index.get(level, 0), len(bands)))
                item.setForeground(QBrush(Qt.GlobalColor.black))
                tip = ""
                if col == COL_RESIDUAL and s is not None and s.residual_incomplete:
                    item.setText(item.text() + " *")
                    tip = self.document.t("gui_risk_residual_incomplete")
                item.setToolTip(tip)
        points: list[RiskPoint] = []
        for s in summary.risks.scores:
            answer = self.document.assessment.risks.get(s.id)
            if s.residual_given and answer is not None:
                points.append((s.id, s.likelihood, s.impact, answer.residual_likelihood,
                               answer.residual_impact))
            else:
                points.append((s.id, s.likelihood, s.impact, None, None))
        self.heatmap.set_risks(points)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # catches up on changes made while hidden
        if not self.detail.risk_id and self.risk_ids:  # the first risk's form, unselected
            self.table.setCurrentCell(0, COL_RISK, QItemSelectionModel.SelectionFlag.NoUpdate)
        self._arranged = False  # sizes measured while hidden are not to be trusted
        self._arrange()

    def retranslate(self, lang: str) -> None:
        """Headers, risk texts, scale labels and accessible names in the new language."""
        d = self.document
        self.heading.setText(d.t("gui_step_risks"))
        self.intro.setText(d.t("gui_risks_intro"))
        self.table.setHorizontalHeaderLabels([header_text(d.t(key)) for key, _, _ in COLUMNS])
        self.table.setAccessibleName(d.t("gui_risk_table"))
        for row, question in enumerate(self.forms.hrk.risks.questions):
            item = self.table.item(row, COL_RISK)
            item.setText(f"{question.id} {question.text.get(lang) or question.text['en']}")
            help_text = question.help.get(lang) or question.help["en"] if question.help else ""
            item.setToolTip(help_text)
        for (rid, fld), binding in self.bindings.items():
            key = next(k for k, f, _ in COLUMNS if f == fld)
            binding.widget.setAccessibleName(d.t("gui_risk_editor_name", qid=rid,
                                                 field=d.t(key).lower()))
            binding.retranslate(lang)
        self.heatmap.set_language(lang)
        self.detail.retranslate(lang)
        self.frozen.setAccessibleName(d.t("gui_risk_col_risk"))
        self.refresh()
        self._fit_columns()
        self._arranged = False
        self._arrange()

    def _fit_columns(self) -> None:
        """Columns as wide as their editors and headers; the risk text wraps in its column."""
        t = self.table
        t.resizeColumnsToContents()
        t.setColumnWidth(COL_RISK, RISK_COLUMN_WIDTH)
        # score columns as wide as their widest possible text, so they never jump or clip
        d, fm = self.document, t.fontMetrics()
        top = self.forms.hrk.risks.likelihood.max * self.forms.hrk.risks.impact.max
        widest = max(fm.horizontalAdvance(d.t("gui_risk_score_value", score=top,
                                              level=d.t(b.id)))
                     for b in self.forms.hrk.risks.levels) + 24
        for col in (COL_SCORE, COL_RESIDUAL):
            t.setColumnWidth(col, max(widest, t.horizontalHeader().sectionSizeHint(col)))
        for col in range(1, len(COLUMNS)):
            widest = max((t.cellWidget(r, col).sizeHint().width()
                          for r in range(t.rowCount()) if t.cellWidget(r, col)), default=0)
            t.setColumnWidth(col, max(t.columnWidth(col), widest + 4))
        t.resizeRowsToContents()
        self.frozen.sync()

    # --- selection ----------------------------------------------------------------------

    def select_cell(self, likelihood: int, impact: int) -> None:
        """Select the rows of the risks drawn in this map cell (before or after mitigation)."""
        ids = self.heatmap.risks_at(likelihood, impact)
        self.select_risks(ids)

    def select_risks(self, ids: list[str]) -> None:
        model = self.table.model()
        selection = QItemSelection()
        for rid in ids:
            if rid in self.risk_ids:
                row = self.risk_ids.index(rid)
                selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().select(selection, flags)
        if ids and ids[0] in self.risk_ids:
            self.table.scrollTo(model.index(self.risk_ids.index(ids[0]), 0))

    def selected_risks(self) -> list[str]:
        """Ids of the risks whose rows are selected, in table order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.risk_ids[r] for r in rows]

    def _selection_changed(self) -> None:
        self.heatmap.set_selected(self.selected_risks())
