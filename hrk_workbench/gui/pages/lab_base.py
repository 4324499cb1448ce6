"""What the risk lab and the table lab pages share: keyed texts, buttons, labels and groups.

Both labs are long pages of grouped controls whose texts follow the language switch; the
helpers here make every control's accessible name its visible text, and keep group titles from
becoming every control's label for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .base import StepPage, _plain


class LabPage(StepPage):
    task: Any = None  # the running load or computation (a workers.Task), if any
    def _t(self, key: str) -> Callable[[str], str]:
        return lambda lang: self.document.t(key)

    def _button(self, key: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton()
        self.text(lambda s: (button.setText(s), button.setAccessibleName(_plain(s))),
                  self._t(key))
        button.clicked.connect(slot)
        return button

    def _label_for(self, widget: QWidget, key: str) -> QLabel:
        lab = QLabel()
        lab.setBuddy(widget)
        self.text(lambda s: (lab.setText(s), widget.setAccessibleName(_plain(s))),
                  self._t(key))
        return lab

    def _group(self, key: str) -> tuple[QGroupBox, QVBoxLayout]:
        box = QGroupBox()
        self.text(lambda s: (box.setTitle(s), box.setAccessibleName(_plain(s))), self._t(key))
        # the controls sit in an inner widget: Qt would otherwise name the group's title as
        # the label of every control in it, over the control's own label
        inner = QWidget()
        QVBoxLayout(box).addWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.addWidget(box)
        return box, layout

    def _result_row(self, layout: QVBoxLayout, widgets: list[QWidget]) -> QLabel:
        """A row of export and save controls, and under it the line that says how it went."""
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        status = QLabel()
        status.setWordWrap(True)
        layout.addWidget(status)
        return status

    def busy(self) -> bool:
        """True while a load or computation runs (screenshots wait for it)."""
        return self.task is not None and not self.task.done
