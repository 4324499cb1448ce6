"""Every message the command line prints follows --lang (else $HRK_LANG): argparse's own
usage and errors, the operating system's reasons for a failed write, and a file that is not
JSON at all. English stays as it was."""

from __future__ import annotations

import argparse
import errno
import gettext
import inspect
import re

import pytest
from helpers import EXAMPLES

from hrk_workbench.cli import texts as cli_i18n
from hrk_workbench.cli.program import main
from hrk_workbench.foundations.i18n import os_error_detail

AIR = str(EXAMPLES / "air-quality.hrk.json")
PROG = "hrk-workbench"


@pytest.fixture(autouse=True)
def _no_language_in_the_environment(monkeypatch):
    monkeypatch.delenv("HRK_LANG", raising=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # --help
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _two_lines(command: str, error: dict[str, str], lang: str) -> str:
    prog = f"{PROG} {command}".strip()
    head = {"en": "error", "fi": "virhe", "sv": "fel"}[lang]
    tail = {"en": f"(run '{prog} --help' for usage)",
            "fi": f"(ohjeet saa komennolla '{prog} --help')",
            "sv": f"(kör '{prog} --help' för hjälp)"}[lang]
    return f"{prog}: {head}: {error[lang]}\n{tail}\n"


# --- 1. argparse's own messages ----------------------------------------------------------------

REQUIRED = {"en": "the following arguments are required: -o/--output",
            "fi": "seuraavat pakolliset argumentit puuttuvat: -o/--output",
            "sv": "följande argument krävs: -o/--output"}
UNRECOGNIZED = {"en": "unrecognized arguments: --bogus",
                "fi": "tuntemattomat argumentit: --bogus",
                "sv": "okända argument: --bogus"}
BAD_LANG = {"en": "argument --lang: invalid choice: 'xx' (choose from 'en', 'fi', 'sv')",
            "fi": "argumentti --lang: virheellinen valinta: 'xx' "
                  "(odotettiin jotakin näistä: 'en', 'fi', 'sv')",
            "sv": "argument --lang: ogiltigt val: 'xx' (förväntat ett av: 'en', 'fi', 'sv')"}
BAD_COST = {"en": "argument --cost: invalid choice: 'bogus' (choose from 'cells', 'value')",
            "fi": "argumentti --cost: virheellinen valinta: 'bogus' "
                  "(odotettiin jotakin näistä: 'cells', 'value')",
            "sv": "argument --cost: ogiltigt val: 'bogus' (förväntat ett av: 'cells', 'value')"}
BAD_INT = {"en": "argument --min-frequency: invalid int value: 'abc'",
           "fi": "argumentti --min-frequency: 'abc' ei ole kokonaisluku",
           "sv": "argument --min-frequency: 'abc' är inte ett heltal"}
BAD_FLOAT = {"en": "argument --day-rate: invalid float value: 'x'",
             "fi": "argumentti --day-rate: 'x' ei ole luku",
             "sv": "argument --day-rate: 'x' är inte ett tal"}
NO_VALUE = {"en": "argument --lang: expected one argument",
            "fi": "argumentti --lang: odotettiin yhtä arvoa",
            "sv": "argument --lang: förväntade ett värde"}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_argparse_errors_follow_lang(capsys, lang):
    cases = [
        (("report", AIR, "--lang", lang), "report", REQUIRED),
        (("report", AIR, "-o", "memo.md", "--bogus", "--lang", lang), "", UNRECOGNIZED),
        (("tables", "data.csv", "--rows", "a", "-o", "t.csv", "--cost", "bogus",
          f"--lang={lang}"), "tables", BAD_COST),
        (("audit", "--min-frequency", "abc", "--lang", lang), "audit", BAD_INT),
        (("new", "--day-rate", "x", "--lang", lang), "new", BAD_FLOAT),
    ]
    for args, command, error in cases:
        code, out, err = run(capsys, *args)
        assert (code, out) == (2, ""), args
        assert err == _two_lines(command, error, lang), args


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_without_a_usable_lang_the_environment_decides(capsys, monkeypatch, lang):
    """--lang xx and a --lang without a value cannot name the language; $HRK_LANG does."""
    assert run(capsys, "report", AIR, "--lang", "xx")[2] == _two_lines("report", BAD_LANG, "en")
    assert run(capsys, "score", "--lang")[2] == _two_lines("score", NO_VALUE, "en")
    monkeypatch.setenv("HRK_LANG", lang)
    assert run(capsys, "report", AIR, "--lang", "xx")[2] == _two_lines("report", BAD_LANG, lang)
    assert run(capsys, "score", "--lang")[2] == _two_lines("score", NO_VALUE, lang)
    assert run(capsys, "report", AIR)[2] == _two_lines("report", REQUIRED, lang)
    # --lang wins over the environment, as it does for everything else
    assert run(capsys, "report", AIR, "--lang", "en")[2] == _two_lines("report", REQUIRED, "en")


HELP = {"en": ("usage: ", "positional arguments:", "options:",
               "show this help message and exit"),
        "fi": ("käyttö: ", "argumentit:", "valitsimet:", "näytä tämä ohje ja lopeta"),
        "sv": ("användning: ", "positionsargument:", "flaggor:",
               "visa den här hjälpen och avsluta")}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_help_follows_lang(capsys, lang):
    code, out, err = run(capsys, "audit", "--help", "--lang", lang)
    usage, positional, options, help_text = HELP[lang]
    assert code == 0 and err == ""
    assert out.startswith(f"{usage}{PROG} audit [-h]")
    lines = out.splitlines()
    assert positional in lines and options in lines
    assert re.search(rf"^  -h, --help +{help_text}$", out, re.M)
    others = {w for other, texts in HELP.items() if other != lang for w in texts} - set(HELP[lang])
    assert not [w for w in others if w in out]


def test_argparse_is_left_as_it_was(capsys):
    run(capsys, "report", AIR, "--lang", "fi")
    run(capsys, "audit", "--help", "--lang", "sv")
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]
    assert cli_i18n._active is None


