"""The public-use file as it will be read: the protected frame written and read back (what a
user gets, types and all), and the verdict on it as the command line, the Risk lab and a
reassessment report it.
"""

from __future__ import annotations

from typing import Any

from hrk_workbench.forms.loader import Forms


def verdict_json(measured: dict[str, Any], assessment: Any, lang: str, forms: Forms,
                 identifiers: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The ``verdict`` object of ``risk --json`` (and of ``puf``'s report): the codes with
    their values and the same reasons as text in ``lang``."""
    from hrk_workbench.disclosure.microdata.verdict import (
        assessment_limits,
        assessment_threshold,
        risk_verdict,
    )
    from hrk_workbench.foundations.i18n import render_all

    threshold = assessment_threshold(assessment, forms) if assessment is not None else None
    verdict = risk_verdict(measured, threshold, identifiers,
                           assessment_limits(assessment, forms))
    return {**verdict.to_dict(), "text": render_all(verdict.reasons, lang, forms)}


def judge_written(written: Any, keys: list[str], sensitive: list[str], recipe: Any,
                target: Any, forms: Forms) -> dict[str, Any]:
    """What ``risk`` measures beside the keys, for the file ``puf`` wrote: its period column,
    the recipe's weight, and the quasi-identifiers it keeps that the keys leave out (less
    those the assessment records as not identifying)."""
    from hrk_workbench.disclosure.loading import frame_values
    from hrk_workbench.disclosure.microdata.roles import SAMPLE
    from hrk_workbench.disclosure.microdata.verdict import (
        assessment_limits,
        period_column,
        unmeasured_quasi,
    )

    columns = [str(c) for c in written.columns]
    period = recipe.time if recipe.time in columns else period_column(columns, forms)
    weight = recipe.weight if recipe.weight in columns else None
    lab = getattr(target, "risk_lab", None)
    measured = [*keys, *sensitive, *(c for c in (recipe.person, period, weight) if c)]
    extra = unmeasured_quasi(frame_values(written.head(SAMPLE)), measured,
                             lab.dictionary if lab is not None else [],
                             lab.not_identifying if lab is not None else [])
    return {"period": period, "weight": weight, "extra_quasi": extra,
            "risk_threshold": assessment_limits(target, forms).individual_risk}


def as_written(frame: Any) -> Any:
    """The data as a reader of the written CSV sees it (values as text, blanks missing), so
    the risk after protection is the risk of the file actually published."""
    import io

    import pandas as pd

    from hrk_workbench.disclosure.microdata.recipe import to_csv_bytes

    return pd.read_csv(io.BytesIO(to_csv_bytes(frame)), dtype=str, keep_default_na=False,
                       na_values=[""])
