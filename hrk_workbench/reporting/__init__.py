"""The decision memo: its content built once (:mod:`.content`), rendered as PDF, HTML,
Markdown and Word. Kept free of Qt so the CLI, tests and the GUI preview share it."""

from .content import Memo, build_memo

__all__ = ["Memo", "build_memo"]