def test_prescan_reads_the_last_lang_and_ignores_unknown_ones():
    scan = cli_i18n.prescan_language
    assert scan(["report", "a", "--lang", "fi"]) == "fi"
    assert scan(["report", "--lang=sv", "a"]) == "sv"
    assert scan(["report", "--lang", "fi", "--lang", "sv"]) == "sv"
    assert scan(["report", "--lang", "xx"], "fi") == "fi"
    assert scan(["report", "--lang"], " sv ") == "sv"
    assert scan(["report", "--lang", "xx"], "yy") == "en"
    assert scan(["set", "f", "--", "--lang", "fi"]) == "en"
    assert cli_i18n.prescan_forms(["score", "--forms", "/x", "f"]) == "/x"


_PERCENT = re.compile(r"%(?:\((\w+)\))?([sr])")


def test_the_catalogue_keeps_argparse_messages_and_their_placeholders(forms):
    """English is argparse's msgid itself; fi and sv keep its %-placeholders; every msgid is
    one the installed argparse really writes (a newer Python's new wording shows here)."""
    source = inspect.getsource(argparse)
    pairs = [*cli_i18n.ARGPARSE_KEYS.items(),
             *((m, k) for ms, ks in cli_i18n.ARGPARSE_PLURAL_KEYS.items()
               for m, k in zip(ms, ks, strict=True))]
    for msgid, key in pairs:
        assert f"'{msgid}'" in source or f'"{msgid}"' in source, msgid
        assert forms.messages["en"].labels[key] == msgid
        for lang in ("fi", "sv"):
            text = forms.messages[lang].labels[key]
            assert text != msgid or lang == "sv", (lang, key)
            assert sorted(_PERCENT.findall(text)) == sorted(_PERCENT.findall(msgid)), (lang, key)
    for name, key in cli_i18n.TYPE_KEYS.items():
        assert forms.messages["en"].labels[key] == name


# --- 2. the operating system's reasons -----------------------------------------------------------

NO_FOLDER = {"en": "cannot write: no such folder (expected a folder you may write to, "
                   "with free space)",
             "fi": "ei voi kirjoittaa: kansiota ei ole (odotettiin kansiota, johon on "
                   "kirjoitusoikeus ja jossa on tilaa)",
             "sv": "kan inte skrivas: mappen finns inte (förväntat en mapp med skrivrätt och "
                   "ledigt utrymme)"}
NO_PERMISSION = {"en": "cannot write: Permission denied (expected a folder you may write to, "
                       "with free space)",
                 "fi": "ei voi kirjoittaa: ei käyttöoikeutta (odotettiin kansiota, johon on "
                       "kirjoitusoikeus ja jossa on tilaa)",
                 "sv": "kan inte skrivas: behörighet saknas (förväntat en mapp med skrivrätt "
                       "och ledigt utrymme)"}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_export_excel_into_a_missing_folder_says_so_in_lang(capsys, tmp_path, lang):
    target = tmp_path / "no" / "dir" / "a.xlsx"
    code, out, err = run(capsys, "export-excel", AIR, "-o", str(target), "--layout", "fi_v2",
                         "--lang", lang)
    assert (code, out) == (2, "")
    assert err == f"{target}: $: {NO_FOLDER[lang]}\n"
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_a_refused_write_gives_the_reason_in_lang(capsys, tmp_path, monkeypatch, lang):
    import hrk_workbench.foundations.atomic as atomic

    def refused(*_args, **_kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".a.tmp"))

    monkeypatch.setattr(atomic.os, "fsync", refused)
    target = tmp_path / "a.xlsx"
    code, out, err = run(capsys, "export-excel", AIR, "-o", str(target), "--lang", lang)
    assert (code, out) == (2, "")
    assert err == f"{target}: $: {NO_PERMISSION[lang]}\n"
    assert list(tmp_path.iterdir()) == []


