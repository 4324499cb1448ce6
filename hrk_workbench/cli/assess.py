"""The commands on one assessment file and on many: new, set, validate, score, advise,
summary and portfolio."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hrk_workbench.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    load_checked,
    print_json,
    problem_lines,
    problems_json,
    shown,
    warn,
)
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import format_number, label, render, render_all
from hrk_workbench.foundations.problems import (
    InputError,
    Problem,
    has_errors,
    problems_from_pydantic,
)
from hrk_workbench.foundations.suffix import FILE_SUFFIX

if TYPE_CHECKING:  # the rules and the model load inside the commands that use them
    from hrk_workbench.model.assessment import Assessment
    from hrk_workbench.overview.advice import Advice

# --- commands -------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace, forms: Forms) -> int:
    from pydantic import ValidationError

    from hrk_workbench.foundations.outputs import Output, check_outputs
    from hrk_workbench.model.assessment import Assessment
    from hrk_workbench.model.store import save_assessment

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
        print_json({"file": str(out), "id": saved.id, "title": saved.dataset.title})
    else:
        print(label("cli_created", args.lang, forms).format(path=shown(out)))
    return EXIT_OK


def cmd_set(args: argparse.Namespace, forms: Forms) -> int:
    """Change answers by path, all or none, and save atomically with a change-log entry.

    The file's lock is held from the read to the save, so two ``set`` runs on one file take
    turns; a program that takes no lock and writes meanwhile is caught by the fingerprint.
    """
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.model.edit import EditError, parse_value, set_answer
    from hrk_workbench.model.store import editing, read_assessment, save_assessment

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
        print_json({"file": args.file, "changes": [c.model_dump(mode="json") for c in changes],
                     "problems": problems_json(warnings, args.lang, forms)})
    else:
        warn(args.file, warnings, args.lang, forms)
        for c in changes:
            print(f"{args.file}: {c.path}: {json.dumps(c.old, ensure_ascii=False)} -> "
                  f"{json.dumps(c.new, ensure_ascii=False)}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.disclosure.fingerprints import stale_problems
    from hrk_workbench.model.store import load_assessment

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
                        "problems": problems_json(problems, args.lang, forms)})
        if not args.json:
            stream = sys.stdout if valid else sys.stderr
            for line in problem_lines(path, problems, args.lang, forms):
                print(line, file=stream)
            if valid:
                print(label("cli_valid", args.lang, forms).format(path=path))
    if args.json:
        print_json(results if len(results) > 1 else results[0])
    return status


def _report(args: argparse.Namespace, forms: Forms,
            as_json: Callable[[Assessment], dict[str, Any]],
            as_text: Callable[[Assessment, Forms, str], str]) -> int:
    """Load and check one file, then print its JSON or its text; warnings go with either."""
    assessment, warnings = load_checked(args.file, forms)
    if args.json:
        print_json({"file": args.file, "title": assessment.title(args.lang),
                     **as_json(assessment),
                     "problems": problems_json(warnings, args.lang, forms)})
    else:
        warn(args.file, warnings, args.lang, forms)
        print(as_text(assessment, forms, args.lang))
    return EXIT_OK


def cmd_score(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.decision.summary import summarise

    return _report(args, forms, lambda a: summarise(a, forms).to_json(forms, args.lang),
                   _score_text)


def cmd_advise(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.overview.advice import advise

    return _report(args, forms, lambda a: advise(a, forms).to_json(forms, args.lang),
                   _advice_text)


def cmd_summary(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.decision.summary import summarise
    from hrk_workbench.overview.advice import advise

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
    from hrk_workbench.decision.portfolio import rank_assessments

    files, errors = _collect(args.paths)
    items = []
    warnings: dict[str, list[Problem]] = {}
    for f in files:
        try:
            assessment, found = load_checked(f, forms)
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
    from hrk_workbench.decision.portfolio import attention

    looks = {f: attention(f, a, forms, lang) for f, a in items}
    if args.json:
        print_json({
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
                "problems": problems_json(warnings[e.source], lang, forms),
                **{k: v for k, v in looks[e.source].to_dict().items()
                   if k not in ("file", "title")},
            } for e in ranked],
            "attention": [looks[e.source].to_dict() for e in ranked
                          if looks[e.source].needed],
            "errors": [line for exc in errors
                       for line in problem_lines(exc.source, exc.problems, lang, forms)],
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
            warn(e.source, warnings[e.source], lang, forms)
    for exc in errors:
        for line in problem_lines(exc.source, exc.problems, lang, forms):
            print(line, file=sys.stderr)
    return EXIT_BAD_INPUT if any(has_errors(exc.problems) for exc in errors) else EXIT_OK


def _print_attention(looks: list[Any], lang: str, forms: Forms) -> None:
    """The assessments whose review is due or whose data changed, under the ranking."""
    due = [a for a in looks if a.needed]
    if not due:
        return
    from hrk_workbench.foundations.i18n import format_day

    print()
    print(label("portfolio_attention", lang, forms))
    for a in due:
        if a.due:
            print("  " + label("portfolio_review_due", lang, forms).format(
                title=a.title, file=a.source, date=format_day(a.review_due, lang)))
        if a.data_changed:
            print("  " + label("portfolio_data_changed", lang, forms).format(
                title=a.title, file=a.source, files=", ".join(a.data_changed)))


# --- text output ----------------------------------------------------------------------------

def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _score_text(assessment: Assessment, forms: Forms, lang: str) -> str:
    from hrk_workbench.decision.summary import summarise

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
    from hrk_workbench.overview.advice import advise

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
