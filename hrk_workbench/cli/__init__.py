"""The command line: one module per command family (``assess``, ``report``, ``metadata``,
``legacy``, ``risk``, ``tables``, ``reassess``, ``review``), the parser and the run in
``program``, and what they share in ``common``. It calls the same library functions as the
desktop app and never imports it."""

from hrk_workbench.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
