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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.foundations.data_files import data_dir

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
        # search: Enter finds the next place, Shift+Enter the previous; the count is said
        search_row = QHBoxLayout()
        search_label = QLabel(t("gui_help_search"))
        self.search = QLineEdit()
        self.search.setObjectName("guideSearch")
        self.search.setAccessibleName(t("gui_help_search").replace("&", ""))
        self.search.setPlaceholderText(t("gui_help_search_hint"))
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        self.search.returnPressed.connect(self.find_next)
        self.search.textChanged.connect(lambda _text: self.find_next(restart=True))
        self.find_button = QPushButton(t("gui_help_find_next"))
        self.find_button.setObjectName("guideFindNext")
        self.find_button.clicked.connect(lambda: self.find_next())
        self.search_status = QLabel()
        self.search_status.setObjectName("guideSearchStatus")
        self.search_status.setAccessibleName(t("gui_help_search_status"))
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.find_button)
        search_row.addWidget(self.search_status)
        layout.addLayout(search_row)
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

    def matches(self, text: str) -> int:
        """How many times ``text`` occurs in the page shown (case-insensitive)."""
        document, count = self.browser.document(), 0
        cursor = document.find(text)
        while text and not cursor.isNull():
            count += 1
            cursor = document.find(text, cursor)
        return count

    def find_next(self, restart: bool = False, backward: bool = False) -> bool:
        """Select the next place the search text occurs (from the top when ``restart`` or
        at the end of the page), scroll it into view and say how many places there are."""
        text = self.search.text().strip()
        if not text:
            self.search_status.setText("")
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else \
            QTextDocument.FindFlag(0)
        if restart:
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
        found = self.browser.find(text, flags)
        if not found:  # wrap round once
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backward
                                else cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            found = self.browser.find(text, flags)
        count = self.matches(text)
        self.search_status.setText(self.t("gui_help_found", count=count) if found
                                   else self.t("gui_help_not_found"))
        return found

    def keyPressEvent(self, event: Any) -> None:
        """Shift+Enter in the search field finds the previous place."""
        if self.search.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_next(backward=True)
            return
        super().keyPressEvent(event)

    def headings(self) -> list[str]:
        """The contents list as shown (tests and screen-reader checks read it)."""
        return [self.contents.item(i).text().strip() for i in range(self.contents.count())]


def show_guide(window: Any) -> GuideDialog:
    """Open the guide in the window's language beside the window (not modal: read and work)."""
    dialog = GuideDialog(window.t, window.document.lang, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
