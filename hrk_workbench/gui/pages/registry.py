"""Which page shows which step, in the order of ``hrk_workbench.overview.progress.STEPS``.

A page's module is imported when the page is first built (the window builds the first step's
page at start and the others once it is up), so starting the app pays only for the step on
screen. A step this version does not know (a newer core) gets a placeholder page.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from ..document import Document
from ..labs.with_saved import with_saved
from .base import StepPage

try:
    from hrk_workbench.overview.progress import STEPS
except ImportError:  # the core module is being written; same ids as the contract
    STEPS = ("dataset", "participants", "gates", "benefits", "risks", "costs",
             "anonymisation", "risk_lab", "table_lab", "channel", "quality", "licence",
             "decision", "outputs",
             "portfolio")

Factory = Callable[[Document], QWidget]


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


# Each factory imports its page's module when the page is first built: starting the app pays
# only for the step on screen, and every dependency stays an import statement a reader (and
# the architecture test) can see.

def _dataset(document: Document) -> QWidget:
    from .dataset import DatasetPage

    return DatasetPage(document)


def _participants(document: Document) -> QWidget:
    from .participants import ParticipantsPage

    return ParticipantsPage(document)


def _questions(name: str) -> Factory:
    def make(document: Document) -> QWidget:
        from . import questions

        return getattr(questions, name)(document)

    return make


def _risks(document: Document) -> QWidget:
    from .risks import RisksPage

    return RisksPage(document)


def _costs(document: Document) -> QWidget:
    from .costs import CostsPage

    return CostsPage(document)


def _risk_lab(document: Document) -> QWidget:
    from ..labs.risklab import RiskLabPage

    return RiskLabPage(document)


def _table_lab(document: Document) -> QWidget:
    from ..labs.tablelab import TableLabPage

    return TableLabPage(document)


def _channel(document: Document) -> QWidget:
    """Channel & format with the publication addresses at its end."""
    from .publication import with_addresses
    from .questions import ChannelPage

    return with_addresses(ChannelPage)(document)


def _licence(document: Document) -> QWidget:
    from .licence import LicencePage

    return LicencePage(document)


def _decision(document: Document) -> QWidget:
    from .decision import DecisionPage

    return DecisionPage(document)


def _outputs(document: Document) -> QWidget:
    from .outputs import OutputsPage

    return OutputsPage(document)


def _portfolio(document: Document) -> QWidget:
    from .portfolio import PortfolioPage

    return PortfolioPage(document)


FACTORIES: dict[str, Factory] = {
    "dataset": _dataset,
    "participants": _participants,
    "gates": _questions("GatesPage"),
    "benefits": _questions("BenefitsPage"),
    "risks": _risks,
    "costs": _costs,
    "anonymisation": _questions("AnonymisationPage"),
    # the labs show their saved results first (what the assessment file holds)
    "risk_lab": with_saved(_risk_lab, "risk"),
    "table_lab": with_saved(_table_lab, "table"),
    "channel": _channel,
    "quality": _questions("QualityPage"),
    "licence": _licence,
    "decision": _decision,
    "outputs": _outputs,
    "portfolio": _portfolio,
}


def make_page(step: str, document: Document) -> QWidget:
    """The page for ``step``; an unknown step (a newer core) gets a placeholder."""
    factory = FACTORIES.get(step)
    return factory(document) if factory else PlaceholderPage(step, document)
