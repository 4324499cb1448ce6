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

from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import REGIONAL, SPECIAL, TABLES

if TYPE_CHECKING:
    from hrk_workbench.disclosure.microdata.roles import RoleSuggestion
    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.model.assessment import Assessment

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
    from hrk_workbench.model.answers import choice  # the model's import only with an assessment

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
class Limits:
    """What the verdict demands beyond k (forms/anonymisation.yaml, the organisation's to
    set): the distinct l every sensitive variable needs, and for a weighted sample the
    individual risk no record may exceed and the largest global risk share."""

    l_required: int = 2
    individual_risk: float = 0.1
    global_share: float = 0.01


def assessment_limits(assessment: Assessment | None, forms: Forms) -> Limits:
    """The limits for this assessment: l >= 3 for special-category data (A3 yes), else
    ``l_diversity_min`` (2); the weighted thresholds as the form sets them."""
    form = forms.anonymisation
    special = False
    if assessment is not None:  # the model's import (a tenth of a second) only with one
        from hrk_workbench.model.answers import choice

        special = choice(assessment.anonymisation, SPECIAL) == "yes"
    return Limits(
        int(form.number("l_diversity_min_special", 3)) if special
        else int(form.number("l_diversity_min", 2)),
        float(form.number("individual_risk_threshold", 0.1)),
        float(form.number("global_risk_share", 0.01)))


#: column names that make a file longitudinal when no --time is given (compared exactly,
#: in any case); birth_year and birth_date are attributes, not periods
PERIOD_COLUMNS = ("year", "vuosi", "år", "month", "kuukausi", "månad", "period")


def period_column(columns: Sequence[str], forms: Forms | None = None,
                  exclude: Sequence[str] = ()) -> str | None:
    """The first column named as a period (``period_columns`` in the form, else
    :data:`PERIOD_COLUMNS`), or None."""
    names = PERIOD_COLUMNS
    if forms is not None:
        listed = forms.anonymisation.parameters.get("period_columns")
        if isinstance(listed, list) and listed:
            names = tuple(str(n) for n in listed)
    wanted = {n.casefold() for n in names}
    return next((c for c in columns if c.strip().casefold() in wanted and c not in exclude),
                None)


def unmeasured_quasi(sample: Mapping[str, list[str]], measured: Sequence[str],
                     dictionary: Sequence[Any] = (),
                     not_identifying: Sequence[str] = (), *,
                     suggested: Sequence[RoleSuggestion] | None = None) -> list[str]:
    """Columns the data dictionary (role quasi) or role detection (by values or name) marks
    as quasi-identifiers that are not among ``measured`` (keys, period, sensitive, person,
    weight) and that the steward has not marked as not identifying: k without them counts
    classes an outsider can split further. ``suggested``: the sample's role suggestions, when
    the caller has them already (:func:`direct_columns` reads the same)."""
    from hrk_workbench.disclosure.microdata.roles import suggest_roles_from_values

    skip = set(measured) | set(not_identifying)
    saved = {str(_get(e, "column")): str(_get(e, "role")) for e in dictionary}
    if suggested is None:
        suggested = suggest_roles_from_values(dict(sample))
    found = {s.column for s in suggested if s.role == "quasi"}
    return [c for c in sample if c not in skip and (c in found or saved.get(c) == "quasi")]


