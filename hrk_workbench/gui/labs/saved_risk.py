"""The Risk lab's saved result on its step: the data file and its fingerprint, the roles,
the recipe in words, the measures, the verdict, when and by whom; with "apply the saved
recipe to a new data file" and "edit the recipe" (see :mod:`hrk_workbench.gui.labs.saved`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.disclosure import lab_session
from hrk_workbench.foundations.i18n import format_number, label
from hrk_workbench.foundations.problems import InputError

from ..document import Document, render_problems
from ..workers import run_task
from .data import data_filter
from .saved import (
    OK_STYLE,
    STALE_STYLE,
    _heading,
    _lines,
    _text,
    fingerprint_text,
    reassess_task,
    saved_by,
    when_text,
)
from .words import ROLE_KEYS, describe_step


class SavedRiskResult(QGroupBox):
    """The saved ``risk_lab`` result on the Risk lab step, with its two actions."""

    reassessed = Signal()  # a re-assessment finished (or failed): tests and screenshots

    def __init__(self, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.document: Document = page.document
        self.report: dict[str, Any] | None = None
        self.task: Any = None
        self.setObjectName("savedRiskResult")
        # the contents sit in an inner widget: Qt would otherwise name the group's title as
        # the label of the recipe list and the measures table for screen readers
        inner = QWidget()
        QVBoxLayout(self).addWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = _text(layout, "savedStatus")
        self.source_heading = _heading(layout)
        self.source = _text(layout, "savedSource")
        self.output_heading = _heading(layout)
        self.output = _text(layout, "savedOutput")
        self.roles_heading = _heading(layout)
        self.roles = _text(layout, "savedRoles")
        self.recipe_heading = _heading(layout)
        self.recipe = QListWidget()
        self.recipe.setObjectName("savedRecipe")
        self.recipe.setWordWrap(True)
        self.recipe.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.recipe)
        self.measures_heading = _heading(layout)
        self.measures = QTableWidget(0, 3)
        self.measures.setObjectName("savedMeasures")
        self.measures.verticalHeader().setVisible(False)
        self.measures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.measures.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.measures)
        self.verdict = _text(layout, "savedVerdict")
        self.when = _text(layout, "savedWhen")
        row = QHBoxLayout()
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("applySavedRecipe")
        self.apply_button.clicked.connect(self.choose_new_data)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editSavedRecipe")
        self.edit_button.clicked.connect(self.edit_recipe)
        self.keep_button = QPushButton()
        self.keep_button.setObjectName("keepReassessment")
        self.keep_button.clicked.connect(self.keep)
        for button in (self.apply_button, self.edit_button, self.keep_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result_line = _text(layout, "reassessResult")
        self.recipe_heading.setBuddy(self.recipe)  # the heading labels it for screen readers
        self.measures_heading.setBuddy(self.measures)
        self.document.changed.connect(self._on_changed)
        self.document.pathChanged.connect(lambda _p: self._on_changed())
        self.document.languageChanged.connect(lambda _lang: self.refresh())
        self.refresh()

    def _on_changed(self) -> None:
        self.refresh()

    # --- showing ------------------------------------------------------------------------

    def refresh(self) -> None:
        d = self.document
        lab = d.assessment.risk_lab
        title = d.t("gui_saved_group")
        self.setTitle(title)
        self.setAccessibleName(title)
        for heading, key in ((self.source_heading, "gui_saved_source"),
                             (self.output_heading, "gui_saved_output"),
                             (self.roles_heading, "gui_saved_roles"),
                             (self.recipe_heading, "gui_saved_recipe"),
                             (self.measures_heading, "gui_saved_measures")):
            heading.setText(d.t(key))
        self.recipe.setAccessibleName(d.t("gui_saved_recipe"))
        self.measures.setAccessibleName(d.t("gui_saved_measures"))
        for button, key in ((self.apply_button, "gui_saved_apply"),
                            (self.edit_button, "gui_saved_edit"),
                            (self.keep_button, "gui_saved_keep")):
            button.setText(d.t(key))
            button.setAccessibleName(d.t(key).rstrip("…"))
        shown = lab is not None
        for widget in (self.source_heading, self.source, self.output_heading, self.output,
                       self.roles_heading, self.roles, self.recipe_heading, self.recipe,
                       self.measures_heading, self.measures, self.verdict, self.when,
                       self.apply_button, self.edit_button):
            widget.setVisible(shown)
        self.keep_button.setVisible(shown and self.report is not None
                                    and self.report.get("_kept") is not True)
        if lab is None:
            self.status.setText(d.t("gui_saved_none"))
            self.status.setStyleSheet("")
            self.result_line.setText("")
            return
        self._status()
        self.source.setText(fingerprint_text(d, lab.source, lab.file))
        self.output.setText(fingerprint_text(d, lab.output, "") if lab.output is not None
                            else "—")
        self.output_heading.setVisible(lab.output is not None)
        self.output.setVisible(lab.output is not None)
        self._roles(lab)
        self._recipe(lab)
        self._measures(lab)
        verdict = "—" if lab.safe is None else label(
            "reassess_safe" if lab.safe else "reassess_not_safe", d.lang, d.forms)
        self.verdict.setText(f"{d.t('gui_saved_verdict')}: {verdict}")
        who = saved_by(d, "risk_lab")
        when = when_text(lab.measured_at, d.lang)
        self.when.setText(d.t("gui_saved_when", when=when, who=who) if who
                          else d.t("gui_saved_when_only", when=when))

    def _status(self) -> None:
        from hrk_workbench.disclosure.fingerprints import stale_texts

        d = self.document
        stale = stale_texts(d.assessment, d.path, d.forms, d.lang, lab="risk_lab")
        lab = d.assessment.risk_lab
        if stale:
            _lines(self.status, stale)
            self.status.setStyleSheet(STALE_STYLE)
        elif lab is not None and lab.source is not None and lab.source.sha256:
            self.status.setText(d.t("gui_saved_same"))
            self.status.setStyleSheet(OK_STYLE)
        else:
            self.status.setText("")
            self.status.setStyleSheet("")

    def _roles(self, lab: Any) -> None:
        d = self.document
        by_role: dict[str, list[str]] = {}
        for entry in lab.dictionary:
            if entry.role != "other":
                by_role.setdefault(entry.role, []).append(entry.column)
        if not by_role:  # an older result without its dictionary: the measured roles
            if lab.key_variables:
                by_role["quasi"] = list(lab.key_variables)
            if lab.sensitive:
                by_role["sensitive"] = list(lab.sensitive)
        lines = [f"{d.t(ROLE_KEYS[role])}: {', '.join(cols)}"
                 for role, cols in by_role.items() if role in ROLE_KEYS]
        if lab.not_identifying:
            lines.append(f"{d.t('gui_lab_col_not_identifying')}: "
                         f"{', '.join(lab.not_identifying)}")
        _lines(self.roles, lines or ["—"])

    def _recipe(self, lab: Any) -> None:
        d = self.document
        self.recipe.clear()
        if not lab.recipe:
            self.recipe.addItem(d.t("gui_saved_no_steps"))
        for i, step in enumerate(lab.recipe, start=1):
            self.recipe.addItem(f"{i}. {self._describe(step)}")
        rows = max(self.recipe.count(), 1)
        self.recipe.setFixedHeight(self.recipe.sizeHintForRow(0) * min(rows, 6)
                                   + 2 * self.recipe.frameWidth() + 4)

    def _describe(self, step: Any) -> str:
        """A step in words as the lab says it; a step this version has no words for by its
        operation's name, not a crash."""
        try:
            return describe_step(self.document, dict(step))
        except (KeyError, TypeError, ValueError):
            return str(step.get("op", "")) if isinstance(step, dict) else str(step)

    def _measure_rows(self, lab: dict[str, Any]) -> list[tuple[str, Any]]:
        from hrk_workbench.disclosure.microdata.reassess import _measures

        d = self.document
        m = _measures(lab)
        rows: list[tuple[str, Any]] = [(label("risklab_rows", d.lang, d.forms), m["rows"]),
                                       (label("risklab_k", d.lang, d.forms), m["k"]),
                                       (label("risklab_uniques", d.lang, d.forms),
                                        m["sample_uniques"])]
        for var, value in sorted(m["l_diversity"].items()):
            rows.append((label("risklab_l", d.lang, d.forms).format(variable=var), value))
        for name, value in m["loss"].items():
            rows.append((label(f"reassess_loss_{name}", d.lang, d.forms), value))
        return rows

    def _measures(self, lab: Any) -> None:
        d = self.document
        saved = self._measure_rows(lab.model_dump(mode="json"))
        after = dict(self._measure_rows(self.report["after_lab"])) if self.report else {}
        self.measures.setColumnCount(3 if self.report else 2)
        heads = [label("reassess_measure", d.lang, d.forms),
                 d.t("gui_saved_value") if not self.report
                 else label("reassess_before", d.lang, d.forms)]
        if self.report:
            heads.append(label("reassess_after", d.lang, d.forms))
        self.measures.setHorizontalHeaderLabels(heads)
        self.measures.setRowCount(len(saved))
        for row, (name, value) in enumerate(saved):
            cells = [name, self._number(value)]
            if self.report:
                cells.append(self._number(after.get(name)))
            for col, text in enumerate(cells):
                self.measures.setItem(row, col, QTableWidgetItem(text))
        self.measures.resizeColumnsToContents()
        self.measures.resizeRowsToContents()
        header = self.measures.horizontalHeader().sizeHint().height()
        height = header + self.measures.verticalHeader().length()
        self.measures.setFixedHeight(height + 2 * self.measures.frameWidth() + 4)

    def _number(self, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            value = round(value, 4)
        return format_number(value, self.document.lang)

    # --- actions ------------------------------------------------------------------------

    def choose_new_data(self) -> None:
        d = self.document
        start = str(d.path.parent) if d.path else ""
        path, _ = QFileDialog.getOpenFileName(self, d.t("gui_saved_apply_title"), start,
                                              data_filter(d))
        if path:
            self.apply_to(path)

    def apply_to(self, data: str | os.PathLike[str]) -> None:
        """Replay the saved recipe on ``data`` and measure it, off the GUI thread."""
        d = self.document
        lab = d.assessment.risk_lab
        if lab is None or (self.task is not None and not self.task.done):
            return
        key = None
        if lab_session.needs_key(lab.recipe):
            typed = self.page.key_field.text()
            if not typed:
                self.result_line.setText(d.t("gui_saved_needs_key"))
                self.reassessed.emit()
                return
            key = typed.encode("utf-8")
        name = Path(data).name
        title = d.t("gui_saved_applying", file=name)
        self.result_line.setText(title)
        self.report = None
        task = run_task(self, title, reassess_task, d.assessment.model_copy(deep=True),
                        str(d.path) if d.path else None, str(data), d.forms, d.lang, key,
                        forms=d.forms, lang=d.lang)
        task.finished.connect(lambda result: self._reassessed(result, name))
        task.failed.connect(self._failed)
        task.cancelled.connect(lambda: self._failed(d.t("gui_lab_cancelled")))
        self.task = task

    def _failed(self, message: str) -> None:
        self.result_line.setText(message)
        self.result_line.setStyleSheet(STALE_STYLE)
        self.reassessed.emit()

    def _reassessed(self, result: Any, name: str) -> None:
        d = self.document
        if isinstance(result, InputError):
            self._failed("\n".join(f"{Path(result.source).name}: {line}" for line in
                                   render_problems(result.problems, d.lang, d.forms)))
            return
        if isinstance(result, OSError):
            from hrk_workbench.foundations.i18n import os_error_detail

            self._failed(f"{name}: {os_error_detail(result, d.lang, d.forms)}")
            return
        result["after_lab"] = result["_result"]
        self.report = result
        hold = result["conditions_hold"]
        self.result_line.setText(d.t("gui_saved_hold" if hold else "gui_saved_fail",
                                     file=name))
        self.result_line.setStyleSheet(OK_STYLE if hold else STALE_STYLE)
        self.refresh()
        self.reassessed.emit()

    def keep(self) -> bool:
        """Save the re-measured result (and A10 yes) as one undoable edit."""
        d = self.document
        if self.report is None:
            return False
        ok = d.edit_many([("risk_lab", self.report["_result"]),
                          ("anonymisation.A10.value", "yes")], d.t("gui_saved_keep"))
        if ok:
            self.report = None
            self.result_line.setText(d.t("gui_saved_kept"))
            self.result_line.setStyleSheet("")
            self.refresh()
        return ok

    def edit_recipe(self) -> None:
        """Load the saved steps (and, when the data is loaded, its roles) into the lab."""
        d = self.document
        lab = d.assessment.risk_lab
        if lab is None:
            return
        page = self.page
        page.steps = [dict(s) for s in lab.recipe if isinstance(s, dict)]
        if page.frame is not None or getattr(page, "large", False):
            columns = set(getattr(page, "_role_combos", {}))
            for col in lab.key_variables:
                if col in columns:
                    page.set_role(col, "quasi")
            for col in lab.sensitive:
                if col in columns:
                    page.set_role(col, "sensitive")
        page._fill_steps()
        if page.frame is not None:
            page.recompute()
        self.result_line.setStyleSheet("")
        self.result_line.setText(d.t("gui_saved_edit_done", count=len(page.steps)))
        box = getattr(page, "steps_box", None)
        if box is not None:
            page.scroll.ensureWidgetVisible(box, 0, 40)
            page.step_list.setFocus()

