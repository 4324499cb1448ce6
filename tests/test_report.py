"""The decision memo: every example in en, fi and sv, read back from the real files.

PDF through pypdf, Word through python-docx, HTML through html.parser, Markdown as text: each
must carry the title, the recommendation, every risk id, the cost totals as Babel writes them
and the attribution line, and all four must agree on those figures.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLES, ROOT
from pypdf import PdfReader

from hrk_workbench.decision.summary import summarise
from hrk_workbench.foundations.i18n import format_day, format_eur, format_number, label
from hrk_workbench.model.assessment import Change, ChangeLogEntry
from hrk_workbench.model.store import load_assessment
from hrk_workbench.reporting.content import build_memo
from hrk_workbench.reporting.render import render

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.hrk.json"))
LANGS = ("en", "fi", "sv")
CASES = [(p, lang) for p in EXAMPLE_FILES for lang in LANGS]


def flat(text: str) -> str:
    """Whitespace as one plain space: PDF text breaks lines and keeps no-break spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(page)
    return flat(" ".join(parser.parts)), parser.tags


def pdf_text(data: bytes) -> list[str]:
    return [flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return flat(" ".join(parts))


@pytest.fixture(scope="module")
def rendered(forms) -> dict[tuple[str, str], dict[str, object]]:
    """Every example in every language, in all four formats (built once for the module)."""
    out: dict[tuple[str, str], dict[str, object]] = {}
    for path, lang in CASES:
        assessment = load_assessment(path)
        memo = build_memo(assessment, forms, lang)
        out[(path.name, lang)] = {"assessment": assessment, "memo": memo,
                                  **{fmt: render(memo, fmt) for fmt in ("pdf", "html", "md",
                                                                          "docx")}}
    return out


def expected(forms, assessment, memo, lang: str) -> list[str]:
    """What every rendering must show, computed from the rules, not from the renderers."""
    s = summarise(assessment, forms)
    figures = [memo.dataset_title, label(s.recommendation.outcome, lang, forms),
               *(r.id for r in s.risks.scores),
               flat(format_eur(s.costs.one_off_eur, lang)),
               flat(format_eur(s.costs.yearly_eur, lang)),
               flat(format_eur(s.costs.total_eur, lang)),
               f"{s.benefit.score}/100"]
    if memo.attribution:
        figures.append(flat(memo.attribution))
    return figures


@pytest.mark.parametrize(("path", "lang"), CASES, ids=[f"{p.stem}-{lang}" for p, lang in CASES])
def test_every_format_carries_the_figures(forms, rendered, path, lang):
    r = rendered[(path.name, lang)]
    memo, assessment = r["memo"], r["assessment"]
    want = expected(forms, assessment, memo, lang)
    pages = pdf_text(r["pdf"])
    texts = {
        "pdf": " ".join(pages),
        "docx": docx_text(r["docx"]),
        "html": html_text(r["html"].decode())[0],
        "md": flat(r["md"].decode().replace("\\", "")),
    }
    for fmt, text in texts.items():
        missing = [w for w in want if w not in text]
        assert missing == [], f"{fmt} lacks {missing}"
        for rid in memo.risk_ids:  # a risk id as a word, not inside another id
            assert re.search(rf"\b{rid}\b", text), (fmt, rid)
    assert memo.title in texts["pdf"] and memo.title in texts["docx"]
    # page numbers on every page, the running header from page 2 on
    total = len(pages)
    template = flat(memo.page_template)
    for n, page in enumerate(pages, start=1):
        assert template.format(page=n, pages=total) in page
        if n > 1:
            assert flat(memo.running_header)[:40] in page


def test_known_totals_as_babel_writes_them(rendered):
    """The issue's own examples: 35 000 € and a Finnish date in Finnish, 35,000 € in English."""
    fi = " ".join(pdf_text(rendered[("city-bike-trips.hrk.json", "fi")]["pdf"]))
    en = " ".join(pdf_text(rendered[("city-bike-trips.hrk.json", "en")]["pdf"]))
    assert "35 000 €" in fi and "15 200 €" in fi and "2.10.2026" in fi
    assert "35,000 €" in en and "15,200 €" in en and "2 Oct 2026" in en
    assert format_eur(35000, "fi") == "35\u00a0000\u00a0€"
    assert format_eur(35000, "en") == "35,000\u00a0€"
    assert format_eur(1234.5, "sv") == "1\u00a0234,50\u00a0€"
    assert format_day(date(2026, 3, 12), "fi") == "12.3.2026"
    assert format_number(35000, "fi") == "35\u00a0000"


def test_pdf_metadata_and_embedded_font(rendered):
    r = rendered[("social-assistance.hrk.json", "sv")]
    memo = r["memo"]
    reader = PdfReader(io.BytesIO(r["pdf"]))
    meta = reader.metadata
    assert meta.title == f"{memo.title}: {memo.dataset_title}"
    assert meta.subject == memo.subject and meta.author == memo.author
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                if "/DescendantFonts" in font else font.get("/FontDescriptor")
            assert desc is not None and "/FontFile2" in desc.get_object(), font["/BaseFont"]
    assert any("DejaVu" in f for f in fonts)
    assert not any("Helvetica" in f or "Times" in f for f in fonts)


def test_decision_box_or_draft(rendered):
    decided = " ".join(pdf_text(rendered[("city-bike-trips.hrk.json", "en")]["pdf"]))
    assert "Open once the conditions are met" in decided and "Liisa Mäkelä" in decided
    assert "Draft — no decision recorded" not in decided
    draft = " ".join(pdf_text(rendered[("street-trees-draft.hrk.json", "fi")]["pdf"]))
    assert "Luonnos – päätöstä ei ole kirjattu" in draft
    # the incomplete one lists the missing answer in the summary, named as the app names it
    # (the step and the field), never by its answer path
    assert "Vastaa kohtaan Aineisto, ”Sisältää henkilötietoja”" in draft
    assert "dataset.personal_data" not in draft


def test_pdf_is_reproducible(forms, rendered):
    r = rendered[("air-quality.hrk.json", "en")]
    again = render(build_memo(r["assessment"], forms, "en"), "pdf")
    assert again == r["pdf"]


def test_long_tables_split_with_repeated_headers(forms):
    """A change log of many saves runs over pages; each page repeats the table's header."""
    a = load_assessment(EXAMPLES / "meeting-rooms.hrk.json")
    a.change_log = [ChangeLogEntry(at=datetime(2026, 1, 1 + i % 28, 9, 0, tzinfo=UTC),
                                   by=f"Steward {i}",
                                   changes=[Change(path=f"benefits.B{1 + i % 9}.value", new=i)])
                    for i in range(120)]
    memo = build_memo(a, forms, "fi")
    pages = pdf_text(render(memo, "pdf"))
    with_rows = [p for p in pages if re.search(r"Steward \d+ Hyöty B\d arvioitu", p)]
    assert len(with_rows) >= 3
    header = "Tallennettu Tallentaja Muutetut vastaukset"
    assert all(header in p for p in with_rows)
    d = docx.Document(io.BytesIO(render(memo, "docx")))
    history = next(t for t in d.tables if t.rows[0].cells[0].text == "Tallennettu")
    assert history.rows[0]._tr.trPr.xml.count("tblHeader") == 1


def test_sami_and_nordic_letters_print(forms):
    a = load_assessment(EXAMPLES / "meeting-rooms.hrk.json")
    title = "Čázádatbeassi áŋgiris đ š ŧ ž – Åbo öppna data"
    a.dataset.title = {"en": title}
    memo = build_memo(a, forms, "sv")
    assert title in " ".join(pdf_text(render(memo, "pdf")))
    assert title in docx_text(render(memo, "docx"))


def test_markup_in_a_title_stays_text(forms):
    a = load_assessment(EXAMPLES / "meeting-rooms.hrk.json")
    evil = '<script>alert("x")</script> & <b>bold</b> | *star*'
    a.dataset.title = {"en": evil}
    a.dataset.publisher = "<img src=x onerror=alert(1)>"
    memo = build_memo(a, forms, "en")
    page = render(memo, "html").decode()
    text, tags = html_text(page)
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert evil in text and "<img src=x onerror=alert(1)>" in text
    md = render(memo, "md").decode()
    assert "<script>" not in md and "&lt;script&gt;" in md and "<img" not in md
    assert evil in " ".join(pdf_text(render(memo, "pdf")))  # platypus markup escaped too


def test_docx_structure(rendered):
    r = rendered[("city-bike-trips.hrk.json", "fi")]
    d = docx.Document(io.BytesIO(r["docx"]))
    memo = r["memo"]
    assert d.core_properties.title == f"{memo.title}: {memo.dataset_title}"
    assert d.core_properties.subject == memo.subject
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert [s.heading for s in memo.sections] == [h for h in headings
                                                  if h in {s.heading for s in memo.sections}]
    assert d.inline_shapes and len(d.inline_shapes) == 1  # the risk matrix
    footer = d.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_renderers_compute_nothing():
    """Renderers import only the content model and figures, never the rules or catalogues."""
    allowed = {"content", "figures", "templates", "html"}  # the PDF lays out the HTML
    for name in ("pdf", "html", "markdown", "docx", "figures"):
        tree = ast.parse((ROOT / "hrk_workbench" / "reporting" / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    assert mod in allowed, (name, mod)
                elif mod.startswith("hrk_workbench.reporting."):
                    assert mod.removeprefix("hrk_workbench.reporting.") in allowed, (name, mod)
                else:
                    assert not mod.startswith("hrk_workbench") or mod == "hrk_workbench.fonts", \
                        (name, mod)
    for path in (ROOT / "hrk_workbench" / "reporting").glob("*.py"):
        assert "PySide6" not in path.read_text(), path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hrk_workbench.cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def test_cli_writes_each_format_from_the_suffix(tmp_path):
    src = str(EXAMPLES / "health-research.hrk.json")
    for suffix, magic in ((".pdf", b"%PDF"), (".docx", b"PK"), (".html", b"<!DOCTYPE"),
                          (".md", b"# ")):
        out = tmp_path / f"memo{suffix}"
        done = _cli("report", src, "-o", str(out), "--lang", "fi", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert out.read_bytes().startswith(magic)
    forced = tmp_path / "memo.txt"
    assert _cli("report", src, "-o", str(forced), "--format", "md", cwd=tmp_path).returncode == 0
    assert forced.read_text(encoding="utf-8").startswith("# Decision memo")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


@pytest.mark.parametrize("args", [
    ("-o", "memo.odt"),
    ("-o", "memo.pdf", "--format", "odt"),
    ("-o", "no/such/folder/memo.pdf"),
    ("-o", "adir.pdf"),
])
def test_cli_bad_output_is_one_line_exit_2(tmp_path, args):
    (tmp_path / "adir.pdf").mkdir()
    done = _cli("report", str(EXAMPLES / "air-quality.hrk.json"), *args, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
