"""The open assessment as the app sees it: model + undo stack + dirty state + autosave.

Pages never touch the pydantic model: they read ``document.assessment`` and change it only
through :meth:`Document.edit`, which goes through the core's ``set_answer`` (validated against
``forms/``) inside an undoable command. One object owns this so that undo, the dirty marker,
the summary cache and the recovery file can never drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from hrk_workbench.decision.summary import summarise
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations import i18n
from hrk_workbench.foundations.atomic import file_fingerprint
from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.edit import EditError, set_answer
from hrk_workbench.model.store import document_fingerprint, read_assessment, save_assessment

from .commands import EditCommand
from .recovery import Recovered, RecoverySlot, absolute, discard

AUTOSAVE_MS = 60_000


def refused_output(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str] | None],
                   writes: str | None = None) -> list[Problem]:
    """What the command line's output check (:mod:`~.foundations.outputs`) refuses in a file
    the app is about to write: one of the files it read (the data file, the open
    assessment), a folder, a device, a missing folder. Empty: the file may be written."""
    from hrk_workbench.foundations.outputs import Output, check_outputs

    named = {Path(p).name: p for p in inputs if p}
    try:
        check_outputs([Output(path, Path(path).name, writes=writes)], named)
    except InputError as exc:
        return exc.problems
    return []


def render_problems(problems: Iterable[Problem], lang: str, forms: Forms) -> list[str]:
    """Problems as the app says them: the question and step as its pages show them, never
    an answer path (the command line keeps paths: they are what ``set`` takes)."""
    from hrk_workbench.foundations.answer_names import gui_problem_text

    out = []
    for p in problems:
        try:
            out.append(gui_problem_text(p, lang, forms))
        except Exception:  # a renderer bug must not hide the problem itself
            out.append(i18n.problem_text(p, lang, forms))
    return out


class Document(QObject):
    """One assessment being edited; see the GUI contract in the project notes."""

    changed = Signal()
    languageChanged = Signal(str)
    dirtyChanged = Signal(bool)
    pathChanged = Signal(object)
    editFailed = Signal(list)
    autosaved = Signal(object)
    # autosave could not write (once per failure; the next success clears it): the
    # steward's crash protection is off until it can again
    autosaveFailed = Signal(str)

    def __init__(self, forms: Forms, assessment: Assessment | None = None,
                 path: str | os.PathLike[str] | None = None, lang: str = "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.forms: Forms = forms
        self.assessment: Assessment = assessment or Assessment(language=lang)
        self.lang: str = lang
        self.path: Path | None = absolute(path) if path else None
        # the version of the file at ``path`` this document started from: a save compares
        # the file with it, so an answer another program saved meanwhile is never overwritten
        self._on_disk: str | None = file_fingerprint(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._summary: Any = None
        self._summary_json: dict[str, dict[str, Any]] = {}
        # a restored recovery file or a prefilled new document is dirty without any undo step
        self._forced_dirty = False
        self._slot: RecoverySlot | None = None
        self._autosave_failing = False
        # a crashed session's recovery file this document continues: kept (and locked)
        # until this document's own copy or a save replaces it
        self._adopted: tuple[Path, QLockFile] | None = None
        self._autosave = QTimer(self)
        self._autosave.timeout.connect(self.autosave)

    # --- reading ------------------------------------------------------------------------

    def t(self, key: str, **values: Any) -> str:
        """A GUI or core label in the current language, with ``{placeholders}`` filled."""
        text = i18n.label(key, self.lang, self.forms)
        return text.format(**values) if values else text

    def summary(self) -> Any:
        """The core's HrkSummary, computed once per change (pages and the panel share it)."""
        if self._summary is None:
            self._summary = summarise(self.assessment, self.forms)
        return self._summary

    def summary_json(self) -> dict[str, Any]:
        """Exactly what ``hrk-workbench score --json`` prints (minus file and title)."""
        if self.lang not in self._summary_json:
            self._summary_json[self.lang] = self.summary().to_json(self.forms, self.lang)
        return self._summary_json[self.lang]

    def is_dirty(self) -> bool:
        return self._forced_dirty or not self.undo_stack.isClean()

    def display_name(self) -> str:
        """The file name, or the dataset title, or "Untitled" for the window title."""
        if self.path:
            return self.path.name
        return self.assessment.title(self.lang) or self.t("gui_untitled")

    # --- editing ------------------------------------------------------------------------

    def edit(self, path: str, value: Any) -> bool:
        """Change one answer as one undo step; False (and ``editFailed``) when refused."""
        from hrk_workbench.foundations.answer_names import answer_name

        return self.edit_many([(path, value)], self.t(
            "gui_undo_edit", path=answer_name(path, self.lang, self.forms)))

    def edit_many(self, edits: list[tuple[str, Any]], text: str) -> bool:
        """Change several answers as one undo step; all or nothing."""
        applied = []
        try:
            for path, value in edits:
                applied.append(set_answer(self.assessment, path, value, self.forms))
        except EditError as exc:
            for change in reversed(applied):  # leave the model as it was
                set_answer(self.assessment, change.path, change.old, self.forms,
                           restore=True)
            self.editFailed.emit(render_problems(exc.problems, self.lang, self.forms))
            return False
        applied = [c for c in applied if c.old != c.new]
        if not applied:
            return True
        self.undo_stack.push(EditCommand(lambda: self.assessment, self.forms, applied, text,
                                         self._after_change))
        self._after_change()
        return True

    def _after_change(self) -> None:
        self._summary = None
        self._summary_json.clear()
        self.changed.emit()

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(self.is_dirty())

    def set_language(self, lang: str) -> None:
        """Switch the language of every label, question text and reason."""
        if lang == self.lang:
            return
        self.lang = lang
        self._summary_json.clear()
        self.languageChanged.emit(lang)

    # --- documents ----------------------------------------------------------------------

    def replace(self, assessment: Assessment, path: str | os.PathLike[str] | None,
                dirty: bool = False, fingerprint: str | None = None) -> None:
        """Show another assessment (new, opened or restored); its undo history starts empty.

        ``fingerprint`` is that of the file as read; without it the file at ``path`` as it is
        now counts as the version this document continues (a restored recovery copy).
        """
        self.assessment = assessment
        self._on_disk = fingerprint if fingerprint is not None else (
            file_fingerprint(path) if path else None)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._set_path(absolute(path) if path else None)
        self._forced_dirty = dirty
        self.dirtyChanged.emit(self.is_dirty())
        self._after_change()

    def load(self, path: str | os.PathLike[str]) -> None:
        """Open a file; raises InputError (with ``.problems``) and leaves this one untouched."""
        assessment, fingerprint = read_assessment(path)
        from hrk_workbench.decision.check import check_against_forms
        from hrk_workbench.foundations.problems import has_errors

        problems = check_against_forms(assessment, self.forms)
        if has_errors(problems):
            raise InputError(str(path), problems)
        self.replace(assessment, path, fingerprint=fingerprint)

    def save(self, path: str | os.PathLike[str] | None = None, author: str | None = None) -> None:
        """Save atomically (with a change-log entry) and mark the document clean.

        Saving to the file it came from raises :class:`FileChangedError` (nothing written,
        the edits kept) when another program saved that file meanwhile; "Save as" onto
        another file replaces it, as the steward confirmed in the dialog.
        """
        target = absolute(path) if path else self.path
        if target is None:
            raise ValueError("no file name")
        kwargs: dict[str, Any] = {"author": author} if author else {}
        same = self.path is not None and target.resolve() == self.path.resolve()
        if same and self._on_disk is not None:
            kwargs["expected"] = self._on_disk
        saved = save_assessment(self.assessment, target, **kwargs)
        self._on_disk = document_fingerprint(saved)
        if isinstance(saved, Assessment):  # carries the new change-log entry
            self.assessment = saved
        self._forced_dirty = False
        self._set_path(target)
        self.undo_stack.setClean()
        self.dirtyChanged.emit(False)
        self.remove_recovery()
        self._after_change()

    def _set_path(self, path: Path | None) -> None:
        if path != self.path:
            self.path = path
            self.pathChanged.emit(path)

    # --- autosave -----------------------------------------------------------------------

    def start_autosave(self, recovery_folder: str | os.PathLike[str],
                       interval_ms: int = AUTOSAVE_MS) -> None:
        """Every ``interval_ms`` write unsaved work to this document's own recovery file in
        ``recovery_folder`` (never the user's file, never another window's copy)."""
        self._slot = RecoverySlot(recovery_folder)
        self._autosave.start(interval_ms)

    @property
    def recovery_path(self) -> Path | None:
        """The recovery file this document wrote last (None before its first autosave)."""
        return self._slot.path if self._slot else None

    def autosave(self) -> bool:
        """Write the recovery file if there is unsaved work; True when written.

        When it cannot be written (folder not writable, disk full) ``autosaveFailed`` says so
        once, with the reason; the next successful write clears that state.
        """
        if self._slot is None or not self.is_dirty():
            return False
        try:
            written = self._slot.write(self.assessment, self.path, self._on_disk)
        except (OSError, InputError) as exc:
            if not self._autosave_failing:
                self._autosave_failing = True
                self.autosaveFailed.emit(self._failure_text(exc))
            return False
        self._autosave_failing = False
        self._drop_adopted()
        self.autosaved.emit(written)
        return True

    def _failure_text(self, exc: OSError | InputError) -> str:
        if isinstance(exc, InputError):
            return "; ".join(render_problems(exc.problems, self.lang, self.forms))
        return exc.strerror or str(exc)

    def adopt(self, recovered: Recovered, lock: QLockFile) -> None:
        """Continue a crashed session's work: its document, unsaved, on the file it came
        from, with that file's version as read then, so saving refuses to replace a file
        another program changed since. Its recovery file stays until replaced."""
        source = recovered.source
        self.replace(recovered.assessment, source, dirty=True,
                     fingerprint=recovered.fingerprint if source else None)
        if source is not None and recovered.fingerprint is None:
            self._on_disk = None  # the file did not exist then: nothing to compare
        self._drop_adopted()
        self._adopted = (recovered.file, lock)

    def _drop_adopted(self) -> None:
        if self._adopted is not None:
            file, lock = self._adopted
            discard(file)
            lock.unlock()
            self._adopted = None

    def remove_recovery(self) -> None:
        """Forget the recovery copy: the work is saved or deliberately discarded. A copy that
        cannot be removed is left for the next start; it never stops a save or an open."""
        if self._slot is not None:
            self._slot.remove()
        self._drop_adopted()
