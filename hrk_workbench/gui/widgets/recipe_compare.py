"""The Risk lab's comparison: two recipes side by side, risk and utility of each.

The steward picks for each side the recipe being built on the page or a saved recipe file,
and the widget measures the original and both protected files off the GUI thread (progress
and Cancel): k, sample uniques, the verdict, the records SUDA2 finds with a minimal sample
unique, what was removed and blanked, IL1s and the largest changes in correlations, means
and categories. A line under the table says which recipe to choose and why. Figures only:
no record's value is shown (SUDA2 names rows by number).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.gui.pages.base import ScrollSafeComboBox, _plain
from hrk_workbench.gui.workers import Cancelled, Progress, run_task

CURRENT, FILE = "current", "file"
ROWS = ("gui_compare_row_k", "gui_compare_row_uniques", "gui_compare_row_verdict",
        "gui_compare_row_msu", "gui_compare_row_top", "gui_compare_row_removed",
        "gui_compare_row_suppressed", "gui_compare_row_il1s", "gui_compare_row_corr",
        "gui_compare_row_mean", "gui_compare_row_category")


def compare_task(progress: Progress, frame: Any, sides: list[Any], keys: list[str],
                 key: bytes | None, assessment: Any, forms: Any) -> Any:
    """The original and each side summarised, one after another (runs off the GUI thread).
    A recipe that cannot be applied comes back as the problem it raised."""
    from hrk_workbench.disclosure.microdata.compare import Side, summarise
    from hrk_workbench.foundations.problems import InputError

    everything = [Side("original"), *sides]
    out = []
    for i, side in enumerate(everything):
        progress.report(i, len(everything))
        try:
            out.append(summarise(frame, side, keys, key=key, assessment=assessment,
                                 forms=forms, cancelled=lambda: progress.cancelled))
        except InterruptedError:
            raise Cancelled() from None
        except InputError as exc:
            return exc
    progress.report(len(everything), len(everything))
    return out


class RecipeCompare(QWidget):
    """Two recipe choosers, a Compare button, the table and the line that says why."""

    compared = Signal()  # a comparison finished, failed or was cancelled (tests wait on it)

    def __init__(self, page: Any) -> None:
        """``page`` is the Risk lab page (not imported here: the page imports this widget);
        the widget reads its data, roles, recipe and key, and words through it."""
        super().__init__(page)
        self.page = page
        self.document = page.document
        self.files: dict[str, str | None] = {"a": None, "b": None}
        self.results: list[dict[str, Any]] | None = None
        self.task: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        page.text(self.hint.setText, page._t("gui_compare_hint"))
        layout.addWidget(self.hint)
        grid = QGridLayout()
        self.combos: dict[str, ScrollSafeComboBox] = {}
        self.fields: dict[str, QLineEdit] = {}
        for row, side in enumerate(("a", "b")):
            combo = ScrollSafeComboBox()
            combo.currentIndexChanged.connect(lambda _i, s=side: self._side_changed(s))
            field = QLineEdit()
            field.setReadOnly(True)
            page.text(lambda s, f=field: f.setAccessibleName(_plain(s)),
                      page._t(f"gui_compare_file_{side}"))
            button = page._button(f"gui_compare_choose_{side}",
                                  lambda s=side: self.choose_file(s))
            grid.addWidget(page._label_for(combo, f"gui_compare_side_{side}"), row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(field, row, 2)
            grid.addWidget(button, row, 3)
            grid.setColumnStretch(2, 1)
            self.combos[side], self.fields[side] = combo, field
        layout.addLayout(grid)
        self.run_button = page._button("gui_compare_run", self.compare)
        layout.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.table = QTableWidget(len(ROWS), 4)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        page.text(lambda s: self.table.setAccessibleName(_plain(s)), page._t("gui_compare_table"))
        layout.addWidget(self.table)
        self.why = QLabel()
        self.why.setObjectName("compare_why")
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.text(lambda s: self.why.setAccessibleName(_plain(s)), page._t("gui_compare_why"))
        layout.addWidget(self.why)
        self.retranslate()

    # --- choosing -----------------------------------------------------------------------

    def _side_changed(self, side: str) -> None:
        if self.combos[side].currentData() == FILE and not self.files[side]:
            self.why.setText(self.document.t("gui_compare_pick_file"))

    def choose_file(self, side: str) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.document.t("gui_compare_choose_title"),
                                              start, "Recipe (*.json)")
        if path:
            self.set_file(side, path)

    def set_file(self, side: str, path: str | None) -> None:
        """Use the recipe file ``path`` for ``side`` (None: back to the current recipe)."""
        self.files[side] = path
        self.fields[side].setText(Path(path).name if path else "")
        self.combos[side].setCurrentIndex(self.combos[side].findData(FILE if path else CURRENT))

    # --- computing ----------------------------------------------------------------------

    def _sides(self) -> list[Any] | str:
        """The two sides to compare, or the message key of what is missing."""
        from hrk_workbench.disclosure.microdata.compare import Side, side_from_file
        from hrk_workbench.foundations.problems import InputError

        sides = []
        for side in ("a", "b"):
            if self.combos[side].currentData() == FILE:
                path = self.files[side]
                if not path:
                    return "gui_compare_pick_file"
                try:
                    sides.append(side_from_file(path))
                except InputError as exc:
                    return self.page._problems(exc)  # type: ignore[arg-type]
            else:
                sides.append(Side(self.document.t("gui_compare_current"), self.page.recipe()))
        if sides[0].name == sides[1].name:  # two files of one name, or current twice
            sides = [Side(f"A: {sides[0].name}", sides[0].recipe, sides[0].base_dir),
                     Side(f"B: {sides[1].name}", sides[1].recipe, sides[1].base_dir)]
        return sides

    def compare(self) -> None:
        """Measure the original and both recipes off the GUI thread."""
        page = self.page
        if page.frame is None:
            self.why.setText(self.document.t("gui_compare_large" if page.large
                                             else "gui_compare_no_data"))
            self.compared.emit()
            return
        keys = page.key_variables()
        if not keys:
            self.why.setText(self.document.t("gui_lab_need_keys"))
            self.compared.emit()
            return
        sides = self._sides()
        if isinstance(sides, str):
            self.why.setText(self.document.t(sides) if sides.startswith("gui_") else sides)
            self.compared.emit()
            return
        if self.task is not None and not self.task.done:
            self.task.cancel()
        key = page.key_field.text().encode("utf-8") or None
        d = self.document
        task = run_task(self, d.t("gui_compare_computing"), compare_task, page.frame, sides,
                        keys, key, d.assessment, d.forms, forms=d.forms, lang=d.lang)
        task.finished.connect(lambda r, t=task: self._done(r) if t is self.task else None)
        task.failed.connect(lambda m, t=task: self._stopped(m) if t is self.task else None)
        task.cancelled.connect(lambda t=task: self._stopped(d.t("gui_lab_cancelled"))
                               if t is self.task else None)
        self.task = task

    def busy(self) -> bool:
        return self.task is not None and not self.task.done

    def _stopped(self, message: str) -> None:
        self.why.setText(message)
        self.compared.emit()

    def _done(self, result: Any) -> None:
        from hrk_workbench.foundations.problems import InputError

        if isinstance(result, InputError):
            self.results = None
            self.table.clearContents()
            self.why.setText(self.page._problems(result))  # type: ignore[arg-type]
        else:
            self.results = result
            self._show()
        self.compared.emit()

    # --- showing ------------------------------------------------------------------------

    def _number(self, value: Any, percent: bool = False) -> str:
        if value is None:
            return "—"
        if percent:
            return self.page._number(round(value * 100, 2)) + " %"
        return self.page._number(round(value, 4) if isinstance(value, float) else value)

    def cells(self, summary: dict[str, Any]) -> list[str]:
        """One column of the table, in :data:`ROWS` order."""
        d = self.document
        suda = summary.get("suda2") or {}
        loss = summary.get("loss") or {}
        top = ", ".join(str(r["row"]) for r in (suda.get("top_records") or [])[:5])
        safe = summary.get("safe")
        verdict = "—" if safe is None else d.t("gui_compare_safe" if safe
                                               else "gui_compare_not_safe")
        return [self._number(summary.get("k")), self._number(summary.get("sample_uniques")),
                verdict, self._number(suda.get("records_with_msu")), top or "—",
                self._number(loss.get("records_removed")),
                self._number(loss.get("values_suppressed")),
                self._number(loss.get("il1s")),
                self._number(loss.get("max_correlation_change")),
                self._number(loss.get("max_mean_change_share"), percent=True),
                self._number(loss.get("max_category_changed_share"), percent=True)]

    def _show(self) -> None:
        from hrk_workbench.disclosure.microdata.compare import choice

        d = self.document
        results = self.results or []
        self.table.setHorizontalHeaderLabels(
            [d.t("gui_lab_col_measure"), d.t("gui_lab_col_original"),
             *[r["name"] for r in results[1:]]])
        for col, summary in enumerate(results, start=1):
            for row, text in enumerate(self.cells(summary)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        if len(results) == 3:
            key, params = choice(results[1], results[2])
            self.why.setText(d.t(key, **params))

    def retranslate(self) -> None:
        d = self.document
        for side, combo in self.combos.items():
            current = combo.currentData() or CURRENT
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(d.t("gui_compare_current"), CURRENT)
            combo.addItem(d.t("gui_compare_file"), FILE)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
            del side
        self.table.setHorizontalHeaderLabels([d.t("gui_lab_col_measure"),
                                              d.t("gui_lab_col_original"), "A", "B"])
        for row, key in enumerate(ROWS):
            item = QTableWidgetItem(d.t(key))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, 0, item)
        if self.results:
            self._show()
        self.table.resizeColumnsToContents()
