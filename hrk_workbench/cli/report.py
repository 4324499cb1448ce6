"""``hrk-workbench report FILE -o memo.pdf``: the decision memo from the command line.

Registered by :mod:`hrk_workbench.cli` through ``COMMAND_MODULES``; this module stays light
(WeasyPrint, jinja2 and python-docx load only when the command runs).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.reporting.render import FORMATS, output_format, render


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common],
                       help="the decision memo as PDF, HTML, Markdown or Word")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True,
                   help="file to write; its suffix (.pdf .html .md .docx) gives the format")
    p.add_argument("--format", dest="format", metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} (default: from the output's suffix)")
    p.add_argument("--json", action="store_true",
                   help="print what was written as JSON")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace, forms: Any) -> int:
    from hrk_workbench.cli.common import load_checked, print_json, problems_json, shown, warn
    from hrk_workbench.foundations.atomic import atomic_write_bytes
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.foundations.outputs import Output, check_outputs
    from hrk_workbench.reporting.content import build_memo

    out = Path(args.output)
    if not out.parent.is_dir():  # say so before rendering, and in one line
        raise InputError(args.output, [Problem(
            "$", "cannot write: the folder does not exist", "an existing folder",
            code="cannot_write",
            params={"detail": label("memo_cli_no_folder", args.lang, forms)})])
    check_outputs([Output(out)], {"FILE": args.file})  # never the input, nor /dev/null
    fmt = output_format(args.output, args.format)  # after: a folder is called a folder
    assessment, warnings = load_checked(args.file, forms)
    data = render(build_memo(assessment, forms, args.lang), fmt)
    atomic_write_bytes(out, data)
    if args.json:
        print_json({"file": args.file, "output": str(out), "format": fmt, "bytes": len(data),
                     "problems": problems_json(warnings, args.lang, forms)})
    else:
        warn(args.file, warnings, args.lang, forms)
        print(label("memo_cli_wrote", args.lang, forms).format(path=shown(out)))
    return 0
