"""What the Risk lab and the Table lab decide, apart from the window that shows it.

Why a module of its own: the lab pages are widgets; every choice that changes a figure or a
file (which options the measures take, how a protection step is made from the steward's
choices, which data the verdict is judged on, what a saved result or an exported recipe
holds, which table may be written) is made here, in plain Python without Qt, so the command
line, the tests and the window share one answer. Heavy libraries (pandas, DuckDB) load only
inside the functions that read or measure data, which run on worker threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from hrk_workbench.disclosure.microdata.measures import MeasuredRisk
    from hrk_workbench.forms.loader import Forms

ROLES = ("direct", "quasi", "sensitive", "other")
# steps offered by the lab: op -> the kind of parameter the steward gives
STEP_KINDS: dict[str, str] = {
    "drop": "column", "remove_direct_identifiers": "none", "band": "width",
    "band_breaks": "breaks", "top_code": "at", "bottom_code": "at", "merge": "hierarchy",
    "date": "to", "grid": "size", "suppress": "k", "exclude": "k", "pseudonymise": "key",
    "sample": "fraction", "pram": "retain", "microaggregate": "group_k", "noise": "std_share",
}
NUMBER_KINDS = ("width", "at", "k", "fraction", "breaks", "size", "retain", "group_k",
                "std_share")  # the steps whose parameter is typed as a number
SEEDED_KINDS = ("fraction", "retain", "std_share")  # steps that draw at random
# steps on the whole file, not one column (grid: on the columns found as coordinates)
NO_COLUMN_KINDS = ("k", "fraction", "none", "size")


class StepRefused(ValueError):
    """The steward's choices make no step; ``code`` says what is missing, ``params`` fill
    the message (the window words it in the steward's language)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class StepChoices:
    """What the step form holds: the operation, its column and parameters as chosen."""

    op: str
    column: str | None = None
    number: Any = None  # the typed parameter as parsed (a number, or the text when none)
    breaks: list[float] | None = None
    to: str | None = None
    hierarchy: str | None = None
    seed: int = 0
    importance: str = ""  # suppression: key variables, most important first


def step_from_choices(choices: StepChoices, roles: Mapping[str, str],
                      coordinates: Callable[[], list[str]] | None = None) -> dict[str, Any]:
    """The recipe step (recipe JSON) the choices describe; StepRefused when incomplete.

    ``roles`` maps each column to its role; ``coordinates`` returns the two coordinate
    columns, easting first (see :func:`coordinate_columns`)."""
    op, column, number = choices.op, choices.column, choices.number
    kind = STEP_KINDS[op]
    if kind == "breaks":
        if not choices.breaks:
            raise StepRefused("need_breaks")
    elif kind in NUMBER_KINDS and not isinstance(number, (int, float)):
        raise StepRefused("need_number")
    if kind not in NO_COLUMN_KINDS and not column:
        raise StepRefused("incomplete")
    if op == "remove_direct_identifiers":
        direct = [c for c, r in roles.items() if r == "direct"]
        if not direct:
            raise StepRefused("no_direct")
        return {"op": op, "columns": direct}
    if op == "grid":
        found = coordinates() if coordinates else []
        if len(found) != 2 or not number or number < 1:
            raise StepRefused("no_coordinates")
        return {"op": "grid", "columns": found, "size_m": int(number)}
    simple = _simple_step(choices)
    if simple is not None:
        return simple
    if op == "merge":
        if not choices.hierarchy:
            raise StepRefused("need_hierarchy")
        return {"op": "merge", "column": column, "hierarchy": choices.hierarchy}
    if op == "suppress" and choices.importance.strip():
        return suppress_step(int(number), choices.importance,
                             [c for c, r in roles.items() if r == "quasi"])
    return _drawn_step(choices)


def _simple_step(c: StepChoices) -> dict[str, Any] | None:
    """The steps that take the column and at most one parameter as given."""
    if c.op == "band_breaks":
        return {"op": "band", "column": c.column, "breaks": c.breaks}
    if c.op in ("drop", "pseudonymise"):
        return {"op": c.op, "columns": [c.column]}
    if c.op == "band":
        return {"op": "band", "column": c.column, "width": c.number}
    if c.op in ("top_code", "bottom_code"):
        return {"op": c.op, "column": c.column, "at": c.number}
    if c.op == "date":
        return {"op": "date", "column": c.column, "to": c.to}
    return None


def _drawn_step(c: StepChoices) -> dict[str, Any]:
    """Suppression, exclusion, and the steps given in per cent or drawn at random."""
    if c.op in ("suppress", "exclude"):
        return {"op": c.op, "k": int(c.number)}
    if c.op == "pram":  # the share kept, in per cent as the sample's
        return {"op": "pram", "columns": [c.column], "retain": float(c.number) / 100,
                "seed": c.seed}
    if c.op == "microaggregate":
        return {"op": "microaggregate", "columns": [c.column], "k": int(c.number)}
    if c.op == "noise":
        return {"op": "noise", "columns": [c.column], "std_share": float(c.number) / 100,
                "seed": c.seed}
    return {"op": "sample", "fraction": float(c.number) / 100, "seed": c.seed}


def suppress_step(k: int, importance: str, key_variables: list[str]) -> dict[str, Any]:
    """Suppression with the steward's importance order (key variables, most important
    first, by commas or semicolons); StepRefused when one is not a key variable."""
    import re

    order = [c.strip() for c in re.split(r"[,;]", importance) if c.strip()]
    unknown = [c for c in order if c not in key_variables]
    if unknown:
        raise StepRefused("importance_unknown", columns=", ".join(unknown))
    return {"op": "suppress", "k": k, "importance": order}


def coordinate_columns(frame: pd.DataFrame | None, bases: Mapping[str, str]) -> list[str]:
    """The columns whose values were recognised as coordinates, easting (the smaller
    numbers) first; ``bases`` maps a column to the basis of its role suggestion."""
    from hrk_workbench.disclosure.microdata.values import numbers

    found = [c for c, basis in bases.items() if basis.partition(":")[0] == "coordinates"]
    if len(found) != 2 or frame is None:
        return []
    return sorted(found, key=lambda c: float(numbers(frame[c]).median()))


# --- roles and the measures' options ----------------------------------------------------------

def initial_role(saved: str | None, suggested: str | None) -> str:
    """The role a column starts with: the one the steward confirmed for this file, else the
    suggestion, else "other"."""
    role = saved or suggested or "other"
    return role if role in ROLES else "other"


def person_time(person: str | None, time: str | None) -> tuple[str | None, str | None]:
    """The person id and time columns of longitudinal data; (None, None) unless both are
    chosen and differ."""
    if not person or not time or person == time:
        return None, None
    return str(person), str(time)


def measure_options(columns: list[str], roles: Mapping[str, str], not_identifying: list[str],
                    suggested_quasi: Iterable[str], time: str | None, weight: str | None,
                    person: str | None, assessment: Any, forms: Forms) -> dict[str, Any]:
    """What the measures take beside the keys: the period (the time column, else a column
    named as one), the weight, the quasi-identifiers detected but not among the keys (less
    those marked not identifying), and the assessment's individual-risk threshold."""
    from hrk_workbench.disclosure.microdata.verdict import assessment_limits, period_column

    period = time or period_column(columns, forms)
    chosen = {c for c, r in roles.items() if r in ("quasi", "sensitive")}
    skip = {*chosen, *not_identifying, *(c for c in (person, period, weight) if c)}
    suggested = set(suggested_quasi)
    extra = [c for c in columns if c not in skip and c in suggested]
    return {"period": period or None, "weight": weight, "extra_quasi": extra,
            "risk_threshold": assessment_limits(assessment, forms).individual_risk}


def kept_options(options: dict[str, Any] | None, columns: list[str]) -> dict[str, Any]:
    """The measures' options for the protected file: the period, weight and omitted
    quasi-identifiers that its columns still hold."""
    out = dict(options or {})
    for name in ("period", "weight"):
        if out.get(name) not in columns:
            out[name] = None
    out["extra_quasi"] = [c for c in out.get("extra_quasi") or [] if c in columns]
    return out


# --- one run of the recipe --------------------------------------------------------------------

@dataclass
class LabRun:
    """What one run of the recipe gave: risk before and after, loss, the protected data."""

    before: MeasuredRisk | None
    after: MeasuredRisk | None
    loss: dict[str, Any] | None
    protected: pd.DataFrame | None
    still_personal: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)


