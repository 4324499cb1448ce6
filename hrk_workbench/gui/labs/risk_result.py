"""The Risk lab's result step: export the protected CSV and the recipe, save the measured
result in the assessment (with the data dictionary and the files' fingerprints).

A section of :class:`~hrk_workbench.gui.labs.risklab.RiskLabPage` (a mixin: its controls are
the page's). Which file may be written (never the data read or the assessment), what the
saved result and the exported recipe hold, come from the library (``document.refused_output``,
``disclosure.results``, ``lab_session``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from hrk_workbench.disclosure import lab_session

from .data import write_protected
from .saved import risk_fingerprints


class ResultSection:
    """Builds the export-and-save group of the Risk lab page and does what its buttons say."""

    result: lab_session.LabRun | None
    steps: list[dict[str, Any]]

    def _build_result(self) -> None:
        _box, lay = self._group("gui_lab_result_group")
        self.export_button = self._button("gui_lab_export_csv", self.choose_export)
        self.recipe_button = self._button("gui_lab_export_recipe", self.choose_recipe_export)
        self.save_button = self._button("gui_lab_save_result", self.save_result)
        self.result_status = self._result_row(
            lay, [self.export_button, self.recipe_button, self.save_button])

    def _update_buttons(self) -> None:
        ready = self.result is not None and self.shown_measure() is not None
        self.export_button.setEnabled(lab_session.exportable(
            self.result, bool(self.steps), ready, self.large))
        self.recipe_button.setEnabled(bool(self.steps))
        self.save_button.setEnabled(ready)
        self.remove_button.setEnabled(bool(self.steps))
        self.add_button.setEnabled(self.frame is not None)

    # --- exporting and saving -----------------------------------------------------------

    def choose_export(self) -> None:
        start = str(Path(self.path).with_name(Path(self.path).stem + "-protected.csv")) \
            if self.path else ""
        path, _ = QFileDialog.getSaveFileName(self, self.document.t("gui_lab_export_csv_title"),
                                              start, "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def export_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the protected file (the original when there are no steps) off the GUI thread."""
        frame = self.result.protected if self.result and self.result.protected is not None \
            else self.frame
        if frame is None or self._refused(path, ".csv"):
            return
        self._start(self.document.t("gui_lab_writing"), write_protected, self._exported, frame,
                    str(path))

    def _exported(self, path: str) -> None:
        self.exported_for = (path, self.result)  # fingerprinted when this result is saved
        self.result_status.setText(self.document.t("gui_lab_written", file=Path(path).name))
        self.settled.emit()

    def choose_recipe_export(self) -> None:
        start = str(Path(self.path).with_name(Path(self.path).stem + "-recipe.json")) \
            if self.path else ""
        path, _ = QFileDialog.getSaveFileName(self, self.document.t("gui_lab_recipe_title"),
                                              start, "JSON (*.json)")
        if path:
            self.export_recipe(path)

    def export_recipe(self, path: str | os.PathLike[str]) -> None:
        """The recipe as JSON (hierarchy files relative to it); it never holds the key."""
        from hrk_workbench.foundations.atomic import atomic_write_text

        if self._refused(path, ".json"):
            return
        person, time = self.person_time()
        recipe = lab_session.recipe_for_file(self.steps, Path(path).parent,
                                             self.key_variables(), self.sensitive(), person,
                                             time)
        atomic_write_text(path, recipe.to_json())
        self.result_status.setText(self.document.t("gui_lab_written", file=Path(path).name))

    def saved_recipe(self) -> list[dict[str, Any]]:
        """The steps as the assessment keeps them: file names only, never paths or the key."""
        return lab_session.saved_steps(
            self.recipe().model_dump(mode="json", exclude_none=True)["steps"])

    def dictionary(self) -> list[dict[str, Any]]:
        """The confirmed roles, descriptions and masking rules, for the data dictionary
        (types and masking rules as the core's ``data_dictionary`` words them)."""
        from hrk_workbench.disclosure.results import data_dictionary

        source = self.columns_frame()  # a large file's types are judged on its sample
        if source is None:
            return []
        roles = {c: self.role(c) for c in self._role_combos}
        descriptions = {c: self.descriptions(c) for c in self._role_combos}
        return data_dictionary(source, roles, self.recipe(), descriptions,
                               previous=self._saved_dictionary())

    def _saved_dictionary(self) -> list[dict[str, Any]]:
        saved = getattr(self.document.assessment, "risk_lab", None)
        if saved is None:
            return []
        return [e.model_dump(mode="json") for e in saved.dictionary]

    def save_result(self) -> bool:
        """Save the shown measure (after the recipe) and A10 = yes as one undoable edit."""
        from hrk_workbench.disclosure import results

        measured = self.shown_measure()
        if measured is None or self.result is None:
            return False
        published = lab_session.published_data(self.result, bool(self.steps),
                                               self.columns_frame())
        value = results.risk_lab_result(
            measured, protected=bool(self.steps), recipe=self.saved_recipe(),
            loss=self.result.loss or {}, dictionary=self.dictionary(),
            columns=None if published is None else [str(c) for c in published.columns],
            still_personal=bool(self.steps) and bool(self.result.still_personal),
            verdict=self.verdict(measured).to_dict(), not_identifying=self.not_identifying())
        value = risk_fingerprints(self, value)  # the data read and the file written
        ok = self.document.edit_many([("risk_lab", value), ("anonymisation.A10.value", "yes")],
                                     self.document.t("gui_lab_save_undo"))
        if ok:
            self.result_status.setText(self.document.t("gui_lab_saved", k=measured.k))
        return ok
