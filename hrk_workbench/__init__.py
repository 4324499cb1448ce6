"""HRK Workbench: assess whether a public dataset can be opened as open data.

The package is the headless core shared by the command line and the desktop app: the
assessment document (:mod:`hrk_workbench.model`), the questionnaire definitions read from
``forms/`` (:mod:`hrk_workbench.forms`) and the rules that derive scores and advice from them.
Nothing here imports Qt.
"""

from functools import cache

__all__ = ["__version__"]


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hrk-workbench")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    # Reading the installed package's metadata takes ~20 ms: only when a version is shown.
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
