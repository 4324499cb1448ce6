"""Risks, Costs and Portfolio pages driven as a steward would: keys, clicks, double-clicks.

Every figure a page shows is compared with what the command line computes on the saved file
(``score --json``, ``portfolio --json``), so the app and the CLI can never disagree.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_eur, format_number
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.costs import CostsPage
from hrk_workbench.gui.pages.portfolio import COL_RANK, PortfolioPage
from hrk_workbench.gui.pages.risks import COL_RESIDUAL, COL_SCORE, RisksPage
from hrk_workbench.model.assessment import Assessment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    """Run the CLI in-process and parse its JSON output."""
    capsys.readouterr()
    code = cli_main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def choose(qtbot: Any, combo: QComboBox, value: int) -> None:
    """Pick a scale point with the keyboard: typing "3" jumps to "3 — Possible" (one edit)."""
    combo.setFocus()
    qtbot.keyClicks(combo, str(value))
    assert combo.currentData() == value, f"{value} not offered by {combo.accessibleName()}"


def type_into(qtbot: Any, field: QLineEdit, text: str) -> None:
    """Replace a field's text by typing, then Enter (as a user commits a number)."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


@pytest.fixture
def document(forms: Forms, qtbot: Any) -> Document:
    return Document(forms, Assessment(language="en"), lang="en")


@pytest.fixture
def risks_page(document: Document, qtbot: Any) -> RisksPage:
    page = RisksPage(document)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def costs_page(document: Document, qtbot: Any) -> CostsPage:
    page = CostsPage(document)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


# --- risks ----------------------------------------------------------------------------------

def test_risk_table_edits_score_as_the_cli_does(risks_page: RisksPage, document: Document,
                                                qtbot: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    likelihood = risks_page.editor("R2", "likelihood")
    assert likelihood.accessibleName() == "R2 likelihood"
    assert "3 — Possible" in [likelihood.itemText(i) for i in range(likelihood.count())]
    choose(qtbot, likelihood, 3)
    choose(qtbot, risks_page.editor("R2", "impact"), 4)
    choose(qtbot, risks_page.editor("R2", "residual_likelihood"), 1)
    choose(qtbot, risks_page.editor("R2", "residual_impact"), 2)
    mitigation = risks_page.editor("R2", "mitigation")
    assert isinstance(mitigation, QLineEdit)
    type_into(qtbot, mitigation, "Aggregate to postcode areas")

    path = tmp_path / "r.hrk.json"
    document.save(path)
    code, score = cli_json(capsys, "score", str(path), "--json")
    assert code == 0
    r2 = next(r for r in score["risks"] if r["id"] == "R2")
    assert (r2["likelihood"], r2["impact"], r2["score"]) == (3, 4, 12)
    assert score["risk_scores"]["R2"] == r2["residual_score"] == 2
    row = risks_page.risk_ids.index("R2")
    assert risks_page.table.item(row, COL_SCORE).text() == f"12 ({r2['level']})"
    assert risks_page.table.item(row, COL_RESIDUAL).text() == f"2 ({r2['residual_level']})"
    assert document.summary_json()["risk_profile"] == score["risk_profile"]
    assert document.assessment.risks["R2"].mitigation == "Aggregate to postcode areas"


def test_heat_map_places_risk_and_a_click_selects_it(risks_page: RisksPage, qtbot: Any) -> None:
    choose(qtbot, risks_page.editor("R2", "likelihood"), 3)
    choose(qtbot, risks_page.editor("R2", "impact"), 4)
    choose(qtbot, risks_page.editor("R5", "likelihood"), 1)
    choose(qtbot, risks_page.editor("R5", "impact"), 1)
    heatmap = risks_page.heatmap
    assert heatmap.risks_at(3, 4) == ["R2"]
    assert "R2: 3×4" in heatmap.accessibleDescription()

    with qtbot.waitSignal(heatmap.cellClicked) as clicked:
        qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton,
                         pos=heatmap.cell_center(3, 4).toPoint())
    assert clicked.args == [3, 4]
    assert risks_page.selected_risks() == ["R2"]

    # after mitigation: an arrow to the residual cell, which selects the same risk
    choose(qtbot, risks_page.editor("R2", "residual_likelihood"), 1)
    choose(qtbot, risks_page.editor("R2", "residual_impact"), 1)
    assert "R2: 3×4 → 1×1" in heatmap.accessibleDescription()
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(1, 1).toPoint())
    assert risks_page.selected_risks() == ["R2", "R5"]
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(5, 5).toPoint())
    assert risks_page.selected_risks() == []

    # the keyboard does the same: arrows move the cell cursor, Space selects
    heatmap.setFocus()
    heatmap._focus_cell = (1, 1)
    qtbot.keyClick(heatmap, Qt.Key.Key_Space)
    assert risks_page.selected_risks() == ["R2", "R5"]


