"""The Table lab's table step: microdata or an aggregated table, up to three dimensions with
their hierarchies, the value, the unit count and largest contributions, weight and holding.

A section of :class:`~hrk_workbench.gui.labs.tablelab.TableLabPage` (a mixin: its controls
are the page's, as tests and screen readers find them). Only choices are read here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
)

from ..pages.base import ScrollSafeComboBox, _plain

DIMENSION_KEYS = ("gui_lab_dim_rows", "gui_lab_dim_cols", "gui_lab_dim_layer")
MODES = {"micro": "gui_lab_input_micro", "aggregate": "gui_lab_input_aggregate"}


class ChoicesSection:
    """Builds the table group of the Table lab page and reads what it holds."""

    hierarchies: dict[int, str]
    _filling: bool

    def _build_choices(self) -> None:
        _box, lay = self._group("gui_lab_table_group")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.table_form = form
        self.mode_combo = ScrollSafeComboBox()
        for mode in MODES:
            self.mode_combo.addItem(self.document.t(MODES[mode]), mode)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        form.addRow(self._label_for(self.mode_combo, "gui_lab_input_mode"), self.mode_combo)
        self.mode_hint = QLabel()
        self.mode_hint.setWordWrap(True)
        self.text(self.mode_hint.setText, self._t("gui_lab_agg_hint"))
        form.addRow(self.mode_hint)
        self.dim_combos: list[QComboBox] = []
        self.hier_fields: list[QLineEdit] = []
        for i, key in enumerate(DIMENSION_KEYS):
            combo = ScrollSafeComboBox()
            combo.currentIndexChanged.connect(self._dims_changed)
            field = QLineEdit()
            field.setReadOnly(True)
            self.text(lambda s, f=field: f.setAccessibleName(_plain(s)),
                      lambda lang, k=key: self.document.t(
                          "gui_lab_hierarchy_of", dimension=_plain(self.document.t(k))))
            self.text(field.setPlaceholderText, self._t("gui_lab_no_hierarchy"))
            choose = self._button("gui_lab_choose_hierarchy",
                                  lambda i=i: self.choose_hierarchy(i))
            clear = self._button("gui_lab_clear_hierarchy", lambda i=i: self.set_hierarchy(i, None))
            line = QHBoxLayout()
            line.addWidget(combo, 2)
            line.addWidget(field, 1)
            line.addWidget(choose)
            line.addWidget(clear)
            form.addRow(self._label_for(combo, key), line)
            self.dim_combos.append(combo)
            self.hier_fields.append(field)
        self.value_combo = ScrollSafeComboBox()
        self.value_combo.currentIndexChanged.connect(self._dims_changed)
        form.addRow(self._label_for(self.value_combo, "gui_lab_value"), self.value_combo)
        self.count_combo = ScrollSafeComboBox()
        self.count_combo.currentIndexChanged.connect(self._dims_changed)
        form.addRow(self._label_for(self.count_combo, "gui_lab_agg_count"), self.count_combo)
        self.weight_combo = ScrollSafeComboBox()
        self.weight_combo.currentIndexChanged.connect(self._dims_changed)
        form.addRow(self._label_for(self.weight_combo, "gui_lab_weight"), self.weight_combo)
        self.holding_combo = ScrollSafeComboBox()
        self.holding_combo.currentIndexChanged.connect(self._dims_changed)
        form.addRow(self._label_for(self.holding_combo, "gui_lab_holding"), self.holding_combo)
        self.top_list = QListWidget()
        self._fit_top_list()
        self.top_list.itemChanged.connect(lambda _item: self._dims_changed())
        form.addRow(self._label_for(self.top_list, "gui_lab_agg_top"), self.top_list)
        lay.addLayout(form)
        self._mode_changed()


    def _fill_choices(self) -> None:
        d = self.document
        columns = [] if self.frame is None else [str(c) for c in self.frame.columns]
        self._filling = True
        for i, combo in enumerate(self.dim_combos):
            current = combo.currentData()
            combo.clear()
            if i > 0:
                combo.addItem(d.t("gui_lab_none"), None)
            for col in columns:
                combo.addItem(col, col)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        current = self.value_combo.currentData()
        self.value_combo.clear()
        self.value_combo.addItem(d.t("gui_lab_count_units"), None)
        for col in columns:
            self.value_combo.addItem(col, col)
        self.value_combo.setCurrentIndex(max(self.value_combo.findData(current), 0))
        for combo in (self.count_combo, self.weight_combo, self.holding_combo):
            current = combo.currentData()
            combo.clear()
            combo.addItem(d.t("gui_lab_none"), None)
            for col in columns:
                combo.addItem(col, col)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        ticked = set(self.top_columns())
        self.top_list.blockSignals(True)
        self.top_list.clear()
        for col in columns:
            item = QListWidgetItem(col)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable |
                          Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if col in ticked
                               else Qt.CheckState.Unchecked)
            self.top_list.addItem(item)
        self.top_list.blockSignals(False)
        self._fit_top_list()
        self._filling = False

    def set_dimensions(self, dims: list[str], value: str | None = None) -> None:
        """Choose dimensions (and a value) as the steward would in the combos (tests)."""
        self._filling = True
        for i, combo in enumerate(self.dim_combos):
            want = dims[i] if i < len(dims) else None
            combo.setCurrentIndex(max(combo.findData(want), 0))
        self.value_combo.setCurrentIndex(max(self.value_combo.findData(value), 0))
        self._filling = False
        self._timer.start()

    def mode(self) -> str:
        """``micro`` (one row per unit) or ``aggregate`` (one row per cell)."""
        return str(self.mode_combo.currentData() or "micro")

    def set_mode(self, mode: str) -> None:
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(mode), 0))

    def top_columns(self) -> list[str]:
        """The ticked largest-contribution columns of an aggregated table, in file order."""
        return [self.top_list.item(i).text() for i in range(self.top_list.count())
                if self.top_list.item(i).checkState() == Qt.CheckState.Checked]

    def set_aggregate(self, count: str | None, top: list[str]) -> None:
        """Choose the unit count and largest-contribution columns (tests)."""
        self._filling = True
        self.count_combo.setCurrentIndex(max(self.count_combo.findData(count), 0))
        for i in range(self.top_list.count()):
            item = self.top_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in top
                               else Qt.CheckState.Unchecked)
        self._filling = False
        self._timer.start()

    def set_units(self, weight: str | None, holding: str | None) -> None:
        """Choose the sampling weight and holding columns of microdata (tests)."""
        self._filling = True
        self.weight_combo.setCurrentIndex(max(self.weight_combo.findData(weight), 0))
        self.holding_combo.setCurrentIndex(max(self.holding_combo.findData(holding), 0))
        self._filling = False
        self._timer.start()

    def _fit_top_list(self, max_rows: int = 6) -> None:
        """As tall as its items (up to ``max_rows``, then it scrolls): checkbox rows are
        taller than a line of text, so the height is measured, not guessed."""
        t = self.top_list
        rows = min(max(t.count(), 3), max_rows)
        row = t.sizeHintForRow(0) if t.count() else 0
        row = max(row, t.fontMetrics().height() + 6)
        t.setFixedHeight(row * rows + 2 * t.frameWidth() + 4)

    def _mode_changed(self) -> None:
        aggregate = self.mode() == "aggregate"
        for widget in (self.mode_hint, self.count_combo, self.top_list):
            self.table_form.setRowVisible(widget, aggregate)
        for widget in (self.weight_combo, self.holding_combo):
            self.table_form.setRowVisible(widget, not aggregate)
        if not self._filling and self.frame is not None:
            self._timer.start()

    def dimensions(self) -> list[str]:
        out: list[str] = []
        for combo in self.dim_combos:
            value = combo.currentData()
            if value and value not in out:
                out.append(str(value))
        return out

    def choose_hierarchy(self, index: int) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.document.t("gui_lab_choose_hierarchy_title"),
            str(Path(self.path).parent) if self.path else "",
            self.document.t("gui_lab_hierarchy_filter"))
        if path:
            self.set_hierarchy(index, path)

    def set_hierarchy(self, index: int, path: str | None) -> None:
        if path:
            self.hierarchies[index] = path
        else:
            self.hierarchies.pop(index, None)
        self.hier_fields[index].setText(Path(path).name if path else "")
        self._timer.start()

    def _dims_changed(self) -> None:
        if not self._filling:
            self._timer.start()

