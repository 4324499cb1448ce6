"""What the labs save in the assessment: plain JSON dicts matching the schema-3 models
(``risk_lab``: :class:`~hrk_workbench.model.RiskLabResult`, ``table_lab``:
:class:`~hrk_workbench.model.TableLabResult`), and the data dictionary with its export as a
Frictionless Table Schema.

Why converters and not the lab objects themselves: the assessment file is shared (it feeds the
memo and the catalogue record), so it keeps a summary and never anything that would itself
disclose: the data file's *name* only (a path can name a person's folder), the recipe's steps
but never the pseudonymisation key (a recipe cannot hold one: its steps forbid extra fields),
and from the information-loss report the counts and distances, not the category values that
lost records (a small municipality with three lost records is itself a disclosure).

The desktop app saves with ``document.edit_many([("risk_lab", risk_lab_result(...)),
("anonymisation.A10.value", "yes")], text)``; the ``risk``, ``puf`` and ``tables`` commands
with ``--save`` do the same through :func:`save_risk_result` and :func:`save_table_result`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.disclosure.column_types import SAMPLE_ROWS, infer_type
from hrk_workbench.foundations.problems import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.microdata.measures import MeasuredRisk
    from hrk_workbench.disclosure.microdata.recipe import Recipe
    from hrk_workbench.disclosure.tables.protect import ProtectedTable
    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.model.assessment import Assessment



def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _name(file: str | os.PathLike[str]) -> str:
    """A file's name without any folder, whichever system wrote the path."""
    return re.split(r"[\\/]", str(file))[-1]


# --- recipe and loss, as saved --------------------------------------------------------------

def recipe_steps(recipe: Recipe | Mapping[str, Any] | Sequence[Any] | None) -> list[dict]:
    """The recipe's steps as JSON dicts, checked against the step models.

    A step with any field the models do not know (such as a ``key``) is refused, so nothing
    secret can travel into the assessment through a hand-made recipe dict.
    """
    from hrk_workbench.disclosure.microdata.recipe import Recipe

    if recipe is None:
        return []
    if isinstance(recipe, Recipe):
        model = recipe
    else:
        steps = recipe.get("steps", []) if isinstance(recipe, Mapping) else list(recipe)
        model = Recipe.model_validate({"steps": [
            s.model_dump(mode="json") if hasattr(s, "model_dump") else s for s in steps]})
    return [s.model_dump(mode="json", exclude_none=True) for s in model.steps]


LOSS_TOP = ("records_before", "records_after", "records_removed", "share_removed",
            "values_suppressed")
LOSS_VARIABLE = ("dropped", "recoded", "values_suppressed", "total_variation")


def loss_summary(report: Mapping[str, Any] | None) -> dict[str, Any]:
    """The information-loss report without category values: counts, distances and the
    changes of mean, median and standard deviation per variable."""
    if not report:
        return {}
    out: dict[str, Any] = {k: report[k] for k in LOSS_TOP if k in report}
    variables: dict[str, Any] = {}
    for name, info in (report.get("variables") or {}).items():
        entry = {k: info[k] for k in LOSS_VARIABLE if k in info}
        numeric = info.get("numeric")
        if numeric:
            entry["numeric"] = {stat: {k: v for k, v in change.items()
                                       if k in ("before", "after", "change")}
                                for stat, change in numeric.items()}
        variables[str(name)] = entry
    if variables:
        out["variables"] = variables
    return out


# --- the data dictionary --------------------------------------------------------------------



