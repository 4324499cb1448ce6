"""Reading the steward's data file: CSV as Finnish and Swedish Excel exports write it, XLSX,
Parquet, and files too big for memory through DuckDB.

Why sniffing: an Excel export in Finland is usually ``;``-separated cp1252 with a decimal
comma, while a system export is ``,``-separated UTF-8, perhaps with a byte-order mark. The
steward should not have to know which; a wrong guess would silently merge columns and make
every risk figure wrong, so a row with the wrong number of fields is an error naming the line.

Every value is read as text: postcodes (``00100``) and identity codes lose their leading
zeros as numbers, and the risk measures only compare values. Recipes convert to numbers where
a step needs them (bands, top coding).

pandas and duckdb are imported inside the functions, so the CLI starts fast.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.foundations.reading import chosen_sheet, notify, private_spill_dir

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

_T = TypeVar("_T")

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
# Bounds that keep a hostile or mistaken file from taking all memory or hanging a reader.
# Excel's own limits: no real table is wider or longer.
MAX_COLUMNS = 16_384
MAX_XLSX_ROWS = 1_048_576
#: the longest value a cell may hold; beyond it the "value" is a quote left open or a binary
MAX_FIELD_CHARS = 1_000_000
#: a record DuckDB accepts: a few values of the longest length
MAX_LINE_BYTES = 32 * 1024 * 1024
#: the start of DuckDB's message for a record longer than the line limit it was given
_LINE_LIMIT_MESSAGE = "maximum line size"
#: what a workbook may expand to (an .xlsx is a zip: a tiny file can claim gigabytes)
MAX_WORKBOOK_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
MAX_WORKBOOK_RATIO = 200  # bytes out per byte in, for members above 1 MiB (a zip bomb)
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: what the sniffer found, so the same file reads the same way
    in pandas and in DuckDB."""

    encoding: str  # "utf-8", "utf-8-sig", "cp1252", or UTF-16/32 ("utf-16", "utf-16-le")
    delimiter: str
    header: tuple[str, ...]

    @property
    def reading_encoding(self) -> str:
        """The codec Python reads the file with: cp1252 as latin-1, which maps every byte
        (cp1252 leaves five undefined, and a stray one must not stop the read)."""
        return "latin-1" if self.encoding == "cp1252" else self.encoding


def _problem(path: Path, code: str, message: str, **params: Any) -> InputError:
    return InputError(str(path), [Problem("$", message, code=code, params=params)])


def _line_problem(path: Path, line: int, code: str, message: str, **params: Any) -> InputError:
    return InputError(str(path), [Problem(f"line {line}", message, code=code,
                                          params={"line": line, **params})])


def file_kind(path: str | os.PathLike[str]) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file name; other names are read as CSV."""
    suffix = Path(path).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "csv"


def _check_exists(path: Path) -> None:
    """The path names a regular file: a pipe, a device or a link to one (``/dev/zero``)
    would be read forever, so it is refused before it is opened."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise _problem(path, "data_not_found", "file not found") from None
    except OSError as exc:
        raise _problem(path, "data_unreadable", exc.strerror or str(exc),
                       detail=exc.strerror or str(exc)) from None
    if stat.S_ISDIR(mode):
        raise _problem(path, "data_is_folder", "is a folder")
    if not stat.S_ISREG(mode):
        raise _problem(path, "data_not_regular", "not a regular file (a pipe or a device)")


#: a file read into memory takes several times its size there (a text DataFrame)
MEMORY_FACTOR = 3


