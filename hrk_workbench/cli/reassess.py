"""``hrk-workbench reassess``: the saved recipe replayed on a new extract, measured again
(the library's :func:`hrk_workbench.disclosure.microdata.reassess.reassess`), before against
after in the steward's language.

Exit status: 0 when the conditions hold and the saved result describes this data; 1 when the
conditions do not hold, the data differ and the new result was not saved, or an approval no
longer stands; 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hrk_workbench.disclosure.microdata.reassess import no_result, reassess
from hrk_workbench.forms.loader import Forms

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


def cmd_reassess(args: argparse.Namespace, forms: Forms) -> int:
    """Replay, measure, compare; ``--save`` records the new result (kind reassessment)."""
    from hrk_workbench.disclosure.fingerprints import resolved
    from hrk_workbench.disclosure.results import open_for_saving, save_risk_result
    from hrk_workbench.model.store import editing, read_assessment

    assessment = open_for_saving(args.file)
    if assessment.risk_lab is None:
        raise no_result(args.file, "no lab result saved", "reassess_no_result")
    lab = assessment.risk_lab
    data = args.data
    if data is None:
        if lab.source is None or not lab.source.path:
            raise no_result(args.file, "the saved result records no data file: give --data",
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
    from hrk_workbench.cli.review import failing_approvals

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
    from hrk_workbench.cli.risk import typed_key, warn_key
    from hrk_workbench.disclosure.microdata.recipe import check_key, key_warnings, read_key

    warnings: list[Any] = []
    if args.key_file:
        key = read_key(args.key_file, warnings)
    else:
        key = check_key(typed_key(args.lang, forms), "key")
        warnings = key_warnings(key)
    warn_key(args.key_file or "key", warnings, args.lang, forms)
    return key


def reassess_text(report: dict[str, Any], lang: str, forms: Forms) -> str:
    """Before and after as a table in the steward's language, what changed, and the
    verdict on the new data."""
    from hrk_workbench.foundations.i18n import format_number, label

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
