"""Who took part in the assessment: a table of people and the roles of the selected one.

Every change sends the whole participant list as one edit (``participants``), so adding,
removing and renaming are each one undo step and undo restores the exact order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from .base import StepPage

COLUMNS = (("name", "gui_part_name"), ("organisation", "gui_part_organisation"),
           ("email", "gui_part_email"), ("comment", "gui_comment"))


class ParticipantsPage(StepPage):
    step = "participants"

    def build(self) -> None:
        d = self.document
        self.table_label = QLabel()
        self.text(self.table_label.setText, lambda lang: d.t("gui_part_table"))
        self.body_layout.addWidget(self.table_label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(220)
        self.table_label.setBuddy(self.table)
        self.table.itemChanged.connect(self._cell_changed)
        self.table.itemSelectionChanged.connect(self._show_roles)
        self.body_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.text(self.add_button.setText, lambda lang: d.t("gui_part_add"))
        self.text(self.remove_button.setText, lambda lang: d.t("gui_part_remove"))
        self.add_button.clicked.connect(self.add_participant)
        self.remove_button.clicked.connect(self.remove_participant)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.body_layout.addLayout(buttons)
        self.roles_label = QLabel()
        self.body_layout.addWidget(self.roles_label)
        self.roles = QListWidget()
        self.roles.setMaximumHeight(190)
        self.roles_label.setBuddy(self.roles)
        self.roles.itemChanged.connect(self._roles_changed)
        self.body_layout.addWidget(self.roles)

    # --- model -> widgets -------------------------------------------------------------------

    def _people(self) -> list[dict[str, Any]]:
        return [p.model_dump(mode="json") for p in self.document.assessment.participants]

    def refresh(self) -> None:
        people = self._people()
        row = self.table.currentRow()
        self.table.blockSignals(True)
        self.table.setRowCount(len(people))
        for r, person in enumerate(people):
            for c, (field, _) in enumerate(COLUMNS):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(r, c, item)
                if item.text() != person[field]:
                    item.setText(person[field])
        self.table.blockSignals(False)
        # re-select only when the row must change: selecting moves the current cell to the
        # first column and closes the editor Tab has just opened in the next cell, so what
        # the steward types straight after Tab would be lost
        target = min(max(row, 0), len(people) - 1) if people else -1
        if people and row != target:
            self.table.selectRow(target)
        self._show_roles()

    def _show_roles(self) -> None:
        d = self.document
        people = self._people()
        row = self.table.currentRow()
        person = people[row] if 0 <= row < len(people) else None
        self.roles.setEnabled(person is not None)
        name = (person or {}).get("name") or "—"
        self.roles_label.setText(d.t("gui_part_roles_of", name=name))
        self.roles.setAccessibleName(d.t("gui_part_roles_of", name=name))
        self.roles.blockSignals(True)
        self.roles.clear()
        for role in d.forms.vocab.roles:
            item = QListWidgetItem(role.text.get(d.lang) or role.text["en"])
            item.setData(Qt.ItemDataRole.UserRole, role.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = person is not None and role.id in person["roles"]
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.roles.addItem(item)
        self.roles.blockSignals(False)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        d = self.document
        self.table.setHorizontalHeaderLabels([d.t(key) for _, key in COLUMNS])
        self.table.setAccessibleName(d.t("gui_part_table"))
        self._show_roles()

    # --- widgets -> model -------------------------------------------------------------------

    def _save(self, people: list[dict[str, Any]]) -> None:
        if not self.document.edit("participants", people):
            self.refresh()

    def add_participant(self) -> None:
        people = self._people()
        people.append({"name": self.document.t("gui_part_new")})
        self._save(people)
        self.table.selectRow(len(people) - 1)
        self.table.setFocus()

    def remove_participant(self) -> None:
        people = self._people()
        row = self.table.currentRow()
        if 0 <= row < len(people):
            del people[row]
            self._save(people)

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        people = self._people()
        if item.row() < len(people):
            people[item.row()][COLUMNS[item.column()][0]] = item.text().strip()
            self._save(people)

    def _roles_changed(self, _item: QListWidgetItem) -> None:
        people = self._people()
        row = self.table.currentRow()
        if 0 <= row < len(people):
            people[row]["roles"] = [
                self.roles.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.roles.count())
                if self.roles.item(i).checkState() == Qt.CheckState.Checked]
            self._save(people)
