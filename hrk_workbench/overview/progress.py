"""Where an assessment stands: each step's mark in the app, and the list of what is still
missing before a recommendation, a decision and the outputs. It reads every rule (the
completeness of the answers, the metadata's readiness, a departure, the review's gate), so it
sits above them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.rule_ids import TABLES
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.completeness import (
    answer_value,
    check_completeness,
    nothing_rated,
    unknown_gates,
)

STEPS: tuple[str, ...] = (
    "dataset", "participants", "gates", "benefits", "risks", "costs", "anonymisation",
    "risk_lab", "table_lab", "channel", "quality", "licence", "decision", "outputs",
    "portfolio",
)
"""The steps of an assessment as the desktop app walks through them."""


def _risk_lab_done(a: Assessment) -> bool:
    """A measured result saved, or nothing to measure: the answers say the data is not
    personal or only aggregated (unanswered is not "nothing to measure")."""
    return a.risk_lab is not None or a.dataset.personal_data is False \
        or a.dataset.granularity == "aggregated"


def _table_lab_done(a: Assessment) -> bool:
    """A protected table saved, or no tables published (A7 none)."""
    return bool(a.table_lab) or answer_value(a, f"anonymisation.{TABLES}") == "none"


LAB_RESULTS = {"risk_lab": _risk_lab_done, "table_lab": _table_lab_done}
"""The lab steps, each with the test of "its result exists or it has nothing to do"; a lab
step without one is ``not_run``: a lab is run, not filled in, so "incomplete" would send the
steward looking for a missing answer."""


def step_states(assessment: Assessment, forms: Forms,
                path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Each step's mark: ``problems`` (an error or warning in its answers, a gate answered
    "unknown", a saved lab result whose data file changed), ``not_run`` (a lab step whose
    lab has not been run: no saved result), ``not_assessed`` (benefits or risks with nothing
    rated), ``not_estimated`` (costs before any line), ``incomplete`` (a required answer
    missing, nothing filled in yet, or the outputs' still-missing list not empty) or
    ``complete``. ``path``: the assessment file, whose folder finds the lab results' data
    files (None: not checked, or absolute paths only)."""
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.metadata.readiness import advise_metadata

    problems = check_against_forms(assessment, forms)
    done = check_completeness(assessment, forms)
    flagged = {path for pair in done.contradictions for path in pair}
    flagged |= {f"gates.{g}" for g in unknown_gates(assessment, forms)}
    if path is not None:
        from hrk_workbench.disclosure.fingerprints import stale_results

        flagged |= {s.lab for s in stale_results(assessment, path)}
    states: dict[str, str] = {}
    a = assessment
    filled = {
        "dataset": bool(a.dataset.title),
        "participants": bool(a.participants),
        "gates": True,
        "benefits": True,
        "risks": True,
        "costs": any(line.one_off_days or line.one_off_eur or line.yearly_days
                     or line.yearly_eur for line in a.costs.lines.values()),
        "anonymisation": bool(a.anonymisation) or a.dataset.personal_data is False,
        # the labs are judged by their saved results below (LAB_RESULTS)
        "risk_lab": True,
        "table_lab": True,
        "channel": bool(a.channel),
        "quality": all(c.id in a.quality and a.quality[c.id].rating is not None
                       for c in forms.quality.criteria),
        "licence": a.licence.licence_id is not None,
        "decision": a.decision.outcome is not None,
        "outputs": not any(r.code == "metadata_missing_mandatory"
                           for r in advise_metadata(a, forms).reasons)
        and not outputs_missing(a, forms, path),
        "portfolio": True,
    }
    for step in STEPS:
        def mine(path: str, step: str = step) -> bool:
            return path == step or path.startswith((f"{step}.", f"{step}["))

        if any(mine(p.location) for p in problems) or any(mine(p) for p in flagged):
            states[step] = "problems"
        elif step in LAB_RESULTS and not LAB_RESULTS[step](a):
            states[step] = "not_run"
        elif step in ("benefits", "risks") and nothing_rated(a, step):
            states[step] = "not_assessed"
        elif step == "costs" and not filled["costs"]:
            states[step] = "not_estimated"
        elif any(mine(p) for p in done.missing) or not filled[step]:
            states[step] = "incomplete"
        else:
            states[step] = "complete"
    return states


SECTION_STEPS = {"publication": "channel", "risk_lab": "risk_lab", "table_lab": "table_lab"}
"""Answer sections whose step is not named like them (the addresses sit on Channel & format)."""


def step_of(path: str) -> str:
    """The step that asks the answer at ``path`` (``gates.G2`` -> gates, ``table_lab[0]...``
    -> table_lab, ``publication...`` -> channel); ``dataset`` for an unknown section."""
    section = path.split(".", 1)[0].split("[", 1)[0]
    section = SECTION_STEPS.get(section, section)
    return section if section in STEPS else "dataset"


