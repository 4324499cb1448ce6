"""The indicative recommendation of HRK-METHOD.md: never a decision, always with its reasons."""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.disclosure.column_types import MEASUREMENT_TYPES
from hrk_workbench.disclosure.need import AnonymisationAdvice
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import (
    IDENTIFIABLE,
    INDIRECT,
    LINKAGE,
    MEASURED,
    PSEUDONYMISED,
    SPECIAL,
)
from hrk_workbench.hvd.status import HvdStatus, hvd_breaches
from hrk_workbench.model.answers import choice, gate
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.benefit import BenefitResult
from hrk_workbench.scoring.completeness import Completeness
from hrk_workbench.scoring.cost import CostResult
from hrk_workbench.scoring.risk import RiskResult


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]  # things to resolve before deciding, whatever the outcome
    conditions: tuple[Reason, ...] = ()  # anonymisation actions an open… outcome depends on
    missing: tuple[str, ...] = ()  # required answers not yet given (their paths)


def recommend(
    assessment: Assessment,
    forms: Forms,
    benefit: BenefitResult,
    risks: RiskResult,
    costs: CostResult,
    hvd: HvdStatus | None,
    completeness: Completeness,
    anonymisation: AnonymisationAdvice,
) -> Recommendation:
    """HRK-METHOD.md's "Indicative recommendation", its steps in their order of precedence.

    Step 7b (:func:`lab_findings`) binds the risk lab's saved result: a file that still holds
    direct identifiers or keyed pseudonyms, or pseudonymised longitudinal data not measured
    again after protection, is ``open_after_mitigation`` at best, with what to do as
    conditions. An ``open…`` outcome's conditions also list a high-value dataset's breaches
    of the regulation (:func:`~hrk_workbench.hvd.status.hvd_breaches`).
    """
    gates = forms.hrk.gates.questions
    answer = {g.id: gate(assessment, g.id) for g in gates}
    notes = [Reason("gate_unknown", {"gate": g.id}) for g in gates if answer[g.id] == "unknown"]

    reasons: list[Reason] = []
    blocking = [g for g in gates if answer[g.id] == "yes" and g.blocks_with == "do_not_open"]
    limiting = [g for g in gates if answer[g.id] == "yes" and g.blocks_with == "limited_access"]
    all_gates_answered = all(answer[g.id] is not None for g in gates)
    critical = risks.by_level("critical")
    high = risks.by_level("high")
    ans = assessment.anonymisation
    ds = assessment.dataset
    personal_unit = ds.personal_data is True and ds.granularity == "unit"
    lab_reasons, lab_conditions = lab_findings(assessment)

    if blocking:  # 1. a legal barrier decides alone
        outcome = "do_not_open"
        reasons += [Reason("gate_blocks", {"gate": g.id, "answer": "yes"}) for g in blocking]
    elif limiting and all_gates_answered:  # 2. identifiable personal data decides alone too
        outcome = "limited_access"
        reasons += [Reason("gate_limits", {"gate": g.id, "answer": "yes"}) for g in limiting]
    elif not completeness.complete:  # 3. the answers do not support any recommendation yet
        outcome = "incomplete"
        reasons.append(Reason("incomplete", {"count": len(completeness.missing)
                                             + len(completeness.contradictions)}))
        reasons += completeness.reasons
    elif personal_unit and choice(ans, LINKAGE) in ("yes", "unknown"):  # 4. linkable records
        outcome = "limited_access"
        reasons.append(Reason("linkable_personal_data", {
            "question": LINKAGE, "answer": choice(ans, LINKAGE)}))
        reasons.append(Reason("review_identifiable_gate", {"gate": IDENTIFIABLE}))
    elif critical:  # 5.
        scores = {r.id: r.residual_score for r in risks.scores if r.id in critical}
        if benefit.level == "high":
            outcome = "limited_access"
            reasons.append(Reason("risk_critical_high_benefit", {
                "risk": critical, "score": max(scores.values()),
                "threshold": _band_min(forms, "critical"), "benefit_score": benefit.score}))
        else:
            outcome = "do_not_open"
            reasons.append(Reason("risk_critical", {
                "risk": critical, "score": max(scores.values()),
                "threshold": _band_min(forms, "critical"), "benefit_level": benefit.level}))
    elif high:  # 6.
        outcome = "open_after_mitigation"
        scores = {r.id: r.residual_score for r in risks.scores if r.id in high}
        reasons.append(Reason("risk_high", {
            "risk": high, "score": max(scores.values()), "threshold": _band_min(forms, "high")}))
    elif personal_unit and _identifying(assessment) and (
            gaps := measurement_gaps(assessment, forms)):  # 7. not measured safe
        outcome = "open_after_mitigation"
        reasons += gaps
    elif lab_reasons:  # 7b. the risk lab's file is not fit to open as it is
        outcome = "open_after_mitigation"
        reasons += lab_reasons
    elif benefit.level == "high":  # 8.
        outcome = "open"
        reasons.append(Reason("benefit_high", {"score": benefit.score,
                                               "threshold": _benefit_min(forms, "high")}))
    elif benefit.level == "medium" and costs.level in ("low", "medium"):
        outcome = "open"
        reasons.append(Reason("benefit_medium_cost_ok", {
            "score": benefit.score, "cost_level": costs.level, "total": costs.total_eur}))
    else:  # 9.
        outcome = "open_low_priority"
        if benefit.level == "medium":
            reasons.append(Reason("benefit_medium_cost_high", {
                "score": benefit.score, "total": costs.total_eur,
                "threshold": _cost_min(forms, "high")}))
        else:
            reasons.append(Reason("benefit_low", {"score": benefit.score,
                                                  "threshold": _benefit_min(forms, "medium")}))

    if limiting and not all_gates_answered and outcome != "do_not_open":
        notes += [Reason("gate_limits_pending", {"gate": g.id}) for g in limiting]
    required_gates = set(completeness.missing)
    notes += [Reason("gate_unanswered", {"gate": g.id}) for g in gates
              if answer[g.id] is None and f"gates.{g.id}" not in required_gates]
    if risks.profile == "not_assessed" and outcome.startswith("open"):
        notes.append(Reason("risk_not_assessed_note", {}))
    if not costs.estimated and outcome.startswith("open"):
        notes.append(Reason("cost_not_estimated_note", {}))

    if hvd is not None:
        reasons.append(Reason("hvd_obligation", {"category": hvd.category,
                                                 "legislation": hvd.legislation_uri}))
        if outcome == "open_low_priority":
            outcome = "open"
            reasons.append(Reason("hvd_overrides_low_benefit", {"score": benefit.score}))
        elif outcome in ("do_not_open", "limited_access"):
            if blocking or limiting:
                reasons += [Reason("hvd_gate_conflict", {"gate": g.id})
                            for g in [*blocking, *limiting]]
            elif critical:
                reasons.append(Reason("hvd_risk_conflict", {"risk": critical}))
            else:
                reasons.append(Reason("hvd_personal_data_conflict", {"question": LINKAGE}))
    missing = completeness.missing
    unknown = [g for g in gates if answer[g.id] == "unknown"]
    if unknown and outcome.startswith("open"):  # (rev. 3) an unsettled gate opens nothing
        reasons = [Reason("incomplete", {"count": len(unknown)}),
                   *(Reason("gate_unknown", {"gate": g.id, "path": f"gates.{g.id}"})
                     for g in unknown),
                   Reason("gate_unknown_blocks_open", {"gate": [g.id for g in unknown],
                                                       "outcome": outcome}),
                   *(r for r in reasons if r.code.startswith("hvd_"))]
        missing = (*missing, *(f"gates.{g.id}" for g in unknown
                               if f"gates.{g.id}" not in missing))
        outcome = "incomplete"
    conditions: tuple[Reason, ...] = ()
    if outcome.startswith("open"):
        if lab_reasons and not any(r in reasons for r in lab_reasons):
            reasons += lab_reasons  # an earlier step decided; the lab's findings still bind
        pseudonyms = [Reason("drop_pseudonyms", {"question": PSEUDONYMISED})] \
            if choice(ans, PSEUDONYMISED) == "yes" else []
        conditions = (*(a for a in anonymisation.actions if a.code in CONDITION_CODES),
                      *pseudonyms, *lab_conditions, *hvd_breaches(assessment, forms))
        if conditions:
            reasons.append(Reason("open_conditions", {"count": len(conditions)}))
    reasons.append(Reason("indicative_only", {}))
    return Recommendation(outcome, tuple(reasons), tuple(notes), conditions, tuple(missing))


