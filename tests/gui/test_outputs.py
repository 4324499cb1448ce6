"""The Outputs step, driven through its widgets: live memo preview, metadata readiness, exports.

Every expected text is taken from the core (the memo's language, the recommendation's label,
the CKAN refusal), so the tests check that the page shows what the core says, not a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel

from hrk_workbench.decision.summary import summarise
from hrk_workbench.foundations.i18n import label, render_problem
from hrk_workbench.gui.document import render_problems
from hrk_workbench.metadata.export import ckan_refusal
from hrk_workbench.metadata.record import build_record
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
HEALTH = ROOT / "examples" / "health-research.hrk.json"
WAIT_MS = 15_000


def _outputs(make_window: Callable[..., Any], qtbot: Any, example: Path,
             lang: str = "en") -> Any:
    window = make_window(lang)
    assert window.open_path(str(example), ask=False)
    window.go_to_step("outputs")
    page = window.pages["outputs"]
    title = load_assessment(example).dataset.title[lang]
    qtbot.waitUntil(lambda: title in page.preview.toPlainText(), timeout=WAIT_MS)
    return window, page


def _save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Answer the save dialog with ``path``; returns the list of dialog titles asked."""
    asked: list[str] = []

    def fake(parent: Any, title: str, *args: Any, **kw: Any) -> tuple[str, str]:
        asked.append(title)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def _export(qtbot: Any, page: Any, key: str) -> None:
    with qtbot.waitSignal(page.exported, timeout=WAIT_MS):
        qtbot.mouseClick(page.buttons[key], Qt.MouseButton.LeftButton)


def test_preview_follows_the_language(make_window: Any, qtbot: Any, forms: Any) -> None:
    window, page = _outputs(make_window, qtbot, BIKES)
    assessment = load_assessment(BIKES)
    outcome = summarise(assessment, forms).recommendation.outcome
    text = page.preview.toPlainText()
    assert assessment.dataset.title["en"] in text
    assert label(outcome, "en", forms) in text

    window.set_language("fi")
    fi_title = assessment.dataset.title["fi"]
    fi_outcome = label(outcome, "fi", forms)  # the title alone: the memo names both titles
    qtbot.waitUntil(lambda: fi_outcome in page.preview.toPlainText(), timeout=WAIT_MS)
    text = page.preview.toPlainText()
    assert fi_title in text
    assert page.buttons["memo_pdf"].text() == window.t("gui_out_memo_pdf")
    # the risk matrix figure is shown as an image, not as the SVG's loose labels
    assert "hrk-figure-0.png" in page.preview.toHtml()


def test_every_control_is_named_as_it_reads(make_window: Any, qtbot: Any) -> None:
    _window, page = _outputs(make_window, qtbot, BIKES, lang="sv")
    for button in page.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            assert button.accessibleName() == button.text().replace("&", "")
    assert page.preview.accessibleName() == page.preview_label.text()
    assert page.readiness_list.accessibleName() == page.readiness_label.text()
    assert all(not lab.text().startswith("gui_") for lab in page.findChildren(QLabel))


