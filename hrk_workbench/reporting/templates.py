"""The jinja2 environments for the HTML and Markdown memo templates in ``reports/``.

Both escape every value by default (HTML: autoescape; Markdown: a ``finalize`` hook), so a
dataset title containing ``<script>`` or ``|`` stays text; a template can only opt out with an
explicit ``Markup`` value: the figure's own SVG, and the ``urls`` filter's output (the text
escaped first, then its web addresses wrapped in a span).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from hrk_workbench.foundations.data_files import data_dir

REPORTS_ENV = "HRK_REPORTS_DIR"


def reports_dir() -> Path:
    """``$HRK_REPORTS_DIR``, the installed copy, or the source tree's ``reports/`` folder."""
    return data_dir("reports", REPORTS_ENV)


@cache
def html_environment(directory: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(directory), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["urls"] = mark_urls
    env.filters["narrow"] = narrow_cell
    return env


_URL = re.compile(r"https?://[^\s<>\"')]+")


def mark_urls(value: Any, for_print: bool = True) -> Any:
    """For print, the text escaped with each web address in a ``<span class="url">``: the
    print stylesheet keeps an address on one line (a break after its ``//`` or ``/`` would
    leave an address a reader cannot copy, and text extraction would read it with a space);
    and a no-break space where a line must not break ("80 %", "p = 10": :data:`_PERCENT`,
    :data:`_EQUALS`).
    On screen the text as it is (autoescaped by the template)."""
    from markupsafe import Markup, escape

    if not for_print:
        return value
    if hasattr(value, "__html__"):
        return value
    out: list[str] = []
    raw = "" if value is None else str(value)
    at = 0
    for match in _URL.finditer(raw):
        out.append(_print_text(raw[at:match.start()]))
        out.append(f'<span class="url">{escape(match.group(0))}</span>')
        at = match.end()
    out.append(_print_text(raw[at:]))
    return Markup("".join(out))


def _print_text(raw: str) -> str:
    """Plain text for print, escaped: no-break spaces where a line must not break, and a
    break opportunity every :data:`_CHUNK` characters of a word too long for any line (a
    pasted hash, a hostile title): without one the word ran past the margin, and letting the
    layout engine break anywhere (``overflow-wrap``) made a memo of such words take a minute
    to lay out. No real word is that long, so none is touched."""
    text = _breakable(raw, _LONG_WORD, _CHUNK)
    return _EQUALS.sub("\u00a0=\u00a0", _PERCENT.sub("\u00a0", text))


def _breakable(raw: str, word: re.Pattern[str], size: int) -> str:
    """``raw`` escaped, each match of ``word`` cut every ``size`` characters by U+200B (a
    break opportunity), in ``<span>`` pieces of :data:`_PIECE` cuts each.

    The layout engine measures a table cell's narrowest width by laying out the rest of a
    text again at each break opportunity in it: one 20,000-character word took minutes,
    the time growing with the square of its length. In pieces it grows with the length;
    the printed text is the same."""
    from markupsafe import escape

    out: list[str] = []
    at = 0
    for match in word.finditer(raw):
        out.append(str(escape(raw[at:match.start()])))
        chunks = [match[0][i:i + size] for i in range(0, len(match[0]), size)]
        pieces = [_ZWSP.join(chunks[i:i + _PIECE]) for i in range(0, len(chunks), _PIECE)]
        if len(pieces) == 1:
            out.append(str(escape(pieces[0])))
        else:
            # the break opportunity inside the piece before it, where the engine sees it
            out.append("".join(f"<span>{escape(p)}{_ZWSP if i < len(pieces) - 1 else ''}"
                               "</span>" for i, p in enumerate(pieces)))
        at = match.end()
    out.append(str(escape(raw[at:])))
    return "".join(out)


def narrow_cell(value: Any, for_print: bool = True) -> Any:
    """For print, a cell of a narrow column that may quote an address or a pasted value (the
    decision record's before and after, the review's): escaped, with a break opportunity
    every :data:`_NARROW` characters of any longer word, addresses included, so the column
    keeps its width (the layout engine breaks only where the text allows it). On screen the
    text as it is."""
    from markupsafe import Markup

    if not for_print or hasattr(value, "__html__"):
        return value
    raw = "" if value is None else str(value)
    return Markup(_breakable(raw, _NARROW_WORD, _NARROW))


_NARROW = 12
_NARROW_WORD = re.compile(r"[^\s\u200b]{13,}")


# a word longer than any in Finnish or Swedish prose (61 letters is Finnish's record) is cut
# into pieces that fit a narrow table column
_CHUNK = 16
_ZWSP = "\u200b"
_PIECE = 8
_LONG_WORD = re.compile(r"[^\s\u200b]{64,}")


# Spaces a printed line must not break at: before a per cent sign ("80 %", "p %:n") and
# around an equals sign ("p = 10", "3 × 4 = 12"); the other formats keep the plain space
_PERCENT = re.compile(r"(?<=\w) (?=%)")
_EQUALS = re.compile(r"(?<=\S) = (?=\S)")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md_escape(value: Any) -> str:
    """Text safe in Markdown and in a Markdown table cell: specials backslashed, HTML as
    entities (a raw ``<script>`` would reach the browser of whoever views the file), line
    breaks as spaces."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):  # Markup passed on purpose
        return str(value)
    text = str(value).replace("&", "&amp;")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


@cache
def markdown_environment(directory: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(directory), autoescape=False,
                       finalize=md_escape, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True)


def css_string(value: Any) -> str:
    """A quoted CSS string that stays one string whatever it holds: every character but
    letters, digits and spaces as a six-digit escape, so a quote, a backslash or
    ``</style>`` in a dataset title cannot end it. The space after each escape ends it
    (CSS consumes it), so a real space that follows is kept."""
    text = "" if value is None else str(value)
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} "
                         for c in text) + '"'


@cache
def css_environment(directory: str) -> Any:
    """The environment for the print stylesheet: no HTML escaping (it is CSS), every value
    through :func:`css_string` explicitly."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(directory), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["css_string"] = css_string
    return env
