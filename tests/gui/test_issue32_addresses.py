"""Publication addresses in the app (issue 32, point 1), through the widgets on real files.

A copy of the city-bike example has its CSV addresses and landing page removed with the
command line's ``set``; the steward then types them on Channel & format, in Finnish, with
the fields named as people say them; a refused address stays marked; CH13's answer is
offered for an empty field; every edit undoes; the saved file holds what was typed; and a
readiness item on Outputs goes to the field it is about.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.model.store import load_assessment

ROOT = Path(__file__).resolve().parents[2]
BIKES = ROOT / "examples" / "city-bike-trips.hrk.json"
WAIT_MS = 20_000
CH13 = "https://data.vaara.example/city-bike-trips"


def _file(tmp_path: Path) -> Path:
    """The example without the CSV file's addresses and the landing page (as `set` clears)."""
    path = tmp_path / "pyorat.hrk.json"
    shutil.copy(BIKES, path)
    at = "publication.distributions.CSV"
    assert cli_main(["set", str(path), f"{at}.download_url=", f"{at}.access_url=",
                     "dataset.landing_page=", "publication.schema_url=",
                     "--author", "Testi"]) == 0
    a = load_assessment(path)
    assert not a.publication.distributions["CSV"].download_url
    assert a.channel["CH13"].value == CH13
    return path


def _type(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _fields(page: Any) -> dict[str, QLineEdit]:
    return {e.accessibleName(): e for e in page.addresses.findChildren(QLineEdit)}


def test_addresses_are_typed_on_channel_and_format_in_finnish(
        make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    path = _file(tmp_path)
    window = make_window(lang="fi")
    assert window.open_path(str(path), ask=False)
    window.go_to_step("channel")
    page = window.pages["channel"]
    assert page.addresses.title() == "Julkaisuosoitteet"
    fields = _fields(page)
    # one field each, named as people say them, per planned format (CH8: CSV and JSON)
    for name in ("Aloitussivu", "Latausosoite (CSV)", "Pääsyosoite (CSV)",
                 "Latausosoite (JSON)", "Pääsyosoite (JSON)", "Rajapinnan osoite",
                 "Rajapinnan dokumentaatio", "Skeeman osoite"):
        assert name in fields, sorted(fields)
    assert fields["Latausosoite (JSON)"].text().endswith("trips.json")  # what the file holds

    download = fields["Latausosoite (CSV)"]
    _type(qtbot, download, "https://data.vaara.example/pyorat.csv")
    doc = window.document
    assert doc.assessment.publication.distributions["CSV"].download_url == \
        "https://data.vaara.example/pyorat.csv"
    doc.undo_stack.undo()  # an edit like any other
    assert doc.assessment.publication.distributions["CSV"].download_url == ""
    assert download.text() == ""
    doc.undo_stack.redo()
    assert download.text() == "https://data.vaara.example/pyorat.csv"

    # not an address: refused, the typed text stays, marked with the reason in Finnish
    schema = fields["Skeeman osoite"]
    _type(qtbot, schema, "skeema.json")
    assert doc.assessment.publication.schema_url == ""
    assert schema.text() == "skeema.json"
    assert schema.property("invalid") is True
    assert schema.accessibleDescription() and "http" in schema.accessibleDescription()
    _type(qtbot, schema, "https://data.vaara.example/skeema.json")
    assert schema.property("invalid") is False

    # CH13's answer is offered for an empty field, and taken only when asked
    landing = fields["Aloitussivu"]
    button = page.addresses.findChild(QPushButton, "use_default_dataset.landing_page")
    assert button is not None and button.isVisibleTo(page)
    assert "CH13" in button.text()
    assert CH13 in button.accessibleName() and "Aloitussivu" in button.accessibleName()
    assert doc.assessment.dataset.landing_page == ""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert doc.assessment.dataset.landing_page == CH13
    assert landing.text() == CH13
    assert not button.isVisibleTo(page)  # the field holds an address: nothing to offer

    # typed without Enter, then a button pressed as a screen reader does (no focus move):
    # what was typed is kept and saved, not wiped by the other field's edit
    docs = fields["Rajapinnan dokumentaatio"]
    docs.setFocus()
    qtbot.waitUntil(docs.hasFocus, timeout=WAIT_MS)
    docs.selectAll()
    qtbot.keyClicks(docs, "https://api.vaara.example/ohje")
    json_access = page.addresses.findChild(QPushButton, "use_default_publication.schema_url")
    assert json_access is None or not json_access.isVisibleTo(page)  # the schema is given
    doc.edit("publication.distributions.JSON.access_url", "")
    button = page.addresses.findChild(
        QPushButton, "use_default_publication.distributions.JSON.access_url")
    assert docs.text() == "https://api.vaara.example/ohje"  # another edit did not wipe it
    button.click()
    assert doc.assessment.publication.api.documentation_url == "https://api.vaara.example/ohje"
    assert doc.assessment.publication.distributions["JSON"].access_url == CH13

    window.save_action.trigger()
    saved = load_assessment(path)
    assert saved.publication.distributions["CSV"].download_url == \
        "https://data.vaara.example/pyorat.csv"
    assert saved.publication.schema_url == "https://data.vaara.example/skeema.json"
    assert saved.dataset.landing_page == CH13


def test_a_new_planned_format_gets_its_fields(make_window: Any, tmp_path: Path) -> None:
    path = _file(tmp_path)
    window = make_window(lang="sv")
    assert window.open_path(str(path), ask=False)
    page = window.pages["channel"]
    assert "Nedladdningsadress (GeoJSON)" not in _fields(page)
    assert window.document.edit("channel.CH8.value", ["CSV", "JSON", "GEOJSON"])
    fields = _fields(page)
    assert {"Landningssida", "Nedladdningsadress (GeoJSON)", "Åtkomstadress (GeoJSON)",
            "Schemats adress"} <= set(fields)
    window.document.undo_stack.undo()
    assert "Nedladdningsadress (GeoJSON)" not in _fields(page)


@pytest.mark.parametrize("lang", ["fi"])
def test_a_readiness_item_goes_to_its_field(make_window: Any, qtbot: Any, tmp_path: Path,
                                            lang: str) -> None:
    path = _file(tmp_path)
    window = make_window(lang=lang)
    assert window.open_path(str(path), ask=False)
    window.go_to_step("outputs")
    outputs = window.pages["outputs"]
    qtbot.waitUntil(lambda: outputs.readiness is not None and not outputs.busy(),
                    timeout=WAIT_MS)
    rows = outputs.readiness_items()
    target = "publication.distributions.CSV.download_url"
    assert any(where == target for _text, where in rows), rows
    assert not any(where in text for text, where in rows if where)  # no path is shown
    assert window.step_state("outputs") != "complete"  # its list has items
    row = next(i for i, (_t, where) in enumerate(rows) if where == target)
    item = outputs.readiness_list.item(row)
    rect = outputs.readiness_list.visualItemRect(item)
    qtbot.mouseClick(outputs.readiness_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.current_step() == "channel"
    field = window.pages["channel"].addresses.field(target)
    qtbot.waitUntil(field.hasFocus, timeout=WAIT_MS)
    assert field.accessibleName() == "Latausosoite (CSV)"
    # typed there, the item goes and the step is no longer held back by it
    _type(qtbot, field, "https://data.vaara.example/pyorat.csv")
    window.go_to_step("outputs")
    qtbot.waitUntil(lambda: not outputs.busy() and not any(
        w == target for _t, w in outputs.readiness_items()), timeout=WAIT_MS)
