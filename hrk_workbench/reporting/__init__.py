"""The decision memo: its content built once (:mod:`.content`), rendered as PDF, HTML,
Markdown and Word. Kept free of Qt so the CLI, tests and the GUI preview share it."""
