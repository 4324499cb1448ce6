"""The frozen program's entry point: the same ``hrk-workbench`` command as the installed one.

PyInstaller needs a script, not a console-script entry point, so this file calls
``hrk_workbench.__main__.main`` exactly as ``.venv/bin/hrk-workbench`` does: no arguments opens the
desktop app, ``report …``, ``metadata …`` and the other commands run headless.

``--bundle-check`` (only here, never in the installed command) prints what the frozen app finds
at run time as JSON: the data folders, the Qt plugin and translation folders, whether the
Finnish and Swedish Qt translations load. IT (and tests/test_packaging.py) can check a bundle
with it without opening a window.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()  # as early as the frozen program can measure

def bundle_check() -> dict[str, Any]:
    """Every run-time lookup the app makes, resolved as the frozen app resolves it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from PySide6.QtGui import QGuiApplication

    from hrk_workbench import __version__
    from hrk_workbench.fonts import BOLD, REGULAR
    from hrk_workbench.forms import default_forms_dir, load_forms
    from hrk_workbench.gui.about import components, icon_path
    from hrk_workbench.gui.help import guide_dir
    from hrk_workbench.metadata.shacl import SHAPES_DIR
    from hrk_workbench.reporting.templates import reports_dir

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    loaded = {lang: QTranslator(app).load(f"qtbase_{lang}", translations) for lang in ("fi", "sv")}
    forms = load_forms()
    return {
        "frozen": bool(getattr(sys, "frozen", False)),
        "bundle": str(getattr(sys, "_MEIPASS", "")),
        "version": __version__,
        "forms_dir": str(default_forms_dir()),
        "forms_languages": sorted(forms.messages),
        "reports_dir": str(reports_dir()),
        "report_templates": sorted(p.name for p in reports_dir().glob("*.j2")),
        "guide_dir": str(guide_dir()),
        "guides": sorted(p.name for p in guide_dir().glob("*.md")),
        "fonts": [REGULAR.is_file(), BOLD.is_file()],
        "shapes": sorted(p.name for p in SHAPES_DIR.glob("*.ttl")),
        "icon": str(icon_path() or ""),
        "platform_plugins": sorted(p.name for p in (plugins / "platforms").glob("*")),
        "translations_dir": translations,
        "qt_translations_loaded": loaded,
        "licences": [c.name for c in components() if c.licence_text],
    }


def exit_when_shown() -> None:
    """``HRK_EXIT_WHEN_SHOWN=1``: quit as soon as the window is up and its first events are
    processed, printing the seconds since the process started (benchmarks/bench_package.py
    measures the bundle's cold start with it; nothing else sets it)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    exec_ = QApplication.exec

    def exec_and_quit(*_self: object) -> int:
        def report() -> None:
            print(f"shown-after-s {time.perf_counter() - STARTED:.3f}", flush=True)
            for window in QApplication.topLevelWidgets():
                window.close()
            QApplication.quit()

        QTimer.singleShot(0, report)
        return exec_()  # static in PySide6: app.exec() passes no instance

    QApplication.exec = exec_and_quit  # type: ignore[method-assign]


def run() -> int:
    """``--bundle-check`` here; anything else goes to the command line."""
    multiprocessing.freeze_support()  # harmless unless a library starts worker processes
    if os.environ.get("HRK_EXIT_WHEN_SHOWN") == "1":
        exit_when_shown()
    if sys.argv[1:2] == ["--bundle-check"]:
        print(json.dumps(bundle_check(), indent=2, ensure_ascii=False))
        return 0
    from hrk_workbench.__main__ import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
