"""Outputs: the decision memo previewed live, the catalogue metadata checked, both exported.

Nothing here decides what the memo or the record says. The preview is the core's
``build_memo`` rendered by the same ``render_html`` the ``report`` command uses; the exports go
through ``reporting.commands.render`` and the metadata command's own functions
(``profile_for``, ``ckan_refusal``, ``missing_for``, ``record_text``), so the app and the CLI
cannot write different files. The page only lays the results out, runs the slow parts off the
GUI thread (reportlab, python-docx, rdflib, pyshacl) and reports what happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QShowEvent, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.atomic import atomic_write_bytes
from hrk_workbench.foundations.i18n import label, problem_text, render
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.reporting.content import build_memo
from hrk_workbench.reporting.html import render_html

from ..document import Document, refused_output, render_problems
from ..qtlang import FILE_DIALOG_OPTIONS
from ..workers import Progress, Task, run_task
from .base import PageFrame


@dataclass(frozen=True)
class Export:
    """One export button: what it writes, its file suffix and its texts' keys."""

    key: str  # gui_out_<key> is the button text
    kind: str  # "memo", "metadata" or "excel"
    fmt: str  # reporting format (pdf, …), metadata format (turtle, …, ckan) or Excel layout
    suffix: str
    name: str  # the format's proper name, for the file dialog's filter


MEMO_EXPORTS = (
    Export("memo_pdf", "memo", "pdf", ".pdf", "PDF"),
    Export("memo_docx", "memo", "docx", ".docx", "Word"),
    Export("memo_html", "memo", "html", ".html", "HTML"),
    Export("memo_md", "memo", "md", ".md", "Markdown"),
)
METADATA_EXPORTS = (
    Export("meta_turtle", "metadata", "turtle", ".ttl", "Turtle"),
    Export("meta_jsonld", "metadata", "json-ld", ".jsonld", "JSON-LD"),
    Export("meta_rdfxml", "metadata", "rdf-xml", ".rdf", "RDF/XML"),
    Export("meta_ckan", "metadata", "ckan", ".json", "CKAN JSON"),
)
EXCEL_EXPORTS = (  # the legacy layouts export-excel writes (forms/legacy/*.yaml, export: true)
    Export("excel_fi_v2", "excel", "fi_v2", ".xlsx", "Excel"),
    Export("excel_sv", "excel", "sv", ".xlsx", "Excel"),
)

# where each DCAT-AP recommendation is answered, so its readiness row can go there
RECOMMENDED_PATHS = {"contact_point": "dataset.contact.email", "distribution": "channel.CH8",
                     "keywords": "dataset.keywords", "publisher": "dataset.publisher",
                     "spatial": "dataset.spatial_coverage",
                     "temporal": "dataset.temporal_coverage.start",
                     "themes": "dataset.themes", "update_frequency": "dataset.update_frequency",
                     "licence": "licence.licence_id", "access_rights": "decision.outcome"}
PREVIEW_DEBOUNCE_MS = 150  # an undo burst re-renders the preview once
READINESS_DEBOUNCE_MS = 400  # pyshacl runs once a burst of edits has settled
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_COL_WIDTH = re.compile(r'<col style="width: ([0-9.]+)%">')


# --- work done off the GUI thread ---------------------------------------------------------
# Each function gets its own deep copy of the assessment, so the steward can keep editing
# while it runs; problems come back as data and are rendered on the GUI thread.

@dataclass
class ExportResult:
    """What an export did: the file written and its "written" line, or the problems."""

    path: str
    written: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # written, but with these losses


def _write(progress: Progress, path: str, data: bytes) -> ExportResult | None:
    """Write atomically unless cancelled; an unwritable folder is a problem, not a crash."""
    progress.report(1, 2)  # raises Cancelled if the steward cancelled while rendering
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        return _cannot_write(path, exc)
    return None


def _cannot_write(path: str, exc: OSError) -> ExportResult:
    """An unwritable file or folder as the problem the message box shows (its errno makes
    the renderer say the system's reason in the app's language)."""
    detail = exc.strerror or str(exc)
    return ExportResult(path, problems=[Problem(
        path, f"cannot write: {detail}", code="cannot_write",
        params={"detail": detail, "errno": exc.errno})])


def _refused_output(path: str, assessment: Path | None, export: Export) -> list[Problem]:
    """What the command line's output check refuses in this export's file: the open
    assessment itself, a folder, a device (one check with the labs': refused_output)."""
    return refused_output(path, (assessment,), export.suffix if export.kind == "excel" else None)


