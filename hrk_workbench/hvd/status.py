"""High-value datasets (Commission Implementing Regulation (EU) 2023/138).

Marking a dataset as HVD turns opening into a legal obligation, which the recommendation,
channel, licence and metadata advice must all enforce; this module is their one source.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import CAPACITY
from hrk_workbench.model.answers import choice
from hrk_workbench.model.assessment import Assessment


@dataclass(frozen=True)
class HvdStatus:
    category: str
    category_uri: str
    legislation_uri: str


def hvd_status(assessment: Assessment, forms: Forms) -> HvdStatus | None:
    """The dataset's HVD category with its URIs, or None when it is not marked as HVD."""
    cat_id = assessment.dataset.hvd_category
    if not cat_id:
        return None
    entry = next((c for c in forms.vocab.hvd_categories if c.id == cat_id), None)
    uri = entry.uri if entry and entry.uri else ""
    return HvdStatus(cat_id, uri, forms.vocab.hvd_legislation_uri)


def hvd_breaches(assessment: Assessment, forms: Forms) -> tuple[Reason, ...]:
    """What the plan for a high-value dataset breaks of the regulation, as reasons: a licence
    the regulation does not allow (``hvd_allowed`` in forms/licences.yaml), no API, or no bulk
    download. Empty for a dataset that is not HVD.

    Why here and not only in the channel and licence advice: an ``open`` recommendation for a
    high-value dataset holds only once these are put right, so the recommendation lists them
    as its conditions, and this function is their one source.

    Only what the answers show counts as a breach (nothing recorded yet is not one): an API is
    missing when no API address is recorded and either the organisation has no capacity for
    one (CH3 no) or the publication addresses are given without one; a bulk download is
    missing when an API address is recorded but no distribution has a download or access
    address.
    """
    if hvd_status(assessment, forms) is None:
        return ()
    out: list[Reason] = []
    allowed = [lic.id for lic in forms.licences.licences if lic.hvd_allowed]
    chosen = forms.licence(assessment.licence.licence_id)
    if chosen is not None and not chosen.hvd_allowed:
        out.append(Reason("hvd_breach_licence", {"licence": chosen.name, "allowed": allowed}))
    pub = assessment.publication
    has_api = bool(pub.api.endpoint_url)
    files = [fid for fid, d in pub.distributions.items() if d.download_url or d.access_url]
    if not has_api and (choice(assessment.channel, CAPACITY) == "no" or files):
        out.append(Reason("hvd_breach_no_api", {"question": CAPACITY}))
    if has_api and not files:
        out.append(Reason("hvd_breach_no_bulk", {}))
    return tuple(out)
