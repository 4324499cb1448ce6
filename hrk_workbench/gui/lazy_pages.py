"""Step pages built when first needed, so the window is usable sooner.

Building all fifteen pages (hundreds of labelled controls, the labs, the outputs preview)
took most of the window's start; a steward sees one step at a time. ``LazyPages`` is the
``window.pages`` mapping: looking a page up builds it (once) into its place in the stacked
widget, so every caller keeps writing ``window.pages["decision"]``; iterating builds them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PySide6.QtWidgets import QVBoxLayout, QWidget


class PageHolder(QWidget):
    """The stacked widget's slot for one step; the page goes in when first built."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.setObjectName(f"holder_{step}")
        self.page_layout = QVBoxLayout(self)
        self.page_layout.setContentsMargins(0, 0, 0, 0)


class LazyPages(dict):
    """step -> page, building a page on first access through ``build(step)``."""

    def __init__(self, steps: Sequence[str], build: Callable[[str], QWidget]) -> None:
        super().__init__()
        self._steps = list(steps)
        self._build = build

    def built(self, step: str) -> bool:
        return dict.__contains__(self, step)

    def __getitem__(self, step: str) -> QWidget:
        if not dict.__contains__(self, step):
            if step not in self._steps:
                raise KeyError(step)
            dict.__setitem__(self, step, self._build(step))
        return dict.__getitem__(self, step)

    def get(self, step: str, default: QWidget | None = None) -> QWidget | None:  # type: ignore[override]
        return self[step] if step in self._steps else default

    def __contains__(self, step: object) -> bool:
        return step in self._steps

    def __iter__(self) -> Iterator[str]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def keys(self):  # type: ignore[override]
        return list(self._steps)

    def values(self):  # type: ignore[override]
        return [self[s] for s in self._steps]

    def items(self):  # type: ignore[override]
        return [(s, self[s]) for s in self._steps]
