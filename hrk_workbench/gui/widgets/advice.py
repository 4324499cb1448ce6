"""The core's advice shown on the step where its questions are asked.

A steward answering the anonymisation, channel or quality questions should see what the
answers lead to right there (the verdict, the channel and formats, the quality statement),
as the Licence step always did, rather than only in a report at the end. The texts are the
core's own (``advise()`` rendered through the catalogues), so the page and
``hrk-workbench advise`` say the same thing.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.foundations.reasons import Reason
    from hrk_workbench.model.assessment import Assessment

Section = tuple[str, Sequence[str]]
"""A heading ("Anonymisation: anonymisation needed") and its advice sentences."""


class FittedText(QTextBrowser):
    """Read-only rich text exactly as tall as its text at the width it is given, so a page
    scrolls as a whole and the advice is never cut short or scrolled inside a box (a
    word-wrapped label was measured at another width and cut in a scrolling page)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adviceText")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser { background: transparent; }")

    def fit(self) -> None:
        doc = self.document()
        doc.setTextWidth(self.viewport().width())
        # what the widget adds around its viewport (frame, style), measured, not assumed
        chrome = self.height() - self.viewport().height() if self.viewport().height() > 0 \
            else 2 * self.frameWidth()
        height = math.ceil(doc.size().height()) + max(chrome, 0) + 2
        if height != self.height():
            self.setFixedHeight(height)

    def setHtml(self, text: str) -> None:
        super().setHtml(text)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # sizes set while the page was hidden reach the viewport only now: measure again
        QTimer.singleShot(0, self.fit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()


class AdviceBox(QFrame):
    """A titled box of advice sections: each a bold heading and its sentences as bullets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adviceBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("adviceTitle")
        self.title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        layout.addWidget(self.title)
        self.body = FittedText()
        layout.addWidget(self.body)
        self._sections: list[Section] = []

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.setAccessibleName(title)
        self.body.setAccessibleName(title)

    def set_sections(self, sections: Sequence[Section]) -> None:
        """Show ``sections``; headings may be empty (then only the list)."""
        new = [(h, list(items)) for h, items in sections]
        if new == self._sections:
            return
        self._sections = new
        parts = []
        for heading, items in self._sections:
            if heading:
                parts.append(f"<p style='margin: 4px 0 0 0'><b>{html.escape(heading)}</b></p>")
            if items:
                lis = "".join(f"<li>{html.escape(t)}</li>" for t in items)
                parts.append(f"<ul style='margin: 2px 0 0 -20px'>{lis}</ul>")
        self.body.setHtml("".join(parts))

    def plain_text(self) -> str:
        """What the box says, as lines (headings, then "• item"), for tests and readers."""
        lines = []
        for heading, items in self._sections:
            if heading:
                lines.append(heading)
            lines += [f"• {t}" for t in items]
        return "\n".join(lines)


def step_advice(step: str, assessment: Assessment, forms: Forms, lang: str) -> list[Section]:
    """The advice sections a step shows: what its answers lead to, headed as the command
    line's ``advise`` heads them. An unknown step has none."""
    from hrk_workbench.foundations.answer_names import gui_reason_text
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.overview.advice import advise

    a = advise(assessment, forms)

    def lb(key: str) -> str:
        return label(key, lang, forms)

    def said(reasons: Sequence[Reason]) -> list[str]:
        return [gui_reason_text(r, lang, forms) for r in reasons]

    if step == "anonymisation":
        needed = {True: "anonymisation_needed", False: "anonymisation_not_needed",
                  None: "anonymisation_undetermined"}[a.anonymisation.needed]
        return [(f"{lb('heading_anonymisation')}: {lb(needed)}", said(a.anonymisation.reasons))]
    if step == "channel":
        stars = a.five_star.stars
        return [(f"{lb('heading_channel')}: {lb(a.channel.channel)}", said(a.channel.reasons)),
                (f"{lb('heading_formats')}: {', '.join(a.formats.planned) or '—'}",
                 said(a.formats.reasons)),
                (f"{lb('heading_five_star')}: {'★' * stars}{'☆' * (5 - stars)} ({stars}/5)",
                 said(a.five_star.reasons))]
    if step == "quality":
        return [(lb("heading_quality"), said(a.quality.reasons))]
    if step == "licence":
        return [("", said(a.licence.reasons))]
    return []
