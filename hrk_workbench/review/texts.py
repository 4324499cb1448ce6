"""The review's words in the steward's language: roles, comment lines, an approval's check
and status, shared by the command line, the app and the memo."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hrk_workbench.forms.loader import Forms

if TYPE_CHECKING:
    from hrk_workbench.model.assessment import Assessment
    from hrk_workbench.review.approval import ApprovalCheck


def review_label(key: str, lang: str, forms: Forms, **values: Any) -> str:
    from hrk_workbench.foundations.i18n import label

    text = label(key, lang, forms)
    return text.format(**values) if values else text


def role_name(role: str, lang: str, forms: Forms) -> str:
    return role_text(role, lang, forms)


def role_text(role: str, lang: str, forms: Forms) -> str:
    """A reviewer's or approver's role in words; a role edited by hand into something else
    is shown as written."""
    key = f"review_role_{role}"
    text = review_label(key, lang, forms)
    return role if text == key else text


def comment_lines(assessment: Assessment, lang: str, forms: Forms) -> list[str]:
    """Each comment as a line (and its resolution as a second one), oldest first."""
    from hrk_workbench.foundations.i18n import format_moment

    out = []
    for c in assessment.comments:
        out.append(review_label("review_line", lang, forms, id=c.id,
                          status=review_label(f"review_status_{c.status}", lang, forms), on=c.on,
                          by=c.by, role=role_name(c.role, lang, forms),
                          at=format_moment(c.at, lang), text=c.text))
        if c.status == "resolved":
            out.append("    " + review_label("review_resolution_line", lang, forms,
                                       by=c.resolved_by, text=c.resolution,
                                       at=format_moment(c.resolved_at, lang)
                                       if c.resolved_at else ""))
    return out


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def change_text(changes: Any, words: Any = None, limit: int = 12) -> str:
    """``risks.R2.likelihood 2 → 4, decision.outcome open → limited_access``; ``words``
    turns a path into the app's words (question texts) instead."""
    parts = [f"{words(p) if words else p} {_value(o)} → {_value(n)}"
             for p, o, n in list(changes)[:limit]]
    more = len(list(changes)) - limit
    return ", ".join(parts) + (f", … (+{more})" if more > 0 else "")


def check_text(c: ApprovalCheck, lang: str, forms: Forms, words: Any = None) -> str:
    """One approval's status as a sentence: who, role, when, the key, and what failed."""
    from hrk_workbench.foundations.i18n import format_moment

    a = c.approval
    head = review_label("verify_head", lang, forms, n=c.index + 1, by=a.by,
                  role=role_name(a.role, lang, forms), at=format_moment(a.at, lang),
                  fingerprint=key_text(c, lang, forms))
    return f"{head}: {status_text(c, lang, forms, words)}"


def key_text(c: ApprovalCheck, lang: str, forms: Forms) -> str:
    """The key's fingerprint, "(example key)" after it for the bundled examples' key."""
    a = c.approval
    return a.key_fingerprint + (" " + review_label("verify_example_key", lang, forms)
                                if a.example_key else "")


def status_text(c: ApprovalCheck, lang: str, forms: Forms, words: Any = None) -> str:
    """valid; void and what changed since (paths, or ``words(path)``); edited by hand and
    how; another assessment's; or signed by a key not trusted."""
    if c.status == "void":
        detail = []
        if c.changes:
            detail.append(review_label("verify_void", lang, forms,
                                 changes=change_text(c.changes, words)))
        if c.data_changes:
            detail.append(review_label("verify_void_data", lang, forms,
                                 files=", ".join(c.data_changes)))
        return "; ".join(detail)
    if c.status == "tampered":
        return review_label(f"verify_tampered_{c.reason}", lang, forms)
    return review_label(f"verify_{c.status}", lang, forms, id=str(c.approval.content.get("id", "")))
