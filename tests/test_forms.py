"""The default forms match HRK-METHOD.md, and a broken form fails with a precise message."""

from __future__ import annotations

import pytest
from helpers import make

from hrk_workbench.decision.check import check_against_forms
from hrk_workbench.forms.loader import FormError, load_forms
from hrk_workbench.forms.schema import LANGUAGES
from hrk_workbench.scoring.benefit import score_benefits

# HRK-METHOD.md, section "Benefits": id -> weight
METHOD_WEIGHTS = {"B1": 2, "B2": 2, "B3": 1, "B4": 1, "B5": 1, "B6": 1, "B7": 1, "B8": 1,
                  "B9": 1}


def test_questionnaire_ids_weights_and_thresholds_follow_the_method(forms):
    hrk = forms.hrk
    assert [g.id for g in hrk.gates.questions] == ["G1", "G2", "G3", "G4"]
    assert {g.id: g.blocks_with for g in hrk.gates.questions} == {
        "G1": "do_not_open", "G2": "limited_access", "G3": "do_not_open", "G4": "do_not_open"}
    assert {b.id: b.weight for b in hrk.benefits.questions} == METHOD_WEIGHTS
    assert (hrk.benefits.scale.min, hrk.benefits.scale.max) == (0, 3)
    assert [(b.id, b.min) for b in hrk.benefits.levels] == [("low", 0), ("medium", 34),
                                                            ("high", 67)]
    assert [r.id for r in hrk.risks.questions] == [f"R{i}" for i in range(1, 10)]
    assert (hrk.risks.likelihood.min, hrk.risks.likelihood.max) == (1, 5)
    assert (hrk.risks.impact.min, hrk.risks.impact.max) == (1, 5)
    assert [(b.id, b.min) for b in hrk.risks.levels] == [
        ("low", 1), ("medium", 5), ("high", 10), ("critical", 20)]
    assert [c.id for c in hrk.costs.items] == [f"C{i}" for i in range(1, 10)]
    assert hrk.costs.day_rate_eur == 600
    assert hrk.costs.horizon_years == 3
    assert [(b.id, b.min) for b in hrk.costs.levels] == [("low", 0), ("medium", 10000),
                                                         ("high", 50000)]
    assert hrk.portfolio_order == ["open", "open_low_priority", "open_after_mitigation",
                                   "limited_access", "do_not_open", "incomplete"]


def test_scale_labels_match_the_legacy_workbooks(forms):
    """fi_v1 workbooks hold these labels; the form must use the same words."""
    lk = forms.hrk.risks.likelihood.labels
    im = forms.hrk.risks.impact.labels
    assert [lk[i]["fi"] for i in range(1, 6)] == [
        "Erittäin epätodennäköinen", "Epätodennäköinen", "Mahdollinen", "Todennäköinen",
        "Lähes varma"]
    assert [im[i]["sv"] for i in range(1, 6)] == [
        "Obetydlig", "Liten", "Måttlig", "Allvarlig", "Mycket allvarlig"]
    assert forms.hrk.benefits.scale.labels[3]["fi"] == "Merkittävä"


def test_every_question_has_all_three_languages(forms):
    groups = [forms.hrk.gates.questions, forms.hrk.benefits.questions,
              forms.hrk.risks.questions, forms.hrk.costs.items, forms.anonymisation.questions,
              forms.channel.questions, forms.quality.criteria]
    for group in groups:
        for q in group:
            for lang in LANGUAGES:
                assert q.text[lang].strip(), (q.id, lang)
    assert len(forms.quality.criteria) == 11


def test_catalogues_have_the_formats_and_licences_stewards_meet(forms):
    required = {"CSV", "TXT", "GEOJSON", "KML", "GPKG", "SHP", "GEOTIFF", "NETCDF", "JSON",
                "XML", "PDF", "XLSX"}
    assert required <= {f.id for f in forms.formats.formats}
    csv, xlsx, pdf = (forms.file_format(i) for i in ("CSV", "XLSX", "PDF"))
    assert (csv.open, csv.structured, csv.media_type, csv.openness_score) == (
        True, True, "text/csv", 3)
    assert (xlsx.open, xlsx.openness_score) == (False, 2)
    assert (pdf.structured, pdf.openness_score) == (False, 1)
    by = forms.licence("CC-BY-4.0")
    zero = forms.licence("CC0-1.0")
    assert (by.spdx, by.uri, by.ckan_id) == (
        "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0")
    assert by.eu_uri == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert (zero.spdx, zero.attribution, zero.ckan_id) == ("CC0-1.0", False, "cc-zero-1.0")
    assert not forms.licence("CC-BY-NC-4.0").open
    # CC BY 4.0 and every licence no more restrictive than it (Regulation (EU) 2023/138)
    assert {lic.id for lic in forms.licences.licences if lic.hvd_allowed} == {
        "CC-BY-4.0", "CC0-1.0", "PDDL-1.0", "ODC-By-1.0"}
    assert len(forms.vocab.hvd_categories) == 6


