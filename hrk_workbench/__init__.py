"""HRK Workbench: assess whether a public dataset can be opened as open data.

The package is the headless core shared by the command line and the desktop app: the
assessment document (:mod:`hrk_workbench.model`), the questionnaire definitions read from
``forms/`` (:mod:`hrk_workbench.forms`) and the rules that derive scores and advice from them.
Nothing here imports Qt.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hrk-workbench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
