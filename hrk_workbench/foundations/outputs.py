"""Every command's outputs checked before its first byte: never an input, never a special file.

A command that writes names its inputs and its outputs to :func:`check_outputs` before it
reads the data or renders anything, and the check refuses, in one :class:`InputError` with
one problem per bad output, every output that

* is one of the command's inputs (the assessment, the data file, the key file, the recipe,
  the workbook), under any name: through a symbolic link, ``..`` or a hard link (compared
  by ``os.path.realpath`` and by device and inode);
* is another output of the same command (``puf -o x.csv --report x.csv``);
* is a folder, a device (``/dev/null``), a FIFO or a socket: an atomic replace would turn it
  into a plain file, even as root;
* ends ``.hrk.json`` when the command does not write an assessment, or carries a suffix that
  says another format than the one written (a CSV named ``.xlsx``);
* has a name longer than the file system allows, or a folder that is missing, is not a
  folder, or may not be written to.

So a command with several outputs never writes the public file and then fails on the
report. Paths in the messages go through :func:`shown_path`: a newline or a control
character in a file name is shown escaped, never printed raw.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.foundations.suffix import FILE_SUFFIX
from hrk_workbench.foundations.terminal import escape_for_terminal

PathLike = str | os.PathLike[str]
# the longest file name most file systems take (ext4, XFS, APFS, NTFS: 255 bytes or units)
NAME_MAX = 255
# suffixes whose files the workbench reads as another format than the one a command writes
DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".parquet", ".pq", ".json", ".jsonld", ".ttl",
                 ".rdf", ".xml", ".pdf", ".docx", ".html", ".htm", ".md")
_LINE_CONTROLS = str.maketrans({"\t": "\\u0009", "\n": "\\u000a", "\r": "\\u000d"})


class OutputsRefused(InputError):
    """Several outputs refused at once; ``refused`` holds one error per output, each under
    its own path (the first is also this error's ``source`` and ``problems``)."""

    def __init__(self, refused: list[InputError]) -> None:
        super().__init__(refused[0].source, refused[0].problems)
        self.refused = refused


@dataclass(frozen=True)
class Output:
    """One file a command writes: the path, the option that named it, and what it may be.

    ``writes`` is the format's suffix (``.csv``) when the command writes one format only, so
    a name ending in another data format's suffix is refused; ``assessment`` is True for the
    outputs that are assessments (``--save``, ``new -o``), which may, and must, end
    ``.hrk.json``. ``may_be`` names the inputs this output may be: ``--save`` reads the
    assessment it then updates, and may be the ``--assessment`` that is judged by.
    """

    path: PathLike
    option: str = "-o"
    writes: str | None = None
    assessment: bool = False
    may_be: tuple[str, ...] = ()


def shown_path(path: PathLike) -> str:
    """``path`` as it may be printed: undecodable bytes as ``\\xNN``, every control
    character (newline, tab, carriage return too) and bidirectional control as ``\\uXXXX``."""
    raw = os.fsencode(path)
    text = raw.decode("utf-8", "backslashreplace")
    return escape_for_terminal(text).translate(_LINE_CONTROLS)


def _identity(path: PathLike) -> tuple[str, tuple[int, int] | None]:
    """The resolved path and, when the file exists, its (device, inode)."""
    resolved = os.path.realpath(os.fspath(path))
    try:
        info = os.stat(resolved)
    except OSError:
        return resolved, None
    return resolved, (info.st_dev, info.st_ino)


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when ``a`` and ``b`` are one file: the same resolved path, or (hard links) the
    same device and inode."""
    path_a, id_a = _identity(a)
    path_b, id_b = _identity(b)
    return path_a == path_b or (id_a is not None and id_a == id_b)


def check_outputs(outputs: Iterable[Output], inputs: Mapping[str, PathLike | None]) -> None:
    """Refuse, before anything is written, every output that would replace an input or
    could not be written as a plain file (see the module). ``inputs`` maps each input's
    option or argument name (``DATA``, ``--recipe``) to its path; None is skipped.

    An output that is also an input (``--save``: read, then written) names that input in
    its ``may_be``.
    """
    given = [o for o in outputs if o.path is not None]  # "-" too: a file of that name
    known = {name: p for name, p in inputs.items() if p is not None and os.fspath(p) != "-"}
    refused: list[InputError] = []
    for i, out in enumerate(given):
        problems = _special(out)
        if not problems:
            problems = [
                Problem(out.option, f"is the input {name} ({shown_path(p)})",
                        "another file name: an output never replaces an input",
                        code="output_is_input", params={"input": name, "file": shown_path(p)})
                for name, p in known.items()
                if name not in out.may_be and same_file(out.path, p)]
            problems += [
                Problem(out.option, f"is also the output {other.option}",
                        "a different file for each output", code="output_twice",
                        params={"other": other.option})
                for other in given[:i] if same_file(out.path, other.path)]
        if not problems:
            problems = _name(out) or _folder(out)
        if problems:
            refused.append(InputError(shown_path(out.path), problems))
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise OutputsRefused(refused)


def _special(out: Output) -> list[Problem]:
    """A folder, a device, a FIFO or a socket where the output would go (through links), or
    a symbolic link that leads nowhere but round in a loop."""
    from hrk_workbench.foundations.atomic import is_stream_alias

    if is_stream_alias(out.path):  # /dev/stdout: a redirected file would be replaced
        return [Problem(out.option, "is a device, pipe or socket, not a file",
                        "the name of an ordinary file", code="output_is_special")]
    try:
        mode = os.stat(out.path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return [Problem(out.option, "is a symbolic link that loops back on itself",
                            "a link to a file, or a file name", code="output_link_loop")]
        return []
    if stat.S_ISDIR(mode):
        return [Problem(out.option, "is a folder", "a file name, not a folder",
                        code="output_is_folder")]
    if not stat.S_ISREG(mode):
        return [Problem(out.option, "is a device, pipe or socket, not a file",
                        "the name of an ordinary file", code="output_is_special")]
    return []


def _name(out: Output) -> list[Problem]:
    """A name the file system cannot hold, or whose suffix says another format."""
    given = Path(os.fspath(out.path))
    parts = given.parts
    name = parts[-1] if parts else ""
    length = max((len(os.fsencode(p)) for p in parts), default=0)
    limit = name_max(given.parent)
    if length > limit:  # the file's name, or a folder's on the way to it
        return [Problem(out.option, f"the file name is {length} bytes long",
                        f"a name of at most {limit} bytes", code="output_name_too_long",
                        params={"length": length, "max": limit})]
    lowered = name.lower()
    if lowered.endswith(FILE_SUFFIX) and not out.assessment:
        return [Problem(out.option, f"a name ending {FILE_SUFFIX} is an assessment",
                        f"a name that is not an assessment's ({FILE_SUFFIX})",
                        code="output_assessment_name", params={"suffix": FILE_SUFFIX})]
    suffix = Path(lowered).suffix
    if out.writes is not None and suffix != out.writes and suffix in DATA_SUFFIXES:
        return [Problem(out.option, f"a name ending {suffix} for a {out.writes} file",
                        f"a name ending {out.writes}", code="output_other_format",
                        params={"suffix": suffix, "writes": out.writes})]
    return []


def name_max(folder: Path) -> int:
    """The longest name the file system of ``folder`` (or of its nearest existing parent)
    takes, in bytes: 255 on most, less on some encrypted ones; 255 when the system does not
    say."""
    for place in (folder, *folder.absolute().parents):
        try:
            limit = int(os.pathconf(place, "PC_NAME_MAX"))
        except (OSError, ValueError, AttributeError):
            continue
        return limit if limit > 0 else NAME_MAX
    return NAME_MAX


def _folder(out: Output) -> list[Problem]:
    """The folder the output goes in: it must exist, be a folder, and take new files."""
    given = Path(os.fspath(out.path))
    folder = Path(os.path.realpath(given)).parent  # a link's target is what gets written
    shown = shown_path(folder if given.is_symlink() else given.parent)
    if not folder.exists():
        missing = next((p for p in [folder, *folder.parents] if p.exists()), None)
        if missing is not None and not missing.is_dir():
            return [Problem(out.option, f"{shown_path(missing)} is not a folder",
                            "a path through folders", code="output_folder_not_folder",
                            params={"folder": shown_path(missing)})]
        return [Problem(out.option, f"the folder {shown} does not exist", "an existing folder",
                        code="output_folder_missing", params={"folder": shown})]
    if not folder.is_dir():
        return [Problem(out.option, f"{shown} is not a folder", "a path through folders",
                        code="output_folder_not_folder", params={"folder": shown})]
    if not os.access(folder, os.W_OK | os.X_OK):
        return [Problem(out.option, f"the folder {shown} may not be written to",
                        "a folder you may write to", code="output_folder_read_only",
                        params={"folder": shown})]
    return []
