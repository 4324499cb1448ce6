"""The shape of the questionnaire files in ``forms/``, as pydantic models.

Organisations edit these YAML files (weights, thresholds, texts, new questions), so the shape is
checked by a library with a precise path for every mistake, and everything a rule needs is
read from here rather than written into code.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

LANGUAGES: tuple[str, ...] = ("en", "fi", "sv")
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
# No "." in question ids: an answer path such as ``benefits.B3.value`` must split one way only.
QUESTION_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"


def _all_languages(value: dict[str, str]) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
    if missing:
        raise ValueError(f"text missing in language(s) {', '.join(missing)}")
    return value


Text = Annotated[dict[str, str], AfterValidator(_all_languages)]
"""A user-facing text in every supported language (en, fi, sv)."""


def _iri(value: str) -> str:
    from hrk_workbench.foundations.addresses import is_iri  # the model's one rule for addresses

    if not is_iri(value):
        raise ValueError(f"{value!r} is not an absolute IRI (the catalogue record states it; "
                         "no space, < > \" { } | \\ ^ or backtick)")
    return value


Iri = Annotated[str, AfterValidator(_iri)]
"""A licence's or a code's IRI, which the catalogue record writes as it is."""

def _question_id(value: str) -> str:
    if "." in value:
        raise ValueError(f"id {value!r} contains '.', which answer paths such as "
                         "benefits.B3.value use as a separator: use letters, digits, _ or -")
    if not re.match(QUESTION_ID_PATTERN, value):
        raise ValueError(f"id {value!r} must start with a letter and hold only letters, "
                         "digits, _ or -")
    return value


Id = Annotated[str, Field(pattern=ID_PATTERN)]
QuestionId = Annotated[str, AfterValidator(_question_id)]


class FormModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Scalar = bool | int | float | str
Condition = dict[str, Scalar | list[Scalar]]
"""Answers by path (``dataset.personal_data``, ``anonymisation.A2``) and the value each must
have; a list means any of its values. All must hold for the condition to hold."""


class Required(FormModel):
    """An answer is required only when ``when`` holds (every named answer has its value)."""

    when: Condition = {}


RequiredRule = bool | Required


class Option(FormModel):
    value: Id
    text: Text
    help: Text | None = None


class Scale(FormModel):
    """An integer answer scale with a label for every point."""

    min: int
    max: int
    labels: dict[int, Text]

    @model_validator(mode="after")
    def _labels_cover_range(self) -> Scale:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        missing = [p for p in range(self.min, self.max + 1) if p not in self.labels]
        if missing:
            raise ValueError(f"no label for scale point(s) {missing}")
        return self


class Band(FormModel):
    """A named level that starts at ``min`` (inclusive) and runs up to the next band."""

    id: Id
    min: float


QuestionType = Literal["choice", "multi_choice", "integer", "number", "text", "date"]


class Question(FormModel):
    """A question whose answer is stored as a generic value (anonymisation, channel, ...)."""

    id: QuestionId
    text: Text
    help: Text | None = None
    type: QuestionType
    options: str | list[Option] | None = Field(
        default=None,
        description="inline options, the name of an option set, or 'catalogue:formats'",
    )
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    required: RequiredRule = False

    @model_validator(mode="after")
    def _options_for_choices(self) -> Question:
        if self.type in ("choice", "multi_choice") and not self.options:
            raise ValueError(f"a {self.type} question needs options")
        if self.type not in ("choice", "multi_choice") and self.options:
            raise ValueError(f"a {self.type} question takes no options")
        return self


class Gate(FormModel):
    id: QuestionId
    text: Text
    help: Text | None = None
    blocks_with: Literal["do_not_open", "limited_access"]
    required: RequiredRule = False


class Benefit(FormModel):
    id: QuestionId
    text: Text
    help: Text | None = None
    weight: float = Field(ge=0)


class Item(FormModel):
    """A risk or cost item: a text and its help, the answers have a fixed shape."""

    id: QuestionId
    text: Text
    help: Text | None = None
    required: RequiredRule = False


def _ascending(bands: list[Band], required: set[str], what: str) -> list[Band]:
    ids = [b.id for b in bands]
    if missing := required - set(ids):
        raise ValueError(f"{what} levels must include {sorted(missing)}")
    if any(a.min >= b.min for a, b in itertools.pairwise(bands)):
        raise ValueError(f"{what} levels must be in ascending order of min")
    return bands


class GateSection(FormModel):
    scale: list[Option]
    questions: list[Gate]


class BenefitSection(FormModel):
    required: Literal["any"] | None = None  # "any": at least one benefit rated
    scale: Scale
    levels: list[Band]
    questions: list[Benefit]

    @model_validator(mode="after")
    def _check(self) -> BenefitSection:
        _ascending(self.levels, {"low", "medium", "high"}, "benefit")
        if self.questions and sum(q.weight for q in self.questions) <= 0:
            raise ValueError("at least one benefit needs a weight above 0")
        return self


class RiskSection(FormModel):
    required: Literal["any"] | None = None  # "any": at least one risk assessed
    likelihood: Scale
    impact: Scale
    levels: list[Band]
    questions: list[Item]

    @model_validator(mode="after")
    def _check(self) -> RiskSection:
        _ascending(self.levels, {"low", "medium", "high", "critical"}, "risk")
        return self


class CostSection(FormModel):
    day_rate_eur: float = Field(gt=0)
    horizon_years: int = Field(ge=1)
    levels: list[Band]
    items: list[Item]

    @model_validator(mode="after")
    def _check(self) -> CostSection:
        _ascending(self.levels, {"low", "medium", "high"}, "cost")
        return self


RECOMMENDATIONS = (
    "open", "open_low_priority", "open_after_mitigation", "limited_access", "do_not_open",
    "incomplete",
)


class HrkForm(FormModel):
    """``forms/hrk.yaml``: the benefit/risk/cost questionnaire and its scoring parameters."""

    gates: GateSection
    benefits: BenefitSection
    risks: RiskSection
    costs: CostSection
    portfolio_order: list[Literal[RECOMMENDATIONS]]  # type: ignore[valid-type]
    review_interval_months: int = Field(default=12, ge=1, le=120)

    @model_validator(mode="after")
    def _check(self) -> HrkForm:
        if sorted(self.portfolio_order) != sorted(RECOMMENDATIONS):
            raise ValueError(f"portfolio_order must list each of {list(RECOMMENDATIONS)} once")
        return self


class QuestionForm(FormModel):
    """A generic questionnaire (anonymisation need, channel and format) with rule parameters."""

    questions: list[Question]
    parameters: dict[str, int | float | list[str]] = {}
    contradictions: list[Condition] = []
    # the labels a published table's margins go by (``audit`` reads them, any case)
    total_labels: list[Annotated[str, Field(min_length=1, pattern=r"\S")]] = []

    def number(self, key: str, default: float) -> float:
        """A numeric rule parameter; the default applies only when the form omits it."""
        value = self.parameters.get(key, default)
        return default if isinstance(value, list) else value


class DatasetField(FormModel):
    """A field of the dataset description that rules read: its texts and when it is required."""

    id: QuestionId
    type: Literal["yes_no", "choice", "text"] = "text"
    text: Text
    help: Text | None = None
    required: RequiredRule = False


class DatasetForm(FormModel):
    """``forms/dataset.yaml``."""

    fields: list[DatasetField]


class QualityCriterion(FormModel):
    id: QuestionId
    group: Literal["reality", "description", "usability"]
    text: Text
    help: Text | None = None


class QualityForm(FormModel):
    scale: Scale
    weakness_threshold: int
    criteria: list[QualityCriterion]


class Licence(FormModel):
    id: Id
    spdx: str | None = None
    name: str
    uri: Iri
    eu_uri: Iri | None = None
    ckan_id: str | None = None
    open: bool
    attribution: bool
    share_alike: bool = False
    hvd_allowed: bool = False
    text: Text


class LicenceCatalogue(FormModel):
    default_data: Id
    default_metadata: Id
    licences: list[Licence]


class FileFormat(FormModel):
    id: Id
    name: str
    extensions: list[str]
    media_type: str
    eu_file_type: str
    open: bool
    structured: bool
    rdf: bool = False
    openness_score: int = Field(ge=0, le=5)
    data_kinds: list[Id]
    text: Text


class FormatCatalogue(FormModel):
    formats: list[FileFormat]


class VocabEntry(FormModel):
    id: Id
    uri: Iri | None = None
    text: Text


class Vocabularies(FormModel):
    """Code lists the dataset description and decision refer to, with their URIs."""

    option_sets: dict[str, list[Option]]
    roles: list[VocabEntry]
    themes: list[VocabEntry]
    frequencies: list[VocabEntry]
    hvd_categories: list[VocabEntry]
    granularity: list[VocabEntry]
    decision_outcomes: list[VocabEntry]
    hvd_legislation_uri: Iri
