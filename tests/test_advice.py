"""The advice rules: anonymisation need, sharing channel, formats, five stars, licence,
quality statement, metadata readiness and the aggregate advice a steward reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make

from hrk_workbench.channels.advice import advise_channel, advise_formats, five_star
from hrk_workbench.disclosure.need import advise_anonymisation
from hrk_workbench.forms.loader import load_forms
from hrk_workbench.foundations.i18n import render
from hrk_workbench.foundations.reasons import codes
from hrk_workbench.licences.advice import advise_licence
from hrk_workbench.metadata.readiness import advise_metadata
from hrk_workbench.model.assessment import QualityAnswer
from hrk_workbench.model.store import load_assessment
from hrk_workbench.overview.advice import SECTIONS, advise
from hrk_workbench.quality.statement import quality_statement

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "city-bike-trips.hrk.json"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_NAME = "Creative Commons Attribution 4.0 International"
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
STATISTICS_URI = "http://data.europa.eu/bna/c_e1da4e07"
THRESHOLD_CODES = ("anon_threshold_base", "anon_threshold_special",
                   "anon_threshold_fine_regional", "anon_threshold_grid")


def reason(reasons, code):
    """The single reason with ``code``; fails if there is none or more than one."""
    found = [r for r in reasons if r.code == code]
    assert len(found) == 1, f"expected one {code}, got {codes(reasons)}"
    return found[0]


@pytest.fixture(scope="module")
def example():
    return load_assessment(EXAMPLE)


# --------------------------------------------------------------------------- anonymisation


def test_anon_no_personal_data_needs_nothing(forms):
    """Not personal, not businesses: no anonymisation, and no cell threshold even for tables."""
    a = make(personal_data=False, granularity="aggregated",
             anonymisation={"A6": "objects", "A7": "frequency", "A1": "yes"})
    adv = advise_anonymisation(a, forms)
    assert adv.needed is False
    assert codes(adv.actions) == ["anon_not_personal"]
    assert adv.min_frequency is None
    assert adv.dominance is None


def test_anon_personal_data_unknown_cannot_tell(forms):
    adv = advise_anonymisation(make(personal_data=None), forms)
    assert adv.needed is None
    assert codes(adv.actions) == ["anon_personal_unknown"]
    assert adv.min_frequency is None


@pytest.mark.parametrize(("answer", "present"), [("yes", True), ("unknown", True), ("no", False)])
def test_anon_direct_identifiers_removed_when_possibly_present(forms, answer, present):
    adv = advise_anonymisation(make(personal_data=True, anonymisation={"A1": answer}), forms)
    assert ("anon_remove_direct" in codes(adv.actions)) is present
    if present:
        assert reason(adv.actions, "anon_remove_direct").params == {"answer": answer}
        assert adv.needed is True


@pytest.mark.parametrize(("answer", "present"), [("yes", True), ("unknown", True), ("no", False)])
def test_anon_free_text_removed_when_possibly_personal(forms, answer, present):
    adv = advise_anonymisation(make(personal_data=True, anonymisation={"A4": answer}), forms)
    assert ("anon_remove_free_text" in codes(adv.actions)) is present


def test_anon_pseudonymised_is_still_personal_data(forms):
    """Pseudonymisation is not anonymisation: the steward is told so, in their language."""
    adv = advise_anonymisation(make(personal_data=True, anonymisation={"A5": "yes"}), forms)
    assert adv.needed is True
    r = reason(adv.actions, "anon_pseudonymised_still_personal")
    assert "still personal data" in render(r, "en", forms)
    assert "edelleen henkilötietoa" in render(r, "fi", forms)
    assert "fortfarande personuppgifter" in render(r, "sv", forms)


def test_anon_not_pseudonymised_gets_no_pseudonymisation_warning(forms):
    adv = advise_anonymisation(make(personal_data=True, anonymisation={"A5": "no"}), forms)
    assert "anon_pseudonymised_still_personal" not in codes(adv.actions)


@pytest.mark.parametrize(("answer", "present"), [("yes", True), ("no", False), ("unknown", True)])
def test_anon_linkage_needs_keyed_hash(forms, answer, present):
    adv = advise_anonymisation(make(personal_data=True, anonymisation={"A9": answer}), forms)
    assert ("anon_keyed_hash" in codes(adv.actions)) is present


@pytest.mark.parametrize(("measured", "measure_asked"),
                         [(None, True), ("no", True), ("unknown", True), ("yes", False)])
def test_anon_unit_data_with_indirect_identifiers_aggregated(forms, measured, measure_asked):
    """Unit-level data with indirect identifiers: aggregate to groups of at least 5 persons,
    and measure the risk unless it has been measured (A10 yes)."""
    answers = {"A2": "yes"} | ({"A10": measured} if measured else {})
    a = make(personal_data=True, granularity="unit", anonymisation=answers)
    adv = advise_anonymisation(a, forms)
    assert reason(adv.actions, "anon_aggregate").params == {"min_group": 5}
    assert ("anon_measure_risk" in codes(adv.actions)) is measure_asked
    assert adv.needed is True


def test_anon_unit_data_without_indirect_identifiers_not_aggregated(forms):
    a = make(personal_data=True, granularity="unit", anonymisation={"A2": "no"})
    adv = advise_anonymisation(a, forms)
    assert "anon_aggregate" not in codes(adv.actions)
    assert "anon_measure_risk" not in codes(adv.actions)


@pytest.mark.parametrize(("granularity", "longitudinal", "present"), [
    ("unit", True, True), ("unit", False, False), ("aggregated", True, False)])
def test_anon_longitudinal_unit_data(forms, granularity, longitudinal, present):
    a = make(personal_data=True, granularity=granularity, longitudinal=longitudinal,
             anonymisation={"A7": "none"})
    adv = advise_anonymisation(a, forms)
    assert ("anon_longitudinal" in codes(adv.actions)) is present


@pytest.mark.parametrize(("answers", "code", "n"), [
    ({}, "anon_threshold_base", 3),
    ({"A8": "municipality"}, "anon_threshold_base", 3),
    ({"A3": "no"}, "anon_threshold_base", 3),
    ({"A3": "yes"}, "anon_threshold_special", 10),
    ({"A8": "finer"}, "anon_threshold_fine_regional", 10),
    ({"A8": "grid"}, "anon_threshold_grid", 50),
    ({"A3": "yes", "A8": "grid"}, "anon_threshold_grid", 50),
])
def test_anon_frequency_table_threshold_is_the_strictest_that_applies(forms, answers, code, n):
    a = make(personal_data=True, granularity="aggregated",
             anonymisation={"A7": "frequency", **answers})
    adv = advise_anonymisation(a, forms)
    assert adv.min_frequency == n
    thresholds = [r for r in adv.actions if r.code in THRESHOLD_CODES]
    assert [(r.code, r.params) for r in thresholds] == [(code, {"n": n})]


def test_anon_aggregated_personal_data_assumed_to_be_tables(forms):
    """Aggregated personal data with A7 unanswered still gets the table threshold."""
    adv = advise_anonymisation(make(personal_data=True, granularity="aggregated"), forms)
    assert adv.min_frequency == 3
    assert "anon_secondary" in codes(adv.actions)


@pytest.mark.parametrize("tables", ["magnitude", "both"])
def test_anon_magnitude_tables_need_dominance_rule(forms, tables):
    a = make(personal_data=True, granularity="aggregated", anonymisation={"A7": tables})
    adv = advise_anonymisation(a, forms)
    assert adv.dominance == {"n": 1, "k": 80, "p": 10}
    assert reason(adv.actions, "anon_dominance").params == {"n": 1, "k": 80, "p": 10}


def test_anon_frequency_tables_need_no_dominance_rule(forms):
    a = make(personal_data=True, granularity="aggregated", anonymisation={"A7": "frequency"})
    adv = advise_anonymisation(a, forms)
    assert adv.dominance is None
    assert "anon_dominance" not in codes(adv.actions)


@pytest.mark.parametrize(("tables", "present"), [
    ("frequency", True), ("magnitude", True), ("both", True), ("none", False)])
def test_anon_secondary_suppression_with_any_table_protection(forms, tables, present):
    a = make(personal_data=True, granularity="unit", anonymisation={"A7": tables, "A2": "no"})
    adv = advise_anonymisation(a, forms)
    assert ("anon_secondary" in codes(adv.actions)) is present
    assert (adv.min_frequency is not None) is present


def test_anon_business_magnitude_tables_need_dominance_for_trade_secrets(forms):
    """Businesses are not personal data, but their magnitude tables still leak trade secrets."""
    a = make(personal_data=False, granularity="aggregated",
             anonymisation={"A6": "businesses", "A7": "magnitude"})
    adv = advise_anonymisation(a, forms)
    assert adv.needed is True
    assert "anon_not_personal" not in codes(adv.actions)
    assert adv.dominance == {"n": 1, "k": 80, "p": 10}
    assert adv.min_frequency == 3
    assert {"anon_dominance", "anon_secondary"} <= set(codes(adv.actions))


def test_anon_gate_g2_yes_limits_to_restricted_access(forms):
    a = make(personal_data=True, gates={"G2": "yes"})
    adv = advise_anonymisation(a, forms)
    assert adv.needed is True
    r = reason(adv.actions, "anon_gate_limited")
    assert r.params == {"gate": "G2"}
    assert render(r, "en", forms).startswith("G2 says persons remain identifiable")


def test_anon_gate_g2_no_does_not_limit(forms):
    adv = advise_anonymisation(make(personal_data=True, gates={"G2": "no"}), forms)
    assert "anon_gate_limited" not in codes(adv.actions)


def test_anon_thresholds_come_from_the_form(forms_copy):
    def edit(data):
        data["parameters"].update(min_frequency=5, min_frequency_grid=100, dominance_k=90,
                                  p_percent=15, min_group_persons=8)

    edited = load_forms(forms_copy("anonymisation.yaml", edit))
    freq = make(personal_data=True, granularity="aggregated", anonymisation={"A7": "both"})
    adv = advise_anonymisation(freq, edited)
    assert adv.min_frequency == 5
    assert reason(adv.actions, "anon_threshold_base").params == {"n": 5}
    assert adv.dominance == {"n": 1, "k": 90, "p": 15}

    grid = make(personal_data=True, granularity="aggregated",
                anonymisation={"A7": "frequency", "A8": "grid"})
    assert advise_anonymisation(grid, edited).min_frequency == 100

    unit = make(personal_data=True, granularity="unit", anonymisation={"A2": "yes"})
    aggregate = reason(advise_anonymisation(unit, edited).actions, "anon_aggregate")
    assert aggregate.params == {"min_group": 8}


# --------------------------------------------------------------------------- channel


def test_channel_small_annual_data_is_a_file(forms):
    a = make(size_mb=5, update_frequency="ANNUAL", record_count=2000,
             channel={"CH1": "no", "CH2": "no", "CH3": "yes", "CH11": "yes", "CH12": "yes"})
    adv = advise_channel(a, forms)
    assert adv.channel == "file"
    assert codes(adv.reasons) == ["channel_file_simple"]


def test_channel_real_time_with_capacity_is_api(forms):
    a = make(size_mb=5, channel={"CH1": "yes", "CH3": "yes"})
    adv = advise_channel(a, forms)
    assert adv.channel == "api"
    assert {"channel_api_real_time", "channel_api_only_real_time"} <= set(codes(adv.reasons))


@pytest.mark.parametrize(("dataset", "answers", "code", "params"), [
    ({"size_mb": 250.0}, {}, "channel_api_size", {"size_mb": 250.0, "limit": 100.0}),
    ({"record_count": 1_500_000}, {}, "channel_api_records",
     {"count": 1_500_000, "limit": 1_000_000.0}),
    ({"update_frequency": "DAILY"}, {}, "channel_api_frequent", {"frequency": "DAILY"}),
    ({}, {"CH2": "yes"}, "channel_api_subsets", {}),
])
def test_channel_api_reasons_with_capacity_give_both(forms, dataset, answers, code, params):
    a = make(**dataset, channel={"CH3": "yes", **answers})
    adv = advise_channel(a, forms)
    assert adv.channel == "both"
    assert reason(adv.reasons, code).params == params
    assert "channel_both" in codes(adv.reasons)
    assert "channel_file_simple" not in codes(adv.reasons)


@pytest.mark.parametrize(("size_mb", "api"), [(100, False), (100.5, True)])
def test_channel_size_limit_is_more_than_100_mb(forms, size_mb, api):
    adv = advise_channel(make(size_mb=size_mb, channel={"CH3": "yes"}), forms)
    assert ("channel_api_size" in codes(adv.reasons)) is api
    assert adv.channel == ("both" if api else "file")


@pytest.mark.parametrize(("records", "api"), [(1_000_000, False), (1_000_001, True)])
def test_channel_record_limit_is_more_than_a_million(forms, records, api):
    adv = advise_channel(make(record_count=records, channel={"CH3": "yes"}), forms)
    assert ("channel_api_records" in codes(adv.reasons)) is api


def test_channel_monthly_update_is_not_frequent(forms):
    adv = advise_channel(make(update_frequency="MONTHLY", channel={"CH3": "yes"}), forms)
    assert "channel_api_frequent" not in codes(adv.reasons)
    assert adv.channel == "file"


@pytest.mark.parametrize(("dataset", "answers"), [
    ({"size_mb": 500.0}, {}),
    ({}, {"CH1": "yes"}),
    ({"update_frequency": "HOURLY"}, {"CH2": "yes"}),
])
def test_channel_api_needs_without_capacity_fall_back_to_file(forms, dataset, answers):
    adv = advise_channel(make(**dataset, channel={"CH3": "no", **answers}), forms)
    assert adv.channel == "file"
    assert "channel_api_no_capacity" in codes(adv.reasons)
    assert "channel_both" not in codes(adv.reasons)


def test_channel_unknown_capacity_asks_to_confirm(forms):
    adv = advise_channel(make(size_mb=500.0, channel={"CH3": "unknown"}), forms)
    assert adv.channel == "both"
    assert "channel_check_capacity" in codes(adv.reasons)


def test_channel_hvd_needs_both_even_when_small(forms):
    a = make(size_mb=1, update_frequency="ANNUAL", hvd_category="statistics",
             channel={"CH3": "yes"})
    adv = advise_channel(a, forms)
    assert adv.channel == "both"
    assert reason(adv.reasons, "channel_hvd_both").params == {"category": "statistics"}
    assert "channel_file_simple" not in codes(adv.reasons)
    assert "channel_hvd_no_capacity" not in codes(adv.reasons)


def test_channel_hvd_without_capacity_still_both(forms):
    a = make(size_mb=1, hvd_category="statistics", channel={"CH3": "no"})
    adv = advise_channel(a, forms)
    assert adv.channel == "both"
    assert {"channel_hvd_both", "channel_hvd_no_capacity"} <= set(codes(adv.reasons))


@pytest.mark.parametrize(("qid", "code"), [
    ("CH11", "channel_plan_network"), ("CH12", "channel_plan_support")])
@pytest.mark.parametrize(("answer", "present"), [("no", True), ("unknown", True), ("yes", False)])
def test_channel_plan_network_and_support(forms, qid, code, answer, present):
    adv = advise_channel(make(size_mb=5, channel={qid: answer}), forms)
    assert (code in codes(adv.reasons)) is present


# --------------------------------------------------------------------------- formats


def test_formats_tabular_recommends_csv_first_and_no_excel(forms):
    adv = advise_formats(make(channel={"CH6": "tabular"}), forms)
    assert adv.recommended[0] == "CSV"
    assert "JSON" in adv.recommended
    assert "XLSX" not in adv.recommended
    assert all(forms.file_format(f).open for f in adv.recommended)
    assert reason(adv.reasons, "format_for_kind").params == {
        "kind": "tabular", "formats": list(adv.recommended)}


@pytest.mark.parametrize(("kind", "expected", "excluded"), [
    ("vector_small", {"GEOJSON", "KML"}, {"CSV", "GEOTIFF"}),
    ("raster", {"GEOTIFF", "NETCDF"}, {"CSV", "GEOJSON"}),
    ("linked_data", {"RDF_TURTLE", "JSON_LD"}, {"CSV"}),
])
def test_formats_recommended_for_kind(forms, kind, expected, excluded):
    rec = set(advise_formats(make(channel={"CH6": kind}), forms).recommended)
    assert expected <= rec
    assert not rec & excluded


def test_formats_planned_excel_is_not_open(forms):
    adv = advise_formats(make(channel={"CH6": "tabular", "CH8": ["XLSX"]}), forms)
    r = reason(adv.reasons, "format_not_open")
    assert r.params["format"] == "Excel (XLSX)"
    assert r.params["alternatives"][0] == "CSV"
    assert "format_choose" not in codes(adv.reasons)


@pytest.mark.parametrize(("kind", "flagged"), [("tabular", True), ("documents", False)])
def test_formats_pdf_only_for_documents(forms, kind, flagged):
    adv = advise_formats(make(channel={"CH6": kind, "CH8": ["PDF"]}), forms)
    assert ("format_pdf_not_data" in codes(adv.reasons)) is flagged


def test_formats_current_excel_not_planned_is_converted(forms):
    adv = advise_formats(make(channel={"CH6": "tabular", "CH7": ["XLSX"], "CH8": ["CSV"]}),
                         forms)
    r = reason(adv.reasons, "format_convert")
    assert r.params["format"] == "Excel (XLSX)"
    assert "format_not_open" not in codes(adv.reasons)


def test_formats_current_excel_also_planned_is_not_open_not_convert(forms):
    adv = advise_formats(make(channel={"CH6": "tabular", "CH7": ["XLSX"], "CH8": ["XLSX"]}),
                         forms)
    assert "format_not_open" in codes(adv.reasons)
    assert "format_convert" not in codes(adv.reasons)


def test_formats_nothing_planned_asks_to_choose(forms):
    adv = advise_formats(make(channel={"CH6": "tabular"}), forms)
    assert adv.planned == ()
    assert reason(adv.reasons, "format_choose").params == {"formats": list(adv.recommended)}


def test_formats_unknown_kind_suggests_csv(forms):
    adv = advise_formats(make(), forms)
    assert adv.recommended == ()
    assert "format_kind_unknown" in codes(adv.reasons)
    assert reason(adv.reasons, "format_choose").params == {"formats": ["CSV"]}


# --------------------------------------------------------------------------- five stars


@pytest.mark.parametrize(("licence", "planned", "uris", "linked", "stars"), [
    (None, ["CSV"], "yes", "yes", 0),
    ("CC-BY-4.0", ["PDF"], None, None, 1),
    ("CC-BY-4.0", ["PDF", "XLSX"], None, None, 2),
    ("CC-BY-4.0", ["XLSX"], None, None, 2),
    ("CC-BY-4.0", ["XLSX", "CSV"], None, None, 3),
    ("CC-BY-4.0", ["CSV"], "yes", None, 4),
    ("CC-BY-4.0", ["CSV"], "yes", "yes", 5),
    ("CC-BY-4.0", ["CSV"], "no", "yes", 3),  # each star needs the ones before it
    ("CC-BY-4.0", ["RDF_TURTLE"], None, None, 4),
    ("CC-BY-NC-4.0", ["CSV"], "yes", "yes", 0),  # not an open licence
])
def test_five_star_level(forms, licence, planned, uris, linked, stars):
    answers = {"CH8": planned} | {k: v for k, v in (("CH9", uris), ("CH10", linked)) if v}
    a = make(channel=answers)
    a.licence.licence_id = licence
    result = five_star(a, forms)
    assert result.stars == stars
    assert reason(result.reasons, "five_star").params == {"stars": stars}
    next_codes = [c for c in codes(result.reasons) if c.startswith("five_star_next_")]
    assert next_codes == ([] if stars == 5 else [f"five_star_next_{stars + 1}"])


# --------------------------------------------------------------------------- licence


def test_licence_none_chosen_recommends_cc_by(forms):
    adv = advise_licence(make(), forms)
    assert adv.chosen is None
    assert adv.recommended == "CC-BY-4.0"
    assert adv.open_data is False
    assert reason(adv.reasons, "licence_none_chosen").params == {"licence": "CC-BY-4.0"}


def test_licence_non_commercial_is_not_open(forms):
    a = make()
    a.licence.licence_id = "CC-BY-NC-4.0"
    adv = advise_licence(a, forms)
    assert adv.chosen == "CC-BY-NC-4.0"
    assert adv.recommended == "CC-BY-4.0"
    assert adv.open_data is False
    assert reason(adv.reasons, "licence_not_open").params["recommended"] == "CC-BY-4.0"
    assert "licence_chosen_open" not in codes(adv.reasons)


def test_licence_share_alike_is_open_but_warned(forms):
    a = make()
    a.licence.licence_id = "CC-BY-SA-4.0"
    adv = advise_licence(a, forms)
    assert adv.open_data is True
    assert adv.recommended == "CC-BY-SA-4.0"
    assert {"licence_chosen_open", "licence_share_alike"} <= set(codes(adv.reasons))
    assert "licence_hvd_not_allowed" not in codes(adv.reasons)


def test_licence_share_alike_not_allowed_for_hvd(forms):
    a = make(hvd_category="statistics")
    a.licence.licence_id = "CC-BY-SA-4.0"
    adv = advise_licence(a, forms)
    assert adv.recommended == "CC-BY-4.0"
    r = reason(adv.reasons, "licence_hvd_not_allowed")
    assert set(r.params["allowed"]) == {lic.id for lic in forms.licences.licences
                                        if lic.hvd_allowed}
    assert "licence_hvd" in codes(adv.reasons)
    differs = reason(adv.reasons, "licence_chosen_differs")
    assert differs.params["recommended"] == "CC-BY-4.0"


@pytest.mark.parametrize("licence", ["CC0-1.0", "CC-BY-4.0", "PDDL-1.0", "ODC-By-1.0"])
def test_licences_no_more_restrictive_than_cc_by_are_allowed_for_hvd(forms, licence):
    a = make(hvd_category="statistics")
    a.licence.licence_id = licence
    adv = advise_licence(a, forms)
    assert adv.recommended == licence
    assert "licence_hvd_not_allowed" not in codes(adv.reasons)


def test_hvd_licence_rule_follows_the_flag_in_the_form(forms_copy, forms):
    """Which licences a high-value dataset may use is data: clear the flag, the rule follows."""
    from hrk_workbench.forms.loader import load_forms

    def drop_pddl(data):
        for lic in data["licences"]:
            if lic["id"] == "PDDL-1.0":
                lic["hvd_allowed"] = False

    edited = load_forms(forms_copy("licences.yaml", drop_pddl))
    a = make(hvd_category="statistics")
    a.licence.licence_id = "PDDL-1.0"
    assert "licence_hvd_not_allowed" in codes(advise_licence(a, edited).reasons)
    assert "licence_hvd_not_allowed" not in codes(advise_licence(a, forms).reasons)


def test_licence_cc_by_allowed_for_hvd(forms):
    a = make(hvd_category="statistics")
    a.licence.licence_id = "CC-BY-4.0"
    adv = advise_licence(a, forms)
    assert adv.recommended == "CC-BY-4.0"
    assert "licence_hvd_not_allowed" not in codes(adv.reasons)
    assert "licence_hvd" in codes(adv.reasons)


def test_licence_cc0_needs_no_attribution_line(forms):
    a = make(title={"en": "Trees"}, publisher="City")
    a.licence.licence_id = "CC0-1.0"
    adv = advise_licence(a, forms)
    assert adv.open_data is True
    assert adv.attribution is None
    assert "attribution_line" not in codes(adv.reasons)


def test_licence_no_rights_is_not_open_data(forms):
    a = make(gates={"G4": "yes"})
    a.licence.licence_id = "CC-BY-4.0"
    adv = advise_licence(a, forms)
    assert adv.open_data is False
    assert reason(adv.reasons, "licence_no_rights").params == {"gate": "G4"}


def test_licence_unknown_rights_are_checked(forms):
    a = make(gates={"G4": "unknown"})
    a.licence.licence_id = "CC-BY-4.0"
    adv = advise_licence(a, forms)
    assert adv.open_data is True
    assert "licence_check_rights" in codes(adv.reasons)


def test_licence_metadata_is_cc0(forms):
    adv = advise_licence(make(), forms)
    assert adv.metadata_licence == "CC0-1.0"
    assert reason(adv.reasons, "licence_metadata").params == {"licence": "CC0-1.0"}


TITLES = {"en": "Street trees", "fi": "Katupuut", "sv": "Gatuträd"}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_licence_attribution_line_in_users_language(forms, lang):
    a = make(title=TITLES, publisher="City of Vaara",
             landing_page="https://data.vaara.example/street-trees")
    a.licence.licence_id = "CC-BY-4.0"
    line = render(advise_licence(a, forms).attribution, lang, forms)
    assert line.startswith(TITLES[lang] + ".")
    assert all(t not in line for code, t in TITLES.items() if code != lang)
    assert "City of Vaara" in line
    assert "https://data.vaara.example/street-trees" in line
    assert CC_BY_NAME in line
    assert f"({CC_BY})" in line
    assert {"en": "Source:", "fi": "Lähde:", "sv": "Källa:"}[lang] in line


def test_licence_attribution_prefers_attribution_name_and_falls_back_to_ch13(forms):
    a = make(title=TITLES, publisher="City of Vaara",
             channel={"CH13": "https://api.vaara.example/trees"})
    a.licence.licence_id = "CC-BY-4.0"
    a.licence.attribution_name = "Parks Unit"
    attribution = advise_licence(a, forms).attribution
    assert attribution.params["source"] == "Parks Unit"
    assert attribution.params["url"] == "https://api.vaara.example/trees"
    assert attribution.params["licence_uri"] == CC_BY


def test_licence_attribution_for_recommended_licence_when_none_chosen(forms):
    """Without a choice the attribution line is drafted for the recommended CC BY 4.0."""
    adv = advise_licence(make(title=TITLES, publisher="City"), forms)
    assert adv.attribution is not None
    assert adv.attribution.params["licence_uri"] == CC_BY


# --------------------------------------------------------------------------- quality


def test_quality_described_weakness_is_listed(forms):
    a = make()
    a.quality = {"Q4": QualityAnswer(rating=2, weaknesses={"en": "2 % of distances wrong",
                                                           "fi": "2 % matkoista väärin"})}
    qs = quality_statement(a, forms)
    assert [(w.criterion, w.rating) for w in qs.weaknesses] == [("Q4", 2)]
    assert qs.weaknesses[0].text == {"en": "2 % of distances wrong", "fi": "2 % matkoista väärin"}
    r = reason(qs.reasons, "quality_weakness")
    assert "2 % of distances wrong" in render(r, "en", forms)
    assert "2 % matkoista väärin" in render(r, "fi", forms)
    assert "quality_weakness_undescribed" not in codes(qs.reasons)


@pytest.mark.parametrize(("rating", "text", "flagged"), [
    (1, "", True), (2, "", True), (2, "   ", True), (3, "", False), (5, "", False)])
def test_quality_low_rating_needs_weakness_described(forms, rating, text, flagged):
    a = make()
    a.quality = {"Q2": QualityAnswer(rating=rating, weaknesses={"en": text} if text else {})}
    qs = quality_statement(a, forms)
    assert ("quality_weakness_undescribed" in codes(qs.reasons)) is flagged
    if flagged:
        assert reason(qs.reasons, "quality_weakness_undescribed").params == {
            "criterion": "Q2", "rating": rating, "threshold": 2}
        assert qs.weaknesses == ()


def test_quality_unrated_criteria_listed(forms):
    a = make()
    a.quality = {"Q1": QualityAnswer(rating=4), "Q2": QualityAnswer(rating=None),
                 "Q3": QualityAnswer(rating=9)}  # out of the 1-5 scale: not a rating
    qs = quality_statement(a, forms)
    expected = tuple(f"Q{i}" for i in range(2, 12))
    assert qs.unrated == expected
    assert qs.ratings == {"Q1": 4}
    assert reason(qs.reasons, "quality_unrated").params == {"criterion": list(expected)}


def test_quality_mean_of_rated_criteria(forms):
    a = make()
    a.quality = {"Q1": QualityAnswer(rating=4), "Q2": QualityAnswer(rating=2),
                 "Q3": QualityAnswer(rating=5)}
    qs = quality_statement(a, forms)
    assert qs.mean == 3.7  # 11 / 3 rounded to one decimal
    assert reason(qs.reasons, "quality_summary").params == {"mean": 3.7, "rated": 3,
                                                            "total": 11}


def test_quality_nothing_rated_has_no_mean(forms):
    qs = quality_statement(make(), forms)
    assert qs.mean is None
    assert len(qs.unrated) == 11
    assert "quality_summary" not in codes(qs.reasons)


def test_quality_example_statement(forms, example):
    qs = quality_statement(example, forms)
    assert qs.unrated == ()
    assert qs.mean == 3.8  # 42 / 11 = 3.818...
    assert [w.criterion for w in qs.weaknesses] == ["Q3", "Q4"]
    assert "quality_weakness_undescribed" not in codes(qs.reasons)


# --------------------------------------------------------------------------- metadata


def test_metadata_missing_description_is_mandatory(forms):
    a = make(title={"en": "Street trees"}, description={"en": "  "})
    md = advise_metadata(a, forms)
    assert md.missing_mandatory == ("description",)
    assert md.ready is False
    r = reason(md.reasons, "metadata_missing_mandatory")
    assert r.params == {"field": "description"}
    assert render(r, "en", forms) == (
        "Required for the catalogue: add a description in at least one language.")
    assert "lisää kuvaus vähintään yhdellä kielellä" in render(r, "fi", forms)


def test_metadata_hvd_names_legislation_and_category(forms):
    md = advise_metadata(make(hvd_category="statistics"), forms)
    assert md.hvd is True
    r = reason(md.reasons, "metadata_hvd")
    assert r.params == {"category": "statistics", "legislation": HVD_LEGISLATION,
                        "category_uri": STATISTICS_URI}
    text = render(r, "en", forms)
    assert HVD_LEGISLATION in text
    assert STATISTICS_URI in text
    assert "Statistics" in text


def test_metadata_not_hvd_has_no_hvd_reason(forms):
    md = advise_metadata(make(), forms)
    assert md.hvd is False
    assert "metadata_hvd" not in codes(md.reasons)
    assert md.missing_mandatory == ("title", "description")


def test_metadata_example_is_ready(forms, example):
    md = advise_metadata(example, forms)
    assert md.ready is True
    assert (md.missing_mandatory, md.missing_recommended, md.missing_catalogue) == ((), (), ())
    assert codes(md.reasons) == ["metadata_complete"]


def test_metadata_missing_finnish_keywords_blocks_catalogue(forms, example):
    a = example.model_copy(deep=True)
    a.dataset.keywords = {"en": ["bikes"]}
    md = advise_metadata(a, forms)
    assert md.missing_catalogue == ("keywords_fi",)
    assert md.ready is False


# --------------------------------------------------------------------------- aggregate


def test_advice_json_in_swedish(forms, example):
    out = advise(example, forms).to_json(forms, "sv")
    assert set(SECTIONS) == {"anonymisation", "channel", "formats", "five_star", "licence",
                             "quality", "metadata"}
    assert set(SECTIONS) <= set(out)
    for name in SECTIONS:
        section = out[name]
        assert section["reasons"], name
        assert all(isinstance(t, str) and t for t in section["reasons"]), name
        assert len(section["reason_codes"]) == len(section["reasons"]), name
        assert all(set(rc) == {"code", "params"} for rc in section["reason_codes"]), name
    line = out["licence"]["attribution_line"]
    assert "Stadscykelresor" in line
    assert "Källa: City of Vaara, Urban Environment Division" in line
    assert CC_BY in line


def test_advice_for_example(forms, example):
    """The city-bike example: big unit-level personal data with API capacity."""
    adv = advise(example, forms)
    assert adv.anonymisation.needed is True
    assert "anon_remove_direct" in codes(adv.anonymisation.actions)
    assert adv.channel.channel == "both"
    assert {"channel_api_size", "channel_api_records", "channel_api_subsets"} <= set(
        codes(adv.channel.reasons))
    assert adv.five_star.stars == 3
    assert adv.licence.open_data is True
    assert adv.metadata.ready is True


def test_anon_every_rule_demanding_the_decisive_threshold_is_shown(forms):
    """Special categories and finer-than-municipality detail both ask for 10: show both."""
    a = make(personal_data=True, granularity="aggregated",
             anonymisation={"A3": "yes", "A7": "frequency", "A8": "finer"})
    adv = advise_anonymisation(a, forms)
    assert adv.min_frequency == 10
    shown = [r for r in adv.actions if r.code in THRESHOLD_CODES]
    assert [(r.code, r.params) for r in shown] == [
        ("anon_threshold_special", {"n": 10}), ("anon_threshold_fine_regional", {"n": 10})]


def test_five_star_is_zero_without_the_right_to_publish(forms):
    a = make(gates={"G4": "yes"}, channel={"CH8": ["CSV"]})
    a.licence.licence_id = "CC-BY-4.0"
    assert five_star(a, forms).stars == 0
    a.gates.pop("G4")
    assert five_star(a, forms).stars == 3
