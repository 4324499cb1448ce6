"""The "still missing" list: what is needed before a recommendation and before the outputs.

The core (:func:`hrk_workbench.scoring.completeness.still_missing`) decides what is missing; this
module words each item as the app shows it, "Step → question" in the steward's language
(never an answer path), and shows them in a list whose items go to their field when clicked
or activated with Enter. It is kept apart from the reasons, which explain the scores.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from hrk_workbench.foundations.i18n import label, problem_text
from hrk_workbench.overview.progress import MissingItem, still_missing

from .document import Document

PATH_ROLE = Qt.ItemDataRole.UserRole
MAX_HEIGHT = 240  # px: a long list scrolls; a short one leaves the room to the reasons
STAGES = (("recommendation", "gui_missing_before_recommendation"),
          ("outputs", "gui_missing_before_outputs"))
ADDRESS_LABELS = {"dataset.landing_page": "gui_pub_landing",
                  "dataset.publisher_uri": "gui_ds_publisher_uri",
                  "publication.api.endpoint_url": "gui_pub_api_endpoint",
                  "publication.api.documentation_url": "gui_pub_api_docs",
                  "publication.schema_url": "gui_pub_schema"}


def _question(document: Document, qid: str) -> str:
    return document.forms.question_text(qid, document.lang)


def _address_field(document: Document, path: str) -> str:
    """An address field's caption as the addresses group shows it."""
    if path in ADDRESS_LABELS:
        return document.t(ADDRESS_LABELS[path])
    parts = path.split(".")
    if len(parts) == 4 and parts[1] == "distributions":
        key = "gui_pub_download" if parts[3] == "download_url" else "gui_pub_access"
        return document.t(key, format=parts[2])
    return document.t("gui_pub_group")


def item_text(document: Document, item: MissingItem) -> str:
    """One item as "Step → what is needed" in the document's language."""
    d, p = document, item.params
    code = item.code
    if code == "missing_answer":
        text = _question(d, p["question"])
    elif code in ("missing_benefits", "missing_risks"):
        text = d.t(f"gui_{code}")
    elif code == "contradiction":
        text = d.t("gui_missing_contradiction", first=_question(d, p["first"]),
                   second=_question(d, p["second"]))
    elif code == "gate_unknown":
        text = d.t("gui_missing_gate_unknown", question=_question(d, p["question"]))
    elif code == "lab_stale":
        from hrk_workbench.disclosure.fingerprints import stale_texts

        texts = stale_texts(d.assessment, d.path, d.forms, d.lang, lab=p["lab"])
        text = next((t for t in texts if p["path"] in t), texts[0] if texts else p["path"])
    elif code == "decision_missing":
        text = d.t("gui_missing_decision")
    elif code == "justification":
        text = d.t("gui_missing_justification")
    elif code == "metadata_field":
        text = d.t(f"gui_missing_field_{p['field']}")
    elif code == "address_missing":
        text = d.t("gui_missing_download", format=p["format"])
    elif code == "endpoint_missing":
        text = d.t("gui_missing_endpoint")
    elif code == "address_bad":
        text = d.t("gui_missing_bad_address", field=_address_field(d, item.path))
    elif code == "record_warning":
        problem = p["problem"]
        # the publication gate, shortly: the Outputs step says what changed since
        gate = {"publish_no_approval": "gui_missing_approval",
                "publish_approval_void": "gui_missing_approval_void"}.get(problem.code)
        text = d.t(gate) if gate else problem_text(problem, d.lang, d.forms)
    elif code == "catalogue_field":
        text = label(p["field"], d.lang, d.forms)
    else:  # a newer core's item: its step still says where to look
        text = code
    return d.t("gui_missing_item", step=d.t(f"gui_step_{item.step}"), text=text)


class MissingList(QListWidget):
    """The list, a heading item per stage; an item's click or Enter asks for its field."""

    fieldRequested = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("stillMissing")
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items: list[MissingItem] = []
        self._shown: list[tuple[str, str]] = []
        self.itemClicked.connect(self._go)
        self.itemActivated.connect(self._go)

    def _go(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path:
            self.fieldRequested.emit(str(path))

    def refresh(self) -> None:
        """Recompute the items from the core; the list is rebuilt only when they differ."""
        d = self.document
        self.items = still_missing(d.assessment, d.forms, d.path)
        shown: list[tuple[str, str]] = []
        for stage, key in STAGES:
            mine = [i for i in self.items if i.stage == stage]
            if mine:
                shown.append(("", d.t(key)))
                shown += [(i.path, item_text(d, i)) for i in mine]
        if not shown:
            shown = [("", d.t("gui_missing_none"))]
        if shown == self._shown:
            return
        self._shown = shown
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        hint = d.t("gui_missing_go")
        for path, text in shown:
            item = QListWidgetItem(text)
            item.setFont(self.font())
            if path:
                item.setData(PATH_ROLE, path)
                item.setToolTip(hint)
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, hint)
            else:  # a heading: read, not chosen
                item.setFont(bold)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
        self._fit()

    def _fit(self) -> None:
        """As tall as its items (wrapped at the current width), at most MAX_HEIGHT."""
        width = max(self.viewport().width() - 2 * self.spacing() - 8, 80)
        rows = 0
        for i in range(self.count()):
            item = self.item(i)
            box = QFontMetrics(item.font()).boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, item.text())
            rows += box.height() + 4
        height = min(MAX_HEIGHT, rows + 2 * self.frameWidth() + 6)
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.doItemsLayout()  # wrapped items are measured again at the new width
            self._fit()

    def forget(self) -> None:
        """Word every item again on the next refresh (the language changed)."""
        self._shown = []

    def texts(self) -> list[str]:
        """The items' texts as shown (headings included), for tests and the probe."""
        return [text for _path, text in self._shown]
