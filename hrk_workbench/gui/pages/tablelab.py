"""The Table lab step's page; it lives in :mod:`hrk_workbench.gui.labs` with its sections.

Kept so the registry finds the page under ``pages`` when the step is first shown."""

from hrk_workbench.gui.labs.tablelab import TableLabPage

__all__ = ["TableLabPage"]
