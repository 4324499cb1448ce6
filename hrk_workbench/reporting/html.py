"""The memo as one self-contained HTML page (jinja2 template ``reports/memo.html.j2``).

The template only lays out the :class:`~.content.Memo`; autoescaping keeps every text as text.
The risk matrix is inline SVG (with its description as ``<title>``, the alt text), so the page
needs no image files beside it. The GUI preview can show the same page, and the PDF is this
page laid out for print (:mod:`.pdf`, with the stylesheet :func:`print_stylesheet` renders).
"""

from __future__ import annotations

from pathlib import Path

from hrk_workbench.reporting.content import Memo, RiskMatrix
from hrk_workbench.reporting.figures import svg
from hrk_workbench.reporting.templates import css_environment, html_environment, reports_dir

TEMPLATE = "memo.html.j2"
PRINT_TEMPLATE = "memo.print.css.j2"


# the bundled font's name in the print stylesheet's @font-face rules (memo.print.css.j2)
PRINT_FAMILY = "HRK DejaVu Sans"


def _figure_svg(fig: RiskMatrix) -> object:
    """The figure's SVG as markup: figures.svg escapes every text it writes."""
    from markupsafe import Markup

    return Markup(svg(fig, fig.alt or fig.caption))


def _print_figure_svg(fig: RiskMatrix) -> object:
    """The figure's SVG for print, its text in the bundled font the page declares: the
    system's copy of the font was otherwise looked up, subset and embedded a second time."""
    from markupsafe import Markup

    return Markup(svg(fig, fig.alt or fig.caption, PRINT_FAMILY))


def render_html(memo: Memo, for_print: bool = False, print_css: str = "") -> str:
    """The page; ``for_print`` marks web addresses for the print stylesheet (:mod:`.pdf`).

    ``print_css`` (the output of :func:`print_stylesheet`) goes into the page as its last
    ``<style>``: WeasyPrint takes the stylesheets given to ``write_pdf`` as *user* styles,
    which lose to every rule of the page's own (author) ``<style>``, so passed that way the
    screen sizes (15px text, 16em labels) won over the print layout and long table headers
    ran past the margin. Inside the page, later and of the same origin, the print rules win.
    Every value in it went through ``css_string``, so no text can end the element."""
    from markupsafe import Markup

    env = html_environment(str(reports_dir()))
    return env.get_template(TEMPLATE).render(memo=memo,
                                             figure_svg=_print_figure_svg if for_print
                                             else _figure_svg,
                                             print=for_print, print_css=Markup(print_css))


def print_stylesheet(memo: Memo, regular: Path, bold: Path) -> str:
    """The CSS that lays the page out as the printed memo: A4, running header, page x of y
    (the catalogue's "Page {page} of {pages}" around CSS page counters), the given fonts."""
    before, _, rest = memo.page_template.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    env = css_environment(str(reports_dir()))
    return env.get_template(PRINT_TEMPLATE).render(
        memo=memo, fonts={"regular": regular.as_uri(), "bold": bold.as_uri()},
        page_before=before, page_middle=middle, page_after=after)
