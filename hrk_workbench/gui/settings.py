"""What the app remembers between runs (QSettings) and the Settings dialog.

Language, the author name for the change log, the organisation defaults a new assessment is
prefilled with, and recent files. The recovery file lives in the app's data folder, beside the
settings and never beside (or over) the user's own file.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms.loader import Forms
from hrk_workbench.forms.schema import LANGUAGES
from hrk_workbench.foundations.i18n import label

from .widgets.combo import NamedPopupComboBox

ORGANISATION = "HRK Workbench"
APPLICATION = "hrk-workbench"
RECENT_MAX = 8
RECOVERY_NAME = "recovery.hrk.json"


class AppSettings:
    """Typed access to the QSettings store; tests pass their own store and data folder."""

    def __init__(self, store: QSettings | None = None, data_dir: str | Path | None = None):
        self.store = store or QSettings(ORGANISATION, APPLICATION)
        if data_dir is None:
            data_dir = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.AppDataLocation) or str(
                Path.home() / ".local" / "share" / APPLICATION)
        self.data_dir = Path(data_dir)

    def _get(self, key: str, default: Any = "") -> Any:
        value = self.store.value(key, default)
        return default if value is None else value

    def _set(self, key: str, value: Any) -> None:
        if value in (None, ""):
            self.store.remove(key)
        else:
            self.store.setValue(key, value)
        self.store.sync()

    language = property(lambda self: self._get("language", "") or None,
                        lambda self, v: self._set("language", v))
    author = property(lambda self: str(self._get("author")), lambda self, v: self._set("author", v))
    publisher = property(lambda self: str(self._get("org/publisher")),
                         lambda self, v: self._set("org/publisher", v))
    contact = property(lambda self: str(self._get("org/contact")),
                       lambda self, v: self._set("org/contact", v))
    licence = property(lambda self: str(self._get("org/licence")) or None,
                       lambda self, v: self._set("org/licence", v))

    @property
    def day_rate(self) -> float | None:
        value = self._get("org/day_rate", None)
        try:
            return float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    @day_rate.setter
    def day_rate(self, value: float | None) -> None:
        self._set("org/day_rate", value)

    @property
    def recent(self) -> list[str]:
        value = self._get("recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(p) for p in items if p]

    def add_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        items = [path, *(p for p in self.recent if p != path)][:RECENT_MAX]
        self.store.setValue("recent", items)
        self.store.sync()

    def clear_recent(self) -> None:
        self._set("recent", None)

    @property
    def recovery_path(self) -> Path:
        return self.data_dir / RECOVERY_NAME


class SettingsDialog(QDialog):
    """Language, author name and the organisation defaults for new assessments."""

    def __init__(self, settings: AppSettings, forms: Forms, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self.forms = settings, forms
        t = lambda key, **kw: label(key, lang, forms).format(**kw)  # noqa: E731
        self.setWindowTitle(t("gui_settings_title"))
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)
        heading = QLabel(t("gui_settings_title"))
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(heading)
        top = QFormLayout()
        self.language = NamedPopupComboBox()
        for code in LANGUAGES:
            self.language.addItem(t(f"gui_lang_{code}"), code)
        self.language.setCurrentIndex(LANGUAGES.index(lang))
        self.author = QLineEdit(settings.author)
        self._row(top, t("gui_settings_language"), self.language)
        self._row(top, t("gui_settings_author"), self.author)
        layout.addLayout(top)
        group = QGroupBox(t("gui_settings_org"))
        org = QFormLayout(group)
        self.publisher = QLineEdit(settings.publisher)
        self.contact = QLineEdit(settings.contact)
        self.day_rate = QLineEdit("" if settings.day_rate is None else f"{settings.day_rate:g}")
        self.day_rate.setPlaceholderText(
            t("gui_settings_form_default", value=f"{forms.hrk.costs.day_rate_eur:g}"))
        self.licence = NamedPopupComboBox()
        self.licence.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.licence.setMinimumContentsLength(30)
        self.licence.addItem(t("gui_lic_none"), None)
        for lic in forms.licences.licences:
            self.licence.addItem(f"{lic.name} — {lic.text.get(lang) or lic.text['en']}", lic.id)
        index = self.licence.findData(settings.licence)
        self.licence.setCurrentIndex(max(index, 0))
        self._row(org, t("gui_settings_publisher"), self.publisher)
        self._row(org, t("gui_settings_contact"), self.contact)
        self._row(org, t("gui_settings_day_rate"), self.day_rate)
        self._row(org, t("gui_settings_licence"), self.licence)
        layout.addWidget(group)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def _row(form: QFormLayout, text: str, widget: QWidget) -> None:
        lab = QLabel(text)
        lab.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", ""))
        form.addRow(lab, widget)

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def save(self) -> None:
        """Store what the dialog shows (called after OK)."""
        s = self.settings
        s.language = self.chosen_language()
        s.author = self.author.text().strip()
        s.publisher = self.publisher.text().strip()
        s.contact = self.contact.text().strip()
        text = self.day_rate.text().strip().replace(",", ".")
        with contextlib.suppress(ValueError):  # an unreadable rate keeps the previous one
            s.day_rate = float(text) if text else None
        s.licence = self.licence.currentData()
