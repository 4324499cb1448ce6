"""What the command line prints, made safe to read: bidirectional controls shown escaped.

A title may legally hold U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin: XML, RDF and the memo
carry them, and Arabic or Hebrew text may need them. In a terminal, though, they reorder the
rest of the line, so ``set`` could print ``risk R1: "low" -> "high"`` while the bytes say
the opposite, and a path shown in an error could look like another file's. Every line the
CLI writes therefore shows them as ``\\u202e``, which is also what they are in a JSON string,
so ``--json`` output means exactly the same after the escape.

C0 and C1 controls other than tab, newline and carriage return are escaped too: a file name
or a cell read from a data file could otherwise move the cursor or change the colours.

A character the stream's encoding cannot hold (``ä`` on an ASCII pipe, ``€`` on latin-1, a
Cyrillic title on cp1252) is written as ``\\xe4`` / ``\\u20ac`` rather than stopping the command
with an encoding error halfway through its output.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, TextIO

# LRM, RLM, ALM; the embeddings and overrides LRE..RLO with PDF; the isolates LRI..PDI
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# tab, newline and carriage return (a progress line rewritten in place) pass through
_UNSAFE = re.compile(f"[{BIDI_CONTROLS}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape_for_terminal(text: str) -> str:
    """``text`` with every bidirectional and terminal control written as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class EscapingStream:
    """A text stream that escapes what :func:`escape_for_terminal` escapes, then writes.

    Installed over ``sys.stdout`` and ``sys.stderr`` while a CLI command runs, so no command
    can forget it; everything else (``flush``, ``encoding``, ``isatty``) is the stream's own.
    """

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self._encoding = _codec(stream)

    def write(self, text: str) -> int:
        if self._stream is None:  # closed at start (``>&-``): discarded, as print() does
            return len(text)
        safe = escape_for_terminal(text)
        if self._encoding is not None:
            safe = safe.encode(self._encoding, "backslashreplace").decode(self._encoding)
        self._stream.write(safe)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _codec(stream: TextIO | None) -> str | None:
    """The stream's encoding when it may lack characters (None for UTF-8, which has all)."""
    name = getattr(stream, "encoding", None)
    if not isinstance(name, str):
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return "ascii"
    return None if codec.startswith("utf") else codec
