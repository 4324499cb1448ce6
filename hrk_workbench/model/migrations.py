"""Bring assessment files written by older versions up to the current schema.

Older files are migrated on load, never rejected; a file from a newer version is refused with a
message saying so, because guessing at fields we do not know would lose the steward's answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrk_workbench.foundations.problems import Problem
from hrk_workbench.model.assessment import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 only adds ``publication`` (download, access and API addresses for the
    catalogue record). A version-1 file had no such answers, so it gains the empty section
    and every answer it holds keeps its name, shape and meaning; the channel question CH13
    (where the data will be published) stays where it was, as the steward wrote it.
    """
    data.setdefault("publication", {"distributions": {}, "api": {}})
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 3 only adds what the labs save: ``risk_lab`` (the measured disclosure risk, with
    the data dictionary), ``table_lab`` (the protected tables) and
    ``publication.schema_url``. A version-2 file measured nothing in a lab, and all three
    default to empty, so only the version changes: every answer keeps its name, shape and
    meaning, and A10 (risk measured) still decides step 7 alone, as it did.
    """
    return data


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 4 only adds optional fields that bind the labs, the recommendation and the
    outputs together (each defaults to empty, so a version-3 file means what it meant):

    - (fields are listed here as they are added)
    - ``risk_lab.columns``, ``still_personal``, ``person``, ``time``,
      ``unique_trajectory_share`` and each dictionary entry's ``detected_role`` and
      ``detected_basis``: what the recommendation's lab step reads (empty: not recorded)
    - ``table_lab[].min_frequency``, ``min_frequency_advised``, ``min_frequency_overridden``:
      the threshold used, the one the assessment advised, and whether the steward overrode it
    """
    return data


def _v4_to_v5(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 5 only adds optional fields (HRK-METHOD revision 3), each empty by default, so a
    version-4 file means what it meant:

    - ``decision.justification``: why a decision more open than the recommendation was taken
    - ``risk_lab`` measures of step 7's "measured": ``period_worst``, ``l_required``,
      ``l_entropy``, ``disclosed_records``, ``unmeasured_quasi``, ``k_with_unmeasured``,
      ``not_identifying``, ``weight``, ``individual_risk_max``,
      ``individual_risk_threshold``, ``above_threshold``, ``global_risk_share``,
      ``global_risk_share_limit`` and ``safe`` (empty: not measured by a version that knew
      them, and the recommendation says so rather than guessing)
    - ``risk_lab.source``, ``risk_lab.output``, ``table_lab[].source`` and ``.output``: the
      fingerprints (path, SHA-256, size, rows, columns, modified) of the files a lab read and
      wrote (empty: not recorded, so never reported as stale)
    - ``comments``: review comments on answers and steps, open or resolved (empty: none)
    - ``approvals``: signed approvals bound to a digest of the content (empty: none, so
      nothing was approved and nothing is void)
    - ``decision.review_due``: when the decision is looked at again
    - ``change_log[].kind``: ``reassessment`` for a re-measure on new data, else empty
    - ``decision.record_number``, ``section_number``, ``legal_basis``, ``presenter`` and
      ``decider_title``: how the memo is filed by the organisation (empty: not given)
    """
    return data


# MIGRATIONS[n] turns a version-n document into a version-(n+1) document.
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                   4: _v4_to_v5}


def migrate(data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Return the document at the current schema version, or the problems that prevent it."""
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return data, [Problem("schema_version", "missing or not a whole number",
                              f"a schema version, currently {SCHEMA_VERSION}",
                              code="schema_missing", params={"current": SCHEMA_VERSION})]
    if version > SCHEMA_VERSION:
        return data, [Problem(
            "schema_version",
            f"written by a newer HRK Workbench (schema {version}); this version reads up to "
            f"{SCHEMA_VERSION}", "update HRK Workbench to open this file",
            code="schema_newer", params={"version": version, "current": SCHEMA_VERSION})]
    if version < 1:
        return data, [Problem("schema_version", f"unknown schema version {version}",
                              f"1 to {SCHEMA_VERSION}", code="schema_unknown",
                              params={"version": version, "current": SCHEMA_VERSION})]
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data, []