def physical_memory() -> int | None:
    """This computer's memory in bytes, where the system says (None: unknown)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits_in_memory(path: str | os.PathLike[str]) -> None:
    """Refuse, before reading, a file whose data could not fit in this computer's memory:
    the alternative is a machine that swaps for an hour and is then killed without a word.
    The measure (``risk``) reads such a file from disk instead."""
    total = physical_memory()
    need = memory_estimate(path) * MEMORY_FACTOR
    if total is not None and need > total:
        mib = 1024 * 1024
        raise _problem(Path(path), "data_exceeds_memory",
                       f"the data needs about {need // mib} MiB of memory; this computer "
                       f"has {total // mib} MiB", need_mb=need // mib, memory_mb=total // mib)


def too_large(path: str | os.PathLike[str]) -> InputError:
    """The error for a file whose data does not fit in memory, naming it (never an empty
    "damaged file")."""
    return _problem(Path(path), "data_too_large", "the data is too large for memory")


def detect_encoding(sample: bytes) -> str:
    """The encoding a byte-order mark names (UTF-8, UTF-16 as Excel's "Unicode text" writes,
    UTF-32); else UTF-16 without a mark when every other byte of plain text is NUL; else
    UTF-8; else cp1252 (Excel's "CSV" on Finnish and Swedish Windows).

    cp1252 decodes every byte but five; those five are read as latin-1, their only sensible
    meaning in such a file. Other NUL bytes mean no text file at all; that is
    :func:`sniff_csv`'s error, not a guess.
    """
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample[:4096]:
        head = sample[:4096]
        even, odd = head[0::2], head[1::2]
        if odd and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
        return "binary"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _decode(sample: bytes, encoding: str) -> str:
    if encoding == "cp1252":
        return sample.decode("cp1252", errors="replace")
    return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)


def detect_delimiter(text: str) -> str:
    """The one of , ; tab that splits the first lines into the same number of fields.

    Quotes are honoured (a ``;`` inside ``"a;b"`` does not count). The delimiter giving a
    constant field count above one on most lines wins; ties go to the order , ; tab.
    """
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)
                      if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        same = sum(1 for c in counts if c == counts[0])
        score = (same, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def sniff_csv(path: str | os.PathLike[str]) -> CsvDialect:
    """Encoding, delimiter and header of a CSV file, from its first 256 KiB.

    A header must end within them: a first line longer than that is no table's header (a
    million column names, or a binary file), and it is refused with the bound named.
    """
    p = Path(path)
    _check_exists(p)
    with open(p, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
        complete = len(sample) < SNIFF_BYTES
    if not sample.strip():
        raise _problem(p, "data_empty", "the file is empty")
    encoding = detect_encoding(sample)
    if encoding == "binary":
        raise _problem(p, "data_binary", "not a text file: it holds NUL bytes")
    text = _decode(sample, encoding)
    if not complete and not re.search(r"[\r\n]", text):
        raise _line_problem(p, 1, "data_header_too_long",
                            f"the header line is longer than {SNIFF_BYTES // 1024} KiB",
                            limit_kib=SNIFF_BYTES // 1024, limit=MAX_COLUMNS)
    delimiter = detect_delimiter(text)
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        raise _line_problem(p, 1, "data_bad_quote", "a quote is not closed") from None
    if len(first) > MAX_COLUMNS:
        raise _line_problem(p, 1, "data_too_many_columns",
                            f"{len(first)} columns; at most {MAX_COLUMNS} are read",
                            count=len(first), limit=MAX_COLUMNS)
    header = tuple(h.strip() for h in first)
    _check_header(p, header)
    return CsvDialect(encoding, delimiter, header)


def _check_header(path: Path, header: Sequence[str]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if not name:
            raise _line_problem(path, 1, "data_empty_column_name",
                                f"column {i} has no name", column=i)
        if name in seen:
            raise _line_problem(path, 1, "data_duplicate_column",
                                f"column name {name!r} appears twice", column=name)
        seen.add(name)


def find_bad_line(path: str | os.PathLike[str], dialect: CsvDialect) -> tuple[int, int] | None:
    """The first line whose field count differs from the header's, as (line, fields).

    Used only after a fast reader has failed, to tell the steward where to look. A quote
    left open swallows the rest of the file into one last record of too few fields; that is
    reported as (the line where the record starts, -1), the same as a quote error. A value
    longer than :data:`MAX_FIELD_CHARS` is (its line, :data:`TOO_LONG`).
    """
    encoding = dialect.reading_encoding
    width = len(dialect.header)
    with _field_limit(), open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=dialect.delimiter)
        try:
            start = 1
            for row in reader:
                if any(len(v) > MAX_FIELD_CHARS for v in row):
                    return start, TOO_LONG
                if row and len(row) != width:
                    end = reader.line_num
                    if end > start and next(reader, None) is None and row[-1].count("\n"):
                        return start, -1
                    return end, len(row)
                start = reader.line_num + 1
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                return start, TOO_LONG
            return reader.line_num, -1
    return _open_quote_at_end(path, encoding, dialect.delimiter)


#: :func:`find_bad_line`'s field count for a value longer than :data:`MAX_FIELD_CHARS`
TOO_LONG = -2


@contextmanager
def _field_limit() -> Iterator[None]:
    """The csv module's value limit (128 KiB by default) at :data:`MAX_FIELD_CHARS`, so a
    long value is told apart from a quote left open."""
    before = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _open_quote_at_end(path: str | os.PathLike[str], encoding: str,
                       delimiter: str) -> tuple[int, int] | None:
    """A quote the file's last record leaves open, as (line where that record starts, -1).

    The lenient reader above closes such a quote at the end of the file, so a last record
    of the right width hides it; the strict reader does not.
    """
    with _field_limit(), open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        start = 1
        try:
            for _row in reader:
                start = reader.line_num + 1
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                return start, -1
    return None


def _bad_csv(path: Path, dialect: CsvDialect, detail: str) -> InputError:
    found = find_bad_line(path, dialect)
    if found is not None:
        line, fields = found
        if fields == TOO_LONG:
            return _too_long(path, line)
        if fields < 0:
            return _line_problem(path, line, "data_bad_quote", "a quote is not closed")
        return _line_problem(path, line, "data_wrong_fields",
                             f"{fields} fields where the header has {len(dialect.header)}",
                             fields=fields, expected=len(dialect.header))
    match = re.search(r"line (\d+)", detail)
    line = int(match.group(1)) if match else 0
    first = detail.strip().splitlines()[0] if detail.strip() else "unreadable"
    if line:
        return _line_problem(path, line, "data_unreadable", first, detail=first)
    return _problem(path, "data_unreadable", first, detail=first)


def _too_long(path: Path, line: int) -> InputError:
    return _line_problem(path, line, "data_value_too_long",
                         f"a value longer than {MAX_FIELD_CHARS} characters",
                         limit=MAX_FIELD_CHARS)


def _check_lengths(path: Path, frame: pd.DataFrame) -> None:
    """No value longer than :data:`MAX_FIELD_CHARS` (pandas reads any length; DuckDB and
    the csv module do not, and the same file must read alike everywhere). Only a file
    larger than the bound can hold one, so small files cost nothing."""
    import pandas as pd

    if path.stat().st_size <= MAX_FIELD_CHARS:
        return
    for position, column in enumerate(frame.columns):
        values = frame[column]
        if not pd.api.types.is_string_dtype(values.dtype):
            continue
        lengths = values.str.len()
        if lengths.max() > MAX_FIELD_CHARS:
            record = int(lengths.to_numpy().argmax()) + 1
            raise InputError(str(path), [Problem(
                f"record {record}, column {column}",
                f"a value longer than {MAX_FIELD_CHARS} characters",
                code="data_value_too_long_at",
                params={"record": record, "column": str(column), "position": position + 1,
                        "limit": MAX_FIELD_CHARS})])


#: ``progress(bytes_read, bytes_total, lines_read)``; it may raise to stop the read
ReadProgress = Callable[[int, int, int], None]


class _ReportingFile(io.RawIOBase):
    """A binary file that calls ``progress`` after every block the CSV parser takes from it.

    pandas' C parser reads in blocks of about 256 KiB, so a reader of this file hears of
    progress every block; an exception from ``progress`` (the GUI's Cancel) propagates out of
    the parser at once. The parse itself is untouched: the same checks, the same speed as
    reading the path. Lines are counted as newline bytes (a quoted newline counts too), which
    is good enough for a progress label.
    """

    def __init__(self, handle: io.BufferedReader, total: int, progress: ReadProgress) -> None:
        super().__init__()
        self._handle, self._total, self._progress = handle, total, progress
        self.done = self.lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._handle.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.done += n
        self.lines += data.count(b"\n")
        self._progress(min(self.done, self._total), self._total, max(self.lines - 1, 0))
        return n


def read_csv(path: str | os.PathLike[str], columns: Sequence[str] | None = None,
             dialect: CsvDialect | None = None, progress: ReadProgress | None = None,
             nrows: int | None = None) -> pd.DataFrame:
    """A CSV file as a DataFrame of text (missing = empty cell), every row checked.

    With ``progress``, it is called with the bytes and lines read so far after every block
    the parser reads (see :class:`_ReportingFile`), and once more at the end with the number
    of records; an exception it raises (the GUI's Cancel) stops the read at once and
    propagates, leaving nothing half-read behind. ``nrows`` reads only the first records (a
    sample of a file too big for memory).
    """
    import pandas as pd

    p = Path(path)
    dialect = dialect or sniff_csv(p)
    if nrows is None:
        check_fits_in_memory(p)
    _check_columns(p, dialect.header, columns)
    encoding = dialect.reading_encoding
    options: dict[str, Any] = dict(
        sep=dialect.delimiter, encoding=encoding, dtype=str, keep_default_na=False,
        na_values=[""], header=0, names=list(dialect.header),
        usecols=list(columns) if columns else None, engine="c", on_bad_lines="error",
        skipinitialspace=False, nrows=nrows)
    try:
        if progress is None:
            frame = pd.read_csv(p, **options)
        else:
            total = p.stat().st_size
            progress(0, total, 0)
            with open(p, "rb") as handle:
                frame = pd.read_csv(_ReportingFile(handle, total, progress), **options)
            progress(total, total, len(frame))
        _check_index(frame)
    except MemoryError:
        raise too_large(p) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise _bad_csv(p, dialect, str(exc)) from None
    _check_lengths(p, frame)
    if dialect.encoding == "cp1252":  # latin-1 read keeps every byte; now give them meaning
        frame = _latin1_to_cp1252(frame)
    return frame


def _check_index(frame: pd.DataFrame) -> None:
    """pandas silently makes the first column the row index when every row has one field
    more than the header (values shifted one column left); that file is malformed."""
    import pandas as pd

    if not isinstance(frame.index, pd.RangeIndex):
        raise pd.errors.ParserError("rows have more fields than the header")


def _latin1_to_cp1252(frame: pd.DataFrame) -> pd.DataFrame:
    def fix(text: object) -> object:
        if not isinstance(text, str):
            return text
        try:
            return text.encode("latin-1").decode("cp1252")
        except UnicodeDecodeError:
            return text

    for col in frame.columns:
        if frame[col].map(lambda v: isinstance(v, str) and any(
                "\x80" <= ch <= "\x9f" for ch in v)).any():
            frame[col] = frame[col].map(fix)
    return frame


def _check_columns(path: Path, header: Sequence[str], columns: Sequence[str] | None) -> None:
    missing = [c for c in (columns or ()) if c not in header]
    if missing:
        raise InputError(str(path), [Problem("$", f"no column {c!r}", code="data_no_column",
                                             params={"column": c,
                                                     "allowed": ", ".join(header)})
                                     for c in missing])


def read_table(path: str | os.PathLike[str], columns: Sequence[str] | None = None,
               progress: ReadProgress | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Any supported data file as a DataFrame; CSV and XLSX values as text.

    Parquet keeps its column types: they were chosen by whoever wrote it, and no leading
    zeros were lost on the way. ``progress`` is as in :func:`read_csv` (a workbook or a
    Parquet file reports only its start and end). ``sheet`` is the workbook's sheet to read
    (default: the one chosen for this path in
    :mod:`~hrk_workbench.foundations.reading`, else the first
    visible sheet).
    """
    import pandas as pd

    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    if kind == "csv":
        return read_csv(p, columns, progress=progress)
    check_fits_in_memory(p)
    size = p.stat().st_size
    if progress is not None:
        progress(0, size, 0)
    try:
        if kind == "xlsx":
            frame = read_xlsx(p, sheet)
        else:
            try:
                frame = pd.read_parquet(p)
            except MemoryError:
                raise
            except Exception as exc:  # pyarrow's errors have no common base worth naming
                raise _problem(p, "data_unreadable", f"not a readable Parquet file: {exc}",
                               detail=_first_line(exc, "Parquet")) from None
    except MemoryError:
        raise too_large(p) from None
    _check_columns(p, list(frame.columns), columns)
    if progress is not None:
        progress(size, size, len(frame))
    return frame[list(columns)] if columns else frame


def _first_line(exc: BaseException, kind: str) -> str:
    """The first line of a reader's complaint, never empty (an empty reason tells nothing)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else f"{type(exc).__name__} ({kind})"


# --- workbooks ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """A worksheet of a workbook and whether Excel shows it (``visible``, ``hidden`` or
    ``veryHidden``: the last one is unhidden only by a macro)."""

    name: str
    state: str

    @property
    def visible(self) -> bool:
        return self.state == "visible"


def _check_workbook_zip(path: Path) -> None:
    """Refuse a workbook that expands to more than it could honestly hold, before opening
    it: a few kilobytes can claim gigabytes of XML."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_WORKBOOK_UNCOMPRESSED or (
                        info.file_size > 1024 * 1024 and ratio > MAX_WORKBOOK_RATIO):
                    raise _problem(path, "data_workbook_too_large",
                                   "the workbook expands to too much data",
                                   limit_mb=MAX_WORKBOOK_UNCOMPRESSED // (1024 * 1024))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise _problem(path, "data_unreadable", f"not a readable workbook: {exc}",
                       detail=_first_line(exc, "xlsx")) from None


@contextmanager
def _open_workbook(path: Path) -> Iterator[Any]:
    from openpyxl import load_workbook

    _check_workbook_zip(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise too_large(path) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _problem(path, "data_unreadable", f"not a readable workbook: {exc}",
                       detail=_first_line(exc, "xlsx")) from None
    try:
        yield book
    finally:
        book.close()


def workbook_sheets(path: str | os.PathLike[str]) -> list[Sheet]:
    """The worksheets of a workbook in their order, with their visibility (charts left out:
    they hold no table)."""
    p = Path(path)
    _check_exists(p)
    with _open_workbook(p) as book:
        return [Sheet(ws.title, ws.sheet_state) for ws in book.worksheets]


def _pick_sheet(path: Path, sheets: list[Sheet], wanted: str | None) -> Sheet:
    """The sheet asked for, else the first visible one; hidden sheets not read are named in
    a warning, so nothing the steward cannot see in Excel is read, nor left out, silently."""
    names = ", ".join(s.name for s in sheets)
    if wanted is not None:
        for sheet in sheets:
            if sheet.name == wanted:
                return sheet
        raise _problem(path, "data_no_sheet", f"no sheet {wanted!r}", sheet=wanted,
                       allowed=names)
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise _problem(path, "data_no_visible_sheet", "the workbook has no visible sheet",
                       allowed=names)
    hidden = [s.name for s in sheets if not s.visible]
    if hidden:
        notify(str(path), Problem(
            "$", f"hidden sheets not read: {', '.join(hidden)}", severity="warning",
            code="data_hidden_sheets", params={"sheets": ", ".join(hidden),
                                              "sheet": visible[0].name}))
    return visible[0]


def _cell_text(value: Any) -> str | None:
    """A cell as text, as pandas' reader gives it: whole numbers without ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text != "" else None


def read_xlsx(path: str | os.PathLike[str], sheet: str | None = None) -> pd.DataFrame:
    """One sheet of a workbook as a DataFrame of text, in memory bounded by its cells.

    The sheet's declared dimensions are ignored (``reset_dimensions``): a workbook of 9 KB
    may declare A1:XFD1048576, and a reader trusting it would allocate a grid of 17 billion
    cells. The first non-empty row is the header; the table may start right of column A;
    empty rows are skipped; a value under no column name is an error naming its cell.
    """
    import pandas as pd
    from openpyxl.utils import get_column_letter

    p = Path(path)
    _check_exists(p)
    wanted = sheet if sheet is not None else chosen_sheet(p)
    with _open_workbook(p) as book:
        sheets = [Sheet(ws.title, ws.sheet_state) for ws in book.worksheets]
        ws = book[_pick_sheet(p, sheets, wanted).name]
        ws.reset_dimensions()
        header: list[str] | None = None
        first = 0
        rows: list[list[str | None]] = []
        try:
            for number, raw in enumerate(ws.iter_rows(values_only=True), start=1):
                if number > MAX_XLSX_ROWS:  # only a hand-made file numbers rows beyond Excel's
                    raise _problem(p, "data_too_many_rows",
                                   f"rows beyond row {MAX_XLSX_ROWS}", limit=MAX_XLSX_ROWS)
                cells = [_cell_text(v) for v in raw]
                while cells and cells[-1] is None:
                    cells.pop()
                if not cells:
                    continue
                if len(cells) > MAX_COLUMNS:
                    raise _problem(p, "data_too_many_columns",
                                   f"{len(cells)} columns; at most {MAX_COLUMNS} are read",
                                   count=len(cells), limit=MAX_COLUMNS)
                if header is None:
                    first = next(i for i, c in enumerate(cells) if c is not None)
                    header = [(c or "").strip() for c in cells[first:]]
                    _check_header(p, header)
                    continue
                outside = [i for i, c in enumerate(cells)
                           if c is not None and not first <= i < first + len(header)]
                if outside:
                    cell = f"{get_column_letter(outside[0] + 1)}{number}"
                    raise InputError(str(p), [Problem(
                        cell, "a value outside the header's columns",
                        code="data_cell_outside_header", params={"cell": cell})])
                for i, value in enumerate(cells):
                    if value is not None and len(value) > MAX_FIELD_CHARS:
                        cell = f"{get_column_letter(i + 1)}{number}"
                        raise InputError(str(p), [Problem(
                            cell, f"a value longer than {MAX_FIELD_CHARS} characters",
                            code="data_value_too_long_cell",
                            params={"cell": cell, "limit": MAX_FIELD_CHARS})])
                row = cells[first:]
                rows.append(row + [None] * (len(header) - len(row)))
        except InputError:
            raise
        except MemoryError:
            raise too_large(p) from None
        except Exception as exc:  # a damaged sheet's XML
            raise _problem(p, "data_unreadable", f"not a readable workbook: {exc}",
                           detail=_first_line(exc, "xlsx")) from None
    if header is None:
        raise _problem(p, "data_empty", "the file is empty")
    return pd.DataFrame(rows, columns=header, dtype=str)


def read_sample(path: str | os.PathLike[str], rows: int) -> pd.DataFrame:
    """The first ``rows`` records of a file, read as :func:`read_table` reads them (for
    suggesting column roles of a file too big to load)."""
    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    if kind == "csv":
        return read_csv(p, nrows=rows)
    if kind == "parquet":
        batch = _first_parquet_batch(p, rows)
        if batch is None:
            return read_table(p)
        return batch.to_pandas()
    return read_table(p).head(rows)


def sample_values(path: str | os.PathLike[str], rows: int) -> dict[str, list[str]]:
    """The first ``rows`` records of every column as text (missing values left out), for
    judging columns' roles beside a measurement that reads only the key columns.

    Without pandas for CSV and Parquet: the risk command measures a million records in about
    a second, and importing pandas alone would add a fifth of one. A spreadsheet is read as
    :func:`read_sample` reads it.
    """
    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    if kind == "csv":
        dialect = sniff_csv(p)
        encoding = dialect.reading_encoding
        out: dict[str, list[str]] = {h: [] for h in dialect.header}
        with open(p, encoding=encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=dialect.delimiter)
            next(reader, None)
            try:
                for n, row in enumerate(reader):
                    if n >= rows:
                        break
                    for name, value in zip(dialect.header, row, strict=False):
                        if value.strip():
                            out[name].append(value)
            except csv.Error:
                pass  # the measurement itself reports a malformed file, with its line
        return out
    if kind == "parquet":
        batch = _first_parquet_batch(p, rows)
        if batch is None:
            return {}
        return {name: [str(v) for v in batch.column(i).to_pylist()
                       if v is not None and str(v).strip()]
                for i, name in enumerate(batch.schema.names)}
    return frame_values(read_sample(p, rows))


def frame_values(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Every column's non-missing, non-blank values as text, as :func:`sample_values` gives
    them for a file."""
    return {str(c): [str(v) for v in frame[c].dropna() if str(v).strip()]
            for c in frame.columns}


def _first_parquet_batch(path: Path, rows: int) -> Any:
    """The first ``rows`` records of a Parquet file as an Arrow batch (None when it has
    none); a damaged file is an error naming it."""
    import pyarrow.parquet as pq

    try:
        return next(pq.ParquetFile(path).iter_batches(batch_size=rows), None)
    except Exception as exc:  # pyarrow's errors have no common base worth naming
        raise _problem(path, "data_unreadable", f"not a readable Parquet file: {exc}",
                       detail=_first_line(exc, "Parquet")) from None


def memory_estimate(path: str | os.PathLike[str]) -> int:
    """Roughly how many bytes the file's data takes once decoded (a lower bound): the file
    size for CSV and XLSX text; for Parquet, whose compressed, dictionary-encoded size may be
    a small part of it, the largest of the file size, the uncompressed size in its metadata
    and 8 bytes (one pointer) per cell. A DataFrame of text takes several times this."""
    p = Path(path)
    _check_exists(p)
    size = p.stat().st_size
    if file_kind(p) != "parquet":
        return size
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(p).metadata
        return max(size, meta.num_rows * meta.num_columns * 8,
                   sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)))
    except Exception:  # unreadable: the reader names the problem later
        return size


