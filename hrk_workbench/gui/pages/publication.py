"""Publication addresses: where users will find the data, asked where the channel is chosen.

The catalogue record links the landing page, each published format's file, the API and the
schema. Until now only ``set publication.distributions.CSV.download_url=…`` could give them;
this group box puts one line edit for each at the top of the Channel & format step, whose
question CH8 chooses the formats, so the fields follow the formats: one download and one
access address per planned format, the API's address and documentation, and the schema.

Every field is an :class:`~.address.AddressBinding`, so an address is checked by the model's
one rule and a refused one stays in the field, marked with the reason; every change goes
through the document's undoable edit path. The answer to CH13 ("where will the data be
published") is offered as a default for an empty field with one button press, never
filled in silently: it may be a download link or an API, and only the steward knows which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.foundations.addresses import address_problem
from hrk_workbench.foundations.rule_ids import PLANNED, PUBLISHED_AT
from hrk_workbench.model.answers import choices

from ..document import Document
from .address import AddressBinding
from .base import StepPage, value_at

FIXED_BEFORE = (("dataset.landing_page", "gui_pub_landing"),)
FIXED_AFTER = (("publication.api.endpoint_url", "gui_pub_api_endpoint"),
               ("publication.api.documentation_url", "gui_pub_api_docs"),
               ("publication.schema_url", "gui_pub_schema"))


def planned_formats(document: Document) -> list[str]:
    """The format ids the channel answers plan to publish (CH8), in the answer's order."""
    return choices(document.assessment.channel, PLANNED)


def published_at(document: Document) -> str:
    """CH13's answer when it is a usable web address, else ""."""
    value = value_at(document.assessment, f"channel.{PUBLISHED_AT}.value")
    text = str(value or "").strip()
    return text if text and address_problem("channel", text) is None else ""


class AddressRow:
    """One labelled address field and its "use CH13's answer" button."""

    def __init__(self, group: PublicationAddresses, path: str,
                 label: Callable[[str], str]) -> None:
        d = group.document
        self.group, self.path, self.label = group, path, label
        self.binding = AddressBinding(d, path)
        self.edit = self.binding.edit
        self.edit.setObjectName(f"address_{path}")
        self.edit.setProperty("hrk_path", path)
        self.caption = QLabel()
        self.caption.setBuddy(self.edit)
        self.use_button = QPushButton()
        self.use_button.setObjectName(f"use_default_{path}")
        self.use_button.clicked.connect(self.use_default)
        # after the binding's commit: the field holds no typing of its own any more
        self.edit.editingFinished.connect(lambda: self.edit.setModified(False))
        self.field = QWidget()
        row = QHBoxLayout(self.field)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.use_button)

    def use_default(self) -> None:
        """Fill the field with CH13's answer (one undoable edit); an address being typed in
        another field is committed first (a screen reader's press does not move the focus)."""
        address = published_at(self.group.document)
        for row in self.group.rows.values():
            if row is not self and row.edit.hasFocus() and row.edit.isModified():
                row.edit.setModified(False)
                row.binding._finished()
        if address:
            self.binding.commit(address)
            self.binding.refresh()

    def refresh(self, lang: str) -> None:
        d = self.group.document
        caption = self.label(lang)
        self.caption.setText(caption)
        self.edit.setAccessibleName(caption)
        if not (self.edit.hasFocus() and self.edit.isModified()):  # never wipe typing
            self.binding.refresh()
        address = published_at(d)
        offer = bool(address) and not (self.binding.current() or "").strip()
        self.use_button.setVisible(offer)
        if offer:
            self.use_button.setText(d.t("gui_pub_use_default", address=address))
            self.use_button.setToolTip(d.t("gui_pub_use_default_name", field=caption,
                                           address=address))
            self.use_button.setAccessibleName(d.t("gui_pub_use_default_name", field=caption,
                                                  address=address))


class PublicationAddresses(QGroupBox):
    """The addresses group: fixed fields plus two per planned format, rebuilt when the
    planned formats change (never on other edits, so a field being typed in stays)."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("publicationAddresses")
        outer = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        outer.addWidget(self.intro)
        self.no_formats = QLabel()
        self.no_formats.setWordWrap(True)
        outer.addWidget(self.no_formats)
        # the fields sit in an inner widget: Qt would otherwise name the group's title as
        # each field's label for screen readers, over the field's own caption
        inner = QWidget()
        outer.addWidget(inner)
        self.form = QFormLayout(inner)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, AddressRow] = {}
        self._formats: list[str] | None = None
        self._rebuild()
        document.changed.connect(self._on_changed)
        document.languageChanged.connect(self.retranslate)
        self.retranslate(document.lang)

    # --- rows ---------------------------------------------------------------------------

    def _specs(self) -> list[tuple[str, Callable[[str], str]]]:
        d = self.document
        specs: list[tuple[str, Callable[[str], str]]] = [
            (path, lambda lang, key=key: d.t(key)) for path, key in FIXED_BEFORE]
        for fmt in self._formats or []:
            name = self._format_name(fmt)
            at = f"publication.distributions.{fmt}"
            specs.append((f"{at}.download_url",
                          lambda lang, n=name: d.t("gui_pub_download", format=n)))
            specs.append((f"{at}.access_url",
                          lambda lang, n=name: d.t("gui_pub_access", format=n)))
        specs += [(path, lambda lang, key=key: d.t(key)) for path, key in FIXED_AFTER]
        return specs

    def _format_name(self, fmt: str) -> str:
        known = self.document.forms.file_format(fmt)
        return known.name if known is not None and getattr(known, "name", "") else fmt

    def _rebuild(self) -> None:
        formats = planned_formats(self.document)
        if formats == self._formats:
            return
        self._formats = formats
        while self.form.rowCount():
            self.form.removeRow(0)  # deletes the row's widgets
        self.rows = {}
        for path, label in self._specs():
            row = AddressRow(self, path, label)
            self.form.addRow(row.caption, row.field)
            self.rows[path] = row

    def field(self, path: str) -> Any:
        """The line edit for an answer path (tests, navigation), None when not shown."""
        row = self.rows.get(path)
        return row.edit if row is not None else None

    # --- updates ------------------------------------------------------------------------

    def _on_changed(self) -> None:
        before = self._formats
        self._rebuild()
        if self._formats != before:
            self.retranslate(self.document.lang)
            return
        for row in self.rows.values():
            row.refresh(self.document.lang)

    def retranslate(self, lang: str) -> None:
        d = self.document
        title = d.t("gui_pub_group")
        self.setTitle(title)
        self.setAccessibleName(title)
        self.intro.setText(d.t("gui_pub_intro"))
        self.no_formats.setText(d.t("gui_pub_no_formats"))
        self.no_formats.setVisible(not self._formats)
        for row in self.rows.values():
            row.binding.retranslate(lang)
            row.refresh(lang)


def with_addresses(page_class: type[StepPage]) -> Callable[[Document], StepPage]:
    """A factory for ``page_class`` (the Channel & format page) with the addresses group at
    its top, so the page module itself stays as it is."""

    def make(document: Document) -> StepPage:
        page = page_class(document)
        group = PublicationAddresses(document)
        # first on the page: in view as soon as the step is chosen (at 1366x768 too), so a
        # click on a field never lands below the fold; the formats are chosen further down
        page.body_layout.insertWidget(0, group)
        page.addresses = group  # type: ignore[attr-defined]
        return page

    return make
