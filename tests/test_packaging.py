"""The desktop bundle: built with PyInstaller, then run as IT will run it.

A bundle that builds is not a bundle that works: a data file the spec forgot, a Qt plugin or
translation left out, or a module imported by name only fails when the frozen program reads
it. So the built program itself renders the example memo and metadata from the command line
and the Finnish screenshots of every page, with no source tree or venv to fall back on.

The build (about a minute here) runs once per session and is reused while the sources are
unchanged: ``build/test-package`` keeps the last bundle with the hash of what it was built
from, and a ``make package`` bundle in ``dist/`` of the same hash is used as is. Without
PyInstaller (not a dev install) the bundle tests are skipped; the About and guide dialogs are
tested either way.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
HVD_EXAMPLE = ROOT / "examples" / "air-quality.hrk.json"
CACHE = ROOT / "build" / "test-package"
NAME = "hrk-workbench"


def _build_module() -> ModuleType:
    """packaging/build.py, loaded by path (``packaging`` is also a PyPI package's name)."""
    spec = importlib.util.spec_from_file_location("hrk_packaging_build",
                                                  ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _built_with(bundle: Path, source_hash: str) -> bool:
    info = bundle / "BUILD-INFO.json"
    if not (info.is_file() and (bundle / NAME).is_file()):
        return False
    return json.loads(info.read_text(encoding="utf-8")).get("source_hash") == source_hash


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The bundle folder of the current sources: reused when the hash matches, else built."""
    pytest.importorskip(
        "PyInstaller",
        reason="PyInstaller is not installed (it is in the dev extras: pip install -e '.[dev]');"
               " the bundle cannot be built")
    if not sys.platform.startswith("linux"):
        pytest.skip("the bundle tests run the Linux build; see packaging/README.md")
    builder = _build_module()
    digest = builder.source_hash()
    for candidate in (ROOT / "dist" / NAME, CACHE / "dist" / NAME):
        if _built_with(candidate, digest):
            return candidate
    shutil.rmtree(CACHE / "dist", ignore_errors=True)
    # a separate process: the build draws the icons with a QGuiApplication, which must not
    # become this test process's Qt application (the dialog tests need a QApplication)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist",
                    str(CACHE / "dist"), "--work", str(CACHE / "work")],
                   cwd=ROOT, env=env, check=True, timeout=1200)
    target = CACHE / "dist" / NAME
    assert (target / NAME).is_file()
    return target


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """No venv, no source tree, no forms override and a temp home: only the bundle's files."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HRK_", "PYTHON", "VIRTUAL_ENV", "QT_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
               PATH="/usr/bin:/bin", QT_QPA_PLATFORM="offscreen")
    (tmp_path / "home").mkdir()
    return env


def run(bundle: Path, env: dict[str, str], cwd: Path, *args: str,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(bundle / NAME), *args], cwd=cwd, env=env, text=True,
                            capture_output=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
    return result


# --- the built program -------------------------------------------------------------------


def test_bundle_finds_every_run_time_file_inside_itself(bundle: Path, clean_env: dict[str, str],
                                                        tmp_path: Path) -> None:
    from hrk_workbench import __version__

    found = json.loads(run(bundle, clean_env, tmp_path, "--bundle-check").stdout)
    inside = str(bundle)
    assert found["frozen"] and found["bundle"].startswith(inside)
    assert found["version"] == __version__
    for key in ("forms_dir", "reports_dir", "guide_dir", "translations_dir", "icon"):
        assert found[key].startswith(inside), (key, found[key])
    assert found["forms_languages"] == ["en", "fi", "sv"]
    assert found["report_templates"] == ["memo.html.j2", "memo.md.j2", "memo.print.css.j2"]
    assert {"en.md", "fi.md", "sv.md"} <= set(found["guides"])
    assert found["fonts"] == [True, True]
    assert set(found["shapes"]) == {"dcat-ap-SHACL.ttl", "dcat-ap-SHACL-errata.ttl",
                                    "hvd-SHACL.ttl"}
    assert {"libqxcb.so", "libqoffscreen.so"} <= set(found["platform_plugins"])
    assert found["qt_translations_loaded"] == {"fi": True, "sv": True}
    assert {"Qt", "DejaVu fonts", "rdflib", "ReportLab"} <= set(found["licences"])


def test_bundle_renders_the_example_memo_and_metadata(bundle: Path, clean_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    work = tmp_path / "work"
    work.mkdir()
    for example in (EXAMPLE, HVD_EXAMPLE):
        shutil.copy(example, work / example.name)
    run(bundle, clean_env, work, "report", EXAMPLE.name, "-o", "memo.pdf", "--lang", "fi")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(work / "memo.pdf").pages)
    assert "Suositus" in text or "suositus" in text
    run(bundle, clean_env, work, "report", EXAMPLE.name, "-o", "memo.html", "--lang", "sv")
    assert "<html" in (work / "memo.html").read_text(encoding="utf-8").lower()
    run(bundle, clean_env, work, "report", EXAMPLE.name, "-o", "memo.docx")
    assert (work / "memo.docx").stat().st_size > 5_000
    out = run(bundle, clean_env, work, "metadata", HVD_EXAMPLE.name, "-o", "air.ttl",
              "--validate").stdout
    assert "conforms to dcat-ap-3.0.1 + dcat-ap-hvd-3.0.0" in out
    run(bundle, clean_env, work, "metadata", EXAMPLE.name, "-o", "bikes.json", "--format",
        "ckan")
    assert json.loads((work / "bikes.json").read_text(encoding="utf-8"))
    score = json.loads(run(bundle, clean_env, work, "score", EXAMPLE.name, "--json").stdout)
    assert score["recommendation"] == "open"


def test_bundle_renders_every_page_in_finnish(bundle: Path, clean_env: dict[str, str],
                                              tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLE, work / EXAMPLE.name)
    out = run(bundle, clean_env, work, "gui", EXAMPLE.name, "--screenshots", "shots",
              "--lang", "fi").stdout
    shots = sorted((work / "shots").glob("*.png"))
    assert len(shots) >= 14, out
    assert all(p.stat().st_size > 10_000 for p in shots)
    assert str(len(shots)) in out  # the Finnish "… kuvakaappausta …" line with the count


def test_bundle_registers_with_the_linux_desktop(bundle: Path, clean_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    share = bundle / "share"
    entry = (share / "hrk-workbench.desktop").read_text(encoding="utf-8")
    assert "MimeType=application/x-hrk-assessment+json;" in entry
    assert "Exec=hrk-workbench gui %f" in entry
    mime = ET.parse(share / "hrk-workbench-mime.xml").getroot()
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    assert mime.find(f"{ns}mime-type/{ns}glob").get("pattern") == "*.hrk.json"
    for size in (16, 32, 48, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png").is_file()
    data = tmp_path / "home" / ".local" / "share"
    subprocess.run(["bash", str(share / "install-desktop.sh")], env=clean_env, check=True,
                   capture_output=True, timeout=60)
    installed = (data / "applications" / "hrk-workbench.desktop").read_text(encoding="utf-8")
    assert f'Exec="{bundle / NAME}" gui %f' in installed
    assert (data / "mime" / "packages" / "hrk-workbench.xml").is_file()
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / f"{NAME}.png").is_file()
    if shutil.which("update-mime-database"):
        globs = (data / "mime" / "globs2").read_text(encoding="utf-8")
        assert "application/x-hrk-assessment+json:*.hrk.json" in globs


# --- About and the user guide (no bundle needed) -----------------------------------------


@pytest.fixture
def t(forms: Any) -> Any:
    from hrk_workbench.foundations.i18n import label

    def make(lang: str) -> Any:
        return lambda key, **values: label(key, lang, forms).format(**values)

    return make


def test_about_lists_the_version_and_licences(qtbot: Any, t: Any) -> None:
    from PySide6.QtCore import qVersion

    from hrk_workbench import __version__
    from hrk_workbench.gui.about import AboutDialog, components

    dialog = AboutDialog(t("fi"))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Tietoja HRK Workbenchistä"
    assert __version__ in dialog.version.text() and qVersion() in dialog.version.text()
    names = {c.name: c for c in components()}
    assert names["Qt"].licence == "LGPL-3.0-only"
    assert "Bitstream Vera" in names["DejaVu fonts"].licence_text
    assert names["rdflib"].licence == "BSD-3-Clause" and names["rdflib"].licence_text
    assert names["ReportLab"].licence_text
    row = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())].index(
        "DejaVu fonts")
    dialog.table.setCurrentCell(row, 0)
    assert "Bitstream Vera" in dialog.licence.toPlainText()