def export_memo(progress: Progress, memo: Any, fmt: str, path: str) -> ExportResult:
    """Render the (already built) memo with the report command's renderer and write it."""
    from hrk_workbench.reporting.render import render as render_memo

    progress.report(0, 2)
    data = render_memo(memo, fmt)
    return _write(progress, path, data) or ExportResult(path)


def export_metadata(progress: Progress, assessment: Assessment, forms: Forms, fmt: str,
                    lang: str, path: str, draft: bool = False,
                    source: Path | None = None) -> ExportResult:
    """Build the record as ``hrk-workbench metadata`` does and write it; CKAN only if open;
    a public record only when a decider approved this version, else only as a ``draft``
    (marked in the record itself). ``source``: the assessment file, beside its data."""
    from hrk_workbench.metadata.export import (
        ckan_blockers,
        ckan_refusal,
        profile_for,
        publication_refusal,
        record_text,
        shape_sets_for,
    )
    from hrk_workbench.metadata.record import build_record

    progress.report(0, 2)
    record = build_record(assessment, forms)
    if fmt == "ckan":
        refusal = ckan_refusal(record, lang, forms)
        if refusal is not None:
            return ExportResult(path, problems=[refusal])
        blockers = ckan_blockers(record, forms, lang)
        if blockers:  # the portal would refuse it: write nothing, as the command does
            return ExportResult(path, problems=blockers)
    unapproved = publication_refusal(record, fmt, forms, source)
    if unapproved is not None and not draft:
        return ExportResult(path, problems=[unapproved])
    profile = profile_for(fmt, record, forms)
    graph, nodes = profile.graph(record)
    note = None
    if draft:
        from hrk_workbench.metadata.profiles import mark_draft
        from hrk_workbench.review.gate import draft_note

        note = draft_note(forms)
        mark_draft(graph, nodes, note)
    text, size = record_text(profile, record, graph, fmt, note)
    failed = _write(progress, path, text.encode("utf-8"))
    if failed:
        return failed
    if fmt == "ckan":
        written = label("metadata_written_package", lang, forms).format(
            file=path, profile=profile.name, resources=size)
    else:
        written = label("metadata_written", lang, forms).format(
            file=path, profile=" + ".join(shape_sets_for(record)), triples=size)
    if draft:
        written += "\n" + label("metadata_written_draft", lang, forms).format(file=path)
    return ExportResult(path, written)


def export_excel(progress: Progress, assessment: Assessment, forms: Forms, layout_id: str,
                 lang: str, source: str, path: str) -> ExportResult:
    """Write the legacy workbook as ``hrk-workbench export-excel`` does; its warnings (what
    the layout has no place for) come back to be shown, as the command prints them."""
    from hrk_workbench.legacy.exporter import export_workbook
    from hrk_workbench.legacy.mapping import load_layouts

    progress.report(0, 2)
    layout = next(lay for lay in load_layouts(forms) if lay.id == layout_id)
    try:
        warnings = export_workbook(assessment, layout, forms, path)
    except OSError as exc:
        return _cannot_write(path, exc)
    written = label("excel_written", lang, forms).format(file=source, output=path,
                                                         layout=layout_id)
    return ExportResult(path, written, warnings=warnings)


@dataclass
class Readiness:
    """The metadata check's findings, each group in the order the steward should act."""

    shapes: list[str]
    missing: list[Problem]  # SHACL violations, mapped to the answers to give
    warnings: list[Problem]  # what the record cannot state (no access rights yet)
    catalogue: list[Problem]  # avoindata.fi: its refusal, or what the portal requires
    recommended: list[Reason]  # DCAT-AP recommendations not yet met
    ckan_ok: bool = False
    approvals: list[Any] = field(default_factory=list)  # each approval checked (issue 33)
    public: bool = False  # the record would say the data is public: the gate applies


