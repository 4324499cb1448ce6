"""Which page shows which step, in the order of ``hrk_workbench.scoring.completeness.STEPS``.

The risks, costs and portfolio pages live in their own modules; until one exists a plain
placeholder page stands in, so the window always has every step.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from ..document import Document
from ..labs.with_saved import with_saved
from .base import StepPage
from .dataset import DatasetPage
from .decision import DecisionPage
from .licence import LicencePage
from .participants import ParticipantsPage
from .publication import with_addresses
from .questions import AnonymisationPage, BenefitsPage, ChannelPage, GatesPage, QualityPage

try:
    from hrk_workbench.overview.progress import STEPS
except ImportError:  # the core module is being written; same ids as the contract
    STEPS = ("dataset", "participants", "gates", "benefits", "risks", "costs",
             "anonymisation", "risk_lab", "table_lab", "channel", "quality", "licence",
             "decision", "outputs",
             "portfolio")


class PlaceholderPage(StepPage):
    """Stands in for a page whose module is not there yet; says so instead of being blank."""

    def __init__(self, step: str, document: Document, parent: QWidget | None = None) -> None:
        self.step = step
        super().__init__(document, parent)

    def build(self) -> None:
        self.note = QLabel()
        self.note.setWordWrap(True)
        step = self.step
        self.text(self.note.setText, lambda lang: self.document.t(
            "gui_placeholder_page", step=self.document.t(f"gui_step_{step}")))
        self.body_layout.addWidget(self.note)


def _external(step: str, module: str, name: str) -> Callable[[Document], QWidget]:
    def make(document: Document) -> QWidget:
        full = f"hrk_workbench.gui.pages.{module}"
        try:
            cls = getattr(importlib.import_module(full), name)
        except ModuleNotFoundError as exc:  # only "not written yet"; other errors are bugs
            if exc.name != full:
                raise
            return PlaceholderPage(step, document)
        return cls(document)
    return make


FACTORIES: dict[str, Callable[[Document], QWidget]] = {
    "dataset": DatasetPage,
    "participants": ParticipantsPage,
    "gates": GatesPage,
    "benefits": BenefitsPage,
    "risks": _external("risks", "risks", "RisksPage"),
    "costs": _external("costs", "costs", "CostsPage"),
    "anonymisation": AnonymisationPage,
    # the labs show their saved results first (what the assessment file holds)
    "risk_lab": with_saved(_external("risk_lab", "risklab", "RiskLabPage"), "risk"),
    "table_lab": with_saved(_external("table_lab", "tablelab", "TableLabPage"), "table"),
    "channel": with_addresses(ChannelPage),  # the publication addresses at its end
    "quality": QualityPage,
    "licence": LicencePage,
    "decision": DecisionPage,
    # imported when the step is first shown: the memo renderer is heavy at start-up
    "outputs": _external("outputs", "outputs", "OutputsPage"),
    "portfolio": _external("portfolio", "portfolio", "PortfolioPage"),
}


def make_page(step: str, document: Document) -> QWidget:
    """The page for ``step``; an unknown step (a newer core) gets a placeholder."""
    factory = FACTORIES.get(step)
    return factory(document) if factory else PlaceholderPage(step, document)
