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
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.foundations.problems import InputError, Problem

from ..document import Document, render_problems
from ..sheet_choice import sheet_chooser
from ..workers import Cancelled, Progress, run_task
from .base import ScrollSafeComboBox, _plain
from .lab_base import LabPage
from .saved_result import risk_fingerprints

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.microdata.measures import MeasuredRisk
    from hrk_workbench.disclosure.microdata.roles import RoleSuggestion

ROLES = ("direct", "quasi", "sensitive", "other")
ROLE_KEYS = {"direct": "gui_lab_role_direct", "quasi": "gui_lab_role_quasi",
             "sensitive": "gui_lab_role_sensitive", "other": "gui_lab_role_other"}
DATA_FILTER_KEY = "gui_lab_data_filter"
RECOMPUTE_MS = 300
# A file whose data takes more than this is measured straight from the file (DuckDB) and not
# loaded: a DataFrame of text takes several times the file's size. HRK_LAB_LARGE_FILE_MB
# overrides it (a steward with a big machine, or a test).
LARGE_FILE_MB = 500
LARGE_FILE_ENV = "HRK_LAB_LARGE_FILE_MB"
SAMPLE_ROWS = 10_000  # roles of a large file are suggested from its first records

# protection steps offered: op -> (name key, description key, parameter kind)
OPS: dict[str, tuple[str, str, str]] = {
    "drop": ("gui_lab_op_drop", "gui_lab_desc_drop", "column"),
    "remove_direct_identifiers": ("gui_lab_op_remove_direct", "gui_lab_desc_remove_direct",
                                  "none"),
    "band": ("gui_lab_op_band", "gui_lab_desc_band", "width"),
    "band_breaks": ("gui_lab_op_band_breaks", "gui_lab_desc_band_breaks", "breaks"),
    "top_code": ("gui_lab_op_top_code", "gui_lab_desc_top_code", "at"),
    "bottom_code": ("gui_lab_op_bottom_code", "gui_lab_desc_bottom_code", "at"),
    "merge": ("gui_lab_op_merge", "gui_lab_desc_merge", "hierarchy"),
    "date": ("gui_lab_op_date", "gui_lab_desc_date", "to"),
    "grid": ("gui_lab_op_grid", "gui_lab_desc_grid", "size"),
    "suppress": ("gui_lab_op_suppress", "gui_lab_desc_suppress", "k"),
    "exclude": ("gui_lab_op_exclude", "gui_lab_desc_exclude", "k"),
    "pseudonymise": ("gui_lab_op_pseudonymise", "gui_lab_desc_pseudonymise", "key"),
    "sample": ("gui_lab_op_sample", "gui_lab_desc_sample", "fraction"),
    "pram": ("gui_lab_op_pram", "gui_lab_desc_pram", "retain"),
    "microaggregate": ("gui_lab_op_microaggregate", "gui_lab_desc_microaggregate", "group_k"),
    "noise": ("gui_lab_op_noise", "gui_lab_desc_noise", "std_share"),
}
PARAM_KEYS = {"width": "gui_lab_param_width", "at": "gui_lab_param_at",
              "k": "gui_lab_param_k", "fraction": "gui_lab_param_percent",
              "breaks": "gui_lab_param_breaks", "size": "gui_lab_param_size_m",
              "retain": "gui_lab_param_retain", "group_k": "gui_lab_param_k",
              "std_share": "gui_lab_param_std_share"}
SEEDED_KINDS = ("fraction", "retain", "std_share")  # steps that draw at random
# steps on the whole file, not one column (grid: on the columns found as coordinates)
NO_COLUMN_KINDS = ("k", "fraction", "none", "size")
ROLE_COLUMNS = ("gui_lab_col_column", "gui_lab_col_role", "gui_lab_col_basis",
                "gui_lab_col_description_en", "gui_lab_col_description_fi",
                "gui_lab_col_description_sv", "gui_lab_col_not_identifying")
COL_NAME, COL_ROLE, COL_BASIS, COL_DESC = 0, 1, 2, 3
DESC_LANGS = ("en", "fi", "sv")
COL_NOT_ID = COL_DESC + len(DESC_LANGS)  # the steward's "an outsider cannot know this"
# what the values of a column were recognised as (roles.VALUE_CHECKS codes)
BASIS_KEYS = {"henkilotunnus": "gui_lab_basis_henkilotunnus",
              "personnummer": "gui_lab_basis_personnummer",
              "y_tunnus": "gui_lab_basis_y_tunnus",
              "organisationsnummer": "gui_lab_basis_organisationsnummer",
              "email": "gui_lab_basis_email", "phone": "gui_lab_basis_phone",
              "street_address": "gui_lab_basis_street_address", "date": "gui_lab_basis_date",
              "coordinates": "gui_lab_basis_coordinates",
              "all_values_distinct": "gui_lab_basis_all_distinct"}
MAX_ROWS_SHOWN = 14  # taller tables scroll inside; shorter ones show every row


def large_file_bytes() -> int:
    """The size above which the lab measures from the file instead of loading it."""
    text = os.environ.get(LARGE_FILE_ENV, "").strip()
    try:
        mb = float(text) if text else LARGE_FILE_MB
    except ValueError:
        mb = LARGE_FILE_MB
    return int(mb * 1024 * 1024)


