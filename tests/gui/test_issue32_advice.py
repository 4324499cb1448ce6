"""Issue 32, point 3, through the widgets: the advice is shown where its questions are asked
(Anonymisation, Channel & format, Quality, as on Licence) and follows the answers, and the
summary lists every condition an ``open…`` outcome depends on.

Expected texts come from the core (``advise``, ``summarise``) rendered through the catalogues,
so the test checks that the page shows what the core says, in the page's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hrk_workbench.decision.summary import summarise
from hrk_workbench.foundations.i18n import label, render_all
from hrk_workbench.overview.advice import advise

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
SOCIAL = ROOT / "examples" / "social-assistance.hrk.json"


def _open(make_window: Any, lang: str, path: Path, step: str) -> tuple[Any, Any]:
    window = make_window(lang)
    assert window.open_path(str(path), ask=False)
    window.go_to_step(step)
    return window, window.pages[step]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_anonymisation_verdict_on_its_step(make_window: Any, forms: Any, lang: str) -> None:
    window, page = _open(make_window, lang, BIKES, "anonymisation")
    a = advise(window.document.assessment, forms).anonymisation
    shown = page.advice.plain_text()
    verdict = label({True: "anonymisation_needed", False: "anonymisation_not_needed",
                     None: "anonymisation_undetermined"}[a.needed], lang, forms)
    assert verdict in shown
    for text in render_all(a.reasons, lang, forms):
        assert f"• {text}" in shown
    assert page.advice.isVisibleTo(window)
    assert page.advice.accessibleName() == label("gui_advice", lang, forms)


def test_anonymisation_advice_follows_an_answer(make_window: Any, forms: Any,
                                                qtbot: Any) -> None:
    window, page = _open(make_window, "fi", BIKES, "anonymisation")
    before = page.advice.plain_text()
    qid = forms.anonymisation.questions[0].id
    combo = page.controls[qid]
    # choose another option through the control, as a steward does
    combo.setCurrentIndex(1 if combo.currentIndex() != 1 else 2)
    a = advise(window.document.assessment, forms).anonymisation
    expected = render_all(a.reasons, "fi", forms)
    qtbot.waitUntil(lambda: all(t in page.advice.plain_text() for t in expected))
    assert page.advice.plain_text() != before or expected == []


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_channel_formats_and_stars_on_channel_step(make_window: Any, forms: Any,
                                                   lang: str, qtbot: Any) -> None:
    window, page = _open(make_window, lang, BIKES, "channel")
    a = advise(window.document.assessment, forms)
    shown = page.advice.plain_text()
    assert f"{label('heading_channel', lang, forms)}: {label(a.channel.channel, lang, forms)}" \
        in shown
    for fmt in a.formats.planned:
        assert fmt in shown
    assert "★" * a.five_star.stars in shown and f"({a.five_star.stars}/5)" in shown
    for text in render_all((*a.channel.reasons, *a.formats.reasons, *a.five_star.reasons),
                           lang, forms):
        assert text in shown
    # the whole advice is on the page: nothing hidden inside the box (at 1366x768)
    window.resize(1366, 768)
    qtbot.wait(50)
    assert page.advice.body.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_quality_statement_on_quality_step(make_window: Any, forms: Any, lang: str,
                                           qtbot: Any) -> None:
    window, page = _open(make_window, lang, BIKES, "quality")
    q = advise(window.document.assessment, forms).quality
    for text in render_all(q.reasons, lang, forms):
        assert text in page.advice.plain_text()
    # the statement follows a rating given on the page
    criterion = forms.quality.criteria[0].id
    page.controls[criterion].setCurrentIndex(1)
    q = advise(window.document.assessment, forms).quality
    qtbot.waitUntil(lambda: render_all(q.reasons, lang, forms)[0] in page.advice.plain_text())


def test_language_switch_rerenders_the_advice(make_window: Any, forms: Any) -> None:
    window, page = _open(make_window, "fi", BIKES, "channel")
    window.document.set_language("sv")
    a = advise(window.document.assessment, forms)
    assert render_all(a.channel.reasons, "sv", forms)[0] in page.advice.plain_text()
    assert page.advice.title.text() == label("gui_advice", "sv", forms)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_summary_lists_every_condition(make_window: Any, forms: Any, lang: str) -> None:
    window, _ = _open(make_window, lang, SOCIAL, "dataset")
    rec = summarise(window.document.assessment, forms).recommendation
    assert rec.outcome.startswith("open") and len(rec.conditions) >= 2
    shown = window.summary.reason_texts()
    conditions = render_all(rec.conditions, lang, forms)
    for text in conditions:
        assert text in shown
    heading = label("gui_open_conditions", lang, forms).format(count=len(conditions))
    assert heading in shown
    assert shown.index(heading) < min(shown.index(t) for t in conditions)
    # the pointer to a list shown elsewhere is gone
    assert render_all([r for r in rec.reasons if r.code == "open_conditions"], lang,
                      forms)[0] not in shown
    document = window.summary.reasons.document().toPlainText()
    for text in conditions:
        assert text in document


def test_licence_still_shows_its_advice(make_window: Any, forms: Any) -> None:
    window, page = _open(make_window, "fi", BIKES, "licence")
    lic = advise(window.document.assessment, forms).licence
    for text in render_all(lic.reasons, "fi", forms):
        assert text in page.advice.plain_text()
    body = page.advice.body
    for text in render_all(lic.reasons, "fi", forms):
        assert text in body.toPlainText()
    # as tall as its text: nothing cut, nothing to scroll inside the box
    assert body.verticalScrollBar().maximum() == 0
    assert body.height() >= int(body.document().size().height())