# The anonymisation actions that must be done before an open… outcome holds.
CONDITION_CODES = frozenset({
    "anon_remove_direct", "anon_remove_free_text", "anon_aggregate", "anon_measure_risk",
    "anon_longitudinal", "anon_threshold_base", "anon_threshold_special",
    "anon_threshold_fine_regional", "anon_threshold_grid", "anon_dominance", "anon_secondary",
})


def lab_findings(assessment: Assessment) -> tuple[list[Reason], list[Reason]]:
    """Step 7b: what the saved risk lab result says against opening the file as it is, as
    (reasons, conditions). Empty when nothing stands in the way.

    - a column with a direct identifier still in the measured file: detected from its values
      or name (``detected_role``, judged afresh from the data whatever role the steward chose)
      or confirmed by the steward (``role``), unless the recipe pseudonymised it;
    - keyed pseudonyms still in the file (``still_personal``, or a pseudonymised column that
      the file keeps): pseudonymised data is personal data, not open data;
    - pseudonymised longitudinal data (``dataset.longitudinal``, or a lab measure with a person
      id) whose unique-trajectory share was not measured on the protected file, or longitudinal
      data where that share, measured again, is still above zero: a person's sequence of
      records can single them out even when each year alone is safe.
    Any of them keeps the outcome from ``open`` (HRK-METHOD.md, step 7: the lab's result is
    the file to be published).
    """
    reasons: list[Reason] = []
    conditions: list[Reason] = []
    lab = assessment.risk_lab
    still = False
    if lab is not None:
        present = set(lab.columns) if lab.columns else {e.column for e in lab.dictionary}
        pseudonymised = {c for s in lab.recipe if isinstance(s, dict)
                         and s.get("op") == "pseudonymise"
                         for c in (s.get("columns") or []) if isinstance(c, str)}
        pseudonymised |= {e.column for e in lab.dictionary if "pseudonymise" in e.masking}
        direct = [e for e in lab.dictionary if e.column in present
                  and e.column not in pseudonymised
                  and (e.role == "direct" or (
                      e.detected_role == "direct" and not (
                          e.detected_basis == "all_values_distinct"
                          and e.type in MEASUREMENT_TYPES)))]
        if direct:
            columns = [e.column for e in direct]
            reasons.append(Reason("lab_direct_identifier", {
                "column": columns, "basis": [e.detected_basis or e.role for e in direct],
                "file": lab.file}))
            conditions.append(Reason("lab_remove_direct", {"column": columns}))
        kept = sorted(pseudonymised & present)
        still = bool(kept) or lab.still_personal  # the saved flag is never overruled
        if still:
            reasons.append(Reason("lab_still_personal", {"column": kept, "file": lab.file}))
            conditions.append(Reason("lab_drop_pseudonyms", {"column": kept}))
    longitudinal = assessment.dataset.longitudinal is True or bool(lab and lab.person)
    pseudonymous = still or choice(assessment.anonymisation, PSEUDONYMISED) == "yes"
    remeasured = lab is not None and lab.protected and lab.unique_trajectory_share is not None
    if longitudinal and pseudonymous and not remeasured:
        reasons.append(Reason("lab_trajectories_unmeasured", {"question": PSEUDONYMISED}))
        conditions.append(Reason("lab_measure_trajectories", {}))
    elif longitudinal and remeasured and lab is not None and lab.unique_trajectory_share:
        # measured again, and some persons are still alone in their sequence of records:
        # whoever knows a few of a person's periods finds all of them
        reasons.append(Reason("lab_trajectories_unique", {
            "share": round(100 * lab.unique_trajectory_share, 1), "file": lab.file}))
        conditions.append(Reason("lab_break_trajectories", {}))
    return reasons, conditions


