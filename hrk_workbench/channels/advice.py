"""Channel, format and five-star advice from the description and the channel questions.

A file suits small or static data that changes rarely; an API suits large, frequently changing
or real-time data and request-based subsets but needs skills to build and maintain; offering
both is good, and a high-value dataset must have both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import (
    CAPACITY,
    CURRENT,
    KIND,
    LINKED,
    NETWORK,
    PLANNED,
    REAL_TIME,
    RIGHTS,
    SIMILAR,
    STANDARD,
    SUBSETS,
    SUPPORT,
    URIS,
)
from hrk_workbench.hvd.status import hvd_status
from hrk_workbench.model.answers import choice, choices, gate
from hrk_workbench.model.assessment import Assessment

Channel = Literal["file", "api", "both"]

# What earns the next star, by the stars held now; codes are written out so that every code a
# rule can emit is a literal a test can find in the message catalogues.
NEXT_STAR = ("five_star_next_1", "five_star_next_2", "five_star_next_3", "five_star_next_4",
             "five_star_next_5")


@dataclass(frozen=True)
class ChannelAdvice:
    channel: Channel
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"channel": self.channel}


def advise_channel(assessment: Assessment, forms: Forms) -> ChannelAdvice:
    ds = assessment.dataset
    ans = assessment.channel
    form = forms.channel
    frequent = form.parameters.get("frequent_updates", [])
    api_reasons: list[Reason] = []
    real_time = choice(ans, REAL_TIME) == "yes"
    if real_time:
        api_reasons.append(Reason("channel_api_real_time", {}))
    if ds.update_frequency and isinstance(frequent, list) and ds.update_frequency in frequent:
        api_reasons.append(Reason("channel_api_frequent", {"frequency": ds.update_frequency}))
    size_limit = form.number("api_size_mb", 100)
    if ds.size_mb is not None and ds.size_mb > size_limit:
        api_reasons.append(Reason("channel_api_size", {"size_mb": ds.size_mb,
                                                       "limit": size_limit}))
    rows_limit = form.number("api_record_count", 1_000_000)
    if ds.record_count is not None and ds.record_count > rows_limit:
        api_reasons.append(Reason("channel_api_records", {"count": ds.record_count,
                                                          "limit": rows_limit}))
    if choice(ans, SUBSETS) == "yes":
        api_reasons.append(Reason("channel_api_subsets", {}))

    reasons = list(api_reasons)
    capacity = choice(ans, CAPACITY)
    channel: Channel
    hvd = hvd_status(assessment, forms)
    if hvd is not None:
        channel = "both"
        reasons.append(Reason("channel_hvd_both", {"category": hvd.category}))
        if capacity == "no":
            reasons.append(Reason("channel_hvd_no_capacity", {}))
    elif not api_reasons:
        channel = "file"
        reasons.append(Reason("channel_file_simple", {}))
    elif capacity == "no":
        channel = "file"
        reasons.append(Reason("channel_api_no_capacity", {}))
    elif real_time:
        channel = "api"
        reasons.append(Reason("channel_api_only_real_time", {}))
    else:
        channel = "both"
        reasons.append(Reason("channel_both", {}))
    if channel != "file" and capacity in (None, "unknown"):
        reasons.append(Reason("channel_check_capacity", {}))
    if choice(ans, SIMILAR) == "yes":
        reasons.append(Reason("channel_reuse_model", {}))
    if choice(ans, NETWORK) in ("no", "unknown"):
        reasons.append(Reason("channel_plan_network", {}))
    if choice(ans, SUPPORT) in ("no", "unknown"):
        reasons.append(Reason("channel_plan_support", {}))
    return ChannelAdvice(channel, tuple(reasons))


@dataclass(frozen=True)
class FormatAdvice:
    kind: str | None
    recommended: tuple[str, ...]
    planned: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "recommended": list(self.recommended),
                "planned": list(self.planned)}


def advise_formats(assessment: Assessment, forms: Forms) -> FormatAdvice:
    ans = assessment.channel
    kind = choice(ans, KIND)
    catalogue = forms.formats.formats
    recommended = sorted(
        (f for f in catalogue if kind and kind in f.data_kinds and f.open),
        key=lambda f: -f.openness_score,
    )
    rec_ids = tuple(f.id for f in recommended)
    planned = tuple(choices(ans, PLANNED))
    reasons: list[Reason] = []
    if kind is None:
        reasons.append(Reason("format_kind_unknown", {}))
    elif rec_ids:
        reasons.append(Reason("format_for_kind", {"kind": kind, "formats": list(rec_ids)}))
    for fid in planned:
        fmt = forms.file_format(fid)
        if fmt is None:
            continue
        if not fmt.open:
            reasons.append(Reason("format_not_open", {"format": fmt.name,
                                                      "alternatives": list(rec_ids) or ["CSV"]}))
        elif fid == "PDF" and kind != "documents":
            reasons.append(Reason("format_pdf_not_data", {}))
        elif not fmt.structured and kind not in ("text", "documents"):
            reasons.append(Reason("format_not_structured", {"format": fmt.name}))
    for fid in choices(ans, CURRENT):
        fmt = forms.file_format(fid)
        if fmt is not None and not fmt.open and fid not in planned:
            reasons.append(Reason("format_convert", {"format": fmt.name,
                                                     "alternatives": list(rec_ids) or ["CSV"]}))
    if not planned:
        reasons.append(Reason("format_choose", {"formats": list(rec_ids) or ["CSV"]}))
    if choice(ans, STANDARD) == "yes":
        reasons.append(Reason("format_follow_standard", {}))
    return FormatAdvice(kind, rec_ids, planned, tuple(reasons))


@dataclass(frozen=True)
class FiveStar:
    stars: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"stars": self.stars}


def five_star(assessment: Assessment, forms: Forms) -> FiveStar:
    """Tim Berners-Lee's five-star level the planned publication reaches.

    1 on the web under an open licence; 2 structured; 3 non-proprietary; 4 URIs/RDF;
    5 linked to other data. Each star needs the ones before it.
    """
    licence = forms.licence(assessment.licence.licence_id)
    planned = [f for f in (forms.file_format(i) for i in choices(assessment.channel, PLANNED))
               if f is not None]
    may_publish = gate(assessment, RIGHTS) != "yes"
    checks = [
        licence is not None and licence.open and may_publish,
        any(f.structured for f in planned),
        any(f.structured and f.open for f in planned),
        any(f.rdf for f in planned) or choice(assessment.channel, URIS) == "yes",
        choice(assessment.channel, LINKED) == "yes",
    ]
    stars = 0
    for ok in checks:
        if not ok:
            break
        stars += 1
    reasons = [Reason("five_star", {"stars": stars})]
    if stars < 5:
        reasons.append(Reason(NEXT_STAR[stars], {}))
    return FiveStar(stars, tuple(reasons))
