"""Keep a combo box's popup list on the screen.

A list of long entries (a licence's name and what it allows) makes Qt size the popup to the
longest one, past the right edge of a 1366-pixel screen; the ends of the entries, and on a
narrow screen the list's scroll bar, are then out of reach. The popup is moved and narrowed
to the screen's free area as it opens, and entries too long for it end in "…" (the full
text stays the entry's tooltip).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox


class _OnScreen(QObject):
    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            clamp_popup(self.combo)
        return False


def clamp_popup(combo: QComboBox) -> None:
    """Fit the open popup inside the available area of the combo's screen."""
    popup = combo.view().window()
    screen = combo.screen() or QGuiApplication.primaryScreen()
    if popup is None or screen is None or popup is combo.window():
        return
    area = screen.availableGeometry()
    geometry = popup.geometry()
    width = min(geometry.width(), area.width())
    left = min(max(geometry.left(), area.left()), area.right() + 1 - width)
    height = min(geometry.height(), area.height())
    top = min(max(geometry.top(), area.top()), area.bottom() + 1 - height)
    if (left, top, width, height) != (geometry.left(), geometry.top(), geometry.width(),
                                      geometry.height()):
        popup.setGeometry(left, top, width, height)


def keep_popup_on_screen(combo: QComboBox) -> None:
    """Clamp ``combo``'s popup to the screen each time it opens; long entries elide."""
    view = combo.view()
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    for i in range(combo.count()):
        if not combo.itemData(i, Qt.ItemDataRole.ToolTipRole):
            combo.setItemData(i, combo.itemText(i), Qt.ItemDataRole.ToolTipRole)
    popup = view.window()
    if popup is not None and popup is not combo.window() \
            and not combo.property("hrkOnScreen"):
        popup.installEventFilter(_OnScreen(combo))
        combo.setProperty("hrkOnScreen", True)  # once, however often the items change
