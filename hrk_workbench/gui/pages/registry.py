"""Which page shows which step, in the order of ``hrk_workbench.completeness.STEPS``.

A page's module is imported when the page is first built (the window builds the first step's
page at start and the others once it is up), so starting the app pays only for the step on
screen. The risks, costs and portfolio pages live in their own modules; until one exists a
plain placeholder page stands in, so the window always has every step.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from ..document import Document
from .base import StepPage

try:
    from hrk_workbench.completeness import STEPS
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


def _page(step: str, module: str, name: str, optional: bool = False,
          wrap: tuple[str, str, tuple[str, ...]] | None = None) -> Factory:
    """A factory that imports ``pages.<module>.<name>`` when the page is first built.

    ``optional``: a module not written yet gives a placeholder page (only "not written yet";
    any other import error is a bug and is raised). ``wrap``: (module, function, arguments)
    of a factory wrapper that adds a box to the page (the labs' saved results, the
    publication addresses), imported at the same time.
    """

    def plain(document: Document) -> QWidget:
        full = f"hrk_workbench.gui.pages.{module}"
        try:
            cls = getattr(importlib.import_module(full), name)
        except ModuleNotFoundError as exc:
            if not optional or exc.name != full:
                raise
            return PlaceholderPage(step, document)
        return cls(document)

    if wrap is None:
        return plain
    wrap_module, wrap_name, args = wrap

    def wrapped(document: Document) -> QWidget:
        wrapper = getattr(importlib.import_module(f"hrk_workbench.gui.pages.{wrap_module}"),
                          wrap_name)
        return wrapper(plain, *args)(document)

    return wrapped


FACTORIES: dict[str, Factory] = {
    "dataset": _page("dataset", "dataset", "DatasetPage"),
    "participants": _page("participants", "participants", "ParticipantsPage"),
    "gates": _page("gates", "questions", "GatesPage"),
    "benefits": _page("benefits", "questions", "BenefitsPage"),
    "risks": _page("risks", "risks", "RisksPage", optional=True),
    "costs": _page("costs", "costs", "CostsPage", optional=True),
    "anonymisation": _page("anonymisation", "questions", "AnonymisationPage"),
    # the labs show their saved results first (what the assessment file holds)
    "risk_lab": _page("risk_lab", "risklab", "RiskLabPage", optional=True,
                      wrap=("saved_result", "with_saved", ("risk",))),
    "table_lab": _page("table_lab", "tablelab", "TableLabPage", optional=True,
                       wrap=("saved_result", "with_saved", ("table",))),
    # the publication addresses at the end of Channel & format
    "channel": _page("channel", "questions", "ChannelPage",
                     wrap=("publication", "with_addresses", ())),
    "quality": _page("quality", "questions", "QualityPage"),
    "licence": _page("licence", "licence", "LicencePage"),
    "decision": _page("decision", "decision", "DecisionPage"),
    "outputs": _page("outputs", "outputs", "OutputsPage", optional=True),
    "portfolio": _page("portfolio", "portfolio", "PortfolioPage", optional=True),
}


def make_page(step: str, document: Document) -> QWidget:
    """The page for ``step``; an unknown step (a newer core) gets a placeholder."""
    factory = FACTORIES.get(step)
    return factory(document) if factory else PlaceholderPage(step, document)
