"""The Risk lab's recipe editor: choose a protection step and its parameters, add it to the
recipe or remove it, and read the recipe step by step in words.

A section of :class:`~hrk_workbench.gui.labs.risklab.RiskLabPage` (a mixin: its controls are
the page's). The step is made from the choices by the library
(``lab_session.step_from_choices``) and checked by the recipe's own schema; this module only
reads the form and words the refusals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QWidget,
)

from hrk_workbench.disclosure import lab_session
from hrk_workbench.foundations.i18n import format_number

from ..document import render_problems
from ..pages.base import ScrollSafeComboBox, _plain, parse_number
from .base import parse_breaks
from .data import data_filter
from .words import OPS, PARAM_KEYS, describe_step

# what a refused step is called in the steward's language (lab_session.StepRefused codes)
REFUSALS = {"need_breaks": "gui_lab_need_breaks", "need_number": "gui_lab_need_number",
            "no_direct": "gui_lab_no_direct", "need_hierarchy": "gui_lab_need_hierarchy",
            "importance_unknown": "gui_lab_importance_unknown",
            "no_coordinates": "gui_lab_no_coordinates"}


class RecipeSection:
    """Builds the protection-steps group and keeps the recipe of the Risk lab page."""

    steps: list[dict[str, Any]]

    def _build_recipe(self) -> None:
        self.steps_box, lay = self._group("gui_lab_steps_group")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.step_form = form
        self.op_combo = ScrollSafeComboBox()
        self.op_combo.currentIndexChanged.connect(self._op_changed)
        form.addRow(self._label_for(self.op_combo, "gui_lab_step_kind"), self.op_combo)
        self.column_combo = ScrollSafeComboBox()
        form.addRow(self._label_for(self.column_combo, "gui_lab_step_column"), self.column_combo)
        self.param_field = QLineEdit()
        self.text(self._name_param_field, self._t("gui_lab_param_value"))
        self.param_label = QLabel()
        self.param_label.setBuddy(self.param_field)
        form.addRow(self.param_label, self.param_field)
        self.to_combo = ScrollSafeComboBox()
        form.addRow(self._label_for(self.to_combo, "gui_lab_param_to"), self.to_combo)
        hier_row = QHBoxLayout()
        self.hierarchy_field = QLineEdit()
        self.hierarchy_field.setReadOnly(True)
        self.hierarchy_button = self._button("gui_lab_choose_hierarchy", self.choose_hierarchy)
        hier_row.addWidget(self.hierarchy_field, 1)
        hier_row.addWidget(self.hierarchy_button)
        self.hierarchy_holder = QWidget()
        self.hierarchy_holder.setLayout(hier_row)
        hier_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(self._label_for(self.hierarchy_field, "gui_lab_param_hierarchy"),
                    self.hierarchy_holder)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_000_000_000)
        form.addRow(self._label_for(self.seed_spin, "gui_lab_param_seed"), self.seed_spin)
        self.key_field = QLineEdit()
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_field.editingFinished.connect(self._key_changed)
        form.addRow(self._label_for(self.key_field, "gui_lab_param_key"), self.key_field)
        self.importance_field = QLineEdit()  # suppression: key variables, most important first
        form.addRow(self._label_for(self.importance_field, "gui_lab_param_importance"),
                    self.importance_field)
        lay.addLayout(form)
        buttons = QHBoxLayout()
        self.add_button = self._button("gui_lab_add_step", self.add_step_from_form)
        self.remove_button = self._button("gui_lab_remove_step", self.remove_selected_step)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.step_list = QListWidget()
        self.step_list.setFixedHeight(self.step_list.fontMetrics().lineSpacing() * 5 + 8)
        lay.addWidget(self._label_for(self.step_list, "gui_lab_recipe"))
        lay.addWidget(self.step_list)
        self.step_problem = QLabel()
        self.step_problem.setWordWrap(True)
        self.step_problem.setStyleSheet("color: #b00020;")
        lay.addWidget(self.step_problem)

    def _fill_step_columns(self) -> None:
        current = self.column_combo.currentText()
        self.column_combo.clear()
        for col in self._role_combos:
            self.column_combo.addItem(col, col)
        index = self.column_combo.findText(current)
        if index >= 0:
            self.column_combo.setCurrentIndex(index)

    def _name_param_field(self, generic: str) -> None:
        """The parameter field's name while the chosen step takes none (its row is hidden, but
        a screen reader still lists the field)."""
        op = self.op_combo.currentData()
        if op is None or OPS[op][2] not in PARAM_KEYS:
            self.param_label.setText(generic)
            self.param_field.setAccessibleName(_plain(generic))

    def _op_changed(self) -> None:
        op = self.op_combo.currentData()
        if op is None:
            return
        kind = OPS[op][2]
        form = self.step_form
        form.setRowVisible(self.column_combo, kind not in lab_session.NO_COLUMN_KINDS)
        form.setRowVisible(self.param_field, kind in PARAM_KEYS)
        form.setRowVisible(self.to_combo, kind == "to")
        form.setRowVisible(self.hierarchy_holder, kind == "hierarchy")
        form.setRowVisible(self.seed_spin, kind in lab_session.SEEDED_KINDS)
        form.setRowVisible(self.key_field, kind == "key")
        form.setRowVisible(self.importance_field, op == "suppress")
        if kind in PARAM_KEYS:
            text = self.document.t(PARAM_KEYS[kind])
            self.param_label.setText(text)
            self.param_field.setAccessibleName(_plain(text))
        self._prefill_k(kind)

    def _prefill_k(self, kind: str) -> None:
        """A k step starts with the assessment's threshold (5, 10 for special-category
        data, ...), the k the verdict asks for; a number the steward typed stays."""
        from hrk_workbench.decision.recommendation import required_k

        shown = self.param_field.text().strip()
        if kind != "k":
            if shown and shown == getattr(self, "_k_prefilled", None):
                self.param_field.clear()  # another step's field starts empty, as before
            return
        if shown and shown != getattr(self, "_k_prefilled", None):
            return
        k = format_number(required_k(self.document.assessment, self.document.forms),
                          self.document.lang)
        self.param_field.setText(k)
        self._k_prefilled = k

    def choose_hierarchy(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.document.t("gui_lab_choose_hierarchy_title"),
            str(Path(self.path).parent) if self.path else "", data_filter(self.document))
        if path:
            self.set_hierarchy(path)

    def set_hierarchy(self, path: str | None) -> None:
        self._hierarchy = path
        self.hierarchy_field.setText(Path(path).name if path else "")

    def step_from_form(self) -> dict[str, Any] | None:
        """The step the form describes, as recipe JSON (made by the library from the
        choices); None, and the reason shown, when the choices make no step."""
        op = self.op_combo.currentData()
        kind = OPS[op][2]
        text = self.param_field.text()
        choices = lab_session.StepChoices(
            op, self.column_combo.currentData(),
            number=parse_number(text) if kind in PARAM_KEYS and kind != "breaks" else None,
            breaks=parse_breaks(text) if kind == "breaks" else None,
            to=self.to_combo.currentData(), hierarchy=self._hierarchy,
            seed=self.seed_spin.value(), importance=self.importance_field.text())
        try:
            return lab_session.step_from_choices(
                choices, {c: self.role(c) for c in self._role_combos},
                lambda: lab_session.coordinate_columns(self.columns_frame(), {
                    c: s.basis for c, s in self.suggestions.items()
                    if c in self._role_combos}))
        except lab_session.StepRefused as refused:
            key = REFUSALS.get(refused.code)
            if key is not None:
                field = {"field": _plain(self.param_label.text())} \
                    if refused.code in ("need_breaks", "need_number") else {}
                self.step_problem.setText(self.document.t(key, **field, **refused.params))
            return None

    def describe(self, step: dict[str, Any]) -> str:
        """A step in words, in the current language (never the key)."""
        return describe_step(self.document, step)

    def add_step_from_form(self) -> None:
        step = self.step_from_form()
        if step is not None:
            self.add_step(step)

    def add_step(self, step: dict[str, Any]) -> bool:
        """Append a step (recipe JSON) when the recipe accepts it, then recompute."""
        from pydantic import ValidationError

        from hrk_workbench.disclosure.microdata.recipe import Recipe
        from hrk_workbench.foundations.problems import problems_from_pydantic

        try:
            Recipe.model_validate({"steps": [*self.steps, step]})
        except ValidationError as exc:
            self.step_problem.setText("\n".join(render_problems(
                problems_from_pydantic(exc), self.document.lang, self.document.forms)))
            return False
        self.step_problem.setText("")
        self._hold_scroll()
        self.steps.append(step)
        self._fill_steps()
        self.recompute()
        return True

    def _hold_scroll(self) -> None:
        """Keep the page where the steward is while the step list and measures change
        height: the position is put back once the new figures are shown."""
        self._scroll_at = self.scroll.verticalScrollBar().value()

    def _restore_scroll(self) -> None:
        at = getattr(self, "_scroll_at", None)
        if at is None:
            return
        bar = self.scroll.verticalScrollBar()
        bar.setValue(at)
        # the layout settles on the next turn of the event loop; put it back then too
        QTimer.singleShot(0, lambda: bar.setValue(at))

    def remove_selected_step(self) -> None:
        row = self.step_list.currentRow()
        if 0 <= row < len(self.steps):
            self._hold_scroll()
            del self.steps[row]
            self._fill_steps()
            self.recompute()

    def _fill_steps(self) -> None:
        self.step_list.clear()
        for step in self.steps:
            self.step_list.addItem(self.describe(step))
        self._update_buttons()

    def recipe(self) -> Any:
        from hrk_workbench.disclosure.microdata.recipe import Recipe

        return Recipe.model_validate({"key_variables": self.key_variables(),
                                      "sensitive": self.sensitive(), "steps": self.steps})

    def _key_changed(self) -> None:
        if lab_session.needs_key(self.steps):
            self._timer.start()

    def _key(self) -> bytes | None:
        """The pseudonymisation key as typed, only when the recipe needs it (never saved)."""
        if not lab_session.needs_key(self.steps):
            return None
        return self.key_field.text().encode("utf-8")

    def _retranslate_recipe(self) -> None:
        d = self.document
        current = self.op_combo.currentData()
        self.op_combo.blockSignals(True)
        self.op_combo.clear()
        for op, (name_key, _desc, _kind) in OPS.items():
            self.op_combo.addItem(d.t(name_key), op)
        self.op_combo.setCurrentIndex(max(self.op_combo.findData(current), 0))
        self.op_combo.blockSignals(False)
        to = self.to_combo.currentData()
        self.to_combo.clear()
        self.to_combo.addItem(d.t("gui_lab_to_year"), "year")
        self.to_combo.addItem(d.t("gui_lab_to_month"), "month")
        self.to_combo.setCurrentIndex(max(self.to_combo.findData(to), 0))
        self._op_changed()
