"""Render reasons and labels in the user's language from the message catalogues in forms/.

Parameters that name a question (``gate``, ``risk``, ...) also get ``<name>_text``, the
question's text in that language, and level-like parameters get ``<name>_label``, so the
templates can say "R2 (Disclosure of special-category data)" without the rules knowing words.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.foundations.reasons import Reason

QUESTION_PARAMS = ("gate", "benefit", "risk", "item", "criterion", "question")
LABEL_PARAMS = ("level", "profile", "outcome", "answer", "channel", "benefit_level",
                "cost_level", "field")


VOCAB_PARAMS = ("frequency", "category", "kind")


@cache
def _local_zone() -> tzinfo | None:
    """Times in the change log are UTC; the memo shows them as the Finnish authorities read
    them. The time-zone database is read for the first time shown, not at every start."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Europe/Helsinki")
    except ZoneInfoNotFoundError:  # no tz database on this system: show UTC rather than fail
        return None


def _vocab_text(key: str, value: str, lang: str, forms: Forms) -> str | None:
    """Text of a code-list entry named by a parameter (frequency, HVD category, data kind)."""
    vocab = forms.vocab
    entries = {"frequency": vocab.frequencies, "category": vocab.hvd_categories}.get(key)
    if entries is not None:
        entry = next((e for e in entries if e.id == value), None)
        return entry.text.get(lang, entry.text["en"]) if entry else None
    if key == "kind":
        option = next((o for o in vocab.option_sets.get("data_kind", []) if o.value == value),
                      None)
        return option.text.get(lang, option.text["en"]) if option else None
    return None


# The CLDR locale each interface language is written in: Finnish and Swedish as used in
# Finland, English as in Europe (day before month), so a memo reads as the authority writes.
LOCALES = {"en": "en_GB", "fi": "fi_FI", "sv": "sv_FI"}


def babel_locale(lang: str) -> str:
    """The Babel locale for ``lang``; an unknown language falls back to English."""
    return LOCALES.get(lang, LOCALES["en"])