def test_guide_opens_in_the_language_and_falls_back_to_english(qtbot: Any, t: Any,
                                                               tmp_path: Path,
                                                               monkeypatch: Any) -> None:
    from hrk_workbench.gui.help import GuideDialog, guide_file

    for lang, heading in (("en", "Quick start"), ("fi", "Pikaopas"), ("sv", "Snabbstart")):
        dialog = GuideDialog(t(lang), lang)
        qtbot.addWidget(dialog)
        assert heading in dialog.headings()
        assert heading in dialog.browser.toPlainText()
    # a language without its page (here: the Swedish file removed) reads the English guide
    folder = tmp_path / "guide"
    folder.mkdir()
    shutil.copy(ROOT / "docs" / "guide" / "en.md", folder / "en.md")
    monkeypatch.setenv("HRK_DOCS_DIR", str(folder))
    assert guide_file("sv") == folder / "en.md"
    dialog = GuideDialog(t("sv"), "sv")
    qtbot.addWidget(dialog)
    assert "Quick start" in dialog.headings()
    monkeypatch.setenv("HRK_DOCS_DIR", str(tmp_path / "missing"))
    dialog = GuideDialog(t("en"), "en")
    qtbot.addWidget(dialog)
    assert "not installed" in dialog.browser.toPlainText()


