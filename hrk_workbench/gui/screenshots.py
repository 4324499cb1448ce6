"""``--screenshots DIR``: every step page, the portfolio and the settings dialog as PNG.

So that what a steward sees can be checked on a machine without a screen (offscreen Qt).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QSize, QTimer
from PySide6.QtWidgets import QApplication

from .mainwindow import MainWindow
from .pages.registry import STEPS
from .settings import SettingsDialog

# a common municipal laptop screen: what is legible and reachable here is at any larger one
SIZE = QSize(1366, 768)


def _load_portfolio(window: MainWindow, source: Path) -> None:
    """Fill the portfolio page with the assessments beside the file (waits, at most 20 s)."""
    page = window.pages.get("portfolio")
    if page is None or not hasattr(page, "load_folder") or not hasattr(page, "loaded"):
        return
    loop = QEventLoop()
    page.loaded.connect(loop.quit)
    QTimer.singleShot(20_000, loop.quit)
    page.load_folder(str(source))
    loop.exec()


def _settle(page: object) -> None:
    """Wait (at most 10 s) for a page's background work, such as the outputs page's
    metadata check, so the picture shows its result rather than "checking…"."""
    busy = getattr(page, "busy", None)
    if busy is None or not hasattr(page, "settled"):
        return
    QApplication.processEvents()
    if not busy():
        return
    loop = QEventLoop()
    page.settled.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(10_000, loop.quit)
    loop.exec()
    QApplication.processEvents()


def render_all(window: MainWindow, folder: Path, portfolio: Path | None = None) -> list[Path]:
    """Render each step (named ``01-dataset.png`` …) and ``settings.png``; return the files.

    ``portfolio`` is a folder to rank on the portfolio page (the opened file's folder).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if portfolio is not None:
        _load_portfolio(window, portfolio)
    window.resize(SIZE)
    window.show()
    QApplication.processEvents()
    written = []
    for i, step in enumerate(STEPS, 1):
        window.go_to_step(step)
        QApplication.processEvents()
        _settle(window.pages.get(step))
        path = folder / f"{i:02d}-{step}.png"
        window.grab().save(str(path))
        written.append(path)
    dialog = SettingsDialog(window.settings, window.forms, window.document.lang, window)
    dialog.resize(720, 440)
    dialog.show()
    QApplication.processEvents()
    path = folder / "settings.png"
    dialog.grab().save(str(path))
    dialog.close()
    written.append(path)
    return written
