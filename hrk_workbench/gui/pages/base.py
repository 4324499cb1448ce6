"""Building blocks of the form-driven step pages: bound controls and the page frame.

Every control is bound to one answer path. A user's change calls ``document.edit(path,
value)`` (never a model field); ``refresh()`` shows the model's current value with signals
blocked, so showing a value never counts as an edit. Texts are given as callables of the
language, so a language switch re-labels the page without rebuilding it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..document import Document
from ..widgets.combo import NamedPopupComboBox

TextFn = Callable[[str], str]
"""A visible text as a function of the language, so it can be re-rendered on a switch."""

Options = Callable[[str], Sequence[tuple[Any, str]]]
"""The (value, text) choices of a control in a language."""

HELP_WIDTH = 300


def value_at(obj: Any, path: str) -> Any:
    """The current answer at a dotted path (``benefits.B3.value``), None when absent."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def number_text(value: Any, lang: str = "en") -> str:
    """A number to edit: every digit the file holds (57800, 0.5), no grouping, with the
    decimal comma Finnish and Swedish write ("12,5"); :func:`parse_number` reads both."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = json.dumps(value)
    return text.replace(".", ",") if lang in DECIMAL_COMMA and isinstance(value, float) \
        else text


DECIMAL_COMMA = frozenset({"fi", "sv"})


def parse_number(text: str) -> Any:
    """Text to int or float; text that is no number is passed on so the core names it."""
    text = text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


class Binding:
    """One control bound to one answer path."""

    def __init__(self, document: Document, path: str, widget: QWidget) -> None:
        self.document, self.path, self.widget = document, path, widget

    def current(self) -> Any:
        return value_at(self.document.assessment, self.path)

    def commit(self, value: Any) -> None:
        if value != self.current() and not self.document.edit(self.path, value):
            self.refresh()  # the core refused it: show the stored answer again

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def retranslate(self, lang: str) -> None:
        """Re-render texts inside the control (choice lists); most controls have none."""


class ScrollSafeComboBox(NamedPopupComboBox):
    """A combo box that ignores the mouse wheel unless it has the focus.

    Scrolling a long question page must scroll the page, not change the answers the pointer
    happens to pass over.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ComboBinding(Binding):
    """A choice: scale points ("2 — Moderate"), options, yes/no; first item "not answered"."""

    def __init__(self, document: Document, path: str, options: Options,
                 allow_none: bool = True, combo: QComboBox | None = None) -> None:
        if combo is None:  # a wide box for question pages; tables pass a compact one
            combo = ScrollSafeComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        super().__init__(document, path, combo)
        self.combo = combo
        self.options = options
        self.allow_none = allow_none
        self.retranslate(document.lang)
        combo.currentIndexChanged.connect(self._changed)

    def retranslate(self, lang: str) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.allow_none:
            self.combo.addItem(self.document.t("gui_not_answered"), None)
        for value, text in self.options(lang):
            self.combo.addItem(text, value)
        self.combo.blockSignals(False)
        self.refresh()

    def _changed(self, index: int) -> None:
        self.commit(self.combo.itemData(index))

    def refresh(self) -> None:
        value = self.current()
        index = next((i for i in range(self.combo.count())
                      if self.combo.itemData(i) == value), 0 if self.allow_none else -1)
        if index != self.combo.currentIndex():
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(index)
            self.combo.blockSignals(False)


