"""A memo a municipality can file (issue 32, point 8): the record number, section, legal
basis, presenter and the decision-maker's title typed on the Decision step reach the memo;
the memo is an annex to the decision or carries the organisation's appeal instructions; the
history shows the name asked on the first save, never the login; the attribution line falls
back to the download address; the risk measures are explained in plain words."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from hrk_workbench.cli.program import main as cli
from hrk_workbench.forms.loader import default_forms_dir
from hrk_workbench.gui.author import AuthorDialog
from hrk_workbench.model.store import load_assessment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "city-bike-trips.hrk.json"


def _type(qtbot: Any, window: Any, edit: QLineEdit, text: str) -> None:
    window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    for ch in text:  # key events, as typed (QTest takes ASCII only: ä goes in as its text)
        QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, 0,
                                               Qt.KeyboardModifier.NoModifier, ch))
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # focus leaves: the text is committed


def _answer_author(name: str | None, seen: list[str]) -> None:
    """Fill (or cancel) the name dialog as soon as it opens."""
    def fill() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, AuthorDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        seen.append(dialog.name.accessibleName())
        if name is None:
            dialog.reject()
        else:
            dialog.name.setText(name)
            dialog.accept()
    QTimer.singleShot(20, fill)


def test_filing_fields_typed_in_finnish_reach_the_file_and_the_memo(
        make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.delenv("HRK_AUTHOR")
    path = tmp_path / "kaupunkipyorat.hrk.json"
    shutil.copy(EXAMPLE, path)
    window = make_window(lang="fi")
    assert window.open_path(str(path))
    window.go_to_step("decision")
    page = window.pages["decision"]
    edits = {e.accessibleName(): e for e in page.findChildren(QLineEdit)}
    typed = {"Diaarinumero": "TKL/1234/2026", "Pykälän (§) numero": "42",
             "Esittelijä": "Maija Meikäläinen", "Oikeusperuste": "Tiedonhallintalaki 906/2019",
             "Päättäjän tehtävänimike": "tietohallintojohtaja"}
    for name, text in typed.items():
        _type(qtbot, window, edits[name], text)
    d = window.document.assessment.decision
    assert (d.record_number, d.section_number, d.presenter, d.legal_basis, d.decider_title) \
        == tuple(typed.values())

    # first save: the name is asked (a named field), cancelling saves nothing
    seen: list[str] = []
    _answer_author(None, seen)
    assert not window.save()
    assert seen == ["Nimesi"]
    _answer_author("Liisa Laatija", seen)
    assert window.save()
    assert window.settings.author == "Liisa Laatija"
    saved = load_assessment(path)
    assert saved.change_log[-1].by == "Liisa Laatija"
    assert saved.decision.record_number == "TKL/1234/2026"
    # kept: the second save asks nothing
    _type(qtbot, window, edits["Pykälän (§) numero"], "43")
    assert window.save() and len(seen) == 2
    assert load_assessment(path).change_log[-1].by == "Liisa Laatija"

    memo = tmp_path / "muistio.md"
    assert cli(["report", str(path), "-o", str(memo), "--lang", "fi"]) == 0
    text = memo.read_text(encoding="utf-8")
    for expected in ("TKL/1234/2026", "Pykälä (§)", "43", "Esittelijä", "Maija Meikäläinen",
                     "Oikeusperuste", "Tiedonhallintalaki 906/2019",
                     "tietohallintojohtaja", "Liisa Laatija",
                     "Tämä muistio on päätöksen TKL/1234/2026 § 43 liite"):
        assert expected in text, expected
    assert "root" not in text and "Muutoksenhakuohje" not in text


def test_set_takes_the_filing_fields_and_the_organisation_sets_appeal_instructions(
        tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "a.hrk.json"
    shutil.copy(EXAMPLE, path)
    assert cli(["set", str(path), "decision.record_number=VN/77/2026",
                "decision.presenter=Per Persson", "decision.decider_title=stadsdirektör"]) == 0
    forms = tmp_path / "forms"
    shutil.copytree(default_forms_dir(), forms)
    (forms / "organisation.yaml").write_text(
        'appeal_instructions:\n  sv: "Omprövning begärs skriftligt inom 14 dagar.\\n\\n'
        'Begäran lämnas till registratorn."\n  fi: ""\n', encoding="utf-8")
    monkeypatch.setenv("HRK_FORMS_DIR", str(forms))
    memo = tmp_path / "pm.md"
    assert cli(["report", str(path), "-o", str(memo), "--lang", "sv"]) == 0
    text = memo.read_text(encoding="utf-8")
    assert "## Besvärsanvisning" in text
    assert "Omprövning begärs skriftligt inom 14 dagar." in text
    assert "Begäran lämnas till registratorn." in text
    assert "är en bilaga till beslutet" not in text
    assert "Diarienummer" in text and "VN/77/2026" in text and "Per Persson" in text
    # Finnish left empty: that memo is an annex instead (never the Swedish text)
    memo_fi = tmp_path / "m.md"
    assert cli(["report", str(path), "-o", str(memo_fi), "--lang", "fi"]) == 0
    fi = memo_fi.read_text(encoding="utf-8")
    assert "Omprövning" not in fi and "Tämä muistio on päätöksen VN/77/2026 liite" in fi


def test_a_malformed_organisation_file_is_named(tmp_path: Path, monkeypatch: Any,
                                                capsys: Any) -> None:
    path = tmp_path / "a.hrk.json"
    shutil.copy(EXAMPLE, path)
    forms = tmp_path / "forms"
    shutil.copytree(default_forms_dir(), forms)
    (forms / "organisation.yaml").write_text("appeal_text: {fi: x}\n", encoding="utf-8")
    monkeypatch.setenv("HRK_FORMS_DIR", str(forms))
    assert cli(["report", str(path), "-o", str(tmp_path / "m.md")]) != 0
    err = capsys.readouterr().err
    assert "organisation.yaml" in err and "Traceback" not in err


def test_attribution_falls_back_to_the_download_address_and_measures_in_plain_words(
        tmp_path: Path) -> None:
    path = tmp_path / "a.hrk.json"
    shutil.copy(EXAMPLE, path)
    a = load_assessment(path)
    assert cli(["set", str(path), "dataset.landing_page=", "channel.CH13.value=",
                "publication.distributions.CSV.download_url="
                "https://data.example.fi/pyorat.csv"]) == 0
    memo = tmp_path / "m.md"
    assert cli(["report", str(path), "-o", str(memo), "--lang", "fi"]) == 0
    text = memo.read_text(encoding="utf-8")
    assert "Ladattu osoitteesta https://data.example.fi/pyorat.csv" in text
    if a.risk_lab is not None:
        assert "1/f" not in text and "Selkokielellä: k on" in text


def test_protected_result_names_the_file_to_publish_in_plain_words(tmp_path: Path) -> None:
    import csv
    import json

    data = tmp_path / "asiakkaat_2026.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["ika", "sukupuoli", "postinumero", "palvelu"])
        for i in range(60):
            out.writerow([20 + i % 50, "mn"[i % 2], f"001{i % 3}0", "abc"[i % 3]])
    recipe = tmp_path / "ohje.json"
    recipe.write_text(json.dumps({
        "format": "hrk-puf-recipe", "version": 1,
        "key_variables": ["ika", "sukupuoli", "postinumero"], "sensitive": ["palvelu"],
        "seed": 1, "steps": [{"op": "band", "column": "ika", "width": 20},
                             {"op": "suppress", "k": 3}]}), encoding="utf-8")
    path = tmp_path / "a.hrk.json"
    shutil.copy(EXAMPLE, path)
    public = tmp_path / "julkaistava.csv"
    assert cli(["puf", str(data), "--recipe", str(recipe), "-o", str(public),
                "--save", str(path)]) == 0
    memo = tmp_path / "m.md"
    assert cli(["report", str(path), "-o", str(memo), "--lang", "fi"]) == 0
    text = memo.read_text(encoding="utf-8")
    measured = next(line for line in text.splitlines() if "Mitattu tiedosto" in line)
    assert "julkaistava.csv" in measured and "asiakkaat" not in measured
    assert "Laadittu aineistosta:** asiakkaat" in text
    assert "1/f" not in text and "Selkokielellä: k on" in text
