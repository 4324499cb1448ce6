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

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hrk_workbench.forms import Forms

EXIT_OK, EXIT_CHANGED = 0, 1


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``reassess`` command to the CLI's subparsers."""
    p = sub.add_parser("reassess", parents=[common],
                       help="replay the saved recipe on new data and compare the measures")
    p.add_argument("file", metavar="FILE.hrk.json")
    p.add_argument("--data", metavar="NEW.csv",
                   help="the new extract (default: the data file the saved result was "
                        "measured on)")
    p.add_argument("--sheet", metavar="NAME",
                   help="the workbook's sheet to read (default: the first visible one)")
    p.add_argument("--key-file", metavar="FILE",
                   help="the pseudonymisation key, when the recipe pseudonymises (else it is "
                        "asked for; never saved)")
    p.add_argument("--save", action="store_true",
                   help="record the new result in the assessment (voids its approvals)")
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_reassess)


def _no_result(path: str, what: str, code: str) -> Exception:
    from hrk_workbench.problems import InputError, Problem

    return InputError(path, [Problem("risk_lab", what, "a result saved by risk --save, "
                                     "puf --save or the Risk lab", code=code)])


def saved_recipe(assessment: Any) -> Any:
    """The saved result's recipe as a :class:`~.recipe.Recipe` (steps, keys, sensitive
    variables, person, time and weight as measured; an unprotected result: no steps)."""
    from .recipe import Recipe

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
    from .fingerprints import change_of, fingerprint
    from .loading import read_table
    from .loss import loss_report
    from .measures import measure_frame
    from .recipe import apply_recipe
    from .results import data_dictionary, risk_lab_result
    from .risk_commands import _as_written, _puf_judged, verdict_json
    from .verdict import assessment_threshold, direct_columns_in_frame

    lab = assessment.risk_lab
    recipe = saved_recipe(assessment)
    base = Path(assessment_path).parent
    original = read_table(data)
    applied = apply_recipe(original, recipe, key, base_dir=base)
    written = _as_written(applied.data)
    keys = [k for k in recipe.key_variables if k in written.columns]
    if not keys:
        raise _no_result(data, "none of the saved key variables is in the new data",
                         "reassess_no_keys")
    sensitive = [s for s in recipe.sensitive if s in written.columns]
    kept = recipe.person in written.columns and recipe.time in written.columns
    after = measure_frame(written, keys, sensitive, recipe.person if kept else None,
                          recipe.time if kept else None, file=Path(data).name,
                          **_puf_judged(written, keys, sensitive, recipe, assessment, forms))
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


def cmd_reassess(args: argparse.Namespace, forms: Forms) -> int:
    """Replay, measure, compare; ``--save`` records the new result (kind reassessment)."""
    from hrk_workbench.model import editing, read_assessment

    from .fingerprints import resolved
    from .results import open_for_saving, save_risk_result

    assessment = open_for_saving(args.file)
    if assessment.risk_lab is None:
        raise _no_result(args.file, "no lab result saved", "reassess_no_result")
    lab = assessment.risk_lab
    data = args.data
    if data is None:
        if lab.source is None or not lab.source.path:
            raise _no_result(args.file, "the saved result records no data file: give --data",
                             "reassess_no_source")
        data = str(resolved(lab.source.path, Path(args.file).parent))
    key = _key(args, forms) if any(s.get("op") == "pseudonymise" for s in lab.recipe
                                    if isinstance(s, dict)) else None
    report = reassess(assessment, args.file, data, forms, args.lang, key)
    key = None
    result = report.pop("_result")
    report["saved"] = False
    if args.save:
        with editing(args.file):
            current, _ = read_assessment(args.file)
            save_risk_result(args.file, result, forms, args.author, current,
                             kind="reassessment")
        report["saved"] = True
    # an approval the file (or its data) no longer matches is said too, and fails (issue 33)
    from hrk_workbench.review.commands import failing_approvals

    report["approvals_failing"] = failing_approvals(args.file, args.lang, forms)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(reassess_text(report, args.lang, forms))
        for line in report["approvals_failing"]:
            print(line, file=sys.stderr)
    stale = report["data_changed"] and not report["saved"]
    return EXIT_OK if report["conditions_hold"] and not stale \
        and not report["approvals_failing"] else EXIT_CHANGED


def _key(args: argparse.Namespace, forms: Forms) -> bytes:
    """The pseudonymisation key as ``puf`` reads it (file or typed), warnings on stderr."""
    from .recipe import check_key, key_warnings, read_key
    from .risk_commands import _typed_key, _warn_key

    warnings: list[Any] = []
    if args.key_file:
        key = read_key(args.key_file, warnings)
    else:
        key = check_key(_typed_key(args.lang, forms), "key")
        warnings = key_warnings(key)
    _warn_key(args.key_file or "key", warnings, args.lang, forms)
    return key


def reassess_text(report: dict[str, Any], lang: str, forms: Forms) -> str:
    """Before and after as a table in the steward's language, what changed, and the
    verdict on the new data."""
    from hrk_workbench.i18n import format_number, label

    def lb(key: str, **params: Any) -> str:
        return label(key, lang, forms).format(**params)

    def n(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, bool):
            return lb("yes" if v else "no")
        return format_number(round(v, 4) if isinstance(v, float) else v, lang)

    b, a = report["before"], report["after"]
    data = Path(report["data"]).name
    lines = [lb("reassess_heading", file=report["file"], data=data)]
    if report["data_changed"]:
        lines.append("  " + lb("reassess_data_changed", data=data,
                               measured=report["measured_on"]))
    else:
        lines.append("  " + lb("reassess_data_same", data=data))
    if report.get("recorded_file_change"):
        lines.append("  " + lb("reassess_recorded_changed", file=report["measured_on"],
                               change=lb(f"stale_{report['recorded_file_change']}")))
    rows = [(lb("risklab_rows"), b["rows"], a["rows"]), (lb("risklab_k"), b["k"], a["k"]),
            (lb("risklab_uniques"), b["sample_uniques"], a["sample_uniques"])]
    for var in sorted(set(b["l_diversity"]) | set(a["l_diversity"])):
        rows.append((lb("risklab_l", variable=var), b["l_diversity"].get(var),
                     a["l_diversity"].get(var)))
    for name in ("records_removed", "share_removed", "values_suppressed"):
        if name in b["loss"] or name in a["loss"]:
            rows.append((lb(f"reassess_loss_{name}"), b["loss"].get(name),
                         a["loss"].get(name)))
    verdicts = {None: "—", "safe": lb("reassess_safe"), "not_safe": lb("reassess_not_safe")}
    cells = [(name, n(x), n(y)) for name, x, y in rows]
    cells.append((lb("risklab_verdict"), verdicts[b["verdict"]], verdicts[a["verdict"]]))
    head = (lb("reassess_measure"), lb("reassess_before"), lb("reassess_after"))
    widths = [max(len(r[i]) for r in [head, *cells]) for i in range(3)]
    for r in [head, *cells]:
        mark = "  *" if r is not head and r[1] != r[2] else ""
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
                     .rstrip() + mark)
    lines.append(lb("reassess_conditions_hold" if report["conditions_hold"]
                    else "reassess_conditions_fail", k=report["threshold"]))
    lines += [f"  {t}" for t in report["verdict"]["text"]]
    if report["saved"]:
        lines.append(lb("reassess_saved", file=report["file"]))
    elif report["data_changed"]:
        lines.append(lb("reassess_not_saved"))
    return "\n".join(lines)
