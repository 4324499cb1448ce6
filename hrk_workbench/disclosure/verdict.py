"""The risk lab's verdict in plain words: is the measured file safe, which variables cause
its uniques, and what to do next.

Why a verdict and not only the measures: a steward reads "k = 3, 412 records below 5" and
still has to know which rule applies to this dataset (5 for results from microdata, 10 for
special-category data, 50 for grid data, as ``advise`` derives them from
forms/anonymisation.yaml) and which variable to coarsen. This module says so, as reasons
(codes and values) that the CLI and the desktop app render in en/fi/sv.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrk_workbench.answers import choice
from hrk_workbench.reasons import Reason
from hrk_workbench.rule_ids import REGIONAL, SPECIAL, TABLES

if TYPE_CHECKING:
    from hrk_workbench.forms import Forms
    from hrk_workbench.model import Assessment

PUBLISH_K = 5  # the general rule every verdict checks, whatever the assessment
MAX_CAUSES = 3  # variables named as causing the uniques
CAUSE_SHARE = 0.5  # a variable causes uniques when it removes at least half as many as the top


@dataclass(frozen=True)
class Threshold:
    """The smallest group the assessment allows, and which rules demand it (their codes)."""

    n: int
    basis: tuple[str, ...]


def assessment_threshold(assessment: Assessment, forms: Forms) -> Threshold:
    """The threshold ``advise`` derives for this assessment, as the risk lab applies it.

    Results from unit data need ``min_group_persons`` (5); a dataset published as tables of
    aggregated data starts from ``min_frequency`` (3). Possibly special-category data
    (A3 yes or unknown) and regional detail finer than a municipality raise it to 10, grid
    squares to 50 (A8), as for published table cells. The highest applies; every rule that
    demands it is named.
    """
    form = forms.anonymisation
    ds = assessment.dataset
    ans = assessment.anonymisation
    tables_only = ds.granularity == "aggregated" and choice(ans, TABLES) not in (None, "none")
    rules = [("verdict_threshold_tables", int(form.number("min_frequency", 3)))
             if tables_only else
             ("verdict_threshold_base", int(form.number("min_group_persons", 5)))]
    if choice(ans, SPECIAL) in ("yes", "unknown"):
        rules.append(("verdict_threshold_special", int(form.number("min_frequency_special", 10))))
    if choice(ans, REGIONAL) == "finer":
        rules.append(("verdict_threshold_fine_regional",
                      int(form.number("min_frequency_fine_regional", 10))))
    if choice(ans, REGIONAL) == "grid":
        rules.append(("verdict_threshold_grid", int(form.number("min_frequency_grid", 50))))
    n = max(v for _, v in rules)
    return Threshold(n, tuple(code for code, v in rules if v == n))


@dataclass(frozen=True)
class Verdict:
    """Safe or not at k >= 5 and at the assessment's threshold, the causes, the next step."""

    k: int | None
    safe_k5: bool
    threshold: int | None
    threshold_basis: tuple[str, ...]
    safe_threshold: bool | None  # None: no assessment to take a threshold from
    causes: tuple[str, ...]
    next_step: str
    reasons: tuple[Reason, ...]
    safe: bool = False  # all of it: k, the threshold, no identifier, no unique trajectory
    identifiers: tuple[str, ...] = ()  # direct identifiers still in the measured file

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "safe_k5": self.safe_k5, "threshold": self.threshold,
                "threshold_basis": list(self.threshold_basis),
                "safe_threshold": self.safe_threshold, "causes": list(self.causes),
                "safe": self.safe, "direct_identifiers": list(self.identifiers),
                "next_step": self.next_step,
                "reason_codes": [r.to_dict() for r in self.reasons]}


def _below(measured: Mapping[str, Any], n: int) -> int | None:
    """Records in classes smaller than ``n``, when the measure counted that size."""
    value = (measured.get("records_below_k") or {}).get(str(n))
    return None if value is None else int(value)


def _causes(measured: Mapping[str, Any]) -> tuple[list[str], int]:
    """The key variables whose leaving out ends most uniques, biggest first, and the top
    count: every variable removing at least ``CAUSE_SHARE`` of the top one's, at most
    ``MAX_CAUSES``."""
    dropped = {str(k): int(v) for k, v in (measured.get("uniques_if_dropped") or {}).items()
               if v}
    if not dropped:
        return [], 0
    top = max(dropped.values())
    ranked = sorted(dropped, key=lambda v: (-dropped[v], v))
    return [v for v in ranked if dropped[v] >= CAUSE_SHARE * top][:MAX_CAUSES], top


