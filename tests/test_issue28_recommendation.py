"""HRK-METHOD rev. 3 through the CLI on saved assessment files: an unknown gate opens
nothing, unit-level data needs A2, pseudonyms are a condition, step 7's "measured" on the
file to publish (k in the worst period at the threshold in force, l, unmeasured
quasi-identifiers, weighted risk), and a decision more open than the recommendation needs a
written justification (validate, the Decision step's mark, the memo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ALL_NO, make

from hrk_workbench.cli.program import main
from hrk_workbench.model.assessment import Assessment, RiskLabResult
from hrk_workbench.model.store import save_assessment
from hrk_workbench.overview.progress import step_states


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def saved(a: Assessment, path: Path) -> Path:
    save_assessment(a, path, author="test")
    return path


def score(capsys: pytest.CaptureFixture[str], path: Path, lang: str = "en") -> dict[str, Any]:
    code, out, err = run(capsys, "score", "--json", "--lang", lang, path)
    assert code == 0, err
    return json.loads(out)


def codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reason_codes"]]


def params(result: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r["params"] for r in result["reason_codes"] if r["code"] == code]


def _problems(out: str) -> list[dict[str, Any]]:
    """The problems of ``validate --json`` (one file: one object; several: a list)."""
    data = json.loads(out)
    return (data[0] if isinstance(data, list) else data)["problems"]


def personal_unit(anon: dict[str, Any], **dataset: Any) -> Assessment:
    """Complete personal unit data that opens at high benefit unless step 7 stops it."""
    answers = {"A1": "no", "A2": "yes", "A3": "no", "A5": "no", "A9": "no", "A10": "yes",
               **anon}
    return make(gates=ALL_NO, benefits={"B1": 3, "B2": 3, "B4": 3, "B8": 3},
                risks={"R1": (2, 2), "R2": (1, 2)}, anonymisation=answers, personal_data=True,
                granularity="unit", title={"en": "Test"}, **dataset)


def lab(**fields: Any) -> RiskLabResult:
    base: dict[str, Any] = {"file": "puf.csv", "protected": True, "rows": 500,
                            "key_variables": ["ika", "kunta"], "k": 12,
                            "columns": ["ika", "kunta", "tulot"]}
    return RiskLabResult(**{**base, **fields})


# --- gates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("gate", ["G1", "G2", "G3", "G4"])
def test_an_unknown_gate_blocks_every_open_outcome(tmp_path, capsys, gate):
    a = personal_unit({})
    a.gates[gate].value = "unknown"
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "incomplete"
    assert r["missing"] == [f"gates.{gate}"]
    assert {"gate": gate, "path": f"gates.{gate}"} in params(r, "gate_unknown")
    assert params(r, "gate_unknown_blocks_open")[0]["outcome"] == "open"
    assert r["conditions"] == []


def test_an_unknown_gate_leaves_a_closed_outcome_as_it_is(tmp_path, capsys):
    a = personal_unit({"A9": "yes"})  # linkable: limited access (step 4)
    a.gates["G3"].value = "unknown"
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "limited_access"
    assert "gate_unknown" in codes(r) and r["missing"] == []


def test_an_unknown_gate_stops_the_hvd_rule_opening(tmp_path, capsys):
    a = make(gates={**ALL_NO, "G4": "unknown"}, benefits={"B9": 1}, risks={"R7": (1, 1)},
             personal_data=False, hvd_category="meteorological")
    r = score(capsys, saved(a, tmp_path / "hvd.hrk.json"))
    assert r["recommendation"] == "incomplete" and r["missing"] == ["gates.G4"]
    a.gates["G4"].value = "no"
    assert score(capsys, saved(a, tmp_path / "hvd.hrk.json"))["recommendation"] == "open"


# --- A2 on unit-level data -------------------------------------------------------------------

def test_unit_level_data_declared_not_personal_needs_a2(tmp_path, capsys):
    a = make(gates=ALL_NO, benefits={"B1": 3}, risks={"R1": (1, 1)}, personal_data=False,
             granularity="unit")
    r = score(capsys, saved(a, tmp_path / "pupils.hrk.json"))
    assert r["recommendation"] == "incomplete"
    assert r["missing"] == ["anonymisation.A2"]
    a.anonymisation = make(anonymisation={"A2": "yes"}).anonymisation
    r = score(capsys, saved(a, tmp_path / "pupils.hrk.json"))
    assert r["recommendation"] == "incomplete"  # A2 yes with personal_data no contradicts
    assert "contradiction" in codes(r)
    a.anonymisation = make(anonymisation={"A2": "no"}).anonymisation
    r = score(capsys, saved(a, tmp_path / "pupils.hrk.json"))
    assert r["recommendation"].startswith("open") and r["missing"] == []


# --- pseudonyms ------------------------------------------------------------------------------

def test_pseudonymised_data_that_opens_carries_drop_pseudonyms(tmp_path, capsys):
    a = personal_unit({"A2": "no", "A5": "yes"})
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open"
    assert "drop_pseudonyms" in r["conditions"]
    fi = score(capsys, tmp_path / "a.hrk.json", "fi")
    assert any("pseudonyymit" in t for t in fi["conditions_text"])


# --- step 7: measured on the file to publish -----------------------------------------------

def test_the_threshold_in_force_is_named_never_five_where_ten_applies(tmp_path, capsys):
    a = personal_unit({"A3": "yes", "A10": "no"})
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "unmeasured_disclosure_risk")[0]["min_group"] == 10
    aggregate = [t for c, t in zip(r["conditions"], r["conditions_text"], strict=True)
                 if c == "anon_aggregate"]
    assert aggregate and "at least 10 persons" in aggregate[0]
    assert not any("at least 5 " in t for t in r["conditions_text"])
    a.anonymisation["A10"].value = "yes"
    a.risk_lab = lab(k=7, sensitive=["tulot"], l_diversity={"tulot": 4})
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert params(r, "measured_k_too_small") == [{"k": 7, "min_group": 10}]


def test_the_worst_period_must_reach_the_threshold(tmp_path, capsys):
    a = personal_unit({}, longitudinal=True)
    a.risk_lab = lab(person="", time="vuosi", period_worst={
        "period": "2021", "k": 3, "sample_uniques": 4, "l_diversity": {}})
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_period_k_too_small") == [{"period": "2021", "k": 3,
                                                          "min_group": 5}]
    a.risk_lab = lab(period_worst={"period": "2021", "k": 6, "sample_uniques": 0,
                                   "l_diversity": {}})
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"


def test_a_schema_4_longitudinal_lab_result_is_not_shown_safe(tmp_path, capsys):
    """A result saved before the lab measured periods: conservative, and says why."""
    a = personal_unit({})
    a.risk_lab = lab(person="henkilo", time="vuosi")
    data = json.loads(a.model_dump_json())
    data["schema_version"] = 4
    for key in ("period_worst", "l_required", "l_entropy", "disclosed_records",
                "unmeasured_quasi", "k_with_unmeasured", "not_identifying", "weight",
                "individual_risk_max", "individual_risk_threshold", "above_threshold",
                "global_risk_share", "global_risk_share_limit", "safe"):
        data["risk_lab"].pop(key)
    data["decision"].pop("justification")
    path = tmp_path / "old.hrk.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    r = score(capsys, path)
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_periods_unmeasured") == [{"min_group": 5, "file": "puf.csv"}]
    assert any("older version" in t for t in r["reasons"])


def test_every_sensitive_variable_needs_l(tmp_path, capsys):
    a = personal_unit({"A3": "yes"})
    a.risk_lab = lab(k=11, sensitive=["diagnoosi"], l_diversity={"diagnoosi": 2},
                     disclosed_records={"diagnoosi": 14})
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_l_too_small") == [
        {"column": "diagnoosi", "l": 2, "l_min": 3, "records": 14}]
    a.risk_lab = lab(k=11, sensitive=["diagnoosi"])  # no l recorded: cannot show l >= 3
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert params(r, "measured_l_unmeasured") == [{"column": ["diagnoosi"], "l_min": 3}]
    a.risk_lab = lab(k=11, sensitive=["diagnoosi"], l_diversity={"diagnoosi": 3})
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"
    a.anonymisation["A3"].value = "no"  # not special: l >= 2 is enough
    a.risk_lab = lab(sensitive=["tulot"], l_diversity={"tulot": 2})
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"


def test_an_unmeasured_quasi_identifier_keeps_the_file_closed(tmp_path, capsys):
    a = personal_unit({})
    a.risk_lab = lab(columns=["ika", "kunta", "postinumero"], unmeasured_quasi=["postinumero"],
                     k_with_unmeasured=1)
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_quasi_unmeasured") == [{"column": ["postinumero"], "k": 1}]
    a.risk_lab = lab(columns=["ika", "kunta", "postinumero"], unmeasured_quasi=["postinumero"],
                     k_with_unmeasured=1, not_identifying=["postinumero"])
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"


def test_a_weighted_sample_needs_its_risk_thresholds(tmp_path, capsys):
    a = personal_unit({})
    a.risk_lab = lab(weight="paino")
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert "measured_weighted_unmeasured" in codes(r)
    a.risk_lab = lab(weight="paino", individual_risk_max=0.25, above_threshold=3,
                     global_risk_share=0.02)
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_individual_risk")[0]["records"] == 3
    assert params(r, "measured_global_risk") == [{"share": 2.0, "limit": 1.0}]
    a.risk_lab = lab(weight="paino", individual_risk_max=0.05, above_threshold=0,
                     global_risk_share=0.004)
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"


# --- the decision against the recommendation -------------------------------------------------

def _departing(tmp_path: Path) -> Path:
    a = personal_unit({"A9": "yes"})  # limited access
    a.decision.outcome = "open"
    a.decision.decided_by = "Liisa Mäkelä"
    return saved(a, tmp_path / "d.hrk.json")


@pytest.mark.parametrize("lang, word", [("en", "justification"), ("fi", "perustelu"),
                                        ("sv", "motivering")])
def test_validate_reports_a_departure_without_justification(tmp_path, capsys, lang, word):
    path = _departing(tmp_path)
    code, out, _err = run(capsys, "validate", "--json", "--lang", lang, path)
    assert code == 0  # a warning: the steward may decide first and justify next
    problems = _problems(out)
    found = [p for p in problems if p["code"] == "decision_needs_justification"]
    assert [p["path"] for p in found] == ["decision.justification"]
    assert word in found[0]["message"]


def test_the_decision_step_is_marked_until_justified(tmp_path, capsys, forms):
    path = _departing(tmp_path)
    from hrk_workbench.model.store import load_assessment

    assert step_states(load_assessment(path), forms)["decision"] == "problems"
    run(capsys, "set", path, "decision.justification.en=The research permit covers it.")
    assert step_states(load_assessment(path), forms)["decision"] == "complete"
    _code, out, _err = run(capsys, "validate", "--json", path)
    assert not [p for p in _problems(out)
                if p["code"] == "decision_needs_justification"]


def test_not_more_open_needs_no_justification(tmp_path, capsys):
    a = personal_unit({"A9": "yes"})
    for outcome in ("limited_access", "do_not_open", "postponed"):
        a.decision.outcome = outcome
        _code, out, _err = run(capsys, "validate", "--json", saved(a, tmp_path / "x.hrk.json"))
        assert not [p for p in _problems(out)
                    if p["code"] == "decision_needs_justification"], outcome


def test_the_memo_prints_an_unjustified_departure_as_a_draft(tmp_path, capsys):
    path = _departing(tmp_path)
    code, _out, err = run(capsys, "report", path, "-o", tmp_path / "memo.md")
    assert code == 0, err
    memo = (tmp_path / "memo.md").read_text(encoding="utf-8")
    decision = memo.split("## Decision", 1)[1].split("\n## ", 1)[0]
    assert "Draft" in decision and "limited access" in decision
    assert "Liisa Mäkelä" in decision
    run(capsys, "set", path, "decision.justification.fi=Tutkimuslupa kattaa avaamisen.")
    code, _out, err = run(capsys, "report", "--lang", "fi", path, "-o", tmp_path / "m.html")
    assert code == 0, err
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "Luonnos" not in html.split("Tiivistelmä")[0]
    assert "Poikkeaminen suosituksesta" in html and "Tutkimuslupa kattaa avaamisen." in html
    assert html.index("box decision") < html.index("Poikkeaminen suosituksesta")


def test_quasi_identifiers_the_lab_found_count_whatever_a2_says(tmp_path, capsys):
    """A2 answered no, but role detection found a postcode the measure left out: the file
    is not shown measured until it is measured with it (or marked not identifying)."""
    from hrk_workbench.model.assessment import DictionaryEntry

    a = personal_unit({"A2": "no"})
    a.risk_lab = lab(key_variables=[], k=None, columns=["postinumero", "tulot"],
                     dictionary=[DictionaryEntry(column="postinumero", role="other",
                                                 detected_role="quasi",
                                                 detected_basis="name_hint:postcode")])
    r = score(capsys, saved(a, tmp_path / "a.hrk.json"))
    assert r["recommendation"] == "open_after_mitigation"
    assert params(r, "measured_quasi_unmeasured")[0]["column"] == ["postinumero"]
    a.risk_lab = lab(key_variables=[], k=None, columns=["postinumero", "tulot"],
                     not_identifying=["postinumero"], dictionary=[DictionaryEntry(
                         column="postinumero", detected_role="quasi")])
    assert score(capsys, saved(a, tmp_path / "a.hrk.json"))["recommendation"] == "open"
