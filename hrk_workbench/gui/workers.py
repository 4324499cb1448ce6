"""Long work off the GUI thread: a QThreadPool runner with a progress dialog and Cancel.

Portfolio loading now, imports, reports and data analysis later: anything that may take more
than a blink runs here, so the window keeps repainting and the steward can cancel.

Usage::

    task = run_task(parent, title, load_many, paths)          # load_many(progress, paths)
    task.finished.connect(show)                              # result, on the GUI thread
    task.failed.connect(report)                              # one line, on the GUI thread

The function receives a :class:`Progress` first; it calls ``progress.report(done, total)``
and stops early (returning whatever it has, or raising :class:`Cancelled`) when
``progress.cancelled`` is true.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from hrk_workbench.foundations import i18n


class Cancelled(Exception):
    """Raised by a task function to stop at the user's request."""


class Progress:
    """Handed to the task function: report progress, check for cancellation (thread-safe)."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._cancel = threading.Event()
        self._on_cancel: list[Callable[[], Any]] = []

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()
        for stop in list(self._on_cancel):
            stop()

    def on_cancel(self, stop: Callable[[], Any]) -> None:
        """Call ``stop`` (thread-safe, e.g. a database's interrupt) when the user cancels: for
        work that cannot check :attr:`cancelled` while it runs, such as one long query."""
        self._on_cancel.append(stop)
        if self.cancelled:
            stop()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Queue a progress update to the GUI thread (signals cross threads safely)."""
        _Runner._emit(self._task.progressed, int(done), int(total), text)
        if self.cancelled:
            raise Cancelled()


class Task(QObject):
    """The GUI-thread side of one background job; its signals arrive on the GUI thread."""

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress = Progress(self)
        self.done = False

    def cancel(self) -> None:
        self.progress.cancel()


class _Runner(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        super().__init__()
        self._task, self._fn, self._args = task, fn, args
        self.setAutoDelete(True)

    def run(self) -> None:  # on a pool thread: touch no widget here
        try:
            result = self._fn(self._task.progress, *self._args)
        except Cancelled:
            self._emit(self._task.cancelled)
            return
        except Exception as exc:  # reported to the user in one line, never a crash
            self._emit(self._task.failed, f"{type(exc).__name__}: {exc}")
            return
        if self._task.progress.cancelled:
            self._emit(self._task.cancelled)
        else:
            self._emit(self._task.finished, result)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        """Emit unless the task's owner (a page, a closed window) is gone: no one to tell."""
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
            signal.emit(*args)


def run_task(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any,
             forms: Any = None, lang: str = "en", show_after_ms: int = 300) -> Task:
    """Start ``fn(progress, *args)`` on the global thread pool, with a progress dialog.

    The dialog appears only when the work takes longer than ``show_after_ms`` (so quick jobs
    do not flash a window) and its Cancel button asks the task to stop.
    """
    task = Task(parent)
    cancel_text = i18n.label("gui_progress_cancel", lang, forms) if forms else "Cancel"
    working = i18n.label("gui_progress_working", lang, forms) if forms else "Working…"
    dialog = QProgressDialog(title or working, cancel_text, 0, 0, parent)
    dialog.setWindowTitle(title or working)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(task.cancel)

    def on_progress(done: int, total: int, text: str) -> None:
        if task.done:  # a report queued before the task ended: the dialog is gone
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)
        if text:
            dialog.setLabelText(text)

    def close(*_: Any) -> None:
        task.done = True
        dialog.canceled.disconnect(task.cancel)
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    task.progressed.connect(on_progress)
    for signal in (task.finished, task.failed, task.cancelled):
        signal.connect(close)
    dialog.setValue(0)
    task.dialog = dialog  # type: ignore[attr-defined] - for tests and callers
    # start on the next event-loop turn so callers can connect to the signals first
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(_Runner(task, fn, args)))
    return task