def test_guide_links_between_pages_stay_in_the_dialog(qtbot: Any, t: Any) -> None:
    from PySide6.QtCore import QUrl

    from hrk_workbench.gui.help import GuideDialog

    dialog = GuideDialog(t("fi"), "fi")
    qtbot.addWidget(dialog)
    dialog.browser.setSource(dialog.browser.source().resolved(QUrl("en.md")))
    assert "Quick start" in dialog.headings()
    assert dialog.back_button.isEnabled()


def test_every_guide_page_covers_the_quick_start() -> None:
    guides = ROOT / "docs" / "guide"
    for lang, heading in (("en", "## Quick start"), ("fi", "## Pikaopas"),
                          ("sv", "## Snabbstart")):
        assert heading in (guides / f"{lang}.md").read_text(encoding="utf-8")


def test_spec_bundles_every_folder_read_at_run_time() -> None:
    spec = (ROOT / "packaging" / "hrk-workbench.spec").read_text(encoding="utf-8")
    for folder in ('"forms"', '"reports"', '"docs" / "guide"', '"fonts"', '"shapes"'):
        assert folder in spec, folder


def test_help_menu_opens_the_guide_and_about(qtbot: Any, forms: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from hrk_workbench.gui.about import AboutDialog
    from hrk_workbench.gui.help import GuideDialog
    from hrk_workbench.gui.mainwindow import MainWindow
    from hrk_workbench.gui.settings import AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                           data_dir=tmp_path / "appdata")
    window = MainWindow(forms, settings, "sv", autosave_ms=3_600_000)
    qtbot.addWidget(window)
    assert window.guide_action.text() == "&Användarhandbok"
    assert window.guide_action.shortcut().toString() == "Shift+F1"
    guide = window.show_guide()
    assert isinstance(guide, GuideDialog) and "Snabbstart" in guide.headings()
    guide.close()
    about = window.show_about()
    assert isinstance(about, AboutDialog) and about.windowTitle() == "Om HRK Workbench"
    about.close()
