"""A likelihood x impact heat map of the risk register, drawn with QPainter.

A steward reads the register faster as a picture: where each risk sits before mitigation,
where mitigation moves it, and which cells are critical. The axes, the cell colours and the
level names all come from ``forms.hrk.risks`` (scales and level bands) and the level of a
cell from the core's :func:`hrk_workbench.scoring.risk_score`, so an organisation that edits
its bands sees the same colours the rules use; the widget decides nothing itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from hrk_workbench.forms.loader import Forms
from hrk_workbench.forms.schema import Scale
from hrk_workbench.foundations.i18n import label
from hrk_workbench.scoring.risk import risk_score

from .legend import wrap_rows

# Colours of the level bands from the lowest to the highest (green → red); forms with another
# number of bands get colours interpolated along the same ramp.
_RAMP = [QColor("#a5d6a7"), QColor("#fff59d"), QColor("#ffb74d"), QColor("#e57373")]
_BEFORE = QColor("#263238")
_AFTER = QColor("#ffffff")
_SELECTED = QColor("#1565c0")

RiskPoint = tuple[str, int, int, "int | None", "int | None"]


def ramp_colour(index: int, count: int) -> QColor:
    """The colour of band ``index`` of ``count`` bands, from green (lowest) to red."""
    if count <= 1:
        return QColor(_RAMP[0])
    pos = index / (count - 1) * (len(_RAMP) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(_RAMP) - 1)
    frac = pos - lo
    a, b = _RAMP[lo], _RAMP[hi]
    return QColor(round(a.red() + (b.red() - a.red()) * frac),
                  round(a.green() + (b.green() - a.green()) * frac),
                  round(a.blue() + (b.blue() - a.blue()) * frac))


@dataclass(frozen=True)
class _Marker:
    risk: str
    after: bool  # True: the residual position after mitigation
    both: bool  # before and after fall on the same cell


class HeatMap(QWidget):
    """5x5 (or whatever the forms say) risk matrix with before/after markers per risk.

    ``cellClicked(likelihood, impact)`` is emitted on a click (or Space/Enter on the cell
    with keyboard focus) so the page can select the risks at that cell.
    """

    cellClicked = Signal(int, int)

    def __init__(self, forms: Forms, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms = forms
        self._lang = lang
        self._risks: list[RiskPoint] = []
        self._selected: set[str] = set()
        self._focus_cell: tuple[int, int] | None = None
        self._layout_cache: tuple[object, Any] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._update_accessible()

    # --- data ---------------------------------------------------------------------------

    @property
    def _lk(self) -> Scale:
        return self._forms.hrk.risks.likelihood

    @property
    def _im(self) -> Scale:
        return self._forms.hrk.risks.impact

    def set_risks(self, risks: list[RiskPoint]) -> None:
        """Place these risks: ``(id, likelihood, impact, residual L or None, residual I or None)``.

        Risks without likelihood and impact are not placed; a residual position is drawn only
        when both residual values are given.
        """
        self._risks = [r for r in risks if r[1] is not None and r[2] is not None]
        self._update_accessible()
        self.update()

    def set_selected(self, risk_ids: list[str] | set[str]) -> None:
        """Highlight the markers of these risks (the rows selected in the register)."""
        self._selected = set(risk_ids)
        self.update()

    def set_language(self, lang: str) -> None:
        """Relabel axes, legend, tooltips and the accessible texts."""
        self._lang = lang
        self._update_accessible()
        self.updateGeometry()
        self.update()

    def risks_at(self, likelihood: int, impact: int) -> list[str]:
        """Ids of the risks drawn in this cell, before or after mitigation."""
        out = []
        for rid, lk, im, rl, ri in self._risks:
            if (lk, im) == (likelihood, impact) or (
                    rl is not None and ri is not None and (rl, ri) == (likelihood, impact)):
                out.append(rid)
        return out

    def _t(self, key: str) -> str:
        return label(key, self._lang, self._forms)

    def _level(self, likelihood: int, impact: int) -> tuple[int, str]:
        """Index and id of the level band of a cell, as the core maps the score."""
        bands = self._forms.hrk.risks.levels
        level = risk_score(likelihood, impact, self._forms)[1]
        return next(i for i, b in enumerate(bands) if b.id == level), level

    def description(self) -> str:
        """The map in words ("R1: 3×4 → 2×2; R2: 2×1") for screen readers and tests."""
        if not self._risks:
            return self._t("gui_heatmap_empty")
        parts = []
        for rid, lk, im, rl, ri in self._risks:
            text = f"{rid}: {lk}×{im}"
            if rl is not None and ri is not None:
                text += f" → {rl}×{ri}"
            parts.append(text)
        return "; ".join(parts)

    def _update_accessible(self) -> None:
        self.setAccessibleName(self._t("gui_heatmap_name"))
        self.setAccessibleDescription(self.description())
        self.setToolTip("")

    # --- geometry -----------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 340)

    def sizeHint(self) -> QSize:
        return QSize(400, 440)

    def _legend_entries(self) -> list[tuple[QColor | None, str, str]]:
        """Legend entries (colour, kind, text): the level bands with their score ranges,
        then the two marker kinds."""
        bands = self._forms.hrk.risks.levels
        top = self._lk.max * self._im.max
        entries: list[tuple[QColor | None, str, str]] = []
        for i, band in enumerate(bands):
            lo = int(band.min) if float(band.min).is_integer() else band.min
            nxt = bands[i + 1].min if i + 1 < len(bands) else None
            hi = (int(nxt) - 1 if nxt is not None and float(nxt).is_integer() else nxt) \
                if nxt is not None else top
            rng = f"{lo}–{hi}" if hi != lo else f"{lo}"
            entries.append((ramp_colour(i, len(bands)), "band",
                            f"{label(band.id, self._lang, self._forms)} {rng}"))
        entries.append((None, "before", self._t("gui_heatmap_before")))
        entries.append((None, "after", self._t("gui_heatmap_after")))
        return entries

    def _legend_rows(self, width: float) -> list[list[tuple[QColor | None, str, str]]]:
        """The legend entries in rows that fit ``width`` (one per row when narrow)."""
        fm = QFontMetrics(self._legend_font())
        return wrap_rows(self._legend_entries(), width,
                         lambda entry: 22 + fm.horizontalAdvance(entry[2]) + 14)

    def _legend_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        return font

    def _layout(self) -> tuple[QRectF, float, QRectF, list[list[tuple[QColor | None, str, str]]]]:
        """The grid, its cell size, the legend's box and rows: the legend goes below the grid,
        or to its right when that leaves bigger cells (a wide, low widget)."""
        key = (self.width(), self.height(), self._lang, self.font().key())
        if self._layout_cache is None or self._layout_cache[0] != key:
            self._layout_cache = (key, self._compute_layout())
        return self._layout_cache[1]

    def _compute_layout(
            self) -> tuple[QRectF, float, QRectF, list[list[tuple[QColor | None, str, str]]]]:
        fm = QFontMetrics(self.font())
        lfm = QFontMetrics(self._legend_font())
        row_h = lfm.height() + 6
        left = fm.height() + 6 + fm.horizontalAdvance("5") + 10  # axis title, tick numbers
        top, right = 8, 10
        under = 2 * fm.height() + 12  # tick numbers and axis title below the grid
        cols = self._im.max - self._im.min + 1
        rows = self._lk.max - self._lk.min + 1
        # legend below
        below_rows = self._legend_rows(max(self.width() - 16, 100))
        below_h = len(below_rows) * row_h + 8
        cell_below = min((self.width() - left - right) / cols,
                         (self.height() - top - under - below_h) / rows)
        # legend on the right
        side_w = max(22 + lfm.horizontalAdvance(e[2]) + 14 for e in self._legend_entries()) + 16
        cell_side = min((self.width() - left - right - side_w) / cols,
                        (self.height() - top - under) / rows)
        if cell_side > cell_below:
            cell = max(cell_side, 10.0)
            grid = QRectF(left, top, cell * cols, cell * rows)
            side_rows = [[e] for e in self._legend_entries()]
            legend = QRectF(grid.right() + 24, top, side_w, len(side_rows) * row_h + 8)
            return grid, cell, legend, side_rows
        cell = max(cell_below, 10.0)
        avail_w = self.width() - left - right
        x0 = left + max((avail_w - cell * cols) / 2, 0)
        grid = QRectF(x0, top, cell * cols, cell * rows)
        legend = QRectF(8, grid.bottom() + under, self.width() - 16, below_h)
        return grid, cell, legend, below_rows

    def _cell_rect(self, likelihood: int, impact: int) -> QRectF:
        grid, cell, _, _ = self._layout()
        col = impact - self._im.min
        row = self._lk.max - likelihood  # highest likelihood at the top
        return QRectF(grid.left() + col * cell, grid.top() + row * cell, cell, cell)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(likelihood, impact) of the cell under ``pos``, or None outside the grid."""
        grid, cell, _, _ = self._layout()
        if not grid.contains(pos):
            return None
        col = min(int((pos.x() - grid.left()) // cell), self._im.max - self._im.min)
        row = min(int((pos.y() - grid.top()) // cell), self._lk.max - self._lk.min)
        return self._lk.max - row, self._im.min + col

    def cell_center(self, likelihood: int, impact: int) -> QPointF:
        """Where to click for this cell (used by tests and keyboard handling)."""
        return self._cell_rect(likelihood, impact).center()

    def _markers(self) -> dict[tuple[int, int], list[_Marker]]:
        cells: dict[tuple[int, int], list[_Marker]] = {}
        for rid, lk, im, rl, ri in self._risks:
            has_after = rl is not None and ri is not None
            same = has_after and (rl, ri) == (lk, im)
            cells.setdefault((lk, im), []).append(_Marker(rid, False, same))
            if has_after and not same:
                cells.setdefault((rl, ri), []).append(_Marker(rid, True, False))  # type: ignore[arg-type]
        return cells

    def _marker_positions(self) -> dict[tuple[str, bool], tuple[QPointF, float]]:
        """Centre and radius of every marker; several markers in a cell share it in a grid."""
        out: dict[tuple[str, bool], tuple[QPointF, float]] = {}
        for (lk, im), markers in self._markers().items():
            rect = self._cell_rect(lk, im).adjusted(3, 3, -3, -3)
            n = len(markers)
            cols = math.ceil(math.sqrt(n))
            rows = math.ceil(n / cols)
            w, h = rect.width() / cols, rect.height() / rows
            radius = max(min(w, h) * 0.42, 5.0)
            radius = min(radius, 18.0)
            for i, m in enumerate(markers):
                r, c = divmod(i, cols)
                centre = QPointF(rect.left() + (c + 0.5) * w, rect.top() + (r + 0.5) * h)
                out[(m.risk, m.after)] = (centre, radius)
        return out

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_colour = pal.color(pal.ColorRole.WindowText)
        grid, _, legend_rect, legend_rows = self._layout()
        fm = QFontMetrics(self.font())
        bands = self._forms.hrk.risks.levels

        # cells
        for lk in range(self._lk.min, self._lk.max + 1):
            for im in range(self._im.min, self._im.max + 1):
                rect = self._cell_rect(lk, im)
                index, _ = self._level(lk, im)
                p.fillRect(rect, ramp_colour(index, len(bands)))
                p.setPen(QPen(QColor("#ffffff"), 2))
                p.drawRect(rect)
                p.setPen(QColor(0, 0, 0, 90))
                small = QFont(self.font())
                small.setPointSizeF(max(small.pointSizeF() * 0.75, 6.0))
                p.setFont(small)
                p.drawText(rect.adjusted(0, 1, -3, 0),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                           str(lk * im))
                p.setFont(self.font())
        if self._focus_cell and self.hasFocus():
            p.setPen(QPen(_SELECTED, 3, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self._cell_rect(*self._focus_cell).adjusted(2, 2, -2, -2))

        # axes: tick numbers and titles
        p.setPen(text_colour)
        for lk in range(self._lk.min, self._lk.max + 1):
            rect = self._cell_rect(lk, self._im.min)
            p.drawText(QRectF(rect.left() - 30, rect.top(), 26, rect.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(lk))
        for im in range(self._im.min, self._im.max + 1):
            rect = self._cell_rect(self._lk.min, im)
            p.drawText(QRectF(rect.left(), rect.bottom() + 2, rect.width(), fm.height()),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(im))
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(grid.left(), grid.bottom() + fm.height() + 4, grid.width(),
                          fm.height()),
                   Qt.AlignmentFlag.AlignHCenter, self._t("gui_risk_impact") + " →")
        p.save()
        p.translate(4, grid.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-grid.height() / 2, 0, grid.height(), fm.height()),
                   Qt.AlignmentFlag.AlignHCenter, self._t("gui_risk_likelihood") + " →")
        p.restore()
        p.setFont(self.font())

        # arrows before → after, under the markers
        positions = self._marker_positions()
        for rid, *_ in self._risks:
            if (rid, True) not in positions:
                continue
            a, ra = positions[(rid, False)]
            b, rb = positions[(rid, True)]
            selected = rid in self._selected
            self._arrow(p, a, b, ra, rb, _SELECTED if selected else QColor("#37474f"),
                        3.0 if selected else 1.8)

        # markers; a risk that mitigation does not move gets a ring (before = after)
        unmoved = {rid for rid, lk, im, rl, ri in self._risks if (rl, ri) == (lk, im)}
        for (rid, after), (centre, radius) in positions.items():
            self._marker(p, rid, after, centre, radius, rid in unmoved)

        # legend
        self._legend(p, legend_rect, legend_rows)
        p.end()

    def _arrow(self, p: QPainter, a: QPointF, b: QPointF, ra: float, rb: float,
               colour: QColor, width: float) -> None:
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy)
        if length < ra + rb + 2:
            return
        ux, uy = dx / length, dy / length
        start = QPointF(a.x() + ux * ra, a.y() + uy * ra)
        end = QPointF(b.x() - ux * rb, b.y() - uy * rb)
        p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(start, end)
        head = 8.0
        bx, by = end.x() - ux * head, end.y() - uy * head  # base of the head
        left = QPointF(bx - uy * head * 0.5, by + ux * head * 0.5)
        right = QPointF(bx + uy * head * 0.5, by - ux * head * 0.5)
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([end, left, right]))

    def _marker(self, p: QPainter, rid: str, after: bool, centre: QPointF,
                radius: float, unmoved: bool = False) -> None:
        selected = rid in self._selected
        outline = _SELECTED if selected else _BEFORE
        p.setPen(QPen(outline, 3.0 if selected else 1.5))
        p.setBrush(_AFTER if after else (_SELECTED if selected else _BEFORE))
        p.drawEllipse(centre, radius, radius)
        if unmoved:  # before and after in one marker: a white ring inside the filled disc
            p.setPen(QPen(_AFTER, 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, radius - 3, radius - 3)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(int(radius * (0.8 if len(rid) <= 2 else 0.62)), 7))
        p.setFont(font)
        p.setPen(outline if after else QColor("#ffffff"))
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, rid)
        p.setFont(self.font())

    def _legend(self, p: QPainter, rect: QRectF,
                rows: list[list[tuple[QColor | None, str, str]]]) -> None:
        font = self._legend_font()
        p.setFont(font)
        fm = QFontMetrics(font)
        y = rect.top() + 4
        pal = self.palette()
        for row in rows:
            x = rect.left()
            for colour, kind, text in row:
                box = QRectF(x, y + (fm.height() - 14) / 2, 14, 14)
                if kind == "band":
                    p.setPen(QPen(QColor("#9e9e9e"), 1))
                    p.setBrush(colour)
                    p.drawRect(box)
                else:
                    p.setPen(QPen(_BEFORE, 1.5))
                    p.setBrush(_AFTER if kind == "after" else _BEFORE)
                    p.drawEllipse(box.center(), 6.5, 6.5)
                p.setPen(pal.color(pal.ColorRole.WindowText))
                p.drawText(QPointF(x + 20, y + fm.ascent()), text)
                x += 22 + fm.horizontalAdvance(text) + 14
            y += fm.height() + 6
        p.setFont(self.font())

    # --- interaction --------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self._focus_cell = cell
            self.update()
            self.cellClicked.emit(*cell)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.cell_text(*cell), self)
        super().mouseMoveEvent(event)

    def cell_text(self, likelihood: int, impact: int) -> str:
        """Tooltip of a cell: both scale labels, the score and its level, the risks in it."""
        score, level = risk_score(likelihood, impact, self._forms)
        lk_label = self._lk.labels[likelihood].get(self._lang) or self._lk.labels[likelihood]["en"]
        im_label = self._im.labels[impact].get(self._lang) or self._im.labels[impact]["en"]
        text = (f"{self._t('gui_risk_likelihood')} {likelihood} — {lk_label}\n"
                f"{self._t('gui_risk_impact')} {impact} — {im_label}\n"
                f"{likelihood}×{impact} = {score}: "
                f"{label(level, self._lang, self._forms)}")
        risks = self.risks_at(likelihood, impact)
        if risks:
            text += "\n" + ", ".join(risks)
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrow keys move a cell cursor; Space or Enter acts like a click on that cell."""
        lk, im = self._focus_cell or (self._lk.max, self._im.min)
        key = event.key()
        moves = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0),
                 Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1)}
        if key in moves:
            d_lk, d_im = moves[key]
            lk = min(max(lk + d_lk, self._lk.min), self._lk.max)
            im = min(max(im + d_im, self._im.min), self._im.max)
            self._focus_cell = (lk, im)
            self.update()
            return
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._focus_cell = (lk, im)
            self.cellClicked.emit(lk, im)
            self.update()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self._focus_cell is None:
            self._focus_cell = (self._lk.max, self._im.min)
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
