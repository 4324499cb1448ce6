"""HRK rules at every threshold, and every branch of the indicative recommendation."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import ALL_NO, make

from hrk_workbench.decision.check import check_against_forms
from hrk_workbench.decision.portfolio import rank_assessments
from hrk_workbench.decision.summary import summarise
from hrk_workbench.forms.schema import Benefit
from hrk_workbench.foundations.i18n import render
from hrk_workbench.foundations.reasons import codes
from hrk_workbench.model.assessment import Costs
from hrk_workbench.scoring.benefit import round_half_up, score_benefits
from hrk_workbench.scoring.cost import score_costs
from hrk_workbench.scoring.levels import level_for
from hrk_workbench.scoring.risk import score_risks

ALL_BENEFITS = [f"B{i}" for i in range(1, 10)]


# --- benefits -------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "level"), [(0, "low"), (33, "low"), (34, "medium"),
                                              (66, "medium"), (67, "high"), (100, "high")])
def test_benefit_level_thresholds(forms, score, level):
    assert level_for(score, forms.hrk.benefits.levels).level == level


@pytest.mark.parametrize(
    ("ratings", "score", "level"),
    [
        # Σw·3 = 33. 11/33 = 33.3 -> 33 low; 12/33 = 36.4 -> 36 medium
        ({"B1": 3, "B2": 1, "B3": 3}, 33, "low"),
        ({"B1": 3, "B2": 3}, 36, "medium"),
        # 21/33 = 63.6 -> 64 medium; 22/33 = 66.7 -> 67 high (HRK-METHOD.md's example)
        ({"B1": 3, "B2": 3, "B3": 3, "B4": 3, "B5": 3}, 64, "medium"),
        ({"B1": 3, "B2": 3, "B3": 3, "B4": 3, "B5": 3, "B6": 1}, 67, "high"),
        ({b: 3 for b in ALL_BENEFITS}, 100, "high"),
        ({}, 0, "low"),
    ],
)
def test_benefit_score_from_weighted_ratings(forms, ratings, score, level):
    result = score_benefits(make(benefits=ratings), forms)
    assert (result.score, result.level) == (score, level)


def _two_benefit_forms(forms, w1, w2):
    q = [Benefit(id="X1", weight=w1, text={"en": "x", "fi": "x", "sv": "x"}),
         Benefit(id="X2", weight=w2, text={"en": "y", "fi": "y", "sv": "y"})]
    benefits = forms.hrk.benefits.model_copy(update={"questions": q})
    return dataclasses.replace(forms, hrk=forms.hrk.model_copy(update={"benefits": benefits}))


@pytest.mark.parametrize(("w1", "score", "level"), [(67, 34, "medium"), (133, 67, "high")])
def test_benefit_score_rounds_halves_up(forms, w1, score, level):
    """X1 rated 3 of 3 with weights w1 + w2 = 200: 100·3·w1/600 = 33.5 or 66.5 exactly."""
    custom = _two_benefit_forms(forms, w1, 200 - w1)
    result = score_benefits(make(benefits={"X1": 3, "X2": 0}), custom)
    assert (result.score, result.level) == (score, level)


def test_round_half_up_is_not_bankers_rounding():
    from fractions import Fraction
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, 133)] == [1, 2, 3, 67]


def test_unanswered_benefits_count_as_zero_and_are_reported(forms):
    result = score_benefits(make(benefits={"B1": 3, "B3": None}), forms)
    assert result.score == 18  # 6 of 33
    assert result.unanswered == tuple(b for b in ALL_BENEFITS if b != "B1")
    assert "benefit_unanswered" in codes(result.reasons)


def test_off_scale_benefit_is_an_error_and_never_scored(forms):
    a = make(benefits={"B1": 7})
    assert score_benefits(a, forms).score == 0
    [problem] = check_against_forms(a, forms)
    assert (problem.location, problem.expected) == ("benefits.B1.value",
                                                    "a whole number from 0 to 3")


# --- risks ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("li", "score", "level"),
    [((1, 1), 1, "low"), ((2, 2), 4, "low"), ((1, 5), 5, "medium"), ((3, 3), 9, "medium"),
     ((2, 5), 10, "high"), ((4, 4), 16, "high"), ((4, 5), 20, "critical"),
     ((5, 5), 25, "critical")],
)
def test_risk_score_and_level_at_thresholds(forms, li, score, level):
    [r] = score_risks(make(risks={"R1": li}), forms).scores
    assert (r.score, r.level, r.residual_score, r.residual_level) == (score, level, score,
                                                                      level)


def test_residual_score_uses_both_residual_answers(forms):
    result = score_risks(make(risks={"R1": (4, 5, 2, 2)}), forms)
    [r] = result.scores
    assert (r.score, r.level, r.residual_score, r.residual_level) == (20, "critical", 4, "low")
    assert result.profile == "low"
    assert "risk_residual" in codes(result.reasons)


@pytest.mark.parametrize("partial", [(4, 5, 1, None), (4, 5, None, 1)])
def test_incomplete_residual_keeps_the_score_and_is_reported(forms, partial):
    result = score_risks(make(risks={"R2": partial}), forms)
    [r] = result.scores
    assert (r.residual_score, r.residual_level, r.residual_incomplete) == (20, "critical", True)
    assert "risk_residual_incomplete" in codes(result.reasons)


def test_unanswered_risk_has_no_score_and_is_never_low(forms):
    result = score_risks(make(risks={"R1": (3, None), "R2": (None, None), "R3": (2, 3)}),
                         forms)
    assert [r.id for r in result.scores] == ["R3"]
    assert "R1" in result.unanswered and "R2" in result.unanswered
    assert result.profile == "medium"
    assert result.counts == {"low": 0, "medium": 1, "high": 0, "critical": 0}


def test_risk_profile_is_the_highest_residual_level(forms):
    result = score_risks(make(risks={"R1": (4, 4, 1, 2), "R2": (3, 4), "R3": (1, 1)}), forms)
    assert result.profile == "high"
    assert result.counts == {"low": 2, "medium": 0, "high": 1, "critical": 0}
    assert result.by_level("high") == ["R2"]


def test_no_answered_risk_means_not_assessed(forms):
    result = score_risks(make(), forms)
    assert result.profile == "not_assessed"
    assert result.scores == ()
    assert len(result.unanswered) == 9


# --- costs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("eur", "level"), [(0, "low"), (9_999, "low"), (10_000, "medium"),
                                            (49_999, "medium"), (50_000, "high")])
def test_cost_level_thresholds_on_the_3_year_cost(forms, eur, level):
    result = score_costs(make(costs={"C1": {"one_off_eur": eur}}), forms)
    assert (result.total_eur, result.level) == (eur, level)


def test_cost_totals_with_person_days_at_the_day_rate(forms):
    a = make(costs={"C1": {"one_off_days": 5, "one_off_eur": 500},
                    "C5": {"yearly_days": 2, "yearly_eur": 1000},
                    "C7": {"yearly_eur": 250.5}})
    result = score_costs(a, forms)
    assert result.day_rate_eur == 600
    assert (result.one_off_eur, result.yearly_eur) == (3_500, 2_450.5)
    assert result.total_eur == 3_500 + 3 * 2_450.5
    assert result.level == "medium"

    a.costs = Costs(day_rate_eur=800, lines=a.costs.lines)
    result = score_costs(a, forms)
    assert (result.one_off_eur, result.yearly_eur) == (4_500, 2_850.5)


def test_3_year_cost_boundary_reached_by_yearly_costs(forms):
    just_below = score_costs(make(costs={"C5": {"yearly_eur": 3_333}}), forms)
    at = score_costs(make(costs={"C5": {"yearly_eur": 3_333}, "C1": {"one_off_eur": 1}}),
                     forms)
    assert (just_below.total_eur, just_below.level) == (9_999, "low")
    assert (at.total_eur, at.level) == (10_000, "medium")


def test_no_costs_is_reported_as_not_estimated(forms):
    result = score_costs(make(), forms)
    assert (result.total_eur, result.estimated) == (0, False)
    assert "cost_not_estimated" in codes(result.reasons)


# --- recommendation -------------------------------------------------------------------------

HIGH = {b: 3 for b in ALL_BENEFITS}                 # 100, high
MEDIUM = {"B1": 3, "B2": 3, "B3": 3, "B4": 3}       # 18/33 = 55, medium
LOW = {"B1": 1}                                     # 2/33 = 6, low
CHEAP = {"C1": {"one_off_eur": 5_000}}              # low
MID = {"C1": {"one_off_eur": 20_000}}               # medium
DEAR = {"C1": {"one_off_eur": 60_000}}              # high


@pytest.mark.parametrize(
    ("gates", "benefits", "risks", "costs", "outcome", "code"),
    [
        ({**ALL_NO, "G1": "yes"}, HIGH, {}, CHEAP, "do_not_open", "gate_blocks"),
        ({**ALL_NO, "G3": "yes"}, HIGH, {}, CHEAP, "do_not_open", "gate_blocks"),
        ({**ALL_NO, "G4": "yes"}, HIGH, {}, CHEAP, "do_not_open", "gate_blocks"),
        ({**ALL_NO, "G1": "yes", "G2": "yes"}, HIGH, {}, CHEAP, "do_not_open", "gate_blocks"),
        ({**ALL_NO, "G2": "yes"}, HIGH, {}, CHEAP, "limited_access", "gate_limits"),
        (ALL_NO, HIGH, {"R1": (4, 5)}, CHEAP, "limited_access", "risk_critical_high_benefit"),
        (ALL_NO, MEDIUM, {"R1": (4, 5)}, CHEAP, "do_not_open", "risk_critical"),
        (ALL_NO, LOW, {"R2": (5, 5)}, CHEAP, "do_not_open", "risk_critical"),
        (ALL_NO, HIGH, {"R1": (2, 5)}, CHEAP, "open_after_mitigation", "risk_high"),
        (ALL_NO, LOW, {"R1": (4, 4)}, CHEAP, "open_after_mitigation", "risk_high"),
        (ALL_NO, HIGH, {"R1": (4, 5, 3, 3)}, DEAR, "open", "benefit_high"),
        (ALL_NO, HIGH, {"R1": (3, 3)}, DEAR, "open", "benefit_high"),
        (ALL_NO, MEDIUM, {"R1": (2, 2)}, CHEAP, "open", "benefit_medium_cost_ok"),
        (ALL_NO, MEDIUM, {"R1": (2, 2)}, MID, "open", "benefit_medium_cost_ok"),
        (ALL_NO, MEDIUM, {"R1": (2, 2)}, DEAR, "open_low_priority", "benefit_medium_cost_high"),
        (ALL_NO, LOW, {"R1": (1, 1)}, CHEAP, "open_low_priority", "benefit_low"),
    ],
)
def test_recommendation_branches(forms, gates, benefits, risks, costs, outcome, code):
    risks = risks or {"R9": (1, 1)}  # a risk must be assessed before steps 4-9 apply
    s = summarise(make(gates=gates, benefits=benefits, risks=risks, costs=costs,
                       personal_data=False), forms)
    assert s.recommendation.outcome == outcome
    assert s.recommendation.reasons[0].code == code
    assert codes(s.recommendation.reasons)[-1] == "indicative_only"


def test_recommendation_reasons_carry_the_answers_and_thresholds(forms):
    s = summarise(make(gates=ALL_NO, benefits=MEDIUM, risks={"R2": (4, 5), "R3": (5, 4)},
                       costs=CHEAP, personal_data=False), forms)
    reason = s.recommendation.reasons[0]
    assert reason.params == {"risk": ["R2", "R3"], "score": 20, "threshold": 20,
                             "benefit_level": "medium"}
    text = render(reason, "en", forms)
    assert "R2, R3" in text and "20" in text


def test_blocking_gate_names_the_gate_in_every_language(forms):
    s = summarise(make(gates={**ALL_NO, "G4": "yes"}, benefits=HIGH), forms)
    reason = s.recommendation.reasons[0]
    assert reason.params["gate"] == "G4"
    assert "G4" in render(reason, "fi", forms)
    assert "tekijänoikeus" in render(reason, "fi", forms)
    assert "upphovsrätt" in render(reason, "sv", forms)


def test_unknown_gate_adds_a_note_whatever_the_outcome(forms):
    s = summarise(make(gates={**ALL_NO, "G1": "unknown"}, benefits=HIGH, risks={"R1": (1, 1)},
                       costs=CHEAP, personal_data=False), forms)
    # HRK-METHOD rev. 3: the note stays, and the gate keeps the open outcome incomplete
    assert s.recommendation.outcome == "incomplete"
    assert "gates.G1" in s.recommendation.missing
    assert [r.params for r in s.recommendation.notes if r.code == "gate_unknown"] == [
        {"gate": "G1"}]
    assert "resolve before deciding" in render(s.recommendation.notes[0], "en", forms)


def test_unanswered_gate_makes_the_assessment_incomplete(forms):
    gates = {k: v for k, v in ALL_NO.items() if k != "G1"}
    s = summarise(make(gates=gates, benefits=HIGH, risks={"R1": (1, 1)}, costs=CHEAP,
                       personal_data=False), forms)
    assert s.recommendation.outcome == "incomplete"
    assert s.recommendation.missing == ("gates.G1",)
    missing = [r for r in s.recommendation.reasons if r.code == "missing_answer"]
    assert [r.params["path"] for r in missing] == ["gates.G1"]


# --- high-value datasets --------------------------------------------------------------------

def test_hvd_obligation_overrides_low_priority(forms):
    a = make(gates=ALL_NO, benefits=LOW, risks={"R1": (1, 1)}, costs=CHEAP,
             hvd_category="meteorological", personal_data=False)
    s = summarise(a, forms)
    assert s.recommendation.outcome == "open"
    assert {"hvd_obligation", "hvd_overrides_low_benefit"} <= set(
        codes(s.recommendation.reasons))
    text = render(s.recommendation.reasons[1], "en", forms)
    assert "2023/138" in text and "Meteorological" in text


def test_hvd_blocked_by_a_gate_needs_legal_review(forms):
    a = make(gates={**ALL_NO, "G1": "yes"}, benefits=HIGH, hvd_category="statistics")
    s = summarise(a, forms)
    assert s.recommendation.outcome == "do_not_open"
    conflict = [r for r in s.recommendation.reasons if r.code == "hvd_gate_conflict"]
    assert [r.params for r in conflict] == [{"gate": "G1"}]
    assert "legal review" in render(conflict[0], "en", forms)


def test_hvd_with_critical_risk_is_flagged_for_legal_review(forms):
    a = make(gates=ALL_NO, benefits=MEDIUM, risks={"R4": (5, 5)}, hvd_category="geospatial",
             personal_data=False)
    s = summarise(a, forms)
    assert s.recommendation.outcome == "do_not_open"
    assert "hvd_risk_conflict" in codes(s.recommendation.reasons)


def test_score_json_has_the_documented_keys(forms):
    a = make(gates=ALL_NO, benefits=MEDIUM, risks={"R1": (2, 5, 1, 5), "R2": (3, None)},
             costs=MID, personal_data=False)
    data = summarise(a, forms).to_json(forms, "en")
    assert {"benefit_score", "benefit_level", "risk_profile", "risk_scores",
            "cost_one_off_eur", "cost_yearly_eur", "cost_3y_eur", "cost_level",
            "recommendation", "reasons", "conditions", "missing"} <= set(data)
    assert data["risk_scores"] == {"R1": 5}
    assert data["risk_profile"] == "medium"
    assert data["risk_counts"]["medium"] == 1
    assert (data["cost_one_off_eur"], data["cost_3y_eur"], data["cost_level"]) == (
        20_000, 20_000, "medium")
    assert data["recommendation"] == "open"
    assert all(isinstance(r, str) and r for r in data["reasons"])
    assert "R2" in data["risks_unanswered"]


# --- portfolio ------------------------------------------------------------------------------

def test_portfolio_ranks_by_class_then_benefit_then_cost(forms):
    def done(**kw):
        return make(personal_data=False, risks=kw.pop("risks", {"R9": (1, 1)}), **kw)

    items = [
        ("blocked", done(title={"en": "Blocked"}, gates={**ALL_NO, "G1": "yes"},
                         benefits=HIGH)),
        ("low-prio", done(title={"en": "Low"}, gates=ALL_NO, benefits=LOW, costs=CHEAP)),
        ("open-cheap", done(title={"en": "Cheap"}, gates=ALL_NO, benefits=MEDIUM,
                            costs=CHEAP)),
        ("open-dear", done(title={"en": "Dear"}, gates=ALL_NO, benefits=MEDIUM, costs=MID)),
        ("open-best", done(title={"en": "Best"}, gates=ALL_NO, benefits=HIGH, costs=DEAR)),
        ("mitigate", done(title={"en": "Mitigate"}, gates=ALL_NO, benefits=HIGH,
                          risks={"R1": (3, 4)})),
        ("limited", done(title={"en": "Limited"}, gates={**ALL_NO, "G2": "yes"})),
        ("unfinished", make(title={"en": "Unfinished"}, gates=ALL_NO, benefits=HIGH)),
    ]
    ranked = rank_assessments(items, forms)
    assert [e.source for e in ranked] == ["open-best", "open-cheap", "open-dear", "low-prio",
                                          "mitigate", "limited", "blocked", "unfinished"]
    assert [e.rank for e in ranked] == list(range(1, 9))
