"""The assessment document: everything a steward answers about one dataset.

The model only fixes the *shape* of the answers (which fields exist, their types). Which
question ids exist and which values a scale allows come from ``forms/`` and are checked by
:func:`hrk_workbench.model.check.check_document`, so adding a question to a form needs no
change here: answers are keyed by question id.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, Strict, StringConstraints

from hrk_workbench.foundations.addresses import WebAddress

SCHEMA_VERSION = 5

LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
LocalText = dict[LangCode, str]
"""Text in several languages, keyed by ISO 639-1 code (``en``, ``fi``, ``sv``)."""

# Numbers and yes/no are strict: JSON true is not the number 1 and "3" is not 3, so a
# hand-edited file with a wrong type gets an error instead of a silently different answer.
Int = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
Bool = Annotated[bool, Strict()]

AnswerValue = str | Int | Number | list[str] | None
GateValue = Literal["yes", "no", "unknown"]


# Sane bounds stated once: no real cost line reaches them, and within them no total can
# overflow or print as infinity.
MAX_EUR = 1e9
MAX_DAYS = 1e9
MAX_DAY_RATE = 1e5
MAX_COUNT = 1e15


class Part(BaseModel):
    """Base of every part of the document: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False,
                              defer_build=True)


class Contact(Part):
    name: str = ""
    email: str = ""


class TemporalCoverage(Part):
    start: date | None = None
    end: date | None = None


class DatasetDescription(Part):
    title: LocalText = Field(default_factory=dict)
    description: LocalText = Field(default_factory=dict)
    publisher: str = ""
    publisher_uri: WebAddress = ""
    information_manager: str = ""
    contact: Contact = Field(default_factory=Contact)
    source_system: str = ""
    keywords: dict[LangCode, list[str]] = Field(default_factory=dict)
    themes: list[str] = Field(default_factory=list, description="EU data-theme codes, e.g. TRAN")
    spatial_coverage: str = ""
    spatial_uri: WebAddress = ""
    temporal_coverage: TemporalCoverage = Field(default_factory=TemporalCoverage)
    update_frequency: str | None = Field(default=None, description="EU frequency code")
    size_mb: Number | None = Field(default=None, ge=0, le=MAX_COUNT)
    record_count: Int | None = Field(default=None, ge=0, le=MAX_COUNT)
    personal_data: Bool | None = None
    granularity: Literal["unit", "aggregated"] | None = None
    longitudinal: Bool | None = None
    hvd_category: str | None = Field(default=None, description="HVD category id, None if not HVD")
    use_cases: LocalText = Field(default_factory=dict)
    ownership: str = Field(default="", description="ownership and copyright status")
    precision: str = ""
    end_of_life: str = ""
    landing_page: WebAddress = ""
    comment: str = ""


class Participant(Part):
    name: str
    organisation: str = ""
    email: str = ""
    roles: list[str] = Field(default_factory=list)
    comment: str = ""


class GateAnswer(Part):
    value: GateValue | None = None
    comment: str = ""


class BenefitAnswer(Part):
    value: Int | None = None
    comment: str = ""


class RiskAnswer(Part):
    likelihood: Int | None = None
    impact: Int | None = None
    mitigation: str = ""
    residual_likelihood: Int | None = None
    residual_impact: Int | None = None
    owner: str = ""
    comment: str = ""


class CostLine(Part):
    one_off_days: Number = Field(default=0, ge=0, le=MAX_DAYS)
    one_off_eur: Number = Field(default=0, ge=0, le=MAX_EUR)
    yearly_days: Number = Field(default=0, ge=0, le=MAX_DAYS)
    yearly_eur: Number = Field(default=0, ge=0, le=MAX_EUR)
    comment: str = ""


class Costs(Part):
    day_rate_eur: Number | None = Field(
        default=None, gt=0, le=MAX_DAY_RATE,
        description="price of a person-day; None uses the form's default"
    )
    lines: dict[QuestionId, CostLine] = Field(default_factory=dict)


class Answer(Part):
    """A generic answer: an option value, a number, text or a list of option values."""

    value: AnswerValue = None
    comment: str = ""


class QualityAnswer(Part):
    rating: Int | None = None
    weaknesses: LocalText = Field(default_factory=dict)
    comment: str = ""


