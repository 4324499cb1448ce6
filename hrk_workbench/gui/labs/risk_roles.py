"""The Risk lab's roles step: which column is a direct identifier, a quasi-identifier,
sensitive or other, with descriptions in three languages, the "an outsider cannot know
this" mark, and the person id, time and weight columns.

A section of :class:`~hrk_workbench.gui.labs.risklab.RiskLabPage` (a mixin: its controls are
the page's, as tests and screen readers find them). The starting role and the measures'
options are the library's (``lab_session``); here they are only shown and read back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFormLayout, QLabel, QTableWidgetItem

from hrk_workbench.disclosure import lab_session

from ..pages.base import ScrollSafeComboBox
from .base import fit_height, fixed_item
from .words import (
    BASIS_KEYS,
    COL_BASIS,
    COL_DESC,
    COL_NAME,
    COL_NOT_ID,
    COL_ROLE,
    DESC_LANGS,
    ROLE_COLUMNS,
    ROLE_KEYS,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox

ROLES = lab_session.ROLES


class RolesSection:
    """Builds and reads the roles group of the Risk lab page."""

    _role_combos: dict[str, QComboBox]
    suggestions: dict[str, Any]

    def _build_roles(self) -> None:
        _box, lay = self._group("gui_lab_roles_group")
        self.roles_hint = QLabel()
        self.roles_hint.setWordWrap(True)
        self.text(self.roles_hint.setText, self._t("gui_lab_roles_hint"))
        lay.addWidget(self.roles_hint)
        self.roles = self._table(len(ROLE_COLUMNS), "gui_lab_roles_table")
        self.roles.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked |
                                   QAbstractItemView.EditTrigger.EditKeyPressed |
                                   QAbstractItemView.EditTrigger.AnyKeyPressed)
        lay.addWidget(self.roles)
        self.trajectory_hint = QLabel()
        self.trajectory_hint.setWordWrap(True)
        self.text(self.trajectory_hint.setText, self._t("gui_lab_trajectory_hint"))
        lay.addWidget(self.trajectory_hint)
        long_form = QFormLayout()
        long_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.person_combo = ScrollSafeComboBox()
        self.time_combo = ScrollSafeComboBox()
        self.weight_combo = ScrollSafeComboBox()
        for combo, key in ((self.person_combo, "gui_lab_person_id"),
                           (self.time_combo, "gui_lab_time_column"),
                           (self.weight_combo, "gui_lab_weight_column")):
            combo.addItem(self.document.t("gui_lab_none"), None)
            combo.currentIndexChanged.connect(self._roles_changed)
            long_form.addRow(self._label_for(combo, key), combo)
        lay.addLayout(long_form)

    def _fill_roles(self) -> None:
        t = self.roles
        t.blockSignals(True)
        t.clearContents()
        self._role_combos = {}
        source = self.columns_frame()
        columns = [] if source is None else [str(c) for c in source.columns]
        # roles and descriptions the steward confirmed earlier for this file come back
        lab = getattr(self.document.assessment, "risk_lab", None)
        same_file = lab is not None and self.path is not None and lab.file == Path(self.path).name
        saved = {e["column"]: e for e in self._saved_dictionary()} if same_file else {}
        if not getattr(t, "_watching_marks", False):
            t.itemChanged.connect(self._role_item_changed)
            t._watching_marks = True  # type: ignore[attr-defined]
        t.setRowCount(len(columns))
        for row, col in enumerate(columns):
            item = QTableWidgetItem(col)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            t.setItem(row, COL_NAME, item)
            t.setItem(row, COL_ROLE, fixed_item(""))
            combo = ScrollSafeComboBox()
            for role in ROLES:
                combo.addItem(self.document.t(ROLE_KEYS[role]), role)
            suggestion = self.suggestions.get(col)
            role = lab_session.initial_role(saved.get(col, {}).get("role"),
                                            suggestion.role if suggestion else None)
            combo.setCurrentIndex(ROLES.index(role))
            combo.setAccessibleName(self.document.t("gui_lab_role_of", column=col))
            combo.currentIndexChanged.connect(self._roles_changed)
            t.setCellWidget(row, COL_ROLE, combo)
            self._role_combos[col] = combo
            t.setItem(row, COL_BASIS, fixed_item(self._basis(col)))
            texts = saved.get(col, {}).get("description") or {}
            for i, lang in enumerate(DESC_LANGS):
                t.setItem(row, COL_DESC + i, QTableWidgetItem(texts.get(lang, "")))
            marked = QTableWidgetItem("")
            marked.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            was = same_file and lab is not None and col in lab.not_identifying
            marked.setCheckState(Qt.CheckState.Checked if was else Qt.CheckState.Unchecked)
            marked.setData(Qt.ItemDataRole.AccessibleTextRole,
                           self.document.t("gui_lab_not_identifying_of", column=col))
            t.setItem(row, COL_NOT_ID, marked)
        t.resizeColumnsToContents()
        for col in range(COL_DESC, COL_DESC + len(DESC_LANGS)):
            t.setColumnWidth(col, max(t.columnWidth(col), 160))
        t.blockSignals(False)
        fit_height(t)

    def _basis(self, column: str) -> str:
        s = self.suggestions.get(column)
        if s is None or not s.basis:
            return ""
        code = s.basis.partition(":")[0]
        if code == "name_hint":
            return self.document.t("gui_lab_basis_name")
        key = BASIS_KEYS.get(code)
        return self.document.t("gui_lab_basis_values",
                               code=self.document.t(key) if key else code)

    def role(self, column: str) -> str:
        combo = self._role_combos.get(column)
        return str(combo.currentData()) if combo is not None else "other"

    def set_role(self, column: str, role: str) -> None:
        """Choose a role as the steward would in the combo (tests, keyboard)."""
        self._role_combos[column].setCurrentIndex(ROLES.index(role))

    def key_variables(self) -> list[str]:
        return [c for c in self._role_combos if self.role(c) == "quasi"]

    def sensitive(self) -> list[str]:
        return [c for c in self._role_combos if self.role(c) == "sensitive"]

    def person_time(self) -> tuple[str | None, str | None]:
        """The person id and time columns of longitudinal data; (None, None) unless both are
        chosen (and differ)."""
        return lab_session.person_time(self.person_combo.currentData(),
                                       self.time_combo.currentData())

    def set_longitudinal(self, person: str | None, time: str | None) -> None:
        """Choose the person id and time columns as the steward would (tests)."""
        self.person_combo.setCurrentIndex(max(self.person_combo.findData(person), 0))
        self.time_combo.setCurrentIndex(max(self.time_combo.findData(time), 0))

    def descriptions(self, column: str) -> dict[str, str]:
        row = list(self._role_combos).index(column)
        out = {}
        for i, lang in enumerate(DESC_LANGS):
            item = self.roles.item(row, COL_DESC + i)
            if item is not None and item.text().strip():
                out[lang] = item.text().strip()
        return out

    def _roles_changed(self) -> None:
        self._timer.start()

    def _role_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == COL_NOT_ID:
            self._timer.start()

    def not_identifying(self) -> list[str]:
        """The columns the steward marked as not identifying (an outsider cannot know them)."""
        out = []
        for row, col in enumerate(self._role_combos):
            item = self.roles.item(row, COL_NOT_ID)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(col)
        return out

    def set_not_identifying(self, column: str, marked: bool = True) -> None:
        """Mark a column as the steward would tick it (tests, keyboard)."""
        row = list(self._role_combos).index(column)
        self.roles.item(row, COL_NOT_ID).setCheckState(
            Qt.CheckState.Checked if marked else Qt.CheckState.Unchecked)

    def weight(self) -> str | None:
        """The survey's sampling-weight column, or None for a register."""
        value = self.weight_combo.currentData()
        return str(value) if value else None

    def set_weight(self, column: str | None) -> None:
        self.weight_combo.setCurrentIndex(max(self.weight_combo.findData(column), 0))


    def measure_options(self) -> dict[str, Any]:
        """What the measures take beside the keys (the library decides: the period, the
        weight, the omitted quasi-identifiers, the individual-risk threshold)."""
        d = self.document
        columns = list(self._role_combos)
        return lab_session.measure_options(
            columns, {c: self.role(c) for c in columns}, self.not_identifying(),
            [c for c in columns if self.suggestions.get(c) is not None
             and self.suggestions[c].role == "quasi"],
            self.time_combo.currentData(), self.weight(), self.person_combo.currentData(),
            d.assessment, d.forms)

    def _fill_person_columns(self) -> None:
        """The person id, time and weight choices: none, or one of the file's columns."""
        for combo in (self.person_combo, self.time_combo, self.weight_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.document.t("gui_lab_none"), None)
            for col in self._role_combos:
                combo.addItem(col, col)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)

    def _retranslate_roles(self) -> None:
        d = self.document
        self.roles.setHorizontalHeaderLabels([d.t(k) for k in ROLE_COLUMNS])
        for combo in (self.person_combo, self.time_combo, self.weight_combo):
            combo.setItemText(0, d.t("gui_lab_none"))
        for row, (col, combo) in enumerate(self._role_combos.items()):
            combo.blockSignals(True)
            for i, role in enumerate(ROLES):
                combo.setItemText(i, d.t(ROLE_KEYS[role]))
            combo.setAccessibleName(d.t("gui_lab_role_of", column=col))
            combo.blockSignals(False)
            basis = self.roles.item(row, COL_BASIS)
            if basis is not None:
                basis.setText(self._basis(col))
            marked = self.roles.item(row, COL_NOT_ID)
            if marked is not None:
                marked.setData(Qt.ItemDataRole.AccessibleTextRole,
                               d.t("gui_lab_not_identifying_of", column=col))
