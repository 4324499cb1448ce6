"""The organisation's decision, recorded beside what the rules recommend (never replacing it)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from hrk_workbench.forms.schema import LANGUAGES

from .base import ComboBinding, LineBinding, MultiBinding, StepPage, TextBinding
from .dates import DateBinding


class DecisionPage(StepPage):
    step = "decision"

    def build(self) -> None:
        d = self.document
        self.recommended = QLabel()
        self.recommended.setWordWrap(True)
        self.recommended.setStyleSheet("font-size: 11pt; margin-bottom: 6px;")
        self.body_layout.addWidget(self.recommended)
        form = self.section(lambda lang: d.t("gui_step_decision"))
        outcomes = lambda lang: [(e.id, e.text.get(lang) or e.text["en"])  # noqa: E731
                                 for e in d.forms.vocab.decision_outcomes]
        self.outcome = ComboBinding(d, "decision.outcome", outcomes)
        self.add_row(form, lambda lang: d.t("gui_dec_outcome"), self.outcome)
        self.add_row(form, lambda lang: d.t("gui_dec_decided_by"),
                     LineBinding(d, "decision.decided_by"))
        self.add_row(form, lambda lang: d.t("gui_dec_decider_title"),
                     LineBinding(d, "decision.decider_title"))
        self.add_row(form, lambda lang: d.t("gui_dec_date"),
                     DateBinding(d, "decision.date"))
        # filled in a year after the decision when a decision is recorded (forms/hrk.yaml
        # review_interval_months); the steward may set another day
        self.review_due = DateBinding(d, "decision.review_due")
        self.add_row(form, lambda lang: d.t("gui_dec_review_due"), self.review_due)
        # how the organisation's registry files the memo (all optional; the memo shows
        # the ones given in its header and decision box), near the top: the fields a
        # secretary fills in first, visible without scrolling at 1366x768
        self.filing = {}
        for key, field in (("gui_dec_record_number", "record_number"),
                           ("gui_dec_section_number", "section_number"),
                           ("gui_dec_presenter", "presenter"),
                           ("gui_dec_legal_basis", "legal_basis")):
            binding = LineBinding(d, f"decision.{field}")
            self.add_row(form, lambda lang, key=key: d.t(key), binding)
            self.filing[field] = binding.widget
        risks = lambda lang: [(q.id, f"{q.id} {q.text.get(lang) or q.text['en']}")  # noqa: E731
                              for q in d.forms.hrk.risks.questions]
        self.add_row(form, lambda lang: d.t("gui_dec_residual"),
                     MultiBinding(d, "decision.residual_risks_accepted", risks, rows=9))
        self.add_row(form, lambda lang: d.t("gui_dec_residual_note"),
                     TextBinding(d, "decision.residual_risk_note", lines=2))
        self.add_row(form, lambda lang: d.t("gui_dec_conditions"),
                     TextBinding(d, "decision.conditions", lines=3))
        self.add_row(form, lambda lang: d.t("gui_dec_comment"),
                     TextBinding(d, "decision.comment", lines=2))
        # a decision more open than the recommendation needs a written justification
        # (HRK-METHOD rev. 3); without one the step is marked and the memo is a draft
        self.departure = QLabel()
        self.departure.setWordWrap(True)
        self.departure.setVisible(False)
        form.addRow(self.departure)
        self.justification = {}
        for code in LANGUAGES:
            binding = TextBinding(d, f"decision.justification.{code}", lines=3)
            self.add_row(form, lambda lang, code=code: d.t(
                "gui_dec_justification", language=d.t(f"gui_language_{code}")), binding)
            self.justification[code] = binding.widget

    def refresh(self) -> None:
        super().refresh()
        d = self.document
        outcome = d.summary().recommendation.outcome
        self.recommended.setText(d.t("gui_dec_recommended", outcome=d.t(outcome)))
        from hrk_workbench.decision.departure import departs

        a = d.assessment
        unjustified = departs(a.decision.outcome, outcome) and not any(
            text.strip() for text in a.decision.justification.values())
        self.departure.setText(d.t("gui_dec_departure"))
        self.departure.setVisible(unjustified)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.refresh()
