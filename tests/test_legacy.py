"""Legacy HRK workbooks: the examples score as expected, export/import round trips, and
altered or damaged workbooks give the exact report or error."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.legacy.exporter import export_workbook
from hrk_workbench.legacy.importer import import_workbook
from hrk_workbench.legacy.mapping import load_layouts
from hrk_workbench.model.store import load_assessment

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
FI_V2, SV, FI_V1 = (DATA / n for n in ("example_1_fi_v2.xlsx", "example_2_sv.xlsx",
                                       "example_3_fi_v1.xlsx"))
SCORE_KEYS = ("benefit_score", "benefit_level", "risk_profile", "risk_scores",
              "cost_one_off_eur", "cost_yearly_eur", "cost_3y_eur", "cost_level",
              "recommendation", "title")


@pytest.fixture(autouse=True)
def _author(monkeypatch):
    monkeypatch.setenv("HRK_AUTHOR", "test")
    monkeypatch.delenv("HRK_LANG", raising=False)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _edit(src: Path, dst: Path, fn) -> Path:
    """Copy a workbook, change it with openpyxl, save it: one altered workbook."""
    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


def _import(path: Path, forms):
    return import_workbook(path, forms)


def _answers(a) -> dict:
    """The answers a legacy layout holds, for comparing round trips."""
    d = a.model_dump(mode="json")
    return {k: d[k] for k in ("gates", "benefits", "risks", "costs", "participants")} | {
        "dataset": {k: d["dataset"][k] for k in ("title", "description", "publisher",
                                                 "information_manager", "contact",
                                                 "source_system", "update_frequency")},
        "created": d["created"][:10]}


# --- the examples ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_imports_and_scores_as_expected(name, tmp_path, capsys):
    out = tmp_path / "a.hrk.json"
    report = tmp_path / "r.json"
    code, _, err = _run(capsys, "import-excel", str(DATA / name), "-o", str(out),
                        "--report", str(report))
    assert code == 0, err
    code, text, _ = _run(capsys, "score", str(out), "--json")
    assert code == 0
    got = json.loads(text)
    want = EXPECTED[name]
    assert {k: got[k] for k in SCORE_KEYS} == {k: want[k] for k in SCORE_KEYS}
    assessment = load_assessment(out)
    assert {g: v.value for g, v in assessment.gates.items()} == want["gates"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["layout"] == want["layout"]
    assert data["unreadable"] == []
    assert data["to_add"] == ["dataset.personal_data"]
    assert data["recommendation"] == "incomplete"


def test_the_report_says_where_each_value_went(forms):
    a, r = _import(FI_V2, forms)
    assert {"sheet": "Esteet", "cell": "Esteet!C2", "path": "gates.G1.value", "raw": "Ei",
            "value": "no"} in r.mapped
    assert {"sheet": "Perustiedot", "cell": "Perustiedot!B11", "path": "created",
            "raw": "2025-07-21", "value": "2025-07-21"} in r.mapped
    assert {"sheet": "Hyödyt", "cell": "Hyödyt!C3", "path": "benefits.B2.value", "raw": "0",
            "value": 0} in r.mapped
    assert {"sheet": "Kustannukset", "cell": "Kustannukset!C3",
            "path": "costs.lines.C2.one_off_days", "counts_as_zero": True} in r.empty
    assert r.ignored[:3] == [
        {"sheet": "Ohjeet", "cell": None, "value": None, "why": "sheet_instructions"},
        {"sheet": "Perustiedot", "cell": "Perustiedot!A1", "value": "Perustiedot",
         "why": "not_in_layout"},
        {"sheet": "Riskit", "cell": "Riskit!E2", "value": "=C2*D2", "why": "computed"}]
    assert r.ignored[-1] == {"sheet": "Yhteenveto", "cell": None, "value": None,
                             "why": "sheet_summary"}
    assert a.dataset.update_frequency == "MONTHLY"
    assert a.costs.day_rate_eur == 500
    assert a.dataset.contact.email == "avoindata@example.fi"
    assert a.participants[0].name == "Liisa Korhonen"


def test_text_report_in_finnish_and_swedish(tmp_path, capsys):
    code, out, _ = _run(capsys, "import-excel", str(SV), "-o", str(tmp_path / "s.hrk.json"),
                        "--lang", "sv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (f"{SV}: layout sv → {tmp_path / 's.hrk.json'}: 78 svar överförda, "
                        "25 tomma, 12 celler ignorerade, 0 oläsliga; rekommendation "
                        + lines[0].split("rekommendation ")[1])
    assert "  Hinder!C2: Okänt → gates.G1.value = unknown" in lines
    assert "  lägg till dataset.personal_data" in lines
    code, out, _ = _run(capsys, "import-excel", str(FI_V1), "-o", str(tmp_path / "f.hrk.json"),
                        "--lang", "fi")
    assert "  'HRK-arviointi'!E22: Merkittävä → benefits.B2.value = 3" in out.splitlines()


# --- round trip -----------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["fi_v2", "sv"])
@pytest.mark.parametrize("source", [FI_V2, SV, FI_V1])
def test_export_then_import_gives_the_same_answers(layout, source, tmp_path, capsys, forms):
    first = tmp_path / "a.hrk.json"
    assert _run(capsys, "import-excel", str(source), "-o", str(first))[0] == 0
    book = tmp_path / "b.xlsx"
    code, _, err = _run(capsys, "export-excel", str(first), "-o", str(book), "--layout", layout)
    assert code == 0, err
    again, report = _import(book, forms)
    assert report.layout == layout
    assert report.unreadable == []
    before = _answers(load_assessment(first))
    after = _answers(again)
    lang = {"fi_v2": "fi", "sv": "sv"}[layout]
    title = next(iter(before["dataset"]["title"].values()))
    assert after["dataset"]["title"] == {lang: title}
    for key in ("title", "description"):
        before["dataset"].pop(key), after["dataset"].pop(key)
    assert after == before


def test_export_writes_text_that_no_spreadsheet_evaluates(tmp_path, capsys, forms):
    src = tmp_path / "a.hrk.json"
    _run(capsys, "import-excel", str(FI_V2), "-o", str(src))
    danger = ['=HYPERLINK("http://evil.example","x")', "+358 40 123", "-1+1", "@SUM(A1)"]
    for path, value in zip(("dataset.publisher", "gates.G1.comment", "risks.R1.mitigation",
                            "dataset.source_system"), danger, strict=True):
        assert _run(capsys, "set", str(src), f"{path}={value}")[0] == 0
    book = tmp_path / "b.xlsx"
    _run(capsys, "export-excel", str(src), "-o", str(book))
    wb = openpyxl.load_workbook(book)
    cells = [wb["Perustiedot"]["B4"], wb["Esteet"]["D2"], wb["Riskit"]["F2"],
             wb["Perustiedot"]["B9"]]
    assert [c.value for c in cells] == danger
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(book) as zf:  # no <f> element carries the steward's text
        sheets = "".join(zf.read(n).decode() for n in zf.namelist()
                         if n.startswith("xl/worksheets/"))
    formulas = re.findall(r"<f>(.*?)</f>", sheets)
    assert formulas and not any("HYPERLINK" in f or "SUM(A1)" in f for f in formulas)
    assert "<t>=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)</t>" in sheets \
        or '<t>=HYPERLINK("http://evil.example","x")</t>' in sheets
    again, _ = _import(book, forms)
    assert again.dataset.publisher == danger[0]
    assert again.risks["R1"].mitigation == danger[2]


def test_export_has_data_validation_lists(tmp_path, forms):
    a, _ = _import(SV, forms)
    layout = {lay.id: lay for lay in load_layouts(forms)}["sv"]
    book = tmp_path / "b.xlsx"
    export_workbook(a, layout, forms, book)
    wb = openpyxl.load_workbook(book)
    gates = wb["Hinder"].data_validations.dataValidation
    assert [(str(d.sqref), d.type, d.formula1) for d in gates] == [
        ("C2:C5", "list", '"Ja,Nej,Okänt"')]
    risks = wb["Risker"].data_validations.dataValidation
    assert [(str(d.sqref), d.formula1) for d in risks][:2] == [("C2:C10", '"1,2,3,4,5"'),
                                                               ("D2:D10", '"1,2,3,4,5"')]
    assert wb["Nyttor"].data_validations.dataValidation[0].formula1 == '"0,1,2,3"'
    assert wb["Kostnader"].data_validations.dataValidation[0].type == "decimal"


def test_export_refuses_an_unknown_layout(tmp_path, capsys):
    src = tmp_path / "a.hrk.json"
    _run(capsys, "import-excel", str(FI_V2), "-o", str(src))
    code, _, err = _run(capsys, "export-excel", str(src), "-o", str(tmp_path / "x.xlsx"),
                        "--layout", "fi_v1")
    assert code == 2
    assert err == "--layout: $: no layout fi_v1 to export to (expected one of: fi_v2, sv)\n"


# --- altered workbooks ----------------------------------------------------------------------

def _scores(a, forms) -> dict:
    from hrk_workbench.decision.summary import summarise

    s = summarise(a, forms).to_json(forms)
    return {k: s[k] for k in SCORE_KEYS if k != "title"}


def _want(name: str) -> dict:
    return {k: EXPECTED[name][k] for k in SCORE_KEYS if k != "title"}


def test_renamed_sheets_are_found_by_headers(tmp_path, forms):
    def rename(wb):
        for i, ws in enumerate(wb.worksheets):
            ws.title = f"Taul{i + 1}"
    a, r = _import(_edit(FI_V2, tmp_path / "x.xlsx", rename), forms)
    assert _scores(a, forms) == _want("example_1_fi_v2.xlsx")
    assert [(s["section"], s["sheet"], s["found_by"]) for s in r.sheets] == [
        ("info", "Taul2", "labels"), ("gates", "Taul3", "headers"),
        ("benefits", "Taul4", "headers"), ("risks", "Taul5", "headers"),
        ("costs", "Taul6", "headers")]
    assert {"sheet": "Taul1", "cell": None, "value": None, "why": "sheet_unknown"} in r.ignored


def test_renamed_sheets_without_headers_are_found_by_ids(tmp_path, forms):
    def strip(wb):
        for ws in wb.worksheets:
            ws.title = ws.title + " (kopio)"
        wb["Esteet (kopio)"].delete_rows(1)
    a, r = _import(_edit(FI_V2, tmp_path / "x.xlsx", strip), forms)
    gates = next(s for s in r.sheets if s.get("section") == "gates")
    assert gates == {"what": "section", "section": "gates", "sheet": "Esteet (kopio)",
                     "found_by": "ids"}
    assert {"what": "column", "sheet": "Esteet (kopio)", "column": "value",
            "looked_for": "Vastaus"} in r.not_found
    assert a.gates == {}


def test_moved_and_extra_columns_rows_in_any_order_and_blank_rows(tmp_path, forms):
    def shuffle(wb):
        ws = wb["Hyödyt"]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        ws.delete_rows(1, ws.max_row)
        header, items = rows[0], rows[1:][::-1]
        order = [2, 3, 0, 1]  # rating, reasoning, id, text
        ws.append([header[i] for i in order] + ["Huomautus"])
        for item in items:
            ws.append([])  # a blank row before each item
            ws.append([item[i] for i in order] + ["tarkista"])
    a, r = _import(_edit(FI_V2, tmp_path / "x.xlsx", shuffle), forms)
    assert _scores(a, forms) == _want("example_1_fi_v2.xlsx")
    assert {"sheet": "Hyödyt", "cell": "Hyödyt!E1", "value": "Huomautus",
            "why": "not_in_layout"} in r.ignored
    assert {"sheet": "Hyödyt", "cell": "Hyödyt!E3", "value": "tarkista",
            "why": "not_in_layout"} in r.ignored
    assert {"sheet": "Hyödyt", "cell": "Hyödyt!A19", "path": "benefits.B1.value", "raw": "3",
            "value": 3} in r.mapped


def test_numbers_and_dates_stored_as_text(tmp_path, forms):
    def as_text(wb):
        wb["Hyödyt"]["C2"] = "3"
        wb["Hyödyt"]["C5"] = " 1,0 "
        wb["Kustannukset"]["D2"] = "2 000,50 €"
        wb["Riskit"]["C4"] = "4"
        wb["Perustiedot"]["B11"] = "12.3.2024"
        wb["Perustiedot"]["B13"] = "500,0"
    a, r = _import(_edit(FI_V2, tmp_path / "x.xlsx", as_text), forms)
    assert a.benefits["B1"].value == 3 and a.benefits["B4"].value == 1
    assert a.costs.lines["C1"].one_off_eur == 2000.5
    assert a.created.date().isoformat() == "2024-03-12"
    assert a.costs.day_rate_eur == 500
    assert {"sheet": "Perustiedot", "cell": "Perustiedot!B11", "path": "created",
            "raw": "12.3.2024", "value": "2024-03-12"} in r.mapped
    assert r.unreadable == []


def test_labels_typed_with_other_case_spacing_and_punctuation(tmp_path, forms):
    def retype(wb):
        ws = wb["HRK-arviointi"]
        ws["E15"] = "  ei TIEDOSSA. "
        ws["E22"] = "merkittävä!"
        ws["E23"] = "Betydande"  # a Swedish label in a Finnish workbook
        ws["E33"] = "lähes  varma"
        ws["A3"] = "tietoaineiston NIMI"
        ws["A21"] = "b1"
    a, r = _import(_edit(FI_V1, tmp_path / "x.xlsx", retype), forms)
    assert a.gates["G1"].value == "unknown"
    assert a.benefits["B2"].value == 3 and a.benefits["B3"].value == 3
    assert a.risks["R1"].likelihood == 5
    assert a.title("fi") == "Pysäköintivirhemaksut"
    assert a.benefits["B1"].value == 0
    assert r.unreadable == []


def test_out_of_range_and_unreadable_values_are_reported_and_left_unanswered(tmp_path, forms,
                                                                            capsys):
    def spoil(wb):
        wb["Hyödyt"]["C2"] = 7
        wb["Hyödyt"]["C3"] = "paljon"
        wb["Hyödyt"]["C4"] = 2.5
        wb["Riskit"]["C2"] = "=1+2"
        wb["Esteet"]["C2"] = "Ehkä"
        wb["Kustannukset"]["D2"] = -100
        wb["Perustiedot"]["B11"] = "eilen"
        wb["Perustiedot"]["B10"] = "joskus"
    book = _edit(FI_V2, tmp_path / "x.xlsx", spoil)
    a, r = _import(book, forms)
    assert "B1" not in a.benefits and "B2" not in a.benefits and "B3" not in a.benefits
    assert a.risks["R1"].likelihood is None and a.gates.get("G1") is None
    assert "C1" not in a.costs.lines or a.costs.lines["C1"].one_off_eur == 0
    assert [(p.location, p.code, p.params["value"]) for p in r.unreadable] == [
        ("Perustiedot!B10", "legacy_bad_frequency", "joskus"),
        ("Perustiedot!B11", "legacy_bad_date", "eilen"),
        ("Esteet!C2", "legacy_bad_choice", "Ehkä"),
        ("Hyödyt!C2", "legacy_off_scale", "7"),
        ("Hyödyt!C3", "legacy_bad_scale", "paljon"),
        ("Hyödyt!C4", "legacy_off_scale", "2.5"),
        ("Riskit!C2", "legacy_formula", "=1+2"),
        ("Kustannukset!D2", "legacy_amount_range", "-100")]
    code, out, _ = _run(capsys, "import-excel", str(book), "-o", str(tmp_path / "a.hrk.json"),
                        "--report", str(tmp_path / "r.json"))
    assert code == 0
    assert ("  Hyödyt!C2: warning: 7 is off the scale; benefits.B1.value left unanswered "
            "(expected a whole number from 0 to 3)") in out.splitlines()
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["unreadable"][3] == {
        "sheet": "Hyödyt", "cell": "C2", "value": "7", "path": "benefits.B1.value",
        "expected": "a whole number from 0 to 3", "code": "legacy_off_scale",
        "message": "warning: 7 is off the scale; benefits.B1.value left unanswered "
                   "(expected a whole number from 0 to 3)"}
    assert "benefits.B1" not in [m["path"] for m in data["mapped"]]


def test_merged_cells_and_label_in_a_merged_range(tmp_path, forms):
    def merge(wb):
        ws = wb["Perustiedot"]
        ws.insert_cols(2)  # labels now span A:B, values move to C
        for r in range(3, 14):
            ws.merge_cells(f"A{r}:B{r}")
        wb["Esteet"].merge_cells("C2:D2")
    a, _r = _import(_edit(FI_V2, tmp_path / "x.xlsx", merge), forms)
    assert a.title("fi") == "Rakennuslupapäätökset"
    assert a.costs.day_rate_eur == 500
    assert a.gates["G1"].value == "no"
    assert _scores(a, forms) == _want("example_1_fi_v2.xlsx")


def test_a_row_without_id_is_matched_by_its_text(tmp_path, forms):
    def no_id(wb):
        wb["Nyttor"]["A4"] = None
        wb["Nyttor"]["B4"] = "ekonomiskt VÄRDE: möjliggör nya tjänster eller affärer"
    a, r = _import(_edit(SV, tmp_path / "x.xlsx", no_id), forms)
    assert a.benefits["B3"].value == 3
    assert {"what": "matched_by_text", "sheet": "Nyttor", "cell": "Nyttor!B4",
            "item": "B3"} in r.sheets


def test_a_duplicate_row_is_reported_and_ignored(tmp_path, forms):
    def dup(wb):
        wb["Hinder"].append(["G1", "igen", "Ja"])
    a, r = _import(_edit(SV, tmp_path / "x.xlsx", dup), forms)
    assert a.gates["G1"].value == "unknown"
    assert [(p.location, p.code, p.params) for p in r.unreadable] == [
        ("Hinder!A6", "legacy_duplicate_item", {"item": "G1", "first": "Hinder!A2"})]


def test_a_missing_sheet_is_reported(tmp_path, forms):
    def drop(wb):
        del wb["Kostnader"]
    a, r = _import(_edit(SV, tmp_path / "x.xlsx", drop), forms)
    assert a.costs.lines == {}
    assert {"what": "section", "section": "costs", "looked_for": "Kostnader"} in r.not_found


def test_missing_items_are_reported(tmp_path, forms):
    def drop(wb):
        wb["Risker"].delete_rows(9, 2)  # R8 and R9
    a, r = _import(_edit(SV, tmp_path / "x.xlsx", drop), forms)
    assert set(a.risks) == {f"R{i}" for i in range(1, 8)}
    assert [n for n in r.not_found if n["what"] == "item"] == [
        {"what": "item", "path": "risks.R8"}, {"what": "item", "path": "risks.R9"}]


# --- files that cannot be imported ----------------------------------------------------------

def _error(capsys, path: Path, tmp_path: Path) -> tuple[int, str]:
    code, _, err = _run(capsys, "import-excel", str(path), "-o", str(tmp_path / "o.hrk.json"))
    return code, err


def test_a_csv_renamed_to_xlsx(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_text("Nro;Kysymys;Vastaus\nG1;Salassa?;Ei\n", encoding="utf-8")
    assert _error(capsys, book, tmp_path) == (2, (
        f"{book}: $: a text file (CSV), not an Excel workbook (expected .xlsx: open the CSV in "
        "Excel or LibreOffice and save it as Excel Workbook, .xlsx)\n"))


def test_an_xls_renamed_to_xlsx(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                     + "Workbook".encode("utf-16-le") + b"\0" * 1000)
    assert _error(capsys, book, tmp_path) == (2, (
        f"{book}: $: an old Excel 97-2003 workbook (.xls), not .xlsx (expected .xlsx: open it "
        "in Excel or LibreOffice and save it as Excel Workbook, .xlsx)\n"))


def test_an_encrypted_workbook(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                     + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000)
    code, err = _error(capsys, book, tmp_path)
    assert code == 2
    assert err == (f"{book}: $: the workbook is password-protected (expected a workbook "
                   "without a password: open it in Excel, remove the password under File > "
                   "Info > Protect Workbook and save it as .xlsx)\n")


def test_an_empty_file(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_bytes(b"")
    assert _error(capsys, book, tmp_path) == (
        2, f"{book}: $: the file is empty (expected an Excel workbook, .xlsx)\n")


def test_a_damaged_zip(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_bytes(FI_V2.read_bytes()[:3000])
    code, err = _error(capsys, book, tmp_path)
    assert code == 2
    assert err == (f"{book}: $: damaged file: File is not a zip file (expected an undamaged "
                   ".xlsx file: copy or download it again, or open it in Excel and save it "
                   "again)\n")


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    shutil.copy(FI_V2, book)
    with zipfile.ZipFile(book, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/bomb.bin", b"\0" * (101 * 1024 * 1024))
    assert _error(capsys, book, tmp_path) == (2, (
        f"{book}: $: the workbook expands to too much data, possibly a zip bomb (expected at "
        "most 100 MB uncompressed)\n"))


def test_a_zip_that_is_not_a_workbook(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert _error(capsys, book, tmp_path) == (
        2, f"{book}: $: a zip file but not an Excel workbook (expected an .xlsx file)\n")


def test_a_workbook_with_no_known_layout(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Budjetti"
    wb.active["A1"] = "Menot"
    wb.save(book)
    code, err = _error(capsys, book, tmp_path)
    assert code == 2
    assert err == (
        f"{book}: $: no known HRK layout found (looked for fi_v1: sheet HRK-arviointi with "
        "ESTEET, HYÖDYT, RISKIT, KUSTANNUKSET (€); fi_v2: sheets Perustiedot, Esteet, Hyödyt, "
        "Riskit, Kustannukset; sv: sheets Grunduppgifter, Hinder, Nyttor, Risker, "
        "Kostnader)\n")


def test_a_workbook_with_no_cells(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(book)
    assert _error(capsys, book, tmp_path) == (2, (
        f"{book}: $: the workbook has no filled cells (expected an HRK assessment workbook)\n"))


def test_errors_in_finnish(tmp_path, capsys):
    book = tmp_path / "x.xlsx"
    book.write_bytes(b"")
    code, _, err = _run(capsys, "import-excel", str(book), "-o", str(tmp_path / "o.hrk.json"),
                        "--lang", "fi")
    assert (code, err) == (2, f"{book}: $: tiedosto on tyhjä (odotettiin Excel-työkirjaa, "
                              ".xlsx)\n")


# --- batches --------------------------------------------------------------------------------

def test_a_folder_imports_each_workbook_and_reports_each(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in (FI_V2, SV, FI_V1):
        shutil.copy(p, folder / p.name)
    (folder / "broken.xlsx").write_bytes(b"")
    (folder / "notes.txt").write_text("not a workbook", encoding="utf-8")
    out = tmp_path / "out"
    code, _stdout, err = _run(capsys, "import-excel", str(folder), "-o", str(out),
                             "--report", str(tmp_path / "r.json"))
    assert code == 2
    assert err == (f"{folder / 'broken.xlsx'}: $: the file is empty (expected an Excel "
                   "workbook, .xlsx)\n")
    assert sorted(p.name for p in out.iterdir()) == [
        "example_1_fi_v2.hrk.json", "example_2_sv.hrk.json", "example_3_fi_v1.hrk.json"]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(d["file"], d["status"]) for d in data] == [
        (str(folder / "broken.xlsx"), "error"),
        (str(folder / "example_1_fi_v2.xlsx"), "imported"),
        (str(folder / "example_2_sv.xlsx"), "imported"),
        (str(folder / "example_3_fi_v1.xlsx"), "imported")]


def test_several_files_need_an_output_folder(tmp_path, capsys):
    code, _, err = _run(capsys, "import-excel", str(FI_V2), str(SV), "-o",
                        str(tmp_path / "a.hrk.json"))
    assert (code, err) == (2, f"{tmp_path / 'a.hrk.json'}: $: several workbooks need an output "
                              "folder (expected -o FOLDER for 2 workbooks)\n")


def test_an_existing_output_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "a.hrk.json"
    assert _run(capsys, "import-excel", str(FI_V2), "-o", str(out))[0] == 0
    code, _, err = _run(capsys, "import-excel", str(FI_V2), "-o", str(out))
    assert (code, err) == (2, f"{out}: $: file already exists (expected a new file name, or "
                              "--force to overwrite)\n")


# --- the mapping files ----------------------------------------------------------------------

def test_a_broken_mapping_file_names_the_file_and_path(forms_copy, capsys, tmp_path):
    def spoil(data):
        data["sections"]["risks"]["columns"]["likelyhood"] = {"headers": ["X"]}
        data["items"]["B99"] = ["Ei ole"]
    folder = forms_copy("legacy/fi_v2.yaml", spoil)
    code, _, err = _run(capsys, "import-excel", str(FI_V2), "-o", str(tmp_path / "a.hrk.json"),
                        "--forms", str(folder))
    assert code == 2
    assert err == (f"{folder / 'legacy' / 'fi_v2.yaml'}: $.sections.risks.columns.likelyhood: "
                   "no such key in a layout file (expected the keys described in "
                   "hrk_workbench/legacy/mapping.py)\n")


def test_a_mapping_with_an_unknown_item_id(forms_copy, capsys, tmp_path):
    folder = forms_copy("legacy/sv.yaml", lambda d: d["items"].update({"B99": ["Inte"]}))
    code, _, err = _run(capsys, "import-excel", str(SV), "-o", str(tmp_path / "a.hrk.json"),
                        "--forms", str(folder))
    assert (code, err) == (2, f"{folder / 'legacy' / 'sv.yaml'}: $.items.B99: no question B99 "
                              "in hrk.yaml (expected an id of a gate, benefit, risk or cost "
                              "item)\n")


def test_the_shipped_mappings_are_valid(forms):
    assert sorted(lay.id for lay in load_layouts(forms)) == ["fi_v1", "fi_v2", "sv"]