@dataclass(frozen=True)
class MissingItem:
    """One thing still needed: before a recommendation or before the outputs.

    ``path`` is the answer to go to, ``step`` the step that asks it, ``code`` what is needed
    (``missing_answer``, ``missing_benefits``, ``missing_risks``, ``contradiction``,
    ``gate_unknown``, ``lab_stale``, ``decision_missing``, ``justification``,
    ``metadata_field``, ``address_missing``, ``endpoint_missing``, ``address_bad``) and
    ``params`` what the text names (question ids, a format, a file). No text: the app
    words it in the steward's language."""

    stage: str  # "recommendation" or "outputs"
    step: str
    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def recommendation_missing(assessment: Assessment, forms: Forms,
                           path: str | os.PathLike[str] | None = None) -> list[MissingItem]:
    """What a recommendation still needs: the required answers, the contradictions, the gates
    answered "unknown", and the saved lab results whose data file changed or is gone."""
    done = check_completeness(assessment, forms)
    items: list[MissingItem] = []
    for where in done.missing:
        code = {"benefits": "missing_benefits", "risks": "missing_risks"}.get(
            where, "missing_answer")
        items.append(MissingItem("recommendation", step_of(where), where, code,
                                 {"question": where.partition(".")[2]}))
    for pair in done.contradictions:
        items.append(MissingItem("recommendation", step_of(pair[1]), pair[1], "contradiction",
                                 {"first": pair[0].partition(".")[2],
                                  "second": pair[1].partition(".")[2]}))
    for gid in unknown_gates(assessment, forms):
        items.append(MissingItem("recommendation", "gates", f"gates.{gid}", "gate_unknown",
                                 {"question": gid}))
    if path is not None:
        from hrk_workbench.disclosure.fingerprints import stale_results

        for s in stale_results(assessment, path):
            items.append(MissingItem("recommendation", s.lab, s.location, "lab_stale",
                                     s.to_dict()))
    return items


def outputs_missing(assessment: Assessment, forms: Forms,
                    path: str | os.PathLike[str] | None = None) -> list[MissingItem]:
    """What the memo and the catalogue record still need: the decision (and a written reason
    for one more open than the recommendation), a title and description, each planned
    format's address, the API's address when an API is published, no address that is not
    one, and for a decision to open the catalogue's fields and a decider's approval of this
    version (``path``: the assessment file, beside which the approvals' data files lie)."""
    from hrk_workbench.decision.departure import departure
    from hrk_workbench.metadata.readiness import advise_metadata
    from hrk_workbench.metadata.record import build_record

    a = assessment
    items: list[MissingItem] = []
    if a.decision.outcome is None:
        items.append(MissingItem("outputs", "decision", "decision.outcome", "decision_missing"))
    else:
        found = departure(a, forms)
        if found is not None and not found.justified:
            items.append(MissingItem("outputs", "decision", "decision.justification",
                                     "justification", {"decision": found.decision,
                                                       "recommendation": found.recommendation}))
    advice = advise_metadata(a, forms)
    for name in advice.missing_mandatory:
        items.append(MissingItem("outputs", "dataset", f"dataset.{name}", "metadata_field",
                                 {"field": name}))
    record = build_record(a, forms)
    for dist in record.distributions:
        if not (dist.download_url or dist.access_url):
            at = f"publication.distributions.{dist.format_id}.download_url"
            items.append(MissingItem("outputs", "channel", at, "address_missing",
                                     {"format": dist.format_id}))
    if record.api is not None and not record.api.endpoint_url:
        items.append(MissingItem("outputs", "channel", "publication.api.endpoint_url",
                                 "endpoint_missing"))
    for where in advice.bad_addresses:
        items.append(MissingItem("outputs", step_of(where), where, "address_bad"))
    for warning in record.warnings:  # what the record cannot state (no access rights...)
        said = warning.code == "metadata_address_left_out" or any(
            i.path == warning.location for i in items)
        if not said:  # a bad address, or no decision yet, is said above at its field
            items.append(MissingItem("outputs", step_of(warning.location), warning.location,
                                     "record_warning", {"problem": warning}))
    if a.decision.outcome in OPENING:  # a catalogue package is made only to open
        for name in advice.missing_catalogue:
            where = CATALOGUE_PATHS.get(name, "dataset")
            items.append(MissingItem("outputs", step_of(where), where, "catalogue_field",
                                     {"field": name}))
        from hrk_workbench.review.gate import publication_refusal

        refusal = publication_refusal(a, forms, Path(path) if path else None)
        if refusal is not None:  # nothing public before a decider approved this version
            items.append(MissingItem("outputs", "decision", "decision.outcome",
                                     "record_warning", {"problem": refusal}))
    return items


OPENING = frozenset({"open", "open_with_conditions"})


CATALOGUE_PATHS = {"title_fi": "dataset.title.fi", "description_fi": "dataset.description.fi",
                   "keywords_fi": "dataset.keywords.fi", "maintainer": "dataset.contact.name",
                   "maintainer_email": "dataset.contact.email", "licence": "licence.licence_id"}
"""Where each avoindata.fi requirement is answered (as ``metadata`` names them)."""


def still_missing(assessment: Assessment, forms: Forms,
                  path: str | os.PathLike[str] | None = None) -> list[MissingItem]:
    """The one "still missing" list: before a recommendation, then before the outputs."""
    return [*recommendation_missing(assessment, forms, path),
            *outputs_missing(assessment, forms, path)]
