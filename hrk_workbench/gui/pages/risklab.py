"""The Risk lab step's page; it lives in :mod:`hrk_workbench.gui.labs` with its sections.

Kept so the registry finds the page under ``pages`` when the step is first shown."""

from hrk_workbench.gui.labs.risklab import RiskLabPage

__all__ = ["RiskLabPage"]
