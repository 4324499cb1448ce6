"""Command line: everything the desktop app computes, scriptable and testable headless.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, never a traceback),
1 an unexpected internal error (reported in one line, with the traceback only under
``HRK_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hrk_workbench import cli_i18n
from hrk_workbench.forms import LANGUAGES, Forms, load_forms
from hrk_workbench.i18n import (
    format_number,
    label,
    problem_json,
    render,
    render_all,
    render_problem,
)
from hrk_workbench.problems import InputError, Problem, has_errors, problems_from_pydantic
from hrk_workbench.suffix import FILE_SUFFIX

if TYPE_CHECKING:  # the rules and the model load inside the commands that use them
    from hrk_workbench.advice import Advice
    from hrk_workbench.model import Assessment

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
LANG_ENV = "HRK_LANG"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        self.exit(EXIT_BAD_INPUT, cli_i18n.parser_error(self.prog, message))


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked (it costs a metadata read)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from hrk_workbench import __version__

        parser.exit(message=f"{parser.prog} {__version__}\n")


def _shown(path: str | os.PathLike[str]) -> str:
    """A path for a printed line: control characters and newlines escaped."""
    from hrk_workbench.outputs import shown_path

    return shown_path(path)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _load_checked(path: str, forms: Forms) -> tuple[Assessment, list[Problem]]:
    """Load and check; errors raise, warnings are returned for the caller to show."""
    from hrk_workbench.model import check_against_forms, load_assessment

    assessment = load_assessment(path)
    problems = check_against_forms(assessment, forms)
    if has_errors(problems):
        raise InputError(path, problems)
    return assessment, problems


def _lines(source: str, problems: Sequence[Problem], lang: str, forms: Forms | None) -> list[str]:
    """``FILE: LOCATION: what is wrong (expected …)``, in the steward's language; a newline
    or control character in the file's name is shown escaped (one problem, one line)."""
    from hrk_workbench.outputs import shown_path

    source = shown_path(source)
    if forms is None:
        return [f"{source}: {p}" for p in problems]
    return [f"{source}: {render_problem(p, lang, forms)}" for p in problems]


def _warn(source: str, problems: list[Problem], lang: str, forms: Forms) -> None:
    for line in _lines(source, problems, lang, forms):
        print(line, file=sys.stderr)


def _problems_json(problems: Sequence[Problem], lang: str, forms: Forms) -> list[dict[str, Any]]:
    return [problem_json(p, lang, forms) for p in problems]


# --- commands -------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace, forms: Forms) -> int:
    from pydantic import ValidationError

    from hrk_workbench.model import Assessment, save_assessment
    from hrk_workbench.outputs import Output, check_outputs

    out = Path(args.output)
    if out.exists() and not args.force:
        raise InputError(str(out), [Problem("$", "file already exists",
                                            "a new file name, or --force to overwrite",
                                            code="file_exists")])
    if not out.name.endswith(FILE_SUFFIX):
        raise InputError(str(out), [Problem("$", "wrong file name",
                                            f"a name ending {FILE_SUFFIX}", code="wrong_suffix",
                                            params={"suffix": FILE_SUFFIX})])
    if not args.title.strip():
        raise InputError("--title", [Problem("$", "the title is empty", "the dataset's name",
                                             code="empty_title")])
    check_outputs([Output(out, "-o", assessment=True)], {})
    data: dict[str, Any] = {
        "language": args.title_lang,  # the document is written in the title's language
        "dataset": {"title": {args.title_lang: args.title.strip()},
                    "publisher": args.publisher or ""},
    }
    if args.day_rate is not None:
        data["costs"] = {"day_rate_eur": args.day_rate}
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        options = {"costs.day_rate_eur": "--day-rate", "dataset.publisher": "--publisher",
                   "dataset.title": "--title", "language": "--title-lang"}
        problems = problems_from_pydantic(exc)
        raise InputError(options.get(problems[0].location, "new"), problems) from None
    saved = save_assessment(assessment, out, author=args.author)
    if args.json:
        _print_json({"file": str(out), "id": saved.id, "title": saved.dataset.title})
    else:
        print(label("cli_created", args.lang, forms).format(path=_shown(out)))
    return EXIT_OK


