"""All advice for one assessment in one object, as the CLI, reports and GUI show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.channels.advice import (
    ChannelAdvice,
    FiveStar,
    FormatAdvice,
    advise_channel,
    advise_formats,
    five_star,
)
from hrk_workbench.disclosure.need import AnonymisationAdvice, advise_anonymisation
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import render, render_all
from hrk_workbench.licences.advice import LicenceAdvice, advise_licence
from hrk_workbench.metadata.readiness import MetadataAdvice, advise_metadata
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.quality.statement import QualityStatement, quality_statement

SECTIONS = ("anonymisation", "channel", "formats", "five_star", "licence", "quality", "metadata")


@dataclass(frozen=True)
class Advice:
    anonymisation: AnonymisationAdvice
    channel: ChannelAdvice
    formats: FormatAdvice
    five_star: FiveStar
    licence: LicenceAdvice
    quality: QualityStatement
    metadata: MetadataAdvice

    def to_json(self, forms: Forms, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in SECTIONS:
            part = getattr(self, name)
            out[name] = {
                **part.to_dict(),
                "reasons": render_all(part.reasons, lang, forms),
                "reason_codes": [r.to_dict() for r in part.reasons],
            }
        line = self.licence.attribution
        out["licence"]["attribution_line"] = render(line, lang, forms) if line else None
        return out


def advise(assessment: Assessment, forms: Forms) -> Advice:
    return Advice(
        anonymisation=advise_anonymisation(assessment, forms),
        channel=advise_channel(assessment, forms),
        formats=advise_formats(assessment, forms),
        five_star=five_star(assessment, forms),
        licence=advise_licence(assessment, forms),
        quality=quality_statement(assessment, forms),
        metadata=advise_metadata(assessment, forms),
    )
