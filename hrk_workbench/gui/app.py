"""Start the desktop app: display check, language, Qt translations, the window.

Called by ``hrk-workbench gui`` (and by ``hrk-workbench`` with no arguments). Where no display
can be opened it says so in one line and exits 2 instead of letting Qt abort the process.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from hrk_workbench.forms.loader import Forms, load_forms
from hrk_workbench.forms.schema import LANGUAGES
from hrk_workbench.foundations.i18n import label

EXIT_OK, EXIT_BAD_INPUT = 0, 2
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def has_display() -> bool:
    """False when Qt could only abort: Linux with no X or Wayland display and no headless
    platform plugin chosen."""
    if not sys.platform.startswith("linux"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform in HEADLESS_PLATFORMS:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def system_language() -> str:
    """fi or sv when the system speaks it, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0][:2].lower()
            return code if code in ("fi", "sv") else "en"
    return "en"


def choose_language(cli_lang: str | None, saved: str | None) -> str | None:
    """--lang, else the saved setting, else $HRK_LANG, else the system's; None = bad HRK_LANG.

    An explicit --lang wins over the saved setting so that ``--screenshots --lang fi`` always
    renders Finnish; it is not stored.
    """
    if cli_lang in LANGUAGES:
        return cli_lang
    if saved in LANGUAGES:
        return saved
    env = os.environ.get("HRK_LANG", "").strip()
    if env:
        return env if env in LANGUAGES else None
    return system_language()


def run(file: str | None = None, lang: str | None = None, forms_dir: str | None = None,
        screenshots: str | None = None) -> int:
    """Open the window (on ``file``), or render every page to PNG files and exit.

    Python's cycle collector is paused while the app starts (``StartupCollector``): the
    start allocates about a hundred thousand objects that nearly all stay (modules,
    classes, the validators of the assessment model, widgets), and the collector would walk
    them again and again for the little garbage among them."""
    with StartupCollector() as collector:
        return _run(collector, file, lang, forms_dir, screenshots)


class StartupCollector:
    """Pause the cycle collector until the window is up, then move what the start built
    out of its way (``gc.freeze``: those objects live as long as the app) and resume it, so
    later collections walk only what the steward's work creates. Leaving the block resumes it
    in any case (an early exit, an error, the end of the session)."""

    def __enter__(self) -> StartupCollector:
        self.paused = gc.isenabled()
        gc.disable()
        return self

    def resume(self) -> None:
        """Called once the window is shown (from the event loop), and on leaving."""
        if self.paused:
            self.paused = False
            gc.freeze()
            gc.enable()

    def __exit__(self, *exc: object) -> None:
        self.resume()


def _run(collector: StartupCollector, file: str | None, lang: str | None,
         forms_dir: str | None, screenshots: str | None) -> int:
    forms: Forms = load_forms(forms_dir)
    probe = lang or os.environ.get("HRK_LANG") or "en"
    probe = probe if probe in LANGUAGES else "en"
    if screenshots and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # screenshots need no screen
    if not has_display():
        print(label("gui_no_display", probe, forms), file=sys.stderr)
        return EXIT_BAD_INPUT

    _import_core_first()
    from PySide6.QtWidgets import QApplication  # Qt only once we know it can start

    from .settings import APPLICATION, ORGANISATION, AppSettings

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APPLICATION])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(label("gui_app_name", probe, forms))
    settings = AppSettings()
    chosen = choose_language(lang, settings.language)
    if chosen is None:
        print(label("gui_bad_lang", "en", forms).format(value=os.environ.get("HRK_LANG")),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if not screenshots:
        from PySide6.QtCore import QTimer

        # the first turn of the event loop: the window is shown and the file open
        QTimer.singleShot(0, collector.resume)
    return start(app, forms, settings, chosen, file, screenshots)


def _import_core_first() -> None:
    """Import what the window's first fill needs (reading the file, the summary, the
    still-missing list and the step marks) before Qt: once PySide6 is loaded, its import hook
    reads the source of every module imported after it, looking for its feature switches;
    these modules and the libraries they bring (pydantic, rfc3986, cryptography) need not pay
    that."""
    import hrk_workbench.decision.summary
    import hrk_workbench.disclosure.fingerprints
    import hrk_workbench.metadata.record
    import hrk_workbench.model.edit
    import hrk_workbench.overview.progress
    import hrk_workbench.review.gate  # noqa: F401


def start(app: object, forms: Forms, settings: object, lang: str, file: str | None,
          screenshots: str | None) -> int:
    """The part of ``run`` after QApplication exists (tests call it with their own settings)."""
    from .mainwindow import MainWindow, schedule_restore_offer
    from .qtlang import install_qt_translator

    install_qt_translator(lang)
    if screenshots:
        window = MainWindow(forms, settings, lang)  # type: ignore[arg-type]
        from .screenshots import render_all

        if file and not _open_or_report(window, file):
            return EXIT_BAD_INPUT
        window.owns_recovery = False  # a crashed session's recovery file stays for the next start
        written = render_all(window, Path(screenshots),
                             Path(file).resolve().parent if file else None)
        print(window.t("gui_screenshots_written", count=len(written), dir=screenshots))
        window.document.undo_stack.setClean()
        window.close()
        return EXIT_OK
    # the file is read before the window's panels are built: they are filled once, for it
    window = MainWindow(forms, settings, lang, file=file)  # type: ignore[arg-type]
    window.show()
    if file and window.opening_problems is not None:
        window.show_problems(file, window.opening_problems)
    schedule_restore_offer(window)
    return app.exec()  # type: ignore[attr-defined]


def _open_or_report(window: object, file: str) -> bool:
    """Screenshots of a file that cannot be read: its problems on stderr, exit 2."""
    from hrk_workbench.foundations.problems import InputError

    try:
        window.document.load(file)  # type: ignore[attr-defined]
    except InputError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return False
    return True
