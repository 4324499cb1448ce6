"""The review in the app: a comment on any question, the comments and approvals listed, and
the publication gate said in the steward's words.

Everything is decided by the core (:mod:`hrk_workbench.review`); this module only asks for
the texts and shows the results. Answers are named as the app names them (step and
question, :func:`~.foundations.answer_names.answer_name`), never by their paths. A comment
or a resolution is an undoable edit of the open document: it is saved with the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.foundations.answer_names import answer_name
from hrk_workbench.foundations.problems import InputError
from hrk_workbench.review.comments import ROLES, add_comment, resolve_comment

from .document import Document


def words(document: Document) -> Any:
    """A function naming an answer path as the app does, in the document's language."""
    return lambda path: answer_name(path, document.lang, document.forms)


class ReviewCommand(QUndoCommand):
    """One change to the comments (added or resolved) or the approvals (one given), undone
    like any answer; ``field`` is ``comments`` or ``approvals``."""

    def __init__(self, document: Document, field: str, before: list[Any], after: list[Any],
                 text: str) -> None:
        super().__init__(text)
        self.document, self.field, self.before, self.after = document, field, before, after

    def redo(self) -> None:
        setattr(self.document.assessment, self.field, list(self.after))
        self.document._after_change()

    def undo(self) -> None:
        setattr(self.document.assessment, self.field, list(self.before))
        self.document._after_change()


def _apply(document: Document, change: Any, text: str) -> list[str]:
    """Run ``change`` (add or resolve) on a copy; push it as one undo step, or return the
    problems in the app's words (nothing changed)."""
    from hrk_workbench.foundations.answer_names import gui_problem_text

    before = list(document.assessment.comments)
    trial = document.assessment.model_copy(deep=True)
    try:
        change(trial)
    except InputError as exc:
        return [gui_problem_text(p, document.lang, document.forms) for p in exc.problems]
    document.undo_stack.push(ReviewCommand(document, "comments", before, list(trial.comments),
                                           text))
    return []


def _key_passphrase(parent: QWidget, document: Document) -> Any:
    """The passphrase of a protected key, asked in a password field (never shown, never
    kept); a new key made in the app has none (make it on the command line for one)."""
    from PySide6.QtWidgets import QInputDialog

    def ask(creating: bool) -> str | None:
        if creating:
            return ""
        text, ok = QInputDialog.getText(parent, document.t("gui_rev_passphrase_title"),
                                        document.t("gui_rev_passphrase"),
                                        QLineEdit.EchoMode.Password)
        return text if ok else None

    return ask


def approve_here(parent: QWidget, document: Document, name: str, role: str) -> list[str]:
    """Sign an approval of the document as it is now with the user's key (made on first
    use), as one undo step; the problems in the app's words when it cannot be made."""
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.foundations.answer_names import gui_problem_text
    from hrk_workbench.foundations.problems import Problem, has_errors
    from hrk_workbench.review.approval import approve
    from hrk_workbench.review.signing import load_or_create_key

    d = document
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("--as", "no name given", code="review_no_name"))
    problems += [p for p in check_against_forms(d.assessment, d.forms) if has_errors([p])]
    if not problems:
        try:
            key, _created = load_or_create_key(_key_passphrase(parent, d))
        except InputError as exc:
            problems = exc.problems
    if problems:
        return [gui_problem_text(p, d.lang, d.forms) for p in problems]
    before = list(d.assessment.approvals)
    trial = d.assessment.model_copy(deep=True)
    approve(trial, name, role, key)  # type: ignore[arg-type]
    d.undo_stack.push(ReviewCommand(d, "approvals", before, list(trial.approvals),
                                    d.t("gui_rev_undo_approve", by=name.strip())))
    return []


