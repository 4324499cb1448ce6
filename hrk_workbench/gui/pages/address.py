"""A web address field: what is wrong with an address is said at the field, in the language.

The edit goes through the document like every other (the core's ``set_answer``, which
refuses a value that is not an absolute http(s) address). What this adds: a refused address
stays in the field as typed, so the steward corrects it instead of typing it again, and the
field is marked with the reason (border, tooltip and accessible description, so a screen
reader says it too). An address a file already held, which the core only warns about, is
marked the same way when shown.
"""

from __future__ import annotations

from typing import Any

from hrk_workbench.foundations.addresses import address_problem
from hrk_workbench.foundations.i18n import problem_text
from hrk_workbench.foundations.problems import Problem

from ..document import Document
from .base import LineBinding

INVALID_STYLE = "QLineEdit { border: 2px solid #b00020; }"


class AddressBinding(LineBinding):
    """One web address (landing page, publisher URI), checked as ``set`` checks it."""

    def __init__(self, document: Document, path: str) -> None:
        self.message = ""
        super().__init__(document, path, "text",
                         placeholder=lambda lang: document.t("gui_address_hint"))

    def commit(self, value: Any) -> None:
        current = self.current() or ""
        if value == current:
            self._mark(address_problem(self.path, current, "warning"))
            return
        if self.document.edit(self.path, value):
            self._mark(None)
            return
        problem = address_problem(self.path, str(value or ""))
        if problem is None:  # refused for another reason (too long...): show what is stored
            self.refresh()
        else:
            self._mark(problem)  # the typed text stays for the steward to correct

    def refresh(self) -> None:
        super().refresh()
        self._mark(address_problem(self.path, str(self.current() or ""), "warning"))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self._mark(address_problem(self.path, self.edit.text(), "warning"))

    def _mark(self, problem: Problem | None) -> None:
        """Mark the field with the problem in the document's language, or clear the mark."""
        doc = self.document
        self.message = "" if problem is None else problem_text(problem, doc.lang, doc.forms)
        self.edit.setStyleSheet(INVALID_STYLE if problem else "")
        self.edit.setToolTip(self.message)
        self.edit.setAccessibleDescription(self.message)
        self.edit.setProperty("invalid", problem is not None)
