"""Is the description complete enough for a DCAT-AP record and an avoindata.fi package?

DCAT-AP requires a title and a description and recommends contact point, distribution,
keywords, publisher, spatial and temporal coverage, themes and the access rights (which only
a decision or a complete assessment can give); avoindata.fi requires Finnish
keywords, a maintainer with e-mail and a licence. High-value datasets add the applicable
legislation and HVD category. Missing items are told in the steward's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.addresses import address_problems
from hrk_workbench.foundations.i18n import problem_text
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import PLANNED
from hrk_workbench.hvd.status import hvd_status
from hrk_workbench.metadata.record import access_right
from hrk_workbench.model.answers import choices
from hrk_workbench.model.assessment import Assessment


@dataclass(frozen=True)
class MetadataAdvice:
    missing_mandatory: tuple[str, ...]
    missing_recommended: tuple[str, ...]
    missing_catalogue: tuple[str, ...]
    hvd: bool
    reasons: tuple[Reason, ...]
    # answer paths of web address fields holding something else: the record leaves them out
    bad_addresses: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.missing_mandatory and not self.missing_catalogue \
            and not self.bad_addresses

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "missing_mandatory": list(self.missing_mandatory),
                "missing_recommended": list(self.missing_recommended),
                "missing_catalogue": list(self.missing_catalogue), "hvd": self.hvd,
                "bad_addresses": list(self.bad_addresses)}


def _any_text(texts: dict[str, str]) -> bool:
    return any(t.strip() for t in texts.values())


def advise_metadata(assessment: Assessment, forms: Forms) -> MetadataAdvice:
    ds = assessment.dataset
    hvd = hvd_status(assessment, forms)
    mandatory = [f for f, ok in (("title", _any_text(ds.title)),
                                 ("description", _any_text(ds.description))) if not ok]
    recommended_checks = (
        ("contact_point", bool(ds.contact.email.strip())),
        ("distribution", bool(choices(assessment.channel, PLANNED))),
        ("keywords", any(ds.keywords.values())),
        ("publisher", bool(ds.publisher.strip())),
        ("spatial", bool(ds.spatial_coverage.strip() or ds.spatial_uri.strip())),
        ("temporal", ds.temporal_coverage.start is not None),
        ("themes", bool(ds.themes)),
        ("update_frequency", ds.update_frequency is not None),
        ("licence", assessment.licence.licence_id is not None),
        # DCAT-AP recommends dct:accessRights; the record states none until it is decided
        ("access_rights", access_right(assessment, forms)[2] is not None),
    )
    recommended = [f for f, ok in recommended_checks if not ok]
    catalogue = [f for f, ok in (
        ("title_fi", bool(ds.title.get("fi", "").strip())),
        ("description_fi", bool(ds.description.get("fi", "").strip())),
        ("keywords_fi", bool(ds.keywords.get("fi"))),
        ("maintainer", bool(ds.contact.name.strip() or ds.publisher.strip())),
        ("maintainer_email", bool(ds.contact.email.strip())),
        ("licence", assessment.licence.licence_id is not None),
    ) if not ok]
    reasons = [Reason("metadata_missing_mandatory", {"field": f}) for f in mandatory]
    reasons += [Reason("metadata_missing_recommended", {"field": f}) for f in recommended]
    reasons += [Reason("metadata_missing_catalogue", {"field": f}) for f in catalogue]
    if hvd is not None:
        reasons.append(Reason("metadata_hvd", {"category": hvd.category,
                                               "legislation": hvd.legislation_uri,
                                               "category_uri": hvd.category_uri}))
    bad = address_problems(assessment, "error")
    reasons += [Reason("metadata_bad_address", {
        "path": p.location, "reason": {lang: problem_text(p, lang, forms)
                                       for lang in forms.messages}}) for p in bad]
    if not (mandatory or recommended or catalogue or bad):
        reasons.append(Reason("metadata_complete", {}))
    return MetadataAdvice(tuple(mandatory), tuple(recommended), tuple(catalogue),
                          hvd is not None, tuple(reasons), tuple(p.location for p in bad))
