"""Questionnaire definitions read from the top-level ``forms/`` folder."""

from .loader import FormError, Forms, Messages, default_forms_dir, load_forms
from .schema import LANGUAGES, RECOMMENDATIONS

__all__ = [
    "LANGUAGES",
    "RECOMMENDATIONS",
    "FormError",
    "Forms",
    "Messages",
    "default_forms_dir",
    "load_forms",
]
