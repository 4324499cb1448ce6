"""Anonymisation need from the dataset description and the anonymisation questions.

The rules follow statistical disclosure control practice: direct identifiers are removed,
pseudonymisation is not anonymisation, unit data is aggregated or its risk measured, table
cells need a minimum frequency (3; 10 for special-category and crime data; up to 50 for grid
data), magnitude tables also need the dominance and p% rules, and suppressed cells need
secondary suppression because margins give them away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import (
    DIRECT,
    FREE_TEXT,
    IDENTIFIABLE,
    INDIRECT,
    LINKAGE,
    MEASURED,
    PERSONAL_DATA,
    PSEUDONYMISED,
    REGIONAL,
    SPECIAL,
    TABLES,
    UNITS,
)
from hrk_workbench.model.answers import choice, gate
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.completeness import check_completeness

POSSIBLY = ("yes", "unknown")


@dataclass(frozen=True)
class AnonymisationAdvice:
    needed: bool | None  # None: cannot tell until the answers below are given or reconciled
    min_frequency: int | None
    dominance: dict[str, int] | None
    actions: tuple[Reason, ...]
    missing: tuple[str, ...] = ()  # answers the advice depends on that are not given

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.actions

    def to_dict(self) -> dict[str, Any]:
        return {"needed": self.needed, "min_frequency": self.min_frequency,
                "dominance": self.dominance, "missing": list(self.missing),
                "actions": [r.code for r in self.actions]}


# Reasons that protect the data (as opposed to reasons that explain the situation).
_PROTECTIVE = frozenset({
    "anon_remove_direct", "anon_remove_free_text", "anon_pseudonymised_still_personal",
    "anon_keyed_hash", "anon_aggregate", "anon_measure_risk", "anon_longitudinal",
    "anon_threshold_base", "anon_threshold_special", "anon_threshold_fine_regional",
    "anon_threshold_grid", "anon_dominance", "anon_secondary", "anon_gate_limited",
})


def advise_anonymisation(assessment: Assessment, forms: Forms) -> AnonymisationAdvice:
    ds = assessment.dataset
    ans = assessment.anonymisation
    form = forms.anonymisation
    actions: list[Reason] = []
    personal = ds.personal_data
    units = choice(ans, UNITS)
    tables = choice(ans, TABLES)
    regional = choice(ans, REGIONAL)
    businesses = units == "businesses"
    done = check_completeness(assessment, forms)
    contradiction = bool(done.contradictions)
    # the answers this advice depends on: the description's and the anonymisation questions'
    missing = tuple(p for p in done.missing
                    if p.startswith(("dataset.", "anonymisation.")))

    if personal is None:
        actions.append(Reason("anon_personal_unknown", {"path": f"dataset.{PERSONAL_DATA}"}))
    elif contradiction:
        actions += [r for r in done.reasons if r.code == "contradiction"]
    elif not personal and not businesses:
        actions.append(Reason("anon_not_personal", {}))
    if businesses:
        actions.append(Reason("anon_sole_traders", {}))

    if gate(assessment, IDENTIFIABLE) == "yes":
        actions.append(Reason("anon_gate_limited", {"gate": IDENTIFIABLE}))

    # Possibly personal: said so, not said, or said "no" against answers that say otherwise.
    if personal is not False or contradiction:
        if choice(ans, DIRECT) in POSSIBLY:
            actions.append(Reason("anon_remove_direct", {"answer": choice(ans, DIRECT)}))
        if choice(ans, FREE_TEXT) in POSSIBLY:
            actions.append(Reason("anon_remove_free_text", {"answer": choice(ans, FREE_TEXT)}))
        if choice(ans, PSEUDONYMISED) == "yes":
            actions.append(Reason("anon_pseudonymised_still_personal", {}))
        if choice(ans, LINKAGE) in POSSIBLY:
            actions.append(Reason("anon_keyed_hash", {"answer": choice(ans, LINKAGE)}))
        if ds.granularity == "unit":
            indirect, special = choice(ans, INDIRECT), choice(ans, SPECIAL)
            if indirect in POSSIBLY or indirect is None or special in POSSIBLY:
                # the threshold in force (10 for special categories, ...), never 5 where
                # more applies: the condition's text names it
                from hrk_workbench.disclosure.microdata.verdict import assessment_threshold

                actions.append(Reason("anon_aggregate", {"min_group": max(
                    int(form.number("min_group_persons", 5)),
                    assessment_threshold(assessment, forms).n)}))
                if choice(ans, MEASURED) != "yes":
                    actions.append(Reason("anon_measure_risk", {}))
            if ds.longitudinal:
                actions.append(Reason("anon_longitudinal", {}))

    # Tables: published aggregates of persons or businesses.
    publishes_tables = tables in ("frequency", "magnitude", "both") or (
        tables is None and ds.granularity == "aggregated" and (personal or businesses))
    about_units = personal is not False or businesses or contradiction
    min_frequency = None
    dominance = None
    if publishes_tables and about_units:
        bases = [("anon_threshold_base", int(form.number("min_frequency", 3)))]
        if choice(ans, SPECIAL) in POSSIBLY:  # unknown counts as possibly special-category
            bases.append(("anon_threshold_special", int(form.number("min_frequency_special", 10))))
        if regional == "finer":
            bases.append(("anon_threshold_fine_regional",
                          int(form.number("min_frequency_fine_regional", 10))))
        if regional == "grid":
            bases.append(("anon_threshold_grid", int(form.number("min_frequency_grid", 50))))
        min_frequency = max(n for _, n in bases)
        # every rule that demands the decisive threshold is a reason for it
        actions += [Reason(code, {"n": n}) for code, n in bases if n == min_frequency]
        if tables in ("magnitude", "both"):
            dominance = {"n": int(form.number("dominance_n", 1)),
                         "k": int(form.number("dominance_k", 80)),
                         "p": int(form.number("p_percent", 10))}
            actions.append(Reason("anon_dominance", dominance))
        actions.append(Reason("anon_secondary", {}))

    needed: bool | None
    if any(a.code in _PROTECTIVE for a in actions):
        needed = True
    elif personal is None or contradiction or missing:
        needed = None
    else:
        needed = False
        if personal:  # personal data whose answers name nothing identifying: say so, and why
            actions.append(Reason("anon_personal_nothing_identifying", {
                "question": [DIRECT, INDIRECT, SPECIAL]}))
    still = [p for p in missing if p != f"dataset.{PERSONAL_DATA}"]  # already asked above
    if still:
        actions.append(Reason("anon_answer_first", {"path": still}))
    return AnonymisationAdvice(needed, min_frequency, dominance, tuple(actions), missing)
