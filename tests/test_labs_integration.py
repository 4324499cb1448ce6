"""The labs in the assessment (issues 17 and 18, core side): schema 3 and its migration, the
converters, step 7 with a saved measurement, the step marks, ``--save`` on ``risk``, ``puf``
and ``tables``, the data dictionary as a Frictionless Table Schema linked from the catalogue
record, and the memo's account of what was measured. Real files throughout, through the CLI.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ALL_NO, EXAMPLES, make, strip_schema5_defaults

from hrk_workbench.cli.program import main
from hrk_workbench.decision.summary import summarise
from hrk_workbench.disclosure.column_types import infer_type
from hrk_workbench.disclosure.microdata.measures import measure_frame
from hrk_workbench.disclosure.results import (
    data_dictionary,
    loss_summary,
    masking_rules,
    risk_lab_result,
    table_lab_result,
    table_schema,
)
from hrk_workbench.foundations.problems import InputError
from hrk_workbench.model.assessment import SCHEMA_VERSION, Assessment, RiskLabResult, TableLabResult
from hrk_workbench.model.edit import EditError, set_answer
from hrk_workbench.model.store import dumps, load_assessment, parse_assessment, save_assessment
from hrk_workbench.overview.progress import STEPS, step_states
from hrk_workbench.reporting.content import build_memo

V2_EXAMPLES = Path(__file__).parent / "data" / "v2-examples"
KEY = "labs-integration-SECRET-key-7f3a9c"  # must never appear in any file written
HIGH = {f"B{i}": 3 for i in range(1, 10)}
SAFE_UNIT = {"A1": "no", "A2": "no", "A3": "no", "A5": "no", "A9": "no"}
EXPECTED = {  # README's table of examples
    "city-bike-trips": "open", "air-quality": "open", "meeting-rooms": "open_low_priority",
    "social-assistance": "open_after_mitigation", "health-research": "limited_access",
    "water-network": "do_not_open", "street-trees-draft": "incomplete",
}


def personal_unit(anon: dict, **kw) -> Assessment:
    return make(gates=ALL_NO, benefits=HIGH, risks={"R1": (1, 2), "R2": (1, 2)},
                personal_data=True, granularity="unit",
                anonymisation={**SAFE_UNIT, **anon}, **kw)


def lab(k: int | None, **extra) -> RiskLabResult:
    return RiskLabResult(file="people.csv", rows=100, key_variables=["age", "sex"], k=k,
                         **extra)


def people(n: int = 600, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "name": [f"Person {i}" for i in range(n)],
        "person_id": [f"ID{i:05d}" for i in range(n)],
        "age": rng.integers(18, 95, n).astype(str),
        "sex": rng.choice(["F", "M"], n),
        "municipality": rng.choice([f"K{i:02d}" for i in range(12)], n),
        "diagnosis": rng.choice(["E11", "I10", "J45", "F32"], n),
        "income": [f"{v},5" for v in rng.integers(1000, 9000, n)],
    })


# --- schema 3 and the migration -------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(V2_EXAMPLES.glob("*.hrk.json")), ids=lambda p: p.name)
def test_version_2_files_load_unchanged_in_meaning(path, forms):
    old = json.loads(path.read_text(encoding="utf-8"))
    assert old["schema_version"] == 2
    a = parse_assessment(path.read_bytes(), str(path))
    new = json.loads(dumps(a))
    assert new["schema_version"] == SCHEMA_VERSION
    assert (new.pop("risk_lab"), new.pop("table_lab")) == (None, [])
    assert new["publication"].pop("schema_url") == ""
    strip_schema5_defaults(new)  # schema 5's additions, each empty
    old.pop("schema_version"), new.pop("schema_version")
    assert new == old
    # the v2 file's recommendation is what it was (A10 alone decides step 7)
    name = path.name.removesuffix(".hrk.json")
    assert summarise(a, forms).recommendation.outcome == EXPECTED[name]


def test_examples_are_current_schema_with_the_readme_recommendations(forms):
    for name, outcome in EXPECTED.items():
        a = load_assessment(EXAMPLES / f"{name}.hrk.json")
        raw = json.loads((EXAMPLES / f"{name}.hrk.json").read_text(encoding="utf-8"))
        assert raw["schema_version"] == SCHEMA_VERSION
        assert summarise(a, forms).recommendation.outcome == outcome, name
    health = load_assessment(EXAMPLES / "health-research.hrk.json")
    assert health.risk_lab is not None and health.risk_lab.k == 2
    assert not health.risk_lab.protected


def test_lab_results_are_checked_strictly():
    with pytest.raises(InputError) as info:
        parse_assessment(json.dumps({"schema_version": 3, "risk_lab": {"k": "3"}}))
    assert [p.location for p in info.value.problems] == ["risk_lab.k"]
    with pytest.raises(InputError) as info:
        parse_assessment(json.dumps({"schema_version": 3, "risk_lab": {"key": "x"}}))
    assert [p.location for p in info.value.problems] == ["risk_lab.key"]
    with pytest.raises(InputError) as info:
        parse_assessment(json.dumps({"schema_version": 3, "table_lab": [{"primary": -1}]}))
    assert [p.location for p in info.value.problems] == ["table_lab[0].primary"]
    with pytest.raises(InputError):
        parse_assessment(json.dumps({"schema_version": 3, "risk_lab": {
            "dictionary": [{"column": "a", "role": "secret"}]}}))
    # a file that already holds a bad address still opens (validate warns at its path)
    held = parse_assessment(json.dumps({"schema_version": 3,
                                        "publication": {"schema_url": "file:///c:/x.json"}}))
    assert held.publication.schema_url == "file:///c:/x.json"


def test_whole_objects_are_set_and_undone_by_path(forms):
    """The GUI's edit_many(("risk_lab", dict), ...) and edit("table_lab", [...])."""
    a = personal_unit({"A2": "yes"})
    before = dumps(a)
    result = lab(5).model_dump(mode="json")
    change = set_answer(a, "risk_lab", result, forms)
    assert a.risk_lab is not None and a.risk_lab.k == 5
    assert change.old is None and change.new == result
    set_answer(a, "table_lab", [TableLabResult(name="t.csv", cells=9).model_dump(mode="json")],
               forms)
    assert a.table_lab[0].cells == 9
    set_answer(a, "table_lab", [], forms)
    set_answer(a, "risk_lab", change.old, forms)
    assert dumps(a) == before
    with pytest.raises(EditError):
        set_answer(a, "risk_lab", {"k": 3.5}, forms)


