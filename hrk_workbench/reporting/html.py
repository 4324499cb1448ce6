"""The memo as one self-contained HTML page (jinja2 template ``reports/memo.html.j2``).

The template only lays out the :class:`~.content.Memo`; autoescaping keeps every text as text.
The risk matrix is inline SVG, so the page needs no image files beside it. The GUI preview
can show the same page.
"""

from __future__ import annotations

from .content import Memo, RiskMatrix
from .figures import svg
from .templates import html_environment, reports_dir

TEMPLATE = "memo.html.j2"


def _figure_svg(fig: RiskMatrix) -> object:
    """The figure's SVG as markup: figures.svg escapes every text it writes."""
    from markupsafe import Markup

    return Markup(svg(fig, fig.caption))


def render_html(memo: Memo) -> str:
    env = html_environment(str(reports_dir()))
    return env.get_template(TEMPLATE).render(memo=memo, figure_svg=_figure_svg)