def format_number(value: float | int, lang: str) -> str:
    """Thousands grouped and decimals as the language writes them (27 500 / 27,500).

    Babel's CLDR data decides the separators (a no-break space in Finnish and Swedish), so the
    reasons, the CLI and the memo all print a number the same way. At most two decimals: the
    rules round euros to cents and means to one decimal. A whole number or a finite float is
    written with the signs Babel printed for a sample (:func:`_number_signs`), by Babel's
    own steps (:func:`_with_signs`), which spares loading the locale's data in most
    commands; any other value goes through Babel itself.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is int or (isinstance(value, float) and math.isfinite(value)):
        signs = _number_signs(babel_locale(lang))
        if signs is not None:
            return _with_signs(value, *signs)
    return _babel_number(value, babel_locale(lang))


def _babel_number(value: float | int, locale: str) -> str:
    from babel.numbers import format_decimal  # Babel's locale data loads on first use only

    return format_decimal(value, format="#,##0.##", locale=locale)


def _with_signs(value: float | int, minus: str, group: str, point: str) -> str:
    """``value`` as Babel writes it with the pattern ``#,##0.##``: the text of the number as
    a decimal, its sign taken before rounding, rounded half to even to two decimals, groups
    of three, trailing zeros of the decimals dropped (a value that rounds to 0 keeps its
    minus, as in Babel)."""
    if type(value) is int:
        text = f"{abs(value):,}".replace(",", group)
        return minus + text if value < 0 else text
    number = Decimal(str(value))
    negative = number.is_signed()
    whole, _, decimals = f"{abs(number).normalize().quantize(_CENTS):f}".partition(".")
    text = f"{int(whole):,}".replace(",", group)
    decimals = decimals.rstrip("0")
    if decimals:
        text += point + decimals
    return minus + text if negative else text


_CENTS = Decimal("0.01")
# A negative number with every digit once in groups: the minus sign and the group separator
# are read off Babel's own writing of it, and checked by writing it again from them. The
# four-digit one checks that the locale groups a thousand too (some write 1000 whole); the
# fraction gives the decimal sign.
_SAMPLE = -1234567
_THOUSANDS = 1234
_FRACTION = 0.25
_SIGNS_FILE = "number-signs-"


def _signs_from(sample: str) -> tuple[str, str, str] | None:
    """(minus sign, group separator, decimal sign) of Babel's writing of :data:`_SAMPLE`,
    :data:`_THOUSANDS` and :data:`_FRACTION` (one a line), or None when they are written in
    a way these signs and groups of three from the first thousand cannot reproduce (then
    Babel writes every number)."""
    if not isinstance(sample, str) or sample.count("\n") != 2:
        return None
    sample, thousands, fraction = sample.split("\n")
    if "1" not in sample or "234" not in sample:
        return None
    minus = sample[:sample.index("1")]
    group = sample[sample.index("1") + 1:sample.index("234")]
    point = fraction[1:-2]
    if not minus or not group or f"{minus}1{group}234{group}567" != sample \
            or thousands != f"1{group}234" or not point or fraction != f"0{point}25" \
            or any(c.isdigit() for c in minus + group + point) or point == group:
        return None
    return minus, group, point


@cache
def _number_signs(locale: str) -> tuple[str, str, str] | None:
    """The signs for ``locale`` from the user's cache folder (keyed on the installed Babel's
    files), else from Babel, kept for the next process. A damaged or stale entry is not
    used: the signs are read from Babel again."""
    from hrk_workbench.forms.loader import user_cache_dir

    path = None
    with contextlib.suppress(Exception):
        path = _signs_file(user_cache_dir())
    kept: dict[str, Any] = {}
    if path is not None:
        with contextlib.suppress(Exception):
            loaded = json.loads(path.read_text(encoding="utf-8"))
            kept = loaded if isinstance(loaded, dict) else {}
    signs = _signs_from(kept.get(locale))  # type: ignore[arg-type]
    if signs is not None:
        return signs
    sample = "\n".join(_babel_number(v, locale) for v in (_SAMPLE, _THOUSANDS, _FRACTION))
    if path is not None:
        with contextlib.suppress(Exception):  # a read-only home must not stop the program
            from hrk_workbench.foundations.atomic import atomic_write_bytes

            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, json.dumps({**kept, locale: sample},
                                                ensure_ascii=False).encode("utf-8"))
    return _signs_from(sample)


def _signs_file(base: Path | None) -> Path | None:
    """The cache file, named after the installed Babel's code and locale data."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("babel")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if base is None or not folders:
        return None
    folder = Path(folders[0])
    files = [folder / "__init__.py", folder / "numbers.py", folder / "core.py",
             *(folder / "locale-data" / f"{name}.dat"
               for name in ("root", "en", "fi", "sv", *LOCALES.values()))]
    stamp = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    key = hashlib.sha256(repr((str(folder), stamp, _SAMPLE, _FRACTION)).encode()).hexdigest()
    return base / f"{_SIGNS_FILE}{key[:32]}.json"


def label(key: str, lang: str, forms: Forms) -> str:
    """A label by key in ``lang``; English, then the key itself, if it has none."""
    cat = forms.messages.get(lang) or forms.messages["en"]
    return cat.labels.get(key) or forms.messages["en"].labels.get(key, key)


def _param_text(value: Any, lang: str, forms: Forms) -> str:
    if isinstance(value, bool):
        return label("yes" if value else "no", lang, forms)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(_param_text(v, lang, forms) for v in value)
    if isinstance(value, dict):  # a text in several languages
        return value.get(lang) or next((v for v in value.values() if v), "")
    return "" if value is None else str(value)


def render(reason: Reason, lang: str, forms: Forms) -> str:
    """The reason as a sentence in ``lang``; an unknown code renders as code and params."""
    cat = forms.messages.get(lang) or forms.messages["en"]
    template = cat.reasons.get(reason.code) or forms.messages["en"].reasons.get(reason.code)
    if template is None:
        params = ", ".join(f"{k}={v}" for k, v in reason.params.items())
        return f"{reason.code} ({params})" if params else reason.code
    values: dict[str, str] = {}
    for key, value in reason.params.items():
        values[key] = _param_text(value, lang, forms)
        if key in QUESTION_PARAMS and isinstance(value, str):
            values[f"{key}_text"] = forms.question_text(value, lang)
        if key in QUESTION_PARAMS and isinstance(value, (list, tuple)):
            values[f"{key}_text"] = "; ".join(
                f"{v} {forms.question_text(v, lang)}" for v in value)
        if key in LABEL_PARAMS and isinstance(value, str):
            values[f"{key}_label"] = label(value, lang, forms)
        elif key in VOCAB_PARAMS and isinstance(value, str):
            values[f"{key}_label"] = _vocab_text(key, value, lang, forms) or value
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def render_all(reasons: Iterable[Reason], lang: str, forms: Forms) -> list[str]:
    return [render(r, lang, forms) for r in reasons]


