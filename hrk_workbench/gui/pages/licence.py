"""The licence choice from the licences catalogue, with the core's licence advice beside it."""

from __future__ import annotations

from hrk_workbench.forms.schema import LANGUAGES

from ..widgets.advice import AdviceBox, step_advice
from ..widgets.onscreen import keep_popup_on_screen
from .base import ComboBinding, LineBinding, StepPage, TextBinding


class LicencePage(StepPage):
    step = "licence"

    def build(self) -> None:
        d = self.document
        form = self.section(lambda lang: d.t("gui_step_licence"))

        def licences(lang: str) -> list[tuple[str, str]]:
            # the name first: it is what stewards recognise, the text explains it
            return [(lic.id, f"{lic.name} — {lic.text.get(lang) or lic.text['en']}")
                    for lic in d.forms.licences.licences]

        self.licence = ComboBinding(d, "licence.licence_id", licences)
        self.add_row(form, lambda lang: d.t("gui_lic_licence"), self.licence,
                     accessible=lambda lang: d.t("gui_lic_licence").replace("&", ""))
        self.add_row(form, lambda lang: d.t("gui_lic_attribution"),
                     LineBinding(d, "licence.attribution_name"))
        for code in LANGUAGES:
            self.add_row(form, lambda lang, code=code: d.t(
                "gui_lic_disclaimer", language=d.t(f"gui_language_{code}")),
                TextBinding(d, f"licence.disclaimer.{code}", lines=2))
        self.add_row(form, lambda lang: d.t("gui_lic_comment"),
                     TextBinding(d, "licence.comment", lines=2))
        self.advice = AdviceBox()
        self.text(self.advice.set_title, lambda lang: d.t("gui_advice"))
        self.body_layout.addWidget(self.advice)

    def refresh(self) -> None:
        super().refresh()
        d = self.document
        self.advice.set_sections(step_advice("licence", d.assessment, d.forms, d.lang))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        # the entries (name and what the licence allows) are long: the list stays on screen
        keep_popup_on_screen(self.licence.combo)
        self.refresh()
