"""Issue 23 point 7: hostile text is refused or rendered safely.

A hand-edited file with a megabyte title, a NUL in a comment or a right-to-left override in a
title must give a clear message (or escaped output), never a hang, a traceback or an output
file no XML reader can open.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES

from hrk_workbench.cli.program import main
from hrk_workbench.forms.loader import load_forms
from hrk_workbench.foundations.i18n import render_problem
from hrk_workbench.foundations.terminal import escape_for_terminal
from hrk_workbench.model.store import AssessmentFileError, load_assessment, save_assessment
from hrk_workbench.model.text import (
    MAX_ITEMS,
    MAX_LONG_TEXT_CHARS,
    MAX_TITLE_CHARS,
    text_problems,
)

SOURCE = EXAMPLES / "air-quality.hrk.json"


def _hostile(tmp_path: Path, change) -> Path:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    change(data)
    out = tmp_path / "hostile.hrk.json"
    out.write_text(json.dumps(data), encoding="utf-8")  # \uXXXX escapes: a lone surrogate too
    return out


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hrk_workbench.cli", *args],
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={"HRK_LANG": "en", "PATH": "/usr/bin:/bin"})


def test_a_megabyte_title_is_refused_quickly_with_its_path(tmp_path):
    hostile = _hostile(tmp_path, lambda d: d["dataset"]["title"].update(en="A" * 1_000_000))
    memo = tmp_path / "memo.pdf"
    done = _cli("report", str(hostile), "-o", str(memo), timeout=60)  # a hang fails here
    assert done.returncode == 2
    assert f"{hostile}: dataset.title.en: text of 1,000,000 characters is too long" in done.stderr
    assert f"at most {MAX_TITLE_CHARS} characters" in done.stderr
    assert "Traceback" not in done.stderr and not memo.exists()
    checked = _cli("validate", str(hostile), "--json")
    assert checked.returncode == 2
    problems = json.loads(checked.stdout)["problems"]
    assert [p["code"] for p in problems] == ["text_too_long"]
    assert problems[0]["path"] == "dataset.title.en"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_the_longest_allowed_texts_render_every_memo(tmp_path, fmt):
    """At the limits, one unbroken word each: the outputs are written, and in bounded time."""
    def longest(d):
        d["dataset"]["title"]["en"] = "W" * MAX_TITLE_CHARS
        d["dataset"]["description"]["en"] = "Q" * MAX_LONG_TEXT_CHARS
    hostile = _hostile(tmp_path, longest)
    out = tmp_path / f"memo.{fmt}"
    done = _cli("report", str(hostile), "-o", str(out), "--lang", "en", timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000


@pytest.mark.parametrize(("char", "shown"), [("\x00", "U+0000"), ("\x1b", "U+001B"),
                                             ("\x85", "U+0085"), ("\ud800", "U+D800")])
def test_control_characters_in_a_file_are_refused_by_validate(tmp_path, char, shown):
    hostile = _hostile(tmp_path, lambda d: d["benefits"]["B1"].update(comment=f"ok{char}ok"))
    done = _cli("validate", str(hostile))
    assert done.returncode == 2
    assert f"{hostile}: benefits.B1.comment: contains" in done.stderr and shown in done.stderr
    assert "XML formats" in done.stderr
    with pytest.raises(AssessmentFileError):
        load_assessment(hostile)


def test_set_refuses_a_nul_and_leaves_the_file_as_it_was(tmp_path, capsys):
    target = tmp_path / "a.hrk.json"
    target.write_bytes(SOURCE.read_bytes())
    before = target.read_bytes()
    assert main(["set", str(target), "dataset.title.en=Bad\x00title",
                 "benefits.B1.value=1"]) == 2
    err = capsys.readouterr().err
    assert f"{target}: dataset.title.en: contains the control character U+0000 at " \
           "character 4" in err
    assert target.read_bytes() == before  # all or nothing: B1 was not saved either
    assert main(["set", str(target), "dataset.title.en=" + "x" * (MAX_TITLE_CHARS + 1)]) == 2
    assert "is too long" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_tab_and_newline_are_ordinary_text(tmp_path):
    target = tmp_path / "a.hrk.json"
    target.write_bytes(SOURCE.read_bytes())
    assert main(["set", str(target), "benefits.B1.comment=line one\nline\ttwo"]) == 0
    assert load_assessment(target).benefits["B1"].comment == "line one\nline\ttwo"


def test_save_never_writes_a_text_no_output_can_carry(tmp_path):
    assessment = load_assessment(SOURCE)
    assessment.dataset.publisher = "City\x0bHall"  # a model changed in code, not via set
    target = tmp_path / "out.hrk.json"
    with pytest.raises(Exception) as caught:
        save_assessment(assessment, target)
    assert "U+000B" in str(caught.value.problems[0].message)
    assert not target.exists()


@pytest.mark.parametrize(("lang", "words"), [("fi", "ohjausmerkin U+0000"),
                                             ("sv", "styrtecknet U+0000")])
def test_the_messages_speak_finnish_and_swedish(lang, words):
    problem = text_problems({"dataset": {"title": {"fi": "a\x00"}}})[0]
    assert words in render_problem(problem, lang, load_forms())
    long = text_problems({"dataset": {"description": {"fi": "a" * 30_000}}})[0]
    assert re.search(r"30\s000", render_problem(long, lang, load_forms()))


def test_rtl_override_is_kept_in_the_file_and_shown_escaped(tmp_path, capsys):
    target = tmp_path / "a.hrk.json"
    target.write_bytes(SOURCE.read_bytes())
    title = "Air \u202eytilauq\u202c data"
    assert main(["set", str(target), f"dataset.title.en={title}"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\\u202e" in out and "\\u202c" in out
    assert load_assessment(target).dataset.title["en"] == title  # the text itself is legal
    # --json stays valid JSON with the same meaning: the escape is JSON's own
    assert main(["score", str(target), "--json"]) == 0
    printed = capsys.readouterr().out
    assert "\u202e" not in printed and json.loads(printed)["title"] == title
    done = _cli("validate", str(target))
    assert done.returncode == 0 and "\u202e" not in done.stdout + done.stderr


def test_escape_for_terminal_keeps_ordinary_text():
    text = "Päätös – ✓ العربية\tok\r\n"
    assert escape_for_terminal(text) == text
    assert escape_for_terminal("a\u2067b\x1b[31m") == "a\\u2067b\\u001b[31m"


def test_a_list_of_a_hundred_thousand_keywords_is_refused(tmp_path):
    hostile = _hostile(tmp_path, lambda d: d["dataset"]["keywords"].update(
        en=[f"kw{i}" for i in range(100_000)]))
    done = _cli("report", str(hostile), "-o", str(tmp_path / "m.pdf"), timeout=60)
    assert done.returncode == 2 and not (tmp_path / "m.pdf").exists()
    assert f"{hostile}: dataset.keywords.en: 100,000 items are too many" in done.stderr
    assert f"at most {MAX_ITEMS:,} items" in done.stderr


def test_set_refuses_the_item_past_the_bound_and_the_longest_list_renders(tmp_path, capsys):
    at_bound = _hostile(tmp_path, lambda d: d.update(
        participants=[{"name": f"Person {i}"} for i in range(MAX_ITEMS)]))
    assert main(["set", str(at_bound), f"participants[{MAX_ITEMS}].name=One more"]) == 2
    assert "items are too many" in capsys.readouterr().err
    assert len(load_assessment(at_bound).participants) == MAX_ITEMS
    memo = tmp_path / "m.pdf"
    done = _cli("report", str(at_bound), "-o", str(memo), timeout=120)
    assert done.returncode == 0, done.stderr
    assert memo.stat().st_size > 1000


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_words_too_long_for_a_line_wrap_inside_the_margins(tmp_path):
    """An unbroken word longer than a line (a pasted hash, a hostile title) is printed in
    full and wraps inside the 2 cm margins: in the title, the subtitle, a field list, a
    table cell and the decision note; words of real prose are never cut."""
    words = {"title": "T" * MAX_TITLE_CHARS, "cost": "C" * 1_900, "name": "N" * 300,
             "note": "D" * 5_000}
    prose = "Lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas"  # 61 letters

    def longest(d):
        d["dataset"]["title"]["en"] = words["title"]
        d["costs"]["lines"]["C4"]["comment"] = words["cost"]
        d["decision"].update(outcome="open", decided_by=words["name"], date="2026-12-01",
                             comment=f"{words['note']} {prose}")
    hostile = _hostile(tmp_path, longest)
    pdf = tmp_path / "memo.pdf"
    done = _cli("report", str(hostile), "-o", str(pdf), "--lang", "en", timeout=120)
    assert done.returncode == 0, done.stderr
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox)[1])
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<',
                       bbox)
    margin = 2 / 2.54 * 72
    outside = [w[:20] for x0, x1, w in boxes
               if float(x0) < margin - 0.5 or float(x1) > width - margin + 0.5]
    assert outside == [], outside
    pieces = [w.replace("\u200b", "") for _, _, w in boxes]
    for key, word in words.items():  # its pieces in order (other cells' words between)
        joined = "".join(w for w in pieces if w and set(w) == {word[0]})
        assert word in joined, f"the {key} is not printed in full"
    assert prose in [w for _, _, w in boxes]  # a real word is kept whole
    html = tmp_path / "memo.html"
    assert _cli("report", str(hostile), "-o", str(html)).returncode == 0
    assert "\u200b" not in html.read_text(encoding="utf-8")  # the page is left as written
