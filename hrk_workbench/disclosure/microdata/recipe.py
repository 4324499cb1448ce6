"""Protections for a public-use file, as an ordered recipe saved in JSON and replayed on next
year's file.

Why a recipe: the public-use file method (select variables, recode, exclude uniques, sample)
is redone every year on fresh data. Writing the steps down once means next year's file gets
the same protection, and the same input, recipe and seed always give the same bytes.

The pseudonymisation key is the one thing a recipe never holds: it comes from a key file or is
typed in, lives only in memory, and appears in no output, report or message. Keyed
pseudonyms are still personal data (whoever holds the key can reverse the link), and the
report says so.

pandas is imported inside the functions (the CLI imports this module only for ``puf``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrk_workbench.disclosure.microdata.values import numbers
from hrk_workbench.foundations.csvfile import neutralise  # noqa: F401 (kept importable from here)
from hrk_workbench.foundations.problems import InputError, Problem, problems_from_pydantic

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

RECIPE_FORMAT = "hrk-puf-recipe"
MIN_KEY_BYTES = 16
# HMAC-SHA-256 gains nothing from more; fewer random bytes is a warning, not a refusal
STRONG_KEY_BYTES = 32
MAX_KEY_FILE_BYTES = 64 * 1024


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Drop(_Step):
    """Leave variables out of the file (free text, anything not needed)."""
    op: Literal["drop"]
    columns: list[str] = Field(min_length=1)


class RemoveDirect(_Step):
    """Remove direct identifiers (names, identity codes, addresses, e-mail, phone)."""
    op: Literal["remove_direct_identifiers"]
    columns: list[str] = Field(min_length=1)


class Pseudonymise(_Step):
    """Replace id values with HMAC-SHA-256 under a secret key, so joins still work."""
    op: Literal["pseudonymise"]
    columns: list[str] = Field(min_length=1)
    length: int = Field(64, ge=16, le=64)  # hex characters kept


class Band(_Step):
    """Numeric bands: fixed ``width`` from ``start``, or explicit ascending ``breaks``."""
    op: Literal["band"]
    column: str
    width: float | None = Field(None, gt=0)
    start: float = 0
    breaks: list[float] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Band:
        if (self.width is None) == (self.breaks is None):
            raise ValueError("give either width or breaks")
        if self.breaks is not None and (len(self.breaks) < 1 or
                                        self.breaks != sorted(set(self.breaks))):
            raise ValueError("breaks must be ascending and distinct")
        return self


class TopCode(_Step):
    """Values above ``at`` (or below, for bottom coding) become ``at``: extremes identify."""
    op: Literal["top_code", "bottom_code"]
    column: str
    at: float


class Merge(_Step):
    """Merge categories by a mapping or a hierarchy file (two columns: value, group)."""
    op: Literal["merge"]
    column: str
    mapping: dict[str, str] | None = None
    hierarchy: str | None = None  # a CSV file, relative to the recipe
    unmapped: Literal["keep", "missing"] = "keep"

    @model_validator(mode="after")
    def _one_way(self) -> Merge:
        if (self.mapping is None) == (self.hierarchy is None):
            raise ValueError("give either mapping or hierarchy")
        return self


class Dates(_Step):
    """Dates to year or year-month (birth and event dates identify to the day).

    Reads d.m.yyyy, dd/mm/yyyy, yyyymmdd, ISO dates (with a time and a zone too: the date as
    written, not moved to another zone) and workbook date cells. A value it cannot read
    stops the run naming its column, line and value, or is blanked with ``on_error:
    suppress``: never published at full precision.
    """
    op: Literal["date"]
    column: str
    to: Literal["year", "month"]
    on_error: Literal["stop", "suppress"] = "stop"


class Grid(_Step):
    """Coordinates in metres (``columns``: easting x, northing y, e.g. ETRS-TM35FIN) to the
    code of their grid square of ``size_m`` metres, in one column ``into`` that replaces
    both (``1kmN6672E385``, as statistical grids name squares by their lower-left corner):
    an exact location points at one home, a square at many. The square is a regional key
    variable: add ``into`` to the recipe's key_variables to measure it."""
    op: Literal["grid"]
    columns: list[str] = Field(min_length=2, max_length=2)
    size_m: int = Field(ge=1, le=1_000_000)
    into: str = Field("grid", min_length=1)


