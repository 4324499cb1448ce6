"""Going to the field of an answer path: from a readiness item or a still-missing item.

A list that says what is missing is only half useful if the steward then has to hunt for the
field. Every bound control knows its answer path (``Binding.path``, or the ``hrk_path``
property of a control that is not a binding), so the field for ``gates.G2`` or
``publication.distributions.CSV.download_url`` is found on whichever page shows it, that
page is shown, the field scrolled into view and given the focus (a screen reader then says
its name). A path no field shows (a risk in the register's table, a lab result) opens its
step.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QWidget

from hrk_workbench.overview.progress import STEPS, step_of


def _matches(bound: str, path: str) -> bool:
    return bound == path or bound.startswith((f"{path}.", f"{path}["))


def find_field(page: QWidget, path: str) -> QWidget | None:
    """The visible-on-its-page control bound to ``path`` (or to an answer under it)."""
    for binding in getattr(page, "bindings", []):
        if _matches(binding.path, path) and binding.widget.isEnabled():
            return binding.widget
    for widget in page.findChildren(QWidget):
        bound = widget.property("hrk_path")
        if isinstance(bound, str) and _matches(bound, path):
            return widget
    return None


def locate(pages: dict[str, QWidget], path: str) -> tuple[str, QWidget | None]:
    """The step and the control showing ``path``; the path's own step first (the landing
    page is asked on Dataset and again beside the other addresses)."""
    own = step_of(path)
    order: Iterable[str] = [own, *(s for s in STEPS if s != own)] if own in pages else STEPS
    for step in order:
        page = pages.get(step)
        if page is None:
            continue
        widget = find_field(page, path)
        if widget is not None:
            return step, widget
    return own, None


def reveal(widget: QWidget) -> None:
    """Scroll every enclosing scroll area to the widget and give it the focus."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 50, 80)
        parent = parent.parentWidget()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
