"""Help > About: the version and the licences of every component shipped with the app.

The installable bundle redistributes Qt (LGPL 3.0), the DejaVu fonts and a dozen Python
libraries; their licences require the notices to reach the user, and IT asks for them before
approving software. The list is read from each component's own package metadata at run time
(the bundle copies the dist-info folders), so a version bump cannot leave it stale.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench import __version__
from hrk_workbench.fonts import FONT_DIR
from hrk_workbench.foundations.data_files import INSTALLED_DIR, PACKAGE_DIR

DATA_DIR = INSTALLED_DIR
SOURCE_ROOT = PACKAGE_DIR.parent
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
# Debian's copies of the (L)GPL, where the app runs from a source tree on a Debian desktop
SYSTEM_LICENCES = Path("/usr/share/common-licenses")


@dataclass(frozen=True)
class Component:
    """One shipped component: what, which version, under which licence, with its text."""

    name: str
    version: str
    licence: str
    url: str
    licence_text: str


# (shown name, distribution name or None, SPDX licence, home page). The licence is stated
# here, not read from metadata: several packages write a whole licence text or nothing into
# their License field, and About must give one clear identifier per line.
KNOWN: tuple[tuple[str, str | None, str, str], ...] = (
    ("HRK Workbench", "hrk-workbench", "MIT", ""),
    ("Python", None, "PSF-2.0", "https://www.python.org/"),
    ("Qt", None, "LGPL-3.0-only", "https://www.qt.io/licensing/open-source-lgpl-obligations"),
    ("PySide6 (Qt for Python)", "PySide6-Essentials", "LGPL-3.0-only",
     "https://doc.qt.io/qtforpython-6/licenses.html"),
    ("Shiboken6", "shiboken6", "LGPL-3.0-only", "https://doc.qt.io/qtforpython-6/"),
    ("DejaVu fonts", None, "Bitstream-Vera AND LicenseRef-Public-Domain",
     "https://dejavu-fonts.github.io/"),
    ("rdflib", "rdflib", "BSD-3-Clause", "https://github.com/RDFLib/rdflib"),
    ("pySHACL", "pyshacl", "Apache-2.0", "https://github.com/RDFLib/pySHACL"),
    ("OWL-RL", "owlrl", "W3C-20150513", "https://github.com/RDFLib/OWL-RL"),
    ("ReportLab", "reportlab", "BSD-3-Clause", "https://www.reportlab.com/"),
    ("python-docx", "python-docx", "MIT", "https://github.com/python-openxml/python-docx"),
    ("lxml", "lxml", "BSD-3-Clause", "https://lxml.de/"),
    ("Jinja2", "Jinja2", "BSD-3-Clause", "https://palletsprojects.com/p/jinja/"),
    ("MarkupSafe", "MarkupSafe", "BSD-3-Clause", "https://palletsprojects.com/p/markupsafe/"),
    ("pydantic", "pydantic", "MIT", "https://github.com/pydantic/pydantic"),
    ("pydantic-core", "pydantic_core", "MIT", "https://github.com/pydantic/pydantic-core"),
    ("PyYAML", "PyYAML", "MIT", "https://pyyaml.org/"),
    ("Babel", "Babel", "BSD-3-Clause", "https://babel.pocoo.org/"),
    ("openpyxl", "openpyxl", "MIT", "https://openpyxl.readthedocs.io/"),
    ("et-xmlfile", "et_xmlfile", "MIT", "https://foss.heptapod.net/openpyxl/et_xmlfile"),
    ("defusedxml", "defusedxml", "PSF-2.0", "https://github.com/tiran/defusedxml"),
    ("pandas", "pandas", "BSD-3-Clause", "https://pandas.pydata.org/"),
    ("NumPy", "numpy", "BSD-3-Clause", "https://numpy.org/"),
    ("SciPy", "scipy", "BSD-3-Clause", "https://scipy.org/"),
    ("DuckDB", "duckdb", "MIT", "https://duckdb.org/"),
    ("Apache Arrow (pyarrow)", "pyarrow", "Apache-2.0", "https://arrow.apache.org/"),
    ("Frictionless", "frictionless", "MIT", "https://framework.frictionlessdata.io/"),
    ("Pillow", "Pillow", "MIT-CMU", "https://python-pillow.org/"),
    ("DCAT-AP SHACL shapes (SEMIC)", None, "see metadata/shapes/SOURCE.md",
     "https://github.com/SEMICeu/DCAT-AP"),
)


def icon_path() -> Path | None:
    """The app icon: the bundled copy, else the source tree's ``packaging/icons``."""
    for candidate in (DATA_DIR / "icons" / "hrk-workbench.svg",
                      SOURCE_ROOT / "packaging" / "icons" / "hrk-workbench.svg"):
        if candidate.is_file():
            return candidate
    return None


