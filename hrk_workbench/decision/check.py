"""Every problem of an assessment: the document's own (ids, scales, vocabularies) and those
only the rules can see, a departure from the recommendation without a justification and the
review's open comments and approvals that no longer stand.

It sits above the rules because the departure is measured against the recommendation; the
model's own check (:func:`hrk_workbench.model.check.check_document`) stays below them, and an
edit validates against it (the rules' findings are warnings, never a refused edit).
"""

from __future__ import annotations

from hrk_workbench.decision.departure import justification_problems
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.check import check_document
from hrk_workbench.review.comments import review_warnings


def check_against_forms(assessment: Assessment, forms: Forms) -> list[Problem]:
    """Every problem with the answers, errors and warnings, each at its JSON path."""
    problems = check_document(assessment, forms)
    if assessment.decision.outcome is not None and \
            not any(p.severity == "error" for p in problems):
        # a decision more open than the recommendation needs a written justification
        problems += justification_problems(assessment, forms)
    # the review (issue 33): open comments and approvals that no longer stand are warnings
    problems += review_warnings(assessment, forms)
    return problems
