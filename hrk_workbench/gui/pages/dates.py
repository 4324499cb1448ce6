"""A date answer bound to its path: read and shown as the language writes dates, stored as
ISO 8601, and never erased when refused (see :mod:`..widgets.datefield`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..document import Document
from ..widgets.datefield import DateField, format_date
from .base import Binding


class DateBinding(Binding):
    """A date field; a refusal (no date, or one the core does not take) keeps the text."""

    def __init__(self, document: Document, path: str) -> None:
        field = DateField()
        super().__init__(document, path, field)
        self.field = field
        self.edit = field.edit
        self._refused: tuple[Any, str] | None = None  # (stored answer then, text kept)
        field.entered.connect(self._entered)
        field.rejected.connect(self._rejected)
        self.retranslate(document.lang)

    def retranslate(self, lang: str) -> None:
        d = self.document
        self.field.set_texts(lang, d.t("gui_date_hint"),
                             d.t("gui_date_calendar", name=self.field.edit.accessibleName()),
                             d.t("gui_date_pick"))
        if self._refused and not parse_ok(self._refused[1]):
            self.field.mark(self._reason())
        self.refresh()

    def _reason(self) -> str:
        return self.document.t("gui_date_bad", example=self.document.t("gui_date_example"))

    def _rejected(self, text: str) -> None:
        self._refused = (self.current(), text)
        self.field.mark(self._reason())

    def _entered(self, value: date | None) -> None:
        new = value.isoformat() if value else None
        old = self.current()
        old = old.isoformat() if isinstance(old, date) else old
        if new == old:
            self._clear()
            self.refresh()
            return
        lines: list[str] = []
        self.document.editFailed.connect(lines.extend)
        try:
            ok = self.document.edit(self.path, new)
        finally:
            self.document.editFailed.disconnect(lines.extend)
        if ok:
            self._clear()
            self.refresh()
        else:  # the core refused it: the typed text stays, with the core's reason
            self._refused = (self.current(), self.field.edit.text())
            self.field.mark(" · ".join(lines) or self._reason())

    def _clear(self) -> None:
        self._refused = None
        self.field.mark(None)

    def refresh(self) -> None:
        current = self.current()
        if self._refused is not None:
            if current == self._refused[0]:
                return  # keep the steward's text until corrected, or the answer changes
            self._clear()
        text = format_date(current, self.document.lang)
        if text != self.field.edit.text():
            self.field.edit.blockSignals(True)
            self.field.edit.setText(text)
            self.field.edit.blockSignals(False)


def parse_ok(text: str) -> bool:
    from ..widgets.datefield import parse_date

    return parse_date(text) is not None