class Suppress(_Step):
    """Blank key values in records of classes smaller than ``k``, as few as the greedy
    search finds; records it cannot protect are removed (and counted). ``importance``
    orders key variables, most important first: the least important are blanked first (as
    sdcMicro's localSuppression importance), a variable left out counts as less important
    than those named."""
    op: Literal["suppress"]
    k: int = Field(ge=2, le=100)
    columns: list[str] | None = None  # default: the recipe's key variables
    importance: list[str] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Suppress:
        if self.importance is not None and len(set(self.importance)) != len(self.importance):
            raise ValueError("importance names each column once")
        return self


class Pram(_Step):
    """Post-randomise categorical columns (invariant PRAM): each value keeps its category
    with probability at least ``retain`` (the rarest category exactly ``retain``), else
    moves to another, so that every category's expected frequency stays what it was."""
    op: Literal["pram"]
    columns: list[str] = Field(min_length=1)
    retain: float = Field(0.8, gt=0, lt=1)
    seed: int | None = None


class Microaggregate(_Step):
    """MDAV microaggregation: the columns together (multivariate; one column for
    univariate), each value replaced by the mean of its group of at least ``k`` similar
    records, unrounded unless ``round`` gives the decimals."""
    op: Literal["microaggregate"]
    columns: list[str] = Field(min_length=1)
    k: int = Field(3, ge=3, le=100)
    round: int | None = Field(None, ge=0, le=10)


class Noise(_Step):
    """Random noise on numeric columns, its standard deviation ``std_share`` of each
    column's: correlated (``correlated2``: keeps means and covariances exactly) or
    independent per column (``additive``)."""
    op: Literal["noise"]
    columns: list[str] = Field(min_length=1)
    std_share: float = Field(gt=0, le=10)
    method: Literal["correlated2", "additive"] = "correlated2"
    round: int | None = Field(None, ge=0, le=10)
    seed: int | None = None


class Exclude(_Step):
    """Remove records in equivalence classes smaller than ``k``."""
    op: Literal["exclude"]
    k: int = Field(ge=2, le=100)
    columns: list[str] | None = None


class Sample(_Step):
    """Keep a random share of records (with the recipe's or the step's seed)."""
    op: Literal["sample"]
    fraction: float = Field(gt=0, le=1)
    seed: int | None = None


Step = Annotated[Drop | RemoveDirect | Pseudonymise | Band | TopCode | Merge | Dates | Grid |
                 Suppress | Exclude | Sample | Pram | Microaggregate | Noise,
                 Field(discriminator="op")]
PERTURBING = (Pram, Microaggregate, Noise)  # steps that change values at random or by group


class Recipe(BaseModel):
    """An ordered list of protections, the key variables they protect, and the seed."""
    model_config = ConfigDict(extra="forbid")

    format: Literal["hrk-puf-recipe"] = RECIPE_FORMAT
    version: Literal[1] = 1
    key_variables: list[str] = Field(default_factory=list)
    sensitive: list[str] = Field(default_factory=list)
    # longitudinal data: the person id and time columns, so the unique-trajectory share is
    # measured again on the protected file (a pseudonymised panel is not safe without it)
    person: str | None = None
    time: str | None = None
    # a survey's sampling weight: the written file's risk is then judged as sdcMicro does
    weight: str | None = None
    seed: int = 0
    steps: list[Step] = Field(default_factory=list)

    def stated_roles(self) -> dict[str, str]:
        """The roles the recipe itself states: key variables quasi, sensitive ones sensitive,
        removed or pseudonymised ids direct (the loss report must not average their codes)."""
        roles = {k: "quasi" for k in self.key_variables}
        roles.update({s: "sensitive" for s in self.sensitive})
        for step in self.steps:
            if isinstance(step, (RemoveDirect, Pseudonymise)):
                roles.update({c: "direct" for c in step.columns})
        return roles

    def recoded(self) -> list[str]:
        """Variables the recipe changes on purpose (bands, merges, dates, grid squares,
        top codes, pseudonyms): their distributions differ by design in the loss report."""
        return sorted({c for s in self.steps
                       if isinstance(s, (Band, Dates, Merge, TopCode, Pseudonymise, Grid))
                       for c in ([s.column] if hasattr(s, "column") else s.columns)})

    def min_category(self, default: int = 5) -> int:
        """The smallest category the loss report may name: the recipe's largest k (its
        suppression or exclusion threshold), at least ``default``."""
        return max([default, *(s.k for s in self.steps if isinstance(s, (Suppress, Exclude)))])

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_none=True), ensure_ascii=False,
                          indent=2) + "\n"


