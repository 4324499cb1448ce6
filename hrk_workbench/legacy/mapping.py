"""The layouts of legacy workbooks, read from ``forms/legacy/*.yaml`` and checked.

Each file describes one layout: where its sheets or sections are, the header texts of their
columns, the labels of the basic details and the scale labels, in the layout's language. A new
layout is supported by adding a file, so a typo in one must stop the import with the file and
the path inside it rather than silently mis-map every workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError, Problem, problems_from_pydantic
from hrk_workbench.legacy.text import normalise

Label = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Labels = Annotated[list[Label], Field(min_length=1)]
ColumnLetter = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}$")]
SECTIONS = ("gates", "benefits", "risks", "costs")


class Spec(BaseModel):
    """Base of the mapping models: unknown keys are errors, a typo must not pass unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(Spec):
    """Where one column is: by its header text (any of ``headers``), else at ``column``.

    ``computed`` columns hold formulas the workbook computed (a risk level); they are never
    read, because the workbench recomputes everything.
    """

    headers: list[Label] = Field(default_factory=list)
    column: ColumnLetter | None = None
    computed: bool = False


class ItemColumns(Spec):
    id: Column
    text: Column | None = None


class GateColumns(ItemColumns):
    value: Column
    comment: Column | None = None


class BenefitColumns(ItemColumns):
    value: Column
    comment: Column | None = None


class RiskColumns(ItemColumns):
    likelihood: Column
    impact: Column
    level: Column | None = None
    mitigation: Column | None = None
    residual_likelihood: Column | None = None
    residual_impact: Column | None = None


class CostColumns(ItemColumns):
    one_off_days: Column | None = None
    one_off_eur: Column | None = None
    yearly_days: Column | None = None
    yearly_eur: Column | None = None
    comment: Column | None = None


class Section(Spec):
    """A section is found by its sheet name (one sheet per section) or by its heading row
    (single-sheet layouts); ``sheet`` or ``heading``, by the layout's kind."""

    sheet: list[Label] = Field(default_factory=list)
    heading: list[Label] = Field(default_factory=list)


class GateSection(Section):
    columns: GateColumns


class BenefitSection(Section):
    columns: BenefitColumns


class RiskSection(Section):
    columns: RiskColumns


class CostSection(Section):
    columns: CostColumns


class Sections(Spec):
    gates: GateSection
    benefits: BenefitSection
    risks: RiskSection
    costs: CostSection


InfoField = Literal["title", "publisher", "information_manager", "contact_name",
                    "contact_email", "description", "source_system", "update_frequency",
                    "assessment_date", "assessor", "day_rate_eur"]


class Info(Spec):
    """The basic details: a label cell, its value in the next filled cell to the right."""

    sheet: list[Label] = Field(default_factory=list)
    fields: dict[InfoField, Labels]


class IgnoredSheet(Spec):
    names: Labels
    why: Literal["instructions", "summary"]


class Scales(Spec):
    gate: dict[Literal["yes", "no", "unknown"], Labels]
    benefit: dict[int, Labels]
    likelihood: dict[int, Labels]
    impact: dict[int, Labels]


