"""Write files so that a crash or a full disk never leaves a half-written file behind.

Every file the workbench writes (assessments, reports, metadata) goes through here: the bytes
go to a temporary file in the same folder, are flushed to disk, and only then replace the
target in one rename, so the previous version stays intact until the new one is complete.

Two programs saving the same file take turns through :func:`file_lock`, and a writer that
read the file earlier passes ``before_replace``, which runs under that lock right before the
rename: the place to notice that someone else saved in between (compare-before-replace).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# How long a save waits for another program's save of the same file; a save holds the lock
# for a fraction of a second, so only a hung program makes anyone wait this long.
LOCK_TIMEOUT_S = 60.0
LOCK_FOLDER = "hrk-workbench-locks"


class LockTimeout(OSError):
    """Another program held the file's lock for longer than :data:`LOCK_TIMEOUT_S`."""


def content_fingerprint(data: bytes) -> str:
    """The SHA-256 of a file's bytes: equal fingerprints, same version of the file."""
    return hashlib.sha256(data).hexdigest()


def file_fingerprint(path: str | os.PathLike[str]) -> str | None:
    """The fingerprint of the file as it is on disk now; None when there is no such file."""
    try:
        return content_fingerprint(Path(path).read_bytes())
    except FileNotFoundError:
        return None


def lock_path(path: str | os.PathLike[str]) -> Path:
    """Where the lock for ``path`` lives: in the temporary folder, never beside the file.

    A ``.lock`` file beside the steward's file would be clutter in their folder (and in their
    version control); the lock is named after the file's absolute, resolved path, so every
    program on this machine that saves the same file, under any name, meets the same lock.
    """
    resolved = os.path.realpath(os.fspath(path))
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return _lock_folder() / f"{digest}.lock"


def _lock_folder() -> Path:
    """A folder every local user can lock in (sticky like /tmp), else a per-user one."""
    base = Path(tempfile.gettempdir())
    shared = base / LOCK_FOLDER
    try:
        if not shared.is_dir():
            shared.mkdir(exist_ok=True)
            os.chmod(shared, 0o1777)
        if os.access(shared, os.W_OK | os.X_OK):
            return shared
    except OSError:
        pass
    own = base / f"{LOCK_FOLDER}-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    own.mkdir(exist_ok=True)
    return own


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str],
              timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the lock of ``path`` (re-entrant in one thread; other threads and programs wait).

    Raises :class:`LockTimeout`, naming ``path``, when the lock stays taken too long.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(path), is_singleton=True, mode=0o666)
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise LockTimeout(0, "another program is saving this file", str(path)) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes,
                       before_replace: Callable[[], None] | None = None) -> None:
    """Replace ``path`` with ``data`` in one step; a failure names ``path``, never the temp file.

    The steward only knows the file they chose: "disk full" about ``.x.hrk.json.k3j.tmp``
    would not tell them which save failed. With ``before_replace`` the write holds the file's
    lock and calls it right before the rename; whatever it raises cancels the write.
    """
    target = Path(path)
    try:
        if before_replace is None:
            _write(target, data)
        else:
            with file_lock(target):
                _write(target, data, before_replace)
    except LockTimeout:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None


def _write(target: Path, data: bytes, before_replace: Callable[[], None] | None = None) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        if before_replace is not None:
            before_replace()
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str,
                      before_replace: Callable[[], None] | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), before_replace)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
