"""The TrueType font the memo embeds (DejaVu Sans, licence in LICENSE-DejaVu.txt).

Bundled so that every PDF and figure prints ä, ö, å and the Sami letters (č, đ, ŋ, š, ŧ, ž)
the same on every machine, instead of depending on the fonts installed on the system.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu Sans"
