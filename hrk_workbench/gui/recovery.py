"""Crash recovery files: one per open document, never shared, never lost.

Each open document autosaves its unsaved work to its own file in the app's data folder,
``recovery/<hash of the absolute path>-<session>.recovery.json`` (``untitled-<session>`` for
a document not saved yet), so two windows, of one program or of two, never overwrite each
other's copy, even on the same file. The file holds the document, the absolute path of the
file it continues and that file's fingerprint when it was read, in one atomic write; a
restore therefore saves to the original file from any working folder, and the save still
refuses to replace a file another program changed meanwhile.

A :class:`QLockFile` beside each recovery file is held while its window lives; the next start
offers only recovery files whose lock it can take (the program that wrote them is gone), so a
window that is still open never has its work offered, restored or removed by another. A
recovery file that cannot be read is renamed aside (``.unreadable-<time>``), never deleted;
one that cannot be removed is left (and offered at the next start), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLockFile

from hrk_workbench.foundations.atomic import atomic_write_text
from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.store import dumps, parse_assessment

FOLDER = "recovery"
SUFFIX = ".recovery.json"
FORMAT = "hrk-workbench-recovery"


def recovery_folder(data_dir: str | os.PathLike[str]) -> Path:
    """Where the recovery files live: ``recovery/`` in the app's per-user data folder."""
    return Path(data_dir) / FOLDER


def absolute(path: str | os.PathLike[str]) -> Path:
    """The path made absolute against the working folder now (symbolic links kept, so the
    file is saved where the steward opened it)."""
    return Path(os.path.abspath(path))


def path_key(path: str | os.PathLike[str] | None) -> str:
    """A short name for a document's absolute path (case folded where the system does)."""
    if path is None:
        return "untitled"
    text = os.path.normcase(str(absolute(path)))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass(frozen=True)
class Recovered:
    """A recovery file read back: the work, the file it continues and that file's version."""

    file: Path
    assessment: Assessment
    source: Path | None
    fingerprint: str | None
    written: datetime


class RecoverySlot:
    """The recovery file of one open document, with the lock that says its window lives."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.session = uuid.uuid4().hex[:12]
        self.path: Path | None = None  # the recovery file written last, if any
        self._lock: QLockFile | None = None

    def file_for(self, source: Path | None) -> Path:
        return self.folder / f"{path_key(source)}-{self.session}{SUFFIX}"

    def write(self, assessment: Assessment, source: Path | None,
              fingerprint: str | None) -> Path:
        """Write the work atomically; a document saved under another name moves its copy.
        Raises OSError (or InputError for text no file may hold) when it cannot."""
        target = self.file_for(source)
        self.folder.mkdir(parents=True, exist_ok=True)
        if target != self.path:
            self.remove()
            lock = QLockFile(str(target.with_suffix(".lock")))
            lock.setStaleLockTime(0)  # stale only when its program is gone, never by age
            if not lock.tryLock(0):
                raise OSError(f"cannot lock {target.name}: {lock.error().name}")
            self._lock = lock
        body = {"format": FORMAT, "source": str(absolute(source)) if source else None,
                "fingerprint": fingerprint,
                "written": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "assessment": json.loads(dumps(assessment))}
        atomic_write_text(target, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        self.path = target
        return target

    def remove(self) -> None:
        """Forget this window's copy (saved or discarded); a file that cannot be removed is
        left for the next start to offer, never an error here."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            self.path = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def read_recovery(file: Path) -> Recovered:
    """Read one recovery file; an unreadable one raises InputError with its problems."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(str(file), [Problem("$", f"cannot read: {exc.strerror}",
                                             code="cannot_read",
                                             params={"detail": exc.strerror or str(exc),
                                                     "errno": exc.errno})]) from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or body.get("format") != FORMAT \
            or not isinstance(body.get("assessment"), dict):
        raise InputError(str(file), [Problem("$", "not a recovery file of HRK Workbench",
                                             "a recovery file written by autosave",
                                             code="recovery_unreadable")])
    assessment = parse_assessment(json.dumps(body["assessment"]), str(file))
    source = body.get("source")
    fingerprint = body.get("fingerprint")
    try:
        written = datetime.fromisoformat(str(body.get("written")))
    except ValueError:
        written = datetime.fromtimestamp(file.stat().st_mtime, UTC)
    return Recovered(file, assessment,
                     Path(source) if isinstance(source, str) and source else None,
                     fingerprint if isinstance(fingerprint, str) else None, written)


def orphaned(folder: Path) -> list[tuple[Path, QLockFile]]:
    """Recovery files whose program is gone, newest first, each with its lock taken (so no
    other starting window offers it too); release the lock with ``unlock()`` when done."""
    if not folder.is_dir():
        return []
    found = []
    for file in folder.glob(f"*{SUFFIX}"):
        lock = QLockFile(str(file.with_suffix(".lock")))
        lock.setStaleLockTime(0)
        if lock.tryLock(0):
            with contextlib.suppress(OSError):
                found.append((file.stat().st_mtime, file, lock))
                continue
            lock.unlock()
    found.sort(key=lambda item: item[0], reverse=True)
    return [(file, lock) for _, file, lock in found]


def set_aside(file: Path) -> Path:
    """Rename an unreadable recovery file so it is kept but not offered again."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = file.with_name(f"{file.name}.unreadable-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = file.with_name(f"{file.name}.unreadable-{stamp}-{n}")
    file.rename(target)
    return target


def discard(file: Path) -> None:
    """Remove a recovery file the steward chose not to restore (left if it cannot be)."""
    with contextlib.suppress(OSError):
        file.unlink(missing_ok=True)


LEGACY_NAME = "recovery.hrk.json"


def convert_legacy(data_dir: str | os.PathLike[str], source: str | None) -> None:
    """The single recovery file of earlier versions (its source kept in the settings) becomes
    a recovery file of this kind, so work a crash left before an update is still offered; an
    unreadable one is set aside like any other."""
    legacy = Path(data_dir) / LEGACY_NAME
    if not legacy.is_file():
        return
    try:
        assessment = parse_assessment(legacy.read_bytes(), str(legacy))
    except (InputError, OSError):
        with contextlib.suppress(OSError):
            set_aside(legacy)
        return
    slot = RecoverySlot(recovery_folder(data_dir))
    origin = Path(source) if source else None
    with contextlib.suppress(OSError, InputError):
        slot.write(assessment, origin, None)
        slot.path = None  # keep the new copy: only the lock is let go
        slot.remove()
        legacy.unlink()
