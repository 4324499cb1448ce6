"""Licence advice: an open licence that allows any use, the attribution line and disclaimer.

Never invent a licence: only those in ``forms/licences.yaml`` can be chosen. A high-value
dataset must use CC BY 4.0 or a less restrictive licence: the ``hvd_allowed`` flag in
``forms/licences.yaml`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import PUBLISHED_AT, RIGHTS
from hrk_workbench.hvd.status import hvd_status
from hrk_workbench.model.answers import gate
from hrk_workbench.model.assessment import Assessment


@dataclass(frozen=True)
class LicenceAdvice:
    chosen: str | None
    recommended: str
    metadata_licence: str
    open_data: bool
    attribution: Reason | None  # rendered into the attribution line in the user's language
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"chosen": self.chosen, "recommended": self.recommended,
                "metadata_licence": self.metadata_licence, "open_data": self.open_data}


def advise_licence(assessment: Assessment, forms: Forms) -> LicenceAdvice:
    cat = forms.licences
    choice_ = assessment.licence
    chosen = forms.licence(choice_.licence_id)
    hvd = hvd_status(assessment, forms)
    reasons: list[Reason] = []
    recommended = cat.default_data

    rights = gate(assessment, RIGHTS)
    if rights == "yes":
        reasons.append(Reason("licence_no_rights", {"gate": RIGHTS}))
    elif rights == "unknown":
        reasons.append(Reason("licence_check_rights", {"gate": RIGHTS}))

    if chosen is None:
        reasons.append(Reason("licence_none_chosen", {"licence": recommended}))
    elif not chosen.open:
        reasons.append(Reason("licence_not_open", {"licence": chosen.name,
                                                   "recommended": recommended}))
    else:
        recommended = chosen.id
        reasons.append(Reason("licence_chosen_open", {"licence": chosen.name}))
        if chosen.share_alike:
            reasons.append(Reason("licence_share_alike", {"licence": chosen.name}))
    if hvd is not None:
        allowed = [lic.id for lic in cat.licences if lic.hvd_allowed]
        if chosen is not None and not chosen.hvd_allowed:
            reasons.append(Reason("licence_hvd_not_allowed", {"licence": chosen.name,
                                                              "allowed": allowed}))
        if recommended not in allowed:
            recommended = cat.default_data if cat.default_data in allowed else allowed[0]
        reasons.append(Reason("licence_hvd", {"allowed": allowed}))
    if chosen is not None and chosen.id != recommended:
        reasons.append(Reason("licence_chosen_differs", {"chosen": chosen.name,
                                                         "recommended": recommended}))
    reasons.append(Reason("licence_metadata", {"licence": cat.default_metadata}))

    effective = forms.licence(recommended)
    attribution = None
    if effective is not None and effective.attribution:
        ds = assessment.dataset
        where = assessment.channel.get(PUBLISHED_AT)
        url = ds.landing_page or (where.value if where and isinstance(where.value, str) else "")
        # no landing page yet: where the file itself is downloaded (or accessed) from
        url = url or next((link.download_url or link.access_url
                           for link in assessment.publication.distributions.values()
                           if link.download_url or link.access_url), "")
        source = (choice_.attribution_name or ds.publisher).strip()
        attribution = Reason("attribution_line" if source else "attribution_line_no_source", {
            "title": dict(ds.title),
            "source": source,
            "url": url or "…",
            "licence": effective.name,
            "licence_uri": effective.uri,
        })
        reasons.append(attribution)
        if not source:
            reasons.append(Reason("attribution_fill_in", {}))
    if not choice_.disclaimer:
        reasons.append(Reason("licence_disclaimer_default", {}))
    open_data = chosen is not None and chosen.open and rights != "yes"
    return LicenceAdvice(chosen.id if chosen else None, recommended, cat.default_metadata,
                         open_data, attribution, tuple(reasons))


