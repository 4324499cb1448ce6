"""The floor the PDF memo is measured against: a fresh process that renders, with WeasyPrint,
one page of HTML (a heading, 300 words and a 29-row table) in the bundled DejaVu Sans.

    .venv/bin/python benchmarks/report_floor.py OUT.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

from weasyprint import HTML

FONT = Path(__file__).resolve().parent.parent / "hrk_workbench" / "fonts" / "DejaVuSans.ttf"
WORDS = ["open", "data", "decision", "dataset", "steward", "publish", "risk", "benefit",
         "licence", "quality", "catalogue", "municipality", "register"]
STYLE = (f'@font-face {{ font-family: "F"; src: url("{FONT.as_uri()}"); }} '
         '@page { size: A4; margin: 2cm; } body { font-family: "F"; font-size: 9pt; }')


def page() -> str:
    """A heading, 300 words and a 29-row table: one A4 page."""
    text = " ".join(WORDS[i % len(WORDS)] for i in range(300))
    rows = "".join(f"<tr><td>R{i}</td><td>{WORDS[i % len(WORDS)]}</td><td>{i * 7}</td></tr>"
                   for i in range(29))
    return (f'<html lang="en"><head><style>{STYLE}</style></head><body><h1>Floor</h1>'
            f"<p>{text}</p><table><thead><tr><th>Id</th><th>Word</th><th>Number</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></body></html>")


if __name__ == "__main__":
    HTML(string=page()).write_pdf(sys.argv[1])
