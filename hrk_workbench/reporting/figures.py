"""The risk matrix figure: laid out once as shapes, drawn for PDF, Word (PNG) and HTML (SVG).

The layout (where each cell, number and label goes) is computed here once in points, so the
three drawings agree; each backend only turns rectangles and strings into its own medium.
Colours are the only choice made here, one per risk level; which level a cell has comes from
the content object.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from hrk_workbench.fonts import BOLD, FAMILY, REGULAR
from hrk_workbench.reporting.content import MatrixPanel, RiskMatrix

LEVEL_COLOURS = {"low": "#cfe8c6", "medium": "#fff0a8", "high": "#f9c08a",
                 "critical": "#ef8a8a"}
OTHER_COLOUR = "#e6e6e6"
INK = "#222222"
GRID = "#7a7a7a"
FONT = "DejaVuSans"  # reportlab names of the bundled font
FONT_BOLD = "DejaVuSans-Bold"

CELL = 32.0  # points
AXIS = 30.0  # room left of and below a grid for the numbers and the axis label
TITLE = 18.0
GAP = 36.0
LEGEND = 22.0
IDS_PER_LINE = 2


@dataclass(frozen=True)
class Box:
    x: float
    y: float  # bottom edge; the origin is the bottom-left corner, as in PDF
    w: float
    h: float
    fill: str
    stroke: str = GRID


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the text's vertical middle
    text: str
    size: float = 7.5
    bold: bool = False
    anchor: str = "middle"  # start | middle | end
    vertical: bool = False  # turned 90° anticlockwise (the likelihood axis)


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: tuple[Box, ...]
    labels: tuple[Label, ...]


def layout(fig: RiskMatrix) -> Layout:
    """Both panels side by side, the level legend below them."""
    cols, rows = len(fig.impacts), len(fig.likelihoods)
    grid_w, grid_h = cols * CELL, rows * CELL
    panel_w = AXIS + grid_w
    width = len(fig.panels) * panel_w + (len(fig.panels) - 1) * GAP
    height = LEGEND + AXIS + grid_h + TITLE
    boxes: list[Box] = []
    labels: list[Label] = []
    for n, panel in enumerate(fig.panels):
        left = n * (panel_w + GAP) + AXIS
        bottom = LEGEND + AXIS
        _panel(fig, panel, left, bottom, boxes, labels)
        labels.append(Label(left + grid_w / 2, bottom + grid_h + TITLE / 2, panel.title,
                            size=9, bold=True))
        labels.append(Label(left + grid_w / 2, LEGEND + 6, fig.impact_label, size=8))
        labels.append(Label(left - AXIS + 7, bottom + grid_h / 2, fig.likelihood_label,
                            size=8, vertical=True))
    x = AXIS
    for level, text in fig.legend:
        boxes.append(Box(x, 4, 10, 10, LEVEL_COLOURS.get(level, OTHER_COLOUR)))
        labels.append(Label(x + 14, 9, text, size=8, anchor="start"))
        x += 14 + text_width(text, 8) + 16
    return Layout(width, height, tuple(boxes), tuple(labels))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points in the bundled font (the same metrics PDF, PNG and SVG use)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, FONT_BOLD if bold else FONT, size)


def _panel(fig: RiskMatrix, panel: MatrixPanel, left: float, bottom: float,
           boxes: list[Box], labels: list[Label]) -> None:
    for row, lk in enumerate(fig.likelihoods):
        y = bottom + row * CELL
        labels.append(Label(left - 7, y + CELL / 2, str(lk), size=8, anchor="end"))
        for col, im in enumerate(fig.impacts):
            x = left + col * CELL
            boxes.append(Box(x, y, CELL, CELL,
                             LEVEL_COLOURS.get(fig.levels.get((lk, im), ""), OTHER_COLOUR)))
            ids = panel.cells.get((lk, im), ())
            lines = [" ".join(ids[i:i + IDS_PER_LINE]) for i in range(0, len(ids),
                                                                    IDS_PER_LINE)]
            step = 8.5
            top = y + CELL / 2 + step * (len(lines) - 1) / 2
            for k, line in enumerate(lines):
                labels.append(Label(x + CELL / 2, top - k * step, line, size=7, bold=True))
    for col, im in enumerate(fig.impacts):
        labels.append(Label(left + col * CELL + CELL / 2, bottom - 8, str(im), size=8))


# --- reportlab (PDF) ------------------------------------------------------------------------

@cache
def register_fonts() -> None:
    """Register the bundled TTF with reportlab once; it is then embedded (subset) in PDFs."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(REGULAR)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(BOLD)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def drawing(fig: RiskMatrix):  # -> reportlab.graphics.shapes.Drawing (imported lazily)
    """The figure as a reportlab Drawing, a flowable the PDF places like a paragraph."""
    from reportlab.graphics.shapes import Drawing, Group, Rect, String
    from reportlab.lib.colors import HexColor

    register_fonts()
    lay = layout(fig)
    d = Drawing(lay.width, lay.height, initialFontName=FONT)  # not renderPDF's Times-Roman
    for b in lay.boxes:
        d.add(Rect(b.x, b.y, b.w, b.h, fillColor=HexColor(b.fill),
                   strokeColor=HexColor(b.stroke), strokeWidth=0.5))
    for t in lay.labels:
        font = FONT_BOLD if t.bold else FONT
        s = String(0, 0, t.text, fontName=font, fontSize=t.size, fillColor=HexColor(INK),
                   textAnchor=t.anchor)
        if t.vertical:
            g = Group(s)
            g.translate(t.x + t.size * 0.35, t.y)
            g.rotate(90)
            d.add(g)
        else:
            s.x, s.y = t.x, t.y - t.size * 0.35
            d.add(s)
    return d