def masking_rules(recipe: Recipe | Mapping[str, Any] | Sequence[Any] | None
                  ) -> dict[str, str]:
    """Per column, what the recipe does to it, as short codes joined by ``; ``
    (``band width=10``, ``merge hierarchy=regions.csv``, ``suppress k=5``...)."""
    from hrk_workbench.disclosure.microdata.recipe import Recipe

    steps = recipe_steps(recipe)
    keys: list[str] = []
    if isinstance(recipe, Recipe):
        keys = list(recipe.key_variables)
    elif isinstance(recipe, Mapping):
        keys = list(recipe.get("key_variables") or [])
    rules: dict[str, list[str]] = {}
    for step in steps:
        op = step["op"]
        if op in ("drop", "remove_direct_identifiers", "pseudonymise"):
            text = {"drop": "drop", "remove_direct_identifiers": "remove",
                    "pseudonymise": "pseudonymise hmac-sha256"}[op]
            columns = step["columns"]
        elif op == "band":
            text = (f"band width={_num(step['width'])}" if step.get("width") is not None
                    else "band breaks=" + ",".join(_num(b) for b in step["breaks"]))
            columns = [step["column"]]
        elif op in ("top_code", "bottom_code"):
            text, columns = f"{op} at={_num(step['at'])}", [step["column"]]
        elif op == "merge":
            how = (f"hierarchy={_name(step['hierarchy'])}" if step.get("hierarchy")
                   else f"mapping={len(step.get('mapping') or {})}")
            text, columns = f"merge {how}", [step["column"]]
        elif op == "date":
            text, columns = f"date to={step['to']}", [step["column"]]
        elif op in ("suppress", "exclude"):
            text, columns = f"{op} k={step['k']}", step.get("columns") or keys
        elif op in ("pram", "microaggregate", "noise"):  # values moved, not removed
            text = {"pram": f"pram retain={_num(step.get('retain', 0.8))}",
                    "microaggregate": f"microaggregate mdav k={step.get('k', 3)}",
                    "noise": f"noise {step.get('method', 'correlated2')} "
                             f"std_share={_num(step.get('std_share', 0))}"}[op]
            columns = step["columns"]
        else:  # sample: every column
            continue
        for col in columns:
            rules.setdefault(col, []).append(text)
    return {c: "; ".join(r) for c, r in rules.items()}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def data_dictionary(frame: pd.DataFrame, roles: Mapping[str, str],
                    recipe: Recipe | Mapping[str, Any] | None = None,
                    descriptions: Mapping[str, Mapping[str, str]] | None = None,
                    previous: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """One entry per column of ``frame``: its type, confirmed role, description (en/fi/sv),
    masking rule and sensitive flag, and the role detected from its values and name
    (``detected_role``, ``detected_basis``).

    ``previous`` is the dictionary already saved: descriptions the steward wrote are kept for
    columns still present, so re-measuring does not wipe them. A column is flagged sensitive
    when its role is ``sensitive``. The detected role is always judged afresh from the data,
    never taken from the steward, so relabelling a henkilötunnus column "other" cannot hide it
    from the recommendation.
    """
    from hrk_workbench.disclosure.microdata.roles import suggest_roles
    from hrk_workbench.model.assessment import DictionaryEntry

    masks = masking_rules(recipe)
    old = {str(e.get("column")): e for e in previous}
    detected = {s.column: s for s in suggest_roles(frame)}
    out = []
    for col in frame.columns:
        name = str(col)
        found = detected.get(name)
        # a column nobody has given a role gets the detected one (as the app and risk --save
        # suggest it), so the Table Schema does not call a henkilötunnus column "other"
        role = roles.get(name) or old.get(name, {}).get("role") or (
            found.role if found else "other")
        text = dict((descriptions or {}).get(name) or old.get(name, {}).get("description")
                    or {})
        entry = DictionaryEntry(column=name, type=infer_type(frame[col]), role=role,
                                description=text, masking=masks.get(name, ""),
                                sensitive=role == "sensitive",
                                detected_role=found.role if found else "",
                                detected_basis=found.basis if found else "")
        out.append(entry.model_dump(mode="json"))
    return out


def sample_frame(path: str | os.PathLike[str], rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """The first rows of a data file, every column (for the dictionary's types), read the
    way the risk lab reads it (delimiter and encoding sniffed, values as text)."""
    from hrk_workbench.disclosure.loading import read_sample

    return read_sample(path, rows)  # cp1252's undefined bytes, UTF-16 and CR as everywhere


# --- the converters -------------------------------------------------------------------------

def risk_lab_result(measured: MeasuredRisk, *, protected: bool = False,
                    recipe: Recipe | Mapping[str, Any] | Sequence[Any] | None = None,
                    loss: Mapping[str, Any] | None = None,
                    dictionary: Iterable[Any] = (),
                    columns: Iterable[str] | None = None,
                    still_personal: bool | None = None,
                    verdict: Mapping[str, Any] | None = None,
                    not_identifying: Iterable[str] = (),
                    source: Mapping[str, Any] | None = None,
                    output: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``risk_lab`` value to save: a plain JSON dict matching ``RiskLabResult``.

    ``loss`` may be the whole :func:`~hrk_workbench.disclosure.microdata.loss.loss_report`: only its
    summary is kept (:func:`loss_summary`). ``dictionary`` entries may be dicts or
    ``DictionaryEntry`` models. ``columns`` are the measured file's columns (default: the
    dictionary's); ``still_personal`` defaults to whether the recipe pseudonymises. Both, and
    the longitudinal measure, are what the recommendation's lab step reads.

    ``verdict`` (``risk_verdict(...).to_dict()``, as ``risk --json`` prints it) gives what the
    verdict demanded (l required, the weighted limits) and whether the file passed it all
    (``safe``); ``not_identifying`` are the columns the steward marked as not identifying.
    ``source`` and ``output`` are the fingerprints (:func:`.fingerprints.fingerprint`) of
    the data read and of the file written, by which a changed file later shows as stale.
    """
    from hrk_workbench.model.assessment import DictionaryEntry, RiskLabResult

    entries = [DictionaryEntry.model_validate(
        e.model_dump(mode="json") if hasattr(e, "model_dump") else dict(e))
        for e in dictionary]
    steps = recipe_steps(recipe)
    result = RiskLabResult(
        file=_name(measured.file),
        measured_at=measured.measured_at or _now(),  # type: ignore[arg-type]
        protected=bool(protected),
        rows=int(measured.rows),
        key_variables=[str(k) for k in measured.key_variables],
        sensitive=[str(s) for s in measured.sensitive],
        k=None if measured.k is None else int(measured.k),
        records_below_k={str(k): int(v) for k, v in measured.records_below_k.items()},
        sample_uniques=int(measured.sample_uniques),
        expected_reidentifications=float(measured.expected_reidentifications),
        l_diversity={str(k): int(v) for k, v in measured.l_diversity.items() if v is not None},
        uniques_if_dropped={str(k): int(v) for k, v in measured.uniques_if_dropped.items()},
        recipe=steps,
        loss=loss_summary(loss),
        dictionary=entries,
        columns=[str(c) for c in columns] if columns is not None
        else [e.column for e in entries],
        still_personal=bool(still_personal) if still_personal is not None
        else any(s.get("op") == "pseudonymise" for s in steps),
        person=str(measured.person or ""),
        time=str(measured.time or ""),
        unique_trajectory_share=None if measured.unique_trajectory_share is None
        else min(1.0, max(0.0, float(measured.unique_trajectory_share))),
        **measured_rev3(measured, verdict, not_identifying),
        source=dict(source) if source else None,
        output=dict(output) if output else None,
    )
    return result.model_dump(mode="json")


def measured_rev3(measured: MeasuredRisk, verdict: Mapping[str, Any] | None = None,
                  not_identifying: Iterable[str] = ()) -> dict[str, Any]:
    """The schema-5 fields of ``risk_lab`` (HRK-METHOD rev. 3, step 7's "measured"): the worst
    period, l required and entropy l, the records whose sensitive value is disclosed, the
    quasi-identifiers left unmeasured, the columns marked not identifying, the weighted
    risk and its limits, and the verdict on all of it. Each empty or None: not measured."""
    per = measured.per_period or {}
    l_required = int(verdict["l_required"]) if verdict and "l_required" in verdict else None
    disclosed = {str(s): int((measured.records_below_l.get(s) or {}).get(str(l_required), 0))
                 for s in measured.sensitive} if l_required is not None else {}
    weighted = measured.weighted
    return {
        "period_worst": {} if not per else {
            "period": str(per["worst"]["period"]), "k": int(per["k"]),
            "sample_uniques": int(per["worst"]["sample_uniques"]),
            "l_diversity": {str(s): int(v) for s, v in (per.get("l_diversity") or {}).items()
                            if v is not None}},
        "l_required": l_required,
        "l_entropy": {str(s): float(v) for s, v in measured.l_entropy.items() if v is not None},
        "disclosed_records": disclosed,
        "unmeasured_quasi": [str(c) for c in measured.unmeasured_quasi],
        "k_with_unmeasured": measured.k_with_unmeasured,
        "not_identifying": [str(c) for c in dict.fromkeys(not_identifying)],
        "weight": str(measured.weight or ""),
        "individual_risk_max": None if weighted is None else min(1.0, weighted.risk_max),
        "individual_risk_threshold": None if weighted is None else weighted.threshold,
        "above_threshold": None if weighted is None else weighted.above_threshold,
        "global_risk_share": None if weighted is None else min(1.0, weighted.share),
        "global_risk_share_limit": None if weighted is None or not verdict
        else verdict.get("global_risk_share_limit"),
        "safe": None if not verdict else bool(verdict.get("safe")),
    }


def table_lab_result(protected: ProtectedTable, name: str | os.PathLike[str],
                     source: Mapping[str, Any] | None = None,
                     output: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The entry to add to ``table_lab``: a plain JSON dict matching ``TableLabResult``
    (``source``, ``output``: fingerprints of the data read and the table written)."""
    from hrk_workbench.model.assessment import TableLabResult

    summary = protected.to_dict()
    result = TableLabResult(
        name=_name(name), dimensions=[str(d) for d in summary["dimensions"]],
        value=summary["value"], rules=summary["rules"], method=str(summary["method"]),
        cells=int(summary["cells"]), primary=int(summary["primary"]),
        secondary=int(summary["secondary"]), audit_ok=bool(summary["audit_ok"]),
        saved_at=_now(),  # type: ignore[arg-type]
        source=dict(source) if source else None,
        output=dict(output) if output else None,
    )
    return result.model_dump(mode="json")


# --- saving into an assessment file ---------------------------------------------------------

def _save(path: str | os.PathLike[str], edits: list[tuple[str, Any]], forms: Forms,
          author: str | None, assessment: Assessment | None = None,
          kind: str = "") -> Assessment:
    from hrk_workbench.model.edit import EditError, set_answer
    from hrk_workbench.model.store import load_assessment, save_assessment

    a = assessment if assessment is not None else load_assessment(path)
    baseline = a.model_copy(deep=True)
    try:
        for where, value in edits:
            set_answer(a, where, value, forms)
    except EditError as exc:
        raise InputError(str(path), exc.problems) from None
    return save_assessment(a, path, author=author, baseline=baseline, kind=kind)


File = str | os.PathLike[str]
Shape = tuple[int | None, int | None]


def with_fingerprints(result: Mapping[str, Any], assessment_path: File,
                      source: File | None = None, output: File | None = None,
                      source_shape: Shape = (None, None),
                      output_shape: Shape = (None, None)) -> dict[str, Any]:
    """``result`` with the fingerprints of the files read (``source``) and written
    (``output``), their paths relative to the assessment's folder where they lie under it.
    A shape is (rows, columns); an unknown one stays empty."""
    from hrk_workbench.disclosure.fingerprints import fingerprint

    base = Path(assessment_path).parent
    out = dict(result)
    if source is not None:
        out["source"] = fingerprint(source, base, *source_shape)
    if output is not None:
        out["output"] = fingerprint(output, base, *output_shape)
    return out


def save_risk_result(path: str | os.PathLike[str], result: Mapping[str, Any], forms: Forms,
                     author: str | None = None, assessment: Assessment | None = None,
                     *, source: File | None = None, output: File | None = None,
                     source_shape: Shape | None = None, kind: str = "") -> Assessment:
    """Save a measured result as ``risk_lab`` and record A10 (risk measured) as yes, in one
    change-log entry, atomically.

    ``source`` (the data read) and ``output`` (the public file written) are fingerprinted;
    the measured file's rows and columns are the result's own. ``kind`` marks the change-log
    entry (``reassessment``)."""
    from hrk_workbench.foundations.rule_ids import MEASURED

    measured = (result.get("rows"), len(result.get("columns") or []) or None)
    if source is not None or output is not None:
        protected = bool(result.get("protected"))
        result = with_fingerprints(
            result, path, source, output,
            source_shape if source_shape is not None else
            ((None, None) if protected else measured), measured)
    return _save(path, [("risk_lab", dict(result)), (f"anonymisation.{MEASURED}.value", "yes")],
                 forms, author, assessment, kind)


def save_table_result(path: str | os.PathLike[str], result: Mapping[str, Any], forms: Forms,
                      author: str | None = None, assessment: Assessment | None = None,
                      *, source: File | None = None, output: File | None = None,
                      source_shape: Shape = (None, None),
                      output_shape: Shape = (None, None)) -> Assessment:
    """Add a protected table to ``table_lab``; a table saved before under the same name is
    replaced (re-running the same output updates it rather than listing it twice). The data
    read (``source``) and the table written (``output``) are fingerprinted."""
    from hrk_workbench.model.store import load_assessment

    if source is not None or output is not None:
        result = with_fingerprints(result, path, source, output, source_shape, output_shape)
    a = assessment if assessment is not None else load_assessment(path)
    tables = [t.model_dump(mode="json") for t in a.table_lab if t.name != result.get("name")]
    return _save(path, [("table_lab", [*tables, dict(result)])], forms, author, a)


def open_for_saving(path: str | os.PathLike[str]) -> Assessment:
    """Read the assessment a ``--save`` will write, before any work is done, so a wrong path
    or a damaged file stops the command early."""
    from hrk_workbench.model.store import FILE_SUFFIX, load_assessment

    if not str(path).endswith(FILE_SUFFIX):
        raise InputError(str(path), [Problem("$", "wrong file name",
                                             f"a name ending {FILE_SUFFIX}", code="wrong_suffix",
                                             params={"suffix": FILE_SUFFIX})])
    return load_assessment(path)


# --- the Frictionless Table Schema ----------------------------------------------------------

def table_schema(assessment: Assessment, lang: str | None = None) -> dict[str, Any]:
    """The saved data dictionary as a Frictionless Table Schema, validated by ``frictionless``.

    Each field has its name, type, a title and description in ``lang`` (else the
    assessment's language, else English), and as HRK extensions (``hrk:``) the role, the
    masking rule, the sensitive flag and the descriptions in every language.
    """
    from frictionless import Schema

    lab = assessment.risk_lab
    if lab is None or not lab.dictionary:
        raise InputError("risk_lab.dictionary", [Problem(
            "risk_lab.dictionary", "no data dictionary saved",
            "a measured result saved with its columns (risk --save, puf --save or the Risk "
            "lab)", code="dictionary_empty")])
    lang = lang or assessment.language
    fields = []
    for e in lab.dictionary:
        kind = e.type or "string"
        field: dict[str, Any] = {"name": e.column}
        if kind == "number,":
            field.update(type="number", decimalChar=",")
        else:
            field["type"] = kind if kind in TABLE_SCHEMA_TYPES else "string"
        text = e.description.get(lang) or e.description.get("en") or \
            next((t for t in e.description.values() if t), "")
        if text:
            field["description"] = text
        field["hrk:role"] = e.role
        field["hrk:sensitive"] = e.sensitive
        if e.masking:
            field["hrk:masking"] = e.masking
        if e.description:
            field["hrk:descriptions"] = dict(sorted(e.description.items()))
        fields.append(field)
    descriptor: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    title = assessment.title(lang)
    if title:
        descriptor["title"] = title
    report = Schema.validate_descriptor(descriptor)
    if not report.valid:
        raise InputError("risk_lab.dictionary", [Problem(
            "risk_lab.dictionary", f"not a valid Table Schema: {err.message}",
            code="dictionary_invalid", params={"detail": err.message})
            for err in report.errors])
    return descriptor


TABLE_SCHEMA_TYPES = ("string", "number", "integer", "boolean", "object", "array", "date",
                      "time", "datetime", "year", "yearmonth", "duration", "geopoint",
                      "geojson", "any")


def write_table_schema(assessment: Assessment, out: str | os.PathLike[str],
                       lang: str | None = None) -> dict[str, Any]:
    import json

    from hrk_workbench.foundations.atomic import atomic_write_text

    descriptor = table_schema(assessment, lang)
    atomic_write_text(Path(out), json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return descriptor
