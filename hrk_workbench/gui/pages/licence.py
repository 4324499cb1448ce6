"""The licence choice from the licences catalogue, with the core's licence advice beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from hrk_workbench.advice import advise
from hrk_workbench.forms import LANGUAGES
from hrk_workbench.i18n import render_all

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
        heading = QLabel()
        heading.setStyleSheet("font-weight: bold; font-size: 12pt; margin-top: 8px;")
        self.text(heading.setText, lambda lang: d.t("gui_advice"))
        self.body_layout.addWidget(heading)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.body_layout.addWidget(self.advice)

    def refresh(self) -> None:
        super().refresh()
        d = self.document
        lic = advise(d.assessment, d.forms).licence
        self.advice.setText("\n".join(f"• {t}" for t in render_all(lic.reasons, d.lang, d.forms)))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.refresh()