def _min_group(forms: Forms) -> int:
    return int(forms.anonymisation.number("min_group_persons", 5))


def required_k(assessment: Assessment, forms: Forms) -> int:
    """The smallest class the file to be published must reach: min_group_persons (5), or
    the assessment's own threshold when higher (10 for special-category data or regional
    detail finer than a municipality, 50 for grid squares): the threshold the risk lab's
    verdict names, so the recommendation never opens a file the verdict calls not safe."""
    from hrk_workbench.disclosure.microdata.verdict import assessment_threshold

    return max(_min_group(forms), assessment_threshold(assessment, forms).n)


def l_required(assessment: Assessment, forms: Forms) -> int:
    """The distinct l every sensitive variable must reach: ``l_diversity_min`` (2), or
    ``l_diversity_min_special`` (3) for possibly special-category data (A3 yes or unknown,
    as for the k threshold)."""
    form = forms.anonymisation
    if choice(assessment.anonymisation, SPECIAL) in ("yes", "unknown"):
        return int(form.number("l_diversity_min_special", 3))
    return int(form.number("l_diversity_min", 2))


def measurement_gaps(assessment: Assessment, forms: Forms) -> list[Reason]:
    """Step 7's "measured" (HRK-METHOD rev. 3), as the reasons it is not yet shown; empty
    when it is: A10 yes and, once the risk lab has saved a result, on that file:

    - k at least the threshold in force (:func:`required_k`), in its worst period too when
      the file is longitudinal (a pooled k hides a year where someone is alone);
    - l at least :func:`l_required` for every sensitive variable (the recipe's, and those
      the dictionary marks sensitive), in the worst period when there is one;
    - no quasi-identifier the dictionary or role detection found left out of the keys,
      unless the steward marked it not identifying;
    - for a weighted sample, no record above the individual-risk threshold and the global
      risk share within its limit (``individual_risk_threshold``, ``global_risk_share``).

    A measure this version of the lab did not take (an older file: no worst period, no l)
    is not shown, so it counts against opening; its reason says it was not measured, not
    that it failed.
    """
    ans = assessment.anonymisation
    min_group = required_k(assessment, forms)
    gaps: list[Reason] = []
    if choice(ans, MEASURED) != "yes":
        gaps.append(Reason("unmeasured_disclosure_risk", {
            "question": [q for q in (INDIRECT, SPECIAL) if choice(ans, q) in ("yes", "unknown")],
            "measured": MEASURED, "min_group": min_group}))
    lab = assessment.risk_lab
    if lab is None:
        return gaps
    if lab.k is None or lab.k < min_group:
        gaps.append(Reason("measured_k_too_small", {
            "k": lab.k if lab.k is not None else 0, "min_group": min_group}))
    worst = lab.period_worst or {}
    longitudinal = bool(lab.person and lab.time) or assessment.dataset.longitudinal is True
    worst_k = worst.get("k")
    if longitudinal and not isinstance(worst_k, int):
        gaps.append(Reason("measured_periods_unmeasured", {"min_group": min_group,
                                                           "file": lab.file}))
    elif isinstance(worst_k, int) and worst_k < min_group:
        gaps.append(Reason("measured_period_k_too_small", {
            "period": str(worst.get("period", "")), "k": worst_k, "min_group": min_group}))
    gaps += _l_gaps(assessment, forms, worst)
    gaps += _unmeasured_quasi(assessment)
    gaps += _weighted_gaps(assessment, forms)
    if lab.safe is False and not gaps:  # the verdict found something these checks do not
        gaps.append(Reason("measured_verdict_unsafe", {"file": lab.file}))
    return gaps