def run_recipe(frame: pd.DataFrame, recipe: Any, key: bytes | None, file: str,
               before: MeasuredRisk | None = None, person: str | None = None,
               time: str | None = None, options: dict[str, Any] | None = None,
               report: Callable[[int], None] = lambda _done: None) -> LabRun:
    """Measure the original, apply the recipe, measure the file as written, report the loss
    (InputError on bad input). The same calls as ``hrk-workbench puf``, so the lab and the
    command line give the same figures; ``report(n)`` marks stage n of 3 done."""
    from hrk_workbench.disclosure.microdata.loss import loss_report
    from hrk_workbench.disclosure.microdata.measures import measure_frame
    from hrk_workbench.disclosure.microdata.published import as_written
    from hrk_workbench.disclosure.microdata.recipe import apply_recipe, check_key

    keys, sensitive = list(recipe.key_variables), list(recipe.sensitive)
    if key is not None:
        check_key(key)
    if before is None and keys:
        before = measure_frame(frame, keys, sensitive, person, time, file=file,
                               **(options or {}))
    report(1)
    if not recipe.steps:
        return LabRun(before, None, None, None)
    applied = apply_recipe(frame, recipe, key)
    report(2)
    written = as_written(applied.data)
    columns = list(written.columns)
    keys_after = [k for k in keys if k in columns]
    longitudinal = person in columns and time in columns
    after = measure_frame(written, keys_after, [s for s in sensitive if s in columns],
                          person if longitudinal else None, time if longitudinal else None,
                          file=file, **kept_options(options, columns)) if keys_after else None
    loss = loss_report(frame, applied.data, recipe.recoded(), recipe.stated_roles(),
                       min_count=recipe.min_category())
    return LabRun(before, after, loss, applied.data, applied.still_personal,
                  [s.to_dict() for s in applied.steps])


