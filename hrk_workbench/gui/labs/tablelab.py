"""The Table lab step: a frequency or magnitude table, protected by cell suppression, audited.

Why in the assessment: most opened statistics are tables, and a table is safe only when no
suppressed cell can be recomputed from what is published, margins included. The steward picks
the dimensions and the rules and sees at once which cells the rules hide (primary) and which
are hidden to protect them (secondary); the exported file is the one the independent audit
passed, and its summary is saved in the assessment for the memo.

All figures come from ``hrk_workbench.disclosure.tables.protect.protect_table`` (the same call as
``hrk-workbench tables``), run on a worker thread. Primary and secondary cells differ in
colour *and* in a marker, a tooltip and the accessible text, so colour is never the only cue.

The page is made of sections (``table_choices``, ``table_rules``, ``table_grid``) on the
labs' shared base; this module loads the data, starts the work, exports and saves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from hrk_workbench.disclosure import lab_session
from hrk_workbench.foundations.i18n import format_number

from ..document import Document
from .base import DataLabPage
from .data import Refused, read_data, rows_text, size_mb
from .saved import table_fingerprints
from .table_choices import MODES, ChoicesSection
from .table_grid import GridSection
from .table_rules import COSTS, METHODS, RulesSection
from .table_work import perturb, protect, write_perturbed, write_table

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.tables.cellkey import CellKeyTable
    from hrk_workbench.disclosure.tables.protect import ProtectedTable


class TableLabPage(ChoicesSection, RulesSection, GridSection, DataLabPage):
    """Choose data, dimensions and rules; see, export and save the protected table."""

    step = "table_lab"
    recompute_ms = 400

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        self.frame: pd.DataFrame | None = None
        self.protected: ProtectedTable | None = None
        self.perturbed: CellKeyTable | None = None  # the cell key method's table
        self.exported_name: str | None = None
        self.hierarchies: dict[int, str] = {}
        self._filling = False
        self._advised: int | None = None  # the assessment's threshold, as last read
        self._min_frequency_own = False  # the steward set the field: keep it, it overrides
        super().__init__(document, parent)
        self.data.loaded.connect(self._lab_data_loaded)
        self._set_default_rules()

    def build(self) -> None:
        self.reuse_button = self._button("gui_lab_use_risk_data", self.use_risk_lab_data)
        self._data_row([self.reuse_button])
        self._build_choices()
        self._build_rules()
        self._build_grid()
        _box, lay = self._group("gui_lab_table_export_group")
        self.symbol_field = QLineEdit("..")
        self.symbol_field.setMaximumWidth(80)
        self.export_csv_button = self._button("gui_lab_export_table_csv",
                                              lambda: self.choose_export("csv"))
        self.export_xlsx_button = self._button("gui_lab_export_table_xlsx",
                                               lambda: self.choose_export("xlsx"))
        self.save_button = self._button("gui_lab_save_table", self.save_result)
        self.result_status = self._result_row(lay, [
            self._label_for(self.symbol_field, "gui_lab_symbol"), self.symbol_field,
            self.export_csv_button, self.export_xlsx_button, self.save_button])
        self._update_buttons()

    # --- data ---------------------------------------------------------------------------

    def load_file(self, path: str | os.PathLike[str], sheet: str | None = None) -> None:
        """Read the microdata off the GUI thread (progress and Cancel); a workbook at
        ``sheet``, else at the first visible sheet (the chooser lists them)."""
        path = str(path)
        name = Path(path).name
        if sheet is None:
            self.sheet_chooser.offer(path)
        title = self.document.t("gui_lab_loading", file=name)
        self.status.setText(title)
        self._start(title, read_data, self._loaded, path, False, self.large_file_bytes,
                    rows_text(self.document, name), sheet or self.sheet_chooser.sheet())

    def use_risk_lab_data(self) -> None:
        """Reuse the file already loaded in the risk lab (no second read)."""
        if self.data.frame is not None and self.data.path:
            self._use(self.data.path, self.data.frame)

    def _lab_data_loaded(self) -> None:
        self._update_buttons()

    def _loaded(self, result: Any) -> None:
        if isinstance(result, Refused):
            self._refused_file(result)
            return
        if result.large:  # a table needs its microdata in memory: ask for an aggregate
            self.status.setText(self.document.t(
                "gui_lab_table_large", file=Path(result.path).name,
                size=size_mb(result.size, self.document),
                limit=size_mb(self.large_file_bytes, self.document)))
            self.loaded.emit()
            self.settled.emit()
            return
        self._use(result.path, result.frame)
        self.loaded.emit()

    def _use(self, path: str, frame: pd.DataFrame) -> None:
        self.path, self.frame, self.protected, self.perturbed = path, frame, None, None
        self.exported_name = None
        self.file_field.setText(path)
        self.file_field.setCursorPosition(0)
        self.status.setText(self.document.t("gui_lab_loaded", file=Path(path).name,
                                            rows=format_number(len(frame), self.document.lang),
                                            columns=len(frame.columns)))
        self._fill_choices()
        self._show()

    # --- computing ----------------------------------------------------------------------

    def recompute(self) -> None:
        """Protect the table with the current choices (off the GUI thread)."""
        self._timer.stop()
        dims = self.dimensions()
        if self.frame is None or not dims:
            return
        hier = {self.dim_combos[i].currentData(): path for i, path in self.hierarchies.items()
                if self.dim_combos[i].currentData() in dims}
        aggregate = (self.count_combo.currentData(), self.top_columns()) \
            if self.mode() == "aggregate" else None
        units = (None, None) if aggregate else (self.weight_combo.currentData(),
                                                self.holding_combo.currentData())
        d = self.document
        if self.method() == "cellkey":
            self._start(d.t("gui_lab_protecting"), perturb, self._computed, self.frame, dims,
                        self.value_combo.currentData(), hier, d.forms,
                        aggregate is None and not any(units),
                        tuple(d.forms.anonymisation.total_labels))
            return
        stages = {stage: d.t(f"gui_lab_stage_{stage}", step="{step}")
                  for stage in ("primary", "secondary", "audit")}
        self._start(d.t("gui_lab_protecting"), protect, self._computed, self.frame,
                    dims, self.value_combo.currentData(), hier, self.rules(), self.cost(),
                    aggregate, tuple(d.forms.anonymisation.total_labels), units, stages)

    def _computed(self, result: Any) -> None:
        from hrk_workbench.disclosure.tables.cellkey import CellKeyTable

        self.protected = self.perturbed = None
        if isinstance(result, Refused):
            self.summary_label.setText(self._problems(result))
        elif isinstance(result, CellKeyTable):
            self.perturbed = result
        else:
            self.protected = result
        self._show()
        self.computed.emit()
        self.settled.emit()

    # --- showing ------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ok = lab_session.table_writable(self.protected, self.perturbed)
        for button in (self.export_csv_button, self.export_xlsx_button, self.save_button):
            button.setEnabled(ok)
        self.reuse_button.setEnabled(self.data.frame is not None)

    # --- export and save ----------------------------------------------------------------

    def choose_export(self, kind: str) -> None:
        start = str(Path(self.path).with_name(Path(self.path).stem + f"-table.{kind}")) \
            if self.path else ""
        path, _ = QFileDialog.getSaveFileName(
            self, self.document.t("gui_lab_export_table_title"), start,
            "CSV (*.csv)" if kind == "csv" else "Excel (*.xlsx)")
        if path:
            self.export(path)

    def export(self, path: str | os.PathLike[str]) -> None:
        """Write the protected table (only one the audit passed) off the GUI thread."""
        if self._refused(path, Path(path).suffix.lower() or None):
            return  # the data file, the assessment, a folder, a device: nothing written
        self.exported_path = str(path)  # fingerprinted when saved under this file's name
        if self.perturbed is not None:
            self._start(self.document.t("gui_lab_writing"), write_perturbed,
                        self._exported_cellkey, self.perturbed, str(path))
            return
        if not lab_session.table_writable(self.protected, None):
            return
        self._start(self.document.t("gui_lab_writing"), write_table, self._exported,
                    self.protected, str(path), self.symbol_field.text())

    def _exported(self, path: str) -> None:
        self.exported_name = Path(path).name
        self.result_status.setText(self.document.t("gui_lab_written_status",
                                                   file=self.exported_name,
                                                   status=lab_session.status_path(path).name))
        self.settled.emit()

    def _exported_cellkey(self, path: str) -> None:
        self.exported_name = Path(path).name
        self.result_status.setText(self.document.t("gui_lab_cellkey_written",
                                                   file=self.exported_name))
        self.settled.emit()

    def save_result(self) -> bool:
        """Append this table's summary to the assessment's table lab results (undoable)."""
        shown = self.perturbed or self.protected
        if shown is None:
            return False
        name = self.exported_name or " × ".join(shown.table.dimensions)
        entry = lab_session.table_entry(self.protected, self.perturbed, name,
                                        self.document.forms, self._advised)
        if entry is None:  # a table the audit failed is never saved
            return False
        existing = [t.model_dump(mode="json") for t in
                    getattr(self.document.assessment, "table_lab", None) or []]
        entry = table_fingerprints(self, entry)  # the data read and the table written
        ok = self.document.edit("table_lab", [*existing, entry])
        if ok:
            self.result_status.setText(self.document.t("gui_lab_table_saved", name=name))
        return ok

    # --- language -----------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        for combo, names in ((self.mode_combo, MODES), (self.cost_combo, COSTS),
                             (self.method_combo, METHODS)):
            for i in range(combo.count()):
                combo.setItemText(i, self.document.t(names[combo.itemData(i)]))
        if self.frame is not None:
            self._fill_choices()
        if self.protected is not None or self.perturbed is not None:
            self._show()
