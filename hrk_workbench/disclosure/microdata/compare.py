"""Two recipes side by side: the risk each leaves and the utility each keeps.

A steward choosing between, say, suppression and microaggregation needs the same figures for
both, measured the same way: the file each recipe writes is measured on the same key
variables (the ones the steward confirmed), with the same verdict, SUDA2 and utility
measures. Figures only: no record's value (SUDA2 names rows by number, the utility report
names only categories of at least the recipe's k records).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.forms.loader import Forms


@dataclass(frozen=True)
class Side:
    """One column of the comparison: a name for the steward, and a recipe (None: the
    original file as it is)."""

    name: str
    recipe: Any = None
    base_dir: str = "."


def summarise(frame: pd.DataFrame, side: Side, keys: Sequence[str], *,
              key: bytes | None = None, assessment: Any = None, forms: Forms | None = None,
              suda_size: int = 3, cancelled: Callable[[], bool] | None = None
              ) -> dict[str, Any]:
    """Risk and utility of the file ``side``'s recipe writes from ``frame``, measured on
    ``keys`` (those the written file keeps), as ``puf`` measures it."""
    from hrk_workbench.disclosure.microdata.loss import loss_report
    from hrk_workbench.disclosure.microdata.measures import measure_frame
    from hrk_workbench.disclosure.microdata.published import as_written
    from hrk_workbench.disclosure.microdata.recipe import apply_recipe
    from hrk_workbench.disclosure.microdata.suda import suda2
    from hrk_workbench.disclosure.microdata.verdict import (
        assessment_limits,
        assessment_threshold,
        direct_columns_in_frame,
        risk_verdict,
    )
    from hrk_workbench.forms.loader import load_forms

    forms = forms or load_forms()
    loss = None
    if side.recipe is None:
        written = frame
    else:
        applied = apply_recipe(frame, side.recipe, key, base_dir=side.base_dir)
        written = as_written(applied.data)
        loss = loss_report(frame, applied.data, side.recipe.recoded(),
                           side.recipe.stated_roles(), min_count=side.recipe.min_category())
    kept = [k for k in keys if k in written.columns]
    out: dict[str, Any] = {"name": side.name, "rows": len(written), "keys": kept,
                           "k": None, "sample_uniques": None, "safe": None,
                           "verdict_codes": [], "suda2": None, "loss": None}
    if kept:
        measured = measure_frame(written, kept, file=side.name)
        limits = assessment_limits(assessment, forms)
        threshold = assessment_threshold(assessment, forms) if assessment is not None \
            else None
        verdict = risk_verdict(measured.to_dict(), threshold,
                               direct_columns_in_frame(written), limits)
        found = suda2(written, kept, suda_size, cancelled)
        out.update(k=measured.k, sample_uniques=measured.sample_uniques, safe=verdict.safe,
                   verdict_codes=[r.code for r in verdict.reasons],
                   verdict=verdict, suda2=found.to_dict())
    if loss is not None:
        out["loss"] = _loss_figures(loss)
    return out


def _loss_figures(loss: dict[str, Any]) -> dict[str, Any]:
    """The loss and utility figures the comparison shows."""
    utility = loss.get("utility") or {}
    corr = utility.get("correlations") or {}
    shares = [c["changed_share"] for c in (utility.get("categories") or {}).values()
              if c.get("changed_share") is not None]
    mean_shifts = []
    for info in (utility.get("numeric") or {}).values():
        mean = info["mean"]
        if mean["before"]:
            mean_shifts.append(abs(mean["change"] or 0) / abs(mean["before"]))
    return {"records_removed": loss["records_removed"],
            "values_suppressed": loss["values_suppressed"],
            "il1s": utility.get("il1s"),
            "max_correlation_change": corr.get("max_abs_change"),
            "max_category_changed_share": max(shares) if shares else None,
            "max_mean_change_share": round(max(mean_shifts), 6) if mean_shifts else None}


def choice(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Which recipe to prefer and why, as a message key and its parameters: one that passes
    the verdict over one that does not; of two that pass, the one that loses less (fewer
    records removed and values blanked, then the smaller IL1s)."""
    if a["safe"] and not b["safe"]:
        return "gui_compare_why_only", {"name": a["name"], "other": b["name"]}
    if b["safe"] and not a["safe"]:
        return "gui_compare_why_only", {"name": b["name"], "other": a["name"]}
    if not a["safe"]:
        return "gui_compare_why_neither", {}

    def cost(side: dict[str, Any]) -> tuple[float, float]:
        loss = side.get("loss") or {}
        lost = (loss.get("records_removed") or 0) + (loss.get("values_suppressed") or 0)
        return (lost / max(side["rows"] or 1, 1), loss.get("il1s") or 0.0)

    if cost(a) == cost(b):
        return "gui_compare_why_same", {}
    better, other = (a, b) if cost(a) < cost(b) else (b, a)
    return "gui_compare_why_both", {"name": better["name"], "other": other["name"]}


def side_from_file(path: str) -> Side:
    """A saved recipe file as one side of the comparison (its hierarchies read beside it)."""
    from hrk_workbench.disclosure.microdata.recipe import load_recipe

    return Side(Path(path).name, load_recipe(path), str(Path(path).parent))
