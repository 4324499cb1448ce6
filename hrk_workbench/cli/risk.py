"""``hrk-workbench risk`` (measured disclosure risk of a data file) and ``hrk-workbench puf``
(a public-use file made by a saved recipe, with its information-loss report).

Light on import: the CLI imports this module to build its parser, so pandas and DuckDB load
only inside the command functions.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from hrk_workbench.disclosure.microdata.published import as_written, judge_written, verdict_json
from hrk_workbench.forms.loader import Forms

EXIT_OK = 0
SHEET_HELP = "the workbook's sheet to read (default: the first visible one)"


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``risk`` and ``puf`` commands to the CLI's subparsers."""
    p = sub.add_parser("risk", parents=[common],
                       help="measure disclosure risk on a data file (k, uniques, l, 1/f)")
    p.add_argument("data", metavar="DATA", help="CSV (any of , ; tab; UTF-8 or cp1252), "
                                                "XLSX or Parquet")
    p.add_argument("--sheet", metavar="NAME", help=SHEET_HELP)
    p.add_argument("--key", required=True, metavar="A,B,C",
                   help="key variables (quasi-identifiers), separated by commas")
    p.add_argument("--sensitive", action="append", metavar="X",
                   help="sensitive variable(s) for l-diversity (repeat or separate by commas)")
    p.add_argument("--id", dest="person", metavar="COLUMN", help="person id (longitudinal)")
    p.add_argument("--time", metavar="COLUMN",
                   help="time or period column (longitudinal): k, uniques and l are measured "
                        "within each period; a column named year, vuosi, år, month, kuukausi, "
                        "månad or period is taken without it")
    p.add_argument("--weight", metavar="COLUMN",
                   help="sampling weight of a survey: individual and global risk as sdcMicro "
                        "estimates them (Benedetti-Franconi)")
    p.add_argument("--not-identifying", action="append", metavar="COLUMN",
                   help="a column found as a quasi-identifier that an outsider cannot know "
                        "(repeat or separate by commas); recorded with --save")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--assessment", metavar="FILE.hrk.json",
                   help="judge the verdict at this assessment's threshold (else --save's)")
    _save_options(p, "save the measured result in the assessment (risk_lab) and record "
                     "A10 (risk measured) as yes")
    _suda_options(p)
    p.set_defaults(func=cmd_risk)

    p = sub.add_parser("puf", parents=[common],
                       help="make a public-use file by a recipe, with an information-loss report")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--sheet", metavar="NAME", help=SHEET_HELP)
    p.add_argument("--recipe", required=True, metavar="RECIPE.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    p.add_argument("--report", metavar="REPORT.json",
                   help="write the steps, the loss report and the risk before and after")
    p.add_argument("--key-file", metavar="FILE",
                   help="the pseudonymisation key (else it is asked for; never saved)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _save_options(p, "measure the written file and save the result (protected), the recipe "
                     "(never the key) and the loss summary in the assessment (risk_lab)")
    p.set_defaults(func=cmd_puf)

    p = sub.add_parser("dictionary", parents=[common],
                       help="export the saved data dictionary as a Frictionless Table Schema")
    p.add_argument("file", metavar="FILE.hrk.json")
    p.add_argument("-o", "--output", metavar="schema.json",
                   help="write the Table Schema here (else print it)")
    p.set_defaults(func=cmd_dictionary)


def _suda_options(p: argparse.ArgumentParser) -> None:
    """``risk --suda2``: the minimal sample uniques of every record and its SUDA score."""
    p.add_argument("--suda2", action="store_true",
                   help="find each record's minimal sample uniques (SUDA2) and its SUDA score")
    p.add_argument("--suda-max-size", metavar="N",
                   help="the largest set of key variables searched (default: 3, as "
                        "forms/anonymisation.yaml's suda_max_size says)")
    p.add_argument("--suda2-out", metavar="FILE.csv",
                   help="write row, suda_score and smallest_msu per record, highest score "
                        "first (row numbers and scores only, no values)")


