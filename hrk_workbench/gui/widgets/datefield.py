"""A date as people write it: 15.12.2026 in Finnish, 2026-12-15 (or 15.12.2026) in Swedish,
with a calendar to pick it from.

The answer is stored as the file always held it (ISO 8601); only what is shown and read
follows the language. Typed text the core cannot take is never erased: it stays in the
field, marked, with the reason beside it, until the steward corrects it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_LOCALES = {"fi": QLocale.Language.Finnish, "sv": QLocale.Language.Swedish,
            "en": QLocale.Language.English}


def parse_date(text: str) -> date | None:
    """``2026-12-15`` or ``15.12.2026`` (``1.2.2026`` too) as a date; None for anything else,
    an impossible day (31.2.2026) included."""
    text = text.strip()
    if m := _ISO.fullmatch(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DOTTED.fullmatch(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def format_date(value: date | str | None, lang: str) -> str:
    """A date as the language writes it: 15.12.2026 in Finnish, 2026-12-15 otherwise."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if lang == "fi":
        return f"{value.day}.{value.month}.{value.year}"
    return value.isoformat()


class DateField(QWidget):
    """A line edit for the date, a calendar button, and the reason shown under a refusal.

    ``entered`` carries the date the steward typed or picked (None when emptied); typed text
    that is no date emits ``rejected`` with it and stays in the field.
    """

    entered = Signal(object)
    rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(180)
        self.button = QToolButton()
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        row.addWidget(self.edit)
        row.addWidget(self.button)
        row.addStretch(1)
        outer.addLayout(row)
        self.error = QLabel()
        self.error.setObjectName("dateError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        outer.addWidget(self.error)
        self.setFocusProxy(self.edit)
        self.calendar = QCalendarWidget()
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.button.clicked.connect(self.show_calendar)
        self.edit.editingFinished.connect(self._finished)
        self.lang = "en"

    def setAccessibleName(self, name: str) -> None:
        """The name goes to the line edit a screen reader lands on, and to the button."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.calendar.setAccessibleName(name)

    def set_texts(self, lang: str, hint: str, calendar_name: str, button: str) -> None:
        self.lang = lang
        self.button.setText(button)  # words: an emoji needs a font not every desktop has
        self.edit.setPlaceholderText(hint)
        self.button.setToolTip(calendar_name)
        self.button.setAccessibleName(calendar_name)
        self.calendar.setLocale(QLocale(_LOCALES.get(lang, QLocale.Language.English)))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)

    def show_calendar(self) -> None:
        shown = parse_date(self.edit.text())
        self.calendar.setSelectedDate(QDate(shown) if shown else QDate.currentDate())
        self.calendar.move(self.button.mapToGlobal(self.button.rect().bottomLeft()))
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, qdate: QDate) -> None:
        self.calendar.hide()
        picked = qdate.toPython()
        self.edit.setText(format_date(picked, self.lang))
        self.entered.emit(picked)

    def _finished(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self.entered.emit(None)
            return
        parsed = parse_date(text)
        if parsed is None:
            self.rejected.emit(text)
        else:
            self.entered.emit(parsed)

    def mark(self, reason: str | None) -> None:
        """Mark the field refused with ``reason`` beside it, or clear the mark (None)."""
        invalid = reason is not None
        self.edit.setStyleSheet("border: 2px solid #b00020;" if invalid else "")
        self.error.setText(reason or "")
        self.error.setVisible(invalid)
        self.edit.setAccessibleDescription(reason or "")
        self.edit.setToolTip(reason or "")

    def is_marked(self) -> bool:
        return not self.error.isHidden()


def local_moment(moment: datetime, lang: str) -> str:
    """A moment in this computer's time zone as the language writes it (15.12.2026 klo
    14.05 in Finnish), for dialogs such as the recovery offer."""
    from babel.dates import format_datetime

    from hrk_workbench.foundations.i18n import babel_locale

    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(aware.astimezone(), format="short", locale=babel_locale(lang))