# --- converters -----------------------------------------------------------------------------

def test_risk_lab_result_keeps_the_file_name_only_and_matches_the_model(tmp_path):
    frame = people()
    measured = measure_frame(frame, ["age", "sex", "municipality"], ["diagnosis"],
                             file=str(tmp_path / "home" / "steward" / "people.csv"))
    result = risk_lab_result(measured, protected=False)
    assert result["file"] == "people.csv"
    windows = measure_frame(frame, ["sex"], file=r"C:\Users\Anna\people.csv")
    assert risk_lab_result(windows)["file"] == "people.csv"
    model = RiskLabResult.model_validate(result)
    assert model.k == measured.k and model.records_below_k == measured.records_below_k
    assert model.l_diversity == {"diagnosis": measured.l_diversity["diagnosis"]}
    assert model.measured_at is not None
    json.dumps(result)  # plain JSON


def test_recipe_with_a_key_field_is_refused():
    measured = measure_frame(people(50), ["sex"])
    with pytest.raises(ValueError):
        risk_lab_result(measured, recipe={"steps": [
            {"op": "pseudonymise", "columns": ["person_id"], "key": KEY}]})


def test_loss_summary_leaves_out_category_values():
    report = {"records_before": 10, "records_after": 8, "records_removed": 2,
              "share_removed": 0.2, "values_suppressed": 3,
              "variables": {"municipality": {"dropped": False, "recoded": False,
                                             "values_suppressed": 3, "total_variation": 0.1,
                                             "numeric": None,
                                             "lost_most": [{"value": "Smalltown",
                                                            "records": 2, "lost": 2}]}}}
    summary = loss_summary(report)
    assert "Smalltown" not in json.dumps(summary)
    assert summary["variables"]["municipality"]["total_variation"] == 0.1
    assert loss_summary(summary) == summary


