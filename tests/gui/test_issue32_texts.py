"""Issue 32, point 5: no answer path, no internal code, no form file name, no command-line
option and no English word in any text the app shows in Finnish or Swedish.

Every reason, problem and label template of the catalogues is rendered through the app's
renderer (:mod:`hrk_workbench.foundations.answer_names`) with realistic values (paths such as
``gates.G1``, ``dataset.personal_data``, ``risk_lab.k``); the command line keeps its paths.
Then the real window: a refused edit, the undo text and every step's advice in fi and sv.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest

from hrk_workbench.foundations.answer_names import (
    answer_name,
    gui_problem_text,
    gui_reason_text,
    name_params,
)
from hrk_workbench.foundations.i18n import render_problem
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.edit import EditError, set_answer

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"

SECTIONS = ("gates|benefits|risks|costs|anonymisation|channel|quality|dataset|decision|"
            "licence|participants|publication|risk_lab|table_lab")
INTERNAL = re.compile(rf"\b({SECTIONS})(\.|\[)|\$|steps\[|forms/|(^|[\s(]|: )--[a-z]|"
                      r"recipe:|\.ya?ml\b|\"[a-z_]+\": ")
ENGLISH = re.compile(r"\b(the|and|of|with|expected|answer|value|must|should|missing|file|"
                     r"step|not|or|none)\b")
URL = re.compile(r"https?://\S+|\S+@\S+")
# realistic values by placeholder name: answer paths where a path goes
PATHS = {"path": "dataset.personal_data", "location": "risk_lab.k", "first": "gates.G1",
         "second": "dataset.personal_data", "field": "dataset.title.fi", "answer": "gates.G1"}
NUMBERS = {"n", "count", "k", "min", "max", "threshold", "index", "line", "seconds", "years",
           "score", "stars", "rows"}
# messages only the command line gives (its options are its words); never shown in the app
CLI_ONLY = re.compile(r"^(table_status_mismatch|review_.*|publish_.*|reassess_.*|bad_path|"
                      r"not_an_answer|file_exists|dictionary_empty|cli_.*|gui_no_display|"
                      r"tables_min_frequency_default)$")


def _params(template: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            name = re.split(r"[.\[]", name)[0]
            out[name] = PATHS.get(name, 3 if name in NUMBERS else "Xyz")
    return out


def _leaks(text: str, english: bool = True) -> list[str]:
    """Internal codes in ``text``; English words too, unless it quotes the steward's own
    data (a publisher named "City of Vaara" is no English word of the app's)."""
    clean = URL.sub("", text)
    found = (INTERNAL.search(clean), ENGLISH.search(clean) if english else None)
    return [m.group(0) for m in found if m]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_message_renders_without_paths_or_english(forms: Any, lang: str) -> None:
    cat = forms.messages[lang]
    bad = []
    for kind, templates in (("reason", cat.reasons), ("problem", cat.problems),
                            ("label", cat.labels)):
        for key, template in templates.items():
            if CLI_ONLY.match(key):
                continue
            params = _params(template)
            if kind == "reason":
                text = gui_reason_text(Reason(key, params), lang, forms)
            elif kind == "problem":
                text = gui_problem_text(Problem("gates.G1", "m", code=key, params=params),
                                        lang, forms)
            else:
                try:
                    text = template.format(**name_params(params, lang, forms))
                except (KeyError, IndexError, ValueError):
                    text = template
            if leaks := _leaks(text):
                bad.append(f"{kind} {key}: {leaks} in {text[:120]!r}")
    assert not bad, "\n".join(bad)


def test_the_check_catches_a_path(forms: Any) -> None:
    """The patterns are not vacuous: the command line's own rendering is caught."""
    problem = Problem("dataset.personal_data", "m", code="not_in_options",
                      params={"allowed": ["true"], "got": "x"})
    assert _leaks(render_problem(problem, "fi", forms))
    assert _leaks("vastaa kohtaan gates.G1")
    assert _leaks("anna --key") and _leaks("tiedosto forms/hrk.yaml")
    assert _leaks("arvo steps[4] on väärä") and _leaks("the value")
    assert _leaks('lisää vaiheeseen "on_error": "suppress"')


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_recipe_and_file_locations_in_words(forms: Any, lang: str) -> None:
    labels = forms.messages[lang].labels
    bad_date = Problem("steps[4]", "m", code="recipe_bad_date",
                       params={"value": "31.2.", "column": "syntymäaika", "line": 7})
    text = gui_problem_text(bad_date, lang, forms)
    assert text.startswith(labels["gui_recipe_step_n"].format(n=5) + ": ")
    assert not _leaks(text), text
    assert "steps[4]" in render_problem(bad_date, lang, forms)  # the command line's own
    line = gui_problem_text(Problem("line 12", "m", code="recipe_bad_date",
                                    params={"value": "x", "column": "c", "line": 12}),
                            lang, forms)
    assert line.startswith(labels["gui_file_line_n"].format(n=12)) and "line" not in line
    option = gui_problem_text(Problem("--key", "m", code="risk_no_keys"), lang, forms)
    assert not option.startswith("--") and not _leaks(option), option


@pytest.mark.parametrize(("path", "step_key"), [
    ("gates.G1", "gui_step_gates"), ("dataset.personal_data", "gui_step_dataset"),
    ("risks.R2.likelihood", "gui_step_risks"), ("costs.lines.C1.one_off_days", "gui_step_costs"),
    ("participants[0].name", "gui_step_participants"), ("risk_lab.k", "gui_step_risk_lab"),
    ("decision.date", "gui_step_decision"), ("quality.Q3.rating", "gui_step_quality")])
def test_answers_are_named_by_step_and_question(forms: Any, path: str, step_key: str) -> None:
    for lang in ("fi", "sv"):
        name = answer_name(path, lang, forms)
        step = forms.messages[lang].labels[step_key]
        assert name.startswith(step)
        assert not _leaks(name), name
    assert forms.question_text("G1", "fi") in answer_name("gates.G1", "fi", forms)
    assert answer_name("dataset.personal_data", "fi", forms) == \
        "Aineisto → " + forms.messages["fi"].labels["gui_ds_personal_data"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_refused_edit_names_the_question_in_the_status_bar(make_window: Any, forms: Any,
                                                             lang: str, qtbot: Any) -> None:
    window = make_window(lang)
    assert window.open_path(str(BIKES), ask=False)
    window.go_to_step("dataset")
    page = window.pages["dataset"]
    edit = next(b.edit for b in page.bindings if b.path == "dataset.record_count")
    edit.setFocus()
    edit.setText("-5")
    edit.editingFinished.emit()
    message = window.statusBar().currentMessage()
    assert message, "the refusal is said"
    assert not _leaks(message), message
    assert forms.messages[lang].labels["gui_ds_record_count"] in message
    # the command line keeps the path: it is what set takes
    with pytest.raises(EditError) as exc:
        set_answer(window.document.assessment.model_copy(deep=True), "dataset.record_count",
                   -5, forms)
    assert "dataset.record_count" in render_problem(exc.value.problems[0], lang, forms)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_undo_text_and_advice_name_no_path(make_window: Any, lang: str) -> None:
    window = make_window(lang)
    assert window.open_path(str(BIKES), ask=False)
    window.go_to_step("dataset")
    page = window.pages["dataset"]
    edit = next(b.edit for b in page.bindings if b.path == "dataset.record_count")
    edit.setText("1234")
    edit.editingFinished.emit()
    undo = window.document.undo_stack.undoText()
    assert undo and not _leaks(undo), undo
    for step in ("anonymisation", "channel", "quality", "licence"):
        window.go_to_step(step)
        text = window.pages[step].advice.plain_text()
        assert text and not _leaks(text, english=False), (step, text)
    text = "\n".join(window.summary.reason_texts())
    assert not _leaks(text, english=False), text


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_draft_with_unanswered_questions_shows_no_path(make_window: Any, lang: str) -> None:
    """The draft leaves personal data unanswered: the command line says "answer
    dataset.personal_data"; the app names the question on the Dataset step instead."""
    window = make_window(lang)
    assert window.open_path(str(ROOT / "examples" / "street-trees-draft.hrk.json"), ask=False)
    window.go_to_step("anonymisation")
    advice = window.pages["anonymisation"].advice.plain_text()
    assert window.t("gui_ds_personal_data") in advice
    shown = [advice, *window.summary.reason_texts()]
    for text in shown:
        assert not _leaks(text, english=False), text