def _get(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, "")


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
    limits: Limits = Limits()
    disclosed: dict[str, dict[str, int]] | None = None  # per sensitive: classes, records
    unmeasured_quasi: tuple[str, ...] = ()
    weighted_safe: bool | None = None  # None: not a weighted sample

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "safe_k5": self.safe_k5, "threshold": self.threshold,
                "threshold_basis": list(self.threshold_basis),
                "safe_threshold": self.safe_threshold, "causes": list(self.causes),
                "safe": self.safe, "direct_identifiers": list(self.identifiers),
                "l_required": self.limits.l_required,
                "disclosed": dict(self.disclosed or {}),
                "unmeasured_quasi": list(self.unmeasured_quasi),
                "individual_risk_threshold": self.limits.individual_risk,
                "global_risk_share_limit": self.limits.global_share,
                "weighted_safe": self.weighted_safe,
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
                 identifiers: Sequence[str] = (), limits: Limits | None = None) -> Verdict:
    """The verdict on one measure (``MeasuredRisk.to_dict()`` or a saved ``risk_lab``).

    A file is safe only when it also holds no direct identifier (``identifiers``: the
    columns of the measured file detected or marked as such, see :func:`direct_columns`)
    and no person is alone in their sequence of records (``unique_trajectory_share``, when
    measured): k counts only the key variables, and a file with henkilötunnus in it is not
    safe whatever its k. Beyond k (HRK-METHOD rev. 3, step 7): in a longitudinal file k is
    judged within each period (the worst decides: across periods k would count a person's
    rows); every sensitive variable needs distinct l of at least ``limits.l_required``; a
    quasi-identifier left out of the keys makes the file not safe; and a weighted sample
    must have no record above the individual-risk threshold and a global risk share
    within its limit.

    Records below a threshold come from ``records_below_k`` when the measure counted that
    size (2, 3, 5, 10); for another threshold (50 for grid data) only the smallest class
    ``k`` is known, and the reason (``verdict_unsafe_threshold_k``) says only that.
    """
    limits = limits or Limits()
    k = measured.get("k")
    reasons: list[Reason] = []
    if k is None or not measured.get("rows"):
        reasons.append(Reason("verdict_no_records", {}))
        return Verdict(None, False, threshold.n if threshold else None,
                       threshold.basis if threshold else (), None, (), "", tuple(reasons),
                       limits=limits)
    per_period = measured.get("per_period") or None
    counted: Mapping[str, Any] = measured
    if per_period:  # within each period a person counts once: that k decides
        counted = per_period
        worst = per_period.get("worst") or {}
        if measured.get("person") is None and per_period.get("repeats_across_periods"):
            reasons.append(Reason("verdict_rows_not_persons", {
                "column": per_period.get("column"), "k": int(k)}))
        reasons.append(Reason("verdict_per_period", {
            "column": per_period.get("column"), "periods": per_period.get("periods"),
            "period": worst.get("period"), "k": worst.get("k"),
            "uniques": worst.get("sample_uniques")}))
        k = per_period.get("k", k)
    k = int(k)
    safe5 = k >= PUBLISH_K
    reasons.append(Reason("verdict_safe_k5", {"k": k, "threshold": PUBLISH_K}) if safe5 else
                   Reason("verdict_unsafe_k5", {"k": k, "threshold": PUBLISH_K,
                                                "records": _below(counted, PUBLISH_K) or 0}))
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
            below = _below(counted, threshold.n)
            reasons.append(
                Reason("verdict_unsafe_threshold", {"k": k, "threshold": threshold.n,
                                                    "records": below})
                if below is not None else  # a size the measure did not count (e.g. 50)
                Reason("verdict_unsafe_threshold_k", {"k": k, "threshold": threshold.n}))
    causes, top = _causes(measured)
    keys = [str(v) for v in measured.get("key_variables") or []]
    safe = safe5 and safe_t is not False
    disclosed = _disclosed(measured, limits.l_required)
    for var, got in disclosed.items():
        reasons.append(Reason("verdict_l_disclosed", {
            "variable": var, "l": got["l"], "required": limits.l_required,
            "classes": got["classes"], "records": got["records"]}))
    for var in measured.get("sensitive") or []:
        if var not in disclosed and _l_of(measured, var) is not None:
            reasons.append(Reason("verdict_l_ok", {
                "variable": var, "l": _l_of(measured, var), "required": limits.l_required,
                "entropy": round(float((measured.get("l_entropy") or {}).get(var) or 0), 2)}))
    weighted_safe = _weighted(measured, limits, reasons)
    ids = [str(c) for c in identifiers]
    unmeasured = [str(c) for c in measured.get("unmeasured_quasi") or []]
    k_with = measured.get("k_with_unmeasured")
    # a quasi-identifier left out of the keys is a hole in the measure whatever k it gives
    # today (HRK-METHOD rev. 3, step 7): the steward measures it or marks it not identifying;
    # k with it shows how much it matters
    matters = bool(unmeasured)
    if unmeasured:
        reasons.insert(0, Reason("verdict_unmeasured_quasi", {"column": unmeasured,
                                                              "k": k_with}))
    trajectories = measured.get("unique_trajectory_share")
    if trajectories:  # said first: k (of the keys alone) does not make up for them
        reasons.insert(0, Reason("verdict_unique_trajectories", {
            "share": round(100 * float(trajectories), 1)}))
    if ids:
        reasons.insert(0, Reason("verdict_direct_identifiers", {"column": ids}))
    blocked = bool(ids) or bool(trajectories) or bool(unmeasured) or bool(disclosed) \
        or weighted_safe is False
    if causes and not safe:
        reasons.append(Reason("verdict_causes", {
            "variable": causes, "top": causes[0], "uniques": top,
            "total": int(measured.get("sample_uniques") or 0)}))
    elif not safe and int(measured.get("sample_uniques") or 0) and keys:
        reasons.append(Reason("verdict_no_single_cause", {"variable": keys}))
    if ids:  # first of all: nothing else makes a file with identifiers safe
        step = "verdict_next_remove_direct"
        reasons.append(Reason(step, {"column": ids}))
    elif unmeasured and matters:
        step = "verdict_next_unmeasured"
        reasons.append(Reason(step, {"column": unmeasured}))
    elif safe and trajectories:
        step = "verdict_next_break_trajectories"
        reasons.append(Reason(step, {}))
    elif safe and disclosed:
        step = "verdict_next_l"
        reasons.append(Reason(step, {"variable": list(disclosed),
                                     "required": limits.l_required}))
    elif safe and weighted_safe is False:
        step = "verdict_next_weighted"
        reasons.append(Reason(step, {"threshold": limits.individual_risk}))
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
                   tuple(reasons), safe=safe and not blocked, identifiers=tuple(ids),
                   limits=limits, disclosed={v: {"classes": d["classes"],
                                                 "records": d["records"]}
                                             for v, d in disclosed.items()},
                   unmeasured_quasi=tuple(unmeasured), weighted_safe=weighted_safe)


