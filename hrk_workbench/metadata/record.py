"""What the catalogue record says, decided once from an assessment, before any serialisation.

The DCAT-AP graph, its HVD additions and the avoindata.fi package are all renderings of this
record, so they cannot disagree about the access rights, the distributions or the API. It is
pure (no rdflib): the access right comes from the recorded decision, else the recommendation,
because the catalogue must not claim more openness than the organisation decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hrk_workbench.channels.advice import advise_channel
from hrk_workbench.decision.summary import summarise
from hrk_workbench.forms.loader import Forms
from hrk_workbench.forms.schema import FileFormat, Licence
from hrk_workbench.foundations.addresses import address_fields, address_problem, is_iri
from hrk_workbench.foundations.answer_names import decision_text
from hrk_workbench.foundations.i18n import label, problem_text, render
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.foundations.rule_ids import PLANNED
from hrk_workbench.hvd.status import HvdStatus, hvd_status
from hrk_workbench.model.answers import choices
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.quality.statement import quality_statement

ACCESS_RIGHT_BASE = "http://publications.europa.eu/resource/authority/access-right/"

# Decision outcomes (forms/vocabularies.yaml) and recommendation outcomes (scoring) to the EU
# access-right vocabulary. "postponed" and "incomplete" say nothing yet: no access right.
ACCESS_RIGHTS: dict[str, str] = {
    "open": "PUBLIC", "open_with_conditions": "PUBLIC", "open_low_priority": "PUBLIC",
    "open_after_mitigation": "PUBLIC", "limited_access": "RESTRICTED",
    "do_not_open": "NON_PUBLIC",
}


@dataclass(frozen=True)
class DistributionRecord:
    """One published format: the file type, the licence and where to get it."""

    format_id: str
    file_format: FileFormat | None
    download_url: str
    access_url: str  # what dcat:accessURL gets: the access page, else the download link
    title: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class ApiRecord:
    """The data service: present when recorded, or when the law or the channel calls for it."""

    endpoint_url: str
    documentation_url: str
    description_url: str  # dcat:endpointDescription: the machine-readable one, else the docs
    title: dict[str, str]


@dataclass(frozen=True)
class MetadataRecord:
    assessment: Assessment
    outcome: str
    outcome_from: Literal["decision", "recommendation"]
    access_right: str | None  # PUBLIC, RESTRICTED, NON_PUBLIC or None while incomplete
    licence: Licence | None
    distributions: tuple[DistributionRecord, ...]
    api: ApiRecord | None
    hvd: HvdStatus | None
    quality: dict[str, str]  # the quality statement per language, for dqv
    warnings: tuple[Problem, ...]
    schema_url: str = ""  # the published Table Schema every distribution conforms to
    # the dataset's own addresses as the record states them: a value that is not a web
    # address is left out (with a warning), never written as a broken IRI
    landing_page: str = ""
    publisher_uri: str = ""
    spatial_uri: str = ""
    contact_email_iri: str = ""  # mailto:..., when that is a valid IRI
    # the dataset's description as published: the steward's, and what users must know of
    # tables perturbed by the cell key method (empty: the assessment's description as it is)
    description: dict[str, str] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        """Open data in the catalogue's sense: anyone may get it (access right PUBLIC)."""
        return self.access_right == "PUBLIC"

    @property
    def access_right_uri(self) -> str | None:
        return ACCESS_RIGHT_BASE + self.access_right if self.access_right else None


def _suffixed(texts: dict[str, str], suffix: dict[str, str]) -> dict[str, str]:
    return {lang: f"{text} ({suffix.get(lang) or suffix.get('en', '')})"
            for lang, text in texts.items() if text.strip()}


def _outcome(assessment: Assessment, forms: Forms) -> tuple[str, Literal["decision",
                                                                        "recommendation"]]:
    """A recorded decision wins over the recommendation, whatever it says: a postponed
    decision must not let an open recommendation make the record PUBLIC."""
    decided = assessment.decision.outcome
    if decided:
        return decided, "decision"
    return summarise(assessment, forms).recommendation.outcome, "recommendation"


def access_right(assessment: Assessment, forms: Forms) -> tuple[
        str, Literal["decision", "recommendation"], str | None]:
    """(outcome, where it came from, EU access right or None).

    PUBLIC only when a decision to open, or (with no decision) an open recommendation, exists;
    RESTRICTED and NON_PUBLIC for limited access and do-not-open; None (no assertion) while
    the assessment is incomplete or the decision postponed, since a catalogue must not state
    an access right nobody has decided. Shared by the record and the readiness advice.
    """
    outcome, source = _outcome(assessment, forms)
    return outcome, source, ACCESS_RIGHTS.get(outcome)


def _quality(assessment: Assessment, forms: Forms) -> dict[str, str]:
    """Mean rating and every known weakness, told to users rather than hidden."""
    stmt = quality_statement(assessment, forms)
    if not stmt.ratings and not stmt.weaknesses:
        return {}
    langs = sorted({*assessment.dataset.title, *(k for w in stmt.weaknesses for k in w.text)})
    texts: dict[str, str] = {}
    for lang in langs or ["en"]:
        parts = []
        if stmt.ratings:
            parts.append(render(Reason("quality_summary", {
                "mean": stmt.mean, "rated": len(stmt.ratings),
                "total": len(forms.quality.criteria)}), lang, forms))
        parts += [f"{forms.question_text(w.criterion, lang)}: {w.text[lang].strip()}"
                  for w in stmt.weaknesses if w.text.get(lang, "").strip()]
        texts[lang] = " ".join(parts)
    return texts


