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

from hrk_workbench.answers import choice, gate
from hrk_workbench.forms import Forms
from hrk_workbench.model import Assessment
from hrk_workbench.reasons import Reason

# Question ids in forms/anonymisation.yaml that these rules read.
DIRECT, INDIRECT, SPECIAL, FREE_TEXT, PSEUDONYMISED = "A1", "A2", "A3", "A4", "A5"
UNITS, TABLES, REGIONAL, LINKAGE, MEASURED = "A6", "A7", "A8", "A9", "A10"
POSSIBLY = ("yes", "unknown")


@dataclass(frozen=True)
class AnonymisationAdvice:
    needed: bool | None  # None: cannot tell until the description says if it is personal data
    min_frequency: int | None
    dominance: dict[str, int] | None
    actions: tuple[Reason, ...]

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.actions

    def to_dict(self) -> dict[str, Any]:
        return {"needed": self.needed, "min_frequency": self.min_frequency,
                "dominance": self.dominance,
                "actions": [r.code for r in self.actions]}


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

    if personal is None:
        actions.append(Reason("anon_personal_unknown", {}))
    elif not personal and not businesses:
        actions.append(Reason("anon_not_personal", {}))

    if gate(assessment, "G2") == "yes":
        actions.append(Reason("anon_gate_limited", {"gate": "G2"}))

    if personal is not False:
        if choice(ans, DIRECT) in POSSIBLY:
            actions.append(Reason("anon_remove_direct", {"answer": choice(ans, DIRECT)}))
        if choice(ans, FREE_TEXT) in POSSIBLY:
            actions.append(Reason("anon_remove_free_text", {"answer": choice(ans, FREE_TEXT)}))
        if choice(ans, PSEUDONYMISED) == "yes":
            actions.append(Reason("anon_pseudonymised_still_personal", {}))
        if choice(ans, LINKAGE) == "yes":
            actions.append(Reason("anon_keyed_hash", {}))
        if ds.granularity == "unit":
            if choice(ans, INDIRECT) in POSSIBLY or choice(ans, INDIRECT) is None:
                actions.append(Reason("anon_aggregate", {
                    "min_group": int(form.number("min_group_persons", 5))}))
                if choice(ans, MEASURED) != "yes":
                    actions.append(Reason("anon_measure_risk", {}))
            if ds.longitudinal:
                actions.append(Reason("anon_longitudinal", {}))

    # Tables: published aggregates of persons or businesses.
    publishes_tables = tables in ("frequency", "magnitude", "both") or (
        tables is None and ds.granularity == "aggregated" and (personal or businesses))
    about_units = personal is not False or businesses
    min_frequency = None
    dominance = None
    if publishes_tables and about_units:
        bases = [("anon_threshold_base", int(form.number("min_frequency", 3)))]
        if choice(ans, SPECIAL) == "yes":
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

    protective = [a for a in actions if a.code not in ("anon_not_personal",
                                                       "anon_personal_unknown")]
    needed: bool | None
    if protective:
        needed = True
    elif personal is None:
        needed = None
    else:
        needed = False
    return AnonymisationAdvice(needed, min_frequency, dominance, tuple(actions))
