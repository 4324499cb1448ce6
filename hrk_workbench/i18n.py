"""Render reasons and labels in the user's language from the message catalogues in forms/.

Parameters that name a question (``gate``, ``risk``, ...) also get ``<name>_text``, the
question's text in that language, and level-like parameters get ``<name>_label``, so the
templates can say "R2 (Disclosure of special-category data)" without the rules knowing words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hrk_workbench.forms import Forms
from hrk_workbench.reasons import Reason

QUESTION_PARAMS = ("gate", "benefit", "risk", "item", "criterion", "question")
LABEL_PARAMS = ("level", "profile", "outcome", "answer", "channel", "kind", "benefit_level",
                "cost_level", "risk_level", "residual_level", "field", "step")


def format_number(value: float | int, lang: str) -> str:
    """Thousands grouped and decimals as the language writes them (27 500 / 27,500)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def label(key: str, lang: str, forms: Forms) -> str:
    """A label by key in ``lang``; English, then the key itself, if it has none."""
    cat = forms.messages.get(lang) or forms.messages["en"]
    return cat.labels.get(key) or forms.messages["en"].labels.get(key, key)


def _param_text(value: Any, lang: str, forms: Forms) -> str:
    if isinstance(value, bool):
        return label("yes" if value else "no", lang, forms)
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(_param_text(v, lang, forms) for v in value)
    return "" if value is None else str(value)


def render(reason: Reason, lang: str, forms: Forms) -> str:
    """The reason as a sentence in ``lang``; an unknown code renders as code and params."""
    cat = forms.messages.get(lang) or forms.messages["en"]
    template = cat.reasons.get(reason.code) or forms.messages["en"].reasons.get(reason.code)
    if template is None:
        params = ", ".join(f"{k}={v}" for k, v in reason.params.items())
        return f"{reason.code} ({params})" if params else reason.code
    values: dict[str, str] = {}
    for key, value in reason.params.items():
        values[key] = _param_text(value, lang, forms)
        if key in QUESTION_PARAMS and isinstance(value, str):
            values[f"{key}_text"] = forms.question_text(value, lang)
        if key in QUESTION_PARAMS and isinstance(value, (list, tuple)):
            values[f"{key}_text"] = "; ".join(
                f"{v} {forms.question_text(v, lang)}" for v in value)
        if key in LABEL_PARAMS and isinstance(value, str):
            values[f"{key}_label"] = label(value, lang, forms)
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def render_all(reasons: Iterable[Reason], lang: str, forms: Forms) -> list[str]:
    return [render(r, lang, forms) for r in reasons]
