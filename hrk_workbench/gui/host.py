"""What a dialog started from the main window may use of it, as a protocol: the import and
print helpers talk to this, so they need not import the window that imports them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QPushButton, QStatusBar, QWidget

    from hrk_workbench.forms.loader import Forms
    from hrk_workbench.gui.document import Document
    from hrk_workbench.gui.lazy_pages import LazyPages


class WindowHost(Protocol):
    """The main window as its helpers see it."""

    document: Document
    forms: Forms
    pages: LazyPages
    import_report: Any
    open_export_button: QPushButton | None

    def t(self, key: str, **values: Any) -> str: ...

    def go_to(self, index: int) -> None: ...

    def go_to_step(self, step: str) -> None: ...

    def maybe_save(self) -> bool: ...

    def show_problems(self, path: str, problems: list[Any]) -> QMessageBox: ...

    def statusBar(self) -> QStatusBar: ...

    def _status(self, text: str) -> None: ...

    def window(self) -> QWidget: ...