def load_recipe(path: str | os.PathLike[str]) -> Recipe:
    """A recipe file, every problem reported with its JSON path."""
    from hrk_workbench.foundations.jsonfile import MAX_RECIPE_BYTES, loads, read_bounded

    p = Path(path)
    try:
        text = read_bounded(p, MAX_RECIPE_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(p), [Problem("$", "file not found", code="recipe_not_found")]) \
            from None
    except OSError as exc:
        raise InputError(str(p), [Problem("$", f"cannot read: {exc.strerror or exc}",
                                          code="cannot_read", params={
                                              "detail": exc.strerror or str(exc),
                                              "errno": exc.errno})]) from None
    except UnicodeDecodeError as exc:
        raise InputError(str(p), [Problem("$", f"cannot read: {exc}", code="cannot_read",
                                          params={"detail": str(exc)})]) from None
    try:
        data = loads(text, str(p), "recipe_too_deep")
    except json.JSONDecodeError as exc:
        raise InputError(str(p), [Problem(f"line {exc.lineno}", exc.msg, code="bad_json",
                                          params={"detail": exc.msg})]) from None
    try:
        return Recipe.model_validate(data)
    except ValidationError as exc:
        raise InputError(str(p), problems_from_pydantic(exc)) from None
    except RecursionError:  # nesting within json's reach but beyond the validator's
        raise InputError(str(p), [Problem("$", "JSON nested too deeply",
                                          code="recipe_too_deep")]) from None


# --- applying -------------------------------------------------------------------------------

@dataclass
class StepResult:
    """What one step did, for the report (never any value, never the key)."""

    index: int
    op: str
    columns: list[str]
    records_removed: int = 0
    values_suppressed: int = 0
    values_changed: int = 0
    # what a perturbing or importance-ordered step adds (per variable; never a value)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.index, "op": self.op, "columns": self.columns,
                "records_removed": self.records_removed,
                "values_suppressed": self.values_suppressed,
                "values_changed": self.values_changed, **self.details}


@dataclass
class Applied:
    """The protected data and what was done; ``still_personal`` when keyed pseudonyms are in
    the file (pseudonymised data is personal data, not anonymous)."""

    data: pd.DataFrame
    steps: list[StepResult] = field(default_factory=list)
    still_personal: bool = False
    # column -> what PRAM, microaggregation or noise did to it (for the loss report)
    perturbation: dict[str, dict[str, Any]] = field(default_factory=dict)


def _step_problem(index: int, message: str, code: str, **params: Any) -> InputError:
    return InputError("recipe", [Problem(f"steps[{index}]", message, code=code,
                                         params=params)])