def risk_verdict(measured: Mapping[str, Any], threshold: Threshold | None = None,
                 identifiers: Sequence[str] = ()) -> Verdict:
    """The verdict on one measure (``MeasuredRisk.to_dict()`` or a saved ``risk_lab``).

    A file is safe only when it also holds no direct identifier (``identifiers``: the
    columns of the measured file detected or marked as such, see :func:`direct_columns`)
    and no person is alone in their sequence of records (``unique_trajectory_share``, when
    measured): k counts only the key variables, and a file with henkilötunnus in it is not
    safe whatever its k.

    Records below a threshold come from ``records_below_k`` when the measure counted that
    size (2, 3, 5, 10); for another threshold (50 for grid data) only the smallest class
    ``k`` is known, and the reason (``verdict_unsafe_threshold_k``) says only that.
    """
    k = measured.get("k")
    reasons: list[Reason] = []
    if k is None or not measured.get("rows"):
        reasons.append(Reason("verdict_no_records", {}))
        return Verdict(None, False, threshold.n if threshold else None,
                       threshold.basis if threshold else (), None, (), "", tuple(reasons))
    k = int(k)
    safe5 = k >= PUBLISH_K
    reasons.append(Reason("verdict_safe_k5", {"k": k, "threshold": PUBLISH_K}) if safe5 else
                   Reason("verdict_unsafe_k5", {"k": k, "threshold": PUBLISH_K,
                                                "records": _below(measured, PUBLISH_K) or 0}))
    safe_t: bool | None = None
    needed = PUBLISH_K
    if threshold is None:
        reasons.append(Reason("verdict_no_assessment", {"threshold": PUBLISH_K}))
    else:
        needed = threshold.n
        safe_t = k >= threshold.n
        reasons += [Reason(code, {"threshold": threshold.n}) for code in threshold.basis]
        if safe_t:
            reasons.append(Reason("verdict_safe_threshold", {"k": k, "threshold": threshold.n}))
        else:
            below = _below(measured, threshold.n)
            reasons.append(
                Reason("verdict_unsafe_threshold", {"k": k, "threshold": threshold.n,
                                                    "records": below})
                if below is not None else  # a size the measure did not count (e.g. 50)
                Reason("verdict_unsafe_threshold_k", {"k": k, "threshold": threshold.n}))
    causes, top = _causes(measured)
    keys = [str(v) for v in measured.get("key_variables") or []]
    safe = safe5 and safe_t is not False
    ids = [str(c) for c in identifiers]
    trajectories = measured.get("unique_trajectory_share")
    if trajectories:  # said first: k (of the keys alone) does not make up for them
        reasons.insert(0, Reason("verdict_unique_trajectories", {
            "share": round(100 * float(trajectories), 1)}))
    if ids:
        reasons.insert(0, Reason("verdict_direct_identifiers", {"column": ids}))
    blocked = bool(ids) or bool(trajectories)
    if causes and not safe:
        reasons.append(Reason("verdict_causes", {
            "variable": causes, "top": causes[0], "uniques": top,
            "total": int(measured.get("sample_uniques") or 0)}))
    elif not safe and int(measured.get("sample_uniques") or 0) and keys:
        reasons.append(Reason("verdict_no_single_cause", {"variable": keys}))
    if ids:  # first of all: nothing else makes a file with identifiers safe
        step = "verdict_next_remove_direct"
        reasons.append(Reason(step, {"column": ids}))
    elif safe and trajectories:
        step = "verdict_next_break_trajectories"
        reasons.append(Reason(step, {}))
    elif safe:
        step = "verdict_next_save"
        reasons.append(Reason(step, {}))
    elif causes:
        step = "verdict_next_recode"
        reasons.append(Reason(step, {"variable": causes[0], "threshold": needed}))
    else:
        step = "verdict_next_suppress"
        reasons.append(Reason(step, {"threshold": needed}))
    return Verdict(k, safe5, threshold.n if threshold else None,
                   threshold.basis if threshold else (), safe_t, tuple(causes), step,
                   tuple(reasons), safe=safe and not blocked, identifiers=tuple(ids))


def direct_columns(sample: Mapping[str, list[str]]) -> list[str]:
    """The columns of a file (a sample of each column's values as text) that hold direct
    identifiers: detected by their values or names (henkilötunnus, personnummer, Y-tunnus,
    e-mail, phone, address, name), or every value different in a column of codes (a record
    number links the file to its source). Decimal measurements that never repeat are not:
    the rule the recommendation applies to the saved dictionary (:data:`MEASUREMENT_TYPES`).
    """
    from .results import MEASUREMENT_TYPES, type_of_values
    from .roles import suggest_role_from_values

    out = []
    for column, values in sample.items():
        s = suggest_role_from_values(column, values)
        if s.role != "direct":
            continue
        if s.basis == "all_values_distinct" and type_of_values(values) in MEASUREMENT_TYPES:
            continue
        out.append(column)
    return out


def direct_columns_in_frame(frame: Any, rows: int | None = None) -> list[str]:
    """:func:`direct_columns` for records in memory (a DataFrame), from its first ``rows``
    (as many as the role suggestions look at)."""
    from .loading import frame_values
    from .roles import SAMPLE

    return direct_columns(frame_values(frame.head(rows or SAMPLE)))

