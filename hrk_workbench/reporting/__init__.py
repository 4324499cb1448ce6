"""The decision memo: its content built once (:mod:`.content`), rendered as PDF, HTML,
Markdown and Word. Kept free of Qt so the CLI, tests and the GUI preview share it."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrk_workbench.reporting.content import Memo, build_memo

__all__ = ["Memo", "build_memo"]


def __getattr__(name: str) -> object:
    # Loaded on first use, so that a command importing one module of this package (its
    # ``commands`` registering a subcommand) does not pay for the rules at start-up.
    if name in __all__:
        from hrk_workbench.reporting import content

        return getattr(content, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
