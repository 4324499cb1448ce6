"""Questionnaire definitions read from the top-level ``forms/`` folder."""

from hrk_workbench.forms.loader import FormError, Forms, Messages, default_forms_dir, load_forms
from hrk_workbench.forms.schema import LANGUAGES, RECOMMENDATIONS

__all__ = [
    "LANGUAGES",
    "RECOMMENDATIONS",
    "FormError",
    "Forms",
    "Messages",
    "default_forms_dir",
    "load_forms",
]
