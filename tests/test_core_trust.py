"""The findings of the core-trust issue, each as a test that failed before the fix.

A new user met unsafe answers on day one: a blank assessment recommended for opening,
anonymisation "not needed" for health records, a legal barrier lost to a mis-cased key,
overflowing costs ending in a traceback. Each case below is one of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ALL_NO, make

from hrk_workbench.cli.program import main
from hrk_workbench.decision.summary import summarise
from hrk_workbench.disclosure.need import advise_anonymisation
from hrk_workbench.foundations.i18n import render, render_problem
from hrk_workbench.foundations.reasons import codes
from hrk_workbench.model.store import AssessmentFileError, load_assessment, parse_assessment
from hrk_workbench.model.store import save_assessment as save

HIGH = {f"B{i}": 3 for i in range(1, 10)}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, doc: dict | str, name: str = "a.hrk.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


# --- a recommendation only when the answers support one ---------------------------------------

def test_a_new_empty_assessment_is_incomplete_not_open(tmp_path, capsys):
    path = str(tmp_path / "new.hrk.json")
    assert run(capsys, "new", "--title", "Puut", "-o", path)[0] == 0
    code, out, _ = run(capsys, "score", path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["recommendation"] == "incomplete"
    assert data["missing"] == ["dataset.personal_data", "gates.G1", "gates.G2", "gates.G3",
                               "gates.G4", "benefits", "risks"]
    assert data["conditions"] == []


def test_personal_unit_data_with_only_r9_assessed_is_incomplete(forms):
    a = make(personal_data=True, granularity="unit", gates=ALL_NO, benefits=HIGH,
             risks={"R9": (1, 1)})
    s = summarise(a, forms)
    assert s.recommendation.outcome == "incomplete"
    assert set(s.recommendation.missing) == {"risks.R1", "risks.R2", "anonymisation.A1",
                                             "anonymisation.A2", "anonymisation.A5",
                                             "anonymisation.A9"}
    missing = [r.params["path"] for r in s.recommendation.reasons if r.code == "missing_answer"]
    assert sorted(missing) == sorted(s.recommendation.missing)


def test_unknown_counts_as_an_answer(forms):
    a = make(personal_data=True, granularity="unit", gates={**ALL_NO, "G3": "unknown"},
             benefits=HIGH, risks={"R1": (1, 1), "R2": (1, 1)},
             anonymisation={"A1": "unknown", "A2": "no", "A3": "no", "A5": "unknown",
                            "A9": "no"})
    s = summarise(a, forms)
    # A1 and A5 answered unknown are answers; the unknown gate (HRK-METHOD rev. 3) keeps any
    # open outcome incomplete and is the one answer still needed
    assert s.recommendation.missing == ("gates.G3",)
    assert s.recommendation.outcome == "incomplete"
    assert "gate_unknown" in codes(s.recommendation.notes)
    settled = summarise(a.model_copy(update={"gates": make(gates=ALL_NO).gates}), forms)
    assert settled.recommendation.missing == ()
    assert settled.recommendation.outcome != "incomplete"


# --- anonymisation advice never says "not needed" blindly -------------------------------------

def test_personal_data_alone_cannot_tell_and_says_what_to_answer(forms):
    adv = advise_anonymisation(make(personal_data=True), forms)
    assert adv.needed is None
    first = [r for r in adv.actions if r.code == "anon_answer_first"]
    assert first and first[0].params["path"] == ["dataset.granularity"]
    assert "dataset.granularity" in render(first[0], "fi", forms)


def test_unit_level_health_data_needs_anonymisation_and_is_not_open(forms):
    a = make(personal_data=True, granularity="unit", gates=ALL_NO, benefits=HIGH,
             risks={"R1": (1, 2), "R2": (1, 2)},
             anonymisation={"A1": "no", "A2": "no", "A3": "yes", "A5": "no", "A9": "no"})
    adv = advise_anonymisation(a, forms)
    assert adv.needed is True
    assert {"anon_aggregate", "anon_measure_risk"} <= set(codes(adv.actions))
    s = summarise(a, forms)
    assert s.recommendation.outcome == "open_after_mitigation"
    assert s.recommendation.reasons[0].code == "unmeasured_disclosure_risk"
    assert s.recommendation.reasons[0].params["question"] == ["A3"]


def test_a3_unknown_counts_as_possibly_special_category(forms):
    a = make(personal_data=True, granularity="aggregated",
             anonymisation={"A3": "unknown", "A7": "frequency"})
    adv = advise_anonymisation(a, forms)
    assert adv.min_frequency == 10
    assert "anon_threshold_special" in codes(adv.actions)


def test_personal_data_with_nothing_identifying_says_why(forms):
    a = make(personal_data=True, granularity="unit",
             anonymisation={"A1": "no", "A2": "no", "A3": "no", "A4": "no", "A5": "no",
                            "A9": "no"})
    adv = advise_anonymisation(a, forms)
    assert adv.needed is False
    assert codes(adv.actions) == ["anon_personal_nothing_identifying"]


def test_business_unit_data_notes_sole_traders(forms):
    a = make(personal_data=False, granularity="unit", anonymisation={"A6": "businesses"})
    adv = advise_anonymisation(a, forms)
    assert "anon_sole_traders" in codes(adv.actions)
    assert "elinkeinonharjoittaj" in render(
        next(r for r in adv.actions if r.code == "anon_sole_traders"), "fi", forms)


# --- the anonymisation advice reaches the recommendation ---------------------------------------

def test_pseudonymised_linkable_unit_data_is_limited_access(forms):
    a = make(personal_data=True, granularity="unit", gates=ALL_NO, benefits=HIGH,
             risks={"R1": (1, 2), "R2": (1, 2)},
             anonymisation={"A1": "no", "A2": "yes", "A5": "yes", "A9": "yes", "A10": "yes"})
    s = summarise(a, forms)
    assert s.recommendation.outcome == "limited_access"
    assert codes(s.recommendation.reasons)[:2] == ["linkable_personal_data",
                                                   "review_identifiable_gate"]
    assert s.recommendation.conditions == ()


def test_open_outcomes_list_the_anonymisation_conditions(tmp_path, capsys, forms):
    a = make(personal_data=True, granularity="aggregated", gates=ALL_NO, benefits=HIGH,
             risks={"R1": (1, 2), "R2": (1, 2)}, anonymisation={"A7": "frequency"})
    path = str(tmp_path / "tables.hrk.json")
    save(a, path, author="t")
    data = json.loads(run(capsys, "score", path, "--json")[1])
    assert data["recommendation"] == "open"
    assert data["conditions"] == ["anon_threshold_base", "anon_secondary"]
    assert len(data["conditions_text"]) == 2


# --- contradictions wait for the steward ------------------------------------------------------

@pytest.mark.parametrize("answers, second", [({"A2": "yes"}, "anonymisation.A2"),
                                             ({"A3": "yes"}, "anonymisation.A3"),
                                             ({"A6": "persons"}, "anonymisation.A6")])
def test_not_personal_yet_identifying_is_a_contradiction(forms, answers, second):
    a = make(personal_data=False, gates=ALL_NO, benefits=HIGH, risks={"R9": (1, 1)},
             anonymisation=answers)
    s = summarise(a, forms)
    assert s.recommendation.outcome == "incomplete"
    found = [r for r in s.recommendation.reasons if r.code == "contradiction"]
    assert [(r.params["first"], r.params["second"]) for r in found] == [
        ("dataset.personal_data", second)]
    adv = advise_anonymisation(a, forms)
    assert "anon_not_personal" not in codes(adv.actions)
    assert adv.needed is not False


def test_direct_identifiers_alone_are_no_contradiction(forms):
    """Addresses and registration numbers also describe buildings and vehicles."""
    a = make(personal_data=False, gates=ALL_NO, benefits=HIGH, risks={"R9": (1, 1)},
             anonymisation={"A1": "yes", "A6": "objects"})
    assert summarise(a, forms).recommendation.outcome == "open"


# --- hand-edited files fail loudly --------------------------------------------------------------

def test_a_duplicate_key_is_an_error_naming_line_and_key(tmp_path, capsys):
    text = ('{"schema_version": 1,\n "gates": {\n  "G1": {"value": "yes"},\n'
            '  "G1": {"value": "no"}\n }\n}\n')
    path = write(tmp_path, text)
    with pytest.raises(AssessmentFileError) as exc:
        load_assessment(path)
    (problem,) = exc.value.problems
    assert (problem.code, problem.location, problem.params["key"]) == (
        "duplicate_key", "line 4", "G1")
    code, _, err = run(capsys, "score", path, "--json")
    assert code == 2
    assert err.strip() == (f"{path}: line 4: key G1 appears twice in gates; only one can count "
                           "(expected each key once: remove or merge one of them)")


def test_a_miscased_gate_is_visible_in_every_output_mode(tmp_path, capsys):
    doc = json.loads(json.dumps({"schema_version": 1, "gates": {"g1": {"value": "yes"}}}))
    path = write(tmp_path, doc)
    code, out, _ = run(capsys, "score", path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["recommendation"] == "incomplete"  # G1 is unanswered: no barrier vanishes
    assert "gates.G1" in data["missing"]
    (p,) = data["problems"]
    assert (p["level"], p["path"], p["code"]) == ("warning", "gates.g1", "miscased_id")
    assert "G1" in p["message"]
    code, out, err = run(capsys, "score", path)
    assert code == 0 and "gates.g1: warning:" in err and "did you mean G1" in err
    code, out, err = run(capsys, "portfolio", str(tmp_path))
    assert code == 0 and "gates.g1: warning:" in err
    code, out, _ = run(capsys, "portfolio", str(tmp_path), "--json")
    (row,) = json.loads(out)["ranking"]
    assert [q["code"] for q in row["problems"]] == ["miscased_id"]


def test_two_files_with_one_assessment_id_warn_but_keep_both_rows(tmp_path, capsys, forms):
    a = make(title={"en": "A"})
    save(a, tmp_path / "one.hrk.json", author="t")
    save(a, tmp_path / "two.hrk.json", author="t")
    code, out, _ = run(capsys, "portfolio", str(tmp_path), "--json")
    rows = json.loads(out)["ranking"]
    assert code == 0 and len(rows) == 2
    assert all([q["code"] for q in r["problems"]] == ["duplicate_assessment"] for r in rows)


def test_residual_higher_than_before_is_a_warning_everywhere(tmp_path, capsys):
    path = write(tmp_path, {"schema_version": 1, "risks": {"R1": {
        "likelihood": 1, "impact": 2, "residual_likelihood": 3, "residual_impact": 3}}})
    code, out, _ = run(capsys, "score", path, "--json")
    assert code == 0
    assert [p["code"] for p in json.loads(out)["problems"]] == ["residual_higher"]
    assert run(capsys, "validate", path)[0] == 0


@pytest.mark.parametrize("field, value", [("yearly_eur", 1e308), ("one_off_eur", 1e10),
                                          ("yearly_days", 1e306)])
def test_huge_costs_are_bounded_errors_not_crashes(tmp_path, capsys, field, value):
    path = write(tmp_path, {"schema_version": 1, "costs": {"lines": {"C1": {field: value}}}})
    code, out, err = run(capsys, "score", path)
    assert code == 2
    assert "internal error" not in err and "inf" not in err + out
    assert f"costs.lines.C1.{field}: value " in err and "<= 1,000,000,000" in err


def test_one_bad_file_does_not_break_a_portfolio(tmp_path, capsys):
    write(tmp_path, {"schema_version": 1, "costs": {"lines": {"C1": {"yearly_eur": 1e308}}}},
          "bad.hrk.json")
    save(make(title={"en": "Fine"}), tmp_path / "fine.hrk.json", author="t")
    code, out, _err = run(capsys, "portfolio", str(tmp_path), "--json")
    assert code == 2
    data = json.loads(out)
    assert [r["title"] for r in data["ranking"]] == ["Fine"]
    assert "bad.hrk.json: costs.lines.C1.yearly_eur" in data["errors"][0]


@pytest.mark.parametrize("rate, words", [("-5", "out of bounds"), ("nan", "not a finite"),
                                         ("1e400", "not a finite"),
                                         ("100001", "<= 100,000")])
def test_new_checks_the_day_rate_like_validate(tmp_path, capsys, rate, words):
    out_file = tmp_path / "x.hrk.json"
    code, _, err = run(capsys, "new", "--title", "X", f"--day-rate={rate}", "-o", str(out_file))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("--day-rate: costs.day_rate_eur: ") and words in err
    assert not out_file.exists()


def test_unknown_hrk_lang_is_an_error_naming_the_languages(tmp_path, capsys, monkeypatch):
    path = str(tmp_path / "a.hrk.json")
    save(make(), path, author="t")
    monkeypatch.setenv("HRK_LANG", "de")
    code, _, err = run(capsys, "score", path)
    assert code == 2
    assert "HRK_LANG" in err and "de" in err and "en, fi, sv" in err
    monkeypatch.setenv("HRK_LANG", "sv")
    code, out, _ = run(capsys, "score", path)
    assert code == 0 and "Vägledande rekommendation" in out


def test_a_failed_write_names_the_target_even_as_root(tmp_path, capsys, monkeypatch):
    import hrk_workbench.foundations.atomic as atomic

    def no_space(*_args, **_kw):
        raise OSError(28, "No space left on device", str(tmp_path / ".a.hrk.json.x1.tmp"))

    monkeypatch.setattr(atomic.os, "fsync", no_space)
    target = tmp_path / "a.hrk.json"
    code, _, err = run(capsys, "new", "--title", "T", "-o", str(target))
    assert code == 2
    assert err.startswith(f"{target}: $: cannot write: No space left on device")
    assert ".tmp" not in err
    assert list(tmp_path.iterdir()) == []


# --- errors in the steward's language -----------------------------------------------------------

def test_problems_are_rendered_in_finnish_and_swedish(tmp_path, capsys, forms):
    path = write(tmp_path, {"schema_version": 1, "benefits": {"B1": {"value": 9}},
                            "risks": {"R1": {"likelihood": "high"}}})
    code, _, err_fi = run(capsys, "validate", path, "--lang", "fi")
    assert code == 2
    assert "risks.R1.likelihood: vääränlainen arvo 'high' (odotettiin: kokonaisluku)" in err_fi
    code, _, err_sv = run(capsys, "validate", path, "--lang", "sv")
    assert "fel sorts värde 'high' (förväntat: ett heltal)" in err_sv
    try:
        parse_assessment("", "e.hrk.json")
    except AssessmentFileError as exc:
        assert render_problem(exc.problems[0], "fi", forms) == (
            "$: tiedosto on tyhjä (odotettiin JSON-objektia, jossa on schema_version)")


def test_validate_json_problems_have_level_path_code_and_message(tmp_path, capsys):
    path = write(tmp_path, {"schema_version": 1, "benefits": {"B1": {"value": 9}}})
    code, out, _ = run(capsys, "validate", path, "--json", "--lang", "sv")
    (p,) = json.loads(out)["problems"]
    assert code == 2
    assert (p["level"], p["path"], p["code"]) == ("error", "benefits.B1.value", "off_scale")
    assert p["message"] == "9 ligger utanför skalan (förväntat ett heltal från 0 till 3)"


# --- domain and wording ---------------------------------------------------------------------------

def test_summary_shows_the_chosen_and_the_advised_licence(tmp_path, capsys):
    a = make(title={"en": "T"}, hvd_category="statistics")
    a.licence.licence_id = "CC-BY-SA-4.0"
    path = str(tmp_path / "a.hrk.json")
    save(a, path, author="t")
    code, out, _ = run(capsys, "summary", path)
    assert code == 0
    assert "Licence: CC-BY-SA-4.0 (chosen); CC-BY-4.0 (advised)" in out


def test_summary_takes_json(tmp_path, capsys):
    path = str(tmp_path / "a.hrk.json")
    save(make(title={"en": "T"}), path, author="t")
    code, out, _ = run(capsys, "summary", path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["score"]["recommendation"] == "incomplete"
    assert "anonymisation" in data["advice"]


def test_the_attribution_line_never_has_an_empty_source(tmp_path, capsys, forms):
    from hrk_workbench.licences.advice import advise_licence

    a = make(title={"fi": "Puut"})
    adv = advise_licence(a, forms)
    line = render(adv.attribution, "fi", forms)
    assert "Lähde: ." not in line
    assert "[täydennä lähde" in line
    assert "attribution_fill_in" in codes(adv.reasons)


def test_new_title_language_sets_the_document_language(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    assert run(capsys, "new", "--title", "Träd", "--title-lang", "sv", "-o", str(path))[0] == 0
    assert load_assessment(path).language == "sv"


@pytest.mark.parametrize("lang, word, wrong", [
    ("sv", "medelhög", "medel "),
    ("fi", "arvokas tietoaineisto", "korkean arvon"),
    ("sv", "särskild värdefull datamängd", "En värdefull"),
])
def test_official_terms(forms, lang, word, wrong):
    a = make(gates=ALL_NO, benefits={"B1": 3, "B2": 3, "B3": 3, "B4": 3}, personal_data=False,
             risks={"R1": (2, 3)}, hvd_category="statistics")
    text = " ".join(render(r, lang, forms) for r in summarise(a, forms).reasons)
    from hrk_workbench.overview.advice import advise

    adv = advise(a, forms)
    text += " ".join(render(r, lang, forms) for r in adv.channel.reasons)
    assert word in text.lower() or word in text
    assert wrong not in text


def test_finnish_says_suurin_pistemaara_for_the_maximum(forms):
    s = summarise(make(benefits={"B1": 1}), forms)
    assert "suurin pistemäärä on 33" in render(s.benefit.reasons[0], "fi", forms)