# --- SVG (HTML) -----------------------------------------------------------------------------

def svg(fig: RiskMatrix, title: str = "", family: str = FAMILY) -> str:
    """The figure as inline SVG: scalable, selectable text, no image file beside the HTML.
    ``family``: the font's name where the page declares the bundled font under another."""
    lay = layout(fig)
    h = lay.height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:g} {h:g}" '
           f'width="{lay.width:g}pt" height="{h:g}pt" role="img" '
           f'font-family={quoteattr(family + ", Verdana, sans-serif")}>']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for b in lay.boxes:
        out.append(f'<rect x="{b.x:g}" y="{h - b.y - b.h:g}" width="{b.w:g}" height="{b.h:g}" '
                   f'fill="{b.fill}" stroke="{b.stroke}" stroke-width="0.5"/>')
    for t in lay.labels:
        y = h - t.y
        weight = ' font-weight="bold"' if t.bold else ""
        turn = f' transform="rotate(-90 {t.x:g} {y:g})"' if t.vertical else ""
        out.append(f'<text x="{t.x:g}" y="{y:g}" font-size="{t.size:g}" fill="{INK}" '
                   f'text-anchor="{t.anchor}" dominant-baseline="central"{weight}{turn}>'
                   f"{escape(t.text)}</text>")
    out.append("</svg>")
    return "".join(out)


# --- PNG (Word) -----------------------------------------------------------------------------

def png(fig: RiskMatrix, dpi: int = 200) -> bytes:
    """The figure as a PNG (Word takes no SVG), drawn with Pillow in the bundled font."""
    from PIL import Image, ImageDraw, ImageFont

    lay = layout(fig)
    k = dpi / 72
    img = Image.new("RGB", (round(lay.width * k) + 2, round(lay.height * k) + 2), "white")
    draw = ImageDraw.Draw(img)
    fonts: dict[tuple[float, bool], ImageFont.FreeTypeFont] = {}

    def font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in fonts:
            fonts[key] = ImageFont.truetype(str(BOLD if bold else REGULAR), round(size * k))
        return fonts[key]

    H = lay.height
    for b in lay.boxes:
        draw.rectangle([b.x * k, (H - b.y - b.h) * k, (b.x + b.w) * k, (H - b.y) * k],
                       fill=b.fill, outline=b.stroke, width=max(1, round(0.5 * k)))
    anchors = {"start": "lm", "middle": "mm", "end": "rm"}
    for t in lay.labels:
        f = font(t.size, t.bold)
        if t.vertical:
            box = draw.textbbox((0, 0), t.text, font=f, anchor="lt")
            tile = Image.new("RGBA", (box[2] + 4, box[3] + 4), (255, 255, 255, 0))
            ImageDraw.Draw(tile).text((2, 2), t.text, font=f, fill=INK, anchor="lt")
            tile = tile.rotate(90, expand=True)
            img.paste(tile, (round(t.x * k - tile.width / 2),
                             round((H - t.y) * k - tile.height / 2)), tile)
        else:
            draw.text((t.x * k, (H - t.y) * k), t.text, font=f, fill=INK,
                      anchor=anchors[t.anchor])
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi), optimize=False)
    return buf.getvalue()
