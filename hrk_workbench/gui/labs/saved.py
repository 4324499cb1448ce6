"""The labs' saved results, shown on their steps whenever an assessment is open.

A lab page used to show only what was computed in this session: reopen the assessment and
the Risk lab looked as if nothing had been measured, though the file held k, the recipe and
the verdict. These group boxes show what the file holds: the data file and its fingerprint
(and whether it is still the file measured), the roles, the recipe step by step in words, the
measures with the loss, the verdict, and when and by whom it was saved. An older file whose
result has no fingerprint shows what it holds and says that a change cannot be checked. A
changed or missing data file is said here and in the still-missing list, never in a dialog.

Two actions: "apply the saved recipe to a new data file" (next year's extract) runs the
library function behind ``hrk-workbench reassess`` off the GUI thread and shows the measures
before and after, with a button to save the new result (one undoable edit); "edit the
recipe" loads the saved steps into the lab's recipe.

The labs record fingerprints when they save (:func:`risk_fingerprints`,
:func:`table_fingerprints`), as the command line's ``--save`` does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from hrk_workbench.foundations.i18n import babel_locale, format_number
from hrk_workbench.foundations.problems import InputError

from ..document import Document
from ..workers import Progress

# --- fingerprints when a lab saves ------------------------------------------------------------


def _fingerprint(document: Document, file: str | None,
                 shape: tuple[int | None, int | None]) -> dict[str, Any] | None:
    """The file's fingerprint relative to the assessment's folder (absolute while the
    assessment is not saved yet); None when there is no such file."""
    from hrk_workbench.disclosure.fingerprints import fingerprint

    if not file or not Path(file).is_file():
        return None
    base = document.path.parent if document.path else None
    try:
        return fingerprint(file, base, *shape)
    except OSError:  # unreadable since it was read: saved without, said as not checkable
        return None


def risk_fingerprints(page: Any, value: dict[str, Any]) -> dict[str, Any]:
    """The Risk lab's result with the data file read (``source``) and the protected file
    written for this result (``output``), as ``risk --save`` and ``puf --save`` record them."""
    frame = page.frame
    shape = (None, None) if frame is None else (len(frame), len(frame.columns))
    out = dict(value)
    source = _fingerprint(page.document, page.path, shape)
    if source is not None:
        out["source"] = source
    # the file exported for this very computation; one written before a change is not it
    written, result = getattr(page, "exported_for", None) or (None, None)
    if result is not page.result:
        written = None
    output = _fingerprint(page.document, written, (value.get("rows"),
                                                   len(value.get("columns") or []) or None))
    if output is not None:
        out["output"] = output
    return out


def table_fingerprints(page: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """The Table lab's entry with the data read and the table written (when it was written
    under the name the entry carries), as ``tables --save`` records them."""
    frame = page.frame
    shape = (None, None) if frame is None else (len(frame), len(frame.columns))
    out = dict(entry)
    source = _fingerprint(page.document, page.path, shape)
    if source is not None:
        out["source"] = source
    written = getattr(page, "exported_path", None)
    if written and Path(written).name == entry.get("name"):
        output = _fingerprint(page.document, written, (None, None))
        if output is not None:
            out["output"] = output
    return out


# --- words ----------------------------------------------------------------------------------


def when_text(moment: datetime | None, lang: str) -> str:
    """A time as the steward's locale writes it (15.12.2026 klo 14.05 in Finnish)."""
    if moment is None:
        return "—"
    from babel.dates import format_datetime

    return format_datetime(moment, format="short", locale=babel_locale(lang))


def size_text(size: int | None, lang: str) -> str:
    if size is None:
        return "—"
    if size < 1024 * 1024:
        return f"{format_number(round(size / 1024, 1), lang)} KiB"
    return f"{format_number(round(size / (1024 * 1024), 1), lang)} MiB"


def fingerprint_text(document: Document, fp: Any, name: str) -> str:
    """One fingerprint in words; a result saved before fingerprints says what it holds."""
    lang = document.lang
    if fp is None or not fp.sha256:
        return document.t("gui_saved_no_fingerprint", name=name or "—")
    return document.t(
        "gui_saved_fingerprint", name=fp.path,
        rows="—" if fp.rows is None else format_number(fp.rows, lang),
        columns="—" if fp.columns is None else format_number(fp.columns, lang),
        size=size_text(fp.size, lang), modified=when_text(fp.modified, lang),
        sha=fp.sha256[:16] + "…")


