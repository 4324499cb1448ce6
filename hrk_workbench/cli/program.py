"""Command line: everything the desktop app computes, scriptable and testable headless.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, never a traceback),
1 an unexpected internal error (reported in one line, with the traceback only under
``HRK_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hrk_workbench.cli import assess
from hrk_workbench.cli import texts as cli_i18n
from hrk_workbench.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    problem_lines,
    warn,
)
from hrk_workbench.forms.loader import Forms, load_forms
from hrk_workbench.forms.schema import LANGUAGES
from hrk_workbench.foundations.i18n import os_error_detail
from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.foundations.suffix import FILE_SUFFIX

LANG_ENV = "HRK_LANG"

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        self.exit(EXIT_BAD_INPUT, cli_i18n.parser_error(self.prog, message))


class _VersionAction(argparse.Action):
    """--version, looking the version up only when asked (it costs a metadata read)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from hrk_workbench import __version__

        parser.exit(message=f"{parser.prog} {__version__}\n")


GuiLauncher = Callable[[argparse.Namespace], int]


def cmd_gui(args: argparse.Namespace, forms: Forms) -> int:
    """Open the desktop app through the launcher the entry point gave (the command line
    never imports the GUI: both sit side by side on the library)."""
    launcher: GuiLauncher | None = args.start_gui
    if launcher is None:
        raise InputError("gui", [Problem("$", "the desktop app is not available here",
                                         "hrk-workbench gui", code="gui_unavailable")])
    return launcher(args)



# --- parser and entry point -----------------------------------------------------------------

# The commands in the order ``--help`` lists them, each with the module that registers it:
# a run builds only its own command's parser and imports only that module (the others' imports
# are most of a start); ``--help``, no command or a wrong one builds them all. A test holds this
# list equal to what the modules register.
COMMANDS: dict[str, str] = {
    "new": "assess", "set": "assess", "validate": "assess", "score": "assess",
    "advise": "assess", "summary": "assess", "gui": "program",
    "report": "report", "metadata": "metadata",
    "import-excel": "legacy", "export-excel": "legacy",
    "risk": "risk", "puf": "risk", "dictionary": "risk",
    "tables": "tables", "audit": "tables", "reassess": "reassess",
    "review": "review", "approve": "review", "verify": "review",
    "portfolio": "assess",
}
_OWN = ("assess", "program")  # registered here, not by a module of their own


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone when it names one."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=None,
                        help=f"language of texts and reasons (default ${LANG_ENV}, else en)")
    common.add_argument("--forms", metavar="DIR", help="forms folder (default: the bundled one)")
    parser = _Parser(prog="hrk-workbench",
                     description="Assess whether a dataset can be opened as open data.")
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    wanted = [command] if command in COMMANDS else list(COMMANDS)
    registered: set[str] = set()
    for name in wanted:
        family = COMMANDS[name]
        if family in _OWN:
            _add_own(sub, common, name)
        elif family not in registered:  # a module registers all its commands at once
            registered.add(family)
            _family(family).register(sub, common)
    return parser


def _add_own(sub: Any, common: argparse.ArgumentParser, name: str) -> None:
    """The commands on assessment files (``assess``) and ``gui``."""
    if name == "new":
        p = sub.add_parser("new", parents=[common], help="create a new assessment file")
        p.add_argument("--title", required=True, help="the dataset's title")
        p.add_argument("--title-lang", choices=LANGUAGES, default="en",
                       help="language of the title (default en)")
        p.add_argument("--publisher", help="publishing organisation")
        p.add_argument("--day-rate", type=float, help="price of a person-day in euros")
        p.add_argument("--author",
                       help="name for the change log (default $HRK_AUTHOR or OS user)")
        p.add_argument("-o", "--output", required=True,
                       help=f"file to create (*{FILE_SUFFIX})")
        p.add_argument("--force", action="store_true", help="overwrite an existing file")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=assess.cmd_new)
    elif name == "set":
        p = sub.add_parser("set", parents=[common],
                           help="change answers: PATH=VALUE, e.g. benefits.B3.value=2")
        p.add_argument("file", metavar="FILE")
        p.add_argument("assignments", nargs="+", metavar="PATH=VALUE",
                       help="an answer path and its value; an empty value clears the answer")
        p.add_argument("--author",
                       help="name for the change log (default $HRK_AUTHOR or OS user)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=assess.cmd_set)
    elif name == "validate":
        p = sub.add_parser("validate", parents=[common], help="check assessment files")
        p.add_argument("files", nargs="+", metavar="FILE")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=assess.cmd_validate)
    elif name in _REPORTS:
        func, text = _REPORTS[name]
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("file", metavar="FILE")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)
    elif name == "gui":
        p = sub.add_parser("gui", help="open the desktop app (the default with no command)")
        p.add_argument("file", metavar="FILE", nargs="?", help="assessment to open")
        p.add_argument("--lang", choices=LANGUAGES, default=None,
                       help="language of the app (default: the saved setting, $HRK_LANG or "
                            "the system's)")
        p.add_argument("--forms", metavar="DIR", help="forms folder (default: the bundled one)")
        p.add_argument("--screenshots", metavar="DIR",
                       help="render every page to PNG files in DIR and exit")
        p.set_defaults(func=cmd_gui)
    elif name == "portfolio":
        p = sub.add_parser("portfolio", parents=[common], help="rank many assessments")
        p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=assess.cmd_portfolio)


