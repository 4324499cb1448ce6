"""Write files so that a crash or a full disk never leaves a half-written file behind.

Every file the workbench writes (assessments, reports, metadata) goes through here: the bytes
go to a temporary file in the same folder, are flushed to disk, and only then replace the
target in one rename, so the previous version stays intact until the new one is complete.

Two programs saving the same file take turns through :func:`file_lock`, and a writer that
read the file earlier passes ``before_replace``, which runs under that lock right before the
rename: the place to notice that someone else saved in between (compare-before-replace).
The locks live in a folder of the user's own (:func:`lock_folder_candidates`), so another
local user can neither see which files are being saved nor block a save by holding a lock.

A write never replaces what is not an ordinary file: a folder, a device such as /dev/null, a
FIFO or a socket is refused (even for root, whom no permission stops), and a symbolic link is
followed, so its target gets the new version and the link stays. The temporary file has a
short random name, so a target name as long as the file system allows can still be written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
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
    """Where the lock for ``path`` lives: in the user's own lock folder, never beside the file.

    A ``.lock`` file beside the steward's file would be clutter in their folder (and in their
    version control); the lock is named after the file's absolute, resolved path, so every
    program of this user that saves the same file, under any name, meets the same lock.
    """
    resolved = os.path.realpath(os.fspath(path))
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return _lock_folder() / f"{digest}.lock"


def _lock_folder() -> Path:
    """The first usable per-user lock folder (see :func:`lock_folder_candidates`).

    Per user, so no other local user can create or hold a lock that blocks this user's
    saves. Two users saving one shared file do not meet in a lock: the compare-before-replace
    of the store (``before_replace``) still refuses the save that would overwrite the other's.
    """
    for folder in lock_folder_candidates():
        if _own_private_folder(folder):
            return folder
    raise PermissionError(errno.EACCES, "no private folder for file locks",
                          str(lock_folder_candidates()[-1]))


def lock_folder_candidates() -> list[Path]:
    """$XDG_RUNTIME_DIR/hrk-workbench-locks (a per-user folder the system empties at
    logout), else hrk-workbench-locks-UID in the temporary folder, else the user's cache
    folder; on Windows the temporary folder, which is already per user."""
    base = Path(tempfile.gettempdir())
    if not hasattr(os, "getuid"):
        return [base / LOCK_FOLDER]
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime):
        found.append(Path(runtime) / LOCK_FOLDER)
    found.append(base / f"{LOCK_FOLDER}-{os.getuid()}")
    cache = os.environ.get("XDG_CACHE_HOME", "")
    home = Path(cache) if cache and os.path.isabs(cache) else Path.home() / ".cache"
    found.append(home / "hrk-workbench" / "locks")
    return found


def _own_private_folder(folder: Path) -> bool:
    """Create ``folder`` (mode 0700) if needed; True when it is a real folder (no link) owned
    by this user that no one else may write to. A folder another user made first in a
    shared place fails this and the next candidate is taken."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or not hasattr(os, "getuid"):
        return stat.S_ISDIR(info.st_mode)
    if info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o022:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str],
              timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the lock of ``path`` (re-entrant in one thread; other threads and programs wait).

    Raises :class:`LockTimeout`, naming ``path``, when the lock stays taken too long.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(path), is_singleton=True, mode=0o600)
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

    The steward only knows the file they chose: "disk full" about ``.hrk-3f9a0c.tmp``
    would not tell them which save failed. With ``before_replace`` the write holds the file's
    lock and calls it right before the rename; whatever it raises cancels the write. A path
    that is a symbolic link writes the link's target (see :func:`writable_target`).
    """
    try:
        target = writable_target(path)
        if before_replace is None:
            _write(target, data)
        else:
            with file_lock(target):
                _write(target, data, before_replace)
    except LockTimeout:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from None


def _write(target: Path, data: bytes, before_replace: Callable[[], None] | None = None) -> None:
    fd = _unnamed(target.parent)
    if fd is not None:
        try:
            _write_unnamed(fd, target, data, before_replace)
            return
        except _CannotName:  # e.g. /proc hidden from this process: the named way instead
            pass
    fd, tmp_name = _temporary(target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        if before_replace is not None:
            before_replace()
        _refuse_special(target)  # again: it may have become one while the data was written
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)


def _unnamed(folder: Path) -> int | None:
    """A file in ``folder`` with no name yet (Linux ``O_TMPFILE``), else None.

    While the bytes are written they have no name in any folder, so a process killed
    outright (SIGKILL, the out-of-memory killer) leaves nothing behind: a public-use file's
    rows never lie in a hidden temporary beside it. Only the finished file gets a name.
    """
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:  # a file system without unnamed files: the named temporary instead
        return None


class _CannotName(Exception):
    """The unnamed file could not be given a name; nothing was replaced."""


def _write_unnamed(fd: int, target: Path, data: bytes,
                   before_replace: Callable[[], None] | None) -> None:
    tmp_name: str | None = None
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.fchmod(fd, _mode_for(target))
        if before_replace is not None:
            before_replace()
        _refuse_special(target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            while tmp_name is None:  # a name for the complete file, then the one rename
                tmp_name = _name_unnamed(fd, folder, target.parent)
        finally:
            os.close(folder)
        os.replace(tmp_name, target)
    except BaseException:
        if tmp_name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        raise
    finally:
        os.close(fd)
    _fsync_dir(target.parent)


def _name_unnamed(fd: int, folder_fd: int, folder: Path) -> str | None:
    """Link the unnamed file ``fd`` into ``folder`` under a new random name (None: taken).

    The link goes through /proc/self/fd with the link followed (linkat's
    AT_SYMLINK_FOLLOW; a directory descriptor makes Python call linkat, not link(2), which
    would link the /proc entry itself and fail across devices).
    """
    candidate = str(folder / f".hrk-{secrets.token_hex(6)}.tmp")
    try:
        os.link(f"/proc/self/fd/{fd}", candidate, src_dir_fd=folder_fd,
                follow_symlinks=True)
    except FileExistsError:
        return None
    except OSError as exc:
        raise _CannotName(str(exc)) from exc
    return candidate


def _temporary(folder: Path) -> tuple[int, str]:
    """A new, empty, private file in ``folder`` under a short random name.

    The name does not repeat the target's: a target whose name is already as long as the
    file system allows (255 bytes) would leave no room for a longer temporary one.
    """
    while True:
        name = folder / f".hrk-{secrets.token_hex(6)}.tmp"
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                           | getattr(os, "O_BINARY", 0), 0o600), str(name)
        except FileExistsError:
            continue


def writable_target(path: str | os.PathLike[str]) -> Path:
    """The file a write of ``path`` replaces: a symbolic link's final target (the link
    stays a link to the new version), else ``path``. Refuses a folder, a device, a FIFO
    or a socket, which a rename would turn into a plain file."""
    target = Path(path)
    if is_stream_alias(target):
        raise NotAPlainFile(errno.EINVAL, "a standard stream or an open file's alias, not a "
                                          "file", str(path))
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    _refuse_special(target)
    return target


# Folders whose entries stand for devices, processes and open files, not for files to save:
# /dev/stdout -> /proc/self/fd/1 -> the file the shell redirected into, which a rename would
# replace (a log appended to with >> would be lost); /dev/shm holds ordinary files.
_SYSTEM_FOLDERS = ("/dev/", "/proc/")
_ORDINARY_FOLDERS = ("/dev/shm/",)


def is_stream_alias(path: str | os.PathLike[str]) -> bool:
    """True when ``path``, or a symbolic link on the way to its file, lies in /dev or /proc
    (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/1``): what it names is an open stream,
    never a file a save may replace."""
    if os.name != "posix":
        return False
    current = os.path.abspath(os.fspath(path))
    for _ in range(40):  # the system's own limit on links in a row
        if current.startswith(_SYSTEM_FOLDERS) and not current.startswith(_ORDINARY_FOLDERS):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


class NotAPlainFile(OSError):
    """The place of a write is a device, FIFO or socket: never replaced by a file."""


def _refuse_special(target: Path) -> None:
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if not stat.S_ISREG(mode):
        raise NotAPlainFile(errno.EINVAL, "not an ordinary file (a device, pipe or socket)",
                            str(target))


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