def test_dictionary_types_roles_and_masking():
    frame = pd.DataFrame({"postcode": ["00100", "00200"], "n": ["1", "-2"],
                          "x": ["1.5", "2"], "y": ["1,5", "2"], "d": ["2024-01-02", None],
                          "m": ["2024-01", "2024-02"], "t": ["a", "b"]})
    assert [infer_type(frame[c]) for c in frame] == ["string", "integer", "number", "number,",
                                                     "date", "yearmonth", "string"]
    recipe = {"key_variables": ["age", "municipality"], "steps": [
        {"op": "band", "column": "age", "width": 10},
        {"op": "merge", "column": "municipality", "hierarchy": "/tmp/x/regions.csv"},
        {"op": "suppress", "k": 5}, {"op": "drop", "columns": ["name"]}]}
    masks = masking_rules(recipe)
    assert masks == {"age": "band width=10; suppress k=5",
                     "municipality": "merge hierarchy=regions.csv; suppress k=5",
                     "name": "drop"}
    entries = data_dictionary(pd.DataFrame({"age": ["30-39"], "diagnosis": ["E11"]}),
                              {"age": "quasi", "diagnosis": "sensitive"}, recipe,
                              previous=[{"column": "age", "description": {"fi": "Ikä"}}])
    assert entries[0]["masking"] == "band width=10; suppress k=5"
    assert entries[0]["description"] == {"fi": "Ikä"}
    assert entries[1]["sensitive"] is True and entries[0]["sensitive"] is False


# --- step 7 ---------------------------------------------------------------------------------

def _rec(a: Assessment, forms) -> dict:
    return summarise(a, forms).to_json(forms)


def _reasons(r: dict, code: str) -> list[dict]:
    return [x["params"] for x in r["reason_codes"] if x["code"] == code]


def test_step7_saved_k_below_min_group_is_not_measured(forms):
    r = _rec(personal_unit({"A2": "yes", "A10": "yes"}, ), forms)
    assert r["recommendation"] == "open"  # no saved result: A10 alone decides
    a = personal_unit({"A2": "yes", "A10": "yes"})
    a.risk_lab = lab(3)
    r = _rec(a, forms)
    assert r["recommendation"] == "open_after_mitigation"
    assert _reasons(r, "measured_k_too_small") == [{"k": 3, "min_group": 5}]
    assert not _reasons(r, "unmeasured_disclosure_risk")
    assert r["conditions"]


def test_step7_saved_k_reaching_min_group_goes_on_to_benefit(forms):
    a = personal_unit({"A2": "yes", "A10": "yes"})
    a.risk_lab = lab(5, protected=True)
    r = _rec(a, forms)
    assert r["recommendation"] == "open"
    assert _reasons(r, "benefit_high")


@pytest.mark.parametrize(("anon", "needed"), [({"A3": "yes"}, 10), ({"A3": "unknown"}, 10),
                                              ({"A2": "yes", "A8": "finer"}, 10),
                                              ({"A2": "yes", "A8": "grid"}, 50)])
def test_step7_needs_the_assessments_own_threshold(forms, anon, needed):
    """Special-category data (or finer regions, grid squares) needs k >= 10 (50): the
    threshold the risk lab's verdict names, so a file it calls not safe is never opened."""
    a = personal_unit({**anon, "A10": "yes"})
    a.risk_lab = lab(needed - 1, protected=True)
    r = _rec(a, forms)
    assert r["recommendation"] == "open_after_mitigation"
    assert _reasons(r, "measured_k_too_small") == [{"k": needed - 1, "min_group": needed}]
    a.risk_lab = lab(needed, protected=True)
    assert _rec(a, forms)["recommendation"] == "open"