def check_readiness(progress: Progress, assessment: Assessment, forms: Forms,
                    lang: str, source: Path | None = None) -> Readiness:
    """Validate the record with the official shapes, as ``metadata --validate`` does, and
    check the approvals (their data files beside ``source``) for the publication gate."""
    from hrk_workbench.metadata.export import (
        ckan_missing,
        ckan_refusal,
        missing_for,
        profile_for,
        shape_sets_for,
    )
    from hrk_workbench.metadata.readiness import advise_metadata
    from hrk_workbench.metadata.record import build_record
    from hrk_workbench.review.approval import check_approvals

    record = build_record(assessment, forms)
    graph, nodes = profile_for("turtle", record, forms).graph(record)
    missing = missing_for(record, graph, nodes, "turtle", forms, lang)
    advice = advise_metadata(assessment, forms)
    refusal = ckan_refusal(record, lang, forms)
    catalogue = [refusal] if refusal else ckan_missing(record, forms, lang, advise_metadata)
    recommended = [r for r in advice.reasons if r.code == "metadata_missing_recommended"]
    return Readiness(shape_sets_for(record), missing, list(record.warnings), catalogue,
                     recommended, ckan_ok=not catalogue,
                     approvals=check_approvals(assessment, None, source),
                     public=record.is_open)


# --- the page -----------------------------------------------------------------------------

