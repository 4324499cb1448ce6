"""The console entry point ``hrk-workbench``: the command line, which opens the desktop app
for ``gui`` (or no command) through the launcher given here, so that neither interface
imports the other."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _start_gui(args: argparse.Namespace) -> int:
    from hrk_workbench.gui.app import run  # Qt only for this command

    return run(file=args.file, lang=args.lang, forms_dir=args.forms,
               screenshots=args.screenshots)


def main(argv: Sequence[str] | None = None) -> int:
    from hrk_workbench.cli.program import main as cli_main

    return cli_main(argv, start_gui=_start_gui)


if __name__ == "__main__":
    sys.exit(main())
