"""The Table lab step: a frequency or magnitude table, protected by cell suppression, audited.

Why in the assessment: most opened statistics are tables, and a table is safe only when no
suppressed cell can be recomputed from what is published, margins included. The steward picks
the dimensions and the rules and sees at once which cells the rules hide (primary) and which
are hidden to protect them (secondary); the exported file is the one the independent audit
passed, and its summary is saved in the assessment for the memo.

All figures come from ``hrk_workbench.disclosure.tables.protect.protect_table`` (the same call as
``hrk-workbench tables``), run on a worker thread. Primary and secondary cells differ in
colour *and* in a marker, a tooltip and the accessible text, so colour is never the only cue.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hrk_workbench.foundations.i18n import format_number
from hrk_workbench.foundations.problems import InputError

from ..document import Document, render_problems
from ..sheet_choice import sheet_chooser
from ..workers import Cancelled, Progress, run_task
from .base import ScrollSafeComboBox, _plain
from .lab_base import LabPage
from .risklab import (
    Refused,
    data_filter,
    lab_data,
    large_file_bytes,
    read_data,
    rows_text,
    size_mb,
)
from .saved_result import table_fingerprints

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.tables.cellkey import CellKeyTable
    from hrk_workbench.disclosure.tables.primary import MinFrequency, Rules
    from hrk_workbench.disclosure.tables.protect import ProtectedTable
    from hrk_workbench.forms.loader import Forms

RECOMPUTE_MS = 400
STATUS_ROLE = Qt.ItemDataRole.UserRole
COLOURS = {"primary": QColor("#f2a7a7"), "secondary": QColor("#ffd77a")}
MARKERS = {"primary": "●", "secondary": "○", "published": ""}
DIMENSION_KEYS = ("gui_lab_dim_rows", "gui_lab_dim_cols", "gui_lab_dim_layer")
MODES = {"micro": "gui_lab_input_micro", "aggregate": "gui_lab_input_aggregate"}
COSTS = {"cells": "gui_lab_cost_cells", "value": "gui_lab_cost_value"}  # secondary.COSTS
# cell suppression, or every cell published perturbed (``tables --method cellkey``)
METHODS = {"suppression": "gui_lab_method_suppression", "cellkey": "gui_lab_method_cellkey"}


def protect(progress: Progress, frame: pd.DataFrame, dimensions: list[str], value: str | None,
            hierarchies: dict[str, str], rules: Rules, cost: str = "cells",
            aggregate: tuple[str | None, list[str]] | None = None,
            total_labels: tuple[str, ...] = (), units: tuple[str | None, str | None] = (None,
                                                                                        None),
            stages: dict[str, str] | None = None) -> Any:
    """Build the table and protect it (worker thread); Refused on bad input.

    From microdata (``units`` = (sampling weight column, holding column), either None), or
    with ``aggregate`` = (unit count column, largest-contribution columns) from an already
    aggregated table, one row per cell. The same calls and defaults (method ``auto``) as
    ``hrk-workbench tables``; ``cost`` is what secondary suppression minimises. Progress is
    reported per stage (``stages``: the texts) and between solver steps, where Cancel stops
    the solve at once instead of after it.
    """
    texts = stages or {}
    steps = [0]

    def tick(stage: str) -> None:  # raises Cancelled when the steward cancels
        if progress.cancelled:  # nothing more to show: the task has ended
            raise Cancelled()
        steps[0] += stage == "secondary"
        done = {"primary": 1, "secondary": 2, "audit": 3}[stage]
        progress.report(done, 4, texts.get(stage, "").format(step=steps[0]))

    from hrk_workbench.disclosure.tables.cells import (
        read_hierarchy,
        table_from_aggregate,
        table_from_microdata,
    )
    from hrk_workbench.disclosure.tables.protect import protect_table

    progress.report(0, 4)
    try:
        hier = {dim: read_hierarchy(path, dim) for dim, path in hierarchies.items()}
        if aggregate is None:
            table = table_from_microdata(frame, dimensions, value=value, hierarchies=hier,
                                         total_labels=total_labels, weight=units[0],
                                         holding=units[1])
        else:
            count, top = aggregate
            table = table_from_aggregate(frame, dimensions, value=value, count=count, top=top,
                                         hierarchies=hier, total_labels=total_labels)
        result = cancellable(progress, protect_table, table, rules, cost=cost, tick=tick)
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(4, 4)
    return result


def perturb(progress: Progress, frame: pd.DataFrame, dimensions: list[str], value: str | None,
            hierarchies: dict[str, str], forms: Forms, counted: bool,
            total_labels: tuple[str, ...] = ()) -> Any:
    """The count table with every cell perturbed by the cell key method (worker thread), as
    ``tables --method cellkey`` makes it: record keys from forms' seed, forms' ptable.
    ``counted`` is False when the page asks for a sum, an aggregated table, a weight or a
    holding, which the method has no use for: refused, not ignored."""
    from hrk_workbench.disclosure.tables.cellkey import (
        Defaults,
        cellkey_table,
        default_ptable,
        record_keys,
    )
    from hrk_workbench.disclosure.tables.cells import read_hierarchy
    from hrk_workbench.foundations.problems import Problem

    progress.report(0, 2)
    try:
        if value or not counted:
            raise InputError("data", [Problem("$", "the cell key method makes count tables",
                                              code="cellkey_count_only")])
        hier = {dim: read_hierarchy(path, dim) for dim, path in hierarchies.items()}
        seed = Defaults.from_forms(forms).seed
        result = cellkey_table(frame, dimensions, record_keys(len(frame), seed),
                               default_ptable(forms), hierarchies=hier,
                               total_labels=total_labels, record_keys=f"seed {seed}")
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(2, 2)
    return result


def write_perturbed(progress: Progress, table: CellKeyTable, path: str) -> str:
    """The cell key table (CSV or XLSX by the suffix), as ``tables -o`` writes it; no
    working status: nothing is suppressed."""
    progress.report(0, 1)
    table.write(path)
    progress.report(1, 1)
    return path


def cancellable(progress: Progress, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` on a thread of its own, given up at once on Cancel.

    Why: the solve stops itself between its steps (its ``tick`` raises), but one linear
    programme of the audit of a large table can run for seconds and cannot be interrupted;
    the steward should not wait for it. Its result is then dropped (the thread ends by
    itself, holding no widget and writing nothing). Not a daemon: quitting waits for that
    programme to end rather than tear the solver down mid-way, which aborts the process.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the worker thread, which reports it
            box["error"] = exc

    thread = threading.Thread(target=run, name="table-lab-solve", daemon=False)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
        if progress.cancelled:
            raise Cancelled()
    if "error" in box:
        raise box["error"]
    return box["result"]


def status_path(path: str | os.PathLike[str]) -> Path:
    """Where the working status of a public table goes: beside it, ``-status`` added."""
    p = Path(path)
    return p.with_name(f"{p.stem}-status{p.suffix}")


def write_table(progress: Progress, protected: ProtectedTable, path: str, symbol: str) -> str:
    """The public table (CSV or XLSX by the file's suffix) and beside it its working status
    (the same format), both atomically by the table's own writers, as ``tables -o ...
    --status ...`` writes them."""
    progress.report(0, 2)
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        protected.write_xlsx(path, symbol)
    else:
        protected.write_csv(path, symbol)
    progress.report(1, 2)
    protected.write_status(status_path(path))
    progress.report(2, 2)
    return path


class TableLabPage(LabPage):
    """Choose data, dimensions and rules; see, export and save the protected table."""

    step = "table_lab"
    loaded = Signal()
    computed = Signal()
    settled = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        self.data = lab_data(document)
        self.path: str | None = None
        self.frame: pd.DataFrame | None = None
        self.protected: ProtectedTable | None = None
        self.perturbed: CellKeyTable | None = None  # the cell key method's table
        self.exported_name: str | None = None
        self.hierarchies: dict[int, str] = {}
        self.task: Any = None
        self._filling = False
        self._advised: int | None = None  # the assessment's threshold, as last read
        self._min_frequency_own = False  # the steward set the field: keep it, it overrides
        self.large_file_bytes = large_file_bytes()
        super().__init__(document, parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_MS)
        self._timer.timeout.connect(self.recompute)
        self.data.loaded.connect(self._lab_data_loaded)
        self._set_default_rules()

    # --- building -----------------------------------------------------------------------

    def build(self) -> None:
        _box, lay = self._group("gui_lab_data_group")
        row = QHBoxLayout()
        self.choose_button = self._button("gui_lab_choose_data", self.choose_file)
        self.reuse_button = self._button("gui_lab_use_risk_data", self.use_risk_lab_data)
        self.file_field = QLineEdit()
        self.file_field.setReadOnly(True)
        self.text(self.file_field.setPlaceholderText, self._t("gui_lab_no_data"))
        row.addWidget(self.choose_button)
        row.addWidget(self.reuse_button)
        row.addWidget(self._label_for(self.file_field, "gui_lab_data_file"))
        row.addWidget(self.file_field, 1)
        self.sheet_chooser = sheet_chooser(self, self.load_file)
        row.addWidget(self.sheet_chooser.companions[0])
        row.addWidget(self.sheet_chooser)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

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

        _box, lay = self._group("gui_lab_rules_group")
        form = QFormLayout()
        self.rules_form = form
        self.method_combo = ScrollSafeComboBox()
        for method in METHODS:
            self.method_combo.addItem(self.document.t(METHODS[method]), method)
        form.addRow(self._label_for(self.method_combo, "gui_lab_method"), self.method_combo)
        self.method_hint = QLabel()
        self.method_hint.setWordWrap(True)
        self.text(self.method_hint.setText, lambda lang: self.document.t(
            "gui_lab_cellkey_hint", **self._cellkey_values()))
        form.addRow(self.method_hint)
        self.min_frequency = QSpinBox()
        self.min_frequency.setRange(0, 1000)
        form.addRow(self._label_for(self.min_frequency, "gui_lab_rule_min_frequency"),
                    self.min_frequency)
        self.min_frequency_hint = QLabel()
        self.min_frequency_hint.setWordWrap(True)
        self.text(self.min_frequency_hint.setText, lambda lang: self._min_frequency_hint())
        form.addRow(self.min_frequency_hint)
        self.min_frequency.valueChanged.connect(self._min_frequency_changed)
        self.dominance_n = QSpinBox()
        self.dominance_n.setRange(0, 5)
        form.addRow(self._label_for(self.dominance_n, "gui_lab_rule_dominance_n"),
                    self.dominance_n)
        self.dominance_k = QDoubleSpinBox()
        self.dominance_k.setRange(1, 100)
        self.dominance_k.setDecimals(1)
        form.addRow(self._label_for(self.dominance_k, "gui_lab_rule_dominance_k"),
                    self.dominance_k)
        self.p_percent = QDoubleSpinBox()
        self.p_percent.setRange(0, 100)
        self.p_percent.setDecimals(1)
        form.addRow(self._label_for(self.p_percent, "gui_lab_rule_p_percent"), self.p_percent)
        self.protect_zeros = QCheckBox()
        self.text(lambda s: (self.protect_zeros.setText(s),
                             self.protect_zeros.setAccessibleName(_plain(s))),
                  self._t("gui_lab_rule_zeros"))
        form.addRow(self.protect_zeros)
        self.pq_rule = QCheckBox()
        self.text(lambda s: (self.pq_rule.setText(s), self.pq_rule.setAccessibleName(_plain(s))),
                  lambda lang: self.document.t("gui_lab_rule_pq", **self._pq_values()))
        form.addRow(self.pq_rule)
        self.pq_rule.toggled.connect(self._rules_changed)
        for spin in (self.min_frequency, self.dominance_n, self.dominance_k, self.p_percent):
            spin.valueChanged.connect(self._rules_changed)
        self.protect_zeros.toggled.connect(self._rules_changed)
        self.cost_combo = ScrollSafeComboBox()
        for cost in COSTS:
            self.cost_combo.addItem(self.document.t(COSTS[cost]), cost)
        self.cost_combo.currentIndexChanged.connect(self._rules_changed)
        form.addRow(self._label_for(self.cost_combo, "gui_lab_cost"), self.cost_combo)
        lay.addLayout(form)
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

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

    def _set_default_rules(self) -> None:
        """The rules of ``forms/anonymisation.yaml``, with the minimum frequency the open
        assessment advises (what ``tables --assessment`` uses without options)."""
        from hrk_workbench.disclosure.tables.primary import Rules, choose_min_frequency

        rules = Rules.from_forms(self.document.forms)
        self._advised = self._advice()
        self._filling = True
        self.min_frequency.setValue(
            choose_min_frequency(self.document.forms, self._advised, None).value)
        n, k = rules.dominance[0] if rules.dominance else (0, 80.0)
        self.dominance_n.setValue(n)
        self.dominance_k.setValue(k)
        self.p_percent.setValue(rules.p_percent)
        self.protect_zeros.setChecked(rules.protect_zeros)
        self.pq_rule.setChecked(rules.pq is not None)
        self._filling = False
        self.min_frequency_hint.setText(self._min_frequency_hint())

    def _advice(self) -> int | None:
        """The minimum frequency the anonymisation advice derives for the open assessment."""
        from hrk_workbench.disclosure.tables.primary import advised_min_frequency

        return advised_min_frequency(self.document.assessment, self.document.forms)

    def min_frequency_choice(self, value: int | None = None) -> MinFrequency:
        """The field's value (or ``value``) against the assessment's advice: the core says
        whether it is an override."""
        from hrk_workbench.disclosure.tables.primary import choose_min_frequency

        given = self.min_frequency.value() if value is None else value
        return choose_min_frequency(self.document.forms, self._advised, given)

    def _min_frequency_hint(self) -> str:
        choice = self.min_frequency_choice()
        if choice.overridden:
            return self.document.t("gui_lab_min_frequency_overridden", advised=choice.advised)
        if choice.advised is not None:
            return self.document.t("gui_lab_min_frequency_advised", n=choice.advised)
        return self.document.t("gui_lab_min_frequency_default")

    def _min_frequency_changed(self) -> None:
        if not self._filling:
            self._min_frequency_own = True
        self.min_frequency_hint.setText(self._min_frequency_hint())

    def refresh(self) -> None:
        """The assessment changed: follow a new advice unless the steward set the field."""
        advised = self._advice()
        if advised == self._advised:
            return
        self._advised = advised
        if not self._min_frequency_own and advised is not None:
            self._filling = True
            self.min_frequency.setValue(advised)
            self._filling = False
            if self.frame is not None:
                self._timer.start()
        self.min_frequency_hint.setText(self._min_frequency_hint())

    # --- data ---------------------------------------------------------------------------

    def _start(self, title: str, fn: Any, done: Callable[[Any], None], *args: Any) -> None:
        if self.busy():
            self.task.cancel()
        task = run_task(self, title, fn, *args, forms=self.document.forms,
                        lang=self.document.lang)
        task.finished.connect(lambda r, t=task: done(r) if t is self.task else None)
        task.failed.connect(lambda m, t=task: self._stopped(m) if t is self.task else None)
        task.cancelled.connect(lambda t=task: self._stopped(self.document.t(
            "gui_lab_cancelled")) if t is self.task else None)
        self.task = task

    def _stopped(self, message: str) -> None:
        self.status.setText(message)
        self.loaded.emit()
        self.computed.emit()
        self.settled.emit()

    def _problems(self, refused: Refused) -> str:
        lines = render_problems(refused.problems, self.document.lang, self.document.forms)
        # the table builders call their input "data": name the file the steward chose
        source = self.path if refused.source == "data" and self.path else refused.source
        return "\n".join(f"{Path(source).name}: {line}" for line in lines)

    def choose_file(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.document.t("gui_lab_choose_data_title"),
                                              start, data_filter(self.document))
        if path:
            self.load_file(path)

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
            self.status.setText(self._problems(result))
            self.loaded.emit()
            self.settled.emit()
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

    def method(self) -> str:
        """``suppression`` (rules, secondary suppression, audit) or ``cellkey``."""
        return str(self.method_combo.currentData() or "suppression")

    def set_method(self, method: str) -> None:
        self.method_combo.setCurrentIndex(max(self.method_combo.findData(method), 0))

    def _method_changed(self) -> None:
        """The cell key method has no rules: their rows give way to what it does."""
        cellkey = self.method() == "cellkey"
        self.rules_form.setRowVisible(self.method_hint, cellkey)
        for widget in (self.min_frequency, self.min_frequency_hint, self.dominance_n,
                       self.dominance_k, self.p_percent, self.protect_zeros, self.pq_rule,
                       self.cost_combo):
            self.rules_form.setRowVisible(widget, not cellkey)
        if not self._filling and self.frame is not None:
            self._timer.start()

    def _cellkey_values(self) -> dict[str, str]:
        from hrk_workbench.disclosure.tables.cellkey import Defaults

        d = Defaults.from_forms(self.document.forms)
        return {"d": format_number(d.max_deviation, self.document.lang),
                "v": format_number(d.variance, self.document.lang)}

    def cost(self) -> str:
        """What secondary suppression minimises: ``cells`` or ``value``."""
        return str(self.cost_combo.currentData() or "cells")

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

    def _pq_values(self) -> dict[str, str]:
        """The (p,q) rule's parameters of forms/anonymisation.yaml, as the page shows them."""
        from hrk_workbench.disclosure.tables.primary import forms_pq

        p, q = forms_pq(self.document.forms)
        return {"p": format_number(p, self.document.lang), "q": format_number(q,
                                                                              self.document.lang)}

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

    def rules(self) -> Rules:
        """The rules as set on the page (forms defaults until changed)."""
        from hrk_workbench.disclosure.tables.primary import Rules, forms_pq

        n = self.dominance_n.value()
        return Rules.from_forms(self.document.forms, min_frequency=self.min_frequency.value(),
                                dominance=((n, self.dominance_k.value()),) if n else (),
                                p_percent=self.p_percent.value(),
                                protect_zeros=self.protect_zeros.isChecked(),
                                pq=forms_pq(self.document.forms) if self.pq_rule.isChecked()
                                else ())

    def _dims_changed(self) -> None:
        if not self._filling:
            self._timer.start()

    def _rules_changed(self) -> None:
        if not self._filling:
            self._timer.start()

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

    def _update_buttons(self) -> None:
        ok = (self.protected is not None and self.protected.audit.ok) or \
            self.perturbed is not None
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
        from ..document import refused_output, render_problems

        problems = refused_output(path, (self.path, self.document.path),
                                  Path(path).suffix.lower() or None)
        if problems:  # the data file, the assessment, a folder, a device: nothing written
            self.result_status.setText(" ".join(render_problems(problems, self.document.lang,
                                                                self.document.forms)))
            return
        self.exported_path = str(path)  # fingerprinted when saved under this file's name
        if self.perturbed is not None:
            self._start(self.document.t("gui_lab_writing"), write_perturbed,
                        self._exported_cellkey, self.perturbed, str(path))
            return
        if self.protected is None or not self.protected.audit.ok:
            return
        self._start(self.document.t("gui_lab_writing"), write_table, self._exported,
                    self.protected, str(path), self.symbol_field.text())

    def _exported(self, path: str) -> None:
        self.exported_name = Path(path).name
        self.result_status.setText(self.document.t("gui_lab_written_status",
                                                   file=self.exported_name,
                                                   status=status_path(path).name))
        self.settled.emit()

    def _exported_cellkey(self, path: str) -> None:
        self.exported_name = Path(path).name
        self.result_status.setText(self.document.t("gui_lab_cellkey_written",
                                                   file=self.exported_name))
        self.settled.emit()

    def save_result(self) -> bool:
        """Append this table's summary to the assessment's table lab results (undoable)."""
        from hrk_workbench.disclosure import results

        p = self.protected
        k = self.perturbed
        if k is None and (p is None or not p.audit.ok):
            return False
        name = self.exported_name or " × ".join((k or p).table.dimensions)  # type: ignore[union-attr]
        existing = [t.model_dump(mode="json") for t in
                    getattr(self.document.assessment, "table_lab", None) or []]
        entry = k.table_lab_entry(name) if k is not None else {  # nothing suppressed: no rules
            **results.table_lab_result(p, name),
            **self.min_frequency_choice(p.rules.min_frequency).to_dict()}
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