class LineBinding(Binding):
    """One line of text (or a number, or a comma-separated list), committed when left."""

    def __init__(self, document: Document, path: str, kind: str = "text",
                 placeholder: TextFn | None = None) -> None:
        edit = QLineEdit()
        super().__init__(document, path, edit)
        self.edit, self.kind, self.placeholder = edit, kind, placeholder
        self._refused: tuple[Any] | None = None  # (the answer stored when refused,)
        edit.editingFinished.connect(self._finished)
        self.retranslate(document.lang)

    def retranslate(self, lang: str) -> None:
        if self.placeholder:
            self.edit.setPlaceholderText(self.placeholder(lang))
        self.refresh()

    def _value(self) -> Any:
        text = self.edit.text()
        if self.kind == "number":
            return parse_number(text)
        if self.kind == "list":
            items = [t.strip() for t in text.split(",") if t.strip()]
            return items or None
        if self.kind == "optional":  # dates and other values where empty means "none"
            return text.strip() or None
        return text.strip()

    def _finished(self) -> None:
        value = self._value()
        if self.kind == "number":
            self._mark_refused(None)  # judged afresh: marked again if refused again
        self.commit(value)
        if self.kind == "number" and value == self.current():
            self.refresh()  # "2.5" typed in Finnish is shown as the file's 2,5

    def _shown(self, value: Any) -> str:
        if self.kind == "number":
            return number_text(value, self.document.lang)
        if self.kind == "list":
            return ", ".join(value or [])
        return "" if value is None else str(value)

    def commit(self, value: Any) -> None:
        current = self.current()
        if self.kind == "list" and not value and not current:
            return
        if self.kind in ("text",) and value == (current or ""):
            return
        if self.kind == "number":
            self._commit_number(value, current)
            return
        super().commit(value)

    def _commit_number(self, value: Any, current: Any) -> None:
        """A number the core refuses (not a number, below zero, too large) stays in the
        field as typed, marked, with the core's reason beside it (tooltip and accessible
        description; the status bar says it too): the steward corrects it, never retypes."""
        if value == current:
            self._mark_refused(None)
            return
        lines: list[str] = []
        self.document.editFailed.connect(lines.extend)
        try:
            ok = self.document.edit(self.path, value)
        finally:
            self.document.editFailed.disconnect(lines.extend)
        if ok:
            self._mark_refused(None)
        else:
            self._refused = (self.current(),)
            self._mark_refused(" · ".join(lines))

    def _mark_refused(self, reason: str | None) -> None:
        if reason is None and self._refused is None:
            return
        if reason is None:
            self._refused = None
        self.edit.setStyleSheet("QLineEdit { border: 2px solid #b00020; }" if reason else "")
        self.edit.setToolTip(reason or "")
        self.edit.setAccessibleDescription(reason or "")
        self.edit.setProperty("invalid", reason is not None)

    def refresh(self) -> None:
        refused = self._refused
        if refused is not None:
            if self.current() == refused[0]:
                return  # the refused text stays until corrected or the answer changes
            self._mark_refused(None)
        text = self._shown(self.current())
        if text != self.edit.text():
            self.edit.blockSignals(True)
            self.edit.setText(text)
            self.edit.setCursorPosition(0)
            self.edit.blockSignals(False)


class _FocusOut(QObject):
    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class TextBinding(Binding):
    """Several lines of text (descriptions, conditions), committed when focus leaves."""

    def __init__(self, document: Document, path: str, lines: int = 3) -> None:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
        super().__init__(document, path, edit)
        self.edit = edit
        self._filter = _FocusOut(lambda: self.commit(self.edit.toPlainText().strip()))
        edit.installEventFilter(self._filter)
        self.refresh()

    def commit(self, value: Any) -> None:
        if value == (self.current() or ""):
            return
        super().commit(value)

    def refresh(self) -> None:
        text = self.current() or ""
        if text != self.edit.toPlainText():
            self.edit.setPlainText(text)


class MultiBinding(Binding):
    """Several options (formats, themes): a list of check boxes; the answer is a list."""

    def __init__(self, document: Document, path: str, options: Options, rows: int = 6) -> None:
        box = QListWidget()
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        super().__init__(document, path, box)
        self.box, self.options = box, options
        self._rows = rows
        self.retranslate(document.lang)
        box.itemChanged.connect(self._changed)

    def retranslate(self, lang: str) -> None:
        self.box.blockSignals(True)
        self.box.clear()
        for value, text in self.options(lang):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.box.addItem(item)
        rows = min(self._rows, max(self.box.count(), 1))
        self.box.setFixedHeight(self.box.sizeHintForRow(0) * rows + 2 * self.box.frameWidth() + 4)
        self.box.blockSignals(False)
        self.refresh()

    def checked(self) -> list[Any]:
        return [self.box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.box.count())
                if self.box.item(i).checkState() == Qt.CheckState.Checked]

    def _changed(self, _item: QListWidgetItem) -> None:
        self.commit(self.checked() or None)

    def commit(self, value: Any) -> None:
        if not value and not self.current():
            return
        super().commit(value)

    def refresh(self) -> None:
        chosen = set(self.current() or [])
        self.box.blockSignals(True)
        for i in range(self.box.count()):
            item = self.box.item(i)
            want = item.data(Qt.ItemDataRole.UserRole) in chosen
            state = Qt.CheckState.Checked if want else Qt.CheckState.Unchecked
            if item.checkState() != state:
                item.setCheckState(state)
        self.box.blockSignals(False)