def test_step7_saved_k_needs_a10_yes_too(forms):
    a = personal_unit({"A2": "yes", "A10": "no"})
    a.risk_lab = lab(8)
    r = _rec(a, forms)
    assert r["recommendation"] == "open_after_mitigation"
    assert _reasons(r, "unmeasured_disclosure_risk")
    assert not _reasons(r, "measured_k_too_small")


def test_step7_threshold_is_read_from_forms(forms_copy):
    from hrk_workbench.forms.loader import load_forms

    edited = load_forms(forms_copy("anonymisation.yaml", lambda d: d["parameters"].update(
        min_group_persons=3)))
    a = personal_unit({"A2": "yes", "A10": "yes"})
    a.risk_lab = lab(3)
    assert _rec(a, edited)["recommendation"] == "open"


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_measured_k_reason_renders_in_every_language(forms, lang):
    from hrk_workbench.foundations.i18n import render
    from hrk_workbench.foundations.reasons import Reason

    text = render(Reason("measured_k_too_small", {"k": 3, "min_group": 5}), lang, forms)
    assert "3" in text and "5" in text and "{" not in text


# --- step marks -----------------------------------------------------------------------------

def test_lab_steps_follow_anonymisation():
    i = STEPS.index("anonymisation")
    assert STEPS[i + 1:i + 3] == ("risk_lab", "table_lab")


def test_lab_step_states(forms):
    a = personal_unit({"A2": "yes", "A7": "frequency"})
    states = step_states(a, forms)
    assert (states["risk_lab"], states["table_lab"]) == ("not_run", "not_run")
    a.risk_lab = lab(2)
    a.table_lab = [TableLabResult(name="t.csv")]
    states = step_states(a, forms)
    assert (states["risk_lab"], states["table_lab"]) == ("complete", "complete")
    b = make(personal_data=False, anonymisation={"A7": "none"})
    states = step_states(b, forms)
    assert (states["risk_lab"], states["table_lab"]) == ("complete", "complete")
    c = make(personal_data=True, granularity="aggregated", anonymisation={"A7": "both"})
    assert step_states(c, forms)["risk_lab"] == "complete"
    assert step_states(c, forms)["table_lab"] == "not_run"


# --- the commands, end to end ---------------------------------------------------------------

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setenv("HRK_AUTHOR", "labs test")
    data = tmp_path / "people.csv"
    people().to_csv(data, index=False)
    (tmp_path / "key.txt").write_text(KEY + "\n", encoding="utf-8")
    (tmp_path / "recipe.json").write_text(json.dumps({
        "key_variables": ["age", "sex", "municipality"], "sensitive": ["diagnosis"],
        "seed": 3, "steps": [
            {"op": "remove_direct_identifiers", "columns": ["name"]},
            {"op": "pseudonymise", "columns": ["person_id"]},
            {"op": "band", "column": "age", "width": 20},
            {"op": "suppress", "k": 5}]}), encoding="utf-8")
    assessment = tmp_path / "people.hrk.json"
    assert main(["new", "--title", "People", "-o", str(assessment)]) == 0
    assert main(["set", str(assessment), "dataset.personal_data=true",
                 "dataset.granularity=unit"]) == 0
    return tmp_path


