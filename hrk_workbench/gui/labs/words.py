"""The words of the Risk lab: roles, protection steps and their parameters by message key,
and a recipe step in words. Shared by the lab page and the saved result (no widgets here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hrk_workbench.disclosure.lab_session import STEP_KINDS
from hrk_workbench.foundations.i18n import format_number

from ..document import Document

ROLE_KEYS = {"direct": "gui_lab_role_direct", "quasi": "gui_lab_role_quasi",
             "sensitive": "gui_lab_role_sensitive", "other": "gui_lab_role_other"}
# protection steps offered: op -> (name key, description key, parameter kind)
OPS: dict[str, tuple[str, str, str]] = {
    op: (f"gui_lab_op_{name}", f"gui_lab_desc_{name}", STEP_KINDS[op]) for op, name in (
        ("drop", "drop"), ("remove_direct_identifiers", "remove_direct"), ("band", "band"),
        ("band_breaks", "band_breaks"), ("top_code", "top_code"),
        ("bottom_code", "bottom_code"), ("merge", "merge"), ("date", "date"),
        ("grid", "grid"), ("suppress", "suppress"), ("exclude", "exclude"),
        ("pseudonymise", "pseudonymise"), ("sample", "sample"), ("pram", "pram"),
        ("microaggregate", "microaggregate"), ("noise", "noise"))}
PARAM_KEYS = {"width": "gui_lab_param_width", "at": "gui_lab_param_at",
              "k": "gui_lab_param_k", "fraction": "gui_lab_param_percent",
              "breaks": "gui_lab_param_breaks", "size": "gui_lab_param_size_m",
              "retain": "gui_lab_param_retain", "group_k": "gui_lab_param_k",
              "std_share": "gui_lab_param_std_share"}
ROLE_COLUMNS = ("gui_lab_col_column", "gui_lab_col_role", "gui_lab_col_basis",
                "gui_lab_col_description_en", "gui_lab_col_description_fi",
                "gui_lab_col_description_sv", "gui_lab_col_not_identifying")
COL_NAME, COL_ROLE, COL_BASIS, COL_DESC = 0, 1, 2, 3
DESC_LANGS = ("en", "fi", "sv")
COL_NOT_ID = COL_DESC + len(DESC_LANGS)  # the steward's "an outsider cannot know this"
# what the values of a column were recognised as (roles.VALUE_CHECKS codes)
BASIS_KEYS = {"henkilotunnus": "gui_lab_basis_henkilotunnus",
              "personnummer": "gui_lab_basis_personnummer",
              "y_tunnus": "gui_lab_basis_y_tunnus",
              "organisationsnummer": "gui_lab_basis_organisationsnummer",
              "email": "gui_lab_basis_email", "phone": "gui_lab_basis_phone",
              "street_address": "gui_lab_basis_street_address", "date": "gui_lab_basis_date",
              "coordinates": "gui_lab_basis_coordinates",
              "all_values_distinct": "gui_lab_basis_all_distinct"}
MAX_ROWS_SHOWN = 14  # taller tables scroll inside; shorter ones show every row



def describe_step(d: Document, step: dict[str, Any]) -> str:
    """A step in words, in the document's language (never the key); KeyError for a step
    this version has no words for."""
    op = step["op"]
    if op == "band" and step.get("breaks"):
        op = "band_breaks"
    values: dict[str, Any] = {
        "breaks": "; ".join(format_number(b, d.lang) for b in step.get("breaks") or []),
        "column": step.get("column", ""),
        "columns": ", ".join(step.get("columns") or []),
        "width": format_number(step.get("width") or 0, d.lang),
        "at": format_number(step.get("at") or 0, d.lang),
        "k": step.get("k", ""),
        "file": Path(step["hierarchy"]).name if step.get("hierarchy") else "",
        "to": d.t("gui_lab_to_year") if step.get("to") == "year" else
        d.t("gui_lab_to_month"),
        "percent": format_number(round(float(step.get("fraction") or 0) * 100, 2), d.lang),
        "seed": step.get("seed", 0),
        "size": format_number(step.get("size_m") or 0, d.lang),
        "into": step.get("into", "grid"),
        "retain": format_number(round(float(step.get("retain") or 0) * 100, 2), d.lang),
        "share": format_number(round(float(step.get("std_share") or 0) * 100, 2),
                               d.lang),
    }
    text = d.t(OPS[op][1], **values)
    if step.get("importance"):  # suppression's order, most important first
        text += d.t("gui_lab_desc_importance", columns=", ".join(step["importance"]))
    return text
