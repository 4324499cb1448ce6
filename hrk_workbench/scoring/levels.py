"""Map a number to a named level using the bands of a form (each band starts at its min)."""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms.schema import Band


@dataclass(frozen=True)
class LevelMatch:
    level: str
    lower: float
    upper: float | None  # the next band's min (exclusive), None for the top band


def level_for(value: float, bands: list[Band]) -> LevelMatch:
    """The band containing ``value``; values below the first band belong to the first band."""
    chosen = 0
    for i, band in enumerate(bands):
        if value >= band.min:
            chosen = i
    upper = bands[chosen + 1].min if chosen + 1 < len(bands) else None
    return LevelMatch(bands[chosen].id, bands[chosen].min, upper)


def level_params(value: float, match: LevelMatch, name: str) -> dict[str, float | str]:
    """Reason parameters for a level: the value, the level and its band's bounds."""
    params: dict[str, float | str] = {name: value, "level": match.level, "lower": match.lower}
    if match.upper is not None:
        params["upper"] = match.upper
    return params


def number(value: float) -> float | int:
    """Whole euros and scores as ints, everything else rounded to cents, for stable JSON."""
    value = round(value, 2)
    return int(value) if float(value).is_integer() else value
