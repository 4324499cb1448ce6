"""Every reason the rules can give reads in en, fi and sv; numbers follow the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hrk_workbench.i18n import format_number, label, render
from hrk_workbench.reasons import Reason

PACKAGE = Path(__file__).resolve().parent.parent / "hrk_workbench"


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def emitted_codes() -> set[str]:
    """Reason codes written in the rules' source, including the five-star family."""
    src = _sources()
    found: set[str] = set()
    for first, second in re.findall(r'Reason\(\s*"(\w+)"(?:\s+if\s[^"]*?else\s+"(\w+)")?', src):
        found |= {first, second} - {""}
    found |= set(re.findall(r'\("(anon_threshold_\w+)"', src))
    found |= {f"five_star_next_{n}" for n in range(1, 6)}
    return found


def test_the_scan_finds_the_rules():
    codes = emitted_codes()
    assert {"gate_blocks", "risk_critical", "anon_threshold_grid", "channel_both",
            "metadata_hvd", "benefit_level_top"} <= codes
    assert len(codes) > 80


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_every_emitted_reason_has_a_template(forms, lang):
    missing = sorted(c for c in emitted_codes() if c not in forms.messages[lang].reasons)
    assert missing == []


def test_no_unused_templates(forms):
    literals = set(re.findall(r'"(\w+)"', _sources())) | emitted_codes()
    unused = sorted(set(forms.messages["en"].reasons) - literals)
    assert unused == []


def test_question_and_label_parameters_are_resolved(forms):
    reason = Reason("risk_scored", {"risk": "R2", "likelihood": 4, "impact": 5, "score": 20,
                                    "level": "critical"})
    assert render(reason, "en", forms) == (
        "R2 Disclosure of special-category or criminal-offence data: likelihood 4 × impact 5"
        " = 20 (critical).")
    fi = render(reason, "fi", forms)
    assert "rikostietojen" in fi and "kriittinen" in fi
    sv = render(reason, "sv", forms)
    assert "lagöverträdelser" in sv and "kritisk" in sv


@pytest.mark.parametrize(("value", "lang", "text"), [
    (27500, "en", "27,500"), (27500, "fi", "27\u00a0500"), (27500.0, "sv", "27\u00a0500"),
    (3.8, "fi", "3,8"), (1234.56, "en", "1,234.56"), (0, "en", "0")])
def test_numbers_are_written_as_the_language_writes_them(value, lang, text):
    assert format_number(value, lang) == text


def test_unknown_code_and_label_fall_back_visibly(forms):
    assert render(Reason("no_such_code", {"x": 1}), "fi", forms) == "no_such_code (x=1)"
    assert label("no_such_label", "sv", forms) == "no_such_label"
