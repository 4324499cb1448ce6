"""Check an assessment's answers against the forms: known ids, values on their scales.

The document model only knows shapes; whether ``B1`` exists or a likelihood of 7 is allowed
depends on ``forms/``, which an organisation may edit. Unknown ids are warnings (a question
may have been retired from the form), values off a scale are errors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.forms.schema import Question, Scale
from hrk_workbench.foundations.addresses import address_problems
from hrk_workbench.foundations.problems import Problem, plain_number
from hrk_workbench.model.assessment import Assessment


def _unknown(path: str, qid: str, where: str, ids: list[str] | set[str]) -> Problem:
    """A warning for an id the form lacks, naming the id it was probably meant to be."""
    near = next((i for i in sorted(ids) if i.casefold() == qid.casefold()), None)
    if near:
        return Problem(path, f"no question {qid!r} in {where}; ids are case-sensitive: did you "
                       f"mean {near!r}?", near, "warning", code="miscased_id",
                       params={"id": qid, "where": where, "near": near})
    return Problem(path, f"no question {qid!r} in {where}", "an id from the form", "warning",
                   code="unknown_id", params={"id": qid, "where": where})


def _on_scale(path: str, value: int | None, scale: Scale, what: str) -> list[Problem]:
    if value is None or scale.min <= value <= scale.max:
        return []
    return [Problem(path, f"{what} {value} is off the scale",
                    f"a whole number from {scale.min} to {scale.max}", code="off_scale",
                    params={"value": value, "min": scale.min, "max": scale.max})]


def _in_vocab(path: str, value: str | None, ids: list[str], what: str) -> list[Problem]:
    if value is None or value in ids:
        return []
    return [Problem(path, f"unknown {what} {value!r}", f"one of {', '.join(ids)}",
                    code="unknown_code", params={"value": value, "allowed": ids})]


def check_generic(path: str, question: Question, value: Any, forms: Forms) -> list[Problem]:
    """Check one generic answer against its question's type, options and bounds."""
    if value is None:
        return []
    allowed = [o.value for o in forms.options(question)]
    kind = question.type
    if kind == "choice":
        if not isinstance(value, str) or value not in allowed:
            return [Problem(path, f"{value!r} is not an option", f"one of {', '.join(allowed)}",
                            code="not_an_option", params={"value": value, "allowed": allowed})]
    elif kind == "multi_choice":
        if not isinstance(value, list):
            return [Problem(path, "not a list", f"a list of options from {', '.join(allowed)}",
                            code="not_a_list", params={"allowed": allowed})]
        bad = [v for v in value if v not in allowed]
        if bad:
            return [Problem(path, f"{bad} not among the options", f"from {', '.join(allowed)}",
                            code="not_options", params={"value": bad, "allowed": allowed})]
    elif kind in ("integer", "number"):
        ok_type = isinstance(value, int) if kind == "integer" else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type:
            return [Problem(path, f"{value!r} is not a {kind}",
                            "a whole number" if kind == "integer" else "a number",
                            code="wrong_type", params={"kinds": [kind], "got": repr(value)})]
        lo, hi = question.min, question.max
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return [Problem(path, f"{value} is out of range",
                            f"a number from {plain_number(lo)} to {plain_number(hi)}",
                            code="out_of_range", params={"value": value, "min": plain_number(lo),
                                                         "max": plain_number(hi)})]
    elif kind == "text":
        if not isinstance(value, str):
            return [Problem(path, "not text", "text", code="wrong_type",
                            params={"kinds": ["text"], "got": repr(value)})]
    elif kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return [Problem(path, f"{value!r} is not a date", "a date YYYY-MM-DD",
                            code="wrong_type", params={"kinds": ["date"], "got": repr(value)})]
    return []


