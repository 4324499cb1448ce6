"""Reading and writing ``*.hrk.json`` files, and the change log kept on every save.

The file is the source of truth, so it is written atomically, read back with every problem
reported at its JSON path, and each save records who changed which answers, which is the
traceability a decision memo needs.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hrk_workbench.atomic import atomic_write_text
from hrk_workbench.problems import InputError, Problem, problems_from_pydantic
from hrk_workbench.suffix import FILE_SUFFIX as FILE_SUFFIX  # re-exported by the model

from .assessment import Assessment, Change, ChangeLogEntry
from .duplicates import find_duplicate_keys
from .migrations import migrate

AUTHOR_ENV = "HRK_AUTHOR"


class AssessmentFileError(InputError):
    """An assessment file that cannot be read; ``problems`` says where and what was expected."""


def dumps(assessment: Assessment) -> str:
    """Deterministic, diff-friendly JSON: same document, same bytes."""
    data = assessment.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def parse_assessment(text: str | bytes, source: str = "<input>") -> Assessment:
    """Parse and validate a document, migrating older schema versions."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AssessmentFileError(source, [Problem(
                f"byte {exc.start}", "the file is not UTF-8 text",
                "a JSON file saved by HRK Workbench", code="not_utf8",
                params={"byte": exc.start})]) from None
    if not text.strip():
        raise AssessmentFileError(source, [Problem("$", "the file is empty",
                                                   "a JSON object with schema_version",
                                                   code="empty_file")])
    seen_duplicate = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal seen_duplicate
        result = dict(pairs)
        seen_duplicate = seen_duplicate or len(result) < len(pairs)
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise AssessmentFileError(source, [Problem(
            f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}",
            "a complete JSON document (the file may be cut short or damaged)",
            code="bad_json", params={"line": exc.lineno, "column": exc.colno,
                                     "detail": exc.msg})]) from None
    except RecursionError:
        raise AssessmentFileError(source, [Problem("$", "JSON nested too deeply",
                                                   "an assessment document",
                                                   code="too_deep")]) from None
    if seen_duplicate:
        raise AssessmentFileError(source, [Problem(
            f"line {d.line}", f"key {d.key!r} appears twice in {d.path}; only one can count",
            "each key once: remove or merge one of them", code="duplicate_key",
            params={"line": d.line, "key": d.key, "path": d.path})
            for d in find_duplicate_keys(text)])
    if not isinstance(data, dict):
        raise AssessmentFileError(source, [Problem(
            "$", f"the document is a JSON {type(data).__name__}", "a JSON object",
            code="not_an_object", params={"kind": type(data).__name__})])
    data, problems = migrate(data)
    if problems:
        raise AssessmentFileError(source, problems)
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        raise AssessmentFileError(source, problems_from_pydantic(exc)) from None


def load_assessment(path: str | os.PathLike[str]) -> Assessment:
    """Read an assessment file; any problem raises :class:`AssessmentFileError`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise AssessmentFileError(str(p), [Problem("$", "file not found",
                                                   "an existing .hrk.json file",
                                                   code="file_not_found")]) from None
    except IsADirectoryError:
        raise AssessmentFileError(str(p), [Problem("$", "is a folder",
                                                   "an .hrk.json file",
                                                   code="is_a_folder")]) from None
    except OSError as exc:
        raise AssessmentFileError(str(p), [Problem(
            "$", f"cannot read: {exc.strerror}", code="cannot_read",
            params={"detail": exc.strerror or str(exc)})]) from None
    return parse_assessment(raw, str(p))


def write_assessment(assessment: Assessment, path: str | os.PathLike[str]) -> None:
    """Write the document exactly as it is, atomically (no change-log entry)."""
    atomic_write_text(path, dumps(assessment))


def current_author(configured: str | None = None) -> str:
    """The name recorded in the change log: configured name, ``$HRK_AUTHOR``, or OS user."""
    if configured and configured.strip():
        return configured.strip()
    if env := os.environ.get(AUTHOR_ENV, "").strip():
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for i, item in enumerate(value):
            _flatten(item, f"{prefix}[{i}]", out)
    else:
        out[prefix] = value


def _answers(assessment: Assessment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    data = assessment.model_dump(mode="json", exclude={"change_log"})
    _flatten(data, "", out)
    return out


def diff_answers(before: Assessment | None, after: Assessment) -> list[Change]:
    """Every answer path whose value differs; an empty or default value counts as absent."""
    old = _answers(before) if before is not None else {}
    new = _answers(after)
    changes = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if _blank(a) and _blank(b):
            continue
        if a != b:
            changes.append(Change(path=path, old=a, new=b))
    return changes


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _baseline(path: Path, assessment: Assessment) -> Assessment | None:
    try:
        on_disk = load_assessment(path)
    except AssessmentFileError:
        return None
    return on_disk if on_disk.id == assessment.id else None


def save_assessment(
    assessment: Assessment,
    path: str | os.PathLike[str],
    *,
    author: str | None = None,
    baseline: Assessment | None = None,
    now: datetime | None = None,
) -> Assessment:
    """Save with a change-log entry and return the document as written.

    The changes are computed against ``baseline`` (the last saved state the caller holds), else
    against the same document already at ``path``, else against an empty assessment. A save
    that changes nothing adds no entry, so the log lists only real edits.
    """
    target = Path(path)
    if baseline is None:
        baseline = _baseline(target, assessment)
    if baseline is None:
        baseline = Assessment(id=assessment.id, created=assessment.created,
                              language=assessment.language)
    changes = diff_answers(baseline, assessment)
    saved = assessment
    if changes:
        entry = ChangeLogEntry(at=(now or datetime.now(UTC)).replace(microsecond=0),
                               by=current_author(author), changes=changes)
        saved = assessment.model_copy(update={"change_log": [*assessment.change_log, entry]},
                                      deep=True)
    write_assessment(saved, target)
    return saved
