"""The memo in a format: PDF, HTML, Markdown or Word, chosen by name or by the output's suffix
(the command line and the app's Outputs step both render through here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hrk_workbench.foundations.problems import InputError, Problem

FORMATS = ("pdf", "html", "md", "docx")


SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md",
            ".docx": "docx"}


def output_format(output: str, given: str | None) -> str:
    """``--format``, else the output's suffix; anything else is bad input, said in one line."""
    if given is not None:
        if given.lower() not in FORMATS:
            raise InputError("--format", [Problem(
                "$", f"unknown format {given!r}", f"one of {', '.join(FORMATS)}",
                code="unknown_code", params={"value": given, "allowed": list(FORMATS)})])
        return given.lower()
    fmt = SUFFIXES.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(output, [Problem(
            "$", "cannot tell the format from the file name",
            f"a name ending {', '.join(sorted(SUFFIXES))}, or --format", code="wrong_suffix",
            params={"suffix": " / ".join(f".{f}" for f in FORMATS)})])
    return fmt


def render(memo: Any, fmt: str) -> bytes:
    """The memo in ``fmt`` as bytes (text formats as UTF-8)."""
    if fmt == "pdf":
        from hrk_workbench.reporting.pdf import render_pdf

        return render_pdf(memo)
    if fmt == "docx":
        from hrk_workbench.reporting.docx import render_docx

        return render_docx(memo)
    if fmt == "html":
        from hrk_workbench.reporting.html import render_html

        return render_html(memo).encode("utf-8")
    from hrk_workbench.reporting.markdown import render_markdown

    return render_markdown(memo).encode("utf-8")
