"""The main window: step list, step pages, live summary, menus, documents and autosave.

It wires the pieces together and owns the document life cycle (new, open, save, recover);
what a page shows and what the summary says come from the document and the core.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import InputError
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.edit import EditError, set_answer
from hrk_workbench.model.store import FILE_SUFFIX, FileChangedError

from .document import Document, render_problems
from .lazy_pages import LazyPages, PageHolder
from .pages.registry import STEPS, make_page
from .qtlang import FILE_DIALOG_OPTIONS, install_qt_translator
from .recovery import (
    LEGACY_NAME,
    convert_legacy,
    discard,
    orphaned,
    read_recovery,
    recovery_folder,
    set_aside,
)
from .recovery import SUFFIX as RECOVERY_SUFFIX
from .settings import AppSettings, SettingsDialog
from .summary import SummaryPanel
from .widgets.combo import name_combo_popups
from .widgets.tables import fit_all_headers

try:
    from hrk_workbench.overview.progress import step_states
except ImportError:  # pragma: no cover - the core module arrives with the same issue
    def step_states(assessment: Any, forms: Forms, path: Any = None) -> dict[str, str]:
        return {}

PREFERRED_SIZE = QSize(1440, 900)
DECORATION = QSize(16, 40)
"""Title bar and borders a window manager adds around the window (a typical value, used
before the window is shown and the real frame is known)."""
GEOMETRY_KEY = "window/geometry"

# the state (core: completeness.step_states) -> symbol and colour of its badge; a lab step
# not run yet has its own hollow mark, since it is waiting for a run, not for an answer
MARKS = {"complete": ("✓", "#2e7d32"), "incomplete": ("•", "#757575"),
         "problems": ("!", "#c62828"), "not_run": ("○", "#1565c0"),
         "not_assessed": ("–", "#757575"), "not_estimated": ("–", "#757575")}


def _mark_icon(state: str) -> QIcon:
    """A round badge with the state's symbol: colour and shape both tell the state."""
    symbol, colour = MARKS.get(state, MARKS["incomplete"])
    pixmap = QPixmap(18, 18)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 16, 16)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(12)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, symbol)
    painter.end()
    return QIcon(pixmap)


def _short_folder(folder: Path) -> str:
    """A folder as a person recognises it: under the home folder with ``~``."""
    with contextlib.suppress(ValueError):
        return str(Path("~") / folder.relative_to(Path.home()))
    return str(folder)