class LicenceChoice(Part):
    licence_id: str | None = None
    attribution_name: str = Field(default="", description="who users should name as source")
    disclaimer: LocalText = Field(default_factory=dict)
    comment: str = ""


class DistributionLink(Part):
    """Where users get one published format (a DCAT-AP distribution); keyed by format id."""

    download_url: WebAddress = Field(default="", description="direct link to the file")
    access_url: WebAddress = Field(
        default="", description="page or service giving access; the download URL if empty")
    title: LocalText = Field(default_factory=dict)
    description: LocalText = Field(default_factory=dict)


class ApiLink(Part):
    """The API through which the data is served (a DCAT-AP data service)."""

    endpoint_url: WebAddress = ""
    documentation_url: WebAddress = Field(default="", description="page documenting the API")
    description_url: WebAddress = Field(
        default="", description="machine-readable description (e.g. OpenAPI); else the "
                                "documentation page")
    title: LocalText = Field(default_factory=dict)


class Publication(Part):
    """Addresses the catalogue record links to (schema 2): per format, and the API; and
    (schema 3) where the data dictionary is published as a Frictionless Table Schema."""

    distributions: dict[QuestionId, DistributionLink] = Field(
        default_factory=dict, description="by format id from forms/formats.yaml (as in CH8)")
    api: ApiLink = Field(default_factory=ApiLink)
    schema_url: WebAddress = Field(
        default="", description="the published Table Schema (hrk-workbench dictionary); "
                                "every distribution conforms to it (dct:conformsTo)")


# --- schema 3: what the risk lab and the table lab measured, saved with the answers ---------

ColumnRole = Literal["direct", "quasi", "sensitive", "other"]


class DictionaryEntry(Part):
    """One column of the data file, for the data dictionary (a Frictionless Table Schema)."""

    column: str
    type: str = Field(default="", description="integer, number, string, date, ...")
    role: ColumnRole = "other"
    description: LocalText = Field(default_factory=dict)
    masking: str = Field(default="", description="the recipe's rule for it, in codes")
    sensitive: Bool = False
    # schema 4: what the program detected in the values, beside the steward's ``role``, so a
    # henkilötunnus column relabelled "other" still keeps the recommendation from "open"
    detected_role: Literal["", "direct", "quasi", "sensitive", "other"] = Field(
        default="", description="role suggested from the values and name; empty: not checked")
    detected_basis: str = Field(default="", description="why, e.g. henkilotunnus, name_hint:name")


class DataFingerprint(Part):
    """A file a lab read or wrote, as it was then (schema 5), so a later change to it shows.

    ``path`` is relative to the assessment's folder when the file lies under it (the pair
    moves together and no one's home folder is named), else absolute: the issue asks for a
    path, and a re-check cannot find a file by its name alone.
    """

    path: str = ""
    sha256: str = Field(default="", description="hex digest; a wrong one reads as changed")
    size: Int | None = Field(default=None, ge=0)
    rows: Int | None = Field(default=None, ge=0)
    columns: Int | None = Field(default=None, ge=0)
    modified: datetime | None = None


