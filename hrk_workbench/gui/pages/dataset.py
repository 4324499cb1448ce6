"""The dataset description: texts per language, publisher, contact and the data's nature.

Choice lists (themes, frequencies, HVD categories, granularity) come from
``forms/vocabularies.yaml``, so the catalogue's code lists are edited in one place.
"""

from __future__ import annotations

from typing import Any

from hrk_workbench.forms.schema import LANGUAGES

from .address import AddressBinding
from .base import ComboBinding, LineBinding, MultiBinding, Options, StepPage, TextBinding
from .dates import DateBinding

ADDRESSES = ("dataset.publisher_uri", "dataset.landing_page")


def _vocab(entries: Any) -> Options:
    return lambda lang: [(e.id, e.text.get(lang) or e.text["en"]) for e in entries]


class DatasetPage(StepPage):
    step = "dataset"

    def build(self) -> None:
        d = self.document
        vocab = d.forms.vocab

        def lang_label(key: str, code: str) -> Any:
            return lambda lang: d.t(key, language=d.t(f"gui_language_{code}"))

        texts = self.section(lambda lang: d.t("gui_ds_texts"))
        self.title_edits = {}
        for code in LANGUAGES:
            b = LineBinding(d, f"dataset.title.{code}")
            self.add_row(texts, lang_label("gui_ds_title_plain", code), b)
            self.title_edits[code] = b.widget
        for code in LANGUAGES:
            self.add_row(texts, lang_label("gui_ds_description", code),
                         TextBinding(d, f"dataset.description.{code}"))
        for code in LANGUAGES:
            self.add_row(texts, lang_label("gui_ds_keywords", code),
                         LineBinding(d, f"dataset.keywords.{code}", "list",
                                     placeholder=lambda lang: d.t("gui_list_hint")))

        details = self.section(lambda lang: d.t("gui_ds_details"))
        for key, path in (("gui_ds_publisher", "dataset.publisher"),
                          ("gui_ds_publisher_uri", "dataset.publisher_uri"),
                          ("gui_ds_information_manager", "dataset.information_manager"),
                          ("gui_ds_contact_name", "dataset.contact.name"),
                          ("gui_ds_contact_email", "dataset.contact.email"),
                          ("gui_ds_source_system", "dataset.source_system"),
                          ("gui_ds_landing_page", "dataset.landing_page"),
                          ("gui_ds_spatial", "dataset.spatial_coverage")):
            binding = AddressBinding(d, path) if path in ADDRESSES else LineBinding(d, path)
            self.add_row(details, lambda lang, key=key: d.t(key), binding)
        self.add_row(details, lambda lang: d.t("gui_ds_temporal_start"),
                     DateBinding(d, "dataset.temporal_coverage.start"))
        self.add_row(details, lambda lang: d.t("gui_ds_temporal_end"),
                     DateBinding(d, "dataset.temporal_coverage.end"))
        self.add_row(details, lambda lang: d.t("gui_ds_update_frequency"),
                     ComboBinding(d, "dataset.update_frequency", _vocab(vocab.frequencies)))
        self.add_row(details, lambda lang: d.t("gui_ds_themes"),
                     MultiBinding(d, "dataset.themes", _vocab(vocab.themes), rows=7))
        self.add_row(details, lambda lang: d.t("gui_ds_size_mb"),
                     LineBinding(d, "dataset.size_mb", "number"))
        self.add_row(details, lambda lang: d.t("gui_ds_record_count"),
                     LineBinding(d, "dataset.record_count", "number"))

        nature = self.section(lambda lang: d.t("gui_ds_nature"))
        yes_no: Options = lambda lang: [(True, d.t("gui_yes")), (False, d.t("gui_no"))]  # noqa: E731
        self.add_row(nature, lambda lang: d.t("gui_ds_personal_data"),
                     ComboBinding(d, "dataset.personal_data", yes_no))
        self.add_row(nature, lambda lang: d.t("gui_ds_granularity"),
                     ComboBinding(d, "dataset.granularity", _vocab(vocab.granularity)))
        self.add_row(nature, lambda lang: d.t("gui_ds_longitudinal"),
                     ComboBinding(d, "dataset.longitudinal", yes_no))
        self.add_row(nature, lambda lang: d.t("gui_ds_hvd_category"),
                     ComboBinding(d, "dataset.hvd_category", _vocab(vocab.hvd_categories)))
        self.add_row(nature, lambda lang: d.t("gui_ds_ownership"),
                     LineBinding(d, "dataset.ownership"))
        self.add_row(nature, lambda lang: d.t("gui_ds_comment"),
                     TextBinding(d, "dataset.comment", lines=2))
