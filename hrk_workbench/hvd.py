"""High-value datasets (Commission Implementing Regulation (EU) 2023/138).

Marking a dataset as HVD turns opening into a legal obligation, which the recommendation,
channel, licence and metadata advice must all enforce; this module is their one source.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms import Forms
from hrk_workbench.model import Assessment


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