def _need_columns(df: pd.DataFrame, index: int, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise _step_problem(index, f"no column {', '.join(missing)} in the data",
                            "recipe_no_column", column=", ".join(missing))


def pseudonym(value: str, key: bytes, length: int = 64) -> str:
    """HMAC-SHA-256 of the value under the key, in hex: the same id always gives the same
    pseudonym (joins work), and without the key it cannot be computed or reversed."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def read_key(path: str | os.PathLike[str],
             warnings: list[Problem] | None = None) -> bytes:
    """The key from a key file (its bytes, a final newline dropped); the file's content is
    never repeated in a message.

    A file larger than :data:`MAX_KEY_FILE_BYTES` is refused (a key file is short; a big one
    is the wrong file, and is never read whole). What weakens the key's secrecy but does not
    stop its use (readable by others, a symbolic link, too little randomness) is appended to
    ``warnings`` for the caller to show.
    """
    p = Path(path)
    try:
        link = p.is_symlink()
        # non-blocking, so a named pipe given as the key file is refused, not waited on
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(p, flags), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(str(p), [Problem("$", "not a regular file",
                                                  "a key file", code="key_not_a_file")])
            key = handle.read(MAX_KEY_FILE_BYTES + 1)
            mode = os.fstat(handle.fileno()).st_mode
    except OSError as exc:
        raise InputError(str(p), [Problem("$", f"cannot read: {exc.strerror}",
                                          code="cannot_read",
                                          params={"detail": exc.strerror or "",
                                                  "errno": exc.errno})]) from None
    if len(key) > MAX_KEY_FILE_BYTES:
        raise InputError(str(p), [Problem(
            "$", "the key file is too large", f"at most {MAX_KEY_FILE_BYTES} bytes",
            code="key_file_too_large", params={"max": MAX_KEY_FILE_BYTES})])
    key = check_key(key.rstrip(b"\r\n"), str(p))
    if warnings is not None:
        warnings += key_file_warnings(mode, link) + key_warnings(key)
    return key


def key_file_warnings(mode: int, symlink: bool) -> list[Problem]:
    """Warnings about where the key is kept: a key others may read is no longer secret, and a
    symbolic link may be pointed at another file by whoever can change the link. Permission
    bits mean this only where the system has them (Linux, macOS; not Windows' ACLs)."""
    found = []
    if os.name == "posix" and mode & (stat.S_IRGRP | stat.S_IROTH):
        found.append(Problem("$", "the key file is readable by other users",
                             "a file only its owner may read (chmod 600)", "warning",
                             code="key_file_readable", params={"mode": f"{mode & 0o777:o}"}))
    if symlink:
        found.append(Problem("$", "the key file is a symbolic link",
                             "the key file itself, not a link to it", "warning",
                             code="key_file_symlink"))
    return found


def key_entropy_bytes(key: bytes) -> float:
    """At most how many bytes of randomness the key can hold, judged by its alphabet.

    Hex text carries 4 bits a character, base64 6, printable text about 6.6, other bytes 8;
    a key made of only a few distinct symbols (``aaaa…``) carries no more than those allow.
    An upper bound: a word typed many times still looks long, but never looks longer.
    """
    if not key:
        return 0.0
    text = key  # as used: a raw key's bytes count whatever they are, whitespace included
    if re.fullmatch(rb"[0-9A-Fa-f]+", text):
        alphabet = 16
    elif re.fullmatch(rb"[A-Za-z0-9+/_-]+={0,2}", text):
        alphabet = 64
        text = text.rstrip(b"=")
    elif all(32 <= b < 127 for b in text):
        alphabet = 95
    else:
        alphabet = 256
    distinct = len(set(text))
    if distinct < 8:
        alphabet = distinct
    return len(text) * math.log2(max(alphabet, 1)) / 8


def key_warnings(key: bytes) -> list[Problem]:
    """A warning when the key holds less randomness than HMAC-SHA-256's 32 bytes."""
    have = key_entropy_bytes(key)
    if have >= STRONG_KEY_BYTES:
        return []
    return [Problem("$", f"the key holds at most {int(have)} bytes of randomness",
                    f"at least {STRONG_KEY_BYTES} random bytes, e.g. 64 hex digits",
                    "warning", code="key_weak",
                    params={"bytes": int(have), "min": STRONG_KEY_BYTES})]


def check_key(key: bytes, source: str = "key") -> bytes:
    """Refuse a key too short to be a secret (an error); a weak but usable key is only
    warned about, by :func:`key_warnings`."""
    if len(key) < MIN_KEY_BYTES:
        raise InputError(source, [Problem("$", "the key is too short", code="key_too_short",
                                          params={"min": MIN_KEY_BYTES})])
    return key


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _band_labels(values: pd.Series, step: Band) -> pd.Series:
    import numpy as np

    out = values.astype("object").copy()
    present = values.notna()
    v = values[present].to_numpy()
    if step.width is not None:
        lo = step.start + np.floor((v - step.start) / step.width) * step.width
        hi = lo + step.width
        integral = float(step.width).is_integer() and float(step.start).is_integer()
        labels = [f"{_number_text(a)}-{_number_text(b - 1 if integral else b)}"
                  for a, b in zip(lo, hi, strict=True)]
    else:
        breaks = np.asarray(step.breaks, dtype="float64")
        pos = np.searchsorted(breaks, v, side="right")
        names = [f"<{_number_text(breaks[0])}"]
        for a, b in itertools.pairwise(breaks):
            whole = float(a).is_integer() and float(b).is_integer()
            names.append(f"{_number_text(a)}-{_number_text(b - 1 if whole else b)}")
        names.append(f"{_number_text(breaks[-1])}+")
        labels = [names[i] for i in pos]
    out[present] = labels
    return out


def _hierarchy(path: Path, index: int) -> dict[str, str]:
    from hrk_workbench.disclosure.loading import read_csv

    frame = read_csv(path)
    if frame.shape[1] < 2:
        raise _step_problem(index, "the hierarchy file needs two columns (value, group)",
                            "recipe_bad_hierarchy", file=str(path))
    pairs = frame.iloc[:, :2].dropna()
    return dict(zip(pairs.iloc[:, 0].astype(str), pairs.iloc[:, 1].astype(str), strict=True))


# Dates as stewards' exports write them; each gives year, month, day by name. Day first:
# Finnish and Swedish write 4.3.2021 and 04/03/2021 for the 4th of March.
DATE_PATTERNS = (
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"  # ISO, time and zone may follow
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?",
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"  # d.m.yyyy [hh:mm[:ss]]
    r"(?: \d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?",
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})",  # dd/mm/yyyy
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",  # yyyymmdd
    r"(?P<year>\d{4})-(?P<month>\d{1,2})",  # already a month
    r"(?P<year>\d{4})",  # already a year
)


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The year and month of each value (``Int64``, missing where unreadable or blank) and
    the mask of values present but unreadable as a date (31.2.2021 included).

    A value given only as a year has no month. Workbook date cells arrive as
    ``2021-03-04 00:00:00`` (the reader's text of the cell) and a Parquet date column as
    dates: both read as ISO.
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        year = series.dt.year.astype("Int64")
        month = series.dt.month.astype("Int64")
        return year, month, pd.Series(False, index=series.index)
    text = series.astype("string").str.strip()
    present = text.notna() & (text != "")
    year = pd.Series(pd.NA, index=series.index, dtype="Int64")
    month = year.copy()
    day = year.copy()
    done = ~present
    for pattern in DATE_PATTERNS:
        found = text[~done].str.extract(f"^(?:{pattern})$")
        if found.empty:
            continue
        hit = found["year"].notna()
        rows = found.index[hit]
        year[rows] = found.loc[hit, "year"].astype("Int64")
        if "month" in found:
            month[rows] = found.loc[hit, "month"].astype("Int64")
        if "day" in found:
            day[rows] = found.loc[hit, "day"].astype("Int64")
        done[rows] = True
    # a day and month that exist in that year (31.2. and 13/13 do not)
    full = day.notna()
    check = pd.to_datetime(pd.DataFrame({"year": year[full], "month": month[full],
                                         "day": day[full]}), errors="coerce")
    bad_day = pd.Series(False, index=series.index)
    bad_day[full] = check.isna().to_numpy()
    bad_month = month.notna() & ((month < 1) | (month > 12))
    unreadable = present & (~done | bad_day | bad_month)
    year[unreadable] = pd.NA
    month[unreadable] = pd.NA
    return year, month, unreadable


def _dates(series: pd.Series, step: Dates, index: int) -> tuple[pd.Series, int]:
    """The column at the step's precision and the number of values blanked (unreadable
    values under ``on_error: suppress``); an unreadable value otherwise stops the run."""
    year, month, bad = parse_dates(series)
    if step.to == "month":  # a value given only as a year cannot be shown as a month
        bad = bad | (year.notna() & month.isna())
    if bad.any() and step.on_error == "stop":
        first = bad[bad].index[0]
        position = int(bad.index.get_loc(first))
        line = (int(first) if isinstance(first, int) else position) + 2
        value = str(series.loc[first])
        raise InputError("recipe", [Problem(
            f"steps[{index}]", f"{value!r} in {step.column} on line {line} is not a date",
            "d.m.yyyy, dd/mm/yyyy, yyyymmdd or yyyy-mm-dd (a time may follow), or "
            "on_error: suppress in the step", code="recipe_bad_date",
            params={"column": step.column, "line": line, "value": value[:40],
                    "step": index, "to": step.to})])
    out = series.astype("object").copy()
    ok = year.notna() & ~bad
    text = year[ok].astype(int).astype(str).str.zfill(4)
    if step.to == "month":
        text = text + "-" + month[ok].astype(int).astype(str).str.zfill(2)
    out[ok] = text
    out[bad] = None
    return out, int(bad.sum())


def _grid(df: pd.DataFrame, step: Grid, index: int) -> tuple[pd.DataFrame, int]:
    """The two coordinate columns replaced by their square's code; a value that is not a
    number stops the run naming it, and degrees (latitude, longitude) are refused: a square
    in metres needs projected coordinates. A record missing either coordinate gets none."""
    import numpy as np

    cells = {}
    for column in step.columns:
        col = df[column]
        values = numbers(col)
        bad = col.notna() & (col.astype("string").str.strip() != "") & values.isna()
        if bad.any():
            first = bad[bad].index[0]
            line = (int(first) if isinstance(first, int) else
                    int(bad.index.get_loc(first))) + 2
            value = str(col.loc[first])
            raise InputError("recipe", [Problem(
                f"steps[{index}]", f"{value!r} in {column} on line {line} is not a coordinate",
                "a coordinate in metres", code="recipe_bad_coordinate",
                params={"column": column, "line": line, "value": value[:40], "step": index})])
        present = values.dropna()
        if len(present) and float(present.abs().max()) <= 180:
            raise _step_problem(index, f"{column} looks like degrees, not metres",
                                "recipe_grid_degrees", column=column, size=step.size_m)
        cells[column] = np.floor(values / step.size_m)
    x, y = (cells[c] for c in step.columns)
    size = f"{step.size_m // 1000}km" if step.size_m % 1000 == 0 else f"{step.size_m}m"
    ok = x.notna() & y.notna()
    code = pd_object(df.index)
    code[ok] = [f"{size}N{int(n)}E{int(e)}" for e, n in zip(x[ok], y[ok], strict=True)]
    out = df.drop(columns=list(step.columns))
    position = min(list(df.columns).index(c) for c in step.columns)
    out.insert(min(position, len(out.columns)), step.into, code)
    return out, int(ok.sum())


def pd_object(index: Any) -> pd.Series:
    """An empty (all missing) text column on ``index``."""
    import pandas as pd

    return pd.Series([None] * len(index), index=index, dtype="object")


def key_codes(df: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """The key values as integer codes per column (-1 = missing), for fast class counts."""
    import numpy as np
    import pandas as pd

    return np.column_stack([pd.factorize(df[k], use_na_sentinel=True)[0] for k in keys]) \
        .astype("int64")


def _sizes(codes: np.ndarray) -> np.ndarray:
    """Equivalence-class size per row of a code matrix (missing is a value of its own)."""
    import numpy as np

    _, inverse, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.reshape(-1)]


def local_suppression(df: pd.DataFrame, keys: Sequence[str], k: int,
                      importance: Sequence[str] | None = None,
                      per_variable: dict[str, int] | None = None
                      ) -> tuple[pd.DataFrame, int, int]:
    """Blank key values until every class has at least ``k`` records.

    Greedy, in rounds: each record still in a too-small class blanks the one key value that
    puts it in the biggest class (counting where the other risky records would go too); ties
    go to the variable with more distinct values, which carries the most identifying detail.
    With ``importance`` (key names, most important first; others count as less important
    than those named) a record instead blanks its least important value that brings it to
    ``k``, or, when none does yet, its least important value still present: the steward's
    important variables are blanked only when the others cannot protect the record.
    A blank is a value of its own, so the result is k-anonymous under a plain group-by. The
    few records that stay in a too-small class even with every key blank are removed.
    Returns the data, the number of values blanked and of records removed; ``per_variable``
    (when given) is filled with the values blanked per key of the records kept.
    """
    import numpy as np

    keys = list(keys)
    codes = key_codes(df, keys)
    order = np.argsort([-df[c].nunique(dropna=True) for c in keys], kind="stable")
    if importance is not None:
        rank = {c: i for i, c in enumerate(importance)}
        # least important first: unnamed keys (by the distinct-value order), then the named
        # ones from the last named to the first
        order = np.array(sorted(order, key=lambda j: -rank.get(keys[j], len(keys) + 1)),
                         dtype="int64")
    original_missing = codes == -1
    while True:
        sizes = _sizes(codes)
        risky = sizes < k
        if not risky.any():
            break
        best_size = np.full(len(codes), -1, dtype="int64")
        best_var = np.full(len(codes), -1, dtype="int64")
        for j in order:
            can = risky & (codes[:, j] != -1)
            if not can.any():
                continue
            trial = codes.copy()
            trial[can, j] = -1
            after = _sizes(trial)
            if importance is None:
                better = can & (after > best_size)
            else:  # the first (least important) that reaches k wins; else the first present
                better = can & (((after >= k) & (best_size < k)) | (best_var < 0))
            best_size[better] = after[better]
            best_var[better] = j
        change = best_var >= 0
        if not change.any():
            break
        rows = np.nonzero(change)[0]
        codes[rows, best_var[rows]] = -1
    suppressed_cells = (codes == -1) & ~original_missing
    out = df.copy()
    for j, col in enumerate(keys):
        mask = suppressed_cells[:, j]
        if mask.any():
            values = out[col].astype("object").to_numpy(copy=True)
            values[mask] = None
            out[col] = values
    keep = _sizes(codes) >= k
    removed = int((~keep).sum())
    blanked = int(suppressed_cells[keep].sum())
    if per_variable is not None:
        per_variable.update({col: int(suppressed_cells[keep, j].sum())
                             for j, col in enumerate(keys)})
    return out[keep], blanked, removed


def exclude_small_classes(df: pd.DataFrame, keys: Sequence[str], k: int) -> pd.DataFrame:
    """The records whose class has at least ``k`` records (the others are removed)."""
    if len(df) == 0:
        return df
    return df[_sizes(key_codes(df, keys)) >= k]


def apply_recipe(df: pd.DataFrame, recipe: Recipe, key: bytes | None = None,
                 base_dir: str | os.PathLike[str] = ".") -> Applied:
    """Apply every step in order; the input is not changed and the row labels are kept, so
    the loss report can compare each surviving record with its original."""
    result = Applied(df.copy())
    pseudonymised: set[str] = set()
    dropped: set[str] = set()  # left the key sets of the steps after the one that dropped it
    for index, step in enumerate(recipe.steps):
        before = result.data
        rows_before = len(before)
        data, info = _apply_step(before, step, index, recipe, key, Path(base_dir), dropped)
        dropped |= set(before.columns) - set(data.columns)
        info.records_removed = rows_before - len(data)
        result.data = data
        result.steps.append(info)
        if isinstance(step, Pseudonymise):
            pseudonymised |= set(step.columns)
        for col, what in info.details.get("perturbation", {}).items():
            result.perturbation.setdefault(col, {}).update(what)
    # a pseudonym dropped by a later step links nothing; one left in the file does
    result.still_personal = bool(pseudonymised & set(result.data.columns))
    # the loss report reads this from the data itself, whoever calls it
    result.data.attrs["perturbation"] = {c: dict(v) for c, v in result.perturbation.items()}
    return result


def _apply_step(df: pd.DataFrame, step: Any, index: int, recipe: Recipe, key: bytes | None,
                base_dir: Path, dropped: set[str] | None = None
                ) -> tuple[pd.DataFrame, StepResult]:
    if isinstance(step, (Drop, RemoveDirect)):
        _need_columns(df, index, step.columns)
        return df.drop(columns=step.columns), StepResult(index, step.op, list(step.columns))
    if isinstance(step, Pseudonymise):
        if key is None:
            raise _step_problem(index, "pseudonymisation needs a key (a key file or typed in)",
                                "recipe_no_key")
        _need_columns(df, index, step.columns)
        out = df.copy()
        changed = 0
        for col in step.columns:
            present = out[col].notna()
            out[col] = out[col].astype("object")
            out.loc[present, col] = [pseudonym(str(v), key, step.length)
                                     for v in out.loc[present, col]]
            changed += int(present.sum())
        return out, StepResult(index, step.op, list(step.columns), values_changed=changed)
    if isinstance(step, (Band, TopCode, Dates, Merge)):
        _need_columns(df, index, [step.column])
        out = df.copy()
        col = out[step.column]
        if isinstance(step, Band):
            values = numbers(col)
            bad = col.notna() & values.isna()
            if bad.any():
                raise _step_problem(index, f"{int(bad.sum())} values of {step.column} are not "
                                    "numbers", "recipe_not_numbers", column=step.column,
                                    count=int(bad.sum()))
            new = _band_labels(values, step)
        elif isinstance(step, TopCode):
            values = numbers(col)
            hit = values > step.at if step.op == "top_code" else values < step.at
            new = col.astype("object").copy()
            new[hit] = _number_text(step.at)
        elif isinstance(step, Dates):
            new, blanked = _dates(col, step, index)
            if blanked:
                changed = int((new.astype("object").fillna("\0") !=
                               col.astype("object").fillna("\0")).sum())
                out[step.column] = new
                return out, StepResult(index, step.op, [step.column], values_changed=changed
                                       - blanked, values_suppressed=blanked)
        else:
            mapping = step.mapping if step.mapping is not None else \
                _hierarchy(base_dir / str(step.hierarchy), index)
            text = col.astype("object")
            mapped = text.map(lambda v: mapping.get(str(v)) if v is not None and v == v
                              else None)
            fallback = text if step.unmapped == "keep" else None
            new = mapped.where(mapped.notna(), fallback)
        changed = int((new.astype("object").fillna("\0") !=
                       col.astype("object").fillna("\0")).sum())
        out[step.column] = new
        return out, StepResult(index, step.op, [step.column], values_changed=changed)
    if isinstance(step, Grid):
        _need_columns(df, index, step.columns)
        if step.into in df.columns and step.into not in step.columns:
            raise _step_problem(index, f"the data already has a column {step.into}",
                                "recipe_grid_column_exists", column=step.into)
        out, changed = _grid(df, step, index)
        return out, StepResult(index, step.op, list(step.columns), values_changed=changed)
    if isinstance(step, (Suppress, Exclude)):
        # a key an earlier step dropped is no longer in the file, nor in its key set
        keys = [k for k in (step.columns or recipe.key_variables) if k not in (dropped or ())]
        if not keys:
            raise _step_problem(index, "no key variables: give columns or the recipe's "
                                "key_variables", "recipe_no_key_variables")
        _need_columns(df, index, keys)
        if isinstance(step, Suppress):
            unknown = [c for c in step.importance or () if c not in keys]
            if unknown:
                raise _step_problem(index, f"importance names {', '.join(unknown)}, not a key "
                                    "variable of the step", "recipe_importance_not_key",
                                    column=", ".join(unknown), keys=", ".join(keys))
            per_variable: dict[str, int] = {}
            out, blanked, _removed = local_suppression(df, keys, step.k, step.importance,
                                                       per_variable)
            details: dict[str, Any] = {"suppressed_by_variable": per_variable}
            if step.importance is not None:
                details["importance"] = list(step.importance)
            return out, StepResult(index, step.op, list(keys), values_suppressed=blanked,
                                   details=details)
        return exclude_small_classes(df, keys, step.k), StepResult(index, step.op, list(keys))
    if isinstance(step, PERTURBING):
        _need_columns(df, index, step.columns)
        return _perturb(df, step, index, recipe)
    if isinstance(step, Sample):
        seed = recipe.seed if step.seed is None else step.seed
        kept = df.sample(frac=step.fraction, random_state=seed).sort_index(kind="stable") \
            if len(df) else df
        return kept, StepResult(index, step.op, [])
    raise AssertionError(f"unknown step {step!r}")  # the discriminated union prevents this


def _perturb(df: pd.DataFrame, step: Pram | Microaggregate | Noise, index: int,
             recipe: Recipe) -> tuple[pd.DataFrame, StepResult]:
    """PRAM, microaggregation or noise on the step's columns, rows kept in their order. The
    random steps draw from the step's seed (else the recipe's) with the step's place in the
    recipe, so the same recipe and data always give the same file."""
    import numpy as np

    from hrk_workbench.disclosure.microdata import perturb

    out = df.copy()
    per_column: dict[str, dict[str, Any]] = {}
    changed = 0
    if isinstance(step, Pram):
        seed = recipe.seed if step.seed is None else step.seed
        rng = np.random.default_rng([seed, index])
        for col in step.columns:
            done = perturb.pram(df[col], step.retain, rng)
            out[col] = done.values
            changed += done.changed
            per_column[col] = {**done.info, "values_missing": done.missing,
                               "values_changed": done.changed}
    else:
        if isinstance(step, Microaggregate):
            new, info = perturb.microaggregate(df, step.columns, step.k, index, step.round)
        else:
            seed = recipe.seed if step.seed is None else step.seed
            new, info = perturb.add_noise(df, step.columns, step.std_share, step.method,
                                          np.random.default_rng([seed, index]), index,
                                          step.round)
        for col, values in new.items():
            was = df[col]
            missing = int(values.isna().sum())
            differs = int((values.notna() & (values.astype("string") !=
                                             was.astype("string")).fillna(True)).sum())
            changed += differs
            out[col] = values
            per_column[col] = {**info, "values_missing": missing, "values_changed": differs}
    return out, StepResult(index, step.op, list(step.columns), values_changed=changed,
                           details={"perturbation": per_column})


# --- writing --------------------------------------------------------------------------------

def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The protected file as UTF-8 CSV by the workbench's one CSV writer (formula cells
    neutralised, line breaks in values quoted), the same bytes every time."""
    from hrk_workbench.foundations.csvfile import csv_text

    columns = [[None if m else v for v, m in zip(df[c].astype("object").to_numpy(),
                                                  df[c].isna().to_numpy(), strict=True)]
               for c in df.columns]
    return csv_text([str(c) for c in df.columns], zip(*columns, strict=True)).encode("utf-8")