def saved_by(document: Document, path: str) -> str:
    """Who saved the answer at ``path`` last, from the change log ("" when not recorded)."""
    for entry in reversed(document.assessment.change_log):
        if any(c.path == path or c.path.startswith(f"{path}.") for c in entry.changes):
            return entry.by
    return ""


def _lines(label_widget: QLabel, lines: list[str]) -> None:
    label_widget.setText("\n".join(lines))
    label_widget.setAccessibleName(" ".join(lines))


def _heading(layout: QVBoxLayout) -> QLabel:
    heading = QLabel()
    heading.setStyleSheet("font-weight: bold; margin-top: 4px;")
    layout.addWidget(heading)
    return heading


def _text(layout: QVBoxLayout, name: str) -> QLabel:
    text = QLabel()
    text.setObjectName(name)
    text.setWordWrap(True)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(text)
    return text


STALE_STYLE = "color: #b00020; font-weight: bold;"
OK_STYLE = "color: #2e7d32;"


# --- the re-assessment, off the GUI thread ----------------------------------------------------

def reassess_task(progress: Progress, assessment: Any, assessment_path: str | None,
                  data: str, forms: Any, lang: str, key: bytes | None) -> Any:
    """``reassess`` as the command runs it; a problem comes back as data to be shown."""
    from hrk_workbench.disclosure.microdata.reassess import reassess

    progress.report(0, 1)
    # an assessment not saved yet has no folder: the new file's own folder resolves the
    # recipe's hierarchy files, and its fingerprint keeps the absolute path
    where = assessment_path or str(Path(data).resolve().parent / "unsaved.hrk.json")
    try:
        report = reassess(assessment, where, data, forms, lang, key)
    except InputError as exc:
        return exc
    except OSError as exc:  # unreadable or gone between choosing and reading
        return exc
    if assessment_path is None:
        report["_result"]["source"]["path"] = str(Path(data).resolve())
    progress.report(1, 1)
    return report


# --- the Table lab's saved tables -------------------------------------------------------------

class SavedTables(QGroupBox):
    """The saved ``table_lab`` entries on the Table lab step: each table, its files' state."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("savedTables")
        layout = QVBoxLayout(self)
        self.text = _text(layout, "savedTablesText")
        self.stale = _text(layout, "savedTablesStale")
        self.stale.setStyleSheet(STALE_STYLE)
        document.changed.connect(self.refresh)
        document.pathChanged.connect(lambda _p: self.refresh())
        document.languageChanged.connect(lambda _lang: self.refresh())
        self.refresh()

    def lines(self) -> list[str]:
        d = self.document
        lines: list[str] = []
        for entry in d.assessment.table_lab:
            audit = d.t("gui_saved_audit_ok" if entry.audit_ok else "gui_saved_audit_failed")
            lines.append(d.t("gui_saved_table", name=entry.name or "—",
                             dimensions=" × ".join(entry.dimensions) or "—",
                             cells=format_number(entry.cells, d.lang),
                             primary=format_number(entry.primary, d.lang),
                             secondary=format_number(entry.secondary, d.lang), audit=audit))
            lines.append(f"    {d.t('gui_saved_source')}: "
                         f"{fingerprint_text(d, entry.source, '')}")
            if entry.output is not None:
                lines.append(f"    {d.t('gui_saved_output')}: "
                             f"{fingerprint_text(d, entry.output, entry.name)}")
            if entry.saved_at is not None:
                when = when_text(entry.saved_at, d.lang)
                lines.append(f"    {d.t('gui_saved_when_only', when=when)}")
        return lines

    def refresh(self) -> None:
        from hrk_workbench.disclosure.fingerprints import stale_texts

        d = self.document
        title = d.t("gui_saved_group")
        self.setTitle(title)
        self.setAccessibleName(title)
        lines = self.lines() or [d.t("gui_saved_none")]
        _lines(self.text, lines)
        stale = stale_texts(d.assessment, d.path, d.forms, d.lang, lab="table_lab")
        _lines(self.stale, stale)
        self.stale.setVisible(bool(stale))

