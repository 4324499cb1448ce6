"""The content an approval covers, as bytes that are the same for the same answers.

What is covered: the assessment's ``id`` and every answer section (dataset, participants,
gates … publication), the lab results with the fingerprints of the data files they measured,
and the decision. What is not: the schema version and creation time (a migration or a copy
must not void an approval), the change log (it records saves, not answers), the comments
and the approvals themselves. Fields at their default value are left out, so a newer
version that adds an optional field does not change the digest of an older file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hrk_workbench.model.assessment import Assessment

NOT_COVERED = frozenset({"schema_version", "created", "change_log", "comments", "approvals"})


def canonical_content(assessment: Assessment) -> dict[str, Any]:
    """The answers, lab results and decision as plain JSON values (see the module doc)."""
    data = assessment.model_dump(mode="json", exclude=set(NOT_COVERED), exclude_defaults=True)
    data["id"] = assessment.id  # always named, whatever its default
    return data


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def digest(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``content``."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def flatten(content: dict[str, Any]) -> dict[str, Any]:
    """Answer path -> value (``risks.R2.likelihood`` -> 2), the paths ``set`` and the change
    log use, so a change since an approval is named as the steward would write it."""
    from hrk_workbench.model.store import _flatten  # the change log's own flattener

    out: dict[str, Any] = {}
    _flatten(content, "", out)
    return out


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every path whose value differs, in path order; a value absent on
    one side is None there."""
    old, new = flatten(before), flatten(after)
    return [(p, old.get(p), new.get(p)) for p in sorted(set(old) | set(new))
            if old.get(p) != new.get(p)]
