"""``hrk-workbench reassess``: the saved recipe replayed on a new extract, measured again.

A dataset is opened once but its data keep changing: next year's extract may have a
municipality with three residents where last year's had none. The assessment's saved lab
result (``risk_lab``) holds the recipe that protected the data and what it measured; this
command applies the same recipe to the new data with the same library calls as ``puf``
(:func:`~.recipe.apply_recipe`, the written file's measures and verdict), and reports
before against after: k, sample uniques, l, the information loss and the verdict, and
whether the decision's conditions still hold (the verdict safe, k and l at the thresholds in
force). ``--save`` records the new result in the assessment with a change-log entry of kind
``reassessment``; as any change, it voids the approvals given on the earlier version.

Exit status: 0 when the conditions hold and the saved result describes this data (the same
file, or the new result saved); 1 when the conditions do not hold, or when the data differ
from the data measured and the new result was not saved (the saved result is stale), or when
an approval of the file no longer stands (each said on stderr, as ``verify`` says it); 2 for
bad input (no saved result, unreadable data).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms


def no_result(path: str, what: str, code: str) -> Exception:
    from hrk_workbench.foundations.problems import InputError, Problem

    return InputError(path, [Problem("risk_lab", what, "a result saved by risk --save, "
                                     "puf --save or the Risk lab", code=code)])


def saved_recipe(assessment: Any) -> Any:
    """The saved result's recipe as a :class:`~.recipe.Recipe` (steps, keys, sensitive
    variables, person, time and weight as measured; an unprotected result: no steps)."""
    from hrk_workbench.disclosure.microdata.recipe import Recipe

    lab = assessment.risk_lab
    return Recipe.model_validate({
        "key_variables": list(lab.key_variables), "sensitive": list(lab.sensitive),
        "person": lab.person or None, "time": lab.time or None,
        "weight": lab.weight or None, "steps": list(lab.recipe)})


def _measures(lab: Any) -> dict[str, Any]:
    """What ``before`` and ``after`` compare, from a ``risk_lab`` (saved or new)."""
    loss = dict(lab.get("loss") or {})
    return {"rows": lab.get("rows"), "k": lab.get("k"),
            "sample_uniques": lab.get("sample_uniques"),
            "l_diversity": dict(lab.get("l_diversity") or {}),
            "loss": {k: loss[k] for k in ("records_removed", "share_removed",
                                          "values_suppressed") if k in loss},
            "safe": lab.get("safe"),
            "verdict": None if lab.get("safe") is None else
            ("safe" if lab.get("safe") else "not_safe"),
            "source": lab.get("source")}


def reassess(assessment: Any, assessment_path: str, data: str, forms: Forms, lang: str,
             key: bytes | None = None) -> dict[str, Any]:
    """Apply the saved recipe to ``data``, measure the file as it would be written, and
    compare with the saved result. Returns the report (``before``, ``after``,
    ``conditions_hold``, ``data_changed``...) and, under ``"_result"``, the new ``risk_lab``
    value to save."""
    from hrk_workbench.disclosure.fingerprints import change_of, fingerprint
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.microdata.loss import loss_report
    from hrk_workbench.disclosure.microdata.measures import measure_frame
    from hrk_workbench.disclosure.microdata.published import (
        as_written,
        judge_written,
        verdict_json,
    )
    from hrk_workbench.disclosure.microdata.recipe import apply_recipe
    from hrk_workbench.disclosure.microdata.verdict import (
        assessment_threshold,
        direct_columns_in_frame,
    )
    from hrk_workbench.disclosure.results import data_dictionary, risk_lab_result

    lab = assessment.risk_lab
    recipe = saved_recipe(assessment)
    base = Path(assessment_path).parent
    original = read_table(data)
    applied = apply_recipe(original, recipe, key, base_dir=base)
    written = as_written(applied.data)
    keys = [k for k in recipe.key_variables if k in written.columns]
    if not keys:
        raise no_result(data, "none of the saved key variables is in the new data",
                         "reassess_no_keys")
    sensitive = [s for s in recipe.sensitive if s in written.columns]
    kept = recipe.person in written.columns and recipe.time in written.columns
    after = measure_frame(written, keys, sensitive, recipe.person if kept else None,
                          recipe.time if kept else None, file=Path(data).name,
                          **judge_written(written, keys, sensitive, recipe, assessment, forms))
    verdict = verdict_json(after.to_dict(), assessment, lang, forms,
                           direct_columns_in_frame(written))
    loss = loss_report(original, applied.data, recipe.recoded(), recipe.stated_roles(),
                       min_count=recipe.min_category())
    previous = [e.model_dump(mode="json") for e in lab.dictionary]
    roles = {e["column"]: e["role"] for e in previous}
    roles.update(recipe.stated_roles())
    new = risk_lab_result(
        after, protected=bool(recipe.steps), recipe=recipe, loss=loss,
        dictionary=data_dictionary(written, roles, recipe, previous=previous),
        columns=[str(c) for c in written.columns],
        still_personal=bool(applied.still_personal), verdict=verdict,
        not_identifying=lab.not_identifying,
        source=fingerprint(data, base, len(original), len(original.columns)))
    before = _measures(lab.model_dump(mode="json"))
    after_m = _measures(new)
    threshold = assessment_threshold(assessment, forms).n
    l_required = verdict.get("l_required")
    k = after_m["k"]
    l_ok = not l_required or all(v >= l_required for v in after_m["l_diversity"].values())
    conditions = bool(verdict.get("safe")) and k is not None and k >= threshold and l_ok
    recorded = lab.source
    same = recorded is not None and bool(recorded.sha256) and \
        recorded.sha256 == new["source"]["sha256"]
    # the file measured, as it is now (its path may be the new extract's, or not)
    now = change_of(recorded, base) if recorded is not None else None
    return {
        "file": str(assessment_path), "data": str(data),
        "measured_on": recorded.path if recorded is not None else lab.file,
        "data_changed": not same,
        "recorded_file_change": now,
        "steps": len(recipe.steps),
        "threshold": threshold, "l_required": l_required,
        "before": before, "after": after_m,
        "differences": _differences(before, after_m),
        "conditions_hold": bool(conditions),
        "verdict": verdict,
        "_result": new,
    }


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The measures that differ, by name (``k``, ``sample_uniques``, ``l_diversity.X``,
    ``loss.records_removed``, ``verdict``, ``rows``)."""
    out = [m for m in ("rows", "k", "sample_uniques", "verdict") if before[m] != after[m]]
    for group in ("l_diversity", "loss"):
        for name in sorted(set(before[group]) | set(after[group])):
            if before[group].get(name) != after[group].get(name):
                out.append(f"{group}.{name}")
    return out

