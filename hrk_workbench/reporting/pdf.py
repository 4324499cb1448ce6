"""The memo as PDF (reportlab platypus): what a decision-maker prints, signs and files.

Layout only: every text and number comes from the :class:`~.content.Memo`. The bundled
DejaVu Sans is embedded so Finnish, Swedish and Sami letters print on any machine; tables
repeat their header row when they run onto the next page; every page carries the running
header and "page x of y"; the document has title, author and subject metadata. Output is
byte-for-byte reproducible (``invariant``): the same assessment gives the same file.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from .content import Box, Bullets, Fields, Memo, Paragraph, RiskMatrix, Table
from .figures import FONT, FONT_BOLD, drawing, register_fonts

INK = "#222222"
MUTED = "#5a5a5a"
RULE = "#9a9a9a"
HEAD_BG = "#e8edf2"
TOTAL_BG = "#f3f3f3"
BOX_STYLES = {"decision": ("#eef6ea", "#5b8c4a"), "draft": ("#fff6d5", "#c9a227"),
              "attribution": ("#f3f6fa", "#7a8da3")}


def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    ink = HexColor(INK)
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=ink,
                          spaceAfter=4, bulletFontName=FONT)
    return {
        "body": base,
        # a subheading: kept on the page of what it heads
        "strong": ParagraphStyle("strong", base, fontName=FONT_BOLD, fontSize=11, leading=15,
                                 spaceAfter=6, keepWithNext=1),
        "note": ParagraphStyle("note", base, textColor=HexColor(MUTED)),
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=17, leading=21,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=16, spaceAfter=10,
                                   textColor=HexColor(MUTED)),
        "h1": ParagraphStyle("h1", base, fontName=FONT_BOLD, fontSize=13, leading=17,
                             spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", base, fontName=FONT_BOLD, fontSize=10, leading=13,
                             spaceBefore=4, spaceAfter=2, keepWithNext=1),
        "bullet": ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11, spaceAfter=0),
        "cell_num": ParagraphStyle("cell_num", base, fontSize=8.5, leading=11, spaceAfter=0,
                                   alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", base, fontName=FONT_BOLD, fontSize=8.5,
                                    leading=11, spaceAfter=0),
        "cell_head_num": ParagraphStyle("cell_head_num", base, fontName=FONT_BOLD,
                                        fontSize=8.5, leading=11, spaceAfter=0,
                                        alignment=TA_RIGHT),
        "label": ParagraphStyle("label", base, fontName=FONT_BOLD, spaceAfter=0),
        "value": ParagraphStyle("value", base, spaceAfter=0),
        "caption": ParagraphStyle("caption", base, fontSize=8.5, leading=11,
                                  textColor=HexColor(MUTED), spaceBefore=2, spaceAfter=6),
    }


def _p(text: str, style: Any) -> Any:
    """A paragraph of plain text: escaped, since platypus reads its input as markup."""
    from reportlab.platypus import Paragraph as P

    return P(escape(text).replace("\n", "<br/>"), style)


def _is_subheading(block: Any) -> bool:
    return isinstance(block, Paragraph) and block.style == "strong"


class _Renderer:
    def __init__(self, memo: Memo, width: float) -> None:
        self.memo, self.width = memo, width
        self.st = _styles()

    def story(self) -> list[Any]:
        from reportlab.platypus import CondPageBreak, Spacer

        m, st = self.memo, self.st
        out: list[Any] = [_p(m.title, st["title"]), _p(m.dataset_title, st["subtitle"]),
                          self.fields(m.title_block), Spacer(1, 6)]
        for section in m.sections:
            heading = _p(section.heading, st["h1"])
            # a label–value list right after a subheading is not wrapped in KeepTogether:
            # reportlab's keepWithNext (the subheading's) holds only a plain flowable to it
            blocks = [self.fields(b.items, keep=False) if isinstance(b, Fields) and i and
                      _is_subheading(section.blocks[i - 1]) else self.block(b)
                      for i, b in enumerate(section.blocks)]
            # a heading starts a new page rather than end one: room for it and a few lines
            out += [CondPageBreak(HEADING_ROOM), heading, *blocks]
        out += [Spacer(1, 10), _p(m.footer, st["note"])]
        return out

    def block(self, b: Any) -> Any:
        st = self.st
        if isinstance(b, Paragraph):
            return _p(b.text, st.get(b.style, st["body"]))
        if isinstance(b, Bullets):
            return self.bullets(b)
        if isinstance(b, Fields):
            return self.fields(b.items)
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, Box):
            return self.box(b)
        if isinstance(b, RiskMatrix):
            return self.figure(b)
        raise TypeError(f"no PDF layout for {type(b).__name__}")

    def bullets(self, b: Bullets) -> Any:
        from reportlab.platypus import KeepTogether
        from reportlab.platypus import Paragraph as P

        st = self.st
        items = [P(escape(t), st["bullet"], bulletText="•") for t in b.items]
        if b.title:
            return [KeepTogether([_p(b.title, st["h2"]), *items[:1]]), *items[1:]]
        return items

    def fields(self, items: tuple[tuple[str, str], ...], width: float | None = None,
               keep: bool = True) -> Any:
        from reportlab.platypus import KeepTogether, TableStyle
        from reportlab.platypus import Table as T

        width = width or self.width
        rows = [[_p(k, self.st["label"]), _p(v, self.st["value"])] for k, v in items]
        t = T(rows, colWidths=[width * 0.33, width * 0.67], hAlign="LEFT")
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
        # a few label–value lines: never split over two pages (not inside a box's cell)
        return KeepTogether([t]) if keep else t

    def table(self, b: Table) -> Any:
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Table as T
        from reportlab.platypus import TableStyle

        st = self.st
        scale = self.width / sum(b.widths)
        widths = [w * scale for w in b.widths]

        def cell(text: str, col: int, head: bool = False, bold: bool = False) -> Any:
            num = col in b.numeric
            style = st["cell_head_num" if num else "cell_head"] if head or bold \
                else st["cell_num" if num else "cell"]
            return _p(text, style)

        data = [[cell(h, i, head=True) for i, h in enumerate(b.header)]]
        data += [[cell(c, i) for i, c in enumerate(row)] for row in b.rows]
        data += [[cell(c, i, bold=True) for i, c in enumerate(row)] for row in b.totals]
        heights = None
        if b.min_row_height:
            heights = [None] + [b.min_row_height] * (len(data) - 1)
        t = T(data, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT",
              splitByRow=1)
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("BACKGROUND", (0, 0), (-1, 0), HexColor(HEAD_BG)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor(RULE)),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, HexColor("#d0d0d0")),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if b.totals:
            first = len(data) - len(b.totals)
            style += [("BACKGROUND", (0, first), (-1, -1), HexColor(TOTAL_BG)),
                      ("LINEABOVE", (0, first), (-1, first), 0.8, HexColor(RULE))]
        t.setStyle(TableStyle(style))
        return [t, _spacer(6)]

    def box(self, b: Box) -> Any:
        from reportlab.lib.colors import HexColor
        from reportlab.platypus import Table as T
        from reportlab.platypus import TableStyle

        fill, line = BOX_STYLES.get(b.style, BOX_STYLES["attribution"])
        inner: list[Any] = [_p(b.title, self.st["h2"])] if b.title else []
        if b.fields:
            inner.append(self.fields(b.fields, self.width - 20, keep=False))
        if b.text:
            inner.append(_p(b.text, self.st["value"]))
        t = T([[inner]], colWidths=[self.width], hAlign="LEFT")
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), HexColor(fill)),
                               ("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("BOX", (0, 0), (-1, -1), 1.2, HexColor(line)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 10),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                               ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        return [t, _spacer(6)]

    def figure(self, fig: RiskMatrix) -> Any:
        from reportlab.platypus import KeepTogether

        if fig.empty_text:
            return _p(fig.empty_text, self.st["note"])
        d = drawing(fig)
        if d.width > self.width:  # never wider than the text column
            k = self.width / d.width
            d.scale(k, k)
            d.width, d.height = d.width * k, d.height * k
        d.hAlign = "LEFT"
        return KeepTogether([_spacer(4), d, _p(fig.caption, self.st["caption"])])


def _spacer(height: float) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, list):
            out += _flatten(item)
        else:
            out.append(item)
    return out


def _numbered_canvas(memo: Memo) -> type:
    """A canvas that draws header and "page x of y" once the page count is known."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab calls it per page: keep, draw later
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize
            self.saveState()
            self.setFillColor(HexColor(MUTED))
            self.setStrokeColor(HexColor(RULE))
            self.setFont(FONT, 8)
            if self._pageNumber > 1:  # the first page has the title block instead
                self.drawString(MARGIN, h - MARGIN + 14, _fit(memo.running_header, 8,
                                                              w - 2 * MARGIN))
                self.line(MARGIN, h - MARGIN + 10, w - MARGIN, h - MARGIN + 10)
            self.line(MARGIN, MARGIN - 14, w - MARGIN, MARGIN - 14)
            self.drawRightString(w - MARGIN, MARGIN - 26, memo.page_template.format(
                page=self._pageNumber, pages=total))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, size: float, width: float) -> str:
    """Shorten a running header that would run off the page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


MARGIN = 56.0  # points (about 2 cm)
HEADING_ROOM = 110.0  # points a section heading needs below it, else it starts a new page


def render_pdf(memo: Memo) -> bytes:
    """The memo as PDF bytes (A4)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"{memo.title}: {memo.dataset_title}", author=memo.author,
        subject=memo.subject, creator="HRK Workbench", producer="HRK Workbench (reportlab)",
        keywords=list(memo.keywords), invariant=1, lang=memo.lang, displayDocTitle=1,
        initialFontName=FONT, initialFontSize=9.5,  # else the canvas starts in Helvetica
    )
    renderer = _Renderer(memo, doc.width)
    story = _flatten(renderer.story())  # headings keep with what follows (their style)
    doc.build(story, canvasmaker=_numbered_canvas(memo))
    return buf.getvalue()
