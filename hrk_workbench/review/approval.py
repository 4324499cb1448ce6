"""Approvals bound to a version: record one, and check every one against the file as it is.

An approval keeps the digest of the content it approved and that content itself, signed by
the approver's key. Checking recomputes the digest of the current content: equal, the
approval stands; different, it is void and the differences are named path by path. A
digest that does not match the approval's own stored content, a signature that does not
verify, or a fingerprint that is not its key's mean the approval was edited by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.model.assessment import Approval, ApproverRole, Assessment
from hrk_workbench.review.canonical import canonical_content, canonical_json, changed_paths, digest
from hrk_workbench.review.signing import fingerprint, public_text, sign, signature_ok

Status = Literal["valid", "superseded", "void", "tampered", "foreign", "untrusted"]


def signed_payload(approval: Approval) -> bytes:
    """What the signature covers: digest, approver, role, time and public key."""
    at = approval.model_dump(mode="json")["at"]
    return canonical_json({"digest": approval.digest, "approver": approval.by,
                           "role": approval.role, "approved_at": at,
                           "public_key": approval.public_key})


def approve(assessment: Assessment, by: str, role: ApproverRole, key: Ed25519PrivateKey, *,
            now: datetime | None = None, example_key: bool = False) -> Approval:
    """Add a signed approval of the assessment as it is now and return it."""
    content = canonical_content(assessment)
    public = public_text(key.public_key())
    approval = Approval.model_construct(
        by=by.strip(), role=role, at=(now or datetime.now(UTC)).replace(microsecond=0),
        digest=digest(content), content=content,
        open_comments=[c.id for c in assessment.comments if c.status == "open"],
        public_key=public, key_fingerprint=fingerprint(public), signature="",
        example_key=example_key)
    signed = Approval.model_validate({**approval.model_dump(mode="json"),
                                      "signature": sign(key, signed_payload(approval))})
    assessment.approvals = [*assessment.approvals, signed]
    return signed


@dataclass(frozen=True)
class ApprovalCheck:
    """One approval and what checking it found.

    ``status``: valid; void (the content changed since: ``changes``); superseded (void, but
    a later approval in the same role, valid, approves the current version: the earlier one
    stays as the record of the earlier version); tampered (the approval itself was edited:
    ``reason`` says how); foreign (approved another assessment, e.g. an approval copied
    between files); untrusted (valid, but the key is not on the list).
    """

    index: int
    approval: Approval
    status: Status
    changes: tuple[tuple[str, Any, Any], ...] = ()
    reason: str = ""  # for tampered: digest, signature or fingerprint
    data_changes: tuple[str, ...] = field(default=())  # data files changed on disk

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def stands(self) -> bool:
        """Nothing wrong: valid, or superseded by a valid later approval."""
        return self.status in ("valid", "superseded")


def check_approvals(assessment: Assessment, trusted: set[str] | None = None,
                    path: Path | None = None) -> list[ApprovalCheck]:
    """Every approval checked against the assessment as it is (see the module doc).

    ``trusted``: fingerprints and base64 keys that may sign (None: any key). ``path``: the
    assessment file, whose folder holds the data files the labs measured; a file that is
    there and no longer has the fingerprint recorded voids the approval too.
    """
    current = canonical_content(assessment)
    now_digest = digest(current)
    data_changes = tuple(changed_data_files(assessment, path)) if path else ()
    out = []
    for i, a in enumerate(assessment.approvals):
        if digest(a.content) != a.digest:
            out.append(ApprovalCheck(i, a, "tampered", reason="digest"))
        elif fingerprint(a.public_key) != a.key_fingerprint:
            out.append(ApprovalCheck(i, a, "tampered", reason="fingerprint"))
        elif not signature_ok(a.public_key, a.signature, signed_payload(a)):
            out.append(ApprovalCheck(i, a, "tampered", reason="signature"))
        elif a.content.get("id") != assessment.id:
            out.append(ApprovalCheck(i, a, "foreign"))
        elif a.digest != now_digest or data_changes:
            out.append(ApprovalCheck(i, a, "void",
                                     changes=tuple(changed_paths(a.content, current)),
                                     data_changes=data_changes))
        elif trusted is not None and not ({a.key_fingerprint, a.public_key} & trusted):
            out.append(ApprovalCheck(i, a, "untrusted"))
        else:
            out.append(ApprovalCheck(i, a, "valid"))
    for n, check in enumerate(out):  # an earlier version's approval, approved again since
        if check.status == "void" and not check.data_changes and any(
                later.valid and later.approval.role == check.approval.role
                for later in out[n + 1:]):
            out[n] = replace(check, status="superseded")
    return out


def changed_data_files(assessment: Assessment, assessment_path: Path) -> list[str]:
    """The recorded data files (``risk_lab.source`` …) that are there and no longer as
    measured: the lab results describe data that is not the data any more. A file that is
    gone is not counted here (an approver may read the assessment far from its data);
    ``validate`` warns of it."""
    from hrk_workbench.disclosure.fingerprints import stale_results

    return [f"{s.location} ({Path(s.path).name})"
            for s in stale_results(assessment, assessment_path) if s.change != "missing"]


def read_trusted(path: str) -> set[str]:
    """A trusted-keys file: one fingerprint (``SHA256:…``) or base64 public key a line;
    ``#`` starts a comment. A line that is neither is an error naming it."""
    from hrk_workbench.foundations.jsonfile import read_bounded

    try:
        text = read_bounded(Path(path), 1 << 20).decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, [Problem("$", "file not found", "a trusted-keys file",
                                        code="file_not_found")]) from None
    except UnicodeDecodeError:
        raise InputError(path, [Problem("$", "the file is not UTF-8 text",
                                        "one key fingerprint a line", code="not_utf8",
                                        params={"byte": 0})]) from None
    keys: set[str] = set()
    problems = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("SHA256:") and len(line) == 50:
            keys.add(line)
        elif _is_public_key(line):
            keys.update({line, fingerprint(line)})
        else:
            problems.append(Problem(f"line {n}", "not a key fingerprint or public key",
                                    "SHA256:… or a base64 Ed25519 public key",
                                    code="trusted_key_bad_line", params={"line": n}))
    if problems:
        raise InputError(path, problems)
    return keys


def _is_public_key(text: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.b64decode(text, validate=True)) == 32
    except (ValueError, binascii.Error):
        return False


def valid_decider_approval(checks: Sequence[ApprovalCheck]) -> ApprovalCheck | None:
    """The last valid decider approval, if any."""
    return next((c for c in reversed(checks) if c.valid and c.approval.role == "decider"),
                None)
