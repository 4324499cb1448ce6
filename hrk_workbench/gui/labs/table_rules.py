"""The Table lab's rules step: cell suppression (minimum frequency against the assessment's
advice, dominance, p%, zeros, the (p,q) rule, what secondary suppression minimises) or the
cell key method.

A section of :class:`~hrk_workbench.gui.labs.tablelab.TableLabPage` (a mixin: its controls
are the page's). The defaults, the advice and whether the steward overrode it are the
library's (``disclosure.primary``, ``disclosure.cellkey``); here they are shown and read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox

from hrk_workbench.foundations.i18n import format_number

from ..pages.base import ScrollSafeComboBox, _plain

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.primary import MinFrequency, Rules

COSTS = {"cells": "gui_lab_cost_cells", "value": "gui_lab_cost_value"}  # secondary.COSTS
# cell suppression, or every cell published perturbed (``tables --method cellkey``)
METHODS = {"suppression": "gui_lab_method_suppression", "cellkey": "gui_lab_method_cellkey"}


class RulesSection:
    """Builds the rules group of the Table lab page and reads the rules it holds."""

    _advised: int | None
    _filling: bool
    _min_frequency_own: bool

    def _build_rules(self) -> None:
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

    def _pq_values(self) -> dict[str, str]:
        """The (p,q) rule's parameters of forms/anonymisation.yaml, as the page shows them."""
        from hrk_workbench.disclosure.tables.primary import forms_pq

        p, q = forms_pq(self.document.forms)
        return {"p": format_number(p, self.document.lang), "q": format_number(q,
                                                                              self.document.lang)}

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

    def _rules_changed(self) -> None:
        if not self._filling:
            self._timer.start()

