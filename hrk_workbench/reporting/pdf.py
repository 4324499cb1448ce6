"""The memo as a tagged, accessible PDF (PDF/UA-1): what a decision-maker prints, signs, files.

The memo's HTML page (:mod:`.html`, the same markup the browser and GUI preview show) is laid
out for print by WeasyPrint with the stylesheet ``reports/memo.print.css.j2``. WeasyPrint
writes the structure tree from the markup (why not reportlab: it cannot tag a PDF, and a
hand-written structure tree would drift from the layout): headings H1–H3, paragraphs, lists,
tables with TH header cells, the risk matrix as a Figure whose /Alt is the matrix in words,
the reading order of the page, the document language (/Lang) and the title shown in the
viewer's title bar. The bundled DejaVu Sans is embedded, so Finnish, Swedish and Sami letters
print on any machine; table headers repeat on every page; every page but the first carries
the running header, every page "page x of y". The creation and modification dates are the
assessment's own, so the same assessment gives the same file, byte for byte.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from hrk_workbench.fonts import BOLD, REGULAR
from hrk_workbench.reporting.content import Memo
from hrk_workbench.reporting.html import print_stylesheet, render_html
from hrk_workbench.reporting.templates import reports_dir

PDF_VARIANT = "pdf/ua-1"


def render_pdf(memo: Memo) -> bytes:
    """The memo as PDF/UA-1 bytes (A4)."""
    return write_pdf(memo, lay_out(print_page(memo)))


def print_page(memo: Memo) -> str:
    """The memo's HTML page with the print stylesheet inside it, after the screen one (see
    render_html: passed as write_pdf(stylesheets=...) it would be a user stylesheet the
    page's own rules beat)."""
    return render_html(memo, for_print=True, print_css=print_stylesheet(memo, REGULAR, BOLD))


def lay_out(page: str) -> Any:
    """The page parsed, styled and laid out in pages by WeasyPrint (a ``Document``)."""
    from weasyprint import HTML

    # WeasyPrint and fontTools log every font subset and CSS property they skip at INFO and
    # WARNING; the memo's stylesheet is ours, so only real errors are worth showing
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return HTML(string=page, base_url=str(reports_dir())).render(pdf_variant=PDF_VARIANT)


def write_pdf(memo: Memo, document: Any) -> bytes:
    """The laid-out pages drawn, tagged and written as PDF/UA-1 bytes."""
    with _RENDERING, _source_date(memo.modified), _page_list_kept():
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True,
                                  finisher=_complete_table_tags)


# one memo at a time is written: the two context managers above change process-wide state
# (an environment variable, a property of the PDF writer) for the duration of one write
_RENDERING = threading.Lock()


@contextmanager
def _page_list_kept() -> Iterator[None]:
    """While one PDF is written, the writer's list of page references is built once per
    page count instead of once per use.

    WeasyPrint's structure tree (PDF/UA) names the page of every tagged element, and each
    time it asks pydyf for ``page_references``, a property that builds the list of all
    pages anew: work that grows with elements times pages. In a memo of a thousand pages
    (every text at its limit) that was half of the time spent writing the file. The list
    only changes when a page is added, so it is kept until the page count changes; the
    file written is the same, byte for byte."""
    import pydyf

    built = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(built, property) or built.fget is None:  # another pydyf: left alone
        yield
        return

    def kept(pdf: Any) -> Any:
        kids = pdf.pages["Kids"]
        key = (id(kids), len(kids))
        cached = pdf.__dict__.get("_page_references_kept")
        if cached is None or cached[0] != key:
            cached = pdf.__dict__["_page_references_kept"] = (key, built.fget(pdf))
        return cached[1]

    pydyf.PDF.page_references = property(kept)
    try:
        yield
    finally:
        pydyf.PDF.page_references = built


def _complete_table_tags(_document: object, pdf: Any) -> None:
    """What WeasyPrint's table tags leave out, added before the file is written.

    Every TD names its header cells by their /ID (its /Headers attribute), but an element
    identifier means something only through the structure tree's /IDTree (ISO 32000-1,
    14.7.2), which WeasyPrint does not write: a screen reader cannot find the header a cell
    points to. And a TH has no /Scope, which PDF/UA checkers look for. The memo's tables
    have column headers only (``<th scope="col">`` in reports/memo.html.j2).
    """
    import pydyf

    root = None
    named: list[tuple[str, Any]] = []
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary):
            continue
        if obj.get("Type") == "/StructTreeRoot":
            root = obj
        elif obj.get("Type") == "/StructElem":
            if obj.get("S") == "/TH":
                attributes = obj.get("A")
                if not isinstance(attributes, pydyf.Dictionary):
                    attributes = obj["A"] = pydyf.Dictionary({"O": "/Table"})
                attributes["Scope"] = "/Column"
            identifier = obj.get("ID")
            if isinstance(identifier, pydyf.String):
                named.append((str(identifier.string), obj))
    if root is None or not named:
        return
    names = pydyf.Array()
    # a name tree's keys are sorted as bytes
    for key, element in sorted(named, key=lambda pair: pair[0].encode("utf-8")):
        names.extend([pydyf.String(key), element.reference])
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    root["IDTree"] = tree.reference


@contextmanager
def _source_date(moment: str) -> Iterator[None]:
    """fontTools stamps each embedded font subset with the time it was made, unless
    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) says otherwise: while the PDF
    is written it says the assessment's last save, so the bytes depend on the file only."""
    if not moment:
        yield
        return
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.fromisoformat(moment).timestamp()))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