def _api_suffix(forms: Forms) -> dict[str, str]:
    return {lang: label("api", lang, forms) for lang in forms.messages}


def usable_addresses(assessment: Assessment, forms: Forms) -> tuple[dict[str, str],
                                                                      list[Problem]]:
    """Every web address field by answer path, a value that is not a web address replaced by
    "" and told as a warning that names the path, what is wrong and that it is left out."""
    usable: dict[str, str] = {}
    warnings: list[Problem] = []
    for path, value in address_fields(assessment):
        problem = address_problem(path, value)
        usable[path] = "" if problem else value.strip()
        if problem:
            warnings.append(Problem(
                path, f"left out of the catalogue record: {problem.message}", problem.expected,
                "warning", code="metadata_address_left_out",
                params={"reason": {lang: problem_text(problem, lang, forms)
                                   for lang in forms.messages}}))
    return usable, warnings


def build_record(assessment: Assessment, forms: Forms) -> MetadataRecord:
    """Decide everything the catalogue record states; warnings for what it cannot state."""
    ds = assessment.dataset
    pub = assessment.publication
    outcome, source, access = access_right(assessment, forms)
    addresses, warnings = usable_addresses(assessment, forms)
    if access is None and source == "decision":
        warnings.append(Problem(
            "decision.outcome", f"no access rights in the record: the decision is {outcome}",
            "a decision to open, to share with limited access or not to open", "warning",
            code="metadata_access_rights_undecided",
            params={"outcome": decision_text(outcome, forms)}))
    elif access is None:
        warnings.append(Problem(
            "decision.outcome", "no access rights in the record: neither a recorded decision "
            "nor a complete assessment says whether the data may be opened",
            "a decision, or the missing answers", "warning",
            code="metadata_no_access_rights", params={"outcome": outcome}))
    titles = {k: v for k, v in ds.title.items() if v.strip()}
    dists = []
    for fmt_id in choices(assessment.channel, PLANNED):
        fmt = forms.file_format(fmt_id)
        link = pub.distributions.get(fmt_id)
        at = f"publication.distributions.{fmt_id}"
        download = addresses.get(f"{at}.download_url", "")
        access_url = addresses.get(f"{at}.access_url", "") or download
        name = {"en": fmt.name if fmt else fmt_id}
        dists.append(DistributionRecord(
            fmt_id, fmt, download, access_url,
            (link.title if link and link.title else _suffixed(titles, name)),
            (link.description if link else {}) or {}))
    hvd = hvd_status(assessment, forms)
    api_given = any((pub.api.endpoint_url, pub.api.documentation_url, pub.api.description_url))
    api = None
    if api_given or hvd is not None or _api_only(assessment, forms):
        endpoint, docs, description = (addresses[f"publication.api.{name}"] for name in (
            "endpoint_url", "documentation_url", "description_url"))
        api = ApiRecord(endpoint, docs, description or docs,
                        pub.api.title or _suffixed(titles, _api_suffix(forms)))
    email = ds.contact.email.strip()
    mailto = f"mailto:{email}" if email else ""
    if mailto and not is_iri(mailto):
        warnings.append(Problem("dataset.contact.email", "left out of the catalogue record: "
                                "not an address a link can hold", "name@organisation.example",
                                "warning", code="metadata_email_left_out",
                                params={"got": repr(email)}))
        mailto = ""
    return MetadataRecord(
        assessment=assessment, outcome=outcome, outcome_from=source, access_right=access,
        licence=forms.licence(assessment.licence.licence_id), distributions=tuple(dists),
        api=api, hvd=hvd, quality=_quality(assessment, forms), warnings=tuple(warnings),
        schema_url=addresses["publication.schema_url"],
        landing_page=addresses["dataset.landing_page"],
        publisher_uri=addresses["dataset.publisher_uri"],
        spatial_uri=addresses["dataset.spatial_uri"], contact_email_iri=mailto,
        description=_description(assessment, forms))


def _description(assessment: Assessment, forms: Forms) -> dict[str, str]:
    """The description with a note on every table perturbed by the cell key method: its
    figures are a little off and its totals do not add up, which users must be told."""
    texts = {k: v for k, v in assessment.dataset.description.items() if v.strip()}
    perturbed = [t for t in assessment.table_lab if t.method == "cellkey"]
    if not perturbed:
        return texts
    names = ", ".join(t.name for t in perturbed if t.name)
    d = max(int(t.rules.get("max_deviation") or 0) for t in perturbed)  # type: ignore[arg-type]
    langs = list(texts) or [k for k, v in assessment.dataset.title.items() if v.strip()] or ["en"]
    out = {}
    for lang in langs:
        note = label("metadata_cellkey_note", lang if lang in forms.messages else "en",
                     forms).format(names=names, d=d)
        out[lang] = f"{texts[lang].rstrip()}\n\n{note}" if texts.get(lang) else note
    return out


def _api_only(assessment: Assessment, forms: Forms) -> bool:
    """The channel advice allows nothing but an API (real-time data): it is the distribution."""
    return advise_channel(assessment, forms).channel == "api"
