"""Build the desktop bundle: icons, licence texts, PyInstaller one-folder build, desktop files.

``make package`` runs this file with the project's venv. Steps, each needed by the next:

1. draw the icon: rasterise ``packaging/icons/hrk-workbench.svg`` with Qt's SVG renderer to
   PNGs (16–512 px, the hicolor sizes desktops look for), plus ``.ico`` for Windows and
   ``.icns`` for macOS with Pillow, so no image is checked in that could drift from the SVG;
2. copy the LGPL/GPL texts (Debian's ``/usr/share/common-licenses``) that the About dialog
   shows for Qt, where the build machine has them;
3. run PyInstaller on ``packaging/hrk-workbench.spec``;
4. on Linux, put the ``.desktop`` entry, the MIME type, the icons and ``install-desktop.sh``
   in ``share/`` of the bundle, and write ``BUILD-INFO.json`` (version, source hash, build
   time, size), which tests/test_packaging.py uses to reuse a bundle of the same sources.

Usage: ``python packaging/build.py [--dist DIR] [--work DIR] [--icons-only]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "hrk-workbench.spec"
SVG = PACKAGING / "icons" / "hrk-workbench.svg"
NAME = "hrk-workbench"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Everything the bundle is built from: a change to any of these means a new bundle.
SOURCES = ("hrk_workbench", "forms", "reports", "docs/guide", "examples", "packaging")
LICENCE_TEXTS = {"LGPL-3.0.txt": "LGPL-3", "GPL-3.0.txt": "GPL-3", "GPL-2.0.txt": "GPL-2"}


def source_hash() -> str:
    """A hash of every source file, pyproject.toml and the Python/PySide6/PyInstaller versions.

    Two builds with the same hash bundle the same thing, so a test can reuse the bundle of an
    earlier run instead of spending minutes on a new one.
    """
    digest = hashlib.sha256()
    files = [ROOT / "pyproject.toml"]
    for top in SOURCES:
        files += [p for p in (ROOT / top).rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")]
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    for dist in ("PySide6-Essentials", "pyinstaller"):
        try:
            from importlib.metadata import version

            digest.update(f"{dist}={version(dist)}".encode())
        except Exception:  # not installed: the build itself will say so
            digest.update(dist.encode())
    return digest.hexdigest()[:16]


def draw_icons(out: Path) -> list[Path]:
    """PNG, ICO and ICNS files from the one SVG; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    png_dir = out / "png"
    png_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = png_dir / f"{NAME}-{size}.png"
        image.save(str(path))
        written.append(path)
    from PIL import Image

    largest = Image.open(png_dir / f"{NAME}-512.png").convert("RGBA")
    ico = out / f"{NAME}.ico"
    largest.save(ico, sizes=[(s, s) for s in ICO_SIZES])
    written.append(ico)
    try:
        icns = out / f"{NAME}.icns"
        largest.save(icns)
        written.append(icns)
    except Exception as exc:  # Pillow without ICNS writing: the macOS build draws its own
        print(f"build: no .icns ({exc}); packaging/README.md says how to make one")
    return written


def copy_licence_texts(out: Path) -> list[Path]:
    """The LGPL/GPL texts Qt is distributed under (where the build machine has them) and
    CPython's licence, for the About dialog."""
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    python = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if python.is_file():
        shutil.copyfile(python, out / "Python-LICENSE.txt")
        copied.append(out / "Python-LICENSE.txt")
    for name, debian in LICENCE_TEXTS.items():
        source = Path("/usr/share/common-licenses") / debian
        if source.is_file():
            shutil.copyfile(source, out / name)
            copied.append(out / name)
    return copied


def desktop_files(bundle: Path, icons: Path) -> None:
    """``share/`` of a Linux bundle: .desktop, MIME type, hicolor icons, install script."""
    share = bundle / "share"
    share.mkdir(exist_ok=True)
    for name in ("hrk-workbench.desktop", "hrk-workbench-mime.xml", "install-desktop.sh"):
        shutil.copy2(PACKAGING / "linux" / name, share / name)
    hicolor = share / "icons" / "hicolor"
    for size in PNG_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icons / "png" / f"{NAME}-{size}.png", target / f"{NAME}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, hicolor / "scalable" / "apps" / f"{NAME}.svg")


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (what IT will copy to each desktop)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> dict[str, object]:
    """Run every step; returns what BUILD-INFO.json records."""
    started = time.monotonic()
    digest = source_hash()  # of the sources as the build starts to read them
    icons = work / "icons"
    extra = work / "bundle-extra"
    draw_icons(icons)
    copy_licence_texts(extra / "licences")
    env = dict(os.environ, HRK_ICON_DIR=str(icons), HRK_EXTRA_DIR=str(extra))
    env.pop("HRK_FORMS_DIR", None)
    env.pop("HRK_REPORTS_DIR", None)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC)]
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    bundle = dist / NAME
    if sys.platform.startswith("linux"):
        desktop_files(bundle, icons)
    from importlib.metadata import version

    info: dict[str, object] = {
        "version": version("hrk-workbench"),
        "source_hash": digest,
        "platform": platform.platform(),
        "build_seconds": round(time.monotonic() - started, 1),
        "size_bytes": folder_size(bundle),
        "executable": str((bundle / NAME).relative_to(dist)),
    }
    (bundle / "BUILD-INFO.json").write_text(json.dumps(info, indent=2) + "\n",
                                            encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the bundle folder goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build",
                        help="PyInstaller's work folder and the drawn icons (default: build/)")
    parser.add_argument("--icons-only", action="store_true", help="only draw the icons")
    args = parser.parse_args(argv)
    if args.icons_only:
        for path in draw_icons(args.work / "icons"):
            print(path)
        return 0
    info = build(args.dist.resolve(), args.work.resolve())
    print(f"build: {args.dist / NAME} ({info['size_bytes'] / 1e6:.0f} MB) "
          f"in {info['build_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