def problem_text(problem: Problem, lang: str, forms: Forms) -> str:
    """What is wrong and what was expected, in ``lang``, without the location.

    A problem whose code has no template (a form file's own errors, which only an
    administrator meets) falls back to its English text rather than to nothing.
    """
    cat = forms.messages.get(lang) or forms.messages["en"]
    template = cat.problems.get(problem.code) or forms.messages["en"].problems.get(problem.code)
    if template is None:
        text = problem.message + (f" (expected {problem.expected})" if problem.expected else "")
    else:
        values = {k: _param_text(v, lang, forms) for k, v in problem.params.items()}
        code = problem.params.get("errno")
        if isinstance(code, int) and not isinstance(code, bool):  # the system's words: English
            values["detail"] = os_error_detail(
                OSError(code, str(problem.params.get("detail") or "")), lang, forms,
                writing=problem.code == "cannot_write")
        kinds = problem.params.get("kinds")
        if isinstance(kinds, list):
            values["kinds"] = " / ".join(label(f"kind_{k}", lang, forms) for k in kinds)
        values.setdefault("got", "")
        try:
            text = " ".join(template.format(**values).split())
        except (KeyError, IndexError, ValueError):
            text = problem.message
    if problem.severity == "warning":
        text = f"{label('warning', lang, forms)}: {text}"
    return text


def render_problem(problem: Problem, lang: str, forms: Forms) -> str:
    """``LOCATION: what is wrong (expected …)`` in the steward's language."""
    return f"{problem.location}: {problem_text(problem, lang, forms)}"


def problem_json(problem: Problem, lang: str, forms: Forms) -> dict[str, Any]:
    """A problem for ``--json``: level, path, code and the message in ``lang``."""
    return {**problem.to_dict(), "message": problem_text(problem, lang, forms)}


def format_day(day: date | datetime, lang: str) -> str:
    """A date as the language writes it: 12.3.2026 (fi), 12 Mar 2026 (en), 12 mars 2026 (sv)."""
    from babel.dates import format_date

    if isinstance(day, datetime):
        day = local_time(day).date()
    return format_date(day, format="medium", locale=babel_locale(lang))


def format_moment(moment: datetime, lang: str) -> str:
    """A save time, in Finnish local time, as the language writes date and time."""
    from babel.dates import format_datetime

    return format_datetime(local_time(moment), format="short", locale=babel_locale(lang))


def local_time(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    zone = _local_zone()
    return aware.astimezone(zone) if zone else aware


_ERRNO_KEYS = {getattr(errno, name): key for name, key in (  # not every system has each
    ("EACCES", "cli_os_permission"), ("EPERM", "cli_os_permission"),
    ("ENOSPC", "cli_os_disk_full"), ("EDQUOT", "cli_os_disk_full"),
    ("EROFS", "cli_os_read_only"), ("EISDIR", "cli_os_is_folder"),
    ("ENOTDIR", "cli_os_not_folder"), ("ENAMETOOLONG", "cli_os_name_too_long"),
    ("EIO", "cli_os_io")) if hasattr(errno, name)}


def os_error_detail(exc: OSError, lang: str, forms: Forms, *, writing: bool = False) -> str:
    """Why the operating system refused, in ``lang``: the ``{detail}`` of ``cannot_read`` or
    ``cannot_write``, in place of ``exc.strerror`` (which is English whatever the locale).

    English keeps the system's own words, as before. Otherwise a missing path while writing is
    a missing folder (the report command's "no such folder"), while reading a missing file,
    and an errno without a text of its own reads "system error <ENAME>: <the system's words>".
    """
    code = exc.errno
    if lang == "en" and exc.strerror:
        return exc.strerror
    if code == errno.ENOENT:
        return label("memo_cli_no_folder" if writing else "cli_os_not_found", lang, forms)
    key = _ERRNO_KEYS.get(code) if code is not None else None
    if key is not None:
        return label(key, lang, forms)
    said = exc.strerror or str(exc)
    if code is None:
        return said
    name = errno.errorcode.get(code, str(code))
    return label("cli_os_other", lang, forms).format(code=name, detail=said)


def format_eur(value: float, lang: str) -> str:
    """Euros as the language writes them: "35 000 €" (fi, sv), "35,000 €" (en); cents if any."""
    from babel.numbers import format_currency

    whole = float(value).is_integer()
    pattern = "#,##0\u00a0¤" if whole else "#,##0.00\u00a0¤"
    return format_currency(value, "EUR", format=pattern, locale=babel_locale(lang),
                           currency_digits=False)