def _dist_licence(dist_name: str) -> tuple[str, str]:
    """(version, licence text) of an installed distribution; ("", "") when not installed."""
    try:
        dist = distribution(dist_name)
    except PackageNotFoundError:
        return "", ""
    texts = []
    for file in dist.files or []:
        # only the dist-info's own licence files: vendored sub-licences are in the packages
        if ".dist-info" in str(file) and LICENCE_FILE.match(Path(str(file)).name):
            try:
                texts.append(Path(str(dist.locate_file(file))).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return dist.version, "\n\n".join(texts)


MIT_TEXT = """MIT License

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def _own_licence() -> str:
    """The project's licence: its LICENSE file where there is one, else the MIT text that
    pyproject.toml declares, with the authors from the package metadata."""
    for path in (SOURCE_ROOT / "LICENSE", DATA_DIR / "licences" / "LICENSE"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        from importlib.metadata import metadata

        holder = metadata("hrk-workbench").get("Author") or "the HRK Workbench developers"
    except PackageNotFoundError:
        holder = "the HRK Workbench developers"
    return MIT_TEXT.format(holder=holder)


def _python_licence() -> str:
    """CPython's LICENSE.txt: the bundled copy, else the running interpreter's."""
    import sysconfig

    for path in (DATA_DIR / "licences" / "Python-LICENSE.txt",
                 Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"):
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return ""


def _gpl_texts() -> str:
    """The LGPL 3.0 (which refers to the GPL 3.0), from the bundle or the system."""
    parts = []
    for bundled, system in (("LGPL-3.0.txt", "LGPL-3"), ("GPL-3.0.txt", "GPL-3")):
        for path in (DATA_DIR / "licences" / bundled, SYSTEM_LICENCES / system):
            if path.is_file():
                parts.append(path.read_text(encoding="utf-8"))
                break
    return "\n\n".join(parts)


@cache
def components() -> tuple[Component, ...]:
    """Every component of :data:`KNOWN` that is installed (or bundled), with its text."""
    result = []
    for name, dist_name, licence, url in KNOWN:
        if dist_name:
            version, text = _dist_licence(dist_name)
            if not version:
                continue
            if not text and licence.startswith("LGPL"):
                text = _gpl_texts()
            elif not text and dist_name == "hrk-workbench":
                text = _own_licence()
        elif name == "Python":
            version, text = sys.version.split()[0], _python_licence()
        elif name == "Qt":
            version, text = qVersion(), _gpl_texts()
        elif name == "DejaVu fonts":
            path = FONT_DIR / "LICENSE-DejaVu.txt"
            version, text = "", path.read_text(encoding="utf-8") if path.is_file() else ""
        else:
            source = PACKAGE_DIR / "metadata" / "shapes" / "SOURCE.md"
            version, text = "", source.read_text(encoding="utf-8") if source.is_file() else ""
        result.append(Component(name, version, licence, url, text))
    return tuple(result)


class AboutDialog(QDialog):
    """Version, what the app is for, and a table of components with their licence texts."""

    def __init__(self, t: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.t = t
        self.setWindowTitle(t("gui_about_title"))
        self.resize(820, 600)
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = icon_path()
        if icon is not None:
            picture = QLabel()
            picture.setPixmap(QIcon(str(icon)).pixmap(80, 80))
            picture.setAccessibleName(t("gui_app_name"))
            head.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        self.title = QLabel(f"<h2>{t('gui_app_name')}</h2>")
        self.version = QLabel(t("gui_about_version", version=__version__, qt=qVersion()))
        self.version.setObjectName("aboutVersion")
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        description = QLabel(t("gui_about_text", version=__version__))
        description.setWordWrap(True)
        lgpl = QLabel(t("gui_about_lgpl_note"))
        lgpl.setWordWrap(True)
        for widget in (self.title, self.version, description, lgpl):
            text.addWidget(widget)
        head.addLayout(text, 1)
        layout.addLayout(head)

        self.items = components()
        self.table = QTableWidget(len(self.items), 3)
        self.table.setObjectName("aboutComponents")
        self.table.setAccessibleName(t("gui_about_components"))
        self.table.setHorizontalHeaderLabels([t("gui_about_col_component"),
                                              t("gui_about_col_version"),
                                              t("gui_about_col_licence")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(self.items):
            for column, value in enumerate((item.name, item.version, item.licence)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.licence = QPlainTextEdit()
        self.licence.setObjectName("aboutLicenceText")
        self.licence.setReadOnly(True)
        self.licence.setAccessibleName(t("gui_about_licence_text"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.licence)
        splitter.setSizes([300, 200])
        layout.addWidget(QLabel(t("gui_about_components")))
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_licence(row))
        self.table.setCurrentCell(0, 0)

    def show_licence(self, row: int) -> None:
        """The selected component's licence text, or where to read it when none is shipped."""
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        body = item.licence_text or self.t("gui_about_no_licence_text", licence=item.licence,
                                           url=item.url or "-")
        self.licence.setPlainText(body)


def show_about(window: Any) -> AboutDialog:
    """Open the About dialog over ``window`` (non-modal-blocking: ``open``, not ``exec``)."""
    dialog = AboutDialog(window.t, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
