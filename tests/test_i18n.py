"""Every reason the rules can give reads in en, fi and sv; numbers follow the language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hrk_workbench.foundations.i18n import format_number, label, render
from hrk_workbench.foundations.reasons import Reason

PACKAGE = Path(__file__).resolve().parent.parent / "hrk_workbench"


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))
            if "gui" not in p.relative_to(PACKAGE).parts]


def _literal_tuples(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to a tuple or list of string literals."""
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List)):
            items = [e.value for e in node.value.elts
                     if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            for target in node.targets:
                if isinstance(target, ast.Name) and len(items) == len(node.value.elts):
                    out[target.id] = items
    return out


def _first_arg_codes(arg: ast.expr, tuples: dict[str, list[str]]) -> list[str] | None:
    """The codes a Reason's first argument can take, or None if it is built at run time."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        a, b = _first_arg_codes(arg.body, tuples), _first_arg_codes(arg.orelse, tuples)
        return None if a is None or b is None else a + b
    if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name) \
            and arg.value.id in tuples:
        return tuples[arg.value.id]
    if isinstance(arg, ast.Name):  # a loop over literal (code, value) pairs, checked below
        return []
    return None


def emitted_codes() -> set[str]:
    """Every reason code the rules can emit, read from their source (the AST, not a regex)."""
    found: set[str] = set()
    for path, tree in _trees():
        tuples = _literal_tuples(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "Reason" and node.args:
                got = _first_arg_codes(node.args[0], tuples)
                assert got is not None, f"{path}:{node.lineno}: a reason code built at run time"
                found |= set(got)
            # (code, number) pairs that a loop turns into reasons, e.g. the table thresholds
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 \
                    and isinstance(node.elts[0], ast.Constant) \
                    and isinstance(node.elts[0].value, str) \
                    and node.elts[0].value.startswith("anon_"):
                found.add(node.elts[0].value)
    return found


def problem_codes() -> set[str]:
    """Every problem code written in the source: ``code="…"`` and the pydantic mapping."""
    found: set[str] = set()
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem":
                for kw in node.keywords:
                    if kw.arg == "code":  # a literal, or one passed on from _code below
                        assert isinstance(kw.value, (ast.Constant, ast.Name, ast.Attribute)), \
                            f"{path}:{node.lineno}: a problem code built at run time"
                        if isinstance(kw.value, ast.Constant):
                            found.add(kw.value.value)
            if isinstance(node, ast.FunctionDef) and node.name == "_code":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple):
                        found.add(ret.value.elts[0].value)  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_every_problem_code_has_a_template_in_every_language(forms, lang):
    codes = problem_codes()
    assert {"off_scale", "duplicate_key", "wrong_type", "miscased_id", "out_of_bounds"} <= codes
    assert sorted(codes - set(forms.messages[lang].problems)) == []


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
