"""Issue 30 point 3: what makes the command line start faster changes no answer.

An ASCII web address is checked with RFC 3987's patterns less their non-ASCII ranges, read
without importing the whole ``rfc3986`` package: on an ASCII address they decide exactly as
the full grammar does, with the same parts. A command builds only its own parser and
imports only its own module; ``--help`` and a wrong command still see every command.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys

import pytest
from helpers import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from rfc3986 import abnf_regexp, misc

from hrk_workbench.cli.program import COMMANDS, build_parser, main
from hrk_workbench.foundations import addresses, i18n
from hrk_workbench.foundations.addresses import grammar_patterns

CITY = EXAMPLES / "city-bike-trips.hrk.json"
_FULL = addresses._compiled(grammar_patterns(abnf_regexp, ascii_only=False))


def _full_parts(value: str) -> addresses.IriParts | None:
    """``iri_parts`` with the full grammar, whatever the value."""
    if not value or addresses._FORBIDDEN.search(value):
        return None
    return addresses._parts(value, _FULL)


def test_the_patterns_are_the_librarys_own():
    """Written out in full they are the ones ``rfc3986`` compiles, with the same flags."""
    full = grammar_patterns(abnf_regexp, ascii_only=False)
    assert full == (misc.IRI_MATCHER.pattern, misc.ISUBAUTHORITY_MATCHER.pattern,
                    abnf_regexp.IPATH_RE, abnf_regexp.IQUERY_RE, abnf_regexp.IFRAGMENT_RE)
    assert misc.IRI_MATCHER.flags == misc.ISUBAUTHORITY_MATCHER.flags == re.compile(
        "", re.UNICODE).flags


def test_the_left_out_ranges_stand_only_in_positive_classes():
    """A range left out of a negated class ([^...]) would let more through; there is none."""
    for pattern in grammar_patterns(abnf_regexp, ascii_only=False):
        for part in (abnf_regexp.UCSCHAR_RE, abnf_regexp.IPRIVATE):
            for found in re.finditer(re.escape(part), pattern):
                opened = pattern.rindex("[", 0, found.start())
                assert pattern[opened + 1] != "^"
                assert "]" not in pattern[opened:found.start()].replace("\\]", "")
    assert all(p.isascii() for p in grammar_patterns(abnf_regexp, ascii_only=True))


def test_the_library_is_not_imported_for_an_ascii_address():
    """Checked in a fresh process: the package's import is what the fast path avoids."""
    code = ("import sys; from hrk_workbench.foundations.addresses import is_web_address; "
            "assert is_web_address('https://data.example.fi/a?b=c#d'); "
            "assert not is_web_address('https://exa mple.fi'); "
            "print('rfc3986' in sys.modules); "
            "assert is_web_address('https://fi.wikipedia.org/wiki/\u00c4\u00e4nekoski'); "
            "print('rfc3986' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    assert out == ["False", "True"]


TRICKY = [
    "https://www.example.fi/page", "http://example.fi", "https://example.fi:8080/a/b?c=d#e",
    "https://example.fi:99999/", "https://example.fi:65536/", "https://user:pw@host/x",
    "https://[::1]/x", "https://[fe80::1%25eth0]/", "https://[v1.x]/", "https://[::1/x",
    "https://1.2.3.4/", "https://999.1.1.1/", "https://%41%42/", "https://%4/",
    "https:///path", "https:", "https://", "mailto:a@b.fi", "urn:isbn:123", "ftp://x/y",
    "www.example.fi", "https://exa%mple.fi", "https://a/b%2", "https://a/?q=%zz",
    "https://a/#f#g", "https://a/??", "1http://a", "h+t.t-p://a/", "https://a:b:c/",
    "https://host:/", "https://host:12a/", "//host/path", "a:b", "https://a/b/../c",
]


@pytest.mark.parametrize("value", TRICKY)
def test_an_ascii_address_gets_the_full_grammars_answer(value):
    assert addresses.iri_parts(value) == _full_parts(value)


_ASCII_IRI = st.lists(st.sampled_from(
    [*"ahtps:/?#[]@!$&'()*+,;=%-._~019AFvx", "http://", "https://", "%2F", "::", ":80",
     "[::1]", "%25"]),
    max_size=40).map("".join)


@settings(max_examples=600, deadline=None)
@given(_ASCII_IRI)
def test_any_ascii_text_gets_the_full_grammars_answer(value):
    assert addresses.iri_parts(value) == _full_parts(value)
    assert addresses.iri_parts("https://" + value) == _full_parts("https://" + value)


# --- the parser: only the command run is built ------------------------------------------------

def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(a.choices for a in parser._actions
                if isinstance(a, argparse._SubParsersAction))


def test_the_command_list_is_what_the_modules_register_in_help_order():
    every = _commands(build_parser())
    assert list(every) == list(COMMANDS)
    for name, sub in every.items():
        family = sub.get_default("func").__module__.rsplit(".", 1)[1]
        assert family == COMMANDS[name], name


@pytest.mark.parametrize("name", list(COMMANDS))
def test_one_command_alone_parses_as_among_all(name):
    alone, among = _commands(build_parser(name))[name], _commands(build_parser())[name]
    assert alone.format_help() == among.format_help()
    assert alone.get_default("func") is among.get_default("func")


def test_help_still_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    listed = capsys.readouterr().out
    for name in COMMANDS:
        assert re.search(rf"^    {re.escape(name)}\b", listed, re.M), name


def test_a_wrong_command_names_every_choice(capsys):
    """(Without a command's name anywhere in the line, the words go to ``gui``.)"""
    with pytest.raises(SystemExit) as exc:
        main(["scroe", "score"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'scroe'" in err
    assert all(f"'{name}'" in err for name in COMMANDS)


def test_score_loads_no_other_command_module():
    """A fresh process: the other families' modules (and their imports) are not loaded."""
    code = ("import sys; from hrk_workbench.cli import main; "
            "main(['score', sys.argv[1], '--json']); "
            "print(sorted(m for m in sys.modules if m.startswith('hrk_workbench.cli.')))")
    out = subprocess.run([sys.executable, "-c", code, str(CITY)], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    loaded = ast.literal_eval(out.strip().splitlines()[-1])
    assert loaded == ["hrk_workbench.cli.assess", "hrk_workbench.cli.common",
                      "hrk_workbench.cli.program", "hrk_workbench.cli.texts"]


# --- whole numbers: Babel's signs, kept between processes --------------------------------------

def _babel(value: int, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=i18n.babel_locale(lang))


NUMBERS = [0, 1, -1, 7, 999, 1000, -1000, 27_500, 35_000.0, -1234567, 10**22, -(10**9)]


@pytest.mark.parametrize("state", ["cold", "warm", "damaged", "wrong entry", "unwritable"])
def test_whole_numbers_are_written_as_babel_writes_them_whatever_the_cache(
        tmp_path, monkeypatch, state):
    cache = tmp_path / "cache"
    monkeypatch.setenv("HRK_CACHE_DIR", str(cache))
    i18n._number_signs.cache_clear()
    if state == "unwritable":
        cache.write_text("a file where the folder should be", encoding="utf-8")
    else:
        i18n.format_number(1, "fi")  # a first process keeps the signs
        kept = list((cache / "hrk-workbench").glob("number-signs-*.json"))
        assert len(kept) == 1
        if state == "damaged":
            kept[0].write_bytes(b"\x00{not json")
        elif state == "wrong entry":
            kept[0].write_text(json.dumps({"fi_FI": "1.2.3", "en_GB": 5}), encoding="utf-8")
        i18n._number_signs.cache_clear()  # as a new process finds the file
    for lang in ("en", "fi", "sv"):
        for value in NUMBERS:
            assert i18n.format_number(value, lang) == _babel(int(value), lang), (lang, value)
    i18n._number_signs.cache_clear()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["en", "fi", "sv"]))
def test_any_whole_number_is_written_as_babel_writes_it(value, lang):
    assert i18n.format_number(value, lang) == _babel(value, lang)
    assert i18n.format_number(float(value), lang) == _babel(value, lang)


FRACTIONS = [2.5, -0.125, 0.125, 0.135, 1234.5678, 0.1, -0.001, 0.005, 0.015, 999.995,
             -999.994, 1e-9, 123456789.125, 13.76, 0.402, 137633.1, 2.675, 1.005]


def _babel_decimal(value: float, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=i18n.babel_locale(lang))


@pytest.mark.parametrize("state", ["cold", "warm", "damaged"])
def test_decimals_are_written_as_babel_writes_them_whatever_the_cache(
        tmp_path, monkeypatch, state):
    """Halves rounded to even, a value rounding to 0 keeping its minus, trailing zeros
    dropped: the decimals of the verdict's risks read as Babel writes them."""
    monkeypatch.setenv("HRK_CACHE_DIR", str(tmp_path / "cache"))
    i18n._number_signs.cache_clear()
    if state != "cold":
        i18n.format_number(1.5, "sv")
        kept = list((tmp_path / "cache" / "hrk-workbench").glob("number-signs-*.json"))
        assert len(kept) == 1
        if state == "damaged":  # an entry of an older version: two lines, no decimal sign
            kept[0].write_text(json.dumps({"fi_FI": "-1 234 567\n1 234"}), encoding="utf-8")
        i18n._number_signs.cache_clear()
    for lang in ("en", "fi", "sv"):
        for value in FRACTIONS:
            assert i18n.format_number(value, lang) == _babel_decimal(value, lang), (lang, value)
    i18n._number_signs.cache_clear()


@settings(max_examples=400, deadline=None)
@given(st.floats(min_value=-(10**12), max_value=10**12, allow_nan=False),
       st.sampled_from(["en", "fi", "sv"]))
def test_any_decimal_is_written_as_babel_writes_it(value, lang):
    if value == 0:  # -0.0 and 0.0 are whole: written "0", as before
        assert i18n.format_number(value, lang) == "0"
        return
    assert i18n.format_number(value, lang) == _babel_decimal(value, lang)


def test_values_that_are_no_finite_number_still_go_through_babel():
    from decimal import Decimal

    for value in (float("inf"), float("-inf"), Decimal("2.345")):
        for lang in ("en", "fi", "sv"):
            assert i18n.format_number(value, lang) == _babel_decimal(value, lang)


def test_a_damaged_forms_cache_gives_the_same_score(tmp_path):
    """Three fresh processes: cold, warm, and with every kept file damaged."""
    env = {**os.environ, "HRK_CACHE_DIR": str(tmp_path), "HRK_LANG": "fi"}
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "hrk_workbench.cli", "score", str(CITY), "--json"],
        capture_output=True, text=True, timeout=120, check=True, env=env)
    cold = run()
    kept = list((tmp_path / "hrk-workbench").iterdir())
    assert {p.name.split("-")[0] for p in kept} >= {"forms", "schemas", "number"}
    assert run().stdout == cold.stdout
    for path in kept:
        path.write_bytes(b"garbage")
    damaged = run()
    assert (damaged.stdout, damaged.stderr) == (cold.stdout, cold.stderr)