class RiskLabResult(Part):
    """Disclosure risk measured on the data file (the risk lab), with what protected it.

    ``file`` is the file's name only, never its path; ``recipe`` holds the protection steps
    but never the pseudonymisation key, which no file the program writes contains.
    """

    file: str = ""
    measured_at: datetime | None = None
    protected: Bool = Field(default=False, description="measured on the protected output")
    rows: Int | None = Field(default=None, ge=0)
    key_variables: list[str] = Field(default_factory=list)
    sensitive: list[str] = Field(default_factory=list)
    k: Int | None = Field(default=None, ge=0)
    records_below_k: dict[str, Int] = Field(default_factory=dict,
                                            description='"2","3","5","10" -> records')
    sample_uniques: Int | None = Field(default=None, ge=0)
    expected_reidentifications: Number | None = Field(default=None, ge=0)
    l_diversity: dict[str, Int] = Field(default_factory=dict)
    uniques_if_dropped: dict[str, Int] = Field(default_factory=dict)
    recipe: list[JsonValue] = Field(default_factory=list)
    loss: dict[str, JsonValue] = Field(default_factory=dict)
    dictionary: list[DictionaryEntry] = Field(default_factory=list)
    # schema 4: what the recommendation's lab step reads (HRK-METHOD step 7, lab results)
    columns: list[str] = Field(default_factory=list,
                               description="the columns of the measured (published) file")
    still_personal: Bool = Field(default=False,
                                 description="keyed pseudonyms in the file: still personal data")
    person: str = Field(default="", description="person id column of a longitudinal measure")
    time: str = Field(default="", description="time column of a longitudinal measure")
    unique_trajectory_share: Number | None = Field(
        default=None, ge=0, le=1, description="share of persons with a unique trajectory, "
                                             "measured on this file")
    # schema 5: HRK-METHOD rev. 3, step 7's "measured" (each empty or None: not measured)
    period_worst: dict[str, JsonValue] = Field(
        default_factory=dict, description="the worst period of a longitudinal file: "
                                          '{"period", "k", "sample_uniques", "l_diversity"}')
    l_required: Int | None = Field(default=None, ge=0,
                                   description="distinct l every sensitive variable needs")
    l_entropy: dict[str, Number] = Field(default_factory=dict,
                                         description="entropy l per sensitive variable")
    disclosed_records: dict[str, Int] = Field(
        default_factory=dict, description="per sensitive variable, records in classes whose "
                                          "l is below l_required (worst period)")
    unmeasured_quasi: list[str] = Field(
        default_factory=list, description="quasi-identifiers found but not among the keys")
    k_with_unmeasured: Int | None = Field(default=None, ge=0,
                                          description="k with the unmeasured ones added")
    not_identifying: list[str] = Field(
        default_factory=list, description="columns the steward marked not identifying")
    weight: str = Field(default="", description="sampling weight column of a survey")
    individual_risk_max: Number | None = Field(default=None, ge=0, le=1)
    individual_risk_threshold: Number | None = Field(default=None, ge=0, le=1)
    above_threshold: Int | None = Field(default=None, ge=0,
                                        description="records above the individual-risk "
                                                    "threshold")
    global_risk_share: Number | None = Field(default=None, ge=0, le=1)
    global_risk_share_limit: Number | None = Field(default=None, ge=0, le=1)
    safe: Bool | None = Field(default=None, description="the verdict on this file, all checks")
    # schema 5: the files measured (the data read, and for a protected result the file written)
    source: DataFingerprint | None = None
    output: DataFingerprint | None = None


class TableLabResult(Part):
    """A table protected by cell suppression in the table lab, and its audit."""

    name: str = Field(default="", description="e.g. the output file's name")
    dimensions: list[str] = Field(default_factory=list)
    value: str | None = None
    rules: dict[str, JsonValue] = Field(default_factory=dict)
    method: str = ""
    cells: Int = Field(default=0, ge=0)
    primary: Int = Field(default=0, ge=0)
    secondary: Int = Field(default=0, ge=0)
    audit_ok: Bool = False
    saved_at: datetime | None = None
    # The minimum frequency used, the one the assessment's anonymisation advice derived
    # (None: no advice, e.g. saved without an assessment or before schema 4) and whether the
    # steward set another one: the memo must show a threshold below the advice.
    min_frequency: Int | None = Field(default=None, ge=0)
    min_frequency_advised: Int | None = Field(default=None, ge=0)
    min_frequency_overridden: Bool = False
    # schema 5: the data the table was made from, and the table file written
    source: DataFingerprint | None = None
    output: DataFingerprint | None = None


Day = date  # the Decision field named ``date`` would shadow the type inside its class


class Decision(Part):
    outcome: str | None = None
    decided_by: str = ""
    date: Day | None = None
    residual_risks_accepted: list[QuestionId] = Field(default_factory=list)
    residual_risk_note: str = ""
    conditions: str = ""
    comment: str = ""
    # schema 5: why a decision more open than the recommendation was taken (HRK-METHOD rev. 3)
    justification: LocalText = Field(default_factory=dict)
    # schema 5: when the decision is to be looked at again (forms: review_interval_months)
    review_due: Day | None = None
    # schema 5: what a municipality's record-keeping files the memo under (issue 32)
    record_number: str = Field(default="", description="record (diary) number: diaarinumero")
    section_number: str = Field(default="", description="section (§) of the minutes")
    legal_basis: str = Field(default="", description="the law the decision rests on")
    presenter: str = Field(default="", description="who presented the matter (esittelijä)")
    decider_title: str = Field(default="", description="the decision-maker's title")


