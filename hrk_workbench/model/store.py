"""Reading and writing ``*.hrk.json`` files, and the change log kept on every save.

The file is the source of truth, so it is written atomically, read back with every problem
reported at its JSON path, and each save records who changed which answers, which is the
traceability a decision memo needs.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hrk_workbench.foundations.atomic import (
    LOCK_TIMEOUT_S,
    LockTimeout,
    atomic_write_text,
    content_fingerprint,
    file_fingerprint,
    file_lock,
)
from hrk_workbench.foundations.jsonfile import MAX_ASSESSMENT_BYTES, loads, read_bounded
from hrk_workbench.foundations.problems import InputError, Problem, problems_from_pydantic
from hrk_workbench.foundations.suffix import FILE_SUFFIX as FILE_SUFFIX  # re-exported by the model
from hrk_workbench.model.assessment import Assessment, Change, ChangeLogEntry
from hrk_workbench.model.duplicates import find_duplicate_keys
from hrk_workbench.model.migrations import migrate
from hrk_workbench.model.text import text_problems

AUTHOR_ENV = "HRK_AUTHOR"


class AssessmentFileError(InputError):
    """An assessment file that cannot be read; ``problems`` says where and what was expected."""


class FileChangedError(InputError):
    """Another program saved the file after this one read it; nothing was written.

    Overwriting would silently drop the other program's answers, so the save stops and the
    steward reopens the file and applies the change again.
    """

    def __init__(self, source: str) -> None:
        super().__init__(source, [Problem(
            "$", "the file was changed by another program since it was opened",
            "the version that was read; nothing was written: reopen it and apply your change "
            "again", code="file_changed")])


class FileLockedError(InputError):
    """Another program held the file's save lock for longer than a save can take."""

    def __init__(self, source: str) -> None:
        super().__init__(source, [Problem(
            "$", f"another program has been saving this file for {LOCK_TIMEOUT_S:.0f} seconds",
            "the other save to finish; try again, or close the program that holds it",
            code="file_locked", params={"seconds": int(LOCK_TIMEOUT_S)})])


def document_fingerprint(assessment: Assessment) -> str:
    """The fingerprint of the file that saving ``assessment`` as it is writes."""
    return content_fingerprint(dumps(assessment).encode("utf-8"))


