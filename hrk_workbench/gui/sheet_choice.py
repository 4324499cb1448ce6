"""The labs' sheet chooser: which sheet of a workbook the lab reads.

A workbook may hold hidden sheets (``hidden``, or ``veryHidden``: unhidden only by a macro)
that the steward never saw in Excel. The lab reads the first visible sheet, as the CLI does,
and lists every sheet here, the hidden ones marked as such, so nothing is read, or left out,
without the steward seeing it. Choosing another sheet reads the file again at that sheet.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from hrk_workbench.foundations.problems import InputError

from .pages.base import ScrollSafeComboBox

#: the label of a sheet by its state (a visible sheet is shown by its name alone)
STATE_LABELS = {"hidden": "gui_lab_sheet_hidden", "veryHidden": "gui_lab_sheet_very_hidden"}


class SheetChooser(ScrollSafeComboBox):
    """A combo box of a workbook's sheets, hidden (with its label) for any other file.

    ``on_choose(path, sheet)`` is called when the steward picks a sheet (not when the list
    is filled).
    """

    def __init__(self, translate: Callable[..., str], on_choose: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._t = translate
        self._on_choose = on_choose
        self._path: str | None = None
        self._states: list[tuple[str, str]] = []
        self.companions: list[QWidget] = []  # shown and hidden with the box (its label)
        self.activated.connect(self._picked)
        self._show(False)

    def _show(self, visible: bool) -> None:
        self.setVisible(visible)
        for widget in self.companions:
            widget.setVisible(visible)

    def offer(self, path: str) -> None:
        """List the sheets of ``path`` if it is a workbook, the first visible one chosen."""
        from hrk_workbench.disclosure.loading import file_kind, workbook_sheets

        self._path, self._states = path, []
        if file_kind(path) == "xlsx":
            try:
                self._states = [(s.name, s.state) for s in workbook_sheets(path)]
            except InputError:
                self._states = []  # the read that follows names the problem
        self.relabel()
        visible = [i for i, (_, state) in enumerate(self._states) if state == "visible"]
        if visible:
            self.setCurrentIndex(visible[0])
        self._show(bool(self._states))

    def relabel(self) -> None:
        """The items' texts in the current language (after a language switch too)."""
        current = self.currentIndex()
        self.blockSignals(True)
        self.clear()
        for name, state in self._states:
            key = STATE_LABELS.get(state)
            self.addItem(self._t(key, sheet=name) if key else name, name)
        if 0 <= current < self.count():
            self.setCurrentIndex(current)
        self.blockSignals(False)

    def sheet(self) -> str | None:
        """The chosen sheet's name (None: not a workbook)."""
        data = self.currentData()
        return data if isinstance(data, str) else None

    def hidden_sheets(self) -> list[str]:
        return [name for name, state in self._states if state != "visible"]

    def choose(self, name: str) -> None:
        """Pick the sheet ``name`` as the steward would (reads the file again)."""
        index = self.findData(name)
        if index >= 0:
            self.setCurrentIndex(index)
            self._picked(index)

    def _picked(self, index: int) -> None:
        name = self.itemData(index)
        if self._path is not None and isinstance(name, str):
            self._on_choose(self._path, name)


def sheet_chooser(page: object, on_choose: Callable[[str, str], None]) -> SheetChooser:
    """A sheet chooser for a lab page, with its label ("Sheet") and accessible name."""
    document = page.document  # type: ignore[attr-defined]
    chooser = SheetChooser(document.t, on_choose)
    label = page._label_for(chooser, "gui_lab_sheet")  # type: ignore[attr-defined]
    chooser.companions.append(label)
    label.setVisible(False)
    page.text(lambda _s: chooser.relabel(), page._t("gui_lab_sheet"))  # type: ignore[attr-defined]
    return chooser