class CommentDialog(QDialog):
    """A new comment on one answer or step: who, in which role, and the text."""

    def __init__(self, document: Document, target: str, author: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.target = document, target
        d = document
        self.setObjectName("comment_dialog")
        self.setWindowTitle(d.t("gui_rev_comment_title"))
        layout = QVBoxLayout(self)
        self.on_label = QLabel(d.t("gui_rev_comment_on", target=words(d)(target)))
        self.on_label.setWordWrap(True)
        layout.addWidget(self.on_label)
        form = QFormLayout()
        self.name = QLineEdit(author)
        self.name.setAccessibleName(d.t("gui_rev_name"))
        self.role = QComboBox()
        self.role.setAccessibleName(d.t("gui_rev_role"))
        for role in ROLES:
            self.role.addItem(d.t(f"review_role_{role}"), role)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(d.t("gui_rev_text"))
        for key, widget in (("gui_rev_name", self.name), ("gui_rev_role", self.role),
                            ("gui_rev_text", self.text)):
            label = QLabel(d.t(key))
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> bool:
        """Add the comment (one undo step) and close, or show why not and stay open."""
        d = self.document
        role = self.role.currentData()
        problems = _apply(d, lambda a: add_comment(
            a, self.target, self.text.toPlainText(), self.name.text(), role, d.forms),
            d.t("gui_rev_undo_comment", target=words(d)(self.target)))
        if problems:
            self.error.setText("\n".join(problems))
            return False
        self.accept()
        return True


class ReviewDialog(QDialog):
    """The review comments (resolve one by selecting it) and every approval's status."""

    def __init__(self, document: Document, author: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.author = document, author
        d = document
        self.setObjectName("review_dialog")
        self.setWindowTitle(d.t("gui_rev_title"))
        self.resize(960, 560)
        layout = QVBoxLayout(self)
        self.comments_label = QLabel(d.t("gui_rev_comments"))
        self.comments_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.comments_label)
        self.comments = self._table("review_comments", d.t("gui_rev_comments"), (
            "memo_rev_col_id", "memo_rev_col_on", "memo_rev_col_by", "memo_rev_col_at",
            "memo_rev_col_comment", "memo_rev_col_status"))
        self.comments_label.setBuddy(self.comments)
        layout.addWidget(self.comments, 2)
        resolve_row = QHBoxLayout()
        self.resolution = QLineEdit()
        self.resolution.setAccessibleName(d.t("gui_rev_resolution"))
        self.resolution.setPlaceholderText(d.t("gui_rev_resolution"))
        self.resolver = QLineEdit(author)
        self.resolver.setAccessibleName(d.t("gui_rev_name"))
        self.resolver.setPlaceholderText(d.t("gui_rev_name"))
        self.resolve_button = QPushButton(d.t("gui_rev_resolve"))
        self.resolve_button.setAccessibleName(d.t("gui_rev_resolve"))
        self.resolve_button.clicked.connect(self.resolve_selected)
        resolve_row.addWidget(self.resolution, 3)
        resolve_row.addWidget(self.resolver, 1)
        resolve_row.addWidget(self.resolve_button)
        layout.addLayout(resolve_row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.approvals_label = QLabel(d.t("gui_rev_approvals"))
        self.approvals_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.approvals_label)
        self.approvals = self._table("review_approvals", d.t("gui_rev_approvals"), (
            "memo_rev_col_approver", "memo_rev_col_at", "memo_rev_col_status",
            "memo_rev_col_key"))
        self.approvals_label.setBuddy(self.approvals)
        layout.addWidget(self.approvals, 1)
        approve_row = QHBoxLayout()
        self.approver = QLineEdit(author)
        self.approver.setAccessibleName(d.t("gui_rev_approver"))
        self.approver.setPlaceholderText(d.t("gui_rev_approver"))
        self.approver_role = QComboBox()
        self.approver_role.setAccessibleName(d.t("gui_rev_approver_role"))
        for role in ("decider", "dpo"):
            self.approver_role.addItem(d.t(f"review_role_{role}"), role)
        self.approve_button = QPushButton(d.t("gui_rev_approve"))
        self.approve_button.setAccessibleName(d.t("gui_rev_approve"))
        self.approve_button.clicked.connect(self.approve_version)
        approve_row.addWidget(self.approver, 2)
        approve_row.addWidget(self.approver_role, 1)
        approve_row.addWidget(self.approve_button)
        layout.addLayout(approve_row)
        self.gate = QLabel()
        self.gate.setObjectName("review_gate")
        self.gate.setWordWrap(True)
        layout.addWidget(self.gate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill()
        document.changed.connect(self.fill)

    def _table(self, name: str, accessible: str, keys: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(keys))
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setHorizontalHeaderLabels([self.document.t(k) for k in keys])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    @staticmethod
    def _set_rows(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        table.resizeRowsToContents()

    def fill(self) -> None:
        """The comments and approvals as they are now (after every change)."""
        from hrk_workbench.foundations.i18n import format_moment
        from hrk_workbench.review.approval import check_approvals
        from hrk_workbench.review.texts import key_text, role_text, status_text

        d, lang = self.document, self.document.lang
        name = words(d)
        rows = []
        for c in d.assessment.comments:
            status = d.t(f"review_status_{c.status}")
            if c.status == "resolved":
                status = d.t("memo_rev_resolved", by=c.resolved_by, text=c.resolution)
            rows.append((c.id, name(c.on), f"{c.by} ({role_text(c.role, lang, d.forms)})",
                         format_moment(c.at, lang), c.text, status))
        self._set_rows(self.comments, rows)
        checks = check_approvals(d.assessment, None, d.path)
        self._set_rows(self.approvals, [
            (f"{ch.approval.by} ({role_text(ch.approval.role, lang, d.forms)})",
             format_moment(ch.approval.at, lang), status_text(ch, lang, d.forms, name),
             key_text(ch, lang, d.forms)) for ch in checks])
        if not checks:
            self._set_rows(self.approvals, [("", "", d.t("gui_rev_no_approvals"), "")])
        ok, text = gate_text(d)
        self.gate.setText(text)
        self.gate.setStyleSheet("color: #2e7d32;" if ok else "color: #8c1d18;")

    def select_comment(self, comment_id: str) -> None:
        for r in range(self.comments.rowCount()):
            if self.comments.item(r, 0).text() == comment_id:
                self.comments.selectRow(r)

    def resolve_selected(self) -> bool:
        """Resolve the selected comment with the text and name given (one undo step)."""
        d = self.document
        row = self.comments.currentRow()
        if row < 0 or row >= len(d.assessment.comments):
            self.error.setText(d.t("gui_rev_select"))
            return False
        cid = self.comments.item(row, 0).text()
        problems = _apply(d, lambda a: resolve_comment(a, cid, self.resolution.text(),
                                                       self.resolver.text()),
                          d.t("gui_rev_undo_resolve", id=cid))
        self.error.setText("\n".join(problems))
        if not problems:
            self.resolution.clear()
        return not problems

    def approve_version(self) -> bool:
        """Approve the assessment as it is now, signed with the user's key."""
        problems = approve_here(self, self.document, self.approver.text(),
                                self.approver_role.currentData())
        self.error.setText("\n".join(problems))
        return not problems

    def table_texts(self, table: QTableWidget) -> list[list[str]]:
        """Every row's cells as shown (tests and the accessibility check)."""
        return [[table.item(r, c).text() if table.item(r, c) else ""
                 for c in range(table.columnCount())] for r in range(table.rowCount())]


def gate_text(document: Document, checks: Any = None) -> tuple[bool, str]:
    """(may publish, the sentence): whether a public record may be written now, in the
    app's words; the reason names answers by their questions, never by their paths.
    ``checks``: the approvals already checked (off the GUI thread), else checked here."""
    from hrk_workbench.foundations.answer_names import decision_text
    from hrk_workbench.review.approval import check_approvals, valid_decider_approval
    from hrk_workbench.review.texts import status_text

    d = document
    a = d.assessment
    outcome = a.decision.outcome
    if not outcome or not outcome.startswith("open"):
        return False, d.t("gui_gate_no_decision")
    if checks is None:
        checks = check_approvals(a, None, Path(d.path) if d.path else None)
    valid = valid_decider_approval(checks)
    if valid is not None:
        return True, d.t("gui_gate_ok", by=valid.approval.by,
                         fingerprint=valid.approval.key_fingerprint)
    deciders = [c for c in checks if c.approval.role == "decider"]
    if not deciders:
        text = decision_text(outcome, d.forms)
        return False, d.t("gui_gate_no_approval",
                          outcome=text.get(d.lang) or text.get("en", outcome))
    return False, d.t("gui_gate_void", detail=status_text(deciders[-1], d.lang, d.forms,
                                                         words(d)))


def open_comment(widget: QWidget, document: Document, target: str) -> CommentDialog:
    """Open the comment dialog for ``target`` beside ``widget`` (not modal: the question
    stays readable); the name is the one the app keeps in its settings, if any."""
    window = widget.window()
    author = getattr(getattr(window, "settings", None), "author", "") or ""
    dialog = CommentDialog(document, target, author, window)
    dialog.open()
    return dialog


def comment_button(document: Document, target: str, qid: str) -> QPushButton:
    """The "Review comment…" button of a question card, named for its question."""
    button = QPushButton(document.t("gui_rev_button"))
    button.setObjectName(f"comment_{qid}")
    button.setAccessibleName(document.t("gui_rev_button_name", qid=qid))
    button.clicked.connect(lambda _=False: open_comment(button, document, target))

    def retranslate(_lang: str) -> None:
        button.setText(document.t("gui_rev_button"))
        button.setAccessibleName(document.t("gui_rev_button_name", qid=qid))

    document.languageChanged.connect(retranslate)
    return button


def focused_target(page: QWidget, step: str) -> str:
    """The answer the keyboard focus is on (the binding holding the focused control), else
    the step itself: a comment can be made from any question, card or table."""
    from PySide6.QtWidgets import QApplication

    focus = QApplication.focusWidget()
    for binding in getattr(page, "bindings", []) or []:
        widget = binding.widget
        if focus is not None and (widget is focus or widget.isAncestorOf(focus)):
            return str(binding.path)
    return _STEP_TARGETS.get(step, step)


# steps that are not a part of the assessment: a comment there is on what they show
_STEP_TARGETS = {"outputs": "publication", "portfolio": "decision"}