def parse_breaks(text: str) -> list[float] | None:
    """Band limits as typed: ``0, 18, 30, 65`` or ``0 18 30 65``; with ``;`` between the
    limits a decimal comma is allowed (``0; 17,5; 30``). None when any part is no number."""
    import re

    from hrk_workbench.gui.pages.base import parse_number

    parts = text.split(";") if ";" in text else re.split(r"[,\s]+", text)
    values = [parse_number(p) for p in parts if p.strip()]
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return None
    return [float(v) for v in values]


def fit_height(table: QTableWidget, max_rows: int = MAX_ROWS_SHOWN) -> None:
    """Make a table as tall as its rows (up to ``max_rows``) so the page, not the table,
    scrolls: a steward reads every measure without a second scroll bar."""
    rows = min(table.rowCount(), max_rows)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(rows)) if rows else \
        table.verticalHeader().defaultSectionSize() * 2
    if table.horizontalScrollBar().isVisible() or \
            table.horizontalHeader().length() > table.viewport().width():
        height += table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height)


# --- shared between the two labs -------------------------------------------------------------

class LabData(QObject):
    """The data file loaded in the risk lab, kept beside the document for the table lab.

    A child of the document (not a field of it): the data is never part of the assessment.
    """

    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: str | None = None
        self.frame: pd.DataFrame | None = None  # None too for a file measured from disk

    def set(self, path: str | None, frame: pd.DataFrame | None) -> None:
        self.path, self.frame = path, frame
        self.loaded.emit()


def lab_data(document: Document) -> LabData:
    """The one LabData of a document (made on first use)."""
    found = document.findChild(LabData)
    return found if isinstance(found, LabData) else LabData(document)


@dataclass
class Refused:
    """A worker's input error, carried back so the page renders it in the steward's language."""

    source: str
    problems: list[Problem]


def data_filter(document: Document) -> str:
    return document.t(DATA_FILTER_KEY)


def read_data(progress: Progress, path: str, roles: bool = True, limit: int | None = None,
              rows_text: Callable[[int], str] | None = None, sheet: str | None = None) -> Any:
    """Read a data file (and suggest roles) on a worker thread; Refused on a bad file.

    A CSV reports every block the parser reads (in KiB, with ``rows_text(lines)`` as the
    label) through ``progress``, whose Cancel stops the read at the next block (256 KiB).
    A file whose data exceeds ``limit`` bytes is not loaded: its first :data:`SAMPLE_ROWS`
    records are read for the role suggestions and the result is marked ``large``. ``sheet``
    is the workbook's sheet chosen (None: the first visible one).
    """
    from hrk_workbench.foundations.reading import reading

    with reading({path: sheet} if sheet else None):
        return _read_data(progress, path, roles, limit, rows_text)


def _read_data(progress: Progress, path: str, roles: bool, limit: int | None,
               rows_text: Callable[[int], str] | None) -> Any:
    from hrk_workbench.disclosure.loading import memory_estimate, read_sample, read_table
    from hrk_workbench.disclosure.microdata.roles import suggest_roles

    name = Path(path).name
    progress.report(0, 0, name)
    try:
        size = memory_estimate(path)
        if limit is not None and size > limit:
            frame = read_sample(path, SAMPLE_ROWS)
            progress.report(1, 2, name)
            suggestions = suggest_roles(frame) if roles else []
            progress.report(2, 2)
            return Loaded(path, frame, suggestions, large=True, size=size)

        def report(done: int, total: int, rows: int) -> None:  # KiB: Qt's int is 32-bit
            progress.report(done // 1024, max(total // 1024, 1),
                            rows_text(rows) if rows_text else name)

        frame = read_table(path, progress=report)
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    suggestions = suggest_roles(frame) if roles else []
    progress.report(1, 1)
    return Loaded(path, frame, suggestions, size=size)


@dataclass
class Loaded:
    path: str
    frame: pd.DataFrame  # the whole file, or only its first records when ``large``
    suggestions: list[RoleSuggestion] = field(default_factory=list)
    large: bool = False
    size: int = 0


@dataclass
class Computed:
    """What one run of the recipe gave: risk before and after, loss, the protected data."""

    before: MeasuredRisk | None
    after: MeasuredRisk | None
    loss: dict[str, Any] | None
    protected: pd.DataFrame | None
    still_personal: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)


def recoded_columns(recipe: Any) -> list[str]:
    """Variables changed on purpose by the recipe (as ``puf`` tells the loss report)."""
    return recipe.recoded()


def rows_text(document: Document, name: str) -> Callable[[int], str]:
    """The progress label ("x.csv: 120,000 lines read…"), made on the GUI thread in the
    page's language and called on the worker thread (plain string work, no widget)."""
    lang = document.lang
    template = document.t("gui_lab_read_rows", file=name, rows="\x00")
    return lambda rows: template.replace("\x00", format_number(rows, lang))


def size_mb(size: int, document: Document) -> str:
    return format_number(max(round(size / (1024 * 1024)), 1), document.lang)


