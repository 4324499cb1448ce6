"""Fingerprints of the files a lab read and wrote, and whether a saved lab result is stale.

A lab result holds for the data it was measured on. When the data file is replaced by a new
extract, or the public file is edited after it was measured, the saved k and verdict no longer
describe anything real, yet nothing would say so: the memo would go on quoting them. So every
lab result records each file's path, SHA-256, size, rows, columns and modification time, and
:func:`stale_results` compares them with the files as they are now.

Hashing is streamed (1 MiB at a time), so a file larger than memory is fingerprinted too. The
SHA-256 decides: a file whose size differs is changed without reading it; otherwise the file
is hashed again, except when this process already hashed the very same version (same size,
modification time in nanoseconds and inode), whose hash is remembered. A check that repeats on
every edit in the app therefore reads each version of a file once, and ``validate`` (a new
process) always reads the file again.

Paths: the assessment otherwise keeps a data file's *name* only, because a path can name a
person's folder. A re-check must find the file, so the fingerprint stores the path relative
to the assessment's folder when the file lies under it (no personal folder named, and the
pair can be moved together), and the absolute path only for a file elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hrk_workbench.foundations.problems import Problem

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.model.assessment import Assessment, DataFingerprint

CHUNK = 1 << 20
Change = Literal["missing", "size", "contents"]
_HASHES: dict[tuple[str, int, int, int], str] = {}


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The file's SHA-256, read in chunks; the same version is hashed once per process."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with p.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def stored_path(file: str | os.PathLike[str], base: str | os.PathLike[str] | None) -> str:
    """``file`` relative to ``base`` (the assessment's folder) when it lies under it, written
    with forward slashes; else its absolute path."""
    target = Path(file).resolve()
    if base is not None:
        try:
            return target.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            pass
    return str(target)


def resolved(fp_path: str, base: str | os.PathLike[str] | None) -> Path:
    """Where a stored path points: relative ones from the assessment's folder."""
    p = Path(fp_path)
    if p.is_absolute() or base is None:
        return p
    return Path(base) / p


def fingerprint(file: str | os.PathLike[str], base: str | os.PathLike[str] | None = None,
                rows: int | None = None, columns: int | None = None) -> dict[str, Any]:
    """The ``DataFingerprint`` of ``file`` as a JSON dict (``base``: the assessment's folder)."""
    from hrk_workbench.model.assessment import DataFingerprint

    st = Path(file).stat()
    fp = DataFingerprint(
        path=stored_path(file, base), sha256=sha256_of(file), size=st.st_size,
        rows=None if rows is None else int(rows),
        columns=None if columns is None else int(columns),
        modified=datetime.fromtimestamp(st.st_mtime, UTC))
    return fp.model_dump(mode="json")


def change_of(fp: DataFingerprint, base: str | os.PathLike[str] | None) -> Change | None:
    """How the file differs from its fingerprint: ``missing``, ``size``, ``contents``, or
    None when it is the same file. A fingerprint without a hash (not recorded) never is."""
    if not fp.path or not fp.sha256:
        return None
    p = resolved(fp.path, base)
    try:
        st = p.stat()
        if not p.is_file():
            return "missing"
        if fp.size is not None and st.st_size != fp.size:
            return "size"
        return None if sha256_of(p) == fp.sha256 else "contents"
    except OSError:  # gone, or no longer readable: either way not the file measured
        return "missing"


@dataclass(frozen=True)
class StaleFile:
    """One file of a saved lab result that is no longer as it was."""

    location: str  # risk_lab.source, table_lab[0].output, ...
    lab: str  # risk_lab or table_lab
    role: Literal["source", "output"]
    path: str  # as stored
    change: Change
    name: str = ""  # the table's name, for a table lab result

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location, "lab": self.lab, "role": self.role,
                "path": self.path, "change": self.change, "name": self.name}


def stale_results(assessment: Assessment, assessment_path: str | os.PathLike[str] | None
                  ) -> list[StaleFile]:
    """Every recorded file of the saved lab results that changed or is gone.

    ``assessment_path``: the assessment file (its folder resolves relative paths); None for
    a document not saved yet, whose fingerprints then hold absolute paths.
    """
    base = Path(assessment_path).parent if assessment_path else None
    found: list[StaleFile] = []
    labs: list[tuple[str, str, Any, str]] = []
    if assessment.risk_lab is not None:
        labs.append(("risk_lab", "risk_lab", assessment.risk_lab, assessment.risk_lab.file))
    labs += [(f"table_lab[{i}]", "table_lab", t, t.name)
             for i, t in enumerate(assessment.table_lab)]
    for where, lab, result, name in labs:
        for role in ("source", "output"):
            fp = getattr(result, role, None)
            change = change_of(fp, base) if fp is not None else None
            if change is not None:
                found.append(StaleFile(f"{where}.{role}", lab, role, fp.path, change, name))
    return found


def stale_problems(assessment: Assessment, assessment_path: str | os.PathLike[str] | None,
                   forms: Forms) -> list[Problem]:
    """The ``lab_result_stale`` warnings ``validate`` prints, one per changed file, each
    naming the file and what changed (in every language the forms have)."""
    from hrk_workbench.foundations.i18n import label

    out = []
    for s in stale_results(assessment, assessment_path):
        what = {lang: label(f"stale_{s.change}", lang, forms) for lang in forms.messages}
        role = {lang: label(f"stale_role_{s.role}", lang, forms) for lang in forms.messages}
        out.append(Problem(
            s.location, f"the {s.role} file {s.path} of this {s.lab} result "
            f"{'is gone' if s.change == 'missing' else 'has changed'} ({s.change})",
            "the file the result was measured on: measure again, or reassess", "warning",
            code="lab_result_stale",
            params={"file": s.path, "lab": s.lab, "role": role, "change": what,
                    "change_code": s.change}))
    return out


def stale_texts(assessment: Assessment, assessment_path: str | os.PathLike[str] | None,
                forms: Forms, lang: str, lab: str | None = None) -> list[str]:
    """The same warnings as sentences in ``lang`` (the app's lab steps and still-missing
    list); ``lab`` keeps only one lab's."""
    from hrk_workbench.foundations.i18n import problem_text

    return [problem_text(p, lang, forms)
            for p in stale_problems(assessment, assessment_path, forms)
            if lab is None or p.params["lab"] == lab]
