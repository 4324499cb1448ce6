"""The organisation's own texts for the memo (``forms/organisation.yaml``).

Kept apart from the questionnaires: appeal instructions are the organisation's legal text, not
part of the HRK method, and a municipality that sets none gets a memo that says it is an annex
to the decision (whose own appeal instructions then apply).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hrk_workbench.forms.loader import Forms

FILE_NAME = "organisation.yaml"


class OrganisationTexts(BaseModel):
    """What ``organisation.yaml`` may hold; unknown keys are errors, as in every form file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    appeal_instructions: dict[str, str] = Field(default_factory=dict)

    def appeal(self, lang: str) -> str:
        """The appeal instructions in ``lang``; empty when the organisation set none in it
        (never another language's text: a Finnish memo with Swedish appeal text misleads)."""
        return (self.appeal_instructions.get(lang) or "").strip()


def organisation_texts(forms: Forms) -> OrganisationTexts:
    """The organisation's texts from the forms folder; none when the file is absent.

    A malformed file raises the forms' own error (file, YAML path, what was expected), as a
    broken questionnaire does, rather than printing a memo without its appeal instructions.
    """
    from hrk_workbench.forms.loader import _parse

    path = Path(forms.directory) / FILE_NAME
    if not path.is_file():
        return OrganisationTexts()
    return _parse(path, OrganisationTexts)
