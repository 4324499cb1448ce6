"""Quality statement: known weaknesses do not block opening, they are told to the users.

A criterion rated at or below the form's weakness threshold needs a description of the
weakness; every described weakness goes into the metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment


@dataclass(frozen=True)
class Weakness:
    criterion: str
    rating: int | None
    text: dict[str, str]


@dataclass(frozen=True)
class QualityStatement:
    ratings: dict[str, int]
    unrated: tuple[str, ...]
    mean: float | None
    weaknesses: tuple[Weakness, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ratings": dict(self.ratings), "unrated": list(self.unrated),
                "mean": self.mean,
                "weaknesses": [{"criterion": w.criterion, "rating": w.rating, "text": w.text}
                               for w in self.weaknesses]}


def quality_statement(assessment: Assessment, forms: Forms) -> QualityStatement:
    form = forms.quality
    ratings: dict[str, int] = {}
    unrated, weaknesses, reasons = [], [], []
    for c in form.criteria:
        qa = assessment.quality.get(c.id)
        rating = qa.rating if qa and qa.rating is not None \
            and form.scale.min <= qa.rating <= form.scale.max else None
        text = {k: v for k, v in (qa.weaknesses if qa else {}).items() if v.strip()}
        if rating is None:
            unrated.append(c.id)
        else:
            ratings[c.id] = rating
        if text:
            weaknesses.append(Weakness(c.id, rating, text))
            reasons.append(Reason("quality_weakness", {"criterion": c.id, "rating": rating,
                                                       "text": text}))
        elif rating is not None and rating <= form.weakness_threshold:
            reasons.append(Reason("quality_weakness_undescribed", {
                "criterion": c.id, "rating": rating, "threshold": form.weakness_threshold}))
    mean = round(sum(ratings.values()) / len(ratings), 1) if ratings else None
    if ratings:
        reasons.insert(0, Reason("quality_summary", {"mean": mean, "rated": len(ratings),
                                                     "total": len(form.criteria)}))
    if unrated:
        reasons.append(Reason("quality_unrated", {"criterion": unrated}))
    if ratings and not weaknesses and not any(
            r.code == "quality_weakness_undescribed" for r in reasons):
        reasons.append(Reason("quality_no_weaknesses", {}))
    return QualityStatement(ratings, tuple(unrated), mean, tuple(weaknesses), tuple(reasons))