class OutputsPage(PageFrame):
    """Memo preview on the left; metadata readiness and the export buttons on the right."""

    step = "outputs"
    exported = Signal(str)  # the file written
    exportFailed = Signal(list)  # the problems, as shown in the message box
    exportWarned = Signal(list)  # written, with what the layout could not hold
    settled = Signal()  # the readiness check finished (screenshots and tests wait for it)
    fieldRequested = Signal(str)  # a readiness item was clicked: go to its answer's field

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.export_task: Task | None = None
        self.readiness_task: Task | None = None
        self.readiness: Readiness | None = None
        self._recheck = False
        self._texts: list[tuple[Callable[[str], None], Callable[[], str]]] = []
        self._build()
        self._preview_timer = self._timer(PREVIEW_DEBOUNCE_MS, self.refresh_preview)
        self._readiness_timer = self._timer(READINESS_DEBOUNCE_MS, self.check)
        self.retranslate(document.lang)
        document.changed.connect(self._on_changed)
        document.languageChanged.connect(self.retranslate)
        self._stale = True  # build the preview when first shown, not at start-up

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _text(self, setter: Callable[[str], None], key: str) -> None:
        """A text set now and after every language switch."""
        self._texts.append((setter, lambda: self.document.t(f"gui_out_{key}")))

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.outer.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 0, 6, 8)
        self.preview_label = QLabel()
        self.preview_label.setStyleSheet("font-weight: bold;")
        self.preview = QTextBrowser()
        self.preview.setObjectName("memoPreview")
        self.preview.setOpenLinks(False)
        self.preview.setMinimumWidth(360)
        # the text wraps and figures are drawn to the width: no sideways scrolling
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview_label.setBuddy(self.preview)
        left_layout.addWidget(self.preview_label)
        left_layout.addWidget(self.preview, 1)
        splitter.addWidget(left)

        right = QWidget()
        right.setMinimumWidth(300)
        right.setMaximumWidth(420)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 12, 8)
        self.buttons: dict[str, QPushButton] = {}
        self.memo_box = self._export_group(MEMO_EXPORTS)
        self._text(self.memo_box.setTitle, "memo")
        right_layout.addWidget(self.memo_box)

        self.metadata_box = QGroupBox()
        self._text(self.metadata_box.setTitle, "metadata")
        meta = QVBoxLayout(self.metadata_box)
        self.readiness_label = QLabel()
        self.readiness_label.setWordWrap(True)
        self.readiness_status = QLabel()
        self.readiness_status.setWordWrap(True)
        self.readiness_list = QListWidget()
        self.readiness_list.setObjectName("readiness")
        self.readiness_list.setWordWrap(True)
        self.readiness_list.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Expanding)
        self.readiness_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.readiness_list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.readiness_list.itemClicked.connect(self._go_to_item)
        self.readiness_list.itemActivated.connect(self._go_to_item)
        self.readiness_label.setBuddy(self.readiness_list)
        meta.addWidget(self.readiness_label)
        meta.addWidget(self.readiness_status)
        meta.addWidget(self.readiness_list, 1)
        self.draft_box = QCheckBox()
        self.draft_box.setObjectName("export_draft")

        def set_draft_text(text: str) -> None:
            self.draft_box.setText(text)
            self.draft_box.setAccessibleName(text)

        self._text(set_draft_text, "draft")
        meta.addWidget(self.draft_box)
        meta.addLayout(self._button_grid(METADATA_EXPORTS))
        right_layout.addWidget(self.metadata_box, 1)

        self.excel_box = self._export_group(EXCEL_EXPORTS)
        self._text(self.excel_box.setTitle, "excel")
        right_layout.addWidget(self.excel_box)

        self.result_label = QLabel()
        self.result_label.setObjectName("exportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right_layout.addWidget(self.result_label)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)

    def _export_group(self, exports: tuple[Export, ...]) -> QGroupBox:
        box = QGroupBox()
        box.setLayout(self._button_grid(exports))
        return box

    def _button_grid(self, exports: tuple[Export, ...]) -> QGridLayout:
        grid = QGridLayout()
        for i, export in enumerate(exports):
            button = QPushButton()
            button.setObjectName(f"export_{export.key}")
            button.clicked.connect(lambda _=False, e=export: self.export(e))
            self.buttons[export.key] = button

            def set_text(text: str, b: QPushButton = button) -> None:
                b.setText(text)
                b.setAccessibleName(text)

            self._text(set_text, export.key)
            grid.addWidget(button, i, 0)  # one column: Finnish texts are long
        return grid

    # --- language and refresh -------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        d = self.document
        self.heading.setText(d.t("gui_step_outputs"))
        self.intro.setText(d.t("gui_out_intro"))
        for setter, text in self._texts:
            setter(text())
        self.preview_label.setText(d.t("gui_out_preview"))
        self.preview.setAccessibleName(d.t("gui_out_preview"))
        self.readiness_label.setText(d.t("gui_out_readiness"))
        self.readiness_list.setAccessibleName(d.t("gui_out_readiness"))
        self._on_changed()  # memo and readiness texts are in the language: redo them

    def refresh(self) -> None:
        """Re-render the preview soon and re-check the metadata once edits settle."""
        self._preview_timer.start()
        self._readiness_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:  # the page appears at once; the memo follows when the timer fires
            self._stale = False
            if not self.preview.toPlainText().strip():
                self.preview.setPlainText(self.document.t("gui_out_preview_wait"))
            self._preview_timer.start()
            self.check()
        super().showEvent(event)

    def refresh_preview(self) -> None:
        """The memo as the HTML export renders it, in the document's current language."""
        if not self.isVisible():  # left before the timer fired: catch up when shown again
            self._stale = True
            return
        d = self.document
        memo = build_memo(d.assessment, d.forms, d.lang, summary=d.summary())
        html = render_html(memo)
        doc = self.preview.document()
        width = max(self.preview.viewport().width() - 40, 240)
        figures: list[str] = []

        def to_image(match: re.Match[str]) -> str:
            name = f"hrk-figure-{len(figures)}.png"
            image = _svg_image(match.group(0), width)
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            figures.append(name)
            return (f'<img src="{name}" width="{image.width()}" '
                    f'height="{image.height()}"><br>')

        # QTextBrowser draws no inline SVG: the same figure goes in as an image instead
        html = _SVG.sub(to_image, html)
        html = _TABLE.sub(_header_widths, html)
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(html)
        bar.setValue(position)

    # --- readiness ------------------------------------------------------------------------

    def busy(self) -> bool:
        """True while the metadata check runs (or waits to run)."""
        running = self.readiness_task is not None and not self.readiness_task.done
        return running or self._readiness_timer.isActive()

    def check(self) -> None:
        """Validate the catalogue record off the GUI thread; a newer edit re-checks after."""
        self._readiness_timer.stop()
        if self.readiness_task is not None and not self.readiness_task.done:
            self._recheck = True
            return
        d = self.document
        self._recheck = False
        self.readiness_status.setText(d.t("gui_out_checking"))
        self.readiness_status.setStyleSheet("")
        task = run_task(self, d.t("gui_out_checking"), check_readiness,
                        d.assessment.model_copy(deep=True), d.forms, d.lang,
                        Path(d.path) if d.path else None,
                        forms=d.forms, lang=d.lang, show_after_ms=60_000)
        task.finished.connect(self._show_readiness)
        task.failed.connect(self._readiness_failed)
        task.cancelled.connect(self._readiness_done)
        self.readiness_task = task

    def _readiness_done(self) -> None:
        if self._recheck:
            self.check()
        else:
            self.settled.emit()

    def _readiness_failed(self, message: str) -> None:
        self.readiness_status.setText(self.document.t("gui_out_check_failed", detail=message))
        self._readiness_done()

    def _show_readiness(self, readiness: Readiness) -> None:
        self.readiness = readiness
        if not self._recheck:  # an older language's texts would show for a moment only
            self._fill_readiness(readiness)
        self._readiness_done()

    def _fill_readiness(self, r: Readiness) -> None:
        d, lang, forms = self.document, self.document.lang, self.document.forms
        shapes = " + ".join(r.shapes)
        if r.missing:
            self.readiness_status.setText(d.t("gui_out_not_conforming", count=len(r.missing),
                                              shapes=shapes))
            self.readiness_status.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.readiness_status.setText(d.t("gui_out_conforms", shapes=shapes))
            self.readiness_status.setStyleSheet("color: #2e7d32; font-weight: bold;")
        style = self.style()
        icons = {"missing": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
                 "ok": QStyle.StandardPixmap.SP_DialogApplyButton}
        rows: list[tuple[str, str, str]] = []
        rows += [("missing", problem_text(p, lang, forms), p.location)
                 for p in r.missing]
        rows += [("warning", problem_text(p, lang, forms), p.location)
                 for p in r.warnings]
        # a decision not to open is no task: the portal package is simply not made
        rows += [("info" if p.code == "ckan_not_open" else "warning",
                  problem_text(p, lang, forms), p.location) for p in r.catalogue]
        if r.public or r.ckan_ok:  # nothing public before a decider approved this version
            from ..review import gate_text

            approved, text = gate_text(d, r.approvals)
            rows.append(("ok" if approved else "warning", text,
                         "" if approved else "decision.outcome"))
        if r.ckan_ok:
            rows.append(("ok", d.t("gui_out_ckan_ready"), ""))
        rows += [("info", render(reason, lang, forms),
                  RECOMMENDED_PATHS.get(str(reason.params.get("field")), ""))
                 for reason in r.recommended]
        self.readiness_list.clear()
        hint = d.t("gui_out_readiness_go")
        for kind, text, where in rows:
            item = QListWidgetItem(style.standardIcon(icons[kind]), text)
            if where and where != "$":  # the field is reached by a click, never named
                item.setData(Qt.ItemDataRole.UserRole, where)
                item.setToolTip(hint)
                item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, hint)
            self.readiness_list.addItem(item)

    def _go_to_item(self, item: QListWidgetItem) -> None:
        where = item.data(Qt.ItemDataRole.UserRole)
        if where:
            self.fieldRequested.emit(str(where))

    def readiness_items(self) -> list[tuple[str, str]]:
        """(text, answer path) of each readiness row, for tests and the accessibility check."""
        return [(self.readiness_list.item(i).text(),
                 str(self.readiness_list.item(i).data(Qt.ItemDataRole.UserRole) or ""))
                for i in range(self.readiness_list.count())]

    # --- exports --------------------------------------------------------------------------

    def exporting(self) -> bool:
        return self.export_task is not None and not self.export_task.done

    def export(self, export: Export) -> None:
        """Ask where, then render and write off the GUI thread with progress and Cancel."""
        if self.exporting():
            return
        d = self.document
        if export.fmt == "ckan":  # refuse before asking for a file name that gets nothing
            from hrk_workbench.metadata.export import ckan_blockers, ckan_refusal
            from hrk_workbench.metadata.record import build_record

            record = build_record(d.assessment, d.forms)
            refusal = ckan_refusal(record, d.lang, d.forms)
            blockers = [refusal] if refusal else ckan_blockers(record, d.forms, d.lang)
            if blockers:
                self._failed(blockers)
                return
        if export.kind == "metadata" and not self.draft_box.isChecked() \
                and self._unapproved(export):
            return
        path = self._ask_path(export)
        if not path:
            return
        refused = _refused_output(path, d.path, export)
        if refused:  # the open assessment, a folder, /dev/null: said before anything is made
            self._failed(refused)
            return
        title = d.t("gui_out_saving", file=Path(path).name)
        if export.kind == "memo":
            memo = build_memo(d.assessment, d.forms, d.lang, summary=d.summary())
            task = run_task(self, title, export_memo, memo, export.fmt, path,
                            forms=d.forms, lang=d.lang)
        elif export.kind == "excel":
            source = str(d.path) if d.path else d.t("gui_untitled")
            task = run_task(self, title, export_excel, d.assessment.model_copy(deep=True),
                            d.forms, export.fmt, d.lang, source, path, forms=d.forms,
                            lang=d.lang)
        else:
            task = run_task(self, title, export_metadata, d.assessment.model_copy(deep=True),
                            d.forms, export.fmt, d.lang, path, self.draft_box.isChecked(),
                            Path(d.path) if d.path else None, forms=d.forms, lang=d.lang)
        task.finished.connect(self._export_finished)
        task.failed.connect(lambda message: self._failed([message]))
        task.cancelled.connect(lambda: self._report(d.t("gui_out_cancelled")))
        self.export_task = task

    def _unapproved(self, export: Export) -> bool:
        """Refuse (and say why, naming questions, never paths) a public record that no
        decider approved in this version; the steward may tick "as a draft" instead."""
        from hrk_workbench.metadata.record import build_record

        from ..review import gate_text

        d = self.document
        if export.fmt != "ckan" and not build_record(d.assessment, d.forms).is_open:
            return False
        approved, text = gate_text(d)
        if approved:
            return False
        self._failed([text])
        return True

    def _ask_path(self, export: Export) -> str:
        """The file to write, from Qt's (translated) save dialog; the suffix added if left out."""
        d = self.document
        folder = d.path.parent if d.path else Path.home()
        stem = (d.path.name.removesuffix(".hrk.json").removesuffix(".json") if d.path
                else "memo" if export.kind == "memo" else "metadata")
        if export.kind == "metadata" and d.path:
            stem += "-metadata" if export.fmt == "ckan" else ""
        if export.kind == "excel":
            stem += f"-{export.fmt}"
        suggested = str(folder / f"{stem}{export.suffix}")
        filter_text = d.t("gui_out_filter", format=export.name, pattern=f"*{export.suffix}")
        path, _chosen = QFileDialog.getSaveFileName(
            self, d.t("gui_out_save_title", format=export.name), suggested, filter_text,
            options=FILE_DIALOG_OPTIONS)
        if path and (not Path(path).suffix or (export.kind == "excel"
                     and Path(path).suffix.lower() != export.suffix)):
            path += export.suffix  # openpyxl and Excel need .xlsx
        return path

    def _export_finished(self, result: ExportResult) -> None:
        if result.problems:
            self._failed(result.problems)
            return
        d = self.document
        self._report(result.written or d.t("gui_out_saved", file=result.path))
        self.exported.emit(result.path)
        if result.warnings:  # written; say what the layout could not hold, in full
            lines = render_problems(result.warnings, d.lang, d.forms)
            box = QMessageBox(QMessageBox.Icon.Information, d.t("gui_out_excel_lost_title"),
                              d.t("gui_out_excel_lost", count=len(lines)),
                              QMessageBox.StandardButton.Ok, self)
            box.setDetailedText("\n".join(lines))
            self.exportWarned.emit(lines)
            box.exec()

    def _report(self, text: str) -> None:
        """Say what happened beside the buttons and in the window's status bar."""
        self.result_label.setText(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().setStyleSheet("")
            window.statusBar().showMessage(text, 8_000)

    def _failed(self, problems: list[Problem | str]) -> None:
        """A message box with the core's problem texts; nothing was written."""
        d = self.document
        lines = [p if isinstance(p, str) else render_problems([p], d.lang, d.forms)[0]
                 for p in problems]
        self.result_label.setText(d.t("gui_out_nothing_saved"))
        box = QMessageBox(QMessageBox.Icon.Critical, d.t("gui_out_failed_title"),
                          "\n".join(lines), QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(d.t("gui_out_nothing_saved"))
        self.exportFailed.emit(lines)
        box.exec()


def _header_widths(match: re.Match[str]) -> str:
    """The template's column widths (``<col style>``, which Qt ignores) as ``<th width>``,
    which it honours, so the preview's tables keep the memo's proportions."""
    table = match.group(0)
    widths = iter(_COL_WIDTH.findall(table))

    def with_width(m: re.Match[str]) -> str:
        width = next(widths, None)
        return f'<th width="{width}%"' if width else m.group(0)

    return re.sub(r"<th\b", with_width, table)


def _svg_image(svg: str, max_width: int) -> QImage:
    """The SVG figure drawn at the preview's width (at most its natural size) on white."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    natural = renderer.defaultSize()
    if natural.isEmpty():
        natural = QSize(600, 300)
    width = min(max_width, natural.width())
    size = QSize(width, max(1, round(natural.height() * width / natural.width())))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image