def shown_measure(run: LabRun | None, has_steps: bool) -> MeasuredRisk | None:
    """The measure reported as the result: after the recipe when there is one."""
    if run is None:
        return None
    return run.after if has_steps else run.before


def published_data(run: LabRun | None, has_steps: bool,
                   original: pd.DataFrame | None) -> pd.DataFrame | None:
    """The data that would be published: the protected data when the recipe has steps and
    was applied, else the original."""
    if has_steps and run is not None and run.protected is not None:
        return run.protected
    return original


def exportable(run: LabRun | None, has_steps: bool, measured: bool, large: bool) -> bool:
    """Whether the lab offers the protected CSV: a measured result of data in memory whose
    recipe (if any) was applied."""
    return measured and not large and run is not None and \
        (run.protected is not None or not has_steps)


# --- what is saved and exported ---------------------------------------------------------------

def needs_key(steps: Iterable[Any]) -> bool:
    """Whether a recipe pseudonymises, and so needs the steward's key to be replayed."""
    return any(isinstance(s, dict) and s.get("op") == "pseudonymise" for s in steps)


def saved_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps as the assessment keeps them: hierarchy file names only, never paths."""
    out = []
    for step in steps:
        if step.get("hierarchy"):
            step = {**step, "hierarchy": Path(step["hierarchy"]).name}
        out.append(step)
    return out


def recipe_for_file(steps: list[dict[str, Any]], folder: str | os.PathLike[str],
                    key_variables: list[str], sensitive: list[str], person: str | None,
                    time: str | None) -> Any:
    """The recipe as written to a file in ``folder``: hierarchy files relative to it (as
    ``puf --recipe`` reads them); it never holds the pseudonymisation key."""
    from hrk_workbench.disclosure.microdata.recipe import Recipe

    base = Path(folder).resolve()
    out = []
    for step in steps:
        if step.get("hierarchy"):
            try:
                rel = os.path.relpath(step["hierarchy"], base)
            except ValueError:  # another drive on Windows
                rel = step["hierarchy"]
            step = {**step, "hierarchy": Path(rel).as_posix()}
        out.append(step)
    return Recipe.model_validate({"key_variables": key_variables, "sensitive": sensitive,
                                  "person": person, "time": time, "steps": out})


def status_path(path: str | os.PathLike[str]) -> Path:
    """Where the working status of a public table goes: beside it, ``-status`` added."""
    p = Path(path)
    return p.with_name(f"{p.stem}-status{p.suffix}")


def table_writable(protected: Any, perturbed: Any) -> bool:
    """Only a table the audit passed (or a cell key table, where nothing is suppressed)
    may be written or saved."""
    return perturbed is not None or (protected is not None and protected.audit.ok)


def table_entry(protected: Any, perturbed: Any, name: str, forms: Forms,
                advised: int | None) -> dict[str, Any] | None:
    """The table lab result to save (None for a table that may not be saved), with the
    minimum frequency against the assessment's advice (a cell key table has no rules)."""
    from hrk_workbench.disclosure import results
    from hrk_workbench.disclosure.tables.primary import choose_min_frequency

    if not table_writable(protected, perturbed):
        return None
    if perturbed is not None:
        return dict(perturbed.table_lab_entry(name))
    choice = choose_min_frequency(forms, advised, protected.rules.min_frequency)
    return {**results.table_lab_result(protected, name), **choice.to_dict()}


def cellkey_count_table(frame: pd.DataFrame, dimensions: list[str], value: str | None,
                        hierarchies: dict[str, str], forms: Forms, counted: bool,
                        total_labels: tuple[str, ...] = ()) -> Any:
    """The count table with every cell perturbed by the cell key method, as ``tables
    --method cellkey`` makes it: record keys from forms' seed, forms' ptable. ``counted`` is
    False when a sum, an aggregated table, a weight or a holding is asked for, which the
    method has no use for: refused (InputError), not ignored."""
    from hrk_workbench.disclosure.tables.cellkey import (
        Defaults,
        cellkey_table,
        default_ptable,
        record_keys,
    )
    from hrk_workbench.disclosure.tables.cells import read_hierarchy
    from hrk_workbench.foundations.problems import InputError, Problem

    if value or not counted:
        raise InputError("data", [Problem("$", "the cell key method makes count tables",
                                          code="cellkey_count_only")])
    hier = {dim: read_hierarchy(path, dim) for dim, path in hierarchies.items()}
    seed = Defaults.from_forms(forms).seed
    return cellkey_table(frame, dimensions, record_keys(len(frame), seed),
                         default_ptable(forms), hierarchies=hier, total_labels=total_labels,
                         record_keys=f"seed {seed}")
