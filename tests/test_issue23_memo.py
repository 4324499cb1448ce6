"""Issue 23, point 6: a memo ready to sign, and accessible.

The conditions of an "open with conditions" outcome come from the rule and the steward; the
history is in words; the assessor and the dates come from the assessment; the PDF is tagged
PDF/UA-1 (read back with pypdf: structure tree, language, title, figure alt text) and no
table header word is split (read back with pdftotext -layout); the CLI speaks --lang.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from helpers import EXAMPLES
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from hrk_workbench.decision.summary import summarise
from hrk_workbench.foundations.i18n import label, render_all
from hrk_workbench.model.assessment import Change, ChangeLogEntry, Participant
from hrk_workbench.model.store import load_assessment
from hrk_workbench.reporting.content import Bullets, Table, build_memo
from hrk_workbench.reporting.render import render

LANGS = ("en", "fi", "sv")


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def memo_text(memo) -> str:
    """Every text of the memo's content object, for checks that are not about layout."""
    parts = [memo.title, *(v for kv in memo.title_block for v in kv)]
    for section in memo.sections:
        for b in section.blocks:
            parts += [getattr(b, "text", ""), getattr(b, "title", "")]
            parts += list(getattr(b, "items", ()) if isinstance(b, Bullets) else ())
            parts += [v for kv in getattr(b, "fields", ()) for v in kv]
            if isinstance(b, Table):
                parts += [c for row in (b.header, *b.rows) for c in row]
    return flat(" ".join(p for p in parts if isinstance(p, str)))