def test_risk_save_records_the_measurement_and_a10(workdir, capsys, forms):
    target = workdir / "people.hrk.json"
    log_before = len(load_assessment(target).change_log)
    assert main(["risk", str(workdir / "people.csv"), "--key", "age,sex,municipality",
                 "--sensitive", "diagnosis", "--save", str(target), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    a = load_assessment(target)
    lab_ = a.risk_lab
    assert lab_ is not None and not lab_.protected
    assert lab_.file == "people.csv" and str(workdir) not in target.read_text("utf-8")
    assert lab_.k == printed["k"] and lab_.sample_uniques == printed["sample_uniques"]
    assert lab_.records_below_k == printed["records_below_k"]
    assert a.anonymisation["A10"].value == "yes"
    assert len(a.change_log) == log_before + 1
    paths = {c.path for c in a.change_log[-1].changes}
    assert "anonymisation.A10.value" in paths and "risk_lab.k" in paths
    roles = {e.column: e.role for e in lab_.dictionary}
    assert roles["age"] == roles["sex"] == roles["municipality"] == "quasi"
    assert roles["diagnosis"] == "sensitive" and roles["name"] == "direct"
    assert [e.column for e in lab_.dictionary] == list(people().columns)
    # the original file is far from k = 5, and the saved result says so at step 7
    assert lab_.k is not None and lab_.k < 5
    complete = personal_unit({"A2": "yes", "A10": "yes"})
    complete.risk_lab = lab_
    r = summarise(complete, forms).to_json(forms)
    assert r["recommendation"] == "open_after_mitigation"
    assert _reasons(r, "measured_k_too_small") == [{"k": lab_.k, "min_group": 5}]


def test_risk_save_refuses_a_bad_target_before_measuring(workdir, capsys):
    code = main(["risk", str(workdir / "people.csv"), "--key", "age",
                 "--save", str(workdir / "missing.hrk.json")])
    assert code == 2
    assert "missing.hrk.json" in capsys.readouterr().err
    assert main(["risk", str(workdir / "people.csv"), "--key", "age",
                 "--save", str(workdir / "people.csv")]) == 2


def test_puf_save_measures_the_written_file_and_never_writes_the_key(workdir, capsys, forms):
    target = workdir / "people.hrk.json"
    assert main(["set", str(target), "anonymisation.A2.value=yes",
                 "anonymisation.A1.value=yes", "anonymisation.A3.value=yes",
                 "anonymisation.A5.value=no", "anonymisation.A9.value=no"]) == 0
    out = workdir / "public.csv"
    assert main(["puf", str(workdir / "people.csv"), "--recipe", str(workdir / "recipe.json"),
                 "-o", str(out), "--key-file", str(workdir / "key.txt"),
                 "--report", str(workdir / "report.json"), "--save", str(target)]) == 0
    capsys.readouterr()
    a = load_assessment(target)
    lab_ = a.risk_lab
    assert lab_ is not None and lab_.protected and lab_.file == "public.csv"
    assert lab_.k is not None and lab_.k >= 5
    assert [s["op"] for s in lab_.recipe] == ["remove_direct_identifiers", "pseudonymise",
                                              "band", "suppress"]
    assert lab_.loss["records_before"] == 600 and "variables" in lab_.loss
    assert a.anonymisation["A10"].value == "yes"
    masks = {e.column: e.masking for e in lab_.dictionary}
    assert masks["age"] == "band width=20; suppress k=5"
    assert masks["person_id"] == "pseudonymise hmac-sha256"
    assert "name" not in masks  # not in the published file
    # the measurement on the protected file satisfies step 7, but the file keeps keyed
    # pseudonyms (person_id): still personal data, never open (issue 23, step 7b)
    complete = personal_unit({"A2": "yes", "A10": "yes"})
    complete.risk_lab = lab_
    r = summarise(complete, forms).to_json(forms)
    assert not _reasons(r, "measured_k_too_small")
    assert r["recommendation"] == "open_after_mitigation"
    assert _reasons(r, "lab_still_personal")[0]["column"] == ["person_id"]

    # the data dictionary, exported and validated, describes the published file
    schema = workdir / "schema.json"
    assert main(["dictionary", str(target), "-o", str(schema)]) == 0
    import frictionless

    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    assert frictionless.Schema.validate_descriptor(descriptor).valid
    fields = {f["name"]: f for f in descriptor["fields"]}
    assert fields["age"]["hrk:masking"] == "band width=20; suppress k=5"
    assert fields["diagnosis"]["hrk:sensitive"] is True
    resource = frictionless.Resource(path=out.name, basepath=str(workdir),
                                     schema=frictionless.Schema.from_descriptor(descriptor))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    # the key is in no file the program wrote, nor in anything it printed
    for path in workdir.rglob("*"):
        if path.is_file() and path.name != "key.txt":
            assert KEY.encode() not in path.read_bytes(), path.name


def test_puf_save_needs_key_variables(workdir, capsys):
    recipe = workdir / "nokeys.json"
    recipe.write_text(json.dumps({"steps": [{"op": "drop", "columns": ["name"]}]}),
                      encoding="utf-8")
    code = main(["puf", str(workdir / "people.csv"), "--recipe", str(recipe), "-o",
                 str(workdir / "o.csv"), "--save", str(workdir / "people.hrk.json")])
    assert code == 2
    assert "key variables" in capsys.readouterr().err
    assert not (workdir / "o.csv").exists()


def test_tables_save_adds_and_replaces_by_name(workdir, capsys):
    target = workdir / "people.hrk.json"
    args = ["tables", str(workdir / "people.csv"), "--rows", "municipality", "--cols", "sex",
            "--min-frequency", "30", "--save", str(target), "--json"]
    assert main([*args, "-o", str(workdir / "by_municipality.csv")]) == 0
    printed = json.loads(capsys.readouterr().out)
    a = load_assessment(target)
    assert len(a.table_lab) == 1
    t = a.table_lab[0]
    assert (t.name, t.dimensions, t.cells, t.primary, t.secondary, t.audit_ok) == (
        "by_municipality.csv", ["municipality", "sex"], printed["cells"], printed["primary"],
        printed["secondary"], True)
    assert t.rules["min_frequency"] == 30 and t.saved_at is not None
    assert main([*args, "-o", str(workdir / "by_municipality.csv")]) == 0
    assert len(load_assessment(target).table_lab) == 1
    assert main([*args, "-o", str(workdir / "again.csv")]) == 0
    assert [t.name for t in load_assessment(target).table_lab] == ["by_municipality.csv",
                                                                   "again.csv"]


def test_table_lab_result_converter(workdir):
    from hrk_workbench.disclosure.tables.cells import table_from_microdata
    from hrk_workbench.disclosure.tables.primary import Rules
    from hrk_workbench.disclosure.tables.protect import protect_table

    table = table_from_microdata(people(), ["municipality", "sex"])
    protected = protect_table(table, Rules(min_frequency=30))
    result = table_lab_result(protected, workdir / "sub" / "t.csv")
    model = TableLabResult.model_validate(result)
    assert model.name == "t.csv" and model.primary == len(protected.primary)
    assert model.secondary == len(protected.secondary) and model.audit_ok


# --- dictionary export and the catalogue record ---------------------------------------------

def test_dictionary_without_a_saved_dictionary_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(title={"en": "x"}), path)
    assert main(["dictionary", str(path)]) == 2
    assert "dictionary" in capsys.readouterr().err


def test_dictionary_prints_descriptions_in_the_chosen_language(capsys):
    assert main(["dictionary", str(EXAMPLES / "health-research.hrk.json"), "--lang",
                 "sv"]) == 0
    descriptor = json.loads(capsys.readouterr().out)
    fields = {f["name"]: f for f in descriptor["fields"]}
    assert fields["sex"]["description"] == "Kön"
    assert fields["visit_month"]["type"] == "yearmonth"
    assert fields["diagnosis"]["hrk:descriptions"]["fi"] == "ICD-10-diagnoosikoodi"
    assert table_schema(load_assessment(EXAMPLES / "health-research.hrk.json"), "en")[
        "fields"][0]["description"] == "Pseudonymous patient code"


def test_schema_url_links_every_distribution_with_conforms_to(tmp_path, capsys):
    from rdflib import Graph, URIRef

    path = tmp_path / "bikes.hrk.json"
    shutil.copy(EXAMPLES / "city-bike-trips.hrk.json", path)
    url = "https://data.vaara.example/city-bikes/schema.json"
    assert main(["set", str(path), f"publication.schema_url={url}"]) == 0
    out = tmp_path / "bikes.ttl"
    # changed since the decider approved it: a public record is written only as a draft
    assert main(["metadata", str(path), "-o", str(out), "--validate", "--draft"]) == 0
    capsys.readouterr()
    g = Graph().parse(out)
    dct = "http://purl.org/dc/terms/"
    dists = set(g.objects(None, URIRef("http://www.w3.org/ns/dcat#distribution")))
    assert dists
    for d in dists:
        assert (d, URIRef(dct + "conformsTo"), URIRef(url)) in g
    assert (URIRef(url), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef(dct + "Standard")) in g


# --- the memo -------------------------------------------------------------------------------

def _texts(section) -> str:
    parts = []
    for b in section.blocks:
        for attr in ("text", "title"):
            parts.append(str(getattr(b, attr, "")))
        for item in getattr(b, "items", ()):
            parts.append(" ".join(item) if isinstance(item, tuple) else str(item))
        for row in (*getattr(b, "rows", ()), getattr(b, "header", ())):
            parts.append(" ".join(row))
    return "\n".join(parts)


def test_memo_shows_the_measurement_recipe_loss_and_tables(workdir, capsys, forms):
    target = workdir / "people.hrk.json"
    assert main(["puf", str(workdir / "people.csv"), "--recipe", str(workdir / "recipe.json"),
                 "-o", str(workdir / "public.csv"), "--key-file", str(workdir / "key.txt"),
                 "--save", str(target)]) == 0
    assert main(["tables", str(workdir / "people.csv"), "--rows", "municipality", "--cols",
                 "sex", "--min-frequency", "30", "-o", str(workdir / "t.csv"),
                 "--save", str(target)]) == 0
    capsys.readouterr()
    a = load_assessment(target)
    lab_ = a.risk_lab
    assert lab_ is not None
    text = _texts(build_memo(a, forms, "en").section("anonymisation"))
    assert "Disclosure risk measured on the data (risk lab)" in text
    assert f"k (smallest group of records sharing their key values) {lab_.k}" in text
    assert "the protected file to be published" in text
    assert "Records in groups smaller than 5" in text
    assert "Groups of records that look alike" in text
    assert "Distinct diagnosis values in the smallest group (l-diversity)" in text
    assert "Expected number of people" not in text  # a register: no risk estimate
    assert "Direct identifiers removed: name." in text
    assert "age grouped into bands (bands 20 wide)." in text
    assert "Replaced by keyed pseudonyms" in text
    assert "until every group has at least 5 records" in text
    assert "Records removed" in text and "Distance (TV)" in text
    assert "Tables protected by cell suppression (table lab)" in text
    t = a.table_lab[0]
    assert f"t.csv municipality × sex at least 30 units; (1, 80 %) dominance; p % rule, " \
           f"p = 10 {t.cells} {t.primary} {t.secondary} passed" in text
    fi = _texts(build_memo(a, forms, "fi").section("anonymisation"))
    assert "Aineistosta mitattu paljastumisriski" in fi and "läpäisty" in fi
    assert "{" not in fi and "{" not in text
    # every renderer lays the new blocks out
    for fmt in ("md", "html", "pdf", "docx"):
        out = workdir / f"memo.{fmt}"
        assert main(["report", str(target), "-o", str(out), "--lang", "sv"]) == 0
        assert out.stat().st_size > 0
    assert "Röjanderisk mätt på uppgifterna" in (workdir / "memo.md").read_text("utf-8")


def test_memo_of_the_health_example_shows_k_2_on_the_original_file(forms):
    a = load_assessment(EXAMPLES / "health-research.hrk.json")
    text = _texts(build_memo(a, forms, "en").section("anonymisation"))
    assert "the original file, before any protection" in text
    assert "Reaches k ≥ 5 no" in text
    assert "diabetes_episodes_2025.csv" in text


def test_memo_without_lab_results_has_no_lab_blocks(forms):
    a = personal_unit({"A2": "yes"})
    text = _texts(build_memo(a, forms, "en").section("anonymisation"))
    assert "risk lab" not in text and "table lab" not in text