def measure_large(progress: Progress, path: str, keys: list[str], sensitive: list[str],
                  person: str | None, time: str | None, sheet: str | None = None,
                  options: dict[str, Any] | None = None) -> Any:
    """Measure a file too big to load, in DuckDB straight from the file (as ``risk``)."""
    from hrk_workbench.foundations.reading import reading

    with reading({path: sheet} if sheet else None):
        return _measure_large(progress, path, keys, sensitive, person, time, options)


def _measure_large(progress: Progress, path: str, keys: list[str], sensitive: list[str],
                   person: str | None, time: str | None,
                   options: dict[str, Any] | None = None) -> Any:
    import duckdb

    from hrk_workbench.disclosure.microdata.measures import measure_file

    progress.report(0, 0, Path(path).name)
    try:
        before = measure_file(path, keys, sensitive, person, time,
                              on_connection=lambda con: progress.on_cancel(con.interrupt),
                              **(options or {}))
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    except duckdb.InterruptException:  # the user's Cancel stopped the query
        raise Cancelled() from None
    progress.report(1, 1)
    return Computed(before, None, None, None)


def compute(progress: Progress, frame: pd.DataFrame, recipe: Any, key: bytes | None,
            file: str, before: MeasuredRisk | None = None, person: str | None = None,
            time: str | None = None, options: dict[str, Any] | None = None) -> Any:
    """Measure the original, apply the recipe, measure the file as written, report the loss.

    The same calls as ``hrk-workbench puf`` (the protected data is measured as the written CSV
    reads back), so the lab and the command line give the same figures.
    """
    from hrk_workbench.disclosure.microdata.loss import loss_report
    from hrk_workbench.disclosure.microdata.measures import measure_frame
    from hrk_workbench.disclosure.microdata.published import as_written
    from hrk_workbench.disclosure.microdata.recipe import apply_recipe, check_key

    keys, sensitive = list(recipe.key_variables), list(recipe.sensitive)
    progress.report(0, 3)
    try:
        if key is not None:
            check_key(key)
        if before is None and keys:
            before = measure_frame(frame, keys, sensitive, person, time, file=file,
                                   **(options or {}))
        progress.report(1, 3)
        if not recipe.steps:
            return Computed(before, None, None, None)
        applied = apply_recipe(frame, recipe, key)
        progress.report(2, 3)
        written = as_written(applied.data)
        keys_after = [k for k in keys if k in written.columns]
        sens_after = [s for s in sensitive if s in written.columns]
        longitudinal = person in written.columns and time in written.columns
        after = measure_frame(written, keys_after, sens_after,
                              person if longitudinal else None,
                              time if longitudinal else None, file=file,
                              **kept_options(options, list(written.columns))) if keys_after \
            else None
        loss = loss_report(frame, applied.data, recoded_columns(recipe),
                           recipe.stated_roles(), min_count=recipe.min_category())
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(3, 3)
    return Computed(before, after, loss, applied.data, applied.still_personal,
                    [s.to_dict() for s in applied.steps])


def kept_options(options: dict[str, Any] | None, columns: list[str]) -> dict[str, Any]:
    """The measures' options for the protected file: the period, weight and omitted
    quasi-identifiers that its columns still hold."""
    out = dict(options or {})
    for name in ("period", "weight"):
        if out.get(name) not in columns:
            out[name] = None
    out["extra_quasi"] = [c for c in out.get("extra_quasi") or [] if c in columns]
    return out


def write_protected(progress: Progress, frame: pd.DataFrame, path: str) -> str:
    """The protected file as the CLI writes it: UTF-8, formulas neutralised, atomically."""
    from hrk_workbench.disclosure.microdata.recipe import to_csv_bytes
    from hrk_workbench.foundations.atomic import atomic_write_bytes

    progress.report(0, 1)
    atomic_write_bytes(path, to_csv_bytes(frame))
    progress.report(1, 1)
    return path


# --- the page -------------------------------------------------------------------------------