def _error_lines(exc: pytest.ExceptionInfo[FormError]) -> str:
    return "\n".join(exc.value.lines())


def test_yaml_syntax_error_names_file_and_line(forms_copy):
    folder = forms_copy()
    path = folder / "hrk.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9] + ' : ]["'
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormError) as exc:
        load_forms(folder)
    text = _error_lines(exc)
    assert "hrk.yaml" in text
    assert "line 10" in text or "line 11" in text
    assert "YAML syntax error" in text


def test_wrong_weight_type_names_the_path_and_expectation(forms_copy):
    def bad(data):
        data["benefits"]["questions"][0]["weight"] = "two"

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("hrk.yaml", bad))
    text = _error_lines(exc)
    assert "hrk.yaml: $.benefits.questions[0].weight" in text
    assert "a number" in text


def test_missing_translation_is_reported(forms_copy):
    def bad(data):
        del data["risks"]["questions"][2]["text"]["sv"]

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("hrk.yaml", bad))
    text = _error_lines(exc)
    assert "$.risks.questions[2].text" in text
    assert "sv" in text


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        ("hrk.yaml", lambda d: d["benefits"]["questions"].append(
            dict(d["benefits"]["questions"][0])), "id 'B1' is used twice"),
        ("hrk.yaml", lambda d: d["risks"]["levels"].reverse(), "ascending"),
        ("hrk.yaml", lambda d: d["costs"]["levels"].pop(), "cost levels must include"),
        ("channel.yaml", lambda d: d["questions"][0].update(options="no_such_set"),
         "unknown option set 'no_such_set'"),
        ("licences.yaml", lambda d: d.update(default_data="MIT"), "names no licence"),
        ("hrk.yaml", lambda d: d["benefits"]["scale"]["labels"].pop(2),
         "no label for scale point(s) [2]"),
        ("quality.yaml", lambda d: d["criteria"][0].update(colour="red"), "Extra inputs"),
    ],
)
def test_broken_forms_are_refused_with_the_reason(forms_copy, name, change, expected):
    with pytest.raises(FormError) as exc:
        load_forms(forms_copy(name, change))
    assert expected in _error_lines(exc)


def test_message_catalogues_must_agree(forms_copy):
    def drop(data):
        data["reasons"].pop("benefit_low")

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("messages/sv.yaml", drop))
    assert "sv.yaml: $.reasons.benefit_low: missing" in _error_lines(exc)

    def rename(data):
        data["reasons"]["benefit_low"] = data["reasons"]["benefit_low"].replace(
            "{score}", "{points}")

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("messages/fi.yaml", rename))
    assert "placeholders" in _error_lines(exc)


def test_missing_forms_folder_is_a_form_error(tmp_path):
    with pytest.raises(FormError) as exc:
        load_forms(tmp_path / "nowhere")
    assert "forms folder not found" in _error_lines(exc)


def test_a_new_benefit_question_needs_no_code_change(forms_copy, forms):
    def add(data):
        data["benefits"]["questions"].append({
            "id": "B10", "weight": 3,
            "text": {"en": "Climate value", "fi": "Ilmastohyöty", "sv": "Klimatnytta"}})

    extended = load_forms(forms_copy("hrk.yaml", add))
    a = make(benefits={"B1": 3, "B10": 3})
    # default: 6 of 33; extended: (6 + 9) of (33 + 9)
    assert score_benefits(a, forms).score == 18
    assert score_benefits(a, extended).score == 36
    assert not [p for p in check_against_forms(a, extended) if "B10" in p.location]
    assert [p.severity for p in check_against_forms(a, forms) if "B10" in p.location] == [
        "warning"]
    assert extended.question_text("B10", "fi") == "Ilmastohyöty"