# --- DuckDB, for files bigger than memory ---------------------------------------------------

def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A column name as a DuckDB identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def _arrow_stream(path: Path, dialect: CsvDialect, columns: Sequence[str]) -> Any:
    """The columns of a CSV file in another encoding than UTF-8, decoded as they are read.

    DuckDB reads UTF-8 and UTF-16 only (its latin-1 refuses cp1252's euro sign); Arrow's
    CSV reader decodes any Python codec block by block. Nothing is written anywhere: a
    decoded copy in a temporary file would be a plaintext copy of personal data that a
    crash leaves behind.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    return pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(encoding=dialect.reading_encoding,
                                      column_names=list(dialect.header), skip_rows=1,
                                      block_size=1 << 22),
        parse_options=pcsv.ParseOptions(delimiter=dialect.delimiter, quote_char='"',
                                        double_quote=True, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types={c: pa.string() for c in dialect.header},
            include_columns=list(columns), strings_can_be_null=True,
            quoted_strings_can_be_null=True, null_values=[""]))


def _private_connection(stack: ExitStack) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that spills only to a private folder removed on the way out."""
    import duckdb

    spill = stack.enter_context(private_spill_dir())
    con = duckdb.connect()
    stack.callback(con.close)  # closed before its spill folder is removed (LIFO)
    con.execute(f"SET temp_directory = {_sql_string(str(spill))}")
    con.execute("SET preserve_insertion_order = false")  # no order is needed; faster
    return con