def test_undo_restores_the_risk_answer(risks_page: RisksPage, document: Document,
                                       qtbot: Any) -> None:
    combo = risks_page.editor("R3", "likelihood")
    choose(qtbot, combo, 2)
    choose(qtbot, risks_page.editor("R3", "impact"), 5)
    assert document.summary_json()["risk_scores"]["R3"] == 10
    assert risks_page.heatmap.risks_at(2, 5) == ["R3"]
    document.undo_stack.undo()
    assert document.assessment.risks["R3"].impact is None
    assert risks_page.editor("R3", "impact").currentData() is None
    assert "R3" not in document.summary_json()["risk_scores"]
    assert risks_page.heatmap.risks_at(2, 5) == []
    document.undo_stack.undo()
    assert combo.currentData() is None
    assert "R3" not in document.assessment.risks
    document.undo_stack.redo()
    assert combo.currentData() == 2


def test_risks_page_speaks_finnish_and_swedish(risks_page: RisksPage,
                                               document: Document) -> None:
    document.set_language("fi")
    assert risks_page.editor("R2", "likelihood").accessibleName() == "R2 todennäköisyys"
    assert risks_page.heatmap.accessibleName() == "Riskien lämpökartta"
    assert risks_page.editor("R2", "likelihood").itemText(3) == "3 — Mahdollinen"
    document.set_language("sv")
    assert risks_page.editor("R2", "residual_impact").accessibleName() == \
        "R2 kvarstående konsekvens"
    assert risks_page.table.item(0, 0).text().startswith("R1 Direkt")


# --- costs ----------------------------------------------------------------------------------

