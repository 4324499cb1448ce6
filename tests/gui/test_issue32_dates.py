"""Issue 32, point 6, through the widgets: dates as people write them (15.12.2026 in
Finnish; 2026-12-15 or 15.12.2026 in Swedish), a calendar to pick from, typed text never
erased on a refusal, and the recovery offer's time in the user's locale. The file keeps
ISO 8601 dates whatever the language."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from hrk_workbench.foundations.i18n import label
from hrk_workbench.gui.widgets.datefield import format_date, local_moment, parse_date

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"


def _field(window: Any, step: str, path: str) -> Any:
    window.go_to_step(step)
    return next(b for b in window.pages[step].bindings if b.path == path)


def _type(qtbot: Any, binding: Any, text: str) -> None:
    edit = binding.field.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _window(make_window: Any, lang: str, tmp_path: Path) -> Any:
    path = tmp_path / "a.hrk.json"
    shutil.copy(BIKES, path)
    window = make_window(lang)
    assert window.open_path(str(path), ask=False)
    return window


def test_finnish_date_is_read_shown_and_saved_as_iso(make_window: Any, qtbot: Any,
                                                      tmp_path: Path) -> None:
    window = _window(make_window, "fi", tmp_path)
    b = _field(window, "decision", "decision.date")
    _type(qtbot, b, "15.12.2026")
    assert window.document.assessment.decision.date == date(2026, 12, 15)
    assert b.field.edit.text() == "15.12.2026"
    assert not b.field.is_marked()
    window.document.save()
    saved = json.loads(Path(window.document.path).read_text(encoding="utf-8"))
    assert saved["decision"]["date"] == "2026-12-15"


@pytest.mark.parametrize("typed", ["2026-12-15", "15.12.2026"])
def test_swedish_takes_iso_and_dotted(make_window: Any, qtbot: Any, tmp_path: Path,
                                      typed: str) -> None:
    window = _window(make_window, "sv", tmp_path)
    b = _field(window, "dataset", "dataset.temporal_coverage.start")
    _type(qtbot, b, typed)
    assert window.document.assessment.dataset.temporal_coverage.start == date(2026, 12, 15)
    assert b.field.edit.text() == "2026-12-15"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_date_keeps_the_text_marked_with_the_reason(make_window: Any, qtbot: Any,
                                                       tmp_path: Path, forms: Any,
                                                       lang: str) -> None:
    window = _window(make_window, lang, tmp_path)
    before = window.document.assessment.decision.date
    b = _field(window, "decision", "decision.date")
    _type(qtbot, b, "31.2.2026")
    assert window.document.assessment.decision.date == before  # nothing stored
    assert b.field.edit.text() == "31.2.2026"  # nothing erased
    assert b.field.is_marked()
    example = label("gui_date_example", lang, forms)
    assert b.field.error.text() == label("gui_date_bad", lang, forms).format(example=example)
    assert b.field.edit.accessibleDescription() == b.field.error.text()
    # another answer changed meanwhile: the page refreshes, the typed text stays
    other = _field(window, "decision", "decision.decided_by")
    other.edit.setText("Maija Meikäläinen")
    other.edit.editingFinished.emit()
    assert b.field.edit.text() == "31.2.2026" and b.field.is_marked()
    # corrected: stored, mark gone
    _type(qtbot, b, "1.3.2026")
    assert window.document.assessment.decision.date == date(2026, 3, 1)
    assert not b.field.is_marked()


def test_a_date_the_core_refuses_stays_with_the_core_reason(make_window: Any, qtbot: Any,
                                                            tmp_path: Path) -> None:
    window = _window(make_window, "fi", tmp_path)
    start = _field(window, "dataset", "dataset.temporal_coverage.start")
    end = _field(window, "dataset", "dataset.temporal_coverage.end")
    _type(qtbot, start, "15.12.2026")
    stored_end = window.document.assessment.dataset.temporal_coverage.end
    _type(qtbot, end, "1.1.2020")  # before the start: the core refuses it
    assert window.document.assessment.dataset.temporal_coverage.end == stored_end
    assert end.field.edit.text() == "1.1.2020"
    assert end.field.is_marked()
    reason = end.field.error.text()
    assert reason and "dataset." not in reason and "temporal_coverage" not in reason
    assert label("gui_step_dataset", "fi", window.document.forms) in reason


def test_calendar_picks_a_date(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    window = _window(make_window, "fi", tmp_path)
    b = _field(window, "decision", "decision.date")
    assert b.field.edit.accessibleName() == \
        label("gui_dec_date", "fi", window.document.forms)
    assert b.field.button.accessibleName().startswith("Valitse kalenterista")
    qtbot.mouseClick(b.field.button, Qt.MouseButton.LeftButton)
    assert b.field.calendar.isVisible()
    assert b.field.calendar.locale().name().startswith("fi")
    b.field.calendar.clicked.emit(QDate(2026, 12, 24))
    assert not b.field.calendar.isVisible()
    assert window.document.assessment.decision.date == date(2026, 12, 24)
    assert b.field.edit.text() == "24.12.2026"


def test_language_switch_rewrites_the_date(make_window: Any, qtbot: Any,
                                           tmp_path: Path) -> None:
    window = _window(make_window, "fi", tmp_path)
    b = _field(window, "decision", "decision.date")
    _type(qtbot, b, "5.6.2026")
    window.document.set_language("sv")
    assert b.field.edit.text() == "2026-06-05"
    assert b.field.edit.placeholderText() == "ÅÅÅÅ-MM-DD"


def test_parse_and_format() -> None:
    assert parse_date("1.2.2026") == date(2026, 2, 1)
    assert parse_date("2026-2-1") == date(2026, 2, 1)
    assert parse_date("2026/02/01") is None and parse_date("29.2.2026") is None
    assert format_date(date(2026, 2, 1), "fi") == "1.2.2026"
    assert format_date("2026-02-01", "sv") == "2026-02-01"


def test_recovery_time_in_the_users_locale() -> None:
    moment = datetime(2026, 12, 15, 12, 5, tzinfo=UTC)
    fi = local_moment(moment, "fi")
    assert "15.12.2026" in fi and "2026-12-15" not in fi
    assert "15/12/2026" in local_moment(moment, "en")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_refused_number_stays_marked_with_the_reason(make_window: Any, qtbot: Any,
                                                       tmp_path: Path, lang: str) -> None:
    window = _window(make_window, lang, tmp_path)
    window.go_to_step("dataset")
    binding = next(b for b in window.pages["dataset"].bindings
                   if b.path == "dataset.record_count")
    before = window.document.assessment.dataset.record_count
    edit = binding.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "-5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.document.assessment.dataset.record_count == before
    assert edit.text() == "-5"  # nothing erased
    reason = edit.accessibleDescription()
    assert reason and edit.toolTip() == reason and edit.property("invalid")
    assert "dataset.record_count" not in reason
    assert label("gui_ds_record_count", lang, window.document.forms) in reason
    # another answer changes meanwhile: the typed text stays
    window.document.edit("dataset.size_mb", 12.5)
    assert edit.text() == "-5"
    # corrected with a space between thousands: stored, the mark gone
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "1 200")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.document.assessment.dataset.record_count == 1200
    assert edit.accessibleDescription() == "" and not edit.property("invalid")


def test_the_recovery_offer_says_its_time_in_finnish(make_window: Any, app_settings: Any,
                                                     dialogs: Any, tmp_path: Path) -> None:
    """A crash left unsaved work: the offer to restore it says when, as Finns write it."""
    from PySide6.QtWidgets import QMessageBox

    data = json.loads(BIKES.read_text(encoding="utf-8"))
    legacy = Path(app_settings.data_dir) / "recovery.hrk.json"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps(data), encoding="utf-8")
    written = datetime.fromtimestamp(legacy.stat().st_mtime).astimezone()
    dialogs.question_answer = QMessageBox.StandardButton.No
    window = make_window("fi")
    window.offer_restore()
    asked = next(d for d in dialogs.shown if d["kind"] == "question")
    assert f"{written.day}.{written.month}.{written.year}" in asked["text"]
    assert written.strftime("%Y-%m-%d") not in asked["text"]


def test_review_date_follows_the_decision_and_can_be_set(make_window: Any, qtbot: Any,
                                                         tmp_path: Path) -> None:
    """Issue 33, point 6, in the app: recording the decision's date fills in the review date
    a year later (forms/hrk.yaml); the steward may set another, as `set` may."""
    window = _window(make_window, "fi", tmp_path)
    decided = _field(window, "decision", "decision.date")
    review = _field(window, "decision", "decision.review_due")
    assert review.field.edit.accessibleName()
    _type(qtbot, decided, "2.3.2026")
    assert window.document.assessment.decision.review_due == date(2027, 3, 2)
    assert review.field.edit.text() == "2.3.2027"
    _type(qtbot, review, "1.9.2026")
    assert window.document.assessment.decision.review_due == date(2026, 9, 1)