class _LongRecord(Exception):
    """A CSV record longer than DuckDB's own line limit: the file is read again with
    :data:`MAX_LINE_BYTES` (see :func:`on_duckdb_table`)."""


def on_duckdb_table(path: str | os.PathLike[str], columns: Sequence[str],
                    work: Callable[[duckdb.DuckDBPyConnection], _T],
                    materialise: bool = True) -> _T:
    """``work(con)`` on :func:`duckdb_table`'s connection, and its result.

    DuckDB's CSV reader splits a file among its threads by the line limit it is given: with
    :data:`MAX_LINE_BYTES` a 50 MB file was parsed by about one thread (0.73 s against
    0.50 s with DuckDB's own limit of 2 MB, measured on two cores). So the file is read with
    DuckDB's limit first, and only a file with a longer record (a value near
    :data:`MAX_FIELD_CHARS` of non-ASCII text) is read again, from the start, with ours;
    ``work`` then runs a second time on a new connection.
    """
    try:
        with duckdb_table(path, columns, materialise=materialise) as con:
            return work(con)
    except _LongRecord:
        with duckdb_table(path, columns, materialise=materialise, long_lines=True) as con:
            return work(con)


@contextmanager
def duckdb_table(path: str | os.PathLike[str], columns: Sequence[str], name: str = "data",
                 materialise: bool = True, *,
                 long_lines: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection where ``name`` holds ``columns`` of the file.

    With ``materialise`` the columns are copied into DuckDB (which spills to disk beyond its
    memory limit) for queries that read them more than once; without, ``name`` is a view that
    parses the file during the one query that needs it, the fastest path for a single pass.
    CSV values are text, as in :func:`read_csv`; a malformed row raises :class:`InputError`
    naming its line, whichever query meets it. A CSV record is limited to DuckDB's own line
    length unless ``long_lines`` (then :data:`MAX_LINE_BYTES`); a longer one raises
    :class:`_LongRecord`, for :func:`on_duckdb_table` to read the file again.
    """
    import duckdb

    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    cols = ", ".join(quote_ident(c) for c in columns)
    made = "TABLE" if materialise else "VIEW"
    with ExitStack() as stack:
        con = _private_connection(stack)
        dialect: CsvDialect | None = None
        try:
            if kind == "csv":
                dialect = sniff_csv(p)
                _check_columns(p, dialect.header, columns)
                if dialect.encoding in ("utf-8", "utf-8-sig"):
                    spec = "{" + ", ".join(f"{_sql_string(h)}: 'VARCHAR'"
                                           for h in dialect.header) + "}"
                    con.execute(
                        f"CREATE {made} {name} AS SELECT {cols} FROM read_csv("
                        f"{_sql_string(str(p))}, delim={_sql_string(dialect.delimiter)}, "
                        f"quote='\"', escape='\"', header=true, columns={spec}, "
                        f"auto_detect=false, strict_mode=true, null_padding=false"
                        f"{f', max_line_size={MAX_LINE_BYTES}' if long_lines else ''})")
                else:  # read once, so kept as a table whatever ``materialise`` says
                    con.register("decoded", _arrow_stream(p, dialect, columns))
                    con.execute(f"CREATE TABLE {name} AS SELECT {cols} FROM decoded")
                    con.unregister("decoded")
                    if dialect.encoding == "cp1252":
                        _cp1252_in_duckdb(con, name, columns)
            elif kind == "parquet":
                parquet = f"read_parquet({_sql_string(str(p))})"
                try:
                    have = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {parquet}")
                            .fetchall()]
                except duckdb.Error as exc:
                    raise _problem(p, "data_unreadable", "not a readable Parquet file",
                                   detail=str(exc).splitlines()[0]) from None
                _check_columns(p, have, columns)
                con.execute(f"CREATE {made} {name} AS SELECT {cols} FROM {parquet}")
            else:  # a workbook fits in memory by Excel's own row limit
                frame = read_table(p, columns)
                con.register("frame_view", frame)
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame_view")
                con.unregister("frame_view")
            yield con
        except duckdb.InterruptException:
            raise  # stopped on purpose (the app's Cancel): not a fault of the file
        except duckdb.OutOfMemoryException:
            raise too_large(p) from None
        except MemoryError:
            raise too_large(p) from None
        except (duckdb.Error, ValueError) as exc:  # Arrow's parse errors are ValueErrors
            if kind == "csv" and not long_lines and _LINE_LIMIT_MESSAGE in str(exc).lower():
                raise _LongRecord() from None
            if dialect is None:
                raise _problem(p, "data_unreadable", _first_line(exc, kind),
                               detail=_first_line(exc, kind)) from None
            raise _bad_csv(p, dialect, str(exc)) from None


def _cp1252_in_duckdb(con: duckdb.DuckDBPyConnection, name: str,
                      columns: Sequence[str]) -> None:
    """Give the bytes 0x80-0x9f their cp1252 meaning (read as latin-1, which keeps every
    byte: cp1252 leaves five undefined). Only values holding such a byte change."""
    pairs = [(chr(b), bytes([b]).decode("cp1252", errors="replace")) for b in range(0x80, 0xa0)]
    pairs = [(a, b) for a, b in pairs if b != "\ufffd"]
    for column in columns:
        expr = quote_ident(column)
        for raw, meant in pairs:
            expr = f"replace({expr}, {_sql_string(raw)}, {_sql_string(meant)})"
        con.execute(f"UPDATE {name} SET {quote_ident(column)} = {expr} "
                    f"WHERE regexp_matches({quote_ident(column)}, '[\x80-\x9f]')")
