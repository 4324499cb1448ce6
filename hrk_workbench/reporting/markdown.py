"""The memo as Markdown (jinja2 template ``reports/memo.md.j2``), for wikis and case notes.

Every value is escaped for Markdown by the environment (see :mod:`.templates`), so the
template cannot forget to; the risk matrix becomes two text tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from hrk_workbench.reporting.content import Memo, Table
from hrk_workbench.reporting.templates import markdown_environment, md_escape, reports_dir

TEMPLATE = "memo.md.j2"


def md_row(cells: Sequence[str]) -> Markup:
    """One table row, every cell escaped (``|`` inside a cell cannot end it)."""
    return Markup("| " + " | ".join(md_escape(c) for c in cells) + " |")


def md_rule(table: Table) -> Markup:
    """The row under the header: numeric columns right-aligned."""
    return Markup("|" + "".join(" ---: |" if i in table.numeric else " --- |"
                                for i in range(len(table.header))))


def render_markdown(memo: Memo) -> str:
    env = markdown_environment(str(reports_dir()))
    text = env.get_template(TEMPLATE).render(memo=memo, md_row=md_row, md_rule=md_rule)
    return "\n".join(line.rstrip() for line in _squeeze(text.splitlines())) + "\n"


def _squeeze(lines: list[str]) -> list[str]:
    """At most one blank line in a row: the template's spacing stays readable as source."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return out