def _l_of(measured: Mapping[str, Any], var: str) -> int | None:
    """The lowest distinct l of ``var``: over the whole file and within every period."""
    values = [(measured.get("l_diversity") or {}).get(var),
              ((measured.get("per_period") or {}).get("l_diversity") or {}).get(var)]
    got = [int(v) for v in values if v is not None]
    return min(got) if got else None


def _disclosed(measured: Mapping[str, Any], required: int) -> dict[str, dict[str, int]]:
    """Per sensitive variable whose l is below ``required``: the lowest l, and the classes
    and records where knowing the keys discloses the value (counted within periods when
    longitudinal)."""
    out = {}
    for var in measured.get("sensitive") or []:
        l_value = _l_of(measured, var)
        if l_value is None or l_value >= required:
            continue
        records = (measured.get("records_below_l") or {}).get(var) or {}
        classes = (measured.get("classes_below_l") or {}).get(var) or {}
        out[str(var)] = {"l": l_value, "classes": int(classes.get(str(required), 0)),
                         "records": int(records.get(str(required), 0))}
    return out


def _weighted(measured: Mapping[str, Any], limits: Limits, reasons: list[Reason]
              ) -> bool | None:
    """For a weighted sample, the reasons on its individual and global risk, and whether
    both are within the limits (None for a register: no weights)."""
    if not measured.get("weighted"):
        return None
    individual = measured.get("individual_risk") or {}
    glob = measured.get("global_risk") or {}
    above = int(individual.get("above_threshold") or 0)
    share = float(glob.get("share") or 0.0)
    values = {"threshold": limits.individual_risk, "records": above,
              "max": round(float(individual.get("max") or 0.0), 3),
              "share": round(100 * share, 2), "limit": round(100 * limits.global_share, 2),
              "expected": round(float(glob.get("expected_reidentifications") or 0.0), 1),
              "population": round(float(measured.get("population_estimate") or 0.0))}
    reasons.append(Reason("verdict_weighted_above" if above else "verdict_weighted_ok",
                          values))
    over = share > limits.global_share
    reasons.append(Reason("verdict_global_over" if over else "verdict_global_ok", values))
    return not above and not over


def direct_columns(sample: Mapping[str, list[str]], *,
                   suggested: Sequence[RoleSuggestion] | None = None) -> list[str]:
    """The columns of a file (a sample of each column's values as text) that hold direct
    identifiers: detected by their values or names (henkilötunnus, personnummer, Y-tunnus,
    e-mail, phone, address, name, coordinates), or every value different in a column of
    codes (a record number links the file to its source). Decimal measurements that never
    repeat are not: the rule the recommendation applies to the saved dictionary
    (:data:`MEASUREMENT_TYPES`).
    """
    from hrk_workbench.disclosure.column_types import MEASUREMENT_TYPES, type_of_values
    from hrk_workbench.disclosure.microdata.roles import suggest_roles_from_values

    out = []
    if suggested is None:
        suggested = suggest_roles_from_values(dict(sample))
    for s in suggested:
        if s.role != "direct":
            continue
        if s.basis == "all_values_distinct" and \
                type_of_values(sample[s.column]) in MEASUREMENT_TYPES:
            continue
        out.append(s.column)
    return out


def direct_columns_in_frame(frame: Any, rows: int | None = None) -> list[str]:
    """:func:`direct_columns` for records in memory (a DataFrame), from its first ``rows``
    (as many as the role suggestions look at)."""
    from hrk_workbench.disclosure.loading import frame_values
    from hrk_workbench.disclosure.microdata.roles import SAMPLE

    return direct_columns(frame_values(frame.head(rows or SAMPLE)))

