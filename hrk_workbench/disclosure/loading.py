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
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.problems import InputError, Problem

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: what the sniffer found, so the same file reads the same way
    in pandas and in DuckDB."""

    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
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
    if not path.exists():
        raise _problem(path, "data_not_found", "file not found")
    if path.is_dir():
        raise _problem(path, "data_is_folder", "is a folder")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 with a BOM, UTF-8, else cp1252 (Excel's "CSV" on Finnish and Swedish Windows).

    cp1252 decodes every byte but five; those five are read as latin-1, their only sensible
    meaning in such a file.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
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
    """Encoding, delimiter and header of a CSV file, from its first 256 KiB."""
    p = Path(path)
    _check_exists(p)
    with open(p, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    if not sample.strip():
        raise _problem(p, "data_empty", "the file is empty")
    encoding = detect_encoding(sample)
    text = _decode(sample, encoding)
    delimiter = detect_delimiter(text)
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
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
    reported as (the line where the record starts, -1), the same as a quote error.
    """
    encoding = dialect.reading_encoding
    width = len(dialect.header)
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=dialect.delimiter)
        try:
            start = 1
            for row in reader:
                if row and len(row) != width:
                    end = reader.line_num
                    if end > start and next(reader, None) is None and row[-1].count("\n"):
                        return start, -1
                    return end, len(row)
                start = reader.line_num + 1
        except csv.Error:
            return reader.line_num, -1
    return _open_quote_at_end(path, encoding, dialect.delimiter)


def _open_quote_at_end(path: str | os.PathLike[str], encoding: str,
                       delimiter: str) -> tuple[int, int] | None:
    """A quote the file's last record leaves open, as (line where that record starts, -1).

    The lenient reader above closes such a quote at the end of the file, so a last record
    of the right width hides it; the strict reader does not.
    """
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
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
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise _bad_csv(p, dialect, str(exc)) from None
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
               progress: ReadProgress | None = None) -> pd.DataFrame:
    """Any supported data file as a DataFrame; CSV and XLSX values as text.

    Parquet keeps its column types: they were chosen by whoever wrote it, and no leading
    zeros were lost on the way. ``progress`` is as in :func:`read_csv` (a workbook or a
    Parquet file reports only its start and end).
    """
    import pandas as pd

    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    if kind == "csv":
        return read_csv(p, columns, progress=progress)
    size = p.stat().st_size
    if progress is not None:
        progress(0, size, 0)
    if kind == "xlsx":
        try:
            frame = pd.read_excel(p, dtype=str, keep_default_na=False, na_values=[""],
                                  engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise _problem(p, "data_unreadable", f"not a readable workbook: {exc}",
                           detail=str(exc).splitlines()[0] if str(exc) else "") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        _check_header(p, list(frame.columns))
    else:
        try:
            frame = pd.read_parquet(p)
        except Exception as exc:  # pyarrow's errors have no common base worth naming
            raise _problem(p, "data_unreadable", f"not a readable Parquet file: {exc}",
                           detail=str(exc).splitlines()[0] if str(exc) else "") from None
    _check_columns(p, list(frame.columns), columns)
    if progress is not None:
        progress(size, size, len(frame))
    return frame[list(columns)] if columns else frame


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
                       detail=str(exc).splitlines()[0] if str(exc) else "") from None


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


@contextmanager
def _utf8_copy(path: Path, dialect: CsvDialect) -> Iterator[Path]:
    """DuckDB reads UTF-8; a cp1252 file is transcoded to a temporary copy, deleted after."""
    if dialect.encoding != "cp1252":
        yield path
        return
    fd, name = tempfile.mkstemp(suffix=".csv", prefix=".hrk-utf8-")
    try:
        with open(path, encoding="cp1252", errors="replace", newline="") as src, \
                os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):
                dst.write(chunk)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


@contextmanager
def duckdb_table(path: str | os.PathLike[str], columns: Sequence[str], name: str = "data",
                 materialise: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection where ``name`` holds ``columns`` of the file.

    With ``materialise`` the columns are copied into DuckDB (which spills to disk beyond its
    memory limit) for queries that read them more than once; without, ``name`` is a view that
    parses the file during the one query that needs it, the fastest path for a single pass.
    CSV values are text, as in :func:`read_csv`; a malformed row raises :class:`InputError`
    naming its line, whichever query meets it.
    """
    import duckdb

    p = Path(path)
    _check_exists(p)
    kind = file_kind(p)
    cols = ", ".join(quote_ident(c) for c in columns)
    made = "TABLE" if materialise else "VIEW"
    with ExitStack() as stack:
        con = duckdb.connect()
        stack.callback(con.close)
        con.execute("SET preserve_insertion_order = false")  # no order is needed; faster
        dialect: CsvDialect | None = None
        try:
            if kind == "csv":
                dialect = sniff_csv(p)
                _check_columns(p, dialect.header, columns)
                source = stack.enter_context(_utf8_copy(p, dialect))
                spec = "{" + ", ".join(f"{_sql_string(h)}: 'VARCHAR'"
                                       for h in dialect.header) + "}"
                con.execute(
                    f"CREATE {made} {name} AS SELECT {cols} FROM read_csv("
                    f"{_sql_string(str(source))}, delim={_sql_string(dialect.delimiter)}, "
                    f"quote='\"', escape='\"', header=true, columns={spec}, "
                    f"auto_detect=false, strict_mode=true, null_padding=false)")
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
        except duckdb.Error as exc:
            if dialect is None:
                raise _problem(p, "data_unreadable", str(exc).splitlines()[0],
                               detail=str(exc).splitlines()[0]) from None
            raise _bad_csv(p, dialect, str(exc)) from None