def _sensitive_columns(assessment: Assessment) -> list[str]:
    """The sensitive variables of the measured file: the recipe's and the dictionary's
    (marked by the steward or detected), except those marked not identifying."""
    lab = assessment.risk_lab
    assert lab is not None
    present = set(lab.columns) if lab.columns else {e.column for e in lab.dictionary}
    found = list(lab.sensitive)
    found += [e.column for e in lab.dictionary if e.column in present and (
        e.role == "sensitive" or e.sensitive or e.detected_role == "sensitive")]
    skip = set(lab.not_identifying) | set(lab.key_variables)
    return [c for c in dict.fromkeys(found) if c not in skip]


def _l_gaps(assessment: Assessment, forms: Forms, worst: dict) -> list[Reason]:
    lab = assessment.risk_lab
    assert lab is not None
    need = max(l_required(assessment, forms), lab.l_required or 0)
    measured = worst.get("l_diversity") if isinstance(worst.get("l_diversity"), dict) \
        else lab.l_diversity
    unmeasured, low = [], []
    for column in _sensitive_columns(assessment):
        value = measured.get(column, lab.l_diversity.get(column))
        if not isinstance(value, int):
            unmeasured.append(column)
        elif value < need:
            low.append((column, value))
    gaps = []
    if unmeasured:
        gaps.append(Reason("measured_l_unmeasured", {"column": unmeasured, "l_min": need}))
    for column, value in low:
        gaps.append(Reason("measured_l_too_small", {
            "column": column, "l": value, "l_min": need,
            "records": int(lab.disclosed_records.get(column, 0))}))
    return gaps


