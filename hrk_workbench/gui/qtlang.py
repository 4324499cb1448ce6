"""Qt's own texts (standard buttons, file dialogs) in the app's language.

PySide6 ships ``qtbase_fi.qm`` and ``qtbase_sv.qm``; installing one makes "Cancel", "Save"
and the file dialog speak the same language as the rest of the window. Two things stand in
the way, and both are handled here:

- a platform's native file dialog ignores Qt's translations (it speaks the desktop's
  language), so the app always uses Qt's own dialog (``FILE_DIALOG_OPTIONS``, and the
  application attribute for every dialog, the lab pages' included);
- Qt 6 renamed a few file-dialog labels ("Look in:" became "&Look in:") and the Finnish
  catalogue still has only the old ones, so its lookups fall back to the text without the
  mnemonic marker (``MnemonicFallbackTranslator``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, Qt, QTranslator
from PySide6.QtWidgets import QFileDialog

_installed: list[QTranslator] = []

FILE_DIALOG_OPTIONS = QFileDialog.Option.DontUseNativeDialog
"""Pass as ``options=`` to every QFileDialog: Qt's dialog, translated, on every platform."""


class MnemonicFallbackTranslator(QTranslator):
    """Qt's catalogue, and for a text it lacks the same text without its ``&`` marker."""

    def __init__(self, inner: QTranslator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inner = inner

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        text = self.inner.translate(context, source, disambiguation, n)
        if not text and "&" in source:
            text = self.inner.translate(context, source.replace("&", "", 1), disambiguation, n)
        return text

    def isEmpty(self) -> bool:
        return self.inner.isEmpty()


def install_qt_translator(lang: str) -> bool:
    """Replace the Qt translator with ``lang``'s; English needs none. True when one loaded."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale({"fi": QLocale.Language.Finnish,
                                "sv": QLocale.Language.Swedish}.get(
                                    lang, QLocale.Language.English)))
    if lang == "en":
        return False
    inner = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if inner.load(f"qtbase_{lang}", folder):
        translator = MnemonicFallbackTranslator(inner, app)
        app.installTranslator(translator)
        _installed.append(translator)
        return True
    return False
