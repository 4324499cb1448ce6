"""Benefit-versus-risk bubble chart of a portfolio, drawn with QPainter.

An organisation with a limited budget wants to see at a glance which datasets give much
benefit for little risk and little money: x is the benefit score (0–100), y the highest
residual risk score, the bubble's area the 3-year cost and its colour the recommendation.
Every figure is handed in from the core's ranking (``rank_assessments``); the chart only
draws, and it emits the file of a bubble that is clicked or double-clicked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import label

from .heatmap import ramp_colour
from .legend import wrap_rows

# Colour of each recommendation outcome (an outcome the forms add later is drawn grey).
OUTCOME_COLOURS: dict[str, QColor] = {
    "open": QColor("#2e7d32"),
    "open_low_priority": QColor("#7cb342"),
    "open_after_mitigation": QColor("#f9a825"),
    "limited_access": QColor("#ef6c00"),
    "do_not_open": QColor("#c62828"),
    "incomplete": QColor("#78909c"),
}
_OTHER = QColor("#9e9e9e")
MAX_RADIUS = 34.0
MIN_RADIUS = 5.0


@dataclass(frozen=True)
class Bubble:
    """One assessment in the chart; ``key`` (the file) is what the signals carry."""

    key: str
    rank: int
    title: str
    benefit: float  # benefit score 0–100
    risk: float | None  # highest residual risk score, None when no risk is assessed
    cost: float  # 3-year cost in euros
    outcome: str  # recommendation outcome id
    description: str  # the bubble in words, for screen readers and tooltips


class BubbleChart(QWidget):
    """x = benefit score, y = highest residual risk score, area = 3-year cost."""

    bubbleClicked = Signal(str)
    bubbleDoubleClicked = Signal(str)

    def __init__(self, forms: Forms, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms = forms
        self._lang = lang
        self._bubbles: list[Bubble] = []
        self._selected: str | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._update_accessible()

    def _t(self, key: str, **values: object) -> str:
        text = label(key, self._lang, self._forms)
        return text.format(**values) if values else text

    @property
    def risk_max(self) -> int:
        """Top of the y axis: the highest score the forms' scales allow (5 x 5 = 25)."""
        risks = self._forms.hrk.risks
        return risks.likelihood.max * risks.impact.max

    # --- data ---------------------------------------------------------------------------

    def set_bubbles(self, bubbles: list[Bubble]) -> None:
        self._bubbles = list(bubbles)
        self._update_accessible()
        self.update()

    def bubbles(self) -> list[Bubble]:
        return list(self._bubbles)

    def set_selected(self, key: str | None) -> None:
        """Outline the bubble of this file (the row selected in the table)."""
        self._selected = key
        self.update()

    def set_language(self, lang: str) -> None:
        self._lang = lang
        self._update_accessible()
        self.update()

    def _update_accessible(self) -> None:
        self.setAccessibleName(self._t("gui_chart_name"))
        text = "; ".join(b.description for b in self._bubbles) or self._t("gui_chart_empty")
        self.setAccessibleDescription(text)

    # --- geometry -----------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 260)

    def sizeHint(self) -> QSize:
        return QSize(560, 380)

    def _plot_rect(self) -> QRectF:
        fm = QFontMetrics(self.font())
        left = fm.height() + 10 + fm.horizontalAdvance("25") + 8
        bottom = 2 * fm.height() + 12 + self._legend_height()
        return QRectF(left, 10, max(self.width() - left - 16, 50),
                      max(self.height() - 10 - bottom, 50))

    def _legend_entries(self) -> list[tuple[QColor | None, str]]:
        present = []
        for b in self._bubbles:
            if b.outcome not in present:
                present.append(b.outcome)
        order = list(OUTCOME_COLOURS)
        present.sort(key=lambda o: order.index(o) if o in order else len(order))
        entries: list[tuple[QColor | None, str]] = [
            (OUTCOME_COLOURS.get(o, _OTHER), label(o, self._lang, self._forms)) for o in present]
        entries.append((None, self._t("gui_chart_size",
                                      years=self._forms.hrk.costs.horizon_years)))
        return entries

    def _legend_rows(self) -> list[list[tuple[QColor | None, str]]]:
        fm = QFontMetrics(self.font())
        return wrap_rows(self._legend_entries(), max(self.width() - 16, 100),
                         lambda entry: 20 + fm.horizontalAdvance(entry[1]) + 16)

    def _legend_height(self) -> int:
        return len(self._legend_rows()) * (QFontMetrics(self.font()).height() + 4) + 4

    def _radius(self, cost: float) -> float:
        """Area proportional to cost: radius ∝ √cost, the dearest bubble MAX_RADIUS."""
        top = max((b.cost for b in self._bubbles), default=0)
        if top <= 0 or cost <= 0:
            return MIN_RADIUS
        return max(MAX_RADIUS * math.sqrt(cost / top), MIN_RADIUS)

    def _centre(self, b: Bubble, plot: QRectF) -> QPointF:
        x = plot.left() + plot.width() * min(max(b.benefit, 0), 100) / 100
        risk = 0 if b.risk is None else min(max(b.risk, 0), self.risk_max)
        y = plot.bottom() - plot.height() * risk / self.risk_max
        return QPointF(x, y)

    def bubble_at(self, pos: QPointF) -> Bubble | None:
        """The smallest bubble under ``pos`` (small ones are drawn on top)."""
        plot = self._plot_rect()
        hits = []
        for b in self._bubbles:
            c, r = self._centre(b, plot), self._radius(b.cost)
            if math.hypot(pos.x() - c.x(), pos.y() - c.y()) <= max(r, 6):
                hits.append((r, b))
        return min(hits, key=lambda h: h[0])[1] if hits else None

    def bubble_centre(self, key: str) -> QPointF:
        """Where the bubble of this file is drawn (for tests)."""
        b = next(b for b in self._bubbles if b.key == key)
        return self._centre(b, self._plot_rect())

    def _label_rects(self, plot: QRectF) -> dict[Bubble, QRectF]:
        """Where each bubble's "rank. title" goes: right, left, above or below the bubble,
        whichever first overlaps no label placed before it and no other bubble."""
        fm = QFontMetrics(self.font())
        circles = [(self._centre(b, plot), self._radius(b.cost), b) for b in self._bubbles]
        placed: dict[Bubble, QRectF] = {}
        bounds = QRectF(0, 0, self.width(), plot.bottom())
        for c, r, b in sorted(circles, key=lambda t: t[2].rank):
            text = fm.elidedText(f"{b.rank}. {b.title}", Qt.TextElideMode.ElideRight, 230)
            w, h = fm.horizontalAdvance(text) + 2, fm.height()
            candidates = [
                QRectF(c.x() + r + 4, c.y() - h / 2, w, h),
                QRectF(c.x() - r - 4 - w, c.y() - h / 2, w, h),
                QRectF(c.x() - w / 2, c.y() - r - 2 - h, w, h),
                QRectF(c.x() - w / 2, c.y() + r + 2, w, h),
                # then further up, beside the bubble, where neighbours crowd the first four
                *(QRectF(c.x() + side, c.y() - h / 2 - step * h, w, h)
                  for step in (1, 2, 3) for side in (r + 4, -r - 4 - w)),
            ]

            def clear(rect: QRectF, me: Bubble = b) -> bool:
                if not bounds.contains(rect):
                    return False
                if any(rect.intersects(o) for o in placed.values()):
                    return False
                return not any(
                    o is not me and rect.intersects(QRectF(oc.x() - orr, oc.y() - orr,
                                                           2 * orr, 2 * orr))
                    for oc, orr, o in circles)

            chosen = next((rect for rect in candidates if clear(rect)), None)
            if chosen is None:  # crowded or at an edge: the same places moved inside
                moved = [_inside(rect, bounds) for rect in candidates]
                chosen = next((rect for rect in moved if clear(rect)), None) or next(
                    (rect for rect in moved if not any(rect.intersects(o)
                                                       for o in placed.values())), moved[2])
            placed[b] = chosen
        return placed

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_colour = pal.color(pal.ColorRole.WindowText)
        fm = QFontMetrics(self.font())
        plot = self._plot_rect()

        # risk level bands as pale horizontal stripes (same bands and colours as the map)
        bands = self._forms.hrk.risks.levels
        for i, band in enumerate(bands):
            lo = max(band.min, 0)
            hi = bands[i + 1].min if i + 1 < len(bands) else self.risk_max
            if i == 0:
                lo = 0
            y_top = plot.bottom() - plot.height() * min(hi, self.risk_max) / self.risk_max
            y_bottom = plot.bottom() - plot.height() * lo / self.risk_max
            colour = ramp_colour(i, len(bands))
            colour.setAlpha(70)
            p.fillRect(QRectF(plot.left(), y_top, plot.width(), y_bottom - y_top), colour)

        # grid and ticks
        p.setPen(QPen(QColor(0, 0, 0, 40), 1))
        for x in range(0, 101, 20):
            xx = plot.left() + plot.width() * x / 100
            p.drawLine(QPointF(xx, plot.top()), QPointF(xx, plot.bottom()))
        step = 5 if self.risk_max > 10 else 1
        for y in range(0, self.risk_max + 1, step):
            yy = plot.bottom() - plot.height() * y / self.risk_max
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
        p.setPen(QPen(text_colour, 1))
        p.drawRect(plot)
        for x in range(0, 101, 20):
            xx = plot.left() + plot.width() * x / 100
            p.drawText(QRectF(xx - 20, plot.bottom() + 2, 40, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, str(x))
        for y in range(0, self.risk_max + 1, step):
            yy = plot.bottom() - plot.height() * y / self.risk_max
            p.drawText(QRectF(plot.left() - 34, yy - fm.height() / 2, 30, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(y))
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 4, plot.width(),
                          fm.height()), Qt.AlignmentFlag.AlignHCenter,
                   self._t("gui_chart_benefit_axis") + " →")
        p.save()
        p.translate(4, plot.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), fm.height()),
                   Qt.AlignmentFlag.AlignHCenter, self._t("gui_chart_risk_axis") + " →")
        p.restore()
        p.setFont(self.font())

        if not self._bubbles:
            p.setPen(text_colour)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self._t("gui_chart_empty"))

        # bubbles: largest first, so small ones stay visible and clickable on top
        for b in sorted(self._bubbles, key=lambda b: -b.cost):
            c, r = self._centre(b, plot), self._radius(b.cost)
            colour = QColor(OUTCOME_COLOURS.get(b.outcome, _OTHER))
            selected = b.key == self._selected
            fill = QColor(colour)
            fill.setAlpha(200 if b.risk is not None else 60)
            p.setBrush(fill)
            p.setPen(QPen(QColor("#0d47a1") if selected else colour.darker(140),
                          3.0 if selected else 1.2))
            p.drawEllipse(c, r, r)
        # labels after all bubbles so no bubble hides a label
        p.setPen(text_colour)
        for b, rect in self._label_rects(plot).items():
            text = fm.elidedText(f"{b.rank}. {b.title}", Qt.TextElideMode.ElideRight,
                                 int(rect.width()) + 1)
            p.drawText(QPointF(rect.left(), rect.top() + fm.ascent()), text)

        # legend
        y = plot.bottom() + 2 * fm.height() + 10
        for row in self._legend_rows():
            x = 8.0
            for colour, text in row:
                if colour is not None:
                    p.setPen(QPen(colour.darker(140), 1))
                    p.setBrush(colour)
                    p.drawEllipse(QPointF(x + 7, y + fm.height() / 2), 6, 6)
                else:  # the size note: two nested circles
                    p.setPen(QPen(text_colour, 1))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawEllipse(QPointF(x + 7, y + fm.height() / 2), 7, 7)
                    p.drawEllipse(QPointF(x + 7, y + fm.height() / 2 + 3), 3.5, 3.5)
                p.setPen(text_colour)
                p.drawText(QPointF(x + 20, y + fm.ascent()), text)
                x += 20 + fm.horizontalAdvance(text) + 16
            y += fm.height() + 4
        p.end()

    # --- interaction --------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        b = self.bubble_at(event.position())
        if b is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(b.key)
            self.bubbleClicked.emit(b.key)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        b = self.bubble_at(event.position())
        if b is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bubbleDoubleClicked.emit(b.key)
        super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        b = self.bubble_at(event.position())
        if b is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), b.description, self)
        super().mouseMoveEvent(event)


def _inside(rect: QRectF, bounds: QRectF) -> QRectF:
    """``rect`` moved (not resized) so that it lies within ``bounds`` where it fits."""
    x = min(max(rect.left(), bounds.left()), bounds.right() - rect.width())
    y = min(max(rect.top(), bounds.top()), bounds.bottom() - rect.height())
    return QRectF(x, y, rect.width(), rect.height())
