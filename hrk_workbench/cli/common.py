"""What every command module of the command line shares: loading a checked assessment,
printing problems one per line in the steward's language, JSON on standard output.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, never a traceback),
1 an unexpected internal error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hrk_workbench.foundations.i18n import problem_json, render_problem
from hrk_workbench.foundations.problems import InputError, Problem, has_errors

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.model.assessment import Assessment

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2

def shown(path: str | os.PathLike[str]) -> str:
    """A path for a printed line: control characters and newlines escaped."""
    from hrk_workbench.foundations.outputs import shown_path

    return shown_path(path)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def load_checked(path: str, forms: Forms) -> tuple[Assessment, list[Problem]]:
    """Load and check; errors raise, warnings are returned for the caller to show."""
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.model.store import load_assessment

    assessment = load_assessment(path)
    problems = check_against_forms(assessment, forms)
    if has_errors(problems):
        raise InputError(path, problems)
    return assessment, problems


def problem_lines(source: str, problems: Sequence[Problem], lang: str,
                  forms: Forms | None) -> list[str]:
    """``FILE: LOCATION: what is wrong (expected …)``, in the steward's language; a newline
    or control character in the file's name is shown escaped (one problem, one line)."""
    from hrk_workbench.foundations.outputs import shown_path

    source = shown_path(source)
    if forms is None:
        return [f"{source}: {p}" for p in problems]
    return [f"{source}: {render_problem(p, lang, forms)}" for p in problems]


def warn(source: str, problems: list[Problem], lang: str, forms: Forms) -> None:
    for line in problem_lines(source, problems, lang, forms):
        print(line, file=sys.stderr)


def problems_json(problems: Sequence[Problem], lang: str, forms: Forms) -> list[dict[str, Any]]:
    return [problem_json(p, lang, forms) for p in problems]