def test_os_error_detail_in_each_language(forms):
    detail = os_error_detail
    full = OSError(errno.ENOSPC, "No space left on device")
    assert detail(full, "en", forms) == "No space left on device"  # English as before
    assert detail(full, "fi", forms) == "levy on täynnä"
    assert detail(full, "sv", forms) == "disken är full"
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert detail(missing, "fi", forms) == "tiedostoa ei ole"
    assert detail(missing, "sv", forms, writing=True) == "mappen finns inte"
    busy = OSError(errno.EBUSY, "Device or resource busy")
    assert detail(busy, "fi", forms) == "järjestelmävirhe EBUSY: Device or resource busy"
    assert detail(busy, "sv", forms) == "systemfel EBUSY: Device or resource busy"


# --- 3. a file that is not JSON where an assessment is expected ----------------------------------

NOT_JSON = {"en": "not valid JSON (expected an assessment file *.hrk.json)",
            "fi": "tiedosto ei ole JSON-muotoinen (odotettiin arviointitiedostoa *.hrk.json)",
            "sv": "filen är inte i JSON-format (förväntat en bedömningsfil *.hrk.json)"}
CUT_SHORT = {"en": "not valid JSON (expected a complete JSON document; the file may be cut "
                   "short or damaged)",
             "fi": "virheellinen JSON (odotettiin täydellistä JSON-dokumenttia; tiedosto voi "
                   "olla katkennut tai vioittunut)",
             "sv": "ogiltig JSON (förväntat ett fullständigt JSON-dokument; filen kan vara "
                   "avkortad eller skadad)"}


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_a_csv_given_as_the_assessment_is_named_in_lang(capsys, tmp_path, lang):
    persons = tmp_path / "persons.csv"
    persons.write_text("id,name,born\n1,Aino,1980\n", encoding="utf-8")
    code, out, err = run(capsys, "report", str(persons), "-o", str(tmp_path / "m.md"),
                         "--lang", lang)
    assert (code, out) == (2, "")
    assert err == f"{persons}: line 1, column 1: {NOT_JSON[lang]}\n"
    assert "Expecting" not in err


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_a_cut_short_assessment_has_no_english_detail(capsys, tmp_path, lang):
    cut = tmp_path / "cut.hrk.json"
    cut.write_text((EXAMPLES / "air-quality.hrk.json").read_text(encoding="utf-8")[:100],
                   encoding="utf-8")
    code, _, err = run(capsys, "validate", str(cut), "--lang", lang)
    assert code == 2
    assert re.fullmatch(rf"{re.escape(str(cut))}: line \d+, column \d+: "
                        rf"{re.escape(CUT_SHORT[lang])}\n", err)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_created_and_valid_follow_lang(capsys, tmp_path, lang):
    target = tmp_path / "t.hrk.json"
    code, out, _ = run(capsys, "new", "--title", "T", "-o", str(target), "--lang", lang)
    assert code == 0
    assert out == {"fi": f"luotiin {target}\n", "sv": f"skapade {target}\n"}[lang]
    code, out, _ = run(capsys, "validate", str(target), "--lang", lang)
    assert out == {"fi": f"{target}: kelvollinen\n", "sv": f"{target}: giltig\n"}[lang]


@pytest.mark.parametrize(("lang", "said"), [("fi", "tiedostoa ei ole"), ("sv", "filen finns inte"),
                                            ("en", "No such file or directory")])
def test_a_key_file_or_recipe_that_cannot_be_read_is_said_in_lang(capsys, tmp_path, lang,
                                                                  said):
    """The system's reason is English; the message carries its errno and is said in --lang
    (puf's key file and recipe are read by the core, which knows no language)."""
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    recipe = tmp_path / "r.json"
    recipe.write_text('{"key_variables": ["a"], "steps": [{"op": "pseudonymise", '
                      '"columns": ["b"]}]}', encoding="utf-8")
    code, _, err = run(capsys, "puf", str(data), "--recipe", str(recipe), "-o",
                       str(tmp_path / "o.csv"), "--key-file", str(tmp_path / "nokey"),
                       "--lang", lang)
    assert code == 2 and said in err and f"{tmp_path / 'nokey'}: " in err
    if lang != "en":
        assert "No such file" not in err
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    code, _, err = run(capsys, "puf", str(data), "--recipe", str(folder), "-o",
                       str(tmp_path / "o.csv"), "--lang", lang)
    assert code == 2 and str(folder) in err
    if lang != "en":
        assert "Is a directory" not in err