def cmd_set(args: argparse.Namespace, forms: Forms) -> int:
    """Change answers by path, all or none, and save atomically with a change-log entry.

    The file's lock is held from the read to the save, so two ``set`` runs on one file take
    turns; a program that takes no lock and writes meanwhile is caught by the fingerprint.
    """
    from hrk_workbench.model import check_against_forms, editing, read_assessment, save_assessment
    from hrk_workbench.model.edit import EditError, parse_value, set_answer

    with editing(args.file):
        assessment, fingerprint = read_assessment(args.file)
        baseline = assessment.model_copy(deep=True)
        problems: list[Problem] = []
        changes = []
        for item in args.assignments:
            path, sep, text = item.partition("=")
            if not sep or not path.strip():
                problems.append(Problem(item or "$", "expected PATH=VALUE",
                                        code="bad_assignment", params={"got": item}))
                continue
            try:
                value = parse_value(assessment, path.strip(), text, forms)
                changes.append(set_answer(assessment, path.strip(), value, forms))
            except EditError as exc:
                problems += exc.problems
        if problems:
            raise InputError(args.file, problems)
        warnings = check_against_forms(assessment, forms)
        save_assessment(assessment, args.file, author=args.author, baseline=baseline,
                        expected=fingerprint)
    if args.json:
        _print_json({"file": args.file, "changes": [c.model_dump(mode="json") for c in changes],
                     "problems": _problems_json(warnings, args.lang, forms)})
    else:
        _warn(args.file, warnings, args.lang, forms)
        for c in changes:
            print(f"{args.file}: {c.path}: {json.dumps(c.old, ensure_ascii=False)} -> "
                  f"{json.dumps(c.new, ensure_ascii=False)}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.disclosure.fingerprints import stale_problems
    from hrk_workbench.model import check_against_forms, load_assessment

    results, status = [], EXIT_OK
    for path in args.files:
        try:
            assessment = load_assessment(path)
            problems = check_against_forms(assessment, forms)
            # a lab result measured on a file changed or gone since (a warning, not an error)
            problems += stale_problems(assessment, path, forms)
        except InputError as exc:
            problems = exc.problems
        valid = not has_errors(problems)
        status = status if valid else EXIT_BAD_INPUT
        results.append({"file": path, "valid": valid,
                        "problems": _problems_json(problems, args.lang, forms)})
        if not args.json:
            stream = sys.stdout if valid else sys.stderr
            for line in _lines(path, problems, args.lang, forms):
                print(line, file=stream)
            if valid:
                print(label("cli_valid", args.lang, forms).format(path=path))
    if args.json:
        _print_json(results if len(results) > 1 else results[0])
    return status


def _report(args: argparse.Namespace, forms: Forms,
            as_json: Callable[[Assessment], dict[str, Any]],
            as_text: Callable[[Assessment, Forms, str], str]) -> int:
    """Load and check one file, then print its JSON or its text; warnings go with either."""
    assessment, warnings = _load_checked(args.file, forms)
    if args.json:
        _print_json({"file": args.file, "title": assessment.title(args.lang),
                     **as_json(assessment),
                     "problems": _problems_json(warnings, args.lang, forms)})
    else:
        _warn(args.file, warnings, args.lang, forms)
        print(as_text(assessment, forms, args.lang))
    return EXIT_OK


def cmd_score(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.scoring import summarise

    return _report(args, forms, lambda a: summarise(a, forms).to_json(forms, args.lang),
                   _score_text)


def cmd_advise(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.advice import advise

    return _report(args, forms, lambda a: advise(a, forms).to_json(forms, args.lang),
                   _advice_text)


def cmd_summary(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.advice import advise
    from hrk_workbench.scoring import summarise

    return _report(
        args, forms,
        lambda a: {"score": summarise(a, forms).to_json(forms, args.lang),
                   "advice": advise(a, forms).to_json(forms, args.lang)},
        lambda a, f, lang: f"{_score_text(a, f, lang)}\n\n{_advice_text(a, f, lang)}")


def _collect(paths: Sequence[str]) -> tuple[list[str], list[InputError]]:
    """The assessment files named or found in the folders named, and the problems met.

    Only regular files are read: a pipe, a device or a link to one (``/dev/zero``) in a
    folder would be read forever, so it is skipped with a warning (an error when named).
    """
    files: list[str] = []
    errors: list[InputError] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = []
            for f in sorted(p.rglob(f"*{FILE_SUFFIX}")):
                if _regular(f):
                    found.append(str(f))
                elif not f.is_dir():
                    errors.append(InputError(str(f), [_not_regular("warning")]))
            if not found:
                errors.append(InputError(raw, [Problem(
                    "$", "no assessment files in folder", f"files ending {FILE_SUFFIX}",
                    code="no_files", params={"suffix": FILE_SUFFIX})]))
            files += found
        elif p.exists() and not _regular(p):
            errors.append(InputError(raw, [_not_regular("error")]))
        else:
            files.append(raw)
    return files, errors


def _regular(path: Path) -> bool:
    """A regular file, after following links (a link to /dev/zero is not one)."""
    import stat

    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _not_regular(severity: Literal["error", "warning"]) -> Problem:
    return Problem("$", "not a regular file (a pipe or a device): skipped",
                   f"an assessment file *{FILE_SUFFIX}", severity, code="not_regular_file",
                   params={"suffix": FILE_SUFFIX})


def cmd_portfolio(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.scoring import rank_assessments

    files, errors = _collect(args.paths)
    items = []
    warnings: dict[str, list[Problem]] = {}
    for f in files:
        try:
            assessment, found = _load_checked(f, forms)
            items.append((f, assessment))
            warnings[f] = list(found)
        except InputError as exc:
            errors.append(exc)
    by_id: dict[str, list[str]] = {}
    for f, a in items:
        by_id.setdefault(a.id, []).append(f)
    for aid, same in by_id.items():
        for f in same:
            for other in (o for o in same if o != f):
                warnings[f].append(Problem(
                    "id", f"same assessment id {aid} as {other}", "each assessment once",
                    "warning", code="duplicate_assessment", params={"id": aid, "other": other}))
    ranked = rank_assessments(items, forms, args.lang)
    lang = args.lang
    from hrk_workbench.scoring.portfolio import attention

    looks = {f: attention(f, a, forms, lang) for f, a in items}
    if args.json:
        _print_json({
            "ranking": [{
                "rank": e.rank, "file": e.source, "title": e.title,
                "recommendation": e.summary.recommendation.outcome,
                "benefit_score": e.summary.benefit.score,
                "benefit_level": e.summary.benefit.level,
                "risk_profile": e.summary.risks.profile,
                "cost_3y_eur": e.summary.costs.total_eur,
                "cost_level": e.summary.costs.level,
                "hvd_category": e.summary.hvd.category if e.summary.hvd else None,
                "missing": list(e.summary.recommendation.missing),
                "problems": _problems_json(warnings[e.source], lang, forms),
                **{k: v for k, v in looks[e.source].to_dict().items()
                   if k not in ("file", "title")},
            } for e in ranked],
            "attention": [looks[e.source].to_dict() for e in ranked
                          if looks[e.source].needed],
            "errors": [line for exc in errors
                       for line in _lines(exc.source, exc.problems, lang, forms)],
        })
    else:
        rows = [[str(e.rank), e.title, label(e.summary.recommendation.outcome, lang, forms),
                 f"{e.summary.benefit.score} ({label(e.summary.benefit.level, lang, forms)})",
                 label(e.summary.risks.profile, lang, forms),
                 format_number(e.summary.costs.total_eur, lang),
                 str(len(warnings[e.source])) if warnings[e.source] else "",
                 e.source] for e in ranked]
        head = [label(k, lang, forms) for k in ("col_rank", "col_title", "col_recommendation",
                                                "col_benefit", "col_risk", "col_cost",
                                                "col_warnings", "col_file")]
        print(label("heading_portfolio", lang, forms))
        print(_table(head, rows))
        _print_attention([looks[e.source] for e in ranked], lang, forms)
        for e in ranked:
            _warn(e.source, warnings[e.source], lang, forms)
    for exc in errors:
        for line in _lines(exc.source, exc.problems, lang, forms):
            print(line, file=sys.stderr)
    return EXIT_BAD_INPUT if any(has_errors(exc.problems) for exc in errors) else EXIT_OK


def _print_attention(looks: list[Any], lang: str, forms: Forms) -> None:
    """The assessments whose review is due or whose data changed, under the ranking."""
    due = [a for a in looks if a.needed]
    if not due:
        return
    from hrk_workbench.reporting.content import format_day

    print()
    print(label("portfolio_attention", lang, forms))
    for a in due:
        if a.due:
            print("  " + label("portfolio_review_due", lang, forms).format(
                title=a.title, file=a.source, date=format_day(a.review_due, lang)))
        if a.data_changed:
            print("  " + label("portfolio_data_changed", lang, forms).format(
                title=a.title, file=a.source, files=", ".join(a.data_changed)))


def cmd_gui(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.gui.app import run  # Qt only for this command

    return run(file=args.file, lang=args.lang, forms_dir=args.forms,
               screenshots=args.screenshots)


# --- text output ----------------------------------------------------------------------------

def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _score_text(assessment: Assessment, forms: Forms, lang: str) -> str:
    from hrk_workbench.scoring import summarise

    s = summarise(assessment, forms)
    lb = lambda key: label(key, lang, forms)  # noqa: E731
    lines = [
        f"{lb('heading_summary')}: {assessment.title(lang) or '—'}",
        f"  {lb('heading_benefit')}: {s.benefit.score}/100 ({lb(s.benefit.level)})",
        f"  {lb('heading_risk')}: {lb(s.risks.profile)}"
        + (f" ({', '.join(f'{r.id} {r.residual_score}' for r in s.risks.scores)})"
           if s.risks.scores else ""),
        f"  {lb('heading_cost')}: {format_number(s.costs.total_eur, lang)} € "
        f"({lb(s.costs.level)})",
        f"  {lb('heading_recommendation')}: {lb(s.recommendation.outcome)}",
        f"{lb('heading_reasons')}:",
        *(f"  - {t}" for t in render_all(s.recommendation.reasons, lang, forms)),
    ]
    if s.recommendation.conditions:
        lines.append(f"{lb('heading_conditions')}:")
        lines += [f"  - {t}" for t in render_all(s.recommendation.conditions, lang, forms)]
    if s.recommendation.notes:
        lines.append(f"{lb('heading_notes')}:")
        lines += [f"  - {t}" for t in render_all(s.recommendation.notes, lang, forms)]
    details = [*s.benefit.reasons, *s.risks.reasons, *s.costs.reasons]
    lines += [f"  · {t}" for t in render_all(details, lang, forms)]
    return "\n".join(lines)


def _advice_text(assessment: Assessment, forms: Forms, lang: str) -> str:
    from hrk_workbench.advice import advise

    a = advise(assessment, forms)
    lb = lambda key: label(key, lang, forms)  # noqa: E731
    needed = {True: "anonymisation_needed", False: "anonymisation_not_needed",
              None: "anonymisation_undetermined"}[a.anonymisation.needed]
    sections = [
        (f"{lb('heading_anonymisation')}: {lb(needed)}", a.anonymisation.reasons),
        (f"{lb('heading_channel')}: {lb(a.channel.channel)}", a.channel.reasons),
        (f"{lb('heading_formats')}: {', '.join(a.formats.planned) or '—'}", a.formats.reasons),
        (f"{lb('heading_five_star')}: {'★' * a.five_star.stars}{'☆' * (5 - a.five_star.stars)}",
         a.five_star.reasons),
        (f"{lb('heading_licence')}: {_licence_heading(a, lang, forms)}",
         [r for r in a.licence.reasons if r is not a.licence.attribution]),
        (lb("heading_quality"), a.quality.reasons),
        (lb("heading_metadata"), a.metadata.reasons),
    ]
    lines = []
    for heading, reasons in sections:
        lines.append(heading)
        lines += [f"  - {t}" for t in render_all(reasons, lang, forms)]
    if a.licence.attribution:
        lines.append(f"{lb('heading_attribution')}:")
        lines.append(f"  {render(a.licence.attribution, lang, forms)}")
    return "\n".join(lines)


def _licence_heading(a: Advice, lang: str, forms: Forms) -> str:
    """The chosen licence, and the advised one beside it when they differ."""
    advised = a.licence.recommended
    chosen = a.licence.chosen
    if chosen is None or chosen == advised:
        return advised if chosen is None else f"{chosen} ({label('licence_chosen', lang, forms)})"
    return (f"{chosen} ({label('licence_chosen', lang, forms)}); {advised} "
            f"({label('licence_advised', lang, forms)})")


# --- parser and entry point -----------------------------------------------------------------

# Packages that add commands: each has a light ``commands`` module with
# ``register(subparsers, common)``; its heavy imports wait inside the command functions.
COMMAND_MODULES = (
    "hrk_workbench.reporting.commands",
    "hrk_workbench.metadata.commands",
    "hrk_workbench.legacy.commands",
    "hrk_workbench.disclosure.risk_commands",
    "hrk_workbench.disclosure.table_commands",
    "hrk_workbench.disclosure.reassess",
    "hrk_workbench.review.commands",
)


def _command_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name and not name.startswith(f"{exc.name}."):
            raise  # a missing dependency inside the module is a real error
        return None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=f"language of texts and reasons (default ${LANG_ENV}, else en)")
    common.add_argument("--forms", metavar="DIR", help="forms folder (default: the bundled one)")
    parser = _Parser(prog="hrk-workbench",
                     description="Assess whether a dataset can be opened as open data.")
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("new", parents=[common], help="create a new assessment file")
    p.add_argument("--title", required=True, help="the dataset's title")
    p.add_argument("--title-lang", choices=LANGUAGES, default="en",
                   help="language of the title (default en)")
    p.add_argument("--publisher", help="publishing organisation")
    p.add_argument("--day-rate", type=float, help="price of a person-day in euros")
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")
    p.add_argument("-o", "--output", required=True, help=f"file to create (*{FILE_SUFFIX})")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("set", parents=[common],
                       help="change answers: PATH=VALUE, e.g. benefits.B3.value=2")
    p.add_argument("file", metavar="FILE")
    p.add_argument("assignments", nargs="+", metavar="PATH=VALUE",
                   help="an answer path and its value; an empty value clears the answer")
    p.add_argument("--author", help="name for the change log (default $HRK_AUTHOR or OS user)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("validate", parents=[common], help="check assessment files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_validate)

    for name, func, text in (("score", cmd_score, "HRK scores and the recommendation"),
                             ("advise", cmd_advise, "anonymisation, channel, format, "
                                                    "licence, quality and metadata advice"),
                             ("summary", cmd_summary, "scores and advice as text")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("file", metavar="FILE")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)

    p = sub.add_parser("gui", help="open the desktop app (the default with no command)")
    p.add_argument("file", metavar="FILE", nargs="?", help="assessment to open")
    p.add_argument("--lang", choices=LANGUAGES, default=None,
                   help="language of the app (default: the saved setting, $HRK_LANG or "
                        "the system's)")
    p.add_argument("--forms", metavar="DIR", help="forms folder (default: the bundled one)")
    p.add_argument("--screenshots", metavar="DIR",
                   help="render every page to PNG files in DIR and exit")
    p.set_defaults(func=cmd_gui)

    for name in COMMAND_MODULES:  # outputs, legacy Excel, labs: each registers its commands
        module = _command_module(name)
        if module is not None:
            module.register(sub, common)

    p = sub.add_parser("portfolio", parents=[common], help="rank many assessments")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_portfolio)
    return parser


def _language(args: argparse.Namespace) -> str:
    """--lang, else $HRK_LANG, else English; an unknown $HRK_LANG is an error, not ignored."""
    if getattr(args, "lang", None):
        return args.lang
    env = os.environ.get(LANG_ENV, "").strip()
    if not env:
        return "en"
    if env not in LANGUAGES:
        raise InputError(LANG_ENV, [Problem(
            "$", f"unknown language {env!r}", f"one of {', '.join(LANGUAGES)}",
            code="unknown_language", params={"value": env, "allowed": list(LANGUAGES)})])
    return env


@contextlib.contextmanager
def _ended_cleanly(wanted: bool) -> Iterator[None]:
    """A polite kill (SIGTERM, or SIGHUP when the terminal closes) ends the command as
    Ctrl-C would: by an exception, so a write in progress removes its temporary file and
    leaves the previous version of the file in place (exit status 128 + the signal)."""
    import signal
    import threading

    names = ("SIGTERM", "SIGHUP")
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {n: signal.signal(getattr(signal, n), stop) for n in names if hasattr(signal, n)}
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every line it prints has bidirectional controls shown escaped, and
    a character the terminal's or the pipe's encoding lacks (cp1252, latin-1) is written
    as an escape instead of stopping the command."""
    from hrk_workbench.terminal import EscapingStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)  # type: ignore[assignment]
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _reading(args: argparse.Namespace, lang: str, forms: Forms) -> Any:
    """The sheet ``--sheet`` names for the command's data file, and readers' warnings (a
    workbook's hidden sheets) printed on stderr in the steward's language."""
    from hrk_workbench.reading import reading

    data = getattr(args, "data", None) or getattr(args, "table", None)
    sheet = getattr(args, "sheet", None)
    return reading({data: sheet} if data and sheet else None,
                   lambda source, problem: _warn(source, [problem], lang, forms))


def _default_command(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """No command opens the app, with the options given: ``hrk-workbench --lang fi`` (a
    desktop shortcut's line) starts it in Finnish, as ``hrk-workbench gui --lang fi`` does.
    ``--help`` and ``--version`` keep their meaning for the program as a whole."""
    commands = next(a.choices for a in parser._actions
                    if isinstance(a, argparse._SubParsersAction))
    if not argv:
        return ["gui"]
    if any(token in commands for token in argv) or \
            any(token in ("-h", "--help", "--version") for token in argv):
        return argv
    return ["gui", *argv]


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # argparse's own messages (usage, "invalid choice", ...) in the language asked for: it is
    # read from the arguments before they are parsed (see cli_i18n)
    forms_dir = cli_i18n.prescan_forms(argv)
    with cli_i18n.argparse_language(cli_i18n.prescan_language(argv, os.environ.get(LANG_ENV)),
                                    forms_dir) as translator:
        parser = build_parser()
        args = parser.parse_args(_default_command(parser, argv))
    func: Callable[[argparse.Namespace, Forms], int] = args.func
    forms: Forms | None = None
    lang = "en"
    try:
        if translator is not None and translator.forms is not None and args.forms == forms_dir:
            forms = translator.forms  # already read for the parser's messages
        else:
            forms = load_forms(args.forms)
        if func is not cmd_gui:  # the app resolves its own language (settings, then locale)
            lang = args.lang = _language(args)
        with _reading(args, lang, forms), _ended_cleanly(func is not cmd_gui):
            return func(args, forms)
    except InputError as exc:
        for each in getattr(exc, "refused", None) or [exc]:  # several outputs refused at once
            for line in _lines(each.source, each.problems, lang, forms):
                print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (`score … | head`): what it did not read is not an error of
        # the file; say nothing, and let no flush at exit print a traceback either
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        where = exc.filename or "file"
        detail = exc.strerror or str(exc)
        if forms is not None:  # the system's reason in the user's language, not in English
            detail = cli_i18n.os_error_detail(exc, lang, forms, writing=True)
        problem = Problem("$", f"cannot write: {exc.strerror or exc}", code="cannot_write",
                          params={"detail": detail})
        for line in _lines(str(where), [problem], lang, forms):
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except MemoryError:  # a reader that did not say which file: the command's input is it
        source = next((str(v) for v in (getattr(args, n, None) for n in ("data", "table",
                                                                         "file")) if v),
                      args.command)
        problem = Problem("$", "the data is too large for memory", code="data_too_large")
        for line in _lines(source, [problem], lang, forms):
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
        if os.environ.get("HRK_DEBUG"):
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (set HRK_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