class MainWindow(QMainWindow):
    """One window, one document; pages are built once and follow the document."""

    def __init__(self, forms: Forms, settings: AppSettings, lang: str = "en",
                 autosave_ms: int | None = None, file: str | None = None) -> None:
        """``file``: the assessment to start with (``hrk-workbench gui FILE``). It is read
        before the panels are built, so the summary, the step marks and the first page are
        worked out once, for it, instead of first for a blank assessment; when it cannot be
        read the window starts blank and ``opening_problems`` holds why (shown by the caller
        once the window is on screen, as ``open_path`` would)."""
        super().__init__()
        self.forms, self.settings = forms, settings
        self.document = Document(forms, lang=lang, parent=self)
        self._icons = {state: _mark_icon(state) for state in MARKS}
        self._last_states: dict[str, str] = {}
        # False for a window that must not touch the recovery file (--screenshots)
        self.owns_recovery = True
        # nothing listens to the document yet: the first assessment costs no refresh
        self.opening_problems = self._open_quietly(file) if file else None
        if file is None or self.opening_problems is not None:
            self.document.replace(self._new_assessment(), None)
        self._build_ui()
        self._build_menus()
        self.document.changed.connect(self._update_steps)
        self.document.dirtyChanged.connect(self._update_title)
        self.document.pathChanged.connect(lambda _p: self._update_title())
        self.document.editFailed.connect(self._edit_failed)
        self.document.autosaved.connect(self._autosave_ok)
        self.document.autosaveFailed.connect(self._autosave_failed)
        self.document.languageChanged.connect(self.retranslate)
        kwargs = {"interval_ms": autosave_ms} if autosave_ms else {}
        self.document.start_autosave(recovery_folder(settings.data_dir), **kwargs)
        self.retranslate(lang)
        self.go_to(0)
        self.place_on_screen()

    # --- geometry -------------------------------------------------------------------------

    def _available(self) -> QRect:
        """The screen area a window may use (without panels and docks), of the screen the
        window is on, else the primary one."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)

    def place_on_screen(self) -> None:
        """The window as it was last closed, else the preferred size; never bigger than the
        available screen area (a 1280x800 laptop included) and never off it."""
        saved = self.settings.store.value(GEOMETRY_KEY)
        if not (isinstance(saved, QByteArray | bytes) and self.restoreGeometry(saved)):
            self.resize(PREFERRED_SIZE)
        self.clamp_to_screen()

    def clamp_to_screen(self) -> None:
        """Shrink and move the window so that its frame lies inside the available area."""
        if self.isMaximized() or self.isFullScreen():
            return
        avail = self._available()
        # the frame is only known once shown; until then count the usual decorations
        frame = self.frameGeometry()
        extra_w = max(frame.width() - self.width(), 0) or DECORATION.width()
        extra_h = max(frame.height() - self.height(), 0) or DECORATION.height()
        width = max(min(self.width(), avail.width() - extra_w), 1)
        height = max(min(self.height(), avail.height() - extra_h), 1)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        x = min(max(frame.x(), avail.x()), avail.right() + 1 - width - extra_w)
        y = min(max(frame.y(), avail.y()), avail.bottom() + 1 - height - extra_h)
        self.move(max(x, avail.x()), max(y, avail.y()))

    def remember_geometry(self) -> None:
        self.settings.store.setValue(GEOMETRY_KEY, self.saveGeometry())

    # --- layout ---------------------------------------------------------------------------

    def _build_ui(self) -> None:
        d = self.document
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setIconSize(QSize(18, 18))
        self.steps.setSpacing(2)
        self.steps.setMinimumWidth(190)
        self.steps.setMaximumWidth(240)
        self.stack = QStackedWidget()
        # pages are built when first shown or looked up (window.pages[step]): the window
        # is usable before the fifteen pages exist
        self._holders = {step: PageHolder(step) for step in STEPS}
        self.pages: LazyPages = LazyPages(STEPS, self._build_page)
        for step in STEPS:
            self.stack.addWidget(self._holders[step])
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, step)
            self.steps.addItem(item)
        self.steps.currentRowChanged.connect(self._step_selected)
        # a screen reader may select a step without making it current (AT-SPI selectChild)
        self.steps.itemSelectionChanged.connect(self._selection_to_current)

        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() + 1))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 4, 12, 8)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        self.step_counter = QLabel()
        buttons.addWidget(self.step_counter)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        # said once in the window when autosave cannot write: crash protection is off
        self.autosave_banner = QLabel()
        self.autosave_banner.setObjectName("crashProtectionBanner")
        self.autosave_banner.setWordWrap(True)
        self.autosave_banner.setStyleSheet(
            "background: #fdecea; color: #8c1d18; padding: 6px; border: 1px solid #b00020;")
        self.autosave_banner.hide()
        self._autosave_error = ""
        centre_layout.addWidget(self.autosave_banner)
        centre_layout.addWidget(self.stack, 1)
        centre_layout.addLayout(buttons)

        self.summary = SummaryPanel(d)
        self.summary.setObjectName("summary")
        self.summary.fieldRequested.connect(self.go_to_field)
        self.summary.setMaximumWidth(420)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.steps)
        splitter.addWidget(centre)
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([200, 900, 340])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        # Tab order: steps, the page, Back/Next, then the summary panel
        QWidget.setTabOrder(self.steps, self.stack)
        QWidget.setTabOrder(self.back_button, self.next_button)
        QWidget.setTabOrder(self.next_button, self.summary)

    def _action(self, menu: Any, key: str, slot: Callable[[], Any],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(self)
        action.setData(key)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)
        self._actions.append(action)
        return action

    def showEvent(self, event: Any) -> None:
        """Once the window is up, the pages not yet shown are built in the background, one
        per turn of the event loop, so the first visit to a step is as quick as the next."""
        super().showEvent(event)
        if not hasattr(self, "_prebuild"):
            self._prebuild = QTimer(self)
            self._prebuild.setSingleShot(True)
            self._prebuild.timeout.connect(self._build_one_more)
            self._prebuild.start(400)  # after the first paint and the file opened

    def _build_one_more(self) -> None:
        step = next((s for s in STEPS if not self.pages.built(s)), None)
        if step is None:
            return
        self.pages[step]
        self._prebuild.start(0)

    def _build_page(self, step: str) -> QWidget:
        """Build ``step``'s page into its place in the stack and wire it to the window."""
        page = make_page(step, self.document)
        page.setObjectName(f"page_{step}")
        self._holders[step].page_layout.addWidget(page)
        if hasattr(page, "openRequested"):
            page.openRequested.connect(self.open_path)
        if hasattr(page, "fieldRequested"):
            page.fieldRequested.connect(self.go_to_field)
        if step == "outputs" and hasattr(page, "exported"):
            page.exported.connect(self._exported)
        name_combo_popups(page)
        # a page built now joins the end of the Tab chain: put it back between the step
        # list and the Back/Next buttons, as the pages built with the window were
        chain, widget = [], self.steps.nextInFocusChain()
        while widget is not self.steps:
            if page.isAncestorOf(widget) and \
                    widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                chain.append(widget)
            widget = widget.nextInFocusChain()
        for first, second in zip([self.steps, *chain], [*chain, self.back_button],
                                 strict=True):
            QWidget.setTabOrder(first, second)
        return page

    def _build_menus(self) -> None:
        self._actions: list[QAction] = []
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.edit_menu = bar.addMenu("")
        self.go_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        seq = QKeySequence.StandardKey
        self.new_action = self._action(self.file_menu, "gui_action_new", self.new_document,
                                       "Ctrl+N")
        self.open_action = self._action(self.file_menu, "gui_action_open", self.open_dialog,
                                        "Ctrl+O")
        self.recent_menu = self.file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.save_action = self._action(self.file_menu, "gui_action_save", self.save, "Ctrl+S")
        self.save_as_action = self._action(self.file_menu, "gui_action_save_as", self.save_as,
                                           "Ctrl+Shift+S")
        self.save_as_new_action = self._action(self.file_menu, "gui_action_save_as_new",
                                               self.save_as_new)
        self.print_action = self._action(self.file_menu, "gui_action_print", self.print_memo,
                                         "Ctrl+P")
        self.file_menu.addSeparator()
        self.import_action = self._action(self.file_menu, "gui_action_import_excel",
                                          self.import_excel)
        self.file_menu.addSeparator()
        self.settings_action = self._action(self.file_menu, "gui_action_settings",
                                            self.open_settings, "Ctrl+,")
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, "gui_action_quit", self.close, "Ctrl+Q")
        stack = self.document.undo_stack
        self.undo_action = self._action(self.edit_menu, "gui_action_undo", stack.undo, "Ctrl+Z")
        self.redo_action = self._action(self.edit_menu, "gui_action_redo", stack.redo, "Ctrl+Y")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(seq.Redo)])
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.edit_menu.addSeparator()
        self.history_action = self._action(self.edit_menu, "gui_action_history",
                                           self.show_history, "Ctrl+H")
        self.comment_action = self._action(self.edit_menu, "gui_action_comment",
                                           self.comment_here, "Ctrl+Shift+M")
        self.review_action = self._action(self.edit_menu, "gui_action_review",
                                          self.show_review, "Ctrl+Shift+R")
        self.back_action = self._action(self.go_menu, "gui_back",
                                        lambda: self.go_to(self.stack.currentIndex() - 1),
                                        "Ctrl+PgUp")
        self.next_action = self._action(self.go_menu, "gui_next",
                                        lambda: self.go_to(self.stack.currentIndex() + 1),
                                        "Ctrl+PgDown")
        self.guide_action = self._action(self.help_menu, "gui_help_action_guide",
                                         self.show_guide, "Shift+F1")
        self.help_action = self._action(self.help_menu, "gui_action_help", self.show_help, "F1")
        self.about_action = self._action(self.help_menu, "gui_action_about", self.show_about)

    # --- language -------------------------------------------------------------------------

    def t(self, key: str, **values: Any) -> str:
        return self.document.t(key, **values)

    def retranslate(self, lang: str) -> None:
        for menu, key in ((self.file_menu, "gui_menu_file"), (self.edit_menu, "gui_menu_edit"),
                          (self.go_menu, "gui_menu_go"), (self.help_menu, "gui_menu_help"),
                          (self.recent_menu, "gui_menu_recent")):
            menu.setTitle(self.t(key))
        for action in self._actions:
            action.setText(self.t(action.data()))
        self.back_button.setText(self.t("gui_back"))
        self.next_button.setText(self.t("gui_next"))
        if self._autosave_error:
            self._show_autosave_banner()
        self.steps.setAccessibleName(self.t("gui_steps"))
        for i, step in enumerate(STEPS):
            self.steps.item(i).setText(self.t(f"gui_step_{step}"))
        self._last_states = {}
        self._update_steps()
        self._update_counter()
        self._update_title()
        # after the pages (connected before the window): their combos have their new names
        name_combo_popups(self)
        fit_all_headers(self.stack)

    def set_language(self, lang: str) -> None:
        """Switch everything, Qt's own dialogs included, to ``lang``."""
        install_qt_translator(lang)
        self.document.set_language(lang)

    # --- steps ----------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        if 0 <= index < len(STEPS):
            self.steps.setCurrentRow(index)

    def go_to_step(self, step: str) -> None:
        self.go_to(STEPS.index(step))

    def go_to_field(self, path: str) -> None:
        """Show the step and the field of an answer path (a readiness or still-missing item)."""
        from .navigate import locate, reveal

        step, widget = locate(self.pages, path)
        self.go_to_step(step)
        if widget is not None:
            reveal(widget)

    def current_step(self) -> str:
        return STEPS[self.stack.currentIndex()]

    def _step_selected(self, row: int) -> None:
        if row >= 0:
            self.pages[STEPS[row]]  # built on first show
            self.stack.setCurrentIndex(row)
            self._update_counter()
            # every page's tables, the lab pages' included: no column title is cut
            fit_all_headers(self.stack.widget(row))

    def _selection_to_current(self) -> None:
        chosen = self.steps.selectedItems()
        if chosen and self.steps.row(chosen[0]) != self.steps.currentRow():
            self.steps.setCurrentRow(self.steps.row(chosen[0]))

    def _update_counter(self) -> None:
        i = self.stack.currentIndex()
        self.back_button.setEnabled(i > 0)
        self.next_button.setEnabled(i < len(STEPS) - 1)
        self.step_counter.setText(f"{i + 1} / {len(STEPS)}")

    def _update_steps(self) -> None:
        states = step_states(self.document.assessment, self.forms, self.document.path)
        if states == self._last_states:
            return
        self._last_states = dict(states)
        for i, step in enumerate(STEPS):
            state = states.get(step, "incomplete")
            item = self.steps.item(i)
            symbol = MARKS.get(state, MARKS["incomplete"])[0]
            item.setIcon(self._icons.get(state, self._icons["incomplete"]))
            state_text = self.t(f"gui_state_{state}")
            item.setToolTip(state_text)
            # the name stays the step's visible name, as a screen reader user selects it;
            # the state is said as the item's description
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, state_text)
            item.setData(Qt.ItemDataRole.UserRole + 1, state)
            item.setData(Qt.ItemDataRole.UserRole + 2, symbol)

    def step_state(self, step: str) -> str:
        """The completion state the step list shows (for tests and the accessibility check)."""
        return str(self.steps.item(STEPS.index(step)).data(Qt.ItemDataRole.UserRole + 1))

    # --- title, status --------------------------------------------------------------------

    def _update_title(self, *_: Any) -> None:
        self.setWindowTitle(f"{self.document.display_name()}[*] — {self.t('gui_app_name')}")
        self.setWindowModified(self.document.is_dirty())

    def _edit_failed(self, lines: list[str]) -> None:
        self.statusBar().setStyleSheet("color: #b00020;")
        self.statusBar().showMessage(" · ".join(lines), 15_000)

    def _status(self, text: str) -> None:
        self.statusBar().setStyleSheet("")
        self.statusBar().showMessage(text, 8_000)

    # --- documents ------------------------------------------------------------------------

    def _new_assessment(self) -> Assessment:
        """A blank assessment prefilled with the organisation defaults from Settings."""
        s = self.settings
        assessment = Assessment(language=self.document.lang)
        for path, value in (("dataset.publisher", s.publisher),
                            ("dataset.contact.email", s.contact),
                            ("costs.day_rate_eur", s.day_rate),
                            ("licence.licence_id", s.licence)):
            if value:
                # through the core, so a stale setting cannot make an invalid file
                with contextlib.suppress(EditError):
                    set_answer(assessment, path, value, self.forms)
        return assessment

    def commit_focused(self) -> None:
        """Finish the edit in the field that has the focus (its text is committed when it
        loses the focus), so Ctrl+S while typing saves what was typed."""
        widget = QApplication.focusWidget() or self.focusWidget()
        if widget is not None and widget.hasFocus():
            widget.clearFocus()
            widget.setFocus()

    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        self.commit_focused()
        if not self.document.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, self.t("gui_unsaved_title"),
                          self.t("gui_unsaved_text", name=self.document.display_name()),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_document(self) -> None:
        if self.maybe_save():
            self.document.remove_recovery()
            self.document.replace(self._new_assessment(), None)
            self.go_to(0)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, self.t("gui_open_title"), start,
                                              self.t("gui_file_filter"),
                                              options=FILE_DIALOG_OPTIONS)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open ``path``; a file that cannot be read opens nothing and shows its problems."""
        if ask and not self.maybe_save():
            return False
        problems = self._open_quietly(path)
        if problems is not None:
            self.show_problems(path, problems)
            return False
        return True

    def _open_quietly(self, path: str) -> list[Any] | None:
        """Open ``path`` without a dialog: None when opened, else its problems."""
        try:
            self.document.load(path)
        except InputError as exc:
            return list(exc.problems)
        except OSError as exc:
            return [exc.strerror or str(exc)]
        self.document.remove_recovery()
        self.settings.add_recent(path)
        return None

    def show_problems(self, path: str, problems: list[Any]) -> QMessageBox:
        """The core's problems with a file, in the app's language, in one dialog."""
        lines = [p if isinstance(p, str) else None for p in problems]
        rendered = render_problems([p for p in problems if not isinstance(p, str)],
                                   self.document.lang, self.forms)
        lines = [line for line in lines if line] + rendered
        box = QMessageBox(QMessageBox.Icon.Critical, self.t("gui_open_failed_title"),
                          self.t("gui_open_failed", file=Path(path).name), parent=self)
        box.setInformativeText("\n".join(lines[:20]) + ("\n…" if len(lines) > 20 else ""))
        box.setDetailedText("\n".join(lines))
        box.setObjectName("problemsDialog")
        box.exec()
        return box

    def save(self) -> bool:
        self.commit_focused()
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        self.commit_focused()
        start = str(self.document.path) if self.document.path else (
            (self.document.assessment.title(self.document.lang) or "assessment") + FILE_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self, self.t("gui_save_title"), start,
                                              self.t("gui_file_filter"),
                                              options=FILE_DIALOG_OPTIONS)
        if not path:
            return False
        if not path.endswith(FILE_SUFFIX):
            path = path.removesuffix(".json") + FILE_SUFFIX
        return self._save_to(Path(path))

    def author_name(self) -> str:
        """The name the change log records: the one kept in the settings, else asked now
        (once: it is kept), never the computer's login name (``root`` means nothing in a
        memo). Empty when the user cancels the question."""
        import os

        from hrk_workbench.model.store import AUTHOR_ENV

        name = self.settings.author.strip() or os.environ.get(AUTHOR_ENV, "").strip()
        if name:
            return name
        from .author import ask_author

        name = ask_author(self, self.document)
        if name:
            self.settings.author = name
        return name

    def _save_to(self, path: Path) -> bool:
        author = self.author_name()
        if not author:  # asked and cancelled: nothing is saved under a login name
            self._status(self.t("gui_author_needed"))
            return False
        try:
            self.document.save(path, author=author)
        except (OSError, InputError) as exc:
            if isinstance(exc, InputError):
                error = "\n".join(render_problems(exc.problems, self.document.lang,
                                                   self.document.forms))
            else:
                error = exc.strerror or str(exc)
            text = self.t("gui_save_failed", file=path.name, error=error)
            if isinstance(exc, FileChangedError):
                text += "\n\n" + self.t("gui_save_changed_hint")
            QMessageBox.critical(self, self.t("gui_save_failed_title"), text)
            return False
        self.settings.add_recent(path)
        self._status(self.t("gui_saved", file=path.name))
        return True

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.settings.recent
        if not recent:
            menu.addAction(self.t("gui_no_recent")).setEnabled(False)
            return
        for i, path in enumerate(recent, 1):
            # the folder too: last year's and this year's file often share a name
            action = menu.addAction(self.t("gui_recent_item", n=i, file=Path(path).name,
                                           folder=_short_folder(Path(path).parent)))
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        menu.addSeparator()
        menu.addAction(self.t("gui_action_clear_recent")).triggered.connect(
            self.settings.clear_recent)

    def save_as_new(self) -> bool:
        """Save a copy as a new assessment (last year's file as this year's template): a new
        id and creation time, no change log, comments, approvals or decision of the old one
        (they belong to it); the answers, labs and the memo's filing details stay."""
        from hrk_workbench.model.template import as_new_assessment

        self.commit_focused()
        old = self.document.assessment
        self.document.replace(as_new_assessment(old), None, dirty=True)
        if self.save_as():
            return True
        self._status(self.t("gui_save_as_new_unsaved"))
        return False

    def import_excel(self) -> Any:
        """File → Import from Excel: a legacy workbook becomes an assessment."""
        from .import_excel import choose_and_import

        return choose_and_import(self)

    def print_memo(self) -> bool:
        """File → Print: the memo as the Outputs step previews it, to a printer (or PDF)."""
        from .printing import print_memo

        return print_memo(self)

    def _exported(self, path: str) -> None:
        """After an export, an "Open" button in the status bar opens the file written."""
        from .printing import show_open_button

        show_open_button(self, path)

    # --- recovery -------------------------------------------------------------------------

    def _autosave_failed(self, error: str) -> None:
        """Autosave cannot write: tell it once, in the window, until it can again."""
        self._autosave_error = error
        self._show_autosave_banner()
        self.autosave_banner.show()

    def _show_autosave_banner(self) -> None:
        folder = recovery_folder(self.settings.data_dir)
        self.autosave_banner.setText(self.t("gui_autosave_failed", folder=str(folder),
                                            error=self._autosave_error))
        self.autosave_banner.setAccessibleName(self.t("gui_autosave_failed_name"))
        self.autosave_banner.setAccessibleDescription(self.autosave_banner.text())

    def _autosave_ok(self, _path: Any) -> None:
        if self.autosave_banner.isVisible() or self._autosave_error:
            self._autosave_error = ""
            self.autosave_banner.hide()

    def offer_restore(self) -> bool:
        """After a crash: offer the newest work a closed program left. True when restored.

        Only recovery files whose program is gone are offered (a window still open keeps
        its own); one that cannot be read is renamed aside and said so, never deleted.
        """
        convert_legacy(self.settings.data_dir,
                       str(self.settings.store.value("recovery_source", "") or "") or None)
        self.settings.store.remove("recovery_source")
        found = orphaned(recovery_folder(self.settings.data_dir))
        if not found:
            return False
        (file, lock), rest = found[0], found[1:]
        for _other, other_lock in rest:  # offered at a later start, one at a time
            other_lock.unlock()
        try:
            recovered = read_recovery(file)
        except InputError as exc:
            try:
                kept = set_aside(file)
            except OSError:
                kept = file
            lock.unlock()
            self.show_problems(str(kept), [self.t("gui_recovery_kept", file=str(kept)),
                                           *exc.problems])
            return False
        from .widgets.datefield import local_moment

        when = local_moment(recovered.written, self.document.lang)
        text = self.t("gui_restore_text", time=when)
        if recovered.source is not None:
            text += "\n\n" + self.t("gui_restore_source", file=str(recovered.source))
        answer = QMessageBox.question(self, self.t("gui_restore_title"), text)
        if answer != QMessageBox.StandardButton.Yes:
            discard(file)
            lock.unlock()
            return False
        self.document.adopt(recovered, lock)
        self._status(self.t("gui_restored"))
        return True

    # --- dialogs --------------------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.forms, self.document.lang, self)
        dialog.setObjectName("settingsDialog")
        dialog.accepted.connect(lambda: self._settings_accepted(dialog))
        dialog.open()
        return dialog

    def _settings_accepted(self, dialog: SettingsDialog) -> None:
        dialog.save()
        self.set_language(dialog.chosen_language())

    def show_help(self) -> QMessageBox:
        """F1: the help of the question that has the focus (or how to use the window)."""
        from .pages.questions import question_help

        qid = None
        widget = QApplication.focusWidget() or self.focusWidget()
        while widget is not None and qid is None:
            qid = widget.property("hrk_qid")
            widget = widget.parentWidget()
        found = question_help(self.document, str(qid)) if qid else None
        if found:
            text, help_text = found
            body = f"{qid} {text}\n\n{help_text}" if help_text else self.t(
                "gui_help_no_help", qid=qid, text=text)
        else:
            body = self.t("gui_help_none")
        box = QMessageBox(QMessageBox.Icon.Information, self.t("gui_help_title"), body,
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("helpDialog")
        box.open()
        return box

    def show_guide(self) -> Any:
        """Help > User guide: docs/guide in the window's language (gui/help.py)."""
        from .help import show_guide

        return show_guide(self)

    def comment_here(self) -> Any:
        """Edit > Review comment: on the question the focus is in, else on the step."""
        from .review import focused_target, open_comment

        page = self.pages[self.current_step()]
        return open_comment(self, self.document, focused_target(page, self.current_step()))

    def show_review(self) -> Any:
        """Edit > Review comments and approvals: list, resolve, and each approval's status."""
        from .review import ReviewDialog

        dialog = ReviewDialog(self.document, self.settings.author, self)
        dialog.show()
        return dialog

    def show_history(self) -> Any:
        """Edit > History: the decision record (changes, reviews, approvals, re-assessments)
        in the app's language."""
        from .history import HistoryDialog

        dialog = HistoryDialog(self.document, self)
        dialog.show()
        return dialog

    def show_about(self) -> Any:
        """Help > About: version and the bundled components' licences (gui/about.py)."""
        from .about import show_about

        return show_about(self)

    # --- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.maybe_save():
            if self.owns_recovery:
                self.remember_geometry()
            if self.owns_recovery:
                self.document.remove_recovery()
            event.accept()
        else:
            event.ignore()


def schedule_restore_offer(window: MainWindow) -> None:
    """Offer a recovery file once the window is on screen (first start: nothing modal)."""
    folder = recovery_folder(window.settings.data_dir)
    legacy = Path(window.settings.data_dir) / LEGACY_NAME
    if legacy.is_file() or (folder.is_dir() and any(folder.glob(f"*{RECOVERY_SUFFIX}"))):
        QTimer.singleShot(0, window.offer_restore)
