"""Outputs: a placeholder until the outputs feature (memo, metadata exports) lands.

It says so plainly and shows the advice the memo will contain, from the core's ``advise``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from hrk_workbench.advice import advise
from hrk_workbench.i18n import render_all

from .base import StepPage


class OutputsPage(StepPage):
    step = "outputs"

    def build(self) -> None:
        d = self.document
        self.pending = QLabel()
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet("background: #fff6d5; border: 1px solid #e0c060; "
                                   "padding: 8px; border-radius: 4px;")
        self.text(self.pending.setText, lambda lang: d.t("gui_outputs_pending"))
        self.body_layout.addWidget(self.pending)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.RichText)
        self.advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_layout.addWidget(self.advice)

    def refresh(self) -> None:
        super().refresh()
        d = self.document
        a = advise(d.assessment, d.forms)
        lang, forms = d.lang, d.forms
        needed = {True: "anonymisation_needed", False: "anonymisation_not_needed",
                  None: "anonymisation_undetermined"}[a.anonymisation.needed]
        stars = "★" * a.five_star.stars + "☆" * (5 - a.five_star.stars)
        sections = [
            (f"{d.t('heading_anonymisation')}: {d.t(needed)}", a.anonymisation.reasons),
            (f"{d.t('heading_channel')}: {d.t(a.channel.channel)}", a.channel.reasons),
            (f"{d.t('heading_formats')}: {', '.join(a.formats.planned) or '—'}",
             a.formats.reasons),
            (f"{d.t('heading_five_star')}: {stars}", a.five_star.reasons),
            (f"{d.t('heading_licence')}: {a.licence.recommended}", a.licence.reasons),
            (d.t("heading_quality"), a.quality.reasons),
            (d.t("heading_metadata"), a.metadata.reasons),
        ]
        html = [f"<h3>{_esc(d.t('gui_advice'))}</h3>"]
        for heading, reasons in sections:
            html.append(f"<p><b>{_esc(heading)}</b></p><ul>")
            html += [f"<li>{_esc(t)}</li>" for t in render_all(reasons, lang, forms)]
            html.append("</ul>")
        self.advice.setText("".join(html))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.refresh()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
