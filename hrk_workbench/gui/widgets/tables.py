"""Column titles that are never cut.

Finnish and Swedish titles are often twice as long as the English ones ("3 vuoden kustannus
€"); a column sized for its values, or left at Qt's default 100 pixels before any row
exists, cuts them. ``fit_header_sections`` widens every visible column to at least what the
header needs for its title in the header's own font (Qt's section size hint: the text's
font metrics, all lines of a two-line title, plus the style's margins); columns already wider
are left as they are.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView, QWidget


def header_needs(header: QHeaderView, section: int) -> int:
    """The width (or height, for a vertical header) ``section`` needs to show its title."""
    return header.sectionSizeHint(section)


def fit_header_sections(view: QAbstractItemView) -> None:
    """Widen the columns of ``view`` whose title does not fit."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else (
        view.header() if isinstance(view, QTreeView) else None)
    if header is None or header.isHidden():
        return
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        if header.sectionResizeMode(section) != QHeaderView.ResizeMode.Interactive:
            continue  # stretched and content-sized sections are sized by Qt
        need = header_needs(header, section)
        if header.sectionSize(section) < need:
            header.resizeSection(section, need)


def fit_all_headers(root: QWidget) -> None:
    """``fit_header_sections`` for every table and tree under ``root``."""
    for view in root.findChildren(QAbstractItemView):
        if isinstance(view, QTableView | QTreeView):
            fit_header_sections(view)
