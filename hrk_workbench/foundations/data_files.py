"""Where the files the program reads at run time are: forms, report templates, the guide.

Three places, in this order: a folder named by an environment variable (an organisation's own
copy), the copy installed with the package (a wheel and the PyInstaller bundle both put it in
``hrk_workbench/_data/``), and the source tree.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_DIR = PACKAGE_DIR / "_data"


def data_dir(relative: str, env: str) -> Path:
    """``$env``, else ``_data/<relative>`` where installed, else ``<relative>`` in the source."""
    if value := os.environ.get(env):
        return Path(value)
    installed = INSTALLED_DIR / relative
    return installed if installed.is_dir() else PACKAGE_DIR.parent / relative