def _unmeasured_quasi(assessment: Assessment) -> list[Reason]:
    """Quasi-identifiers in the file that the measure left out of its keys: the lab's own
    list, and (for a file saved before the lab listed them) the dictionary's."""
    lab = assessment.risk_lab
    assert lab is not None
    present = set(lab.columns) if lab.columns else {e.column for e in lab.dictionary}
    keys = set(lab.key_variables)
    found = list(lab.unmeasured_quasi)
    found += [e.column for e in lab.dictionary if e.column in present and e.column not in keys
              and (e.role == "quasi" or e.detected_role == "quasi")]
    columns = [c for c in dict.fromkeys(found) if c not in set(lab.not_identifying)]
    if not columns:
        return []
    return [Reason("measured_quasi_unmeasured", {
        "column": columns, "k": lab.k_with_unmeasured if lab.k_with_unmeasured is not None
        else "-"})]


def _weighted_gaps(assessment: Assessment, forms: Forms) -> list[Reason]:
    """A weighted sample's risk: every record's individual risk within the threshold and the
    global share of expected re-identifications within its limit (thresholds in forms/)."""
    lab = assessment.risk_lab
    assert lab is not None
    if not lab.weight:
        return []
    form = forms.anonymisation
    threshold = float(form.number("individual_risk_threshold", 0.1))
    limit = float(form.number("global_risk_share", 0.01))
    gaps = []
    if lab.individual_risk_max is None or lab.global_risk_share is None:
        gaps.append(Reason("measured_weighted_unmeasured", {"weight": lab.weight,
                                                            "threshold": threshold}))
        return gaps
    if lab.individual_risk_max > threshold:
        gaps.append(Reason("measured_individual_risk", {
            "risk": round(lab.individual_risk_max, 4), "threshold": threshold,
            "records": lab.above_threshold if lab.above_threshold is not None else "-"}))
    if lab.global_risk_share > limit:
        gaps.append(Reason("measured_global_risk", {
            "share": round(100 * lab.global_risk_share, 2), "limit": round(100 * limit, 2)}))
    return gaps


def _identifying(assessment: Assessment) -> bool:
    """Indirect identifiers or special-category data, or possibly so (unknown counts); or
    the risk lab found some in the file to publish (a quasi-identifier or sensitive column
    in its dictionary, not marked not identifying), whatever A2 and A3 say: step 7 then
    asks for them to be measured."""
    ans = assessment.anonymisation
    if choice(ans, INDIRECT) in ("yes", "unknown") or choice(ans, SPECIAL) in (
            "yes", "unknown"):
        return True
    lab = assessment.risk_lab
    if lab is None:
        return False
    present = set(lab.columns) if lab.columns else {e.column for e in lab.dictionary}
    return bool(lab.key_variables or lab.sensitive or lab.unmeasured_quasi) or any(
        e.column in present and e.column not in lab.not_identifying
        and ("quasi" in (e.role, e.detected_role) or "sensitive" in (e.role, e.detected_role)
             or e.sensitive) for e in lab.dictionary)


def _band_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.risks.levels if b.id == level)


def _benefit_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.benefits.levels if b.id == level)


def _cost_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.costs.levels if b.id == level)
