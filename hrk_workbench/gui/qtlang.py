"""Qt's own texts (standard buttons, file dialogs) in the app's language.

PySide6 ships ``qtbase_fi.qm`` and ``qtbase_sv.qm``; installing one makes "Cancel", "Save"
and the file dialog speak the same language as the rest of the window.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_installed: list[QTranslator] = []


def install_qt_translator(lang: str) -> bool:
    """Replace the Qt translator with ``lang``'s; English needs none. True when one loaded."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale({"fi": QLocale.Language.Finnish,
                                "sv": QLocale.Language.Swedish}.get(
                                    lang, QLocale.Language.English)))
    if lang == "en":
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        _installed.append(translator)
        return True
    return False
