"""Screenshots of Help → About and Help → User guide, as a steward sees them.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python packaging/screenshot_dialogs.py OUT

The step pages have ``gui --screenshots``; these two dialogs open from the Help menu only, so
this script opens them from a real main window (through its menu actions, the same path as a
click) and saves each dialog with QWidget.grab, plus the whole X screen with ImageMagick's
``import -window root`` when it runs on an X server, so the window manager-less layout can be
checked too. Settings go to a temporary folder: a steward's own settings are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"


def settle(app: QApplication, ms: int = 400) -> None:
    """Let the dialog lay out and paint (and the X server catch up) before grabbing."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "dialog-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    from hrk_workbench.forms import load_forms
    from hrk_workbench.gui.mainwindow import MainWindow
    from hrk_workbench.gui.qtlang import install_qt_translator
    from hrk_workbench.gui.settings import AppSettings

    forms = load_forms()
    on_x = app.platformName() == "xcb" and shutil.which("import") is not None
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("en", "fi"):
            install_qt_translator(lang)
            settings = AppSettings(QSettings(f"{tmp}/{lang}.ini", QSettings.Format.IniFormat),
                                   data_dir=Path(tmp) / lang)
            window = MainWindow(forms, settings, lang, autosave_ms=3_600_000)
            window.owns_recovery = False
            window.resize(1280, 860)
            window.open_path(str(EXAMPLE), ask=False)
            window.show()
            settle(app)
            for name, action in (("about", window.about_action), ("guide", window.guide_action)):
                before = set(app.topLevelWidgets())
                action.trigger()
                settle(app)
                dialog = next(w for w in app.topLevelWidgets()
                              if w not in before and w.isVisible())
                if name == "guide" and lang == "en":  # scroll to a step with a table
                    item = dialog.contents.findItems("Gates", Qt.MatchFlag.MatchContains)
                    if item:
                        dialog.contents.setCurrentItem(item[0])
                        dialog._jump(item[0])
                        settle(app, 200)
                path = out / f"{name}-{lang}.png"
                dialog.grab().save(str(path))
                print(path)
                if on_x:
                    screen = out / f"{name}-{lang}-screen.png"
                    subprocess.run(["import", "-window", "root", str(screen)], check=True)
                    print(screen)
                dialog.close()
                settle(app, 100)
            window.document.undo_stack.setClean()
            window.close()
    install_qt_translator("en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