def _save_options(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("--save", metavar="FILE.hrk.json", help=text)
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")


def cmd_dictionary(args: argparse.Namespace, forms: Forms) -> int:
    """The data dictionary saved in ``risk_lab`` as a validated Frictionless Table Schema."""
    from hrk_workbench.disclosure.results import table_schema, write_table_schema
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.model.store import load_assessment

    if args.output:
        from hrk_workbench.foundations.outputs import Output, check_outputs

        check_outputs([Output(args.output, writes=".json")], {"FILE": args.file})
    assessment = load_assessment(args.file)
    if args.output:
        from hrk_workbench.foundations.outputs import shown_path

        descriptor = write_table_schema(assessment, args.output, args.lang)
        print(label("risklab_dictionary_written", args.lang, forms).format(
            file=shown_path(args.output), count=len(descriptor["fields"])), file=sys.stderr)
    else:
        print(json.dumps(table_schema(assessment, args.lang), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_risk(args: argparse.Namespace, forms: Forms) -> int:
    """Measure in DuckDB straight from the file: a million rows in about a second.

    Besides the given keys over the whole file, the file's first records decide what else to
    measure: a period column (longitudinal: k within each period), quasi-identifiers left
    out of the keys (k again with them), and direct identifiers (coordinates, addresses...)
    for the verdict. Only the columns something is measured on are read in full.
    """
    from hrk_workbench.disclosure.loading import sample_values
    from hrk_workbench.disclosure.microdata.measures import measure_file
    from hrk_workbench.disclosure.microdata.roles import SAMPLE, suggest_roles_from_values
    from hrk_workbench.disclosure.microdata.verdict import (
        assessment_limits,
        direct_columns,
        period_column,
        unmeasured_quasi,
    )

    sensitive = [n for s in (args.sensitive or []) for n in _names(s)]
    keys = _names(args.key)
    marked = [n for s in (getattr(args, "not_identifying", None) or []) for n in _names(s)]
    suda_size = _suda_size(args, forms)
    target = None
    _check_risk_outputs(args)
    if args.save:
        from hrk_workbench.disclosure.results import open_for_saving

        target = open_for_saving(args.save)
    judged = _judged_by(args, target)
    limits = assessment_limits(judged, forms)
    sample = sample_values(args.data, SAMPLE)
    _check_marked(args.data, marked, list(sample))
    lab = getattr(judged, "risk_lab", None)
    saved_marks = list(lab.not_identifying) if lab is not None else []
    not_identifying = list(dict.fromkeys([*marked, *saved_marks]))
    period = args.time or period_column(list(sample), forms)
    weight = getattr(args, "weight", None)
    time = args.time or (period if args.person else None)
    measured = [*keys, *sensitive, *(c for c in (args.person, period, weight) if c)]
    suggested = suggest_roles_from_values(sample)
    unmeasured = unmeasured_quasi(sample, measured, lab.dictionary if lab is not None else [],
                                  not_identifying, suggested=suggested)
    result = measure_file(args.data, keys, sensitive, args.person, time, period=period,
                          weight=weight, extra_quasi=unmeasured,
                          risk_threshold=limits.individual_risk)
    data = result.to_dict()
    data["not_identifying"] = not_identifying
    data["verdict"] = verdict_json(data, judged, args.lang, forms,
                                   direct_columns(sample, suggested=suggested))
    _warn_rows(data, args.lang, forms)
    if suda_size is not None:
        data["suda2"] = _run_suda(args, keys, suda_size)
    if target is not None:
        _save_measured(args, forms, target, result, data["verdict"], not_identifying)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(risk_text(data, args.lang, forms))
    return EXIT_OK


def _check_risk_outputs(args: argparse.Namespace) -> None:
    """``--save`` and ``--suda2-out`` checked together before anything is measured."""
    from hrk_workbench.foundations.outputs import Output, check_outputs

    outputs = []
    if args.save:
        outputs.append(Output(args.save, "--save", assessment=True, may_be=("--assessment",)))
    if getattr(args, "suda2_out", None):
        outputs.append(Output(args.suda2_out, "--suda2-out", writes=".csv"))
    if outputs:
        check_outputs(outputs, {"DATA": args.data, "--assessment": args.assessment})


def _suda_size(args: argparse.Namespace, forms: Forms) -> int | None:
    """The largest MSU size searched, or None without ``--suda2`` (``--suda-max-size`` and
    ``--suda2-out`` imply it). A whole number from 1 to ``suda_max_size_limit``."""
    given = getattr(args, "suda_max_size", None)
    if not (getattr(args, "suda2", False) or given is not None
            or getattr(args, "suda2_out", None)):
        return None
    params = forms.anonymisation
    limit = int(params.number("suda_max_size_limit", 6))
    if given is None:
        return int(params.number("suda_max_size", 3))
    text = str(given).strip()
    if not text.isdigit() or not 1 <= int(text) <= limit:
        from hrk_workbench.foundations.problems import InputError, Problem

        raise InputError("--suda-max-size", [Problem(
            "$", f"{given!r} is not a whole number from 1 to {limit}",
            f"a whole number from 1 to {limit}", code="risk_suda_max_size",
            params={"value": str(given), "limit": limit})])
    return int(text)


def _run_suda(args: argparse.Namespace, keys: list[str], max_size: int) -> dict[str, Any]:
    """SUDA2 on the file's key columns; ``--suda2-out`` written atomically (row numbers and
    scores only)."""
    from hrk_workbench.disclosure.microdata.suda import records_csv, suda2_file

    result = suda2_file(args.data, keys, max_size)
    if getattr(args, "suda2_out", None):
        from hrk_workbench.foundations.atomic import atomic_write_text

        atomic_write_text(args.suda2_out, records_csv(result))
    return result.to_dict()


def _check_marked(source: str, marked: list[str], columns: list[str]) -> None:
    """``--not-identifying`` names columns of the file (a typo must not pass silently)."""
    from hrk_workbench.foundations.problems import InputError, Problem

    missing = [c for c in marked if c not in columns]
    if missing:
        raise InputError(source, [Problem("--not-identifying", f"no column {c}",
                                          code="risk_not_identifying_unknown",
                                          params={"column": c}) for c in missing])


def _warn_rows(data: dict[str, Any], lang: str, forms: Forms) -> None:
    """A file whose key values recur across periods without a person id: k over the whole
    file would count rows, not persons (said on stderr as well as in the verdict)."""
    codes = [r for r in data["verdict"]["reason_codes"] if r["code"] == "verdict_rows_not_persons"]
    if codes:
        from hrk_workbench.foundations.i18n import render_all
        from hrk_workbench.foundations.reasons import Reason

        warnings = [Reason("verdict_rows_not_persons", r["params"]) for r in codes]
        for text in render_all(warnings, lang, forms):
            print(text, file=sys.stderr)


def _judged_by(args: argparse.Namespace, target: Any) -> Any:
    """The assessment whose threshold the verdict applies: ``--assessment``, else the one
    ``--save`` writes, else none (only k >= 5 is judged)."""
    if getattr(args, "assessment", None):
        from hrk_workbench.model.store import load_assessment

        return load_assessment(args.assessment)
    return target


def risk_text(data: dict[str, Any], lang: str, forms: Forms) -> str:
    """The measures as lines of text in the steward's language."""
    from hrk_workbench.foundations.i18n import format_number, label

    def lb(key: str, **params: Any) -> str:
        return label(key, lang, forms).format(**params)

    n = lambda v: "—" if v is None else format_number(v, lang)  # noqa: E731
    lines = [f"{lb('risklab_heading')}: {data['file']}",
             f"  {lb('risklab_rows')}: {n(data['rows'])}",
             f"  {lb('risklab_keys')}: {', '.join(data['key_variables'])}",
             f"  {lb('risklab_k')}: {n(data['k'])}"]
    for k, count in data["records_below_k"].items():
        share = data["share_below_k"][k] * 100
        lines.append(f"  {lb('risklab_below_k', k=k)}: {n(count)} ({n(round(share, 2))} %)")
    lines.append(f"  {lb('risklab_uniques')}: {n(data['sample_uniques'])}")
    # a register (no weights): the sum of 1/f is the number of classes, not a risk estimate
    lines.append(f"  {lb('risklab_classes')}: {n(data['classes'])}")
    for var, value in data["l_diversity"].items():
        lines.append(f"  {lb('risklab_l', variable=var)}: {n(value)}")
    for var, value in (data.get("l_entropy") or {}).items():
        lines.append(f"  {lb('risklab_l_entropy', variable=var)}: "
                     f"{n(None if value is None else round(value, 2))}")
    lines += _new_measure_lines(data, lb, n)
    for var, value in data["uniques_if_dropped"].items():
        lines.append(f"  {lb('risklab_drop', variable=var)}: {n(value)}")
    if data.get("unique_trajectory_share") is not None:
        lines.append(f"  {lb('risklab_trajectories')}: "
                     f"{n(round(data['unique_trajectory_share'] * 100, 2))} %")
    if data.get("suda2"):
        lines += suda_lines(data["suda2"], lb, n)
    if data.get("verdict"):
        lines.append(f"{lb('risklab_verdict')}:")
        lines += [f"  {text}" for text in data["verdict"]["text"]]
    return "\n".join(lines)


def suda_lines(suda: dict[str, Any], lb: Any, n: Any) -> list[str]:
    """SUDA2 as lines: records with an MSU, MSUs by size, and the rows that stand out most
    (row numbers and scores, never values)."""
    lines = [f"  {lb('risklab_suda_heading', size=suda['max_size'])}:",
             f"    {lb('risklab_suda_records')}: {n(suda['records_with_msu'])}"]
    for size, count in suda["msu_count_by_size"].items():
        lines.append(f"    {lb('risklab_suda_size', size=size)}: {n(count)}")
    top = suda.get("top_records") or []
    if top:
        rows = ", ".join(f"{r['row']} ({n(r['suda_score'])})" for r in top)
        lines.append(f"    {lb('risklab_suda_top')}: {rows}")
    return lines


def _new_measure_lines(data: dict[str, Any], lb: Any, n: Any) -> list[str]:
    """The lines of the per-period, unmeasured and weighted measures (when measured)."""
    lines = []
    per = data.get("per_period")
    if per:
        lines.append(f"  {lb('risklab_period', column=per['column'], periods=per['periods'])}:")
        lines.append(f"    {lb('risklab_period_k', period=per['worst']['period'])}: "
                     f"{n(per['k'])}")
        lines.append(f"    {lb('risklab_period_uniques')}: {n(per['sample_uniques'])}")
        for var, value in (per.get("l_diversity") or {}).items():
            lines.append(f"    {lb('risklab_l', variable=var)}: {n(value)}")
    if data.get("unmeasured_quasi"):
        lines.append(f"  {lb('risklab_unmeasured', column=', '.join(data['unmeasured_quasi']))}"
                     f": {n(data.get('k_with_unmeasured'))}")
    if data.get("not_identifying"):
        marked = ", ".join(data["not_identifying"])
        lines.append(f"  {lb('risklab_not_identifying', column=marked)}")
    if data.get("weighted"):
        ind, glob = data["individual_risk"], data["global_risk"]
        lines += [f"  {lb('risklab_weight')}: {data['weight']}",
                  f"  {lb('risklab_population')}: {n(round(data['population_estimate']))}",
                  f"  {lb('risklab_risk_max')}: {n(round(ind['max'], 4))}",
                  f"  {lb('risklab_risk_mean')}: {n(round(ind['mean'], 4))}",
                  f"  {lb('risklab_above', threshold=n(ind['threshold']))}: "
                  f"{n(ind['above_threshold'])}",
                  f"  {lb('risklab_global_expected')}: "
                  f"{n(round(glob['expected_reidentifications'], 2))}",
                  f"  {lb('risklab_global_share')}: {n(round(glob['share'] * 100, 3))} %"]
    return lines


def _save_measured(args: argparse.Namespace, forms: Forms, target: Any, result: Any,
                   verdict: dict[str, Any] | None = None,
                   not_identifying: list[str] | tuple[str, ...] = ()) -> None:
    """``risk --save``: the result on the file as it is (not protected), with a dictionary of
    its columns: the named roles confirmed (keys quasi, sensitive, the person id direct), the
    other columns' roles and descriptions kept from a dictionary saved before, else
    suggested from their names and values."""
    from hrk_workbench.disclosure.microdata.roles import suggest_roles
    from hrk_workbench.disclosure.results import (
        data_dictionary,
        risk_lab_result,
        sample_frame,
        save_risk_result,
    )
    from hrk_workbench.foundations.i18n import label

    frame = sample_frame(args.data)
    previous = [e.model_dump(mode="json") for e in target.risk_lab.dictionary] \
        if target.risk_lab is not None else []
    known = {e["column"]: e["role"] for e in previous}
    roles = {s.column: s.role for s in suggest_roles(frame) if s.column not in known}
    roles.update({k: "quasi" for k in result.key_variables})
    roles.update({s: "sensitive" for s in result.sensitive})
    if result.person:
        roles[result.person] = "direct"
    saved = risk_lab_result(result, protected=False,
                            dictionary=data_dictionary(frame, roles, previous=previous),
                            columns=[str(c) for c in frame.columns], still_personal=False,
                            verdict=verdict, not_identifying=not_identifying)
    save_risk_result(args.save, saved, forms, args.author, target, source=args.data)
    print(label("risklab_saved", args.lang, forms).format(file=args.save, k=result.k),
          file=sys.stderr)


def _needs_key(recipe: Any) -> bool:
    return any(getattr(s, "op", "") == "pseudonymise" for s in recipe.steps)


def warn_key(source: str, problems: list[Any], lang: str, forms: Forms) -> None:
    """The key's warnings on stderr in the steward's language; they name the file and what
    is wrong with it, never the key."""
    from hrk_workbench.foundations.i18n import render_problem

    for problem in problems:
        print(f"{source}: {render_problem(problem, lang, forms)}", file=sys.stderr)


def typed_key(lang: str, forms: Forms) -> bytes:
    """The key typed at a terminal (not echoed) or one line from a pipe; kept in memory only."""
    from hrk_workbench.foundations.i18n import label

    if sys.stdin.isatty():
        text = getpass.getpass(label("risklab_key_prompt", lang, forms))
    else:
        text = sys.stdin.readline()
    return text.rstrip("\r\n").encode("utf-8")


def cmd_puf(args: argparse.Namespace, forms: Forms) -> int:
    """Apply the recipe, write the protected CSV atomically, and report loss and risk."""
    from hrk_workbench.disclosure.loading import read_table
    from hrk_workbench.disclosure.microdata.loss import loss_report
    from hrk_workbench.disclosure.microdata.measures import measure_frame
    from hrk_workbench.disclosure.microdata.recipe import (
        apply_recipe,
        check_key,
        load_recipe,
        read_key,
        to_csv_bytes,
    )
    from hrk_workbench.disclosure.microdata.recipe import key_warnings as recipe_key_warnings
    from hrk_workbench.foundations.atomic import atomic_write_bytes, atomic_write_text
    from hrk_workbench.foundations.i18n import label

    recipe = load_recipe(args.recipe)
    _check_puf_outputs(args, recipe)
    target = None
    if args.save:
        from hrk_workbench.disclosure.results import open_for_saving

        target = open_for_saving(args.save)
        if not recipe.key_variables:
            from hrk_workbench.foundations.problems import InputError, Problem

            raise InputError(args.recipe, [Problem(
                "key_variables", "no key variables to measure the written file on",
                "the recipe's key_variables", code="puf_save_needs_keys")])
    key: bytes | None = None
    if _needs_key(recipe):
        key_warnings: list[Any] = []
        key = read_key(args.key_file, key_warnings) if args.key_file else \
            check_key(typed_key(args.lang, forms), "key")
        if not args.key_file:
            key_warnings = recipe_key_warnings(key)
        warn_key(args.key_file or "key", key_warnings, args.lang, forms)
    original = read_table(args.data)
    applied = apply_recipe(original, recipe, key, base_dir=Path(args.recipe).parent)
    key = None  # nothing below needs it
    recoded = recipe.recoded()
    # every check that can refuse comes before the file is written: once written, exit 0
    report: dict[str, Any] = {
        "format": "hrk-puf-report",
        "data": Path(args.data).name,
        "recipe": Path(args.recipe).name,
        "output": Path(args.output).name,
        "still_personal_data": applied.still_personal,
        "notes": ["pseudonymised_still_personal"] if applied.still_personal else [],
        "steps": [s.to_dict() for s in applied.steps],
        "loss": loss_report(original, applied.data, recoded, recipe.stated_roles(),
                            min_count=recipe.min_category()),
        # the same keys whatever survives: null when no key variable is left to measure on
        "risk_before": None, "risk_after": None, "verdict": None,
    }
    keys = [k for k in recipe.key_variables if k in applied.data.columns]
    after = None
    if target is not None and not keys:
        from hrk_workbench.foundations.problems import InputError, Problem

        raise InputError(args.recipe, [Problem(
            "key_variables", "none of the key variables is in the written file",
            "key variables that the recipe keeps", code="puf_save_needs_keys")])
    if keys:
        sensitive = [s for s in recipe.sensitive if s in applied.data.columns]
        person, time = recipe.person, recipe.time
        kept = person in applied.data.columns and time in applied.data.columns
        before = measure_frame(original, keys, sensitive, person, time,
                               file=Path(args.data).name)
        written = as_written(applied.data)
        judged = judge_written(written, keys, sensitive, recipe, target, forms)
        after = measure_frame(written, keys, sensitive,
                              person if kept else None, time if kept else None,
                              file=Path(args.output).name, **judged)
        report["risk_before"] = before.to_dict()
        report["risk_after"] = after.to_dict()
        from hrk_workbench.disclosure.microdata.verdict import direct_columns_in_frame

        report["verdict"] = verdict_json(report["risk_after"], target, args.lang, forms,
                                         direct_columns_in_frame(written))
    atomic_write_bytes(args.output, to_csv_bytes(applied.data))
    if target is not None:
        _save_protected(args, forms, target, recipe, report, applied.data, after)
    if args.report:
        atomic_write_text(args.report, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        loss = report["loss"]
        from hrk_workbench.foundations.outputs import shown_path

        print(label("risklab_written", args.lang, forms).format(
            file=shown_path(args.output), rows=loss["records_after"],
            removed=loss["records_removed"], suppressed=loss["values_suppressed"]))
        if report["risk_after"] is not None:
            print(f"  {label('risklab_k', args.lang, forms)}: {report['risk_before']['k']} -> "
                  f"{report['risk_after']['k']}")
            print(f"{label('risklab_verdict', args.lang, forms)}:")
            for text in report["verdict"]["text"]:
                print(f"  {text}")
    if applied.still_personal:
        print(label("risklab_still_personal", args.lang, forms), file=sys.stderr)
    return EXIT_OK


def _save_protected(args: argparse.Namespace, forms: Forms, target: Any, recipe: Any,
                    report: dict[str, Any], data: Any, after: Any) -> None:
    """``puf --save``: the risk of the file as written, its dictionary (the output's columns
    with the recipe's masking), the recipe's steps and the loss summary."""
    from hrk_workbench.disclosure.results import (
        data_dictionary,
        risk_lab_result,
        sample_frame,
        save_risk_result,
    )
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.foundations.problems import InputError, Problem

    if after is None:
        raise InputError(args.recipe, [Problem(
            "key_variables", "none of the key variables is in the written file",
            "key variables that the recipe keeps", code="puf_save_needs_keys")])
    previous = [e.model_dump(mode="json") for e in target.risk_lab.dictionary] \
        if target.risk_lab is not None else []
    roles = {e["column"]: e["role"] for e in previous}
    roles.update({k: "quasi" for k in recipe.key_variables})
    roles.update({s: "sensitive" for s in recipe.sensitive})
    for step in recipe.steps:
        if step.op == "pseudonymise":
            roles.update({c: "direct" for c in step.columns})
    written = as_written(data)
    saved = risk_lab_result(after, protected=True, recipe=recipe, loss=report["loss"],
                            dictionary=data_dictionary(written, roles, recipe,
                                                       previous=previous),
                            columns=[str(c) for c in written.columns],
                            still_personal=bool(report["still_personal_data"]),
                            verdict=report.get("verdict"),
                            not_identifying=target.risk_lab.not_identifying
                            if target.risk_lab is not None else ())
    loss = report["loss"]
    source_shape = (loss.get("records_before"), len(sample_frame(args.data, 1).columns))
    save_risk_result(args.save, saved, forms, args.author, target, source=args.data,
                     output=args.output, source_shape=source_shape)
    print(label("risklab_saved_protected", args.lang, forms).format(file=args.save, k=after.k),
          file=sys.stderr)



def _check_puf_outputs(args: argparse.Namespace, recipe: Any) -> None:
    """The public file, the report and the ``--save`` assessment, all checked before the
    first is written (so the public file is never written and the report then refused):
    none is the data, the recipe, the key file or a hierarchy file the recipe reads, nor a
    folder or a device, and each folder takes files."""
    from hrk_workbench.foundations.outputs import Output, check_outputs

    outputs = [Output(args.output, "-o", writes=".csv")]
    if args.report:
        outputs.append(Output(args.report, "--report", writes=".json"))
    if args.save:
        outputs.append(Output(args.save, "--save", assessment=True, may_be=("--save",)))
    inputs: dict[str, Any] = {"DATA": args.data, "--recipe": args.recipe,
                              "--key-file": args.key_file, "--save": args.save}
    base = Path(args.recipe).parent
    for i, step in enumerate(recipe.steps):  # numbered as the recipe's problems number them
        if getattr(step, "hierarchy", None):
            inputs[f"steps[{i}].hierarchy"] = base / str(step.hierarchy)
    check_outputs(outputs, inputs)
