"""Legacy import keeps Excel cell comments (issue 32, point 9): a note on a question's row
becomes that answer's comment (after any comment the sheet's own column gave), a note on a
described field's row the dataset's comment, and every other note is listed as not imported,
in the report's text (en/fi/sv) and JSON; the app's report names questions, never answer
paths. Workbooks are real .xlsx files with openpyxl cell comments."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from hrk_workbench.cli.program import main
from hrk_workbench.forms.loader import load_forms
from hrk_workbench.legacy.importer import import_workbook
from hrk_workbench.legacy.report import app_words, report_lines, summary_text
from hrk_workbench.model.store import load_assessment

DATA = Path(__file__).resolve().parent / "data"


def annotated_workbook(tmp_path: Path) -> Path:
    """The Finnish v2 example with notes on a gate, a risk's score cell, a cost amount, the
    title's row, a header and the instructions sheet."""
    wb = openpyxl.load_workbook(DATA / "example_1_fi_v2.xlsx")
    wb["Esteet"]["C2"].comment = Comment("Tarkistettu lakimiehen kanssa 3/2024.", "Maija")
    wb["Riskit"]["C3"].comment = Comment("Maija:\nArvio tehty ennen suppressiota.", "Maija")
    wb["Kustannukset"]["D2"].comment = Comment("Tarjous liitteenä.", "")
    wb["Perustiedot"]["B3"].comment = Comment("Nimi rekisteriselosteen mukaan.", "Kalle")
    wb["Hyödyt"]["C1"].comment = Comment("Asteikko muuttui 2023.", "Kalle")
    wb["Ohjeet"]["A1"].comment = Comment("Vanha ohje, älä muuta.", "")
    path = tmp_path / "vanha_arviointi.xlsx"
    wb.save(path)
    return path


def test_notes_become_answer_comments_or_are_listed(tmp_path: Path, capsys) -> None:
    book = annotated_workbook(tmp_path)
    out = tmp_path / "tuotu.hrk.json"
    report = tmp_path / "raportti.json"
    assert main(["import-excel", str(book), "-o", str(out), "--report", str(report),
                 "--lang", "fi"]) == 0
    a = load_assessment(out)
    assert a.gates["G1"].comment == "Maija: Tarkistettu lakimiehen kanssa 3/2024."
    assert a.gates["G1"].value == "no"  # the answer itself unchanged
    # Excel's own "Author:" start is not doubled
    assert a.risks["R2"].comment == "Maija:\nArvio tehty ennen suppressiota."
    assert a.risks["R2"].mitigation == "Suppressio < 5 havaintoa"
    assert a.costs.lines["C1"].comment == "Tarjous liitteenä."
    assert a.dataset.comment == "Kalle: Nimi rekisteriselosteen mukaan."
    data = json.loads(report.read_text(encoding="utf-8"))
    entry = data[0] if isinstance(data, list) else data
    assert entry["counts"]["comments"] == 4 and entry["counts"]["comments_not_imported"] == 2
    assert {c["cell"] for c in entry["comments_not_imported"]} == {"C1", "A1"}
    assert {c["sheet"] for c in entry["comments_not_imported"]} == {"Hyödyt", "Ohjeet"}
    text = capsys.readouterr()
    printed = text.out + text.err
    assert "Excel-kommenttia ei tuotu" in printed and "Asteikko muuttui 2023." in printed


def test_a_sheet_comment_and_a_note_are_both_kept(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(DATA / "example_1_fi_v2.xlsx")
    wb["Hyödyt"]["D2"] = "Tietopyyntöjä 40 vuodessa"
    wb["Hyödyt"]["C2"].comment = Comment("Luku vuodelta 2023.", "Kalle")
    path = tmp_path / "b.xlsx"
    wb.save(path)
    a, _report = import_workbook(path, load_forms())
    assert a.benefits["B1"].comment == "Tietopyyntöjä 40 vuodessa\nKalle: Luku vuodelta 2023."


def test_a_workbook_without_notes_reports_none(tmp_path: Path) -> None:
    _a, report = import_workbook(DATA / "example_1_fi_v2.xlsx", load_forms())
    assert report.comments == [] and report.comments_not_imported == []


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_apps_report_names_questions_not_paths(tmp_path: Path, lang: str) -> None:
    forms = load_forms()
    _a, report = import_workbook(annotated_workbook(tmp_path), forms)
    lines = report_lines(report, lang, forms, app_words(forms, lang))
    text = "\n".join(lines)
    for path in ("gates.G1", "dataset.", "costs.lines", "risks.R2", "participants[",
                 "created", "day_rate_eur", ".comment", ".value"):
        assert path not in text, (lang, path)
    assert lines[0] == summary_text(report, lang, forms)
    assert str(tmp_path) not in lines[0]
    g1 = forms.question_text("G1", lang)
    assert g1 in text
    # the command line keeps answer paths: they are what set takes
    assert "gates.G1.value" in "\n".join(report_lines(report, lang, forms))