class PageFrame(QWidget):
    """What every step page shares: the heading and intro, and refreshing only while shown.

    Pages refresh when the document changes, but only while visible (a hidden page catches
    up when shown), which keeps an edit's update time independent of the number of pages.
    """

    step = ""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._stale = False
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold; margin: 6px 12px 0 12px;")
        self.outer.addWidget(self.heading)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("margin: 0 12px 6px 12px;")
        self.outer.addWidget(self.intro)

    def refresh(self) -> None:
        """Show the model's current answers (subclasses)."""

    def _on_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)


class StepPage(PageFrame):
    """A scrolling step page: heading, intro, then rows of bound controls.

    Subclasses add rows in ``build()``; labels, bindings and the language switch are handled
    here.
    """

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.bindings: list[Binding] = []
        self._texts: list[tuple[Callable[[str], None], TextFn]] = []
        self._form: QFormLayout | None = None
        outer = self.outer
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(12, 6, 12, 12)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        self.build()
        self.body_layout.addStretch(1)
        self.retranslate(document.lang)
        document.changed.connect(self._on_changed)
        document.languageChanged.connect(self.retranslate)

    # --- for subclasses -------------------------------------------------------------------

    def build(self) -> None:
        """Create the page's rows (subclasses)."""

    def text(self, setter: Callable[[str], None], fn: TextFn) -> None:
        """Register a text to set now and again after every language switch."""
        self._texts.append((setter, fn))

    def bind(self, binding: Binding) -> Binding:
        self.bindings.append(binding)
        return binding

    def section(self, title: TextFn) -> QFormLayout:
        """A titled group of rows. All sections share one form so their fields line up."""
        if self._form is None:
            self._form = QFormLayout()
            self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            self.body_layout.addLayout(self._form)
        heading = QLabel()
        heading.setStyleSheet("font-weight: bold; font-size: 12pt; margin-top: 8px;")
        self.text(heading.setText, title)
        self._form.addRow(heading)
        return self._form

    def add_row(self, form: QFormLayout | QVBoxLayout, label: TextFn, binding: Binding,
                accessible: TextFn | None = None) -> QLabel:
        """A labelled row; the label is the control's buddy so both read the same.

        In a QVBoxLayout (question cards) the label goes above the control at full width.
        """
        lab = QLabel()
        # in a form the label keeps one line (a long one moves its field below it);
        # wrapped form labels get clipped to the field's height
        lab.setWordWrap(not isinstance(form, QFormLayout))
        lab.setBuddy(binding.widget)
        self.bind(binding)
        name = accessible or (lambda lang: _plain(label(lang)))

        def set_texts(lang: str) -> None:
            lab.setText(label(lang))
            binding.widget.setAccessibleName(name(lang))

        self.text(set_texts, lambda lang: lang)
        if isinstance(form, QFormLayout):
            form.addRow(lab, binding.widget)
        else:
            form.addWidget(lab)
            form.addWidget(binding.widget)
        return lab

    # --- updates --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the model's current answers."""
        for b in self.bindings:
            b.refresh()

    def retranslate(self, lang: str) -> None:
        d = self.document
        self.heading.setText(d.t(f"gui_step_{self.step}") if self.step else "")
        intro_key = f"gui_intro_{self.step}"
        intro = d.t(intro_key)
        self.intro.setText("" if intro == intro_key else intro)
        self.intro.setVisible(intro != intro_key)
        for setter, fn in self._texts:
            setter(fn(lang))
        for b in self.bindings:
            b.retranslate(lang)


def _plain(text: str) -> str:
    """A label without its mnemonic marker, as a screen reader says it."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def question_card(help_text: QLabel, form: QVBoxLayout) -> QFrame:
    """A question's rows on the left and its help beside them on the right."""
    card = QFrame()
    card.setObjectName("questionCard")
    card.setFrameShape(QFrame.Shape.StyledPanel)
    row = QHBoxLayout(card)
    row.addLayout(form, 3)
    help_text.setWordWrap(True)
    help_text.setFixedWidth(HELP_WIDTH)
    help_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    help_text.setStyleSheet("color: #505050; padding-left: 8px;")
    row.addWidget(help_text, 0)
    return card
