"""Decide whether a file can be opened as a workbook before any Excel parser sees it.

Legacy workbooks come from e-mail and shared drives: a CSV or an .xls saved under an .xlsx
name, a password-protected file, a truncated download or a zip bomb must each end in one clear
line saying what to do, never in a parser's traceback or an exhausted machine. Only the
standard library is used here.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from hrk_workbench.foundations.problems import InputError, Problem

MAX_UNCOMPRESSED = 100 * 1024 * 1024
"""Bytes a workbook may expand to; HRK workbooks are a few hundred kilobytes."""
MAX_RATIO = 200
"""Largest compression ratio of one member: ordinary XML compresses 5-20 times."""
MAX_MEMBERS = 10_000

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"),
                      "EncryptionInfo".encode("utf-16-le"))


def check_workbook_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is an .xlsx zip that is safe to open."""
    source = str(path)
    if path.is_dir():
        raise InputError(source, [Problem("$", "is a folder", "an .xlsx file",
                                          code="legacy_is_folder")])
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or /dev/zero: opening it never ends
            raise InputError(source, [Problem("$", "not a regular file but a pipe or a device",
                                              code="data_not_regular")])
        size = info.st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise InputError(source, [Problem("$", "file not found", "an existing .xlsx file",
                                          code="legacy_file_not_found")]) from None
    except OSError as exc:
        raise InputError(source, [Problem("$", f"cannot read: {exc.strerror or exc}",
                                          code="cannot_read",
                                          params={"detail": exc.strerror or str(exc),
                                                  "errno": exc.errno})]) \
            from None
    if size == 0:
        raise InputError(source, [Problem("$", "the file is empty",
                                          "an Excel workbook (.xlsx)",
                                          code="legacy_empty_file")])
    if head.startswith(_CFB_MAGIC):
        raise InputError(source, [_compound_file_problem(path)])
    if not head.startswith(b"PK"):
        raise InputError(source, [_not_a_zip_problem(path, head)])
    _check_zip(path)


def _compound_file_problem(path: Path) -> Problem:
    """An OLE compound file is either an encrypted .xlsx or an old binary .xls."""
    with path.open("rb") as fh:
        data = fh.read(4 * 1024 * 1024)  # the directory of a small file lies in its first MBs
    if any(name in data for name in _ENCRYPTED_STREAMS):
        return Problem("$", "the workbook is password-protected (encrypted)",
                       "a workbook without a password: open it in Excel, remove the password "
                       "(File > Info > Protect Workbook) and save it as .xlsx",
                       code="legacy_encrypted")
    return Problem("$", "an old Excel 97-2003 workbook (.xls), not .xlsx",
                   "an .xlsx file: open it in Excel or LibreOffice and save it as "
                   "Excel Workbook (.xlsx)", code="legacy_xls")


def _not_a_zip_problem(path: Path, head: bytes) -> Problem:
    with path.open("rb") as fh:
        sample = fh.read(4096)
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = sample.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / max(len(text), 1)
    if printable > 0.95 and any(sep in text for sep in (",", ";", "\t")):
        return Problem("$", "a text file (CSV), not an Excel workbook",
                       "an .xlsx file: open the CSV in Excel or LibreOffice and save it as "
                       "Excel Workbook (.xlsx)", code="legacy_csv")
    return Problem("$", "not an Excel workbook", "an .xlsx file saved by Excel or LibreOffice",
                   code="legacy_not_xlsx")


def _check_zip(path: Path) -> None:
    source = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
                raise InputError(source, [Problem(
                    "$", "an OpenDocument spreadsheet (.ods), not .xlsx",
                    "an .xlsx file: open it in LibreOffice and save it as Excel 2007-365",
                    code="legacy_ods")])
            if "xl/workbook.xml" not in names and not any(
                    n.endswith("workbook.xml") for n in names):
                raise InputError(source, [Problem("$", "a zip file but not an Excel workbook",
                                                  "an .xlsx file",
                                                  code="legacy_not_workbook")])
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if len(infos) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or (
                        info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise InputError(source, [Problem(
                        "$", "the workbook expands to too much data (a zip bomb?)",
                        f"at most {MAX_UNCOMPRESSED // (1024 * 1024)} MB uncompressed",
                        code="legacy_too_large",
                        params={"limit_mb": MAX_UNCOMPRESSED // (1024 * 1024)})])
            bad = zf.testzip()
            if bad is not None:
                raise InputError(source, [Problem(
                    "$", f"damaged: member {bad} fails its checksum",
                    "an undamaged .xlsx file (copy or download it again)",
                    code="legacy_damaged", params={"detail": bad})])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError) as exc:
        raise InputError(source, [Problem(
            "$", f"damaged zip: {exc}", "an undamaged .xlsx file (copy or download it again)",
            code="legacy_damaged", params={"detail": str(exc)})]) from None


def is_workbook_name(path: str | os.PathLike[str]) -> bool:
    """Files a folder import picks up: .xlsx and .xlsm, not Excel's ~$ lock files."""
    p = Path(path)
    return p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~$")
