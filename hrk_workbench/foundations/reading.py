"""What a command asked of the data files it reads, and what the readers have to tell it.

A command names one data file and, for a workbook, perhaps the sheet to read (``--sheet``);
the file is then read in several places (the measure, the sample of values for the verdict,
the data dictionary), each through :mod:`hrk_workbench.disclosure.loading`. Rather than
thread the sheet through every one of them, the command states it once here for the file's
path, and every read of that file honours it. Likewise a reader that notices something the
steward should know without stopping (a workbook's hidden sheets not read) hands a warning
to whoever listens: the CLI prints it on stderr in the steward's language.

Context variables, so a worker thread or a test sees only what its own caller set.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from hrk_workbench.foundations.problems import Problem

#: ``notice(source, problem)``: a warning about ``source`` that does not stop the read
Notice = Callable[[str, Problem], None]

_SHEETS: ContextVar[dict[str, str] | None] = ContextVar("hrk_sheets", default=None)
_NOTICE: ContextVar[Notice | None] = ContextVar("hrk_notice", default=None)


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(os.fspath(path)))


@contextmanager
def reading(sheets: dict[str, str] | None = None, notice: Notice | None = None) -> Iterator[None]:
    """While inside, a workbook at a path of ``sheets`` is read at the sheet named for it,
    and readers' warnings go to ``notice``."""
    chosen = {_key(p): s for p, s in (sheets or {}).items() if s}
    sheet_token = _SHEETS.set({**(_SHEETS.get() or {}), **chosen})
    notice_token = _NOTICE.set(_once(notice) if notice is not None else _NOTICE.get())
    try:
        yield
    finally:
        _SHEETS.reset(sheet_token)
        _NOTICE.reset(notice_token)


def _once(notice: Notice) -> Notice:
    """``notice`` told each warning once: a command may read one file several times."""
    told: set[tuple[str, str, str]] = set()

    def tell(source: str, problem: Problem) -> None:
        key = (source, problem.code, problem.message)
        if key not in told:
            told.add(key)
            notice(source, problem)

    return tell


def chosen_sheet(path: str | os.PathLike[str]) -> str | None:
    """The sheet asked for the workbook at ``path`` (None: the first visible one)."""
    return (_SHEETS.get() or {}).get(_key(path))


def notify(source: str, problem: Problem) -> None:
    """Pass a warning to the listener, if any (the GUI shows the sheets itself)."""
    listener = _NOTICE.get()
    if listener is not None:
        listener(source, problem)


# --- a private place for DuckDB to spill to -------------------------------------------------

SPILL_ENV = "HRK_SPILL_DIR"


def _cache_base() -> Path:
    """The user's own cache folder (never a shared temporary folder such as /tmp)."""
    if value := os.environ.get(SPILL_ENV):
        return Path(value)
    if os.name == "nt":
        root = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / "hrk-workbench" / "spill"
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "hrk-workbench" / "spill"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. On Windows, signal 0 would be a Ctrl-C to it;
    there every folder is tried instead, and the files a running process holds open
    cannot be removed."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _sweep(base: Path) -> None:
    """Remove what a killed run left: folders named after a process that no longer runs."""
    for entry in base.iterdir():
        pid_text = entry.name.partition("-")[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def private_spill_dir() -> Iterator[Path]:
    """A folder only this user can read, for this process only, removed on the way out.

    DuckDB writes rows it cannot keep in memory to disk; left to itself it writes them to
    ``.tmp`` in the current folder, which may be a shared drive. Here they go to the user's
    own cache folder (mode 0700), and a run killed before it could clean up has its folder
    removed by the next run.
    """
    base = _cache_base()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "nt":
        os.chmod(base, 0o700)
        info = base.stat()
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise PermissionError(0, "the spill folder is not private", str(base))
    _sweep(base)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))  # 0700 by mkdtemp
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
