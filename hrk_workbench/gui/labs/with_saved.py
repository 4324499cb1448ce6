"""A lab page with its saved-result box first on the page (the registry's factories)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ..document import Document


def with_saved(factory: Callable[[Document], QWidget], box: str) -> Callable[[Document],
                                                                          QWidget]:
    """A factory for a lab page with its saved-result box first on the page, so the lab
    modules need no more than their fingerprint hooks."""

    def make(document: Document) -> QWidget:
        from .saved import SavedTables
        from .saved_risk import SavedRiskResult

        page = factory(document)
        layout = getattr(page, "body_layout", None)
        if layout is None:  # a placeholder page: nothing saved to show there
            return page
        widget = SavedRiskResult(page) if box == "risk" else SavedTables(document)
        layout.insertWidget(0, widget)
        page.saved_box = widget  # type: ignore[attr-defined]
        return page

    return make