class Change(Part):
    """One answer changed: its path (``benefits.B3.value``), the value before and after."""

    path: str
    old: JsonValue = None
    new: JsonValue = None


class ChangeLogEntry(Part):
    at: datetime
    by: str
    # schema 5: what kind of save it was ("" an edit, "reassessment" a re-measure)
    kind: str = ""
    changes: list[Change] = Field(default_factory=list)


# --- schema 5: review comments and approvals bound to a version (issue 33) ------------------

ReviewerRole = Literal["dpo", "it", "decider", "other"]
ApproverRole = Literal["decider", "dpo"]


class ReviewComment(Part):
    """A reviewer's remark on an answer or a step (``on``: an answer path such as
    ``gates.G2`` or ``risks.R2.likelihood``), open until someone resolves it in writing.

    The reviewer need not be a participant: the data-protection expert or IT may comment
    without being listed, and the comment keeps their role so the decider sees who asked.
    """

    id: str = Field(pattern=r"^c[0-9]+$", description="c1, c2, …: unique in the file")
    on: str = Field(min_length=1, description="the answer path or step commented on")
    text: str = Field(min_length=1)
    by: str = Field(min_length=1)
    role: ReviewerRole
    at: datetime
    status: Literal["open", "resolved"] = "open"
    resolution: str = ""
    resolved_by: str = ""
    resolved_at: datetime | None = None


class Approval(Part):
    """Who approved which version of the assessment, in which role, and when, signed.

    ``digest`` is the SHA-256 of the canonical content (``hrk_workbench.review.canonical``);
    ``content`` keeps that content so a later check can say which answers changed since.
    ``signature`` is an Ed25519 signature over digest, approver, role, time and public key.

    The fields are loose on purpose (any text, empty when missing): an approval edited by
    hand still opens, and verifying it says it was edited instead of refusing the file.
    ``approve`` only ever writes a role from :data:`ApproverRole` and a 64-digit digest.
    """

    by: str = ""
    role: str = Field(default="", description="decider or dpo")
    at: datetime
    digest: str = Field(default="", description="SHA-256 (hex) of the canonical content")
    content: dict[str, JsonValue] = Field(default_factory=dict)
    open_comments: list[str] = Field(default_factory=list,
                                     description="ids of the comments open when approved")
    public_key: str = Field(default="", description="the approver's Ed25519 public key, base64")
    key_fingerprint: str = Field(default="", description="SHA256:… of the public key")
    signature: str = Field(default="", description="Ed25519 signature, base64")
    example_key: Bool = Field(default=False,
                              description="signed by a throw-away key of the bundled examples")


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Assessment(Part):
    """One dataset's assessment; saved as ``*.hrk.json``."""

    schema_version: Literal[5] = SCHEMA_VERSION
    id: str = Field(default_factory=_new_id)
    created: datetime = Field(default_factory=_now)
    language: LangCode = "en"
    dataset: DatasetDescription = Field(default_factory=DatasetDescription)
    participants: list[Participant] = Field(default_factory=list)
    gates: dict[QuestionId, GateAnswer] = Field(default_factory=dict)
    benefits: dict[QuestionId, BenefitAnswer] = Field(default_factory=dict)
    risks: dict[QuestionId, RiskAnswer] = Field(default_factory=dict)
    costs: Costs = Field(default_factory=Costs)
    anonymisation: dict[QuestionId, Answer] = Field(default_factory=dict)
    channel: dict[QuestionId, Answer] = Field(default_factory=dict)
    quality: dict[QuestionId, QualityAnswer] = Field(default_factory=dict)
    licence: LicenceChoice = Field(default_factory=LicenceChoice)
    publication: Publication = Field(default_factory=Publication)
    decision: Decision = Field(default_factory=Decision)
    risk_lab: RiskLabResult | None = None
    table_lab: list[TableLabResult] = Field(default_factory=list)
    change_log: list[ChangeLogEntry] = Field(default_factory=list)
    # schema 5: review comments and signed approvals (issue 33)
    comments: list[ReviewComment] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)

    def title(self, lang: str = "en") -> str:
        """The dataset title in ``lang``, falling back to any language given."""
        titles = self.dataset.title
        return titles.get(lang) or next((t for t in titles.values() if t), "")
