"""The one way to change an answer (model/edit.py) and its command-line twin `set`."""

from __future__ import annotations

import json

import pytest
from helpers import make

from hrk_workbench.cli.program import main
from hrk_workbench.model.edit import EditError, parse_value, set_answer, split_path
from hrk_workbench.model.store import dumps, load_assessment, save_assessment


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path, value", [
    ("benefits.B3.value", 2), ("risks.R2.likelihood", 4), ("gates.G1.value", "unknown"),
    ("gates.G1.comment", "asked legal"), ("dataset.title.fi", "Puut"),
    ("dataset.personal_data", True), ("dataset.granularity", "unit"),
    ("costs.day_rate_eur", 550.0), ("costs.lines.C1.one_off_days", 3.5),
    ("anonymisation.A1.value", "yes"), ("channel.CH8.value", ["CSV", "GEOJSON"]),
    ("quality.Q1.rating", 4), ("licence.licence_id", "CC0-1.0"),
    ("decision.outcome", "open"), ("decision.date", "2026-11-28"),
    ("participants[0].name", "Aino"),
])
def test_set_then_undo_restores_the_document_byte_for_byte(forms, path, value):
    a = make(title={"en": "T"})
    before = dumps(a)
    change = set_answer(a, path, value, forms)
    assert change.path == path
    assert change.new == value
    assert dumps(a) != before
    back = set_answer(a, change.path, change.old, forms)
    assert (back.old, back.new) == (change.new, change.old)
    assert dumps(a) == before


@pytest.mark.parametrize("path, value, code", [
    ("benefits.B99.value", 2, "unknown_id"),
    ("benefits.B3.value", 7, "off_scale"),
    ("benefits.B3.value", "two", "wrong_type"),
    ("risks.R1.likelihood", 0, "off_scale"),
    ("anonymisation.A1.value", "maybe", "not_an_option"),
    ("dataset.personal_data", "yes", "wrong_type"),
    ("costs.lines.C1.yearly_eur", 1e308, "out_of_bounds"),
    ("costs.day_rate_eur", float("nan"), "not_finite"),
    ("licence.licence_id", "MY-OWN", "unknown_code"),
    ("dataset.no_such_field", 1, "unknown_field"),
    ("change_log", [], "not_an_answer"),
    ("benefits..value", 1, "bad_path"),
])
def test_a_refused_edit_changes_nothing_and_says_why(forms, path, value, code):
    a = make(title={"en": "T"}, benefits={"B3": 1})
    before = dumps(a)
    with pytest.raises(EditError) as exc:
        set_answer(a, path, value, forms)
    assert [p.code for p in exc.value.problems] == [code]
    assert dumps(a) == before


def test_edit_messages_are_those_of_validate(tmp_path, capsys, forms):
    """The same wrong value gives the same line whether edited or found in a file."""
    a = make(title={"en": "T"})
    with pytest.raises(EditError) as exc:
        set_answer(a, "benefits.B3.value", 7, forms)
    path = tmp_path / "a.hrk.json"
    path.write_text(json.dumps({"schema_version": 1, "benefits": {"B3": {"value": 7}}}))
    _, _, err = run(capsys, "validate", str(path))
    assert err.strip() == f"{path}: {exc.value.problems[0]}".replace(
        "rating 7 is off the scale", "7 is off the scale")


def test_split_path_reads_indexes():
    assert split_path("participants[2].roles[0]") == ["participants", 2, "roles", 0]


def test_parse_value_types_text_by_its_target(forms):
    a = make()
    assert parse_value(a, "benefits.B3.value", "2", forms) == 2
    assert parse_value(a, "dataset.title.fi", "2024", forms) == "2024"
    assert parse_value(a, "dataset.personal_data", "true", forms) is True
    assert parse_value(a, "gates.G1.value", "yes", forms) == "yes"
    assert parse_value(a, "channel.CH8.value", '["CSV"]', forms) == ["CSV"]
    assert parse_value(a, "benefits.B3.value", "", forms) is None


# --- the command -----------------------------------------------------------------------------

def test_set_saves_atomically_with_a_change_log_entry(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(title={"en": "T"}), path, author="first")
    code, out, _ = run(capsys, "set", str(path), "benefits.B3.value=2", "gates.G1.value=no",
                       "dataset.personal_data=false", "--author", "Aino")
    assert code == 0
    a = load_assessment(path)
    assert (a.benefits["B3"].value, a.gates["G1"].value, a.dataset.personal_data) == (
        2, "no", False)
    entry = a.change_log[-1]
    assert entry.by == "Aino"
    assert {c.path for c in entry.changes} == {"benefits.B3.value", "gates.G1.value",
                                               "dataset.personal_data"}
    assert f"{path}: benefits.B3.value: null -> 2" in out


def test_set_clears_an_answer_with_an_empty_value(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(benefits={"B3": 2}), path, author="t")
    assert run(capsys, "set", str(path), "benefits.B3.value=")[0] == 0
    assert "B3" not in load_assessment(path).benefits


def test_set_is_all_or_nothing_with_one_line_per_problem(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(benefits={"B3": 1}), path, author="t")
    before = path.read_bytes()
    code, out, err = run(capsys, "set", str(path), "benefits.B3.value=3",
                         "benefits.B3.value=9", "risks.R77.impact=2", "nonsense",
                         "--lang", "fi")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert "asteikon ulkopuolella" in lines[0]
    assert "R77" in lines[1]
    assert "POLKU=ARVO" in lines[2]
    assert path.read_bytes() == before


def test_set_json_lists_the_changes(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(), path, author="t")
    code, out, _ = run(capsys, "set", str(path), "risks.R1.likelihood=3", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["changes"] == [{"path": "risks.R1.likelihood", "old": None, "new": 3}]


def test_set_on_a_missing_file_is_bad_input(tmp_path, capsys):
    code, _, err = run(capsys, "set", str(tmp_path / "none.hrk.json"), "benefits.B1.value=1")
    assert code == 2 and "file not found" in err
