"""``import-excel`` and ``export-excel``: legacy HRK workbooks in and out, from the shell.

Registered by :mod:`hrk_workbench.cli` (``COMMAND_MODULES``). Light to import: openpyxl and
the importer load only when one of these commands runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError, Problem

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the two commands to the main parser."""
    p = sub.add_parser("import-excel", parents=[common],
                       help="import legacy HRK Excel workbooks (.xlsx) with a report")
    p.add_argument("inputs", nargs="+", metavar="BOOK_OR_FOLDER",
                   help="workbooks, or folders of workbooks")
    p.add_argument("-o", "--output", required=True,
                   help="the .hrk.json file to write (one workbook), or a folder (several)")
    p.add_argument("--report", metavar="FILE", help="write the import report as JSON to FILE")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_import_excel)

    p = sub.add_parser("export-excel", parents=[common],
                       help="write an assessment as a legacy HRK Excel workbook")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.add_argument("--layout", default="fi_v2",
                   help="legacy layout from forms/legacy (fi_v2 or sv; default fi_v2)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--json", action="store_true",
                   help="print what was written, the scores and the warnings as JSON")
    p.set_defaults(func=cmd_export_excel)


def _workbooks(inputs: list[str]) -> list[Path]:
    from hrk_workbench.legacy.safety import is_workbook_name

    found: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            books = sorted(f for f in p.rglob("*") if f.is_file() and is_workbook_name(f))
            if not books:
                raise InputError(raw, [Problem("$", "no Excel workbooks in the folder",
                                               ".xlsx files", code="legacy_no_workbooks")])
            found += books
        else:
            found.append(p)
    return found


def _targets(books: list[Path], output: str, single: bool) -> list[Path]:
    from hrk_workbench.model.store import FILE_SUFFIX

    out = Path(output)
    if single:
        if not out.name.endswith(FILE_SUFFIX) and not out.is_dir():
            raise InputError(output, [Problem("$", "wrong file name",
                                              f"a name ending {FILE_SUFFIX}",
                                              code="wrong_suffix",
                                              params={"suffix": FILE_SUFFIX})])
        if not out.is_dir():
            return [out]
    elif out.name.endswith(FILE_SUFFIX) or (out.exists() and not out.is_dir()):
        raise InputError(output, [Problem("$", "several workbooks need an output folder",
                                          f"-o FOLDER for {len(books)} workbooks",
                                          code="legacy_output_folder",
                                          params={"count": len(books)})])
    names: dict[str, int] = {}
    targets = []
    for book in books:
        stem = book.stem
        names[stem] = names.get(stem, 0) + 1
        if names[stem] > 1:  # the same name in two subfolders
            stem = f"{stem}-{names[stem]}"
        targets.append(out / f"{stem}{FILE_SUFFIX}")
    return targets


def _check_import_outputs(args: argparse.Namespace, books: list[Path],
                          targets: list[Path]) -> None:
    """Every assessment to write and the report, checked before the first is written: none
    is a workbook read, a folder or a device, and their folders take files. An output
    folder still to be made is checked as the place it will be made in."""
    from hrk_workbench.foundations.outputs import Output, check_outputs

    outputs = [Output(args.report, "--report", writes=".json")] if args.report else []
    if all(t.parent.is_dir() for t in targets):
        outputs += [Output(t, "-o", assessment=True) for t in targets]
    else:
        outputs.append(Output(args.output, "-o", assessment=True))
    check_outputs(outputs, {f"BOOK_OR_FOLDER {i + 1}" if len(books) > 1 else "BOOK_OR_FOLDER":
                            book for i, book in enumerate(books)})