def test_a_new_generic_question_is_validated_from_its_definition(forms_copy):
    def add(data):
        data["questions"].append({
            "id": "A11", "type": "integer", "min": 0, "max": 100,
            "text": {"en": "Share of rows with coordinates", "fi": "Koordinaatillisten "
                     "rivien osuus", "sv": "Andel rader med koordinater"}})

    extended = load_forms(forms_copy("anonymisation.yaml", add))
    assert not check_against_forms(make(anonymisation={"A11": 40}), extended)
    problems = check_against_forms(make(anonymisation={"A11": 140}), extended)
    assert [(p.location, p.expected) for p in problems] == [
        ("anonymisation.A11.value", "a number from 0 to 100")]


def test_a_rule_parameter_that_is_not_a_number_is_refused(forms_copy):
    def bad(data):
        data["parameters"]["min_frequency"] = "three"

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("anonymisation.yaml", bad))
    [problem] = exc.value.problems
    assert problem.location == "$.parameters.min_frequency"
    assert problem.expected == "a whole number or a number or a list"


def test_a_question_id_with_a_dot_is_refused_with_the_reason(forms_copy):
    def dotted(data):
        data["benefits"]["questions"][0]["id"] = "B.1"

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("hrk.yaml", dotted))
    text = _error_lines(exc)
    assert "hrk.yaml: $.benefits.questions[0].id" in text
    assert "contains '.'" in text and "benefits.B3.value" in text


@pytest.mark.parametrize("name, section, qid", [("anonymisation.yaml", "questions", "A9"),
                                                ("channel.yaml", "questions", "CH13"),
                                                ("dataset.yaml", "fields", "granularity")])
def test_a_question_the_rules_read_must_exist(forms_copy, name, section, qid):
    def drop(data):
        data[section] = [q for q in data[section] if q["id"] != qid]
        data.pop("contradictions", None)
        for q in data[section]:  # conditions may name it too; keep this test about one thing
            if isinstance(q.get("required"), dict):
                q["required"] = True

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy(name, drop))
    assert f"question {qid!r} is read by the rules but the form lacks it" in _error_lines(exc)


def test_a_required_rule_naming_no_answer_is_refused(forms_copy):
    def bad(data):
        data["questions"][0]["required"] = {"when": {"dataset.personal": True}}

    with pytest.raises(FormError) as exc:
        load_forms(forms_copy("anonymisation.yaml", bad))
    assert "'dataset.personal' names no answer" in _error_lines(exc)


def test_a_new_required_rule_needs_no_code_change(forms_copy):
    """Make A4 required for all personal data: the recommendation waits for it."""
    from helpers import ALL_NO, make

    from hrk_workbench.decision.summary import summarise

    def require_a4(data):
        for q in data["questions"]:
            if q["id"] == "A4":
                q["required"] = {"when": {"dataset.personal_data": True}}

    edited = load_forms(forms_copy("anonymisation.yaml", require_a4))
    a = make(personal_data=True, granularity="aggregated", gates=ALL_NO, benefits={"B1": 3},
             risks={"R1": (1, 1), "R2": (1, 1)})
    assert summarise(a, edited).recommendation.missing == ("anonymisation.A4",)


def test_the_disk_cache_never_serves_a_changed_form(forms_copy, tmp_path, monkeypatch):
    """Checked forms are kept between runs, but an edited file is read and checked again,
    and a damaged cache file only costs a slower start."""
    import yaml

    from hrk_workbench.forms import loader

    folder = forms_copy()
    monkeypatch.setenv("HRK_FORMS_DIR", str(folder))
    monkeypatch.setenv("HRK_CACHE_DIR", str(tmp_path / "cache"))
    loader._load.cache_clear()
    first = load_forms()
    cached = list((tmp_path / "cache" / "hrk-workbench").glob("forms-*.pickle"))
    assert len(cached) == 1
    loader._load.cache_clear()
    assert load_forms().hrk.costs.day_rate_eur == first.hrk.costs.day_rate_eur

    path = folder / "hrk.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["costs"]["day_rate_eur"] = 777
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loader._load.cache_clear()
    assert load_forms().hrk.costs.day_rate_eur == 777

    for f in (tmp_path / "cache" / "hrk-workbench").glob("forms-*.pickle"):
        f.write_bytes(b"not a pickle")
    loader._load.cache_clear()
    assert load_forms().hrk.costs.day_rate_eur == 777
    loader._load.cache_clear()
