"""``review``, ``approve`` and ``verify``: the review flow on the command line.

Light on import (the CLI imports every command module to build its parser): the key and
the model load inside the commands. Exit codes: 0 done (``verify``: every approval stands,
or there is none), 1 ``verify`` found an approval void, edited or untrusted, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.review.texts import (
    check_text,
    comment_lines,
    review_label,
    role_name,
)

if TYPE_CHECKING:
    from hrk_workbench.model.assessment import Assessment

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
REVIEW_ROLES = ("dpo", "it", "decider", "other")
APPROVER_ROLES = ("decider", "dpo")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``review``, ``approve`` and ``verify`` to the CLI's subparsers."""
    p = sub.add_parser("review", parents=[common],
                       help="comment on an answer or step, resolve a comment, or list them")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--on", metavar="PATH", help="answer path or step, e.g. gates.G2, risks")
    p.add_argument("--comment", metavar="TEXT", help="the comment")
    p.add_argument("--resolve", metavar="ID", help="resolve comment ID (c1, c2, …)")
    p.add_argument("--resolution", metavar="TEXT", help="how it was resolved")
    p.add_argument("--as", dest="name", metavar="NAME",
                   help="the reviewer's name (default $HRK_AUTHOR or the OS user)")
    p.add_argument("--role", choices=REVIEW_ROLES, help="the reviewer's role")
    p.add_argument("--list", action="store_true", help="list the comments (the default)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("approve", parents=[common],
                       help="approve this version of the assessment, signed with your key")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as", dest="name", metavar="NAME", required=True,
                   help="the approver's name")
    p.add_argument("--role", choices=APPROVER_ROLES, required=True,
                   help="decider (the decision) or dpo (the data-protection statement)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("verify", parents=[common],
                       help="check every approval: unchanged since, signature, trusted key")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--trusted-keys", metavar="FILE",
                   help="only keys listed here (fingerprint or public key a line) may sign")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_verify)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_review(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.foundations.problems import InputError, Problem
    from hrk_workbench.model.store import current_author, editing, read_assessment, write_assessment
    from hrk_workbench.review.comments import add_comment, resolve_comment

    lang = args.lang
    adding = args.on is not None or args.comment is not None
    if adding and args.resolve is not None:
        raise InputError("review", [Problem("--resolve", "--resolve with --on/--comment",
                                            "either a new comment or a resolution",
                                            code="review_two_modes")])
    if not adding and args.resolve is None:
        assessment, _ = read_assessment(args.file)
        return _list(args.file, assessment, lang, forms, args.json)
    if adding:
        missing = [o for o, v in (("--on", args.on), ("--comment", args.comment),
                                  ("--role", args.role)) if v is None]
        if missing:
            raise InputError("review", [Problem(o, f"{o} is missing", code="review_missing",
                                                params={"option": o}) for o in missing])
    name = current_author(args.name)
    with editing(args.file):
        assessment, fingerprint = read_assessment(args.file)
        if adding:
            comment = add_comment(assessment, args.on, args.comment, name, args.role, forms)
            line = review_label("review_added", lang, forms, file=args.file, id=comment.id,
                          on=comment.on, by=comment.by, role=role_name(comment.role, lang, forms))
        else:
            if args.resolution is None:
                raise InputError("review", [Problem("--resolution", "--resolution is missing",
                                                    code="review_missing",
                                                    params={"option": "--resolution"})])
            comment = resolve_comment(assessment, args.resolve, args.resolution, name)
            line = review_label("review_resolved", lang, forms, file=args.file, id=comment.id,
                          by=comment.resolved_by)
        write_assessment(assessment, args.file, expected=fingerprint)
    if args.json:
        _print_json({"file": args.file, "comment": comment.model_dump(mode="json")})
    else:
        print(line)
    return EXIT_OK


def _list(file: str, assessment: Assessment, lang: str, forms: Forms, as_json: bool) -> int:
    if as_json:
        _print_json({"file": file, "comments": [c.model_dump(mode="json")
                                                for c in assessment.comments]})
    elif not assessment.comments:
        print(review_label("review_none", lang, forms, file=file))
    else:
        for line in comment_lines(assessment, lang, forms):
            print(line)
    return EXIT_OK


def cmd_approve(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.foundations.problems import InputError, Problem, has_errors
    from hrk_workbench.model.store import editing, read_assessment, write_assessment
    from hrk_workbench.review.approval import approve
    from hrk_workbench.review.signing import fingerprint, key_path, load_or_create_key, public_text

    lang = args.lang
    if not args.name.strip():
        raise InputError("approve", [Problem("--as", "no name given", "the approver's name",
                                             code="review_no_name")])
    key, created = load_or_create_key()
    if created:
        print(review_label("review_key_created", lang, forms, path=key_path(),
                     fingerprint=fingerprint(public_text(key.public_key()))), file=sys.stderr)
    with editing(args.file):
        assessment, fp = read_assessment(args.file)
        problems = check_against_forms(assessment, forms)
        if has_errors(problems):
            raise InputError(args.file, problems)
        approval = approve(assessment, args.name, args.role, key)
        write_assessment(assessment, args.file, expected=fp)
    if args.json:
        _print_json({"file": args.file, "approval": {
            k: v for k, v in approval.model_dump(mode="json").items() if k != "content"}})
        return EXIT_OK
    print(review_label("review_approved", lang, forms, file=args.file, by=approval.by,
                 role=role_name(approval.role, lang, forms), digest=approval.digest[:16],
                 fingerprint=approval.key_fingerprint))
    if approval.open_comments:
        print(review_label("review_approved_open", lang, forms, file=args.file,
                     count=len(approval.open_comments), ids=", ".join(approval.open_comments)))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.model.store import load_assessment
    from hrk_workbench.review.approval import check_approvals, read_trusted

    lang = args.lang
    trusted = read_trusted(args.trusted_keys) if args.trusted_keys else None
    assessment = load_assessment(args.file)
    checks = check_approvals(assessment, trusted, Path(args.file))
    ok = all(c.stands for c in checks)
    if args.json:
        _print_json({"file": args.file, "valid": ok, "approvals": [{
            "index": c.index, "by": c.approval.by, "role": c.approval.role,
            "at": c.approval.model_dump(mode="json")["at"], "status": c.status,
            "reason": c.reason, "key_fingerprint": c.approval.key_fingerprint,
            "example_key": c.approval.example_key,
            "changes": [{"path": p, "old": o, "new": n} for p, o, n in c.changes],
            "data_changes": list(c.data_changes),
            "message": check_text(c, lang, forms)} for c in checks]})
        return EXIT_OK if ok else EXIT_FAILED
    if not checks:
        print(review_label("verify_none", lang, forms, file=args.file))
        return EXIT_OK
    for c in checks:
        stream = sys.stdout if c.stands else sys.stderr
        print(f"{args.file}: {check_text(c, lang, forms)}", file=stream)
    return EXIT_OK if ok else EXIT_FAILED


def failing_approvals(path: str, lang: str, forms: Forms) -> list[str]:
    """A line for each approval of the file at ``path`` that no longer stands (void since a
    change, edited by hand, copied from another file, or its data file changed); empty when
    every approval stands or there is none. For commands that re-check a file (reassess)."""
    from hrk_workbench.model.store import load_assessment
    from hrk_workbench.review.approval import check_approvals

    checks = check_approvals(load_assessment(path), None, Path(path))
    return [f"{path}: {check_text(c, lang, forms)}" for c in checks if not c.stands]
