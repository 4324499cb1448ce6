"""A combo box whose popup list carries the combo's accessible name.

A screen reader announces the popup list of an open combo on its own, as a separate "list";
Qt leaves that list unnamed, so the user hears "list" with no idea which question it belongs
to. The popup gets the combo's own name whenever the combo is named, shown or opened, and
``name_combo_popups`` does the same for plain QComboBoxes under a widget (named by their
accessible name or, failing that, by the label whose buddy they are).
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QWidget


def popup_name(combo: QComboBox, labels: dict[int, str] | None = None) -> str:
    """The name the combo's popup list should have: the combo's accessible name, else the
    text of its buddy label (without the ``&`` mnemonic marker)."""
    name = combo.accessibleName()
    if name:
        return name
    if labels is None:
        window = combo.window()
        labels = _buddy_texts(window) if window is not None else {}
    return labels.get(id(combo), "")


def _buddy_texts(root: QWidget) -> dict[int, str]:
    return {id(label.buddy()): label.text().replace("&", "")
            for label in root.findChildren(QLabel) if label.buddy() is not None}


def name_popup(combo: QComboBox, labels: dict[int, str] | None = None) -> None:
    """Give ``combo``'s popup list the combo's name (only when it differs: no needless
    accessibility events)."""
    name = popup_name(combo, labels)
    view = combo.view()
    if view is not None and name and view.accessibleName() != name:
        view.setAccessibleName(name)


def name_combo_popups(root: QWidget) -> None:
    """Name the popup list of every combo box under ``root`` (after a language switch)."""
    labels = _buddy_texts(root)
    for combo in root.findChildren(QComboBox):
        name_popup(combo, labels)


class NamedPopupComboBox(QComboBox):
    """A QComboBox that keeps its popup list's accessible name equal to its own."""

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        name_popup(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        name_popup(self)

    def showPopup(self) -> None:
        name_popup(self)
        super().showPopup()
