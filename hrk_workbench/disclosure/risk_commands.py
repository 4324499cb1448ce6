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

from hrk_workbench.forms import Forms

EXIT_OK = 0


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``risk`` and ``puf`` commands to the CLI's subparsers."""
    p = sub.add_parser("risk", parents=[common],
                       help="measure disclosure risk on a data file (k, uniques, l, 1/f)")
    p.add_argument("data", metavar="DATA", help="CSV (any of , ; tab; UTF-8 or cp1252), "
                                                "XLSX or Parquet")
    p.add_argument("--key", required=True, metavar="A,B,C",
                   help="key variables (quasi-identifiers), separated by commas")
    p.add_argument("--sensitive", action="append", metavar="X",
                   help="sensitive variable(s) for l-diversity (repeat or separate by commas)")
    p.add_argument("--id", dest="person", metavar="COLUMN", help="person id (longitudinal)")
    p.add_argument("--time", metavar="COLUMN", help="time column (longitudinal)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_risk)

    p = sub.add_parser("puf", parents=[common],
                       help="make a public-use file by a recipe, with an information-loss report")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--recipe", required=True, metavar="RECIPE.json")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    p.add_argument("--report", metavar="REPORT.json",
                   help="write the steps, the loss report and the risk before and after")
    p.add_argument("--key-file", metavar="FILE",
                   help="the pseudonymisation key (else it is asked for; never saved)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_puf)


def cmd_risk(args: argparse.Namespace, forms: Forms) -> int:
    """Measure in DuckDB straight from the file: a million rows in about a second."""
    from .measures import measure_file

    sensitive = [n for s in (args.sensitive or []) for n in _names(s)]
    result = measure_file(args.data, _names(args.key), sensitive, args.person, args.time)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(risk_text(result.to_dict(), args.lang, forms))
    return EXIT_OK


def risk_text(data: dict[str, Any], lang: str, forms: Forms) -> str:
    """The measures as lines of text in the steward's language."""
    from hrk_workbench.i18n import format_number, label

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
    lines.append(f"  {lb('risklab_expected')}: {n(round(data['expected_reidentifications'], 2))}")
    for var, value in data["l_diversity"].items():
        lines.append(f"  {lb('risklab_l', variable=var)}: {n(value)}")
    for var, value in data["uniques_if_dropped"].items():
        lines.append(f"  {lb('risklab_drop', variable=var)}: {n(value)}")
    if data.get("unique_trajectory_share") is not None:
        lines.append(f"  {lb('risklab_trajectories')}: "
                     f"{n(round(data['unique_trajectory_share'] * 100, 2))} %")
    return "\n".join(lines)


def _needs_key(recipe: Any) -> bool:
    return any(getattr(s, "op", "") == "pseudonymise" for s in recipe.steps)


def _typed_key(lang: str, forms: Forms) -> bytes:
    """The key typed at a terminal (not echoed) or one line from a pipe; kept in memory only."""
    from hrk_workbench.i18n import label

    if sys.stdin.isatty():
        text = getpass.getpass(label("risklab_key_prompt", lang, forms))
    else:
        text = sys.stdin.readline()
    return text.rstrip("\r\n").encode("utf-8")


def cmd_puf(args: argparse.Namespace, forms: Forms) -> int:
    """Apply the recipe, write the protected CSV atomically, and report loss and risk."""
    from hrk_workbench.atomic import atomic_write_bytes, atomic_write_text
    from hrk_workbench.i18n import label

    from .loading import read_table
    from .loss import loss_report
    from .measures import measure_frame
    from .recipe import (
        Band,
        Dates,
        Merge,
        Pseudonymise,
        TopCode,
        apply_recipe,
        check_key,
        load_recipe,
        read_key,
        to_csv_bytes,
    )

    recipe = load_recipe(args.recipe)
    key: bytes | None = None
    if _needs_key(recipe):
        key = read_key(args.key_file) if args.key_file else \
            check_key(_typed_key(args.lang, forms), "key")
    original = read_table(args.data)
    applied = apply_recipe(original, recipe, key, base_dir=Path(args.recipe).parent)
    key = None  # nothing below needs it
    atomic_write_bytes(args.output, to_csv_bytes(applied.data))
    recoded = sorted({c for s in recipe.steps
                      if isinstance(s, (Band, Dates, Merge, TopCode, Pseudonymise))
                      for c in ([s.column] if hasattr(s, "column") else s.columns)})
    report: dict[str, Any] = {
        "format": "hrk-puf-report",
        "data": Path(args.data).name,
        "recipe": Path(args.recipe).name,
        "output": Path(args.output).name,
        "still_personal_data": applied.still_personal,
        "notes": ["pseudonymised_still_personal"] if applied.still_personal else [],
        "steps": [s.to_dict() for s in applied.steps],
        "loss": loss_report(original, applied.data, recoded),
    }
    keys = [k for k in recipe.key_variables if k in applied.data.columns]
    if keys:
        sensitive = [s for s in recipe.sensitive if s in applied.data.columns]
        before = measure_frame(original, keys, sensitive, file=Path(args.data).name)
        after = measure_frame(_as_written(applied.data), keys, sensitive,
                              file=Path(args.output).name)
        report["risk_before"] = before.to_dict()
        report["risk_after"] = after.to_dict()
    if args.report:
        atomic_write_text(args.report, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        loss = report["loss"]
        print(label("risklab_written", args.lang, forms).format(
            file=args.output, rows=loss["records_after"], removed=loss["records_removed"],
            suppressed=loss["values_suppressed"]))
        if "risk_after" in report:
            print(f"  {label('risklab_k', args.lang, forms)}: {report['risk_before']['k']} -> "
                  f"{report['risk_after']['k']}")
    if applied.still_personal:
        print(label("risklab_still_personal", args.lang, forms), file=sys.stderr)
    return EXIT_OK


def _as_written(frame: Any) -> Any:
    """The data as a reader of the written CSV sees it (values as text, blanks missing), so
    the risk after protection is the risk of the file actually published."""
    import io

    import pandas as pd

    from .recipe import to_csv_bytes

    return pd.read_csv(io.BytesIO(to_csv_bytes(frame)), dtype=str, keep_default_na=False,
                       na_values=[""])
