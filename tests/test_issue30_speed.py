"""Issue 30 point 3: what makes the everyday commands faster changes no output.

The document's and the forms' validators are kept in the user's cache folder between
processes; a cold cache, a warm one and a damaged one give the same answers. A word too
long for a line is printed cut into pieces that a table cell measures in linear time; the
printed text is the same as before: the pieces joined by the same break opportunities.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES

from hrk_workbench.reporting.templates import mark_urls, narrow_cell

CITY = EXAMPLES / "city-bike-trips.hrk.json"
ZWSP = "\u200b"


def _cli(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HRK_CACHE_DIR": str(cache), "HRK_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "hrk_workbench.cli", *args],
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def test_a_cold_a_warm_and_a_damaged_schema_cache_give_the_same_answers(tmp_path):
    """Three fresh processes (about a second each: the cache lives between processes)."""
    cache = tmp_path / "cache"
    cold = _cli(cache, "score", str(CITY), "--json")
    assert cold.returncode == 0, cold.stderr
    kept = list((cache / "hrk-workbench").glob("schemas-*.pickle"))
    assert len(kept) == 1
    warm = _cli(cache, "score", str(CITY), "--json")
    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr
    kept[0].write_bytes(b"not a pickle")
    damaged = _cli(cache, "score", str(CITY), "--json")
    assert damaged.returncode == 0 and damaged.stdout == cold.stdout
    assert json.loads(cold.stdout)["benefit_score"] == 70


def test_a_bad_file_is_refused_the_same_with_the_cache(tmp_path):
    """The cached validator is the model's: a wrong type is refused at its path, warm too."""
    data = json.loads(CITY.read_text(encoding="utf-8"))
    data["risks"]["R1"]["likelihood"] = "3"
    bad = tmp_path / "bad.hrk.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    cache = tmp_path / "cache"
    cold, warm = (_cli(cache, "validate", str(bad)) for _ in range(2))
    assert cold.returncode == warm.returncode == 2
    assert cold.stderr == warm.stderr
    assert "risks.R1.likelihood" in warm.stderr


def _printed(markup: object) -> str:
    """The text a reader gets: the markup without its tags."""
    return re.sub(r"<[^>]+>", "", str(markup))


def test_a_long_word_prints_as_before_in_pieces_the_layout_measures_quickly():
    word = "Q" * 20_000
    printed = mark_urls(f"before {word} after")
    chunks = [word[i:i + 16] for i in range(0, len(word), 16)]
    assert _printed(printed) == f"before {ZWSP.join(chunks)} after"
    # one text of 1,250 pieces was measured again at every piece; in spans of 8 it is not
    assert str(printed).count("<span>") == len(chunks) // 8 + (len(chunks) % 8 > 0)
    narrow = narrow_cell("https://example.fi/" + "a" * 200)
    assert _printed(narrow).replace(ZWSP, "") == "https://example.fi/" + "a" * 200
    assert max(len(p) for p in _printed(narrow).split(ZWSP)) == 12


def test_real_words_and_short_long_words_are_left_as_they_were():
    prose = "Lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas on sana"
    assert str(mark_urls(prose)) == prose
    hash_like = "f" * 100  # cut, but one piece: no span
    assert "<span" not in str(mark_urls(hash_like))
    assert _printed(mark_urls(hash_like)).split(ZWSP) == ["f" * 16] * 6 + ["f" * 4]