def test_pdf_export_reads_back(make_window: Any, qtbot: Any, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    pypdf = pytest.importorskip("pypdf")
    window, page = _outputs(make_window, qtbot, BIKES)
    target = tmp_path / "memo.pdf"
    asked = _save_to(monkeypatch, target)
    _export(qtbot, page, "memo_pdf")
    assert asked
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(target)).pages)
    assert "City bike trips" in " ".join(text.split())
    assert str(target) in window.statusBar().currentMessage()
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_turtle_export_parses(make_window: Any, qtbot: Any, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    rdflib = pytest.importorskip("rdflib")
    _window, page = _outputs(make_window, qtbot, BIKES)
    target = tmp_path / "record"  # no suffix given: the format's is added
    _save_to(monkeypatch, target)
    _export(qtbot, page, "meta_turtle")
    graph = rdflib.Graph().parse(str(tmp_path / "record.ttl"), format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    datasets = list(graph.subjects(rdflib.RDF.type, dcat.Dataset))
    assert len(datasets) == 1
    titles = {str(t) for t in graph.objects(datasets[0], rdflib.DCTERMS.title)}
    assert "City bike trips" in titles
    assert "record.ttl" in page.result_label.text()


def test_ckan_for_data_that_is_not_open_is_refused(make_window: Any, qtbot: Any, dialogs: Any,
                                                   tmp_path: Path, forms: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _window, page = _outputs(make_window, qtbot, HEALTH)
    out = tmp_path / "out"
    out.mkdir()
    asked = _save_to(monkeypatch, out / "package.json")
    with qtbot.waitSignal(page.exportFailed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(page.buttons["meta_ckan"], Qt.MouseButton.LeftButton)
    refusal = ckan_refusal(build_record(load_assessment(HEALTH), forms), "en", forms)
    expected = render_problems([refusal], "en", forms)[0]  # as the app says it: no path
    assert failed.args[0] == [expected] and "decision.outcome" not in expected
    assert dialogs.shown and dialogs.shown[-1]["text"] == expected
    assert not asked  # refused before asking where
    assert list(out.iterdir()) == []


def test_unwritable_folder_is_reported(make_window: Any, qtbot: Any, dialogs: Any,
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _window, page = _outputs(make_window, qtbot, BIKES)
    _save_to(monkeypatch, tmp_path / "missing" / "memo.md")
    with qtbot.waitSignal(page.exportFailed, timeout=WAIT_MS):
        qtbot.mouseClick(page.buttons["memo_md"], Qt.MouseButton.LeftButton)
    assert "memo.md" in dialogs.shown[-1]["text"]
    assert not (tmp_path / "missing").exists()


def test_readiness_lists_what_the_catalogue_needs(make_window: Any, qtbot: Any,
                                                  forms: Any) -> None:
    _window, page = _outputs(make_window, qtbot, HEALTH)
    qtbot.waitUntil(lambda: page.readiness is not None and not page.busy(), timeout=WAIT_MS)
    items = [page.readiness_list.item(i).text() for i in range(page.readiness_list.count())]
    refusal = ckan_refusal(build_record(load_assessment(HEALTH), forms), "en", forms)
    assert any(render_problems([refusal], "en", forms)[0].endswith(text) or
               render_problem(refusal, "en", forms).endswith(text) for text in items)
    assert "dcat-ap-3.0.1" in page.readiness_status.text()


def test_ckan_with_empty_required_fields_writes_nothing(make_window: Any, qtbot: Any,
                                                        dialogs: Any, tmp_path: Path,
                                                        forms: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An open dataset whose Finnish description is missing: the portal would refuse the
    package, so the app lists what is missing (as `metadata --format ckan` does) and writes
    no file."""
    from hrk_workbench.metadata.export import ckan_blockers

    doc = load_assessment(BIKES)
    doc.dataset.description.pop("fi", None)
    path = tmp_path / "bikes.hrk.json"
    path.write_text(doc.model_dump_json(), encoding="utf-8")
    blockers = ckan_blockers(build_record(load_assessment(path), forms), forms, "en")
    assert blockers, "the example must lack a required CKAN field for this test"
    _window, page = _outputs(make_window, qtbot, path)
    out = tmp_path / "out"
    out.mkdir()
    _save_to(monkeypatch, out / "package.json")
    with qtbot.waitSignal(page.exportFailed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(page.buttons["meta_ckan"], Qt.MouseButton.LeftButton)
    assert failed.args[0] == render_problems(blockers, "en", forms)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("key", "layout_id"), [("excel_fi_v2", "fi_v2"), ("excel_sv", "sv")])
def test_excel_export_writes_what_the_command_writes_and_says_what_is_left_out(
        make_window: Any, qtbot: Any, dialogs: Any, tmp_path: Path, forms: Any,
        monkeypatch: pytest.MonkeyPatch, key: str, layout_id: str) -> None:
    """Outputs → Excel writes the legacy workbook export-excel writes (the same cells), and
    the losses the command prints are shown, in the app's language, in full."""
    import openpyxl

    from hrk_workbench.cli.program import main

    _window, page = _outputs(make_window, qtbot, BIKES, lang="fi")
    target = tmp_path / "book.xls"  # a wrong suffix: .xlsx is added
    _save_to(monkeypatch, target)
    with qtbot.waitSignal(page.exportWarned, timeout=WAIT_MS) as warned:
        qtbot.mouseClick(page.buttons[key], Qt.MouseButton.LeftButton)
    written = tmp_path / "book.xls.xlsx"
    qtbot.waitUntil(lambda: "book.xls.xlsx" in page.result_label.text(), timeout=WAIT_MS)
    cli_book = tmp_path / "cli.xlsx"
    assert main(["export-excel", str(BIKES), "-o", str(cli_book), "--layout", layout_id,
                 "--json", "--lang", "fi"]) == 0
    ours, theirs = openpyxl.load_workbook(written), openpyxl.load_workbook(cli_book)
    assert ours.sheetnames == theirs.sheetnames
    for a, b in zip(ours.worksheets, theirs.worksheets, strict=True):
        assert [[c.value for c in row] for row in a.iter_rows()] == \
               [[c.value for c in row] for row in b.iter_rows()], a.title
    assert warned.args[0] and all("asettelussa" in w for w in warned.args[0])
    box = dialogs.shown[-1]
    assert box["title"] == label("gui_out_excel_lost_title", "fi", forms)
    assert str(len(warned.args[0])) in box["text"]
