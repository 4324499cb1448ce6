"""Answers named as the app shows them: "Dataset → Contains personal data", never a path.

The command line names an answer by its path (``dataset.personal_data``): that is what
``set`` takes. A steward in the app never sees paths, so every problem and reason the app
shows goes through :func:`gui_problem_text` / :func:`gui_reason_text`, which replace each
answer path (in the location and in the values) by the step and the question or field as
its page labels it, in the steward's language. Pure: no Qt, so it is tested directly.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import _param_text, label, problem_text, render
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.foundations.reasons import Reason

# sections whose keys are question ids, and the step that asks them
_KEYED = {"gates": "gates", "benefits": "benefits", "risks": "risks",
          "anonymisation": "anonymisation", "channel": "channel", "quality": "quality"}
# sections named unlike their step
_SECTION_STEP = {"costs": "costs", "participants": "participants", "licence": "licence",
                 "decision": "decision", "dataset": "dataset", "publication": "channel",
                 "risk_lab": "risk_lab", "table_lab": "table_lab"}
# the field's caption on its page (label keys of the gui catalogue)
_FIELD_KEYS = {
    "risks": {"likelihood": "gui_risk_likelihood", "impact": "gui_risk_impact",
              "mitigation": "gui_risk_mitigation", "owner": "gui_risk_owner",
              "residual_likelihood": "gui_risk_residual_likelihood",
              "residual_impact": "gui_risk_residual_impact"},
    "costs": {"one_off_days": "gui_cost_one_off_days", "one_off_eur": "gui_cost_one_off_eur",
              "yearly_days": "gui_cost_yearly_days", "yearly_eur": "gui_cost_yearly_eur",
              "day_rate_eur": "gui_cost_day_rate_plain"},
    "participants": {"name": "gui_part_name", "organisation": "gui_part_organisation",
                     "email": "gui_part_email", "roles": "gui_part_roles"},
    "licence": {"licence_id": "gui_lic_licence", "attribution_name": "gui_lic_attribution",
                "disclaimer": "gui_lic_disclaimer", "comment": "gui_lic_comment"},
    "decision": {"outcome": "gui_dec_outcome", "decided_by": "gui_dec_decided_by",
                 "date": "gui_dec_date", "residual_risks_accepted": "gui_dec_residual",
                 "residual_risk_note": "gui_dec_residual_note",
                 "conditions": "gui_dec_conditions", "comment": "gui_dec_comment",
                 "justification": "gui_dec_justification",
                 "decider_title": "gui_dec_decider_title",
                 "record_number": "gui_dec_record_number",
                 "section_number": "gui_dec_section_number",
                 "legal_basis": "gui_dec_legal_basis", "presenter": "gui_dec_presenter"},
    "dataset": {"title": "gui_ds_title_plain", "description": "gui_ds_description",
                "keywords": "gui_ds_keywords", "publisher": "gui_ds_publisher",
                "publisher_uri": "gui_ds_publisher_uri",
                "information_manager": "gui_ds_information_manager",
                "contact": "gui_ds_contact_name", "source_system": "gui_ds_source_system",
                "end_of_life": "gui_ds_end_of_life", "precision": "gui_ds_precision",
                "use_cases": "gui_ds_use_cases",
                "themes": "gui_ds_themes", "spatial_coverage": "gui_ds_spatial",
                "update_frequency": "gui_ds_update_frequency", "size_mb": "gui_ds_size_mb",
                "record_count": "gui_ds_record_count", "personal_data": "gui_ds_personal_data",
                "granularity": "gui_ds_granularity", "longitudinal": "gui_ds_longitudinal",
                "hvd_category": "gui_ds_hvd_category", "landing_page": "gui_ds_landing_page",
                "ownership": "gui_ds_ownership", "comment": "gui_ds_comment"},
    "publication": {"schema_url": "gui_pub_schema"},
}
_SUBFIELD_KEYS = {("dataset", "contact", "email"): "gui_ds_contact_email",
                  ("dataset", "temporal_coverage", "start"): "gui_ds_temporal_start",
                  ("dataset", "temporal_coverage", "end"): "gui_ds_temporal_end",
                  ("publication", "api", "endpoint_url"): "gui_pub_api_endpoint",
                  ("publication", "api", "documentation_url"): "gui_pub_api_docs",
                  ("publication", "api", "description_url"): "gui_pub_api_description"}
# a format's addresses: publication.distributions.CSV.download_url -> "Download address (CSV)"
_DISTRIBUTION_KEYS = {"download_url": "gui_pub_download", "access_url": "gui_pub_access"}
_LANGS = ("en", "fi", "sv")

PATH = re.compile(r"^\$?\.?[a-z_]+(\[\d+\])?(\.[A-Za-z0-9_\-]+(\[\d+\])?)+$|^[a-z_]+\[\d+\]")
"""An answer path (``gates.G1``, ``dataset.title.fi``, ``participants[0].name``)."""


def is_answer_path(text: str, forms: Forms) -> bool:
    """Whether ``text`` is an answer path of a known section (not a file name or a sentence)."""
    if not isinstance(text, str) or not PATH.match(text.strip()):
        return False
    head = re.split(r"[.\[]", text.strip().lstrip("$."), maxsplit=1)[0]
    return head in _KEYED or head in _SECTION_STEP


def _is_section(text: str) -> bool:
    bare = text.strip().lstrip("$.")
    return bare in _KEYED or bare in _SECTION_STEP


def step_name(step: str, lang: str, forms: Forms) -> str:
    return label(f"gui_step_{step}", lang, forms)


def section_step(section: str) -> str | None:
    """The step that asks the answers of a file's section (``publication`` -> channel), or
    None for a section no step asks."""
    return _KEYED.get(section) or _SECTION_STEP.get(section)


def _parts(path: str) -> list[str]:
    return [p for p in re.split(r"[.\[\]]+", path.strip().lstrip("$.")) if p]


def answer_name(path: str, lang: str, forms: Forms) -> str:
    """``path`` as "Step → question or field" in ``lang``; the step alone when the field has
    no caption of its own, and the path unchanged only when it is no answer path at all."""
    if not is_answer_path(path, forms) and not _is_section(path):
        return path
    parts = _parts(path)
    section = parts[0]
    step = section_step(section) or "dataset"
    where = step_name(step, lang, forms)
    field = _field(parts, lang, forms)
    return f"{where} → {field}" if field else where


def _lang_name(code: str, lang: str, forms: Forms) -> str:
    return label(f"gui_language_{code}", lang, forms)


def _field(parts: list[str], lang: str, forms: Forms) -> str:
    section = parts[0]
    rest = parts[1:]
    if section == "costs" and rest[:1] == ["lines"]:
        rest = rest[1:]
    if section in _KEYED or (section == "costs" and rest and rest[0] in _qids(forms)):
        if not rest:
            return ""
        qid = rest[0]
        text = f"{qid} {forms.question_text(qid, lang)}"
        sub = rest[1] if len(rest) > 1 else "value"
        key = _FIELD_KEYS.get(section, {}).get(sub)
        if sub == "comment":
            return label("gui_comment_for", lang, forms).format(qid=qid)
        if key:
            return f"{text}: {_plain(label(key, lang, forms))}"
        return text
    while rest and rest[0].isdigit():  # participants[0].name -> name
        rest = rest[1:]
    if not rest:
        return ""
    if section == "publication" and rest[:1] == ["distributions"] and len(rest) >= 3 \
            and rest[2] in _DISTRIBUTION_KEYS:
        return _plain(label(_DISTRIBUTION_KEYS[rest[2]], lang, forms).format(format=rest[1]))
    if tuple(parts[:3]) in _SUBFIELD_KEYS:
        return _plain(label(_SUBFIELD_KEYS[tuple(parts[:3])], lang, forms))
    key = _FIELD_KEYS.get(section, {}).get(rest[0])
    if not key:
        return ""
    text = label(key, lang, forms)
    if "{language}" in text:
        code = rest[1] if len(rest) > 1 and rest[1] in _LANGS else lang
        text = text.format(language=_lang_name(code, lang, forms))
    return _plain(text)


def field_name(path: str, lang: str, forms: Forms) -> str:
    """The field of an answer path as the app captions it (``dataset.contact.name`` ->
    "Contact name"), without its step; empty when the app has no caption for it."""
    return _field(_parts(path), lang, forms) if is_answer_path(path, forms) else ""


def _qids(forms: Forms) -> set[str]:
    return {q.id for q in forms.hrk.costs.items}


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_value(value: Any, lang: str, forms: Forms) -> Any:
    """A parameter with every answer path in it named as the app shows it."""
    if isinstance(value, str) and is_answer_path(value, forms):
        return answer_name(value, lang, forms)
    if isinstance(value, (list, tuple)) and value and \
            all(isinstance(v, str) and is_answer_path(v, forms) for v in value):
        return "; ".join(answer_name(v, lang, forms) for v in value)
    return value


def name_params(params: dict[str, Any], lang: str, forms: Forms) -> dict[str, Any]:
    return {k: name_value(v, lang, forms) for k, v in params.items()}


def gui_problem_text(problem: Problem, lang: str, forms: Forms) -> str:
    """A problem as the app says it: "Step → question: what is wrong", no path, no ``$``."""
    named = dataclasses.replace(problem, params=name_params(problem.params, lang, forms))
    text = _app_words("problem", named.code, named.params, lang, forms)
    if text is None:
        text = problem_text(named, lang, forms)
    elif problem.severity == "warning":
        text = f"{label('warning', lang, forms)}: {text}"
    where = problem.location.strip()
    if not where or where == "$":
        return text
    if is_answer_path(where, forms) or _is_section(where):
        return f"{answer_name(where, lang, forms)}: {text}"
    place = _place(where, lang, forms)
    return f"{place}: {text}" if place else text


_RECIPE_STEP = re.compile(r"(?:recipe:\s*)?steps\[(\d+)\](.*)")
_LINE = re.compile(r"line (\d+)")


def _place(where: str, lang: str, forms: Forms) -> str:
    """A location that is no answer, in words: a recipe's step counted from 1 ("Recipe
    step 5"), a data file's line; a command-line option or a document root says nothing
    the steward can act on, so it is left out; a cell or a data value stays as it is."""
    if m := _RECIPE_STEP.fullmatch(where):
        return label("gui_recipe_step_n", lang, forms).format(n=int(m.group(1)) + 1)
    if m := _LINE.fullmatch(where):
        return label("gui_file_line_n", lang, forms).format(n=m.group(1))
    if where.startswith("--") or where in ("/", "recipe") or where.startswith("$"):
        return ""
    return where  # a row and column of a data file, a cell of a workbook


def gui_reason_text(reason: Reason, lang: str, forms: Forms) -> str:
    """A reason as the app says it: every answer path among its values named."""
    params = name_params(reason.params, lang, forms)
    text = _app_words("reason", reason.code, params, lang, forms)
    if text is not None:
        return text
    return render(dataclasses.replace(reason, params=params), lang, forms)


def _app_words(kind: str, code: str, params: dict[str, Any], lang: str,
               forms: Forms) -> str | None:
    """The app's own wording of a message whose command-line text names an option or an
    answer path (``gui_problem_<code>``, ``gui_reason_<code>`` in the gui catalogue)."""
    key = f"gui_{kind}_{code}"
    template = label(key, lang, forms)
    if template == key:
        return None
    values = {k: _param_text(v, lang, forms) for k, v in params.items()}
    values.setdefault("got", "")
    try:
        return " ".join(template.format(**values).split())
    except (KeyError, IndexError, ValueError):
        return None


def decision_text(outcome: str, forms: Forms) -> dict[str, str]:
    """A decision outcome's words in every language (forms/vocabularies.yaml), for a problem
    parameter; the id itself when the vocabulary does not know it."""
    entry = next((o for o in forms.vocab.decision_outcomes if o.id == outcome), None)
    return dict(entry.text) if entry else {"en": outcome}
