"""The Table lab's work off the GUI thread: build the table and protect it (cell
suppression, audit) or perturb it (cell key method), and write it.

Every figure comes from ``hrk_workbench.disclosure`` (the calls of ``hrk-workbench tables``);
what may be written, and where the working status goes, is ``lab_session``'s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrk_workbench.disclosure.lab_session import cellkey_count_table, status_path
from hrk_workbench.foundations.problems import InputError

from ..workers import Cancelled, Progress
from .data import Refused

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.tables.cellkey import CellKeyTable
    from hrk_workbench.disclosure.tables.primary import Rules
    from hrk_workbench.disclosure.tables.protect import ProtectedTable
    from hrk_workbench.forms.loader import Forms


def protect(progress: Progress, frame: pd.DataFrame, dimensions: list[str], value: str | None,
            hierarchies: dict[str, str], rules: Rules, cost: str = "cells",
            aggregate: tuple[str | None, list[str]] | None = None,
            total_labels: tuple[str, ...] = (), units: tuple[str | None, str | None] = (None,
                                                                                        None),
            stages: dict[str, str] | None = None) -> Any:
    """Build the table and protect it (worker thread); Refused on bad input.

    From microdata (``units`` = (sampling weight column, holding column), either None), or
    with ``aggregate`` = (unit count column, largest-contribution columns) from an already
    aggregated table, one row per cell. The same calls and defaults (method ``auto``) as
    ``hrk-workbench tables``; ``cost`` is what secondary suppression minimises. Progress is
    reported per stage (``stages``: the texts) and between solver steps, where Cancel stops
    the solve at once instead of after it.
    """
    texts = stages or {}
    steps = [0]

    def tick(stage: str) -> None:  # raises Cancelled when the steward cancels
        if progress.cancelled:  # nothing more to show: the task has ended
            raise Cancelled()
        steps[0] += stage == "secondary"
        done = {"primary": 1, "secondary": 2, "audit": 3}[stage]
        progress.report(done, 4, texts.get(stage, "").format(step=steps[0]))

    from hrk_workbench.disclosure.tables.cells import (
        read_hierarchy,
        table_from_aggregate,
        table_from_microdata,
    )
    from hrk_workbench.disclosure.tables.protect import protect_table

    progress.report(0, 4)
    try:
        hier = {dim: read_hierarchy(path, dim) for dim, path in hierarchies.items()}
        if aggregate is None:
            table = table_from_microdata(frame, dimensions, value=value, hierarchies=hier,
                                         total_labels=total_labels, weight=units[0],
                                         holding=units[1])
        else:
            count, top = aggregate
            table = table_from_aggregate(frame, dimensions, value=value, count=count, top=top,
                                         hierarchies=hier, total_labels=total_labels)
        result = cancellable(progress, protect_table, table, rules, cost=cost, tick=tick)
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(4, 4)
    return result


def perturb(progress: Progress, frame: pd.DataFrame, dimensions: list[str], value: str | None,
            hierarchies: dict[str, str], forms: Forms, counted: bool,
            total_labels: tuple[str, ...] = ()) -> Any:
    """The library's cell key table (``lab_session.cellkey_count_table``) on a worker
    thread; Refused on bad input (a sum, an aggregate, a weight or a holding included)."""
    progress.report(0, 2)
    try:
        result = cellkey_count_table(frame, dimensions, value, hierarchies, forms, counted,
                                     total_labels)
    except InputError as exc:
        return Refused(exc.source, exc.problems)
    progress.report(2, 2)
    return result


def write_perturbed(progress: Progress, table: CellKeyTable, path: str) -> str:
    """The cell key table (CSV or XLSX by the suffix), as ``tables -o`` writes it; no
    working status: nothing is suppressed."""
    progress.report(0, 1)
    table.write(path)
    progress.report(1, 1)
    return path


def cancellable(progress: Progress, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` on a thread of its own, given up at once on Cancel.

    Why: the solve stops itself between its steps (its ``tick`` raises), but one linear
    programme of the audit of a large table can run for seconds and cannot be interrupted;
    the steward should not wait for it. Its result is then dropped (the thread ends by
    itself, holding no widget and writing nothing). Not a daemon: quitting waits for that
    programme to end rather than tear the solver down mid-way, which aborts the process.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the worker thread, which reports it
            box["error"] = exc

    thread = threading.Thread(target=run, name="table-lab-solve", daemon=False)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
        if progress.cancelled:
            raise Cancelled()
    if "error" in box:
        raise box["error"]
    return box["result"]


def write_table(progress: Progress, protected: ProtectedTable, path: str, symbol: str) -> str:
    """The public table (CSV or XLSX by the file's suffix) and beside it its working status
    (the same format), both atomically by the table's own writers, as ``tables -o ...
    --status ...`` writes them."""
    progress.report(0, 2)
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        protected.write_xlsx(path, symbol)
    else:
        protected.write_csv(path, symbol)
    progress.report(1, 2)
    protected.write_status(status_path(path))
    progress.report(2, 2)
    return path