def test_cost_edits_show_the_core_totals(costs_page: CostsPage, document: Document,
                                         qtbot: Any, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    days = costs_page.editor("C1", "one_off_days")
    assert days.accessibleName() == "C1 one-off days"
    type_into(qtbot, days, "5")
    type_into(qtbot, costs_page.editor("C5", "yearly_days"), "2.5")
    type_into(qtbot, costs_page.editor("C7", "yearly_eur"), "1200")
    rate = costs_page.day_rate.edit
    assert rate.text() == "" and "600" in rate.placeholderText()
    type_into(qtbot, rate, "700")

    path = tmp_path / "c.hrk.json"
    document.save(path)
    code, score = cli_json(capsys, "score", str(path), "--json")
    assert code == 0
    assert score["cost_3y_eur"] == 5 * 700 + 3 * (2.5 * 700 + 1200)
    euros = lambda v: format_eur(v, "en")  # noqa: E731
    assert costs_page.total_field("gui_cost_total_one_off").text() == \
        euros(score["cost_one_off_eur"])
    assert costs_page.total_field("gui_cost_total_yearly").text() == \
        euros(score["cost_yearly_eur"])
    horizon = costs_page.total_field("gui_cost_total_horizon")
    assert horizon.text() == euros(score["cost_3y_eur"])
    assert horizon.accessibleName() == "3-year cost"
    assert costs_page.total_field("gui_cost_level_caption").text() == \
        document.t(score["cost_level"])

    # clearing the day rate falls back to the form default, as the core says
    type_into(qtbot, rate, "")
    assert document.assessment.costs.day_rate_eur is None
    expected = document.summary().costs.total_eur
    assert expected == 5 * 600 + 3 * (2.5 * 600 + 1200)
    assert horizon.text() == euros(expected)


def test_undo_restores_a_cost_line(costs_page: CostsPage, document: Document,
                                   qtbot: Any) -> None:
    field = costs_page.editor("C2", "one_off_eur")
    type_into(qtbot, field, "800")
    assert document.summary().costs.one_off_eur == 800
    type_into(qtbot, field, "900")
    assert costs_page.total_field("gui_cost_total_one_off").text() == "900\u00a0€"
    document.undo_stack.undo()
    assert field.text() == "800"
    assert costs_page.total_field("gui_cost_total_one_off").text() == "800\u00a0€"
    document.undo_stack.redo()
    assert field.text() == "900"


def test_undo_of_a_cost_lines_first_edit_removes_the_line(
        costs_page: CostsPage, document: Document, qtbot: Any) -> None:
    type_into(qtbot, costs_page.editor("C2", "one_off_eur"), "800")
    document.undo_stack.undo()
    assert "C2" not in document.assessment.costs.lines
    assert costs_page.editor("C2", "one_off_eur").text() == ""
    assert costs_page.total_field("gui_cost_total_one_off").text() == "0\u00a0€"


# --- portfolio ------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three valid assessments and one broken file."""
    target = tmp_path / "portfolio"
    target.mkdir()
    for name in ("city-bike-trips", "air-quality", "social-assistance"):
        shutil.copy(EXAMPLES / f"{name}.hrk.json", target)
    (target / "broken.hrk.json").write_text('{"schema_version": 1, "risks": ',
                                            encoding="utf-8")
    return target


@pytest.fixture
def portfolio(document: Document, folder: Path, qtbot: Any) -> PortfolioPage:
    page = PortfolioPage(document)
    qtbot.addWidget(page)
    page.resize(1100, 750)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.load_folder(str(folder))
    return page


def test_portfolio_ranks_as_the_cli_and_lists_broken_files(
        portfolio: PortfolioPage, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = portfolio.rows()
    assert len(rows) == 4
    code, ranked = cli_json(capsys, "portfolio", str(folder), "--json")
    assert code == 2  # the broken file
    assert [r["path"] for r in rows[:3]] == [e["file"] for e in ranked["ranking"]]
    assert [r["col_rank"] for r in rows[:3]] == [str(e["rank"]) for e in ranked["ranking"]]
    for row, entry in zip(rows, ranked["ranking"], strict=False):
        assert row["col_title"] == entry["title"]
        assert row["col_benefit"].startswith(f"{entry['benefit_score']} ")
        assert row["col_cost"] == format_number(entry["cost_3y_eur"], "en")
    broken = rows[3]
    assert broken["path"].endswith("broken.hrk.json")
    assert broken["col_recommendation"] == "cannot be read"
    assert broken["gui_portfolio_col_problem"]  # the core's problem, in words
    assert any("broken.hrk.json" in line for line in ranked["errors"])
    # the chart has one bubble per usable file, labelled with its rank
    assert sorted(b.rank for b in portfolio.chart.bubbles()) == [1, 2, 3]
    assert portfolio.status.text() == "3 assessments ranked, 1 cannot be read."


def test_portfolio_table_sorts_and_double_click_opens(portfolio: PortfolioPage,
                                                      qtbot: Any) -> None:
    table = portfolio.table
    first = portfolio.rows()[0]["path"]
    table.sortItems(COL_RANK, Qt.SortOrder.DescendingOrder)
    assert portfolio.rows()[0]["path"].endswith("broken.hrk.json")
    table.sortItems(COL_RANK, Qt.SortOrder.AscendingOrder)
    rect = table.visualItemRect(table.item(0, COL_RANK))
    with qtbot.waitSignal(portfolio.openRequested) as opened:
        # a real double-click: press and release, then the double-click event
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [first]


def test_portfolio_bubble_double_click_opens(portfolio: PortfolioPage, qtbot: Any) -> None:
    chart = portfolio.chart
    target = portfolio.rows()[2]["path"]
    centre = chart.bubble_centre(target).toPoint()
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=centre)
    assert portfolio.table.item(portfolio.table.currentRow(), COL_RANK).data(
        Qt.ItemDataRole.UserRole + 1) == target
    with qtbot.waitSignal(portfolio.openRequested) as opened:
        qtbot.mouseDClick(chart, Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == [target]


def test_portfolio_relabels_in_finnish(portfolio: PortfolioPage, document: Document,
                                       qtbot: Any) -> None:
    with qtbot.waitSignal(portfolio.loaded, timeout=10_000):
        document.set_language("fi")
    rows = portfolio.rows()
    assert rows[3]["col_recommendation"] == "ei voi lukea"
    assert portfolio.table.horizontalHeaderItem(0).text() == document.t("col_rank")
    assert portfolio.chart.accessibleName() == "Arviointien hyöty ja riski"


def test_portfolio_says_which_reviews_are_due_as_the_cli_does(
        document: Document, folder: Path, qtbot: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An assessment decided over a year ago is due for review (issue 33, point 6): the
    app's Review column says so, for the same files the command's attention list names."""
    old = json.loads((folder / "air-quality.hrk.json").read_text(encoding="utf-8"))
    old["decision"]["date"] = "2024-01-15"
    old["decision"]["review_due"] = "2025-01-15"
    (folder / "air-quality.hrk.json").write_text(json.dumps(old), encoding="utf-8")
    page = PortfolioPage(document)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.load_folder(str(folder))
    review = {Path(r["path"]).name: r["gui_portfolio_col_review"] for r in page.rows()}
    assert review["air-quality.hrk.json"] == "2025-01-15 · review due"
    assert "review due" not in review["city-bike-trips.hrk.json"]
    _code, ranked = cli_json(capsys, "portfolio", str(folder), "--json")
    due = [Path(a["file"]).name for a in ranked["attention"] if a["review_is_due"]]
    assert due == ["air-quality.hrk.json"]
