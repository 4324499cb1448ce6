"""Legends drawn with QPainter wrap their entries into rows that fit the widget's width."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def wrap_rows(entries: Iterable[T], width: float, need: Callable[[T], float]) -> list[list[T]]:
    """Entries in rows no wider than ``width``; an entry wider than that gets a row alone."""
    rows: list[list[T]] = [[]]
    used = 0.0
    for entry in entries:
        room = need(entry)
        if rows[-1] and used + room > width:
            rows.append([])
            used = 0.0
        rows[-1].append(entry)
        used += room
    return rows
