"""One "still missing" list and step marks that agree with it (issue 32, point 4).

Through the widgets: the summary's list says, in Finnish and Swedish, "Step → question" for
each answer a recommendation still needs and each thing the outputs still need (never an
answer path), apart from the reasons that explain the scores; clicking an item opens its step
with the field focused; the step marks say "not assessed" and "not estimated" before anything
is rated or costed, and a problem while a gate is "unknown" or a departure is unjustified.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.model.store import load_assessment
from hrk_workbench.overview.progress import STEPS, step_states, still_missing

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
PATHS = re.compile(r"\b(dataset|gates|benefits|risks|channel|publication|decision)\.\w")


def _click(qtbot: Any, widget: Any, item: Any) -> None:
    rect = widget.visualItemRect(item)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_new_assessment_lists_what_is_missing_by_step(make_window: Any, qtbot: Any,
                                                        forms: Any) -> None:
    window = make_window(lang="fi")
    listed = window.summary.missing
    texts = listed.texts()
    assert texts[0] == "Ennen suositusta"
    question = forms.question_text("personal_data", "fi")
    assert f"Aineisto → {question}" in texts
    assert f"Kynnyskysymykset → {forms.question_text('G2', 'fi')}" in texts
    assert "Ennen muistiota ja tietoluettelon kuvausta" in texts
    assert "Päätös → kirjaa päätös" in texts
    assert not [t for t in texts if PATHS.search(t)], texts
    # the reasons explain the scores; the questions to answer are not repeated there
    assert not [t for t in window.summary.reason_texts() if question in t]
    # marks: nothing rated is "not assessed", no cost line "not estimated"
    assert window.step_state("benefits") == "not_assessed"
    assert window.step_state("risks") == "not_assessed"
    assert window.step_state("costs") == "not_estimated"
    item = window.steps.item(STEPS.index("costs"))
    assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "ei laskettu"
    assert window.steps.item(STEPS.index("benefits")).toolTip() == "ei arvioitu"

    # a click goes to the question's field, focused
    row = texts.index(f"Kynnyskysymykset → {forms.question_text('G2', 'fi')}")
    _click(qtbot, listed, listed.item(row))
    assert window.current_step() == "gates"
    control = window.pages["gates"].controls["G2"]
    qtbot.waitUntil(control.hasFocus, timeout=5_000)
    # answered there, the item goes
    window.document.edit("gates.G2.value", "no")
    assert f"Kynnyskysymykset → {forms.question_text('G2', 'fi')}" not in listed.texts()
    window.document.edit("benefits.B1.value", 0)
    assert window.step_state("benefits") != "not_assessed"  # a 0 is a rating

    window.set_language("sv")
    assert listed.texts()[0] == "Före en rekommendation"
    assert f"Datamängd → {forms.question_text('personal_data', 'sv')}" in listed.texts()


def test_unknown_gate_and_unjustified_departure_are_problems(
        make_window: Any, tmp_path: Path, forms: Any) -> None:
    path = tmp_path / "pyorat.hrk.json"
    shutil.copy(BIKES, path)
    assert step_states(load_assessment(path), forms, path)["gates"] == "complete"
    assert still_missing(load_assessment(path), forms, path) == []
    assert cli_main(["set", str(path), "gates.G3.value=unknown", "--author", "Testi"]) == 0
    window = make_window(lang="fi")
    assert window.open_path(str(path), ask=False)
    assert window.step_state("gates") == "problems"
    texts = window.summary.missing.texts()
    gate = [t for t in texts if t.startswith("Kynnyskysymykset → ")]
    assert gate and "ei tiedossa" in gate[0] and forms.question_text("G3", "fi") in gate[0]
    # the decision (open with conditions) is now more open than the recommendation
    assert window.step_state("decision") == "problems"
    assert "Päätös → päätös on avoimempi kuin suositus: kirjoita perustelu" in texts
    assert window.step_state("outputs") != "complete"
    listed = window.summary.missing
    row = listed.texts().index("Päätös → päätös on avoimempi kuin suositus: kirjoita perustelu")
    listed.itemActivated.emit(listed.item(row))  # Enter on the item
    assert window.current_step() == "decision"
    window.document.edit("gates.G3.value", "no")
    assert window.step_state("gates") == "complete"
    assert window.step_state("decision") == "complete"
    assert window.summary.missing.texts() == ["Mitään ei puutu."]
    assert window.step_state("outputs") == "complete"
    # any other change voids the decider's approval: a public record waits for a new one
    window.document.edit("channel.CH12.value", "no")
    texts = window.summary.missing.texts()
    assert any(t.startswith("Päätös → päättäjä hyväksyi aiemman version") for t in texts)
    assert window.step_state("outputs") == "incomplete"


def test_a_step_selected_as_a_screen_reader_does_is_shown(make_window: Any) -> None:
    """AT-SPI's selectChild selects a list item without making it current: the page follows
    the selection all the same (a screen reader user chooses steps that way)."""
    window = make_window(lang="fi")
    item = window.steps.item(STEPS.index("channel"))
    window.steps.selectionModel().clearSelection()
    item.setSelected(True)
    assert window.current_step() == "channel"
    assert window.pages["channel"].addresses.isVisibleTo(window)