_REPORTS: dict[str, tuple[Callable[[argparse.Namespace, Forms], int], str]] = {
    "score": (assess.cmd_score, "HRK scores and the recommendation"),
    "advise": (assess.cmd_advise, "anonymisation, channel, format, licence, quality and "
                                  "metadata advice"),
    "summary": (assess.cmd_summary, "scores and advice as text"),
}


def _family(name: str) -> Any:
    """A command family's module (outputs, legacy Excel, labs, review), imported only when
    its commands are wanted; its heavy imports wait inside its command functions."""
    if name == "report":
        from hrk_workbench.cli import report as module
    elif name == "metadata":
        from hrk_workbench.cli import metadata as module
    elif name == "legacy":
        from hrk_workbench.cli import legacy as module
    elif name == "risk":
        from hrk_workbench.cli import risk as module
    elif name == "tables":
        from hrk_workbench.cli import tables as module
    elif name == "reassess":
        from hrk_workbench.cli import reassess as module
    else:
        from hrk_workbench.cli import review as module
    return module


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


def main(argv: Sequence[str] | None = None, start_gui: GuiLauncher | None = None) -> int:
    """Run one command; every line it prints has bidirectional controls shown escaped, and
    a character the terminal's or the pipe's encoding lacks (cp1252, latin-1) is written
    as an escape instead of stopping the command."""
    from hrk_workbench.foundations.terminal import EscapingStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(out), EscapingStream(err)  # type: ignore[assignment]
    try:
        return _run(argv, start_gui)
    finally:
        sys.stdout, sys.stderr = out, err


def _reading(args: argparse.Namespace, lang: str, forms: Forms) -> Any:
    """The sheet ``--sheet`` names for the command's data file, and readers' warnings (a
    workbook's hidden sheets) printed on stderr in the steward's language."""
    from hrk_workbench.foundations.reading import reading

    data = getattr(args, "data", None) or getattr(args, "table", None)
    sheet = getattr(args, "sheet", None)
    return reading({data: sheet} if data and sheet else None,
                   lambda source, problem: warn(source, [problem], lang, forms))


def _default_command(argv: list[str]) -> list[str]:
    """No command opens the app, with the options given: ``hrk-workbench --lang fi`` (a
    desktop shortcut's line) starts it in Finnish, as ``hrk-workbench gui --lang fi`` does.
    ``--help`` and ``--version`` keep their meaning for the program as a whole."""
    if not argv:
        return ["gui"]
    if any(token in COMMANDS for token in argv) or \
            any(token in ("-h", "--help", "--version") for token in argv):
        return argv
    return ["gui", *argv]


def _run(argv: Sequence[str] | None, start_gui: GuiLauncher | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # argparse's own messages (usage, "invalid choice", ...) in the language asked for: it is
    # read from the arguments before they are parsed (see cli_i18n)
    forms_dir = cli_i18n.prescan_forms(argv)
    with cli_i18n.argparse_language(cli_i18n.prescan_language(argv, os.environ.get(LANG_ENV)),
                                    forms_dir) as translator:
        argv = _default_command(argv)
        args = build_parser(argv[0]).parse_args(argv)
    func: Callable[[argparse.Namespace, Forms], int] = args.func
    args.start_gui = start_gui  # what ``gui`` opens the app with (None: not available here)
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
            for line in problem_lines(each.source, each.problems, lang, forms):
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
            detail = os_error_detail(exc, lang, forms, writing=True)
        problem = Problem("$", f"cannot write: {exc.strerror or exc}", code="cannot_write",
                          params={"detail": detail})
        for line in problem_lines(str(where), [problem], lang, forms):
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except MemoryError:  # a reader that did not say which file: the command's input is it
        source = next((str(v) for v in (getattr(args, n, None) for n in ("data", "table",
                                                                         "file")) if v),
                      args.command)
        problem = Problem("$", "the data is too large for memory", code="data_too_large")
        for line in problem_lines(source, [problem], lang, forms):
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
