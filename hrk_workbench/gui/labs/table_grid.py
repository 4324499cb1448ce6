"""The Table lab's result view: the protected table, one layer at a time, margins included,
with primary and secondary cells marked by colour *and* a marker, a tooltip and the
accessible text, so colour is never the only cue.

A section of :class:`~hrk_workbench.gui.labs.tablelab.TableLabPage` (a mixin: its controls
are the page's). Which cell is suppressed, and by which rule, is the library's
(``disclosure.tables``); here it is only shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from hrk_workbench.foundations.i18n import format_number

from ..pages.base import ScrollSafeComboBox, _plain

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.cellkey import CellKeyTable
    from hrk_workbench.disclosure.tables.protect import ProtectedTable

STATUS_ROLE = Qt.ItemDataRole.UserRole
COLOURS = {"primary": QColor("#f2a7a7"), "secondary": QColor("#ffd77a")}
MARKERS = {"primary": "●", "secondary": "○", "published": ""}


class GridSection:
    """Builds and fills the result-table group of the Table lab page."""

    protected: ProtectedTable | None
    perturbed: CellKeyTable | None

    def _build_grid(self) -> None:
        _box, lay = self._group("gui_lab_result_table_group")
        legend = QHBoxLayout()
        for status, key in (("primary", "gui_lab_legend_primary"),
                            ("secondary", "gui_lab_legend_secondary")):
            swatch = QLabel()
            swatch.setStyleSheet(f"background: {COLOURS[status].name()}; color: black; "
                                 "border: 1px solid #808080; padding: 2px 8px;")
            self.text(lambda s, w=swatch, st=status: w.setText(f"{MARKERS[st]} {s}"),
                      self._t(key))
            legend.addWidget(swatch)
        legend.addStretch(1)
        lay.addLayout(legend)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)
        layer_row = QHBoxLayout()
        self.layer_combo = ScrollSafeComboBox()
        self.layer_combo.currentIndexChanged.connect(lambda _i: self._fill_grid())
        self.layer_label = self._label_for(self.layer_combo, "gui_lab_layer_shown")
        layer_row.addWidget(self.layer_label)
        layer_row.addWidget(self.layer_combo)
        layer_row.addStretch(1)
        lay.addLayout(layer_row)
        self.grid = QTableWidget(0, 0)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setMinimumHeight(300)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.text(lambda s: self.grid.setAccessibleName(_plain(s)),
                  self._t("gui_lab_result_table_group"))
        lay.addWidget(self.grid)


    def _show(self) -> None:
        p = self.protected
        d = self.document
        if self.perturbed is not None:
            s = self.perturbed.summary()
            self.summary_label.setText(d.t(
                "gui_lab_cellkey_summary", cells=len(self.perturbed.table),
                changed=s["perturbed_cells"], d=s["max_deviation"]))
        elif p is not None:
            s = p.to_dict()
            key = "gui_lab_table_summary" if s["audit_ok"] else "gui_lab_table_audit_failed"
            self.summary_label.setText(d.t(key, cells=s["cells"], primary=s["primary"],
                                           secondary=s["secondary"],
                                           failures=s["audit_failures"]))
        shown = p or self.perturbed
        if shown is not None:
            dims = shown.table.dimensions
            self.layer_label.setVisible(len(dims) == 3)
            self.layer_combo.setVisible(len(dims) == 3)
            current = self.layer_combo.currentData()
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            if len(dims) == 3:
                for code in dict.fromkeys(k[2] for k in shown.table.keys):
                    self.layer_combo.addItem(self._code(code), code)
                self.layer_combo.setCurrentIndex(max(self.layer_combo.findData(current), 0))
            self.layer_combo.blockSignals(False)
        else:
            self.layer_label.setVisible(False)
            self.layer_combo.setVisible(False)
        self._fill_grid()
        self._update_buttons()

    def _code(self, code: str) -> str:
        from hrk_workbench.disclosure.tables.cells import TOTAL

        return self.document.t("gui_lab_total") if code == TOTAL else code

    def _fill_grid(self) -> None:
        """Rows x columns (one layer at a time), margins included; cells carry their status."""
        g, p = self.grid, self.protected or self.perturbed
        g.clear()
        if p is None:
            g.setRowCount(0)
            g.setColumnCount(0)
            return
        t = p.table
        dims = t.dimensions
        layer = self.layer_combo.currentData() if len(dims) == 3 else None
        cells = [(i, k) for i, k in enumerate(t.keys) if layer is None or k[2] == layer]
        rows = list(dict.fromkeys(k[0] for _, k in cells))
        cols = list(dict.fromkeys(k[1] for _, k in cells)) if len(dims) > 1 else [None]
        g.setRowCount(len(rows))
        g.setColumnCount(len(cols))
        g.setVerticalHeaderLabels([self._code(r) for r in rows])
        value_name = t.value_name or self.document.t("gui_lab_count_units")
        g.setHorizontalHeaderLabels([value_name if c is None else self._code(c) for c in cols])
        row_at = {r: n for n, r in enumerate(rows)}
        col_at = {c: n for n, c in enumerate(cols)}
        # a cell key table: every cell published, its perturbed count shown, never the count
        values = self.perturbed.published if self.perturbed is not None else t.values
        for i, key in cells:
            status = "published" if self.perturbed is not None else self.protected.status(i)
            item = QTableWidgetItem(self._cell_text(values[i], status))
            item.setData(STATUS_ROLE, status)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            where = " / ".join(self._code(c) for c in key)
            what = self._status_text(i, status)
            if status != "published":
                item.setBackground(QBrush(COLOURS[status]))
                item.setForeground(QBrush(Qt.GlobalColor.black))
                item.setToolTip(what)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{where}: {format_number(values[i], self.document.lang)}"
                         + (f", {what}" if what else ""))
            g.setItem(row_at[key[0]], col_at[key[1] if len(dims) > 1 else None], item)
        g.resizeColumnsToContents()

    def _cell_text(self, value: float, status: str) -> str:
        text = format_number(value, self.document.lang)
        return f"{MARKERS[status]} {text}" if MARKERS[status] else text

    def _status_text(self, i: int, status: str) -> str:
        d = self.document
        if status == "secondary":
            return d.t("gui_lab_cell_secondary")
        if status != "primary" or self.protected is None:
            return ""
        names = [self._rule_name(r) for r in self.protected.primary[i].rules]
        return d.t("gui_lab_cell_primary", rules=", ".join(names))

    def _rule_name(self, rule: str) -> str:
        d = self.document
        if rule.startswith("dominance_"):
            _, n, k = rule.split("_", 2)
            return d.t("gui_lab_rule_name_dominance", n=n, k=k)
        known = {"frequency": "gui_lab_rule_name_frequency",
                 "p_percent": "gui_lab_rule_name_p_percent", "zero": "gui_lab_rule_name_zero",
                 "pq": "gui_lab_rule_name_pq"}
        return d.t(known[rule]) if rule in known else rule

    def shown_counts(self) -> dict[str, int]:
        """Cells of each status in the grid as shown (the current layer); for tests."""
        out = {"published": 0, "primary": 0, "secondary": 0}
        for r in range(self.grid.rowCount()):
            for c in range(self.grid.columnCount()):
                item = self.grid.item(r, c)
                if item is not None:
                    out[item.data(STATUS_ROLE)] += 1
        return out

