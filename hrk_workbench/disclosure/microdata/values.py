"""A column's values read as a steward's export writes them: numbers with a decimal comma or
point, and whether a column of digits is a code (a municipality, a postcode) rather than a
quantity. The recipe, its perturbations and the measures of what protection cost share them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hrk_workbench.disclosure.microdata.roles import _name_hint, _words

if TYPE_CHECKING:
    import pandas as pd


def numbers(series: pd.Series) -> pd.Series:
    """Text as numbers, decimal comma or point (Finnish and Swedish exports write 12,5)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    text = series.astype("string").str.strip().str.replace("\u00a0", "", regex=False) \
        .str.replace(" ", "", regex=False)
    text = text.where(~text.str.fullmatch(r"[+-]?\d+,\d+").fillna(False),
                      text.str.replace(",", ".", regex=False))
    # Only plain numbers are converted: pandas' to_numeric can crash the interpreter on some
    # hex strings (a pseudonym such as "3e99…"), and an id is not a number anyway.
    plain = text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?").fillna(False) \
        .astype(bool)
    out = pd.Series(float("nan"), index=series.index, dtype="float64")
    if plain.any():
        out[plain] = text[plain].astype(str).astype("float64")
    return out


# --- codes are not quantities ---------------------------------------------------------------
# The mean of municipality codes or postcodes means nothing, and a "change of mean" of them
# would read as a distortion the protection caused. A column counts as a code when:
CODE_ROLES = frozenset({"quasi", "direct"})  # its confirmed role is a key or an identifier;


CODE_HINTS = frozenset({"postcode", "region", "identity_code", "phone"})  # its name says so;


CODE_WORDS_WHOLE = ("id", "no", "nro", "kod", "nr")  # ... or has these as whole words,


CODE_WORDS_PART = ("code", "koodi", "tunnus", "numero", "nummer")  # ... or parts;


_LEADING_ZERO = re.compile(r"^[+-]?0\d")  # a value with a leading zero (00100, 091);


CODE_MAX_DISTINCT = 50  # or fixed-width integers of 3+ digits with few distinct values


CODE_MIN_DIGITS = 3


def is_code(series: pd.Series, name: str = "", role: str | None = None) -> bool:
    """True when the column holds codes (municipality, postcode, industry, identity), not
    quantities: by its confirmed role, by its name, or by its values (leading zeros, or
    fixed-width integers with few distinct values), so that a column named ``x`` holding
    ``091``/``049`` or ``33100``/``00100`` is recognised as well as one named ``kunta``."""
    if role in CODE_ROLES:
        return True
    hint = _name_hint(name) if name else None
    words = _words(name)
    if (hint is not None and hint[0] in CODE_HINTS) or any(w in CODE_WORDS_WHOLE
                                                           for w in words) or \
            any(part in name.lower() for part in CODE_WORDS_PART):
        return True
    text = series.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    if text.str.match(_LEADING_ZERO).any():
        return True
    values = numbers(text)
    if values.isna().any() or not (values == values.round()).all() or (
            hint is not None and hint[1] == "sensitive"):  # incomes in whole hundreds
        return False
    distinct = values.nunique()
    widths = text.str.lstrip("+-").str.len().unique()
    return (distinct <= CODE_MAX_DISTINCT and distinct <= 0.5 * len(values)
            and len(widths) == 1 and int(widths[0]) >= CODE_MIN_DIGITS)
