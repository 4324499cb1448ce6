"""File → Import Excel…: the workbook becomes an unsaved assessment and its report is shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hrk_workbench.cli.program import main
from hrk_workbench.gui.import_excel import import_path

DATA = Path(__file__).resolve().parent.parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def test_importing_a_workbook_shows_its_report_and_the_scores(
        make_window: Any, qtbot: Any, tmp_path: Path, capsys: Any) -> None:
    window = make_window(lang="fi")
    task = import_path(window, str(DATA / "example_1_fi_v2.xlsx"))
    qtbot.waitUntil(lambda: getattr(window, "import_report", None) is not None, timeout=10_000)
    assert task.done
    report = window.import_report.text.toPlainText()
    # the answers to add are listed, named as the app names them (no answer paths)
    assert "dataset.personal_data" not in report
    assert "lisää Aineisto: Sisältää henkilötietoja" in report
    assert window.document.is_dirty() and window.document.path is None
    expected = EXPECTED["example_1_fi_v2.xlsx"]
    assert window.summary.fields["benefit_score"].text() == str(expected["benefit_score"])
    # the same numbers as the command line gives on the saved result
    out = tmp_path / "imported.hrk.json"
    window.document.save(out)
    assert main(["score", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("benefit_score", "risk_scores", "cost_3y_eur", "recommendation"):
        assert data[key] == expected[key]


def test_a_file_that_is_no_workbook_opens_nothing_and_says_why(
        make_window: Any, qtbot: Any, tmp_path: Path, dialogs: Any) -> None:
    window = make_window()
    before = window.document.assessment
    fake = tmp_path / "old.xlsx"
    fake.write_text("id;value\nB1;3\n", encoding="utf-8")
    import_path(window, str(fake))
    qtbot.waitUntil(lambda: bool(dialogs.shown), timeout=10_000)
    assert window.document.assessment is before
    shown = dialogs.shown[-1]
    assert "old.xlsx" in shown["text"]
    assert "CSV" in shown["informative"]
