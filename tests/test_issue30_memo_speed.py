"""Issue 30 point 3: the PDF memo is written faster and says exactly what it said.

While one memo is written, the PDF writer's list of page references is built once per page
count instead of once for every tagged element (WeasyPrint names the page of each element
of the structure tree). The file must be the same, byte for byte, as without it; the
library's own property must be back afterwards, an error or not; and a text long enough to
run over several pages of a table cell must still read back whole, with no invisible break
characters in the extracted text.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pydyf
import pytest
from helpers import EXAMPLES
from pypdf import PdfReader

from hrk_workbench.reporting.pdf import PDF_VARIANT, _page_list_kept

CITY = EXAMPLES / "city-bike-trips.hrk.json"
ZWSP = "\u200b"


def _tagged_pages(rows: int) -> bytes:
    """A tagged PDF of a table over several pages, as WeasyPrint writes it now."""
    from weasyprint import HTML

    body = "".join(f"<tr><td>R{i}</td><td>{'word ' * 30}</td></tr>" for i in range(rows))
    page = (f"<html lang='en'><head><title>t</title></head><body><h1>Pages</h1><table>"
            f"<thead><tr><th>Id</th><th>Text</th></tr></thead><tbody>{body}</tbody>"
            "</table></body></html>")
    return HTML(string=page).write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)


def test_the_kept_page_list_writes_the_same_file_byte_for_byte():
    plain = _tagged_pages(120)
    with _page_list_kept():
        kept = _tagged_pages(120)
    assert len(PdfReader(io.BytesIO(plain)).pages) >= 3  # page references that differ
    assert kept == plain


def test_the_library_gets_its_own_property_back_after_an_error_too():
    own = pydyf.PDF.__dict__["page_references"]
    with pytest.raises(RuntimeError), _page_list_kept():
        assert pydyf.PDF.__dict__["page_references"] is not own
        raise RuntimeError("stop")
    assert pydyf.PDF.__dict__["page_references"] is own


def test_a_long_unbroken_comment_over_several_pages_reads_back_whole(tmp_path):
    """One memo through the command line (a fresh process, about 4 s): a benefit's comment of
    12,000 letters without a space fills a narrow table column over several pages."""
    word = "".join(chr(65 + i % 26) for i in range(12_000))
    data = json.loads(CITY.read_text(encoding="utf-8"))
    first = next(iter(data["benefits"]))
    data["benefits"][first]["comment"] = word
    source = tmp_path / "long.hrk.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "memo.pdf"
    done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "report", str(source),
                           "-o", str(out), "--lang", "en"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    reader = PdfReader(out)
    texts = [page.extract_text() for page in reader.pages]
    holding = [i for i, text in enumerate(texts) if "ABCDEFGH" in text]
    assert len(holding) >= 3, "the comment should run over several pages"
    assert ZWSP not in "".join(texts)
    # the comment's lines in reading order, the other cells' words (never all capitals
    # letters only) left out
    lines = [token for i in holding for token in texts[i].split()
             if token.isascii() and token.isalpha() and token.isupper()]
    assert word in "".join(lines)
