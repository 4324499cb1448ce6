"""The command line's own messages in ``--lang``: argparse's texts and operating-system errors.

Why a hook into argparse: argparse writes its messages ("usage: ", "the following arguments
are required: %s", "invalid choice: …") through ``gettext.gettext`` and ``gettext.ngettext``,
which it imports into its own module as ``argparse._`` and ``argparse.ngettext`` (CPython 3.11
to 3.13). Those would read compiled ``.mo`` files, which this program does not ship: its texts
live in the YAML catalogues, these in ``forms/messages/cli/<lang>.yaml``. So while the parser
is built and parses, :func:`argparse_language` puts look-ups in place of those two names that
map each argparse message (:data:`ARGPARSE_KEYS`) to a catalogue key, and puts the originals
back afterwards. English installs nothing, so it reads exactly as argparse writes it; a
message not in the map (a newer Python's) passes through in English rather than breaking.

The language has to be known before parsing, so :func:`prescan_language` reads ``--lang X``
or ``--lang=X`` straight from the arguments (else ``$HRK_LANG``, else English).

The operating system's reason for a failed read or write, in the user's language, is
:func:`hrk_workbench.foundations.i18n.os_error_detail` (the ``{detail}`` of the
``cannot_read`` and ``cannot_write`` problems).

Light to import: the forms load only when a translated text is first needed.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrk_workbench.forms.loader import Forms

LANGUAGE_CHOICES = ("en", "fi", "sv")  # as forms.LANGUAGES, without importing the forms here

# argparse's message (the gettext msgid, exactly as argparse.py writes it) -> catalogue key.
# The English catalogue text of each key is the msgid itself (a test holds them equal), and
# every language keeps the same %-placeholders.
ARGPARSE_KEYS = {
    "usage: ": "cli_usage",
    "positional arguments": "cli_positional_arguments",
    "options": "cli_options",
    "show this help message and exit": "cli_help",
    "argument %(argument_name)s: %(message)s": "cli_argument",
    "the following arguments are required: %s": "cli_required",
    "one of the arguments %s is required": "cli_one_required",
    "unrecognized arguments: %s": "cli_unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli_invalid_choice",
    "invalid %(type)s value: %(value)r": "cli_invalid_type",
    "expected one argument": "cli_expected_one",
    "expected at most one argument": "cli_expected_at_most_one",
    "expected at least one argument": "cli_expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli_ambiguous",
    "ignored explicit argument %r": "cli_ignored_argument",
    "not allowed with argument %s": "cli_not_allowed_with",
    "unexpected option string: %s": "cli_unexpected_option",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "cli_unknown_parser",
}
# ngettext's (singular, plural) -> the keys of the two forms
ARGPARSE_PLURAL_KEYS = {
    ("expected %s argument", "expected %s arguments"): ("cli_expected_n_one",
                                                        "cli_expected_n_other"),
}
# the type names argparse puts into "invalid %(type)s value" -> catalogue key
TYPE_KEYS = {"int": "cli_type_int", "float": "cli_type_float"}

# errno -> the catalogue key of its reason; a missing file while writing means its folder is
# missing, which the report command already says with memo_cli_no_folder


def _scan(argv: Sequence[str], option: str) -> str | None:
    """The last value given to ``option`` (``--opt X`` or ``--opt=X``), before any ``--``."""
    found = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == option and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(option + "="):
            found = arg[len(option) + 1:]
    return found


def prescan_language(argv: Sequence[str], env: str | None = None) -> str:
    """The language for the parser's own messages, read before parsing.

    ``--lang`` if it names a language, else ``env`` (``$HRK_LANG``) if that does, else
    English. An unknown value is not an error here: the parser (or the command) reports it,
    in the language this falls back to.
    """
    for value in (_scan(argv, "--lang"), (env or "").strip()):
        if value in LANGUAGE_CHOICES:
            return value
    return "en"


def prescan_forms(argv: Sequence[str]) -> str | None:
    """The ``--forms DIR`` given, if any: the catalogue the messages are read from."""
    return _scan(argv, "--forms")


class _TypedTemplate(str):
    """ "invalid %(type)s value" translated: the type name (int, float) is translated too when
    argparse fills the template in (``template % {"type": "int", "value": "abc"}``)."""

    names: dict[str, str]

    def __new__(cls, text: str, names: dict[str, str]) -> _TypedTemplate:
        self = super().__new__(cls, text)
        self.names = names
        return self

    def __mod__(self, values: Any) -> str:
        if isinstance(values, dict) and "type" in values:
            values = {**values, "type": self.names.get(values["type"], values["type"])}
        return str.__mod__(str(self), values)


class Translator:
    """Catalogue texts in one language; the forms are read on the first text asked for."""

    def __init__(self, lang: str, forms_dir: str | None = None,
                 forms: Forms | None = None) -> None:
        self.lang = lang
        self.forms_dir = forms_dir
        self._forms = forms
        self._failed = False

    @property
    def forms(self) -> Forms | None:
        """The loaded forms, or None when they cannot be read (then English is used: the
        command reports the broken forms itself)."""
        if self._forms is None and not self._failed:
            try:
                from hrk_workbench.forms.loader import load_forms

                self._forms = load_forms(self.forms_dir)
            except Exception:
                self._failed = True
        return self._forms

    def text(self, key: str) -> str | None:
        """The text of ``key`` in the language, or None if there is none."""
        forms = self.forms
        if forms is None:
            return None
        from hrk_workbench.foundations.i18n import label

        found = label(key, self.lang, forms)
        return None if found == key else found

    def gettext(self, message: str) -> str:
        """argparse's ``_``: the translation of ``message``, or ``message`` itself."""
        key = ARGPARSE_KEYS.get(message) if isinstance(message, str) else None
        text = self.text(key) if key else None
        if text is None:
            return message
        if key == "cli_invalid_type":
            names = {name: self.text(k) or name for name, k in TYPE_KEYS.items()}
            return _TypedTemplate(text, names)
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """argparse's ``ngettext``."""
        keys = ARGPARSE_PLURAL_KEYS.get((singular, plural))
        text = self.text(keys[0] if n == 1 else keys[1]) if keys else None
        return text if text is not None else (singular if n == 1 else plural)


_active: Translator | None = None


@contextlib.contextmanager
def argparse_language(lang: str, forms_dir: str | None = None) -> Iterator[Translator | None]:
    """Build and run the parser inside this: its messages come out in ``lang``.

    Yields the translator (None for English), whose ``forms`` the caller may reuse.
    """
    global _active
    if lang == "en" or lang not in LANGUAGE_CHOICES:
        yield None
        return
    translator = Translator(lang, forms_dir)
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    previous = _active
    argparse._ = translator.gettext  # type: ignore[attr-defined]
    argparse.ngettext = translator.ngettext  # type: ignore[attr-defined]
    _active = translator
    try:
        yield translator
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
        _active = previous


def parser_error(prog: str, message: str) -> str:
    """The two lines a parser error prints: what is wrong, and where the help is."""
    texts = {"cli_error": "{prog}: error: {message}",
             "cli_run_help": "(run '{prog} --help' for usage)"}
    if _active is not None:
        texts = {key: _active.text(key) or text for key, text in texts.items()}
    return (texts["cli_error"].format(prog=prog, message=message) + "\n"
            + texts["cli_run_help"].format(prog=prog) + "\n")

