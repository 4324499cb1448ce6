"""Question pages generated from forms/: gates, benefits, anonymisation, channel, quality.

Nothing here names a question: every card comes from a form file, so a question an
organisation adds to a YAML file appears with its text, help, scale labels and comment field
without a code change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hrk_workbench.forms.loader import Forms

from ..document import Document
from ..widgets.advice import AdviceBox, step_advice
from .base import (
    Binding,
    ComboBinding,
    LineBinding,
    MultiBinding,
    Options,
    StepPage,
    number_text,
    question_card,
)
from .dates import DateBinding


@dataclass(frozen=True)
class QuestionSpec:
    """What a card needs to know about one question, whichever form it comes from."""

    qid: str
    text: dict[str, str]
    help: dict[str, str] | None
    kind: str  # choice, multi_choice, integer, number, text, date
    options: Options
    value_path: str
    comment_path: str
    group: str = ""
    unit: str | None = None


def _scale_options(document: Document, scale: Any) -> Options:
    def options(lang: str) -> list[tuple[Any, str]]:
        return [(n, document.t("gui_scale_point", value=n, text=scale.labels[n][lang]))
                for n in range(scale.min, scale.max + 1)]
    return options


def _option_list(items: Callable[[], Sequence[Any]]) -> Options:
    return lambda lang: [(o.value, o.text.get(lang) or o.text["en"]) for o in items()]


def gate_specs(document: Document) -> list[QuestionSpec]:
    hrk = document.forms.hrk
    options = _option_list(lambda: hrk.gates.scale)
    return [QuestionSpec(q.id, q.text, q.help, "choice", options, f"gates.{q.id}.value",
                         f"gates.{q.id}.comment") for q in hrk.gates.questions]


def benefit_specs(document: Document) -> list[QuestionSpec]:
    hrk = document.forms.hrk
    options = _scale_options(document, hrk.benefits.scale)
    return [QuestionSpec(q.id, q.text, q.help, "choice", options, f"benefits.{q.id}.value",
                         f"benefits.{q.id}.comment") for q in hrk.benefits.questions]


def _generic_specs(document: Document, section: str) -> list[QuestionSpec]:
    forms: Forms = document.forms
    form = getattr(forms, section)
    specs = []
    for q in form.questions:
        options = _option_list(lambda q=q: forms.options(q))
        specs.append(QuestionSpec(q.id, q.text, q.help, q.type, options,
                                  f"{section}.{q.id}.value", f"{section}.{q.id}.comment",
                                  unit=q.unit))
    return specs


def anonymisation_specs(document: Document) -> list[QuestionSpec]:
    return _generic_specs(document, "anonymisation")


def channel_specs(document: Document) -> list[QuestionSpec]:
    return _generic_specs(document, "channel")


def quality_specs(document: Document) -> list[QuestionSpec]:
    quality = document.forms.quality
    options = _scale_options(document, quality.scale)
    return [QuestionSpec(c.id, c.text, c.help, "choice", options, f"quality.{c.id}.rating",
                         f"quality.{c.id}.comment", group=c.group) for c in quality.criteria]


def all_specs(document: Document) -> list[QuestionSpec]:
    return [*gate_specs(document), *benefit_specs(document), *anonymisation_specs(document),
            *channel_specs(document), *quality_specs(document)]


def question_help(document: Document, qid: str) -> tuple[str, str] | None:
    """(question text, help) of any question id in the current language, for F1."""
    lang = document.lang
    hrk = document.forms.hrk
    groups: list[Sequence[Any]] = [hrk.gates.questions, hrk.benefits.questions,
                                   hrk.risks.questions, hrk.costs.items,
                                   document.forms.anonymisation.questions,
                                   document.forms.channel.questions,
                                   document.forms.quality.criteria]
    for group in groups:
        for q in group:
            if q.id == qid:
                return (q.text.get(lang) or q.text["en"],
                        (q.help.get(lang) or q.help["en"]) if q.help else "")
    return None


def _control(document: Document, spec: QuestionSpec) -> Binding:
    if spec.kind == "multi_choice":
        return MultiBinding(document, spec.value_path, spec.options)
    if spec.kind == "choice":
        return ComboBinding(document, spec.value_path, spec.options)
    if spec.kind in ("integer", "number"):
        return LineBinding(document, spec.value_path, "number")
    if spec.kind == "date":
        return DateBinding(document, spec.value_path)
    return LineBinding(document, spec.value_path, "optional")


class WeaknessBinding(LineBinding):
    """A criterion's known weakness in the current language (the path follows the switch)."""

    def __init__(self, document: Document, qid: str) -> None:
        self.qid = qid
        super().__init__(document, f"quality.{qid}.weaknesses.{document.lang}", "optional")

    def retranslate(self, lang: str) -> None:
        self.path = f"quality.{self.qid}.weaknesses.{lang}"
        super().retranslate(lang)


