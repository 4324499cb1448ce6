"""The Risk lab's measures view: k, uniques, l-diversity and the other measures before and
after the recipe, the library's verdict in plain words, and the information lost.

A section of :class:`~hrk_workbench.gui.labs.risklab.RiskLabPage` (a mixin: its controls are
the page's). Every figure and the verdict come from ``hrk_workbench.disclosure`` (the verdict
at the assessment's threshold and limits, judged on the data that would be published as
``lab_session`` chooses it); here they are only laid out in rows and words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from hrk_workbench.disclosure import lab_session
from hrk_workbench.foundations.i18n import format_number

from ..document import Document
from ..pages.base import _plain
from .base import fit_height, fixed_item

if TYPE_CHECKING:
    from hrk_workbench.disclosure.microdata.measures import MeasuredRisk


class MeasuresSection:
    """Builds and fills the measures and information-loss groups of the Risk lab page."""

    result: lab_session.LabRun | None
    steps: list[dict[str, Any]]

    def _build_measures(self) -> None:
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


    def _build_loss(self) -> None:
        self.loss_box, lay = self._group("gui_lab_loss_group")
        self.loss_summary = QLabel()
        self.loss_summary.setWordWrap(True)
        lay.addWidget(self.loss_summary)
        self.loss = self._table(4, "gui_lab_loss_table")
        lay.addWidget(self.loss)


    def shown_measure(self) -> MeasuredRisk | None:
        """The measure the page reports as the result: after the recipe when there is one."""
        return lab_session.shown_measure(self.result, bool(self.steps))

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

    def _show(self) -> None:
        d = self.document
        rows = self.measure_rows()
        t = self.measures
        t.setRowCount(len(rows))
        for row, (text, before, after) in enumerate(rows):
            t.setItem(row, 0, fixed_item(text))
            for col, value in ((1, before), (2, after if self.steps else None)):
                item = fixed_item(self._number(value))
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

        shown = lab_session.published_data(self.result, bool(self.steps), self.frame)
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
            t.setItem(row, 0, fixed_item(var))
            if info.get("dropped"):
                state = d.t("gui_lab_loss_dropped")
            elif info.get("recoded"):
                state = d.t("gui_lab_loss_recoded")
            else:
                state = ""
            if info.get("perturbation"):
                state = self._perturbed(info["perturbation"])
            t.setItem(row, 1, fixed_item(state))
            t.setItem(row, 2, fixed_item(
                "" if info.get("dropped") else self._number(info["values_suppressed"])))
            t.setItem(row, 3, fixed_item(
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


    def _retranslate_measures(self) -> None:
        d = self.document
        self.measures.setHorizontalHeaderLabels([d.t("gui_lab_col_measure"),
                                                 d.t("gui_lab_col_original"),
                                                 d.t("gui_lab_col_protected")])
        self.loss.setHorizontalHeaderLabels([d.t("gui_lab_col_variable"),
                                             d.t("gui_lab_col_change"),
                                             d.t("gui_lab_col_suppressed"),
                                             d.t("gui_lab_col_distance")])


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
