"""Builders shared by the tests (imported as ``helpers``; tests/ is on the path)."""

from __future__ import annotations

from pathlib import Path

from hrk_workbench.model.assessment import (
    Answer,
    Assessment,
    BenefitAnswer,
    CostLine,
    DatasetDescription,
    GateAnswer,
    RiskAnswer,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def make(
    *,
    gates: dict[str, str] | None = None,
    benefits: dict[str, int] | None = None,
    risks: dict[str, tuple] | None = None,
    costs: dict[str, dict] | None = None,
    anonymisation: dict[str, object] | None = None,
    channel: dict[str, object] | None = None,
    **dataset: object,
) -> Assessment:
    """A compact way to write an assessment in a test.

    risks: id -> (L, I) or (L, I, L', I'); costs: id -> CostLine fields.
    """
    risk_answers = {}
    for rid, vals in (risks or {}).items():
        lk, im, *rest = (*vals, None, None)[:4]
        risk_answers[rid] = RiskAnswer(likelihood=lk, impact=im, residual_likelihood=rest[0],
                                       residual_impact=rest[1])
    return Assessment(
        dataset=DatasetDescription(**dataset),  # type: ignore[arg-type]
        gates={k: GateAnswer(value=v) for k, v in (gates or {}).items()},  # type: ignore[arg-type]
        benefits={k: BenefitAnswer(value=v) for k, v in (benefits or {}).items()},
        risks=risk_answers,
        costs={"lines": {k: CostLine(**v) for k, v in (costs or {}).items()}},  # type: ignore[arg-type]
        anonymisation={k: Answer(value=v) for k, v in (anonymisation or {}).items()},  # type: ignore[arg-type]
        channel={k: Answer(value=v) for k, v in (channel or {}).items()},  # type: ignore[arg-type]
    )


ALL_NO = {"G1": "no", "G2": "no", "G3": "no", "G4": "no"}


# sdcTable's worked example ``microdata1`` (github.com/sdcTools/sdcTable, data-raw/microdata1.R),
# as its region x gender cell counts; the tests write their own microdata file from them.
SDCTABLE_MICRODATA1_COUNTS = {
    ("A", "female"): 2, ("A", "male"): 18, ("B", "female"): 19, ("B", "male"): 14,
    ("C", "female"): 10, ("C", "male"): 12, ("D", "female"): 14, ("D", "male"): 11,
}


def write_microdata1(path: Path) -> Path:
    """One row per unit (region, gender), in a fixed order, from the published counts."""
    lines = ["region,gender"]
    for (region, gender), n in sorted(SDCTABLE_MICRODATA1_COUNTS.items()):
        lines += [f"{region},{gender}"] * n
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# What schema 5 adds to every older file, each at its empty default (model/migrations.py
# _v4_to_v5): a migration test takes these off and finds the older file unchanged.
SCHEMA5_DECISION_DEFAULTS = {"justification": {}, "review_due": None, "record_number": "",
                             "section_number": "", "legal_basis": "", "presenter": "",
                             "decider_title": ""}
SCHEMA5_TOP_DEFAULTS = {"comments": [], "approvals": []}


def strip_schema5_defaults(new: dict) -> None:
    """Take schema 5's empty additions off a migrated document, asserting each is empty."""
    for key, empty in SCHEMA5_TOP_DEFAULTS.items():
        assert new.pop(key, empty) == empty, key
    decision = new.get("decision")
    if isinstance(decision, dict):
        for key, empty in SCHEMA5_DECISION_DEFAULTS.items():
            assert decision.pop(key, empty) == empty, f"decision.{key}"
    for entry in new.get("change_log") or []:
        assert entry.pop("kind", "") == "", "change_log[].kind"
