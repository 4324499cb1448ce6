"""Review comments: a reviewer's remark on an answer or a step, open until resolved.

A comment is on an answer path (``gates.G2``, ``risks.R2.likelihood``) or on a whole step
(``risks``, ``decision``); a question id the forms do not know is refused, so a comment
never points at nothing. Who comments need not be a participant.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.model.assessment import Assessment, ReviewComment, ReviewerRole
from hrk_workbench.review.canonical import NOT_COVERED

ROLES: tuple[ReviewerRole, ...] = ("dpo", "it", "decider", "other")


def _sections() -> list[str]:
    return [n for n in Assessment.model_fields if n not in NOT_COVERED and n != "id"]


def target_problems(on: str, forms: Forms) -> list[Problem]:
    """Why ``on`` names no answer or step of the assessment, or nothing."""
    from hrk_workbench.model.edit import _KEYED, EditError, split_path

    sections = _sections()
    try:
        parts = split_path(on.strip())
    except EditError as exc:
        return exc.problems
    if not parts or parts[0] not in sections:
        return [Problem("--on", f"{on!r} is not an answer or a step",
                        "a step (" + ", ".join(sections) + ") or an answer path such as "
                        "gates.G2", code="review_bad_target",
                        params={"got": on, "steps": sections})]
    for keys, (ids_of, _) in _KEYED.items():
        n = len(keys)
        if tuple(parts[:n]) == keys and len(parts) > n and parts[n] not in ids_of(forms):
            return [Problem("--on", f"no question {parts[n]!r} in {'.'.join(keys)}",
                            f"one of {', '.join(ids_of(forms))}", code="unknown_id",
                            params={"id": parts[n], "where": ".".join(keys)})]
    return []


def add_comment(assessment: Assessment, on: str, text: str, by: str, role: ReviewerRole,
                forms: Forms, now: datetime | None = None) -> ReviewComment:
    """Add an open comment; a bad target, an empty text or no name is refused."""
    problems = target_problems(on, forms)
    if not text.strip():
        problems.append(Problem("--comment", "the comment is empty", "what to look at",
                                code="review_empty", params={"what": "--comment"}))
    if not by.strip():
        problems.append(Problem("--as", "no name given", "the reviewer's name",
                                code="review_no_name"))
    if problems:
        raise InputError("review", problems)
    number = max((int(c.id[1:]) for c in assessment.comments), default=0) + 1
    comment = ReviewComment(id=f"c{number}", on=on.strip(), text=text.strip(), by=by.strip(),
                            role=role, at=(now or datetime.now(UTC)).replace(microsecond=0))
    assessment.comments = [*assessment.comments, comment]
    return comment


def resolve_comment(assessment: Assessment, comment_id: str, resolution: str, by: str,
                    now: datetime | None = None) -> ReviewComment:
    """Mark a comment resolved, with the resolution and who resolved it."""
    found = next((c for c in assessment.comments if c.id == comment_id.strip()), None)
    problems = []
    if found is None:
        problems.append(Problem("--resolve", f"no comment {comment_id!r}",
                                "one of " + (", ".join(c.id for c in assessment.comments)
                                             or "no comments yet"),
                                code="review_no_such_comment",
                                params={"id": comment_id,
                                        "ids": [c.id for c in assessment.comments]}))
    elif found.status == "resolved":
        problems.append(Problem("--resolve", f"comment {found.id} is already resolved",
                                "an open comment", code="review_already_resolved",
                                params={"id": found.id, "by": found.resolved_by}))
    if not resolution.strip():
        problems.append(Problem("--resolution", "the resolution is empty",
                                "how the comment was resolved", code="review_empty",
                                params={"what": "--resolution"}))
    if not by.strip():
        problems.append(Problem("--as", "no name given", "the name of who resolves it",
                                code="review_no_name"))
    if problems:
        raise InputError("review", problems)
    assert found is not None
    resolved = found.model_copy(update={
        "status": "resolved", "resolution": resolution.strip(), "resolved_by": by.strip(),
        "resolved_at": (now or datetime.now(UTC)).replace(microsecond=0)})
    assessment.comments = [resolved if c.id == found.id else c for c in assessment.comments]
    return resolved


def review_warnings(assessment: Assessment, forms: Forms) -> list[Problem]:
    """For ``validate``: each open comment, and each approval that no longer stands."""
    from hrk_workbench.review.texts import role_text

    def role(code: str) -> dict[str, str]:  # the role in every language, for the template
        return {lang: role_text(code, lang, forms) for lang in forms.messages}

    out = [Problem(c.on, f"open review comment {c.id} by {c.by} ({c.role}): {c.text}",
                   "a resolution", "warning", code="comment_open",
                   params={"id": c.id, "by": c.by, "role": role(c.role), "text": c.text})
           for c in assessment.comments if c.status == "open"]
    if not assessment.approvals:  # the signatures' library loads only for a signed file
        return out
    from hrk_workbench.review.approval import check_approvals

    codes = {"void": "approval_void", "tampered": "approval_tampered",
             "foreign": "approval_foreign", "untrusted": "approval_untrusted"}
    for check in check_approvals(assessment):
        if not check.stands:
            a = check.approval
            code = codes[check.status]
            out.append(Problem(f"approvals[{check.index}]",
                               f"the approval by {a.by} ({a.role}) is {check.status}",
                               "verify FILE for the details", "warning", code=code,
                               params={"by": a.by, "role": role(a.role),
                                       "count": len(check.changes) + len(check.data_changes)}))
    return out