class RiskLabPage(LabPage):
    """Load, confirm roles, measure, protect, see the loss, export and save (see module)."""

    step = "risk_lab"
    loaded = Signal()  # a load finished (or failed): for tests and screenshots
    computed = Signal()  # measures and loss show a finished computation
    settled = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        self.data = lab_data(document)
        self.path: str | None = None
        self.frame: pd.DataFrame | None = None
        self.sample: pd.DataFrame | None = None  # a large file's first records (roles only)
        self.large = False  # measured from the file with DuckDB; no protection steps
        self.large_file_bytes = large_file_bytes()
        self._size = 0
        self.suggestions: dict[str, RoleSuggestion] = {}
        self.steps: list[dict[str, Any]] = []
        self.result: Computed | None = None
        self._identifiers_for: tuple[Any, list[str]] | None = None  # (data, its identifiers)
        self.task: Any = None
        self._before_for: tuple[Any, ...] | None = None
        self._hierarchy: str | None = None
        self._role_combos: dict[str, QComboBox] = {}
        super().__init__(document, parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_MS)
        self._timer.timeout.connect(self.recompute)

    # --- building -----------------------------------------------------------------------

    def _table(self, columns: int, name_key: str) -> QTableWidget:
        table = QTableWidget(0, columns)
        table.verticalHeader().setVisible(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.text(lambda s: table.setAccessibleName(_plain(s)), self._t(name_key))
        return table

    def build(self) -> None:
        # the data file
        _box, lay = self._group("gui_lab_data_group")
        row = QHBoxLayout()
        self.choose_button = self._button("gui_lab_choose_data", self.choose_file)
        self.file_field = QLineEdit()
        self.file_field.setReadOnly(True)
        self.file_label = self._label_for(self.file_field, "gui_lab_data_file")
        self.text(self.file_field.setPlaceholderText, self._t("gui_lab_no_data"))
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label)
        row.addWidget(self.file_field, 1)
        self.sheet_chooser = sheet_chooser(self, self.load_file)
        row.addWidget(self.sheet_chooser.companions[0])
        row.addWidget(self.sheet_chooser)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.status)
        self.large_note = QLabel()
        self.large_note.setWordWrap(True)
        self.large_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.large_note.setStyleSheet("background: #fff4ce; color: black; "
                                      "border: 1px solid #c8a600; padding: 6px;")
        self.large_note.setVisible(False)
        lay.addWidget(self.large_note)

        # roles
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

        # measures
        _box, lay = self._group("gui_lab_measures_group")
        self.measures = self._table(3, "gui_lab_measures_table")
        lay.addWidget(self.measures)
        self.k_note = QLabel()
        self.k_note.setWordWrap(True)
        lay.addWidget(self.k_note)
        # the verdict in plain words (the core's risk_verdict): safe or not, why, what next
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("risklab_verdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label.setStyleSheet("border: 2px solid #1f4e79; padding: 6px; "
                                         "font-weight: bold;")
        self.verdict_label.setVisible(False)
        self.text(lambda s: self.verdict_label.setAccessibleName(_plain(s)),
                  self._t("gui_lab_verdict"))
        lay.addWidget(self.verdict_label)

        # protection steps
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

        # information loss
        self.loss_box, lay = self._group("gui_lab_loss_group")
        self.loss_summary = QLabel()
        self.loss_summary.setWordWrap(True)
        lay.addWidget(self.loss_summary)
        self.loss = self._table(4, "gui_lab_loss_table")
        lay.addWidget(self.loss)

        # two recipes side by side: risk and utility of each
        from hrk_workbench.gui.widgets.recipe_compare import RecipeCompare

        self.compare_box, lay = self._group("gui_compare_group")
        self.compare = RecipeCompare(self)
        lay.addWidget(self.compare)

        # export and save
        _box, lay = self._group("gui_lab_result_group")
        self.export_button = self._button("gui_lab_export_csv", self.choose_export)
        self.recipe_button = self._button("gui_lab_export_recipe", self.choose_recipe_export)
        self.save_button = self._button("gui_lab_save_result", self.save_result)
        self.result_status = self._result_row(
            lay, [self.export_button, self.recipe_button, self.save_button])
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.document.t("gui_lab_choose_data_title"),
                                              start, data_filter(self.document))
        if path:
            self.load_file(path)

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

    def _start(self, title: str, fn: Any, done: Callable[[Any], None], *args: Any) -> None:
        if self.busy():
            self.task.cancel()
        task = run_task(self, title, fn, *args, forms=self.document.forms,
                        lang=self.document.lang)
        task.finished.connect(lambda r, t=task: done(r) if t is self.task else None)
        task.failed.connect(lambda m, t=task: self._failed(m) if t is self.task else None)
        task.cancelled.connect(lambda t=task: self._cancelled() if t is self.task else None)
        self.task = task

    def _problems(self, refused: Refused) -> str:
        lines = render_problems(refused.problems, self.document.lang, self.document.forms)
        return "\n".join(f"{Path(refused.source).name}: {line}" for line in lines)

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()
        self.computed.emit()
        self.settled.emit()

    def _cancelled(self) -> None:
        self.status.setText(self.document.t("gui_lab_cancelled"))
        self.loaded.emit()
        self.computed.emit()
        self.settled.emit()

    def _loaded(self, result: Any) -> None:
        if isinstance(result, Refused):
            self.status.setText(self._problems(result))
            self.loaded.emit()
            self.settled.emit()
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
        self._fill_columns()
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

    # --- roles --------------------------------------------------------------------------

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
            t.setItem(row, COL_ROLE, self._fixed_item(""))
            combo = ScrollSafeComboBox()
            for role in ROLES:
                combo.addItem(self.document.t(ROLE_KEYS[role]), role)
            suggestion = self.suggestions.get(col)
            role = saved.get(col, {}).get("role") or (suggestion.role if suggestion else "other")
            combo.setCurrentIndex(ROLES.index(role) if role in ROLES else ROLES.index("other"))
            combo.setAccessibleName(self.document.t("gui_lab_role_of", column=col))
            combo.currentIndexChanged.connect(self._roles_changed)
            t.setCellWidget(row, COL_ROLE, combo)
            self._role_combos[col] = combo
            t.setItem(row, COL_BASIS, self._fixed_item(self._basis(col)))
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

    @staticmethod
    def _fixed_item(text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        return item

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
        person, time = self.person_combo.currentData(), self.time_combo.currentData()
        if not person or not time or person == time:
            return None, None
        return str(person), str(time)

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
        """What the measures take beside the keys: the period (the time column, else a
        column named as one), the weight, the quasi-identifiers detected but not among the
        keys (less those marked not identifying), and the individual-risk threshold."""
        from hrk_workbench.disclosure.microdata.verdict import assessment_limits, period_column

        d = self.document
        columns = list(self._role_combos)
        period = self.time_combo.currentData() or period_column(columns, d.forms)
        weight = self.weight()
        person = self.person_combo.currentData()
        skip = {*self.key_variables(), *self.sensitive(), *self.not_identifying(),
                *(c for c in (person, period, weight) if c)}
        extra = [c for c in columns if c not in skip and self.suggestions.get(c) is not None
                 and self.suggestions[c].role == "quasi"]
        return {"period": period or None, "weight": weight, "extra_quasi": extra,
                "risk_threshold": assessment_limits(d.assessment, d.forms).individual_risk}

    # --- protection steps ---------------------------------------------------------------

    def _fill_columns(self) -> None:
        for combo in (self.person_combo, self.time_combo, self.weight_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.document.t("gui_lab_none"), None)
            for col in self._role_combos:
                combo.addItem(col, col)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
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
        form.setRowVisible(self.column_combo, kind not in NO_COLUMN_KINDS)
        form.setRowVisible(self.param_field, kind in PARAM_KEYS)
        form.setRowVisible(self.to_combo, kind == "to")
        form.setRowVisible(self.hierarchy_holder, kind == "hierarchy")
        form.setRowVisible(self.seed_spin, kind in SEEDED_KINDS)
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
        """The step the form describes, as recipe JSON; None (and a message) when incomplete."""
        from hrk_workbench.gui.pages.base import parse_number

        op = self.op_combo.currentData()
        kind = OPS[op][2]
        column = self.column_combo.currentData()
        number = parse_number(self.param_field.text()) if kind in PARAM_KEYS else None
        breaks: list[float] = []
        if kind == "breaks":
            number = None
            breaks = parse_breaks(self.param_field.text())
            if breaks is None:
                self.step_problem.setText(self.document.t(
                    "gui_lab_need_breaks", field=_plain(self.param_label.text())))
                return None
        elif kind in PARAM_KEYS and not isinstance(number, (int, float)):
            self.step_problem.setText(self.document.t(
                "gui_lab_need_number", field=_plain(self.param_label.text())))
            return None
        if kind not in NO_COLUMN_KINDS and not column:
            return None
        if op == "remove_direct_identifiers":
            direct = [c for c in self._role_combos if self.role(c) == "direct"]
            if not direct:
                self.step_problem.setText(self.document.t("gui_lab_no_direct"))
                return None
            return {"op": "remove_direct_identifiers", "columns": direct}
        if op == "grid":
            return self._grid_step(number)
        if op == "band_breaks":
            return {"op": "band", "column": column, "breaks": breaks}
        if op == "drop":
            return {"op": "drop", "columns": [column]}
        if op == "pseudonymise":
            return {"op": "pseudonymise", "columns": [column]}
        if op == "band":
            return {"op": "band", "column": column, "width": number}
        if op in ("top_code", "bottom_code"):
            return {"op": op, "column": column, "at": number}
        if op == "merge":
            if not self._hierarchy:
                self.step_problem.setText(self.document.t("gui_lab_need_hierarchy"))
                return None
            return {"op": "merge", "column": column, "hierarchy": self._hierarchy}
        if op == "date":
            return {"op": "date", "column": column, "to": self.to_combo.currentData()}
        if op == "suppress" and self.importance_field.text().strip():
            return self._suppress_step(int(number))  # type: ignore[arg-type]
        if op in ("suppress", "exclude"):
            return {"op": op, "k": int(number)}  # type: ignore[arg-type]
        if op == "pram":  # the share kept, in per cent as the sample's
            return {"op": "pram", "columns": [column], "retain": float(number) / 100,
                    "seed": self.seed_spin.value()}  # type: ignore[arg-type]
        if op == "microaggregate":
            return {"op": "microaggregate", "columns": [column],
                    "k": int(number)}  # type: ignore[arg-type]
        if op == "noise":
            return {"op": "noise", "columns": [column], "std_share": float(number) / 100,
                    "seed": self.seed_spin.value()}  # type: ignore[arg-type]
        return {"op": "sample", "fraction": float(number) / 100,  # type: ignore[arg-type]
                "seed": self.seed_spin.value()}

    def _suppress_step(self, k: int) -> dict[str, Any] | None:
        """Suppression with the steward's importance order (key variables, most important
        first, by commas or semicolons); None (and a message) when one is not a key."""
        importance = [c.strip() for c in re.split(r"[,;]", self.importance_field.text())
                      if c.strip()]
        unknown = [c for c in importance if c not in self.key_variables()]
        if unknown:
            self.step_problem.setText(self.document.t("gui_lab_importance_unknown",
                                                      columns=", ".join(unknown)))
            return None
        return {"op": "suppress", "k": k, "importance": importance}

    def _grid_step(self, size: Any) -> dict[str, Any] | None:
        """Coordinates to grid squares: the two columns found holding coordinates, easting
        (the smaller numbers) first; None (and a message) without two of them."""
        from hrk_workbench.disclosure.microdata.values import numbers

        found = [c for c, s in self.suggestions.items()
                 if s.basis.partition(":")[0] == "coordinates" and c in self._role_combos]
        source = self.columns_frame()
        if len(found) != 2 or source is None or not size or size < 1:
            self.step_problem.setText(self.document.t("gui_lab_no_coordinates"))
            return None
        found.sort(key=lambda c: float(numbers(source[c]).median()))
        return {"op": "grid", "columns": found, "size_m": int(size)}

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

    def describe(self, step: dict[str, Any]) -> str:
        """A step in words, in the current language (never the key)."""
        d = self.document
        op = step["op"]
        if op == "band" and step.get("breaks"):
            op = "band_breaks"
        values: dict[str, Any] = {
            "breaks": "; ".join(format_number(b, d.lang) for b in step.get("breaks") or []),
            "column": step.get("column", ""),
            "columns": ", ".join(step.get("columns") or []),
            "width": format_number(step.get("width") or 0, d.lang),
            "at": format_number(step.get("at") or 0, d.lang),
            "k": step.get("k", ""),
            "file": Path(step["hierarchy"]).name if step.get("hierarchy") else "",
            "to": d.t("gui_lab_to_year") if step.get("to") == "year" else
            d.t("gui_lab_to_month"),
            "percent": format_number(round(float(step.get("fraction") or 0) * 100, 2), d.lang),
            "seed": step.get("seed", 0),
            "size": format_number(step.get("size_m") or 0, d.lang),
            "into": step.get("into", "grid"),
            "retain": format_number(round(float(step.get("retain") or 0) * 100, 2), d.lang),
            "share": format_number(round(float(step.get("std_share") or 0) * 100, 2),
                                   d.lang),
        }
        text = d.t(OPS[op][1], **values)
        if step.get("importance"):  # suppression's order, most important first
            text += d.t("gui_lab_desc_importance", columns=", ".join(step["importance"]))
        return text

    def recipe(self) -> Any:
        from hrk_workbench.disclosure.microdata.recipe import Recipe

        return Recipe.model_validate({"key_variables": self.key_variables(),
                                      "sensitive": self.sensitive(), "steps": self.steps})

    def _key_changed(self) -> None:
        if any(s["op"] == "pseudonymise" for s in self.steps):
            self._timer.start()

    def _key(self) -> bytes | None:
        if not any(s["op"] == "pseudonymise" for s in self.steps):
            return None
        return self.key_field.text().encode("utf-8")

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
            self.result = Computed(self.result.before if self.result else None, None, None,
                                   None)
        else:
            self.step_problem.setText("")
            self.result = result
        self._show()
        self._restore_scroll()
        self.computed.emit()
        self.settled.emit()

    # --- showing ------------------------------------------------------------------------

    def shown_measure(self) -> MeasuredRisk | None:
        """The measure the page reports as the result: after the recipe when there is one."""
        if self.result is None:
            return None
        return self.result.after if self.steps else self.result.before

    def measure_rows(self) -> list[tuple[str, Any, Any]]:
        """(label, original, protected) as shown; numbers as the core returned them."""
        r = self.result
        if r is None or r.before is None:
            return []
        d = self.document
        before, after = r.before, r.after

        def pick(m: MeasuredRisk | None, fn: Callable[[MeasuredRisk], Any]) -> Any:
            return None if m is None else fn(m)

        rows: list[tuple[str, Any, Any]] = [
            (d.t("risklab_rows"), before.rows, pick(after, lambda m: m.rows)),
            (d.t("risklab_k"), before.k, pick(after, lambda m: m.k)),
        ]
        for k in before.records_below_k:
            rows.append((d.t("risklab_below_k", k=k), before.records_below_k[k],
                         pick(after, lambda m, k=k: m.records_below_k.get(k))))
        rows.append((d.t("risklab_uniques"), before.sample_uniques,
                     pick(after, lambda m: m.sample_uniques)))
        # a register: the sum of 1/f is the number of classes, never a risk estimate
        rows.append((d.t("risklab_classes"), before.classes, pick(after, lambda m: m.classes)))
        for var, value in before.l_diversity.items():
            rows.append((d.t("risklab_l", variable=var), value,
                         pick(after, lambda m, v=var: m.l_diversity.get(v))))
        rows += new_measure_rows(d, before, after)
        for var, value in before.uniques_if_dropped.items():
            rows.append((d.t("risklab_drop", variable=var), value,
                         pick(after, lambda m, v=var: m.uniques_if_dropped.get(v))))
        if before.person and before.time:

            def share(m: MeasuredRisk | None) -> Any:
                if m is None or m.unique_trajectory_share is None:
                    return None
                return round(m.unique_trajectory_share * 100, 2)

            rows.append((d.t("gui_lab_persons", person=before.person), before.persons,
                         pick(after, lambda m: m.persons)))
            rows.append((d.t("gui_lab_unique_trajectories", time=before.time),
                         share(before), share(after)))
        return rows

    def _number(self, value: Any) -> str:
        return "—" if value is None else format_number(value, self.document.lang)

    def _show(self) -> None:
        d = self.document
        rows = self.measure_rows()
        t = self.measures
        t.setRowCount(len(rows))
        for row, (text, before, after) in enumerate(rows):
            t.setItem(row, 0, self._fixed_item(text))
            for col, value in ((1, before), (2, after if self.steps else None)):
                item = self._fixed_item(self._number(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(row, col, item)
        t.setColumnHidden(2, self.large)  # a file measured from disk is never protected here
        t.resizeColumnsToContents()
        fit_height(t, 40)
        measured = self.shown_measure()
        if measured is not None and measured.k is not None:
            key = "gui_lab_k_ok" if measured.reaches_publish_k else "gui_lab_k_low"
            self.k_note.setText(d.t(key, k=measured.k))
        elif self.result is not None and self.result.before is not None:
            self.k_note.setText("")
        self._show_verdict(measured)
        self._show_loss()
        self._update_buttons()

    def verdict(self, measured: MeasuredRisk | None) -> Any:
        """The core's verdict on ``measured`` at this assessment's threshold and limits."""
        from hrk_workbench.disclosure.microdata.verdict import (
            assessment_limits,
            assessment_threshold,
            risk_verdict,
        )

        if measured is None:
            return None
        d = self.document
        return risk_verdict(measured.to_dict(), assessment_threshold(d.assessment, d.forms),
                            self._identifiers(), assessment_limits(d.assessment, d.forms))

    def _identifiers(self) -> list[str]:
        from hrk_workbench.disclosure.microdata.verdict import direct_columns_in_frame

        shown = self.result.protected if self.steps and self.result is not None \
            and self.result.protected is not None else self.frame
        if shown is None:
            return []
        if self._identifiers_for is not None and self._identifiers_for[0] is shown:
            return self._identifiers_for[1]  # the page re-shows often; the data seldom changes
        ids = direct_columns_in_frame(shown)
        self._identifiers_for = (shown, ids)
        return ids

    def verdict_lines(self, measured: MeasuredRisk | None) -> list[str]:
        """The core's verdict on the shown measure at this assessment's threshold, as text in
        the document's language (empty before anything is measured)."""
        from hrk_workbench.foundations.i18n import render_all

        if measured is None:
            return []
        d = self.document
        return render_all(self.verdict(measured).reasons, d.lang, d.forms)

    def _show_verdict(self, measured: MeasuredRisk | None) -> None:
        lines = self.verdict_lines(measured)
        self.verdict_label.setText("\n".join(lines))
        self.verdict_label.setVisible(bool(lines))

    def _show_loss(self) -> None:
        d = self.document
        loss = self.result.loss if self.result else None
        t = self.loss
        if not loss:
            t.setRowCount(0)
            fit_height(t)
            self.loss_summary.setText(d.t("gui_lab_loss_none") if self.frame is not None
                                      else "")
            return
        self.loss_summary.setText(d.t(
            "gui_lab_loss_summary", removed=self._number(loss["records_removed"]),
            share=self._number(round(loss["share_removed"] * 100, 2)),
            suppressed=self._number(loss["values_suppressed"])))
        if self.result and self.result.still_personal:
            self.loss_summary.setText(self.loss_summary.text() + "\n" +
                                      d.t("risklab_still_personal"))
        variables = list(loss["variables"].items())
        t.setRowCount(len(variables))
        for row, (var, info) in enumerate(variables):
            t.setItem(row, 0, self._fixed_item(var))
            if info.get("dropped"):
                state = d.t("gui_lab_loss_dropped")
            elif info.get("recoded"):
                state = d.t("gui_lab_loss_recoded")
            else:
                state = ""
            if info.get("perturbation"):
                state = self._perturbed(info["perturbation"])
            t.setItem(row, 1, self._fixed_item(state))
            t.setItem(row, 2, self._fixed_item(
                "" if info.get("dropped") else self._number(info["values_suppressed"])))
            t.setItem(row, 3, self._fixed_item(
                "" if info.get("dropped") else
                self._number(round(info["total_variation"] * 100, 2)) + " %"))
        t.resizeColumnsToContents()
        fit_height(t)

    def _perturbed(self, what: dict[str, Any]) -> str:
        """What PRAM, microaggregation or noise did to a variable, in words: PRAM's expected
        share of changed values, the group size, the noise share."""
        d = self.document
        method = what.get("method")
        if method == "pram":
            return d.t("gui_lab_loss_pram", share=self._number(
                round(float(what.get("expected_changed_share") or 0) * 100, 2)))
        if method == "microaggregate":
            return d.t("gui_lab_loss_microaggregate", k=what.get("k", ""))
        return d.t("gui_lab_loss_noise", share=self._number(
            round(float(what.get("std_share") or 0) * 100, 2)))

    def _update_buttons(self) -> None:
        ready = self.result is not None and self.shown_measure() is not None
        self.export_button.setEnabled(ready and not self.large and self.result is not None and
                                      (self.result.protected is not None or not self.steps))
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

    def _refused(self, path: str | os.PathLike[str], writes: str) -> bool:
        """Say, and refuse, a file to write that is the data file read, the open assessment,
        a folder or a device (the command line's output check); nothing is written then."""
        from ..document import refused_output, render_problems

        problems = refused_output(path, (self.path, self.document.path), writes)
        if problems:
            self.result_status.setText(" ".join(render_problems(problems, self.document.lang,
                                                                self.document.forms)))
        return bool(problems)

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
        from hrk_workbench.disclosure.microdata.recipe import Recipe
        from hrk_workbench.foundations.atomic import atomic_write_text

        if self._refused(path, ".json"):
            return
        folder = Path(path).resolve().parent
        steps = []
        for step in self.steps:
            if step.get("hierarchy"):
                try:
                    rel = os.path.relpath(step["hierarchy"], folder)
                except ValueError:  # another drive on Windows
                    rel = step["hierarchy"]
                step = {**step, "hierarchy": Path(rel).as_posix()}
            steps.append(step)
        person, time = self.person_time()
        recipe = Recipe.model_validate({"key_variables": self.key_variables(),
                                        "sensitive": self.sensitive(), "person": person,
                                        "time": time, "steps": steps})
        atomic_write_text(path, recipe.to_json())
        self.result_status.setText(self.document.t("gui_lab_written", file=Path(path).name))

    def saved_recipe(self) -> list[dict[str, Any]]:
        """The steps as the assessment keeps them: file names only, never paths or the key."""
        out = []
        for step in self.recipe().model_dump(mode="json", exclude_none=True)["steps"]:
            if step.get("hierarchy"):
                step["hierarchy"] = Path(step["hierarchy"]).name
            out.append(step)
        return out

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
        published = self.result.protected if self.steps and self.result.protected is not None \
            else self.columns_frame()
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

    # --- language -----------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        d = self.document
        super().retranslate(lang)
        self.roles.setHorizontalHeaderLabels([d.t(k) for k in ROLE_COLUMNS])
        self.measures.setHorizontalHeaderLabels([d.t("gui_lab_col_measure"),
                                                 d.t("gui_lab_col_original"),
                                                 d.t("gui_lab_col_protected")])
        self.loss.setHorizontalHeaderLabels([d.t("gui_lab_col_variable"),
                                             d.t("gui_lab_col_change"),
                                             d.t("gui_lab_col_suppressed"),
                                             d.t("gui_lab_col_distance")])
        self.compare.retranslate()
        for table in (self.roles, self.measures, self.loss):  # titles never clipped
            table.resizeColumnsToContents()
            fit_height(table)
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
        if self.frame is not None or self.large:
            self._fill_steps()
            self._show()
            self._show_large_note()



def new_measure_rows(d: Document, before: MeasuredRisk, after: MeasuredRisk | None
                     ) -> list[tuple[str, Any, Any]]:
    """The rows of entropy l, the measures within periods, k with the omitted
    quasi-identifiers and a weighted sample's risks (each only when measured)."""
    def pick(fn: Callable[[MeasuredRisk], Any]) -> Any:
        return None if after is None else fn(after)

    def period(m: MeasuredRisk, key: str) -> Any:
        return (m.per_period or {}).get(key)

    def weighted(m: MeasuredRisk, fn: Callable[[Any], Any]) -> Any:
        return None if m.weighted is None else fn(m.weighted)

    rows: list[tuple[str, Any, Any]] = []
    for var, value in before.l_entropy.items():
        rows.append((d.t("risklab_l_entropy", variable=var),
                     None if value is None else round(value, 2),
                     pick(lambda m, v=var: None if m.l_entropy.get(v) is None
                          else round(m.l_entropy[v], 2))))
    if before.per_period:
        worst = before.per_period["worst"]["period"]
        rows.append((d.t("risklab_period_k", period=worst), period(before, "k"),
                     pick(lambda m: period(m, "k"))))
        rows.append((d.t("risklab_period_uniques"), period(before, "sample_uniques"),
                     pick(lambda m: period(m, "sample_uniques"))))
    if before.unmeasured_quasi:
        rows.append((d.t("risklab_unmeasured", column=", ".join(before.unmeasured_quasi)),
                     before.k_with_unmeasured, pick(lambda m: m.k_with_unmeasured)))
    if before.weighted is not None:
        threshold = format_number(before.weighted.threshold, d.lang)
        for label, fn in (
                (d.t("risklab_population"), lambda w: round(w.population_estimate)),
                (d.t("risklab_risk_max"), lambda w: round(w.risk_max, 4)),
                (d.t("risklab_risk_mean"), lambda w: round(w.risk_mean, 4)),
                (d.t("risklab_above", threshold=threshold), lambda w: w.above_threshold),
                (d.t("risklab_global_expected"),
                 lambda w: round(w.expected_reidentifications, 2)),
                (d.t("risklab_global_share"), lambda w: round(w.share * 100, 3))):
            rows.append((label, weighted(before, fn),
                         pick(lambda m, fn=fn: weighted(m, fn))))
    return rows