@contextlib.contextmanager
def editing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the file's save lock across a read, an edit and the save (``set``, scripts).

    Every program that saves through :func:`save_assessment` takes the same lock, so two
    ``set`` runs on one file take turns instead of one overwriting the other's answers.
    """
    try:
        with file_lock(path):
            yield
    except LockTimeout:
        raise FileLockedError(str(path)) from None


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
        data = loads(text, source, "too_deep", object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        # the json module's reason (exc.msg) is English whatever --lang says: it stays in the
        # English message and the params, the templates say what to do instead
        where = f"line {exc.lineno}, column {exc.colno}"
        params = {"line": exc.lineno, "column": exc.colno, "detail": exc.msg}
        if not text.lstrip().startswith("{"):  # not even begun as an object: another kind of file
            raise AssessmentFileError(source, [Problem(
                where, f"not valid JSON: {exc.msg}", f"an assessment file *{FILE_SUFFIX}",
                code="not_json", params={**params, "suffix": FILE_SUFFIX})]) from None
        raise AssessmentFileError(source, [Problem(
            where, f"not valid JSON: {exc.msg}",
            "a complete JSON document (the file may be cut short or damaged)",
            code="bad_json", params=params)]) from None
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
    if "id" in data and (data["id"] is None or isinstance(data["id"], str)) \
            and not _given_id(data["id"]):
        # no id yet (a hand-written file): one is made now and written by the first save,
        # which keeps it; an empty id would otherwise name every such dataset alike
        del data["id"]
    problems = problems or text_problems(data)
    if problems:
        raise AssessmentFileError(source, problems)
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        raise AssessmentFileError(source, problems_from_pydantic(exc)) from None


def load_assessment(path: str | os.PathLike[str]) -> Assessment:
    """Read an assessment file; any problem raises :class:`AssessmentFileError`."""
    p = Path(path)
    return parse_assessment(_read_bytes(p), str(p))


def _read_bytes(p: Path) -> bytes:
    try:  # a regular file of bounded size: never a pipe or /dev/zero read forever
        return read_bounded(p, MAX_ASSESSMENT_BYTES)
    except InputError as exc:
        raise AssessmentFileError(exc.source, exc.problems) from None
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
            params={"detail": exc.strerror or str(exc), "errno": exc.errno})]) from None


def read_assessment(path: str | os.PathLike[str]) -> tuple[Assessment, str]:
    """Read an assessment file and the fingerprint of the very bytes parsed.

    Pass the fingerprint to :func:`save_assessment` as ``expected``: the save then refuses
    to replace a file that another program changed in the meantime.
    """
    p = Path(path)
    raw = _read_bytes(p)
    return parse_assessment(raw, str(p)), content_fingerprint(raw)


def write_assessment(assessment: Assessment, path: str | os.PathLike[str], *,
                     expected: str | None = None) -> None:
    """Write the document exactly as it is, atomically (no change-log entry).

    A text no output could carry (too long, or a control character) is refused here, so no
    file on disk ever holds one. With ``expected`` (a fingerprint from
    :func:`read_assessment`) the file on disk must still be that version when the new one
    replaces it, else :class:`FileChangedError` and nothing is written.
    """
    problems = text_problems(assessment.model_dump(mode="json"))
    if problems:
        raise InputError(str(path), problems)

    def unchanged() -> None:
        if file_fingerprint(path) != expected:
            raise FileChangedError(str(path))

    try:
        atomic_write_text(path, dumps(assessment),
                          before_replace=None if expected is None else unchanged)
    except LockTimeout:
        raise FileLockedError(str(path)) from None


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


def _answers(assessment: Assessment, exclude_defaults: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # comments and approvals are the review's own record, not answers: never logged as edits
    data = assessment.model_dump(mode="json", exclude={"change_log", "comments", "approvals"},
                                 exclude_defaults=exclude_defaults)
    _flatten(data, "", out)
    return out


def diff_answers(before: Assessment | None, after: Assessment) -> list[Change]:
    """Every answer path whose value differs; an empty or default value counts as absent.

    A part that appears or disappears (a new cost line) brings its untouched defaults (the
    other amounts at 0); those were never answered, so only its set values are changes.
    """
    old = _answers(before) if before is not None else {}
    new = _answers(after)
    old_set = _answers(before, exclude_defaults=True) if before is not None else {}
    new_set = _answers(after, exclude_defaults=True)
    changes = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if _blank(a) and _blank(b):
            continue
        if (path not in old and path not in new_set) or (path not in new and path not in old_set):
            continue
        if a != b:
            changes.append(Change(path=path, old=a, new=b))
    return changes


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _baseline(path: Path, assessment: Assessment) -> Assessment | None:
    """The document already at ``path`` when it is this one: same id, or a file with no id
    yet (a hand-written one), which this save gives the id it was read with."""
    try:
        raw = _read_bytes(path)
        on_disk = parse_assessment(raw, str(path))
    except AssessmentFileError:
        return None
    if on_disk.id == assessment.id:
        return on_disk
    return on_disk.model_copy(update={"id": assessment.id}) if _lacks_id(raw) else None


def _lacks_id(raw: bytes) -> bool:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        return False
    return isinstance(data, dict) and not _given_id(data.get("id"))


def _given_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def save_assessment(
    assessment: Assessment,
    path: str | os.PathLike[str],
    *,
    author: str | None = None,
    baseline: Assessment | None = None,
    now: datetime | None = None,
    kind: str = "",
    expected: str | None = None,
) -> Assessment:
    """Save with a change-log entry and return the document as written.

    The changes are computed against ``baseline`` (the last saved state the caller holds), else
    against the same document already at ``path``, else against an empty assessment. A save
    that changes nothing adds no entry, so the log lists only real edits. ``expected``: see
    :func:`write_assessment`. ``kind`` marks the entry (``reassessment``: a re-measure on new
    data), so the history tells it from an edit.
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
                               by=current_author(author), changes=changes, kind=kind)
        saved = assessment.model_copy(update={"change_log": [*assessment.change_log, entry]},
                                      deep=True)
    write_assessment(saved, target, expected=expected)
    return saved
