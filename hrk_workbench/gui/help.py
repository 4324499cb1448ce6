"""Help > User guide: the Markdown guide in ``docs/guide/`` shown inside the app.

Stewards on managed desktops may have no browser access to a project site, so the guide
ships with the app and opens offline. Qt renders Markdown itself (QTextDocument.setMarkdown,
through QTextBrowser.setSource), so the same files are readable on GitHub and in the app and
need no build step. The guide opens in the app's language; a language without its own file
(or a page not translated) falls back to English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.data_files import data_dir

DOCS_ENV = "HRK_DOCS_DIR"
FALLBACK = "en"


def guide_dir() -> Path:
    """``$HRK_DOCS_DIR``, the installed or bundled copy, or the source tree's ``docs/guide``.

    The same order as the forms and report templates: the wheel and the PyInstaller bundle
    both put the guide in ``hrk_workbench/_data/docs/guide``.
    """
    return data_dir("docs/guide", DOCS_ENV)


def guide_file(lang: str) -> Path | None:
    """The guide in ``lang``, else in English, else None (a broken installation)."""
    folder = guide_dir()
    for code in (lang, FALLBACK):
        path = folder / f"{code}.md"
        if path.is_file():
            return path
    return None


class GuideDialog(QDialog):
    """A browser for the guide: contents list on the left, the Markdown page on the right.

    Links between guide pages (``[English guide](en.md)``) open in the same browser; web
    links open in the system browser.
    """

    def __init__(self, t: Any, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(t("gui_help_guide_title"))
        self.resize(980, 720)
        self.t = t
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideBrowser")
        self.browser.setAccessibleName(t("gui_help_guide_title"))
        self.browser.setOpenExternalLinks(True)
        self.contents = QListWidget()
        self.contents.setObjectName("guideContents")
        self.contents.setAccessibleName(t("gui_help_contents"))
        self.contents.itemActivated.connect(self._jump)
        self.contents.itemClicked.connect(self._jump)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setSizes([250, 730])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.back_button = QPushButton(t("gui_help_back"))
        self.back_button.setEnabled(False)
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.browser.sourceChanged.connect(lambda _url: self._fill_contents())

        self.path = guide_file(lang)
        if self.path is None:
            self.browser.setPlainText(t("gui_help_guide_missing", path=str(guide_dir())))
        else:
            self.browser.setSource(QUrl.fromLocalFile(str(self.path)),
                                   QTextDocument.ResourceType.MarkdownResource)

    def _fill_contents(self) -> None:
        """One line per heading (levels 1–3, indented by level) of the page on show."""
        self.contents.clear()
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if 1 <= level <= 3 and block.text().strip():
                item = QListWidgetItem("    " * (level - 1) + block.text().strip())
                item.setData(Qt.ItemDataRole.UserRole, block.position())
                self.contents.addItem(item)
            block = block.next()

    def _jump(self, item: QListWidgetItem) -> None:
        """Scroll the heading to the top of the page (not just somewhere into view)."""
        document = self.browser.document()
        block = document.findBlock(int(item.data(Qt.ItemDataRole.UserRole)))
        top = document.documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))

    def headings(self) -> list[str]:
        """The contents list as shown (tests and screen-reader checks read it)."""
        return [self.contents.item(i).text().strip() for i in range(self.contents.count())]


def show_guide(window: Any) -> GuideDialog:
    """Open the guide in the window's language beside the window (not modal: read and work)."""
    dialog = GuideDialog(window.t, window.document.lang, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
