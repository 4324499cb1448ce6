"""Small read helpers over an assessment's generic answers, shared by the advice rules."""

from __future__ import annotations

from hrk_workbench.model.assessment import Answer, Assessment


def value(answers: dict[str, Answer], qid: str) -> object:
    """The answer value of question ``qid`` or None when it is unanswered."""
    ans = answers.get(qid)
    return ans.value if ans is not None else None


def choice(answers: dict[str, Answer], qid: str) -> str | None:
    v = value(answers, qid)
    return v if isinstance(v, str) else None


def choices(answers: dict[str, Answer], qid: str) -> list[str]:
    v = value(answers, qid)
    return [x for x in v if isinstance(x, str)] if isinstance(v, list) else []


def gate(assessment: Assessment, gid: str) -> str | None:
    g = assessment.gates.get(gid)
    return g.value if g is not None else None