def cmd_import_excel(args: argparse.Namespace, forms: Forms) -> int:
    """Import each workbook into its own assessment; one report per workbook."""
    from hrk_workbench.legacy.importer import ImportReport, import_workbook
    from hrk_workbench.legacy.report import report_json, report_lines
    from hrk_workbench.model.store import save_assessment

    books = _workbooks(args.inputs)
    single = len(books) == 1 and not Path(args.inputs[0]).is_dir()
    targets = _targets(books, args.output, single)
    _check_import_outputs(args, books, targets)
    if not single:
        Path(args.output).mkdir(parents=True, exist_ok=True)
    reports: list[ImportReport] = []
    failed = False
    for book, target in zip(books, targets, strict=True):
        try:
            if target.exists() and not args.force:
                raise InputError(str(target), [Problem(
                    "$", "file already exists", "a new file name, or --force to overwrite",
                    code="file_exists")])
            assessment, report = import_workbook(book, forms)
            save_assessment(assessment, target, author=args.author)
            report.output = str(target)
        except InputError as exc:
            if single:
                raise
            report = ImportReport(source=str(book), error=exc)
            failed = True
        reports.append(report)
        if not args.json:
            stream = sys.stderr if report.error else sys.stdout
            for line in report_lines(report, args.lang, forms):
                print(line, file=stream)
    data: Any = [report_json(r, args.lang, forms) for r in reports]
    if single:
        data = data[0]
    if args.report:
        from hrk_workbench.foundations.atomic import atomic_write_text

        atomic_write_text(Path(args.report), json.dumps(data, ensure_ascii=False, indent=2)
                          + "\n")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    return EXIT_BAD_INPUT if failed else EXIT_OK


def cmd_export_excel(args: argparse.Namespace, forms: Forms) -> int:
    """Write one assessment in a legacy layout (with data validation lists).

    Warnings (what the layout has no place for) go to stderr, or into ``problems`` with
    ``--json``, in ``--lang``; they never change the exit code."""
    from hrk_workbench.decision.summary import summarise
    from hrk_workbench.foundations.i18n import label, problem_json, render_problem
    from hrk_workbench.legacy.exporter import export_workbook
    from hrk_workbench.legacy.mapping import load_layouts
    from hrk_workbench.model.store import load_assessment

    layouts = {lay.id: lay for lay in load_layouts(forms) if lay.export}
    if args.layout not in layouts:
        raise InputError("--layout", [Problem(
            "$", f"no layout {args.layout} to export to", f"one of {', '.join(layouts)}",
            code="legacy_no_export_layout",
            params={"value": args.layout, "allowed": sorted(layouts)})])
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise InputError(str(out), [Problem("$", "wrong file name", "a name ending .xlsx",
                                            code="legacy_output_suffix")])
    if not out.parent.is_dir():  # said before anything is read, as the report command says it
        raise InputError(str(out), [Problem(
            "$", "cannot write: the folder does not exist", "an existing folder",
            code="cannot_write",
            params={"detail": label("memo_cli_no_folder", args.lang, forms)})])
    from hrk_workbench.foundations.outputs import Output, check_outputs, shown_path

    check_outputs([Output(out, writes=".xlsx")], {"FILE": args.file})
    if out.exists() and not args.force:
        raise InputError(str(out), [Problem("$", "file already exists",
                                            "a new file name, or --force to overwrite",
                                            code="file_exists")])
    assessment = load_assessment(args.file)
    warnings = export_workbook(assessment, layouts[args.layout], forms, out)
    if args.json:
        scores = summarise(assessment, forms).to_json(forms, args.lang)
        print(json.dumps({
            "file": args.file, "output": str(out), "layout": args.layout,
            "scores": {k: scores[k] for k in SCORE_KEYS},
            "problems": [problem_json(w, args.lang, forms) for w in warnings]},
            ensure_ascii=False, indent=2))
        return EXIT_OK
    for w in warnings:
        print(f"{args.file}: {render_problem(w, args.lang, forms)}", file=sys.stderr)
    print(label("excel_written", args.lang, forms).format(
        file=shown_path(args.file), output=shown_path(out), layout=args.layout))
    return EXIT_OK


# The summary values the workbook holds, as ``score --json`` names them.
SCORE_KEYS = ("benefit_score", "benefit_level", "risk_profile", "risk_scores",
              "cost_one_off_eur", "cost_yearly_eur", "cost_3y_eur", "cost_level",
              "recommendation")
