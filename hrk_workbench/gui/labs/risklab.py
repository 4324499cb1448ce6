"""The Risk lab step: measure the disclosure risk of the real data file and protect it.

Why a lab in the assessment: the questionnaire only says whether the steward *thinks* the data
identifies people. Here the steward loads the file, confirms which columns are quasi-
identifiers and sensitive, sees k, the uniques and the expected re-identifications, adds
protection steps as a replayable recipe and sees both the risk and the information lost after
each step. The measured result is saved in the assessment, where the recommendation uses it.

Every figure comes from ``hrk_workbench.disclosure`` (the same functions as ``hrk-workbench
risk`` and ``puf``); nothing is computed here. The data frame is kept by the page but only
worker threads read it, so the window never freezes on a large file. The pseudonymisation key
lives in a password field and in memory only: it is never put in the recipe, the assessment
or any file.

The page is made of sections (``risk_roles``, ``risk_recipe``, ``risk_measures``,
``risk_result``); this module loads the file, starts the computations and switches language.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from hrk_workbench.disclosure import lab_session
from hrk_workbench.foundations.i18n import format_number

from ..document import Document
from .base import DataLabPage, fit_height
from .data import SAMPLE_ROWS, Refused, compute, measure_large, read_data, rows_text, size_mb
from .risk_measures import MeasuresSection
from .risk_recipe import RecipeSection
from .risk_result import ResultSection
from .risk_roles import RolesSection

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.microdata.roles import RoleSuggestion


class RiskLabPage(RolesSection, RecipeSection, MeasuresSection, ResultSection, DataLabPage):
    """Load, confirm roles, measure, protect, see the loss, export and save (see module)."""

    step = "risk_lab"

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        self.frame: pd.DataFrame | None = None
        self.sample: pd.DataFrame | None = None  # a large file's first records (roles only)
        self.large = False  # measured from the file with DuckDB; no protection steps
        self._size = 0
        self.suggestions: dict[str, RoleSuggestion] = {}
        self.steps: list[dict[str, Any]] = []
        self.result: lab_session.LabRun | None = None
        self._identifiers_for: tuple[Any, list[str]] | None = None  # (data, its identifiers)
        self._before_for: tuple[Any, ...] | None = None
        self._hierarchy: str | None = None
        self._role_combos = {}
        super().__init__(document, parent)

    def build(self) -> None:
        self._data_row()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.large_note = QLabel()
        self.large_note.setWordWrap(True)
        self.large_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.large_note.setStyleSheet("background: #fff4ce; color: black; "
                                      "border: 1px solid #c8a600; padding: 6px;")
        self.large_note.setVisible(False)
        self.data_layout.addWidget(self.large_note)
        self._build_roles()
        self._build_measures()
        self._build_recipe()
        self._build_loss()
        # two recipes side by side: risk and utility of each
        from hrk_workbench.gui.widgets.recipe_compare import RecipeCompare

        self.compare_box, lay = self._group("gui_compare_group")
        self.compare = RecipeCompare(self)
        lay.addWidget(self.compare)
        self._build_result()
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------

    def load_file(self, path: str | os.PathLike[str], sheet: str | None = None) -> None:
        """Read the file and suggest roles off the GUI thread (progress and Cancel); a
        workbook at ``sheet``, else at the first visible sheet (the chooser lists them)."""
        path = str(path)
        name = Path(path).name
        if sheet is None:
            self.sheet_chooser.offer(path)
        self.status.setText(self.document.t("gui_lab_loading", file=name))
        self._start(self.document.t("gui_lab_loading", file=name), read_data,
                    self._loaded, path, True, self.large_file_bytes,
                    rows_text(self.document, name), sheet or self.sheet_chooser.sheet())


    def _loaded(self, result: Any) -> None:
        if isinstance(result, Refused):
            self._refused_file(result)
            return
        d = self.document
        self.path, self.large = result.path, result.large
        self.frame = None if result.large else result.frame
        self.sample = result.frame if result.large else None
        self._size = result.size
        self.suggestions = {s.column: s for s in result.suggestions}
        self.steps, self.result, self._before_for = [], None, None
        self.file_field.setText(self.path)
        self.file_field.setCursorPosition(0)
        # a file measured from disk has no data to share: the table lab must not go on
        # offering the previous file as if it were this one
        self.data.set(self.path, None if result.large else result.frame)
        self._fill_roles()
        self._fill_person_columns()
        self._fill_step_columns()
        self._fill_steps()
        self._show_large_note()
        name = Path(self.path).name
        if result.large:
            self.status.setText(d.t("gui_lab_loaded_large", file=name,
                                    columns=len(result.frame.columns)))
        else:
            self.status.setText(d.t("gui_lab_loaded", file=name,
                                    rows=format_number(len(result.frame), d.lang),
                                    columns=len(result.frame.columns)))
        self.loaded.emit()
        self.recompute()

    def columns_frame(self) -> pd.DataFrame | None:
        """The data whose columns the page lists: the file, or a large file's sample."""
        return self.frame if self.frame is not None else self.sample

    def _show_large_note(self) -> None:
        """For a file too big to load: say what is measured and why nothing is protected."""
        self.large_note.setVisible(self.large)
        self.steps_box.setEnabled(not self.large)
        self.loss_box.setEnabled(not self.large)
        if self.large:
            d = self.document
            self.large_note.setText(d.t(
                "gui_lab_large_note", file=Path(self.path or "").name,
                size=size_mb(self._size, d), limit=size_mb(self.large_file_bytes, d),
                rows=format_number(SAMPLE_ROWS, d.lang)))

    # --- computing ----------------------------------------------------------------------

    def recompute(self) -> None:
        """Measure and protect again with the current roles and steps (off the GUI thread)."""
        self._timer.stop()
        if self.frame is None and not (self.large and self.path):
            return
        recipe = self.recipe()
        person, time = self.person_time()
        if not recipe.key_variables:
            self.result = None
            self.k_note.setText(self.document.t("gui_lab_need_keys"))
            self._show()
            self.computed.emit()
            self.settled.emit()
            return
        self._longitudinal_note(person, time)
        if self.large:
            self._start(self.document.t("gui_lab_computing"), measure_large, self._computed,
                        self.path, list(recipe.key_variables), list(recipe.sensitive),
                        person, time, self.sheet_chooser.sheet(), self.measure_options())
            return
        options = self.measure_options()
        wanted = (tuple(recipe.key_variables), tuple(recipe.sensitive), person, time,
                  repr(sorted(options.items())))
        before = self.result.before if self.result and self._before_for == wanted else None
        self._before_for = wanted
        self._start(self.document.t("gui_lab_computing"), compute, self._computed, self.frame,
                    recipe, self._key(), Path(self.path or "").name, before, person, time,
                    options)

    def _longitudinal_note(self, person: str | None, time: str | None) -> None:
        """Ask for the second column when only one of person id and time is chosen."""
        chosen = [c.currentData() for c in (self.person_combo, self.time_combo)]
        if person is None and any(chosen):
            self.trajectory_hint.setText(self.document.t("gui_lab_trajectory_need_both"))
        else:
            self.trajectory_hint.setText(self.document.t("gui_lab_trajectory_hint"))

    def _computed(self, result: Any) -> None:
        if isinstance(result, Refused):
            self.step_problem.setText(self._problems(result))
            self.result = lab_session.LabRun(self.result.before if self.result else None,
                                             None, None, None)
        else:
            self.step_problem.setText("")
            self.result = result
        self._show()
        self._restore_scroll()
        self.computed.emit()
        self.settled.emit()

    # --- language -----------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self._retranslate_roles()
        self._retranslate_measures()
        self.compare.retranslate()
        for table in (self.roles, self.measures, self.loss):  # titles never clipped
            table.resizeColumnsToContents()
            fit_height(table)
        self._retranslate_recipe()
        if self.frame is not None or self.large:
            self._fill_steps()
            self._show()
            self._show_large_note()
