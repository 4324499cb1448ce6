"""Issue 23 point 10: ``export-excel`` writes the scores the app shows, labels every number,
sets column widths, and warns (stderr and --json, in --lang) what the layout cannot hold.

Workbooks are written through the CLI and read back with openpyxl; the expected scores are
what ``score --json`` prints for the same file (the core's ``summarise``, as the app's panel).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.foundations.i18n import label
from hrk_workbench.legacy.importer import import_workbook
from hrk_workbench.legacy.mapping import load_layouts
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
LAYOUTS = ("fi_v2", "sv")
NAMES = ("city-bike-trips", "social-assistance", "water-network", "street-trees-draft")


@pytest.fixture(autouse=True)
def _author(monkeypatch):
    monkeypatch.setenv("HRK_AUTHOR", "test")
    monkeypatch.delenv("HRK_LANG", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export(capsys, src: Path, book: Path, layout: str, *extra: str) -> tuple[str, str]:
    code, out, err = run(capsys, "export-excel", str(src), "-o", str(book), "--layout", layout,
                         *extra)
    assert code == 0, err
    return out, err


def scores(capsys, src: Path) -> dict:
    code, out, _ = run(capsys, "score", str(src), "--json")
    assert code == 0
    return json.loads(out)


def layout_of(forms, layout_id: str):
    return {lay.id: lay for lay in load_layouts(forms)}[layout_id]


def labelled_values(ws) -> dict[str, object]:
    """Every value in column B (or later) keyed by the text label in column A of its row."""
    found = {}
    for row in ws.iter_rows():
        if isinstance(row[0].value, str) and len(row) > 1 and row[1].value is not None:
            found[row[0].value] = row[1].value
    return found


@pytest.mark.parametrize("layout_id", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_the_summary_sheet_holds_the_scores_the_app_shows(tmp_path, capsys, forms, name,
                                                          layout_id):
    src = EXAMPLES / f"{name}.hrk.json"
    book = tmp_path / "b.xlsx"
    export(capsys, src, book, layout_id)
    expected = scores(capsys, src)
    layout = layout_of(forms, layout_id)
    lang = layout.language

    def lb(key: str) -> str:
        return label(key, lang, forms)

    summary = next(ig.names[0] for ig in layout.ignore_sheets if ig.why == "summary")
    ws = openpyxl.load_workbook(book)[summary]
    values = labelled_values(ws)
    assert values[lb("excel_benefit_score")] == expected["benefit_score"]
    assert values[lb("excel_benefit_level")] == lb(expected["benefit_level"])
    assert values[lb("excel_risk_profile")] == lb(expected["risk_profile"])
    assert values[lb("excel_cost_one_off")] == expected["cost_one_off_eur"]
    assert values[lb("excel_cost_yearly")] == expected["cost_yearly_eur"]
    total = lb("excel_cost_total").format(years=expected["cost_horizon_years"])
    assert values[total] == expected["cost_3y_eur"]
    assert values[lb("excel_cost_level")] == lb(expected["cost_level"])
    assert values[lb("heading_recommendation")] == lb(expected["recommendation"])
    # an open… outcome with its conditions, in the workbook's language, wrapped not cut
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    at = next((i for i, r in enumerate(rows) if r[0] == lb("heading_conditions")), None)
    said = [r[1] for r in rows[at:at + len(expected["conditions"])]] if at is not None else []
    assert len(said) == len(expected["conditions"])
    if expected["conditions"]:
        assert said and all(isinstance(t, str) and t for t in said)
        assert said == score_texts(capsys, src, lang)["conditions_text"]
        long = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and len(c.value) > 58]
        assert long and all(c.alignment.wrap_text for c in long)
    residual = {str(k).split(" ", 1)[0]: v for k, v in values.items()
                if str(k).split(" ", 1)[0] in expected["risk_scores"]}
    assert residual == expected["risk_scores"]
    # values, not formulas: a reader without a spreadsheet engine sees them too
    assert not any(isinstance(c.value, str) and c.value.startswith("=")
                   for row in ws.iter_rows() for c in row)


def score_texts(capsys, src: Path, lang: str) -> dict:
    code, out, _ = run(capsys, "score", str(src), "--json", "--lang", lang)
    assert code == 0
    return json.loads(out)


def numbers_without_labels(wb) -> list[str]:
    """Cells holding a number, a date or a formula with no text label to their left in the
    same row and no text header above them in row 1."""
    bare = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                numeric = (isinstance(v, (int, float, dt.date)) and not isinstance(v, bool)) \
                    or (cell.data_type == "f")
                if not numeric:
                    continue
                left = [ws.cell(row=cell.row, column=c).value for c in range(1, cell.column)]
                header = ws.cell(row=1, column=cell.column).value
                if not any(isinstance(x, str) and x.strip() for x in left) and not (
                        cell.row > 1 and isinstance(header, str) and header.strip()
                        and ws.cell(row=1, column=cell.column).data_type == "s"):
                    bare.append(f"{ws.title}!{cell.coordinate}")
    return bare


@pytest.mark.parametrize("layout_id", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_number_has_a_label_and_every_column_a_width(tmp_path, capsys, name, layout_id):
    book = tmp_path / "b.xlsx"
    export(capsys, EXAMPLES / f"{name}.hrk.json", book, layout_id)
    wb = openpyxl.load_workbook(book)
    assert numbers_without_labels(wb) == []
    for ws in wb.worksheets:
        used = {c.column_letter for row in ws.iter_rows() for c in row if c.value is not None}
        for letter in used:
            width = ws.column_dimensions[letter].width
            assert width and width >= 8, (ws.title, letter)
        for cell in ws[1]:  # a header is never cut off (up to the 60-character cap)
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                assert ws.column_dimensions[cell.column_letter].width >= min(
                    len(cell.value), 58), (ws.title, cell.coordinate)


def test_what_the_layout_cannot_hold_is_warned_in_the_chosen_language(tmp_path, capsys):
    src = tmp_path / "a.hrk.json"
    src.write_bytes((EXAMPLES / "city-bike-trips.hrk.json").read_bytes())
    assert run(capsys, "set", str(src), "dataset.personal_data=true",
               "anonymisation.A2.value=yes", "licence.licence_id=CC-BY-4.0",
               "decision.outcome=open", "risks.R1.owner=Kaisa")[0] == 0
    book = tmp_path / "b.xlsx"
    out, err = export(capsys, src, book, "fi_v2")
    for path in ("dataset.personal_data", "anonymisation", "licence", "decision",
                 "risks.R1.owner", "channel", "quality", "dataset.title"):
        assert any(line.startswith(f"{src}: {path}: warning: layout fi_v2 has no place for")
                   for line in err.splitlines()), path
    assert "whether the data holds personal data" in err
    assert "the anonymisation answers" in err and "the decision" in err
    assert out.strip() == f"{src} → {book} (layout fi_v2)"

    out, err = export(capsys, src, book, "sv", "--force", "--lang", "fi")
    assert "asettelussa sv ei ole paikkaa tälle: anonymisointivastaukset" in err
    assert "varoitus" in err and "(asettelu sv)" in out

    out, err = export(capsys, src, book, "fi_v2", "--force", "--json", "--lang", "sv")
    assert err == ""
    data = json.loads(out)
    problems = {p["path"]: p for p in data["problems"]}
    assert {"dataset.personal_data", "anonymisation", "licence", "decision"} <= set(problems)
    assert all(p["level"] == "warning" and p["code"] == "legacy_export_not_held"
               for p in problems.values())
    assert problems["licence"]["message"].startswith("varning: layouten fi_v2 har ingen plats")
    assert problems["licence"]["message"].count("licensen") == 1
    expected = scores(capsys, src)
    assert data["scores"]["benefit_score"] == expected["benefit_score"]
    assert data["scores"]["risk_scores"] == expected["risk_scores"]


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_a_workbook_that_holds_everything_gets_no_warning(tmp_path, capsys, forms, layout_id):
    src = tmp_path / "a.hrk.json"
    assert run(capsys, "import-excel", str(DATA / "example_1_fi_v2.xlsx"), "-o", str(src))[0] \
        == 0
    out, err = export(capsys, src, tmp_path / "b.xlsx", layout_id)
    assert err == "", err
    out, err = export(capsys, src, tmp_path / "b.xlsx", layout_id, "--force", "--json")
    assert json.loads(out)["problems"] == [] and err == ""


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_the_exported_example_imports_back_with_the_same_scores(tmp_path, capsys, forms,
                                                                layout_id):
    src = EXAMPLES / "social-assistance.hrk.json"
    book = tmp_path / "b.xlsx"
    export(capsys, src, book, layout_id)
    again, report = import_workbook(book, forms)
    assert report.layout == layout_id and report.unreadable == []
    before = load_assessment(src)
    for part in ("gates", "benefits", "risks"):
        assert {k: v.model_dump(exclude={"owner", "comment"} if part == "risks" else set())
                for k, v in getattr(again, part).items()} == {
            k: v.model_dump(exclude={"owner", "comment"} if part == "risks" else set())
            for k, v in getattr(before, part).items()}
    back = tmp_path / "again.hrk.json"
    assert run(capsys, "import-excel", str(book), "-o", str(back))[0] == 0
    first, second = scores(capsys, src), scores(capsys, back)
    for key in ("benefit_score", "risk_scores", "cost_3y_eur"):
        assert first[key] == second[key], key
    # and the re-imported file exports the same summary sheet
    layout = layout_of(forms, layout_id)
    summary = next(ig.names[0] for ig in layout.ignore_sheets if ig.why == "summary")
    book2 = tmp_path / "c.xlsx"
    export(capsys, back, book2, layout_id)
    sheets = [labelled_values(openpyxl.load_workbook(b)[summary]) for b in (book, book2)]
    # the scores survive; the recommendation does not (personal data and the anonymisation
    # answers are not in the workbook, as the export warned), so it is left out here
    for sheet in sheets:  # (and its conditions with it)
        sheet.pop(label("heading_recommendation", layout.language, forms))
        sheet.pop(label("heading_conditions", layout.language, forms), None)
    assert sheets[0] == sheets[1]
    assert sheets[0][label("excel_benefit_score", layout.language, forms)] == \
        first["benefit_score"]


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_every_warned_path_is_an_answer_path_that_holds_the_lost_value(tmp_path, capsys,
                                                                       layout_id):
    """A warning names the answer as `set` and `validate` name it (costs.lines.C1.comment,
    not costs.C1.comment), and the file holds a value there: the steward can look it up."""
    from hrk_workbench.model.edit import _get, split_path

    src = tmp_path / "a.hrk.json"
    src.write_bytes((EXAMPLES / "city-bike-trips.hrk.json").read_bytes())
    assert run(capsys, "set", str(src), "costs.lines.C1.one_off_days=2",
               "costs.lines.C1.comment=two days of a developer", "risks.R1.owner=Kaisa",
               "gates.G1.comment=checked with the lawyer")[0] == 0
    out, _ = export(capsys, src, tmp_path / "b.xlsx", layout_id, "--json")
    paths = [p["path"] for p in json.loads(out)["problems"] if p["path"] != "$"]
    assert paths
    data = load_assessment(src).model_dump(mode="json")
    for path in paths:
        assert _get(data, split_path(path)) not in (None, "", [], {}), path
    lost_comment = [p for p in paths if p.endswith("C1.comment")]
    assert lost_comment == ["costs.lines.C1.comment"]  # the layouts have no cost comments
