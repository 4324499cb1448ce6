"""Undo commands: every edit of the assessment is a QUndoCommand over the core's ``set_answer``.

The edit has already been applied (and validated) by :class:`Document` when the command is
pushed, so the first ``redo`` that QUndoStack triggers on push is skipped; undo replays the
inverse of each recorded ``Change`` through the same core function, so undo can never bypass
validation or assign to a model field directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from hrk_workbench.forms.loader import Forms
from hrk_workbench.model.edit import set_answer


class EditCommand(QUndoCommand):
    """One or more answer changes, undone and redone together (one undo step)."""

    def __init__(self, get_assessment: Callable[[], Any], forms: Forms,
                 changes: Sequence[Any], text: str, on_applied: Callable[[], None]) -> None:
        super().__init__(text)
        # The assessment is fetched on every undo/redo, not captured: it is always the one
        # the document currently holds (the stack is cleared when a new one is loaded).
        self._get_assessment = get_assessment
        self._forms = forms
        self._changes = list(changes)
        self._on_applied = on_applied
        self._skip_first_redo = True

    @property
    def paths(self) -> list[str]:
        """The answer paths this command changes (for tests and status messages)."""
        return [c.path for c in self._changes]

    def redo(self) -> None:
        if self._skip_first_redo:  # applied by Document.edit before the push
            self._skip_first_redo = False
            return
        assessment = self._get_assessment()
        for change in self._changes:
            set_answer(assessment, change.path, change.new, self._forms)
        self._on_applied()

    def undo(self) -> None:
        assessment = self._get_assessment()
        for change in reversed(self._changes):
            set_answer(assessment, change.path, change.old, self._forms, restore=True)
        self._on_applied()