class Layout(Spec):
    """One legacy layout, as in ``forms/legacy/<id>.yaml``."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    language: Literal["fi", "sv", "en"]
    kind: Literal["sheets", "single_sheet"]
    description: str = ""
    export: bool = False
    sheet: list[Label] = Field(default_factory=list, description="single_sheet: its names")
    ignore_sheets: list[IgnoredSheet] = Field(default_factory=list)
    info: Info
    sections: Sections
    items: dict[str, Labels] = Field(default_factory=dict,
                                     description="question texts as the layout words them")
    scales: Scales

    def section(self, name: str) -> Section:
        return getattr(self.sections, name)

    def looked_for(self) -> str:
        """What identifies this layout, for the "no known layout" error."""
        if self.kind == "single_sheet":
            heads = ", ".join(self.section(s).heading[0] for s in SECTIONS)
            return f"{self.id}: sheet {self.sheet[0]} with {heads}"
        names = [self.info.sheet[0]] if self.info.sheet else []
        names += [self.section(s).sheet[0] for s in SECTIONS]
        return f"{self.id}: sheets {', '.join(names)}"


def legacy_dir(forms: Forms) -> Path:
    return forms.directory / "legacy"


def _check(layout: Layout, forms: Forms) -> list[Problem]:
    """Checks that need the forms: item ids exist, scales cover the forms' scales, and each
    section can be found in its kind of layout."""
    hrk = forms.hrk
    known = {
        "gates": {q.id for q in hrk.gates.questions},
        "benefits": {q.id for q in hrk.benefits.questions},
        "risks": {q.id for q in hrk.risks.questions},
        "costs": {q.id for q in hrk.costs.items},
    }
    all_ids = set().union(*known.values())
    problems = [Problem(f"$.items.{qid}", f"no question {qid} in hrk.yaml",
                        "an id of a gate, benefit, risk or cost item",
                        code="legacy_mapping_unknown_id", params={"id": qid})
                for qid in layout.items if qid not in all_ids]
    for name, scale in (("benefit", hrk.benefits.scale), ("likelihood", hrk.risks.likelihood),
                        ("impact", hrk.risks.impact)):
        wanted = set(range(scale.min, scale.max + 1))
        got = set(getattr(layout.scales, name))
        if got != wanted:
            problems.append(Problem(f"$.scales.{name}", f"points {sorted(got)}",
                                    f"labels for {scale.min} to {scale.max}",
                                    code="legacy_mapping_scale",
                                    params={"min": scale.min, "max": scale.max}))
    for name in ("gate", "benefit", "likelihood", "impact"):
        seen: dict[str, object] = {}
        for point, texts in getattr(layout.scales, name).items():
            for text in texts:
                key = normalise(text)
                if seen.get(key, point) != point:
                    problems.append(Problem(f"$.scales.{name}.{point}",
                                            f"label {text!r} also stands for {seen[key]}",
                                            "each label once", code="legacy_mapping_ambiguous",
                                            params={"value": text}))
                seen[key] = point
    if set(layout.scales.gate) != {"yes", "no", "unknown"}:
        problems.append(Problem("$.scales.gate", "not every gate answer has labels",
                                "labels for yes, no and unknown",
                                code="legacy_mapping_gate_scale"))
    key = "heading" if layout.kind == "single_sheet" else "sheet"
    for name in SECTIONS:
        if not getattr(layout.section(name), key):
            problems.append(Problem(f"$.sections.{name}.{key}", "missing",
                                    f"a list of {key} texts for a {layout.kind} layout",
                                    code="legacy_mapping_missing", params={"key": key}))
        columns = layout.section(name).columns  # type: ignore[attr-defined]
        for col_name in type(columns).model_fields:
            col = getattr(columns, col_name)
            if col is not None and not col.headers and col.column is None:
                problems.append(Problem(f"$.sections.{name}.columns.{col_name}",
                                        "neither headers nor column",
                                        "header texts, a column letter, or both",
                                        code="legacy_mapping_column"))
    if layout.kind == "single_sheet" and not layout.sheet:
        problems.append(Problem("$.sheet", "missing", "the sheet's names",
                                code="legacy_mapping_missing", params={"key": "sheet"}))
    return problems


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        raise InputError(str(path), [Problem(where, f"cannot read: {exc}",
                                             code="cannot_read",
                                             params={"detail": str(exc)})]) from None


_CACHE: dict[tuple[object, ...], tuple[Layout, ...]] = {}


def _load(directory: str, stamp: tuple[tuple[str, int], ...], forms: Forms) -> tuple[Layout, ...]:
    key = (directory, stamp, id(forms))
    if key in _CACHE:
        return _CACHE[key]
    layouts: list[Layout] = []
    for name, _ in stamp:
        path = Path(directory) / name
        data = _read(path)
        try:
            layout = Layout.model_validate(data)
        except ValidationError as exc:
            raise InputError(str(path), [_yaml_path(p) for p in problems_from_pydantic(exc)]) \
                from None
        problems = _check(layout, forms)
        if layout.id != path.stem:
            problems.append(Problem("$.id", f"id {layout.id} differs from the file name",
                                    f"id {path.stem}", code="legacy_mapping_id",
                                    params={"id": layout.id, "stem": path.stem}))
        if problems:
            raise InputError(str(path), problems)
        layouts.append(layout)
    _CACHE[key] = tuple(layouts)
    return _CACHE[key]


def _yaml_path(problem: Problem) -> Problem:
    """Paths inside a layout file read as YAML paths; an unknown key says so in this file's
    terms (the generic text speaks of an assessment's fields)."""
    loc = problem.location if problem.location.startswith("$") else f"$.{problem.location}"
    if problem.code == "unknown_field":
        return Problem(loc, "no such key in a layout file",
                       "the keys described in hrk_workbench/legacy/mapping.py",
                       code="legacy_mapping_unknown_key")
    return Problem(loc, problem.message, problem.expected, problem.severity,
                   problem.code, problem.params)


def load_layouts(forms: Forms) -> tuple[Layout, ...]:
    """Every layout in ``forms/legacy/``, checked; cached until a file changes."""
    d = legacy_dir(forms)
    files = sorted(d.glob("*.yaml")) if d.is_dir() else []
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    return _load(str(d), stamp, forms)
