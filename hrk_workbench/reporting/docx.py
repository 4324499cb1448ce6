"""The memo as a Word document (python-docx), for authorities whose case systems take Word.

Layout only, from the :class:`~.content.Memo`: real headings (so Word's navigation pane and
table of contents work), tables whose header row repeats on every page, the risk matrix as a
PNG, a running header and "page x of y" as Word fields, and title/author/subject properties.
The created and modified dates are the assessment's own (the memo's ``created`` and
``modified``, as the PDF's), and "last modified by" is the memo's author, never the login of
whoever renders it: the same assessment gives the same properties.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from hrk_workbench.reporting.content import Box, Bullets, Fields, Memo, Paragraph, RiskMatrix, Table
from hrk_workbench.reporting.figures import png

HEAD_FILL = "E8EDF2"
TOTAL_FILL = "F3F3F3"
BOX_FILLS = {"decision": "EEF6EA", "draft": "FFF6D5", "attribution": "F3F6FA"}
MUTED = (0x5A, 0x5A, 0x5A)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row: Any) -> None:
    """Mark a row as the table's header, which Word repeats at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


class _Writer:
    def __init__(self, memo: Memo) -> None:
        from docx import Document
        from docx.shared import Pt

        self.memo = memo
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(10)
        self.width = self._text_width()

    def _text_width(self) -> int:
        s = self.doc.sections[0]
        return int(s.page_width - s.left_margin - s.right_margin)

    def build(self) -> bytes:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, RGBColor

        m, doc = self.memo, self.doc
        section = doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        self.width = self._text_width()
        props = doc.core_properties
        props.title = _property(f"{m.title}: {m.dataset_title}")
        props.author = _property(m.author)
        props.last_modified_by = _property(m.author)
        created, modified = _moment(m.created), _moment(m.modified or m.created)
        if created is not None:
            props.created = created
        if modified is not None:
            props.modified = modified
        props.subject = _property(m.subject)
        props.keywords = _property(", ".join(m.keywords))
        props.language = m.lang
        props.comments = _property(m.footer)
        header = section.header.paragraphs[0]
        header.text = m.running_header
        for run in header.runs:
            run.font.color.rgb = RGBColor(*MUTED)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        before, _, rest = m.page_template.partition("{page}")
        middle, _, after = rest.partition("{pages}")
        footer.add_run(before)
        _field(footer, "PAGE")
        footer.add_run(middle)
        _field(footer, "NUMPAGES")
        footer.add_run(after)

        doc.add_heading(m.title, level=0)
        sub = doc.add_paragraph(m.dataset_title)
        sub.runs[0].font.color.rgb = RGBColor(*MUTED)
        self.fields(m.title_block)
        for sec in m.sections:
            doc.add_heading(sec.heading, level=1)
            for block in sec.blocks:
                self.block(block)
        note = doc.add_paragraph(m.footer)
        note.runs[0].font.color.rgb = RGBColor(*MUTED)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    def block(self, b: Any) -> None:
        if isinstance(b, Paragraph):
            p = self.doc.add_paragraph()
            run = p.add_run(b.text)
            run.bold = b.style == "strong"
            run.italic = b.style == "note"
        elif isinstance(b, Bullets):
            if b.title:
                self.doc.add_heading(b.title, level=3)
            for item in b.items:
                self.doc.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Fields):
            self.fields(b.items)
        elif isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Box):
            self.box(b)
        elif isinstance(b, RiskMatrix):
            self.figure(b)
        else:
            raise TypeError(f"no Word layout for {type(b).__name__}")

    def fields(self, items: tuple[tuple[str, str], ...], container: Any = None) -> None:
        target = container or self.doc
        t = target.add_table(rows=0, cols=2)
        for key, value in items:
            cells = t.add_row().cells
            cells[0].paragraphs[0].add_run(key).bold = True
            cells[1].paragraphs[0].add_run(value)
        self._widths(t, (0.33, 0.67))

    def _widths(self, table: Any, fractions: tuple[float, ...]) -> None:
        from docx.shared import Emu

        table.autofit = False
        for i, frac in enumerate(fractions):
            width = Emu(int(self.width * frac))
            for cell in table.columns[i].cells:
                cell.width = width

    def table(self, b: Table) -> None:
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        t = self.doc.add_table(rows=1, cols=len(b.header))
        t.style = "Table Grid"
        for i, text in enumerate(b.header):
            cell = t.rows[0].cells[i]
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, HEAD_FILL)
        _repeat_header(t.rows[0])
        body = [(row, False) for row in b.rows] + [(row, True) for row in b.totals]
        for row, total in body:
            r = t.add_row()
            if b.min_row_height:
                r.height = Pt(b.min_row_height)
                r.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for i, text in enumerate(row):
                cell = r.cells[i]
                cell.paragraphs[0].add_run(text).bold = total
                if total:
                    _shade(cell, TOTAL_FILL)
        for row in t.rows:
            for i in b.numeric:
                row.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(8.5)
        total = sum(b.widths)
        self._widths(t, tuple(w / total for w in b.widths))
        self.doc.add_paragraph()

    def box(self, b: Box) -> None:
        t = self.doc.add_table(rows=1, cols=1)
        t.style = "Table Grid"
        cell = t.rows[0].cells[0]
        _shade(cell, BOX_FILLS.get(b.style, BOX_FILLS["attribution"]))
        unused = [cell.paragraphs[0]]  # a new cell already has one empty paragraph

        def paragraph() -> Any:
            return unused.pop() if unused else cell.add_paragraph()

        if b.title:
            paragraph().add_run(b.title).bold = True
        for key, value in b.fields:
            p = paragraph()
            p.add_run(f"{key}: ").bold = True
            p.add_run(value)
        if b.text:
            paragraph().add_run(b.text)
        self.doc.add_paragraph()

    def figure(self, fig: RiskMatrix) -> None:
        from docx.shared import Emu, RGBColor

        if fig.empty_text:
            self.doc.add_paragraph(fig.empty_text).runs[0].italic = True
            return
        self.doc.add_picture(io.BytesIO(png(fig)), width=Emu(int(self.width * 0.95)))
        cap = self.doc.add_paragraph(fig.caption)
        cap.runs[0].font.color.rgb = RGBColor(*MUTED)


def render_docx(memo: Memo) -> bytes:
    """The memo as .docx bytes."""
    return _Writer(memo).build()


# Word's document properties hold at most 255 characters (python-docx refuses more); a long
# title is legal in an assessment, so the property carries its start and the memo all of it.
_PROPERTY_CHARS = 255


def _moment(text: str) -> datetime | None:
    """The memo's ISO 8601 moment in UTC (Word's core properties store UTC only: python-docx
    writes the clock time with a Z, so a local time would be off by its offset)."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _property(text: str) -> str:
    return text if len(text) <= _PROPERTY_CHARS else text[:_PROPERTY_CHARS - 1] + "…"