class QuestionsPage(StepPage):
    """One card per question: the question and its control, a comment, the help beside."""

    specs: Callable[[Document], list[QuestionSpec]] = staticmethod(lambda d: [])
    group_keys: ClassVar[dict[str, str]] = {}

    def build(self) -> None:
        self.controls: dict[str, QWidget] = {}
        self.comments: dict[str, QWidget] = {}
        current_group = None
        for spec in type(self).specs(self.document):
            if spec.group and spec.group != current_group:
                current_group = spec.group
                heading = QLabel()
                heading.setStyleSheet("font-weight: bold; font-size: 12pt; margin-top: 8px;")
                key = self.group_keys.get(spec.group, spec.group)
                self.text(heading.setText, lambda lang, key=key: self.document.t(key))
                self.body_layout.addWidget(heading)
            self._card(spec)

    def _card(self, spec: QuestionSpec) -> None:
        d = self.document
        form = QVBoxLayout()
        form.setSpacing(4)

        def question(lang: str, spec: QuestionSpec = spec) -> str:
            text = spec.text.get(lang) or spec.text["en"]
            if spec.unit:
                text += f" ({d.t('gui_unit', unit=spec.unit)})"
            return d.t("gui_question_label", qid=spec.qid, text=text)

        control = _control(d, spec)
        control.widget.setProperty("hrk_qid", spec.qid)
        label = self.add_row(form, question, control)
        label.setStyleSheet("font-weight: bold;")
        comment = LineBinding(d, spec.comment_path)
        comment.widget.setProperty("hrk_qid", spec.qid)
        self.add_row(form, lambda lang, q=spec.qid: d.t("gui_comment_for", qid=q), comment)
        if spec.group:  # quality: the known weakness, told to the users in the metadata
            weak = WeaknessBinding(d, spec.qid)
            weak.widget.setProperty("hrk_qid", spec.qid)
            self.add_row(form, lambda lang, q=spec.qid: d.t(
                "gui_weakness", qid=q, language=d.t(f"gui_language_{lang}")), weak)
        # a reviewer's comment on this question (issue 33), saved with the assessment
        from ..review import comment_button

        form.addWidget(comment_button(d, spec.value_path.rsplit(".", 1)[0], spec.qid))
        help_label = QLabel()
        help_label.setObjectName(f"help_{spec.qid}")
        if spec.help:
            self.text(help_label.setText,
                      lambda lang, h=spec.help: h.get(lang) or h["en"])
        card = question_card(help_label, form)
        card.setProperty("hrk_qid", spec.qid)
        self.body_layout.addWidget(card)
        self.controls[spec.qid] = control.widget
        self.comments[spec.qid] = comment.widget


class AdvisedQuestionsPage(QuestionsPage):
    """Question cards with the core's advice for this step above them, updated as the
    answers change, so the steward sees what the answers lead to where they are asked."""

    def build(self) -> None:
        self.advice = AdviceBox()
        self.text(self.advice.set_title, lambda lang: self.document.t("gui_advice"))
        self.body_layout.addWidget(self.advice)
        super().build()

    def refresh(self) -> None:
        super().refresh()
        d = self.document
        self.advice.set_sections(step_advice(self.step, d.assessment, d.forms, d.lang))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.refresh()


class GatesPage(QuestionsPage):
    step = "gates"
    specs = staticmethod(gate_specs)


class BenefitsPage(QuestionsPage):
    step = "benefits"
    specs = staticmethod(benefit_specs)

    def build(self) -> None:
        # the weights of forms/hrk.yaml, so a rating's weight in the score is seen where
        # it is given (a demand rated 3 counts twice as much as reuse in teaching rated 3)
        self.weights = QLabel()
        self.weights.setObjectName("benefitWeights")
        self.weights.setWordWrap(True)
        self.weights.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.weights.setStyleSheet("background: #f3f6fa; padding: 6px; margin: 0 0 6px 0;")
        self.text(self.weights.setText, self.weights_text)
        self.body_layout.addWidget(self.weights)
        super().build()

    def weights_text(self, lang: str) -> str:
        d = self.document
        section = d.forms.hrk.benefits
        total = sum(q.weight for q in section.questions)
        items = d.t("gui_ben_weight_sep").join(
            d.t("gui_ben_weight_item", qid=q.id, weight=number_text(q.weight, lang))
            for q in section.questions)
        return d.t("gui_ben_weights", items=items, total=number_text(total, lang),
                   max=number_text(section.scale.max, lang),
                   maximum=number_text(section.scale.max * total, lang))


class AnonymisationPage(AdvisedQuestionsPage):
    step = "anonymisation"
    specs = staticmethod(anonymisation_specs)


class ChannelPage(AdvisedQuestionsPage):
    step = "channel"
    specs = staticmethod(channel_specs)


class QualityPage(AdvisedQuestionsPage):
    step = "quality"
    specs = staticmethod(quality_specs)
    group_keys: ClassVar[dict[str, str]] = {
        "reality": "gui_quality_reality", "description": "gui_quality_description",
        "usability": "gui_quality_usability"}
