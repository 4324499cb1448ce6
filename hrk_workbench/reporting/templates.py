"""The jinja2 environments for the HTML and Markdown memo templates in ``reports/``.

Both escape every value by default (HTML: autoescape; Markdown: a ``finalize`` hook), so a
dataset title containing ``<script>`` or ``|`` stays text; a template can only opt out with an
explicit ``Markup`` value, which only the figure's own SVG is.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from hrk_workbench.data_files import data_dir

REPORTS_ENV = "HRK_REPORTS_DIR"


def reports_dir() -> Path:
    """``$HRK_REPORTS_DIR``, the installed copy, or the source tree's ``reports/`` folder."""
    return data_dir("reports", REPORTS_ENV)


@cache
def html_environment(directory: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(directory), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


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