def structure(data: bytes) -> tuple[list[DictionaryObject], DictionaryObject]:
    """Every structure element of the PDF (depth first) and its catalogue."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    out: list[DictionaryObject] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            out.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(root["/StructTreeRoot"].get_object()["/K"])
    return out, root


PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp_properties(root: DictionaryObject) -> dict[str, list[str]]:
    """The XMP packet's simple properties, {"{namespace}name": [values]}, whichever of the
    two RDF/XML forms carries them: an attribute of rdf:Description or a child element."""
    xmp = root["/Metadata"].get_object().get_data()
    rdf = ElementTree.fromstring(xmp).find(f"{{{RDF}}}RDF")
    assert rdf is not None
    props: dict[str, list[str]] = {}
    for desc in rdf.iter(f"{{{RDF}}}Description"):
        for name, value in desc.attrib.items():
            if not name.startswith(f"{{{RDF}}}"):
                props.setdefault(name, []).append(value)
        for child in desc:
            if len(child) == 0:
                props.setdefault(child.tag, []).append((child.text or "").strip())
    return props


@pytest.fixture(scope="module")
def city_pdf(forms) -> tuple[object, bytes]:
    memo = build_memo(load_assessment(EXAMPLES / "city-bike-trips.hrk.json"), forms, "en")
    return memo, render(memo, "pdf")


# --- conditions -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_conditional_decision_lists_the_rules_and_the_stewards_conditions(forms, lang):
    a = load_assessment(EXAMPLES / "city-bike-trips.hrk.json")
    assert a.decision.outcome == "open_with_conditions" and a.decision.conditions
    rule = render_all(summarise(a, forms).recommendation.conditions, lang, forms)
    assert rule  # the example's rule has conditions (score --json's conditions_text)
    memo = build_memo(a, forms, lang)
    blocks = memo.section("decision").blocks
    listed = next(b for b in blocks if isinstance(b, Bullets))
    assert listed.title == label("memo_decision_conditions", lang, forms)
    assert list(listed.items[:len(rule)]) == rule
    assert any(a.decision.conditions in item for item in listed.items)
    # in every format the rule's conditions are in the decision section
    for fmt in ("html", "md"):
        page = render(memo, fmt).decode()
        decision = page[:page.index(memo.section("summary").heading)]
        assert all(flat(r) in flat(decision.replace("\\", "")) for r in rule), fmt


def test_recommended_conditions_without_a_decision(forms):
    """No decision yet, the recommendation is open_after_mitigation: its conditions are the
    decision section's, in the memo's language; never "Conditions: —"."""
    a = load_assessment(EXAMPLES / "social-assistance.hrk.json")
    s = summarise(a, forms)
    assert a.decision.outcome is None and s.recommendation.outcome == "open_after_mitigation"
    for lang in LANGS:
        memo = build_memo(a, forms, lang)
        items = [i for b in memo.section("decision").blocks if isinstance(b, Bullets)
                 for i in b.items]
        assert items == render_all(s.recommendation.conditions, lang, forms)
    text = pdf_text(render(build_memo(a, forms, "sv"), "pdf"))
    assert render_all(s.recommendation.conditions, "sv", forms)[0][:60] in text
    assert not re.search(r"Villkor:? —", text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_conditional_decision_with_no_condition_says_so(forms, lang):
    a = load_assessment(EXAMPLES / "air-quality.hrk.json")  # the rule gives no condition
    a.decision.outcome = "open_with_conditions"
    a.decision.conditions = ""
    memo = build_memo(a, forms, lang)
    items = [i for b in memo.section("decision").blocks if isinstance(b, Bullets)
             for i in b.items]
    assert items == [label("memo_conditions_missing", lang, forms)]
    none = label("memo_none", lang, forms)
    cond = label("memo_decision_conditions", lang, forms)
    assert f"{cond}: {none}" not in flat(render(memo, "md").decode().replace("*", ""))
    box = memo.section("decision").blocks[0]
    assert (cond, none) not in box.fields


def test_the_decision_note_is_shown(forms):
    a = load_assessment(EXAMPLES / "city-bike-trips.hrk.json")
    a.decision.comment = "Tarkistetaan ensimmäisen kauden jälkeen."
    memo = build_memo(a, forms, "fi")
    box = memo.section("decision").blocks[0]
    assert (label("memo_decision_note", "fi", forms), a.decision.comment) in box.fields


# --- history in words -------------------------------------------------------------------

def _history_assessment():
    a = load_assessment(EXAMPLES / "meeting-rooms.hrk.json")
    at = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    a.change_log = [
        ChangeLogEntry(at=at, by="steward", changes=[
            Change(path=f"benefits.B{i}.value", new=2) for i in (1, 2, 3, 4)] + [
            Change(path="risks.R2.mitigation", new="Aggregate by month"),
            Change(path="licence.licence_id", new="CC-BY-4.0")]),
        ChangeLogEntry(at=datetime(2026, 3, 5, 8, 0, tzinfo=UTC), by="steward", changes=[
            Change(path="risks.R1.likelihood", new=2), Change(path="risks.R1.impact", new=3),
            Change(path="risks.R3.likelihood", new=1),
            Change(path="decision.outcome", new="open")]),
    ]
    return a


@pytest.mark.parametrize(("lang", "first", "second"), [
    ("en", "Benefits B1–B4 rated; Risk R2 mitigation described; Licence chosen",
     "Risks R1, R3 rated; Decision recorded"),
    ("fi", "Hyödyt B1–B4 arvioitu; Riskin R2 lieventämiskeinot kuvattu; Lisenssi valittu",
     "Riskit R1, R3 arvioitu; Päätös kirjattu"),
    ("sv", "Nyttor B1–B4 bedömda; Risk R2: riskreduceringen beskriven; Licens vald",
     "Risker R1, R3 bedömda; Beslutet antecknat"),
])
def test_history_is_in_words_grouped_per_entry(forms, lang, first, second):
    memo = build_memo(_history_assessment(), forms, lang)
    table = next(b for b in memo.section("history").blocks if isinstance(b, Table))
    assert [row[2] for row in table.rows] == [first, second]
    for fmt in ("md", "html", "docx"):
        data = render(memo, fmt)
        assert b"benefits.B" not in data and b"risks.R2" not in data, fmt


def test_history_pdf_has_no_answer_paths(forms):
    text = pdf_text(render(build_memo(_history_assessment(), forms, "en"), "pdf"))
    assert "Benefits B1–B4 rated" in text and "Licence chosen" in text
    assert not re.search(r"\b(benefits|risks|licence)\.[A-Za-z0-9_]+", text)


# --- who and when -----------------------------------------------------------------------

def test_assessor_is_a_participant_not_the_login(forms):
    a = load_assessment(EXAMPLES / "meeting-rooms.hrk.json")
    a.change_log[-1].by = "jdoe-login"
    a.participants = [Participant(name="Sanna Saari", roles=["data_steward"]),
                      Participant(name="Pekka Puro", roles=["it_expert"])]
    memo = build_memo(a, forms, "fi")
    assessor = dict(memo.title_block)[label("memo_assessor", "fi", forms)]
    assert assessor.startswith("Sanna Saari (") and "jdoe" not in assessor
    assert "Pekka" not in assessor  # the steward assessed; the others took part
    assert memo.author == "Sanna Saari"
    assert PdfReader(io.BytesIO(render(memo, "pdf"))).metadata.author == "Sanna Saari"
    # no participants: whoever recorded the decision, still not the login
    a.participants = []
    a.decision.decided_by = "Maija Meri"
    memo = build_memo(a, forms, "en")
    assert dict(memo.title_block)["Assessor"] == "Maija Meri" and memo.author == "Maija Meri"
    # nobody at all: said in words, not a dash
    a.decision.decided_by = ""
    for lang in LANGS:
        memo = build_memo(a, forms, lang)
        assessor = dict(memo.title_block)[label("memo_assessor", lang, forms)]
        assert assessor == label("memo_assessor_none", lang, forms) != "—"


def test_print_binds_per_cent_and_equals():
    """A printed line never breaks inside "80 %" or "p = 10" (the table lab's rules); only
    the print page gets the no-break spaces, the other formats keep the text as it is."""
    from hrk_workbench.reporting.templates import mark_urls

    rules = "(1, 80 %) -dominanssi; p %:n sääntö, p = 10; https://x.example/a?b=1"
    assert str(mark_urls(rules)) == ("(1, 80\u00a0%) -dominanssi; p\u00a0%:n sääntö, "
                                     "p\u00a0=\u00a010; <span class=\"url\">"
                                     "https://x.example/a?b=1</span>")
    assert mark_urls(rules, for_print=False) == rules


def test_dates_are_the_assessments_own(forms, city_pdf):
    memo, data = city_pdf
    a = load_assessment(EXAMPLES / "city-bike-trips.hrk.json")
    fields = dict(memo.title_block)
    assert fields["Assessment started"] == "14 Sept 2026" or \
        fields["Assessment started"].startswith("14 Sep")
    assert fields["Date"] == "2 Oct 2026" and a.decision.date == date(2026, 10, 2)
    meta = PdfReader(io.BytesIO(data)).metadata
    # the PDF's dates are the assessment's creation and last save, not the rendering's
    assert meta["/CreationDate"].startswith("D:20260914")
    assert meta["/ModDate"].startswith("D:20261002")


# --- tagged, accessible PDF --------------------------------------------------------------

def test_pdf_is_tagged_pdf_ua(city_pdf):
    memo, data = city_pdf
    elements, root = structure(data)
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert str(root["/Lang"]) == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    tags = [str(e["/S"]) for e in elements]
    for tag in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/Figure"):
        assert tag in tags, tag
    assert tags.count("/H2") == len(memo.sections)
    # the title bar shows the title, which is the memo's
    assert PdfReader(io.BytesIO(data)).metadata.title == f"{memo.title}: {memo.dataset_title}"
    # the heat map has alt text: the matrix in words, every risk in it
    figures = [e for e in elements if str(e["/S"]) == "/Figure"]
    assert len(figures) == 1 and "/Alt" in figures[0]
    alt = str(figures[0]["/Alt"])
    assert alt.startswith(memo.section("risks").blocks[1].caption)
    assert all(re.search(rf"\b{rid}\b", alt) for rid in memo.risk_ids)
    # XMP says PDF/UA-1, read as RDF/XML: WeasyPrint writes the property in the abbreviated
    # form (pdfuaid:part="1" on rdf:Description), which XMP readers such as veraPDF read
    # exactly as the element form <pdfuaid:part>1</pdfuaid:part>
    assert xmp_properties(root)[f"{{{PDFUAID}}}part"] == ["1"]


def test_table_header_cells_are_th_with_the_header_text(city_pdf):
    memo, data = city_pdf
    elements, _ = structure(data)
    tables = [e for e in elements if str(e["/S"]) == "/Table"]
    assert len(tables) >= sum(isinstance(b, Table) for s in memo.sections for b in s.blocks)
    th = [e for e in elements if str(e["/S"]) == "/TH"]
    assert len(th) >= sum(len(b.header) for s in memo.sections for b in s.blocks
                          if isinstance(b, Table))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(("example", "lang"), [("social-assistance", "fi"),
                                               ("health-research", "sv"),
                                               ("city-bike-trips", "fi")])
def test_no_table_header_word_is_split(forms, tmp_path, example, lang):
    memo = build_memo(load_assessment(EXAMPLES / f"{example}.hrk.json"), forms, lang)
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(render(memo, "pdf"))
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    words = set(layout.replace("\u00a0", " ").split())
    headers = {w for s in memo.sections for b in s.blocks if isinstance(b, Table)
               for h in b.header for w in h.split()}
    assert headers
    split = sorted(w for w in headers if w not in words)
    assert split == [], split
    # no word is hyphenated by the layout either, in a header or in the body: a line (or, in
    # -layout's columns, a table cell's line) may end in a hyphen only where the text has
    # that hyphen (Finnish "Oikea-aikaisuus" breaks after "Oikea-", as a Finnish typesetter
    # breaks it; "tietosuoja- ja"). Hyphenation would end one in WeasyPrint's hyphenate
    # character U+2010 ("identifi‐" / "erbara"), or in "-" after a fragment the text has not
    text = memo_text(memo) + " " + flat(render(memo, "md").decode())
    assert "\u00ad" not in text  # no soft hyphen a layout could break at either
    for m in re.finditer(r"(\w+)([-\u2010\u00ad])(?=\s)", layout):
        assert re.search(rf"(?<!\w){re.escape(m[0])}", text), f"{m[0]!r} is hyphenated"


MARGIN = 2 / 2.54 * 72  # the print stylesheet's left and right page margin, 2 cm


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("lang", ("fi", "sv"))  # the longest words
@pytest.mark.parametrize("example", sorted(p.name.removesuffix(".hrk.json")
                                           for p in EXAMPLES.glob("*.hrk.json")))
def test_every_word_is_inside_the_margins(forms, tmp_path, example, lang):
    """No header or cell runs past the right margin (or off the page): every word's box,
    as pdftotext -bbox reads it, lies between the 2 cm margins. And the sign-off is on one
    page: its attestation and the signature table; the colophon ends the memo with text."""
    memo = build_memo(load_assessment(EXAMPLES / f"{example}.hrk.json"), forms, lang)
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(render(memo, "pdf"))
    pages = [flat(p) for p in subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")]
    signoff = [i for i, p in enumerate(pages) if memo.section("signoff").heading in p]
    assert signoff, "no sign-off heading"
    page = pages[signoff[-1]]
    table = next(b for b in memo.section("signoff").blocks if isinstance(b, Table))
    for text in (memo.section("signoff").blocks[0].text, *table.header):
        assert flat(text) in page, text
    # the colophon ends the memo (after the appendices), never alone on its page
    last = [p for p in pages if p.strip()][-1]
    assert flat(memo.footer)[:40] in last
    assert len(last.replace(flat(memo.footer), "").split()) > 20
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox)[1])
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<',
                       bbox)
    assert words
    outside = [w for x0, x1, w in words
               if float(x0) < MARGIN - 0.5 or float(x1) > width - MARGIN + 0.5]
    assert outside == [], outside


def test_cli_report_speaks_the_language(tmp_path):
    src = str(EXAMPLES / "air-quality.hrk.json")
    out = {}
    for lang in LANGS:
        done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "report", src, "-o",
                               str(tmp_path / f"m-{lang}.md"), "--lang", lang],
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        out[lang] = done.stdout.strip()
    assert out["en"].startswith("wrote ")
    assert out["fi"].startswith("kirjoitettiin ") and out["sv"].startswith("skrev ")
    assert all(Path(o.split(" ", 1)[1]).exists() for o in out.values())
    # the refusal of a missing folder is in the language too, its detail included
    missing = {"en": "cannot write: no such folder", "fi": "ei voi kirjoittaa: kansiota ei ole",
               "sv": "kan inte skrivas: mappen finns inte"}
    for lang, said in missing.items():
        done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "report", src, "-o",
                               str(tmp_path / "no-such" / "m.pdf"), "--lang", lang],
                              capture_output=True, text=True, check=False, cwd=tmp_path)
        assert done.returncode == 2 and said in done.stderr, (lang, done.stderr)


@pytest.mark.parametrize("example", ["city-bike-trips", "social-assistance"])
def test_every_table_cell_finds_its_headers_through_the_id_tree(forms, example):
    """A TD names its header cells by /ID (/Headers); the structure tree's /IDTree resolves
    each to a TH of the same table, which says it heads a column (/Scope /Column), so a
    screen reader reads "Weight: 2" and not a bare "2"."""
    memo = build_memo(load_assessment(EXAMPLES / f"{example}.hrk.json"), forms, "fi")
    data = render(memo, "pdf")
    elements, root = structure(data)
    tree = root["/StructTreeRoot"].get_object()["/IDTree"].get_object()
    names = tree["/Names"]
    keys = [str(names[i]) for i in range(0, len(names), 2)]
    assert keys == sorted(keys, key=lambda k: k.encode())  # a name tree's keys are sorted
    by_id = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
    cells = [e for e in elements if str(e["/S"]) == "/TD"]
    assert cells
    for cell in cells:
        headers = cell["/A"]["/Headers"]
        assert headers, "a cell without headers"
        for key in headers:
            th = by_id[str(key)]
            assert str(th["/S"]) == "/TH" and str(th["/A"]["/Scope"]) == "/Column"
    th_all = [e for e in elements if str(e["/S"]) == "/TH"]
    assert len(by_id) == len(th_all) and all("/Scope" in e["/A"] for e in th_all)