def check_document(assessment: Assessment, forms: Forms) -> list[Problem]:
    """The document's own problems against the forms (ids, scales, vocabularies, addresses),
    errors and warnings, each at its JSON path. The checks that need the rules (a departure
    from the recommendation, the review's comments) are added by
    :func:`hrk_workbench.decision.check.check_against_forms`, which everything but an edit's
    own validation calls."""
    problems: list[Problem] = []
    hrk = forms.hrk
    vocab = forms.vocab
    ds = assessment.dataset

    problems += _in_vocab("dataset.update_frequency", ds.update_frequency,
                          [f.id for f in vocab.frequencies], "update frequency")
    problems += _in_vocab("dataset.hvd_category", ds.hvd_category,
                          [c.id for c in vocab.hvd_categories], "high-value dataset category")
    theme_ids = [t.id for t in vocab.themes]
    for i, theme in enumerate(ds.themes):
        problems += _in_vocab(f"dataset.themes[{i}]", theme, theme_ids, "theme")
    if ds.contact.email and "@" not in ds.contact.email:
        problems.append(Problem("dataset.contact.email", "not an e-mail address",
                                "name@organisation.example", "warning", code="not_email"))
    # a web address that is not one (warnings: the file stays usable, exports leave it out)
    problems += address_problems(assessment)
    tc = ds.temporal_coverage
    if tc.start and tc.end and tc.start > tc.end:
        problems.append(Problem("dataset.temporal_coverage", "start is after end",
                                "start on or before end", code="start_after_end"))

    role_ids = [r.id for r in vocab.roles]
    for i, person in enumerate(assessment.participants):
        for j, role in enumerate(person.roles):
            problems += _in_vocab(f"participants[{i}].roles[{j}]", role, role_ids, "role")

    gate_ids = {q.id for q in hrk.gates.questions}
    for gid in assessment.gates:
        if gid not in gate_ids:
            problems.append(_unknown(f"gates.{gid}", gid, "hrk.yaml gates", gate_ids))

    benefit_ids = {q.id for q in hrk.benefits.questions}
    for bid, ans in assessment.benefits.items():
        if bid not in benefit_ids:
            problems.append(_unknown(f"benefits.{bid}", bid, "hrk.yaml benefits", benefit_ids))
        problems += _on_scale(f"benefits.{bid}.value", ans.value, hrk.benefits.scale, "rating")

    risk_ids = {q.id for q in hrk.risks.questions}
    for rid, risk in assessment.risks.items():
        if rid not in risk_ids:
            problems.append(_unknown(f"risks.{rid}", rid, "hrk.yaml risks", risk_ids))
        base = f"risks.{rid}"
        problems += _on_scale(f"{base}.likelihood", risk.likelihood, hrk.risks.likelihood,
                              "likelihood")
        problems += _on_scale(f"{base}.impact", risk.impact, hrk.risks.impact, "impact")
        problems += _on_scale(f"{base}.residual_likelihood", risk.residual_likelihood,
                              hrk.risks.likelihood, "residual likelihood")
        problems += _on_scale(f"{base}.residual_impact", risk.residual_impact,
                              hrk.risks.impact, "residual impact")
        if None not in (risk.likelihood, risk.impact, risk.residual_likelihood,
                        risk.residual_impact):
            before = risk.likelihood * risk.impact  # type: ignore[operator]
            after = risk.residual_likelihood * risk.residual_impact  # type: ignore[operator]
            if after > before:
                problems.append(Problem(
                    base, f"residual score {after} is higher than before mitigation ({before})",
                    "mitigation that lowers the risk, or check the numbers", "warning",
                    code="residual_higher", params={"risk": rid, "before": before,
                                                    "after": after}))

    cost_ids = {q.id for q in hrk.costs.items}
    for cid in assessment.costs.lines:
        if cid not in cost_ids:
            problems.append(_unknown(f"costs.lines.{cid}", cid, "hrk.yaml costs", cost_ids))

    for section, form, name in (("anonymisation", forms.anonymisation, "anonymisation.yaml"),
                                ("channel", forms.channel, "channel.yaml")):
        questions = {q.id: q for q in form.questions}
        for qid, ans in getattr(assessment, section).items():
            q = questions.get(qid)
            if q is None:
                problems.append(_unknown(f"{section}.{qid}", qid, name, set(questions)))
            else:
                problems += check_generic(f"{section}.{qid}.value", q, ans.value, forms)

    criteria = {c.id for c in forms.quality.criteria}
    for cid, qa in assessment.quality.items():
        if cid not in criteria:
            problems.append(_unknown(f"quality.{cid}", cid, "quality.yaml", criteria))
        problems += _on_scale(f"quality.{cid}.rating", qa.rating, forms.quality.scale,
                              "rating")

    problems += _in_vocab("licence.licence_id", assessment.licence.licence_id,
                          [lic.id for lic in forms.licences.licences], "licence")
    dec = assessment.decision
    problems += _in_vocab("decision.outcome", dec.outcome,
                          [o.id for o in vocab.decision_outcomes], "decision outcome")
    for i, rid in enumerate(dec.residual_risks_accepted):
        if rid not in risk_ids:
            problems.append(Problem(f"decision.residual_risks_accepted[{i}]",
                                    f"no risk {rid!r}", "a risk id such as R1",
                                    code="no_such_risk", params={"value": rid}))
    return problems
