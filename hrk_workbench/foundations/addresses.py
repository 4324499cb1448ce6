"""Web addresses: the one rule every URL/IRI field of an assessment follows.

A catalogue record links the landing page, the publisher, the files, the API, the schema
and the licence; each must be an absolute ``http(s)`` address that is a valid IRI (RFC 3987),
or the record is refused by the portal, or its RDF cannot be written at all (rdflib cannot
serialise ``<``, a space or a backtick in an IRI). So:

- a field typed :data:`WebAddress` in the model is such an address or empty;
- ``set`` and the app refuse a new value that is not (:func:`address_problems` as errors);
- a file that already holds one still opens: ``validate`` and the exports warn at its path,
  and the exports leave the value out (:func:`is_web_address`).

Validity is decided with the RFC 3987 grammar as the ``rfc3986`` library writes it (its
IRI component patterns); only the wording of what is wrong is ours. An ASCII address is
matched with the same patterns less their non-ASCII ranges, which decide alike on it and
load far faster (:func:`grammar_patterns`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, StringConstraints

from hrk_workbench.foundations.problems import Problem, Severity


class _WebAddressMark:
    """Marks a model field as a web address (found by :func:`address_fields`)."""

    def __repr__(self) -> str:
        return "WebAddress"


WEB_ADDRESS = _WebAddressMark()

WebAddress = Annotated[str, StringConstraints(strip_whitespace=True), WEB_ADDRESS]
"""An absolute http(s) IRI, or empty (not answered). Not refused on load: see the module."""

SCHEMES = ("http", "https")
EXAMPLE = "https://www.example.fi/page"
# characters RFC 3987 never allows unencoded in an IRI (and rdflib refuses), named in messages
_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


class _Grammar(NamedTuple):
    iri: re.Pattern[str]
    authority: re.Pattern[str]
    path: re.Pattern[str]
    query: re.Pattern[str]
    fragment: re.Pattern[str]


# ``rfc3986.misc`` writes the authority's pattern out of the ABNF pieces this way
_AUTHORITY = "^(?:(?P<userinfo>{})@)?(?P<host>{}):?(?P<port>{})?$"


def grammar_patterns(abnf: ModuleType, ascii_only: bool) -> tuple[str, ...] | None:
    """RFC 3987's patterns as the ``rfc3986`` library writes them (its ``abnf_regexp``):
    the IRI, its authority, path, query and fragment.

    With ``ascii_only`` the non-ASCII ranges (``ucschar`` and ``iprivate``, which only ever
    stand inside a character class) are left out: on an ASCII address the patterns then
    match exactly as the full ones do, and they compile in a fraction of the time. None
    when the library's patterns hold another non-ASCII range (a future version): the full
    grammar decides then.
    """
    def strip(pattern: str) -> str:
        if not ascii_only:
            return pattern
        return pattern.replace(abnf.UCSCHAR_RE, "").replace(abnf.IPRIVATE, "")

    patterns = (abnf.URL_PARSING_RE,
                _AUTHORITY.format(strip(abnf.IUSERINFO_RE), strip(abnf.IHOST_RE),
                                  abnf.PORT_RE),
                strip(abnf.IPATH_RE), strip(abnf.IQUERY_RE), strip(abnf.IFRAGMENT_RE))
    if ascii_only and not all(p.isascii() for p in patterns):
        return None
    return patterns


def _abnf() -> ModuleType:
    """The library's ABNF patterns (plain strings), read without importing the ``rfc3986``
    package, whose import compiles every one of its long Unicode patterns (tens of
    milliseconds, most of a command's run); the package itself when it cannot be."""
    loaded = sys.modules.get("rfc3986.abnf_regexp")
    if loaded is not None:
        return loaded
    from importlib.machinery import PathFinder, SourceFileLoader

    spec = PathFinder.find_spec("rfc3986")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    source = Path(folders[0]) / "abnf_regexp.py" if folders else None
    if source is None or not source.is_file():
        from rfc3986 import abnf_regexp

        return abnf_regexp
    loader = SourceFileLoader("rfc3986.abnf_regexp", str(source))
    module = ModuleType(loader.name)
    module.__file__ = str(source)
    loader.exec_module(module)
    return module


def _compiled(patterns: tuple[str, ...]) -> _Grammar:
    return _Grammar(*(re.compile(p, re.UNICODE) for p in patterns))


@cache
def _ascii_grammar() -> _Grammar | None:
    """The grammar for an ASCII address (nearly every one), compiled on first use."""
    patterns = grammar_patterns(_abnf(), ascii_only=True)
    return _compiled(patterns) if patterns is not None else None


@cache
def _grammar() -> _Grammar:
    """RFC 3987's patterns, compiled when the first non-ASCII address is checked: the
    library and its long Unicode patterns take longer to load than most commands take to
    run."""
    from rfc3986 import abnf_regexp, misc

    return _Grammar(misc.IRI_MATCHER, misc.ISUBAUTHORITY_MATCHER,
                    re.compile(abnf_regexp.IPATH_RE, re.UNICODE),
                    re.compile(abnf_regexp.IQUERY_RE, re.UNICODE),
                    re.compile(abnf_regexp.IFRAGMENT_RE, re.UNICODE))


class IriParts(NamedTuple):
    """An absolute IRI's components as written (nothing percent-encoded or normalised)."""

    scheme: str
    authority: str | None
    host: str
    path: str
    query: str | None
    fragment: str | None


def iri_parts(value: str) -> IriParts | None:
    """The IRI's components when ``value`` is an absolute IRI by RFC 3987, else None."""
    if not value or _FORBIDDEN.search(value):
        return None
    return _parts(value, (_ascii_grammar() if value.isascii() else None) or _grammar())


def _parts(value: str, grammar: _Grammar) -> IriParts | None:
    parts = grammar.iri.match(value)
    if parts is None:
        return None
    got = parts.groupdict()
    scheme, authority = got["scheme"], got["authority"]
    if not scheme or not _SCHEME.match(scheme):
        return None
    host = ""
    if authority is not None:
        sub = grammar.authority.match(authority)
        if sub is None or (sub.group("port") and int(sub.group("port")) > 65535):
            return None
        host = sub.group("host") or ""
    path, query, fragment = got["path"] or "", got["query"], got["fragment"]
    if (path and not grammar.path.match(path)) \
            or (query is not None and not grammar.query.match(query)) \
            or (fragment is not None and not grammar.fragment.match(fragment)):
        return None
    return IriParts(scheme, authority, host, path, query, fragment)


def is_iri(value: str) -> bool:
    """True for an absolute IRI of any scheme (``mailto:``, ``urn:`` included)."""
    return iri_parts(value) is not None


def is_web_address(value: str) -> bool:
    """True for an absolute http(s) IRI with a host: what a web address field may hold."""
    iri = iri_parts(value)
    return iri is not None and iri.scheme.lower() in SCHEMES and bool(iri.host)


def address_problem(path: str, value: str, severity: Severity = "error") -> Problem | None:
    """What is wrong with ``value`` as a web address at ``path``, or None when it is one.

    The message names the first thing to fix: a character an address cannot hold, a missing
    ``https://`` (``www.example.fi``), another scheme (``ftp:``), or text that is no address
    at all (``Kirjastotoimenjohtaja``).
    """
    value = value.strip()
    if not value or is_web_address(value):
        return None
    shown = value if len(value) <= 80 else value[:77] + "..."
    bad = _FORBIDDEN.search(value)
    iri = None if bad else iri_parts(value)
    base = {"got": repr(shown), "example": EXAMPLE}
    if bad:
        char = bad.group()
        name = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
        return Problem(path, f"{char!r} at character {bad.start() + 1} cannot be in a web "
                       "address", "the character written as %XX (a space as %20)", severity,
                       code="address_bad_character",
                       params={**base, "char": name, "position": bad.start() + 1})
    if iri is not None and iri.scheme.lower() not in SCHEMES:
        return Problem(path, f"{shown!r} is a {iri.scheme}: address, not a web address",
                       f"an address beginning https:// or http://, e.g. {EXAMPLE}", severity,
                       code="address_not_web", params={**base, "scheme": iri.scheme})
    if iri is None and _looks_like_host(value):
        return Problem(path, f"{shown!r} lacks https:// at its start",
                       f"the full address, e.g. https://{shown}", severity,
                       code="address_no_scheme", params={**base, "suggestion": f"https://{shown}"})
    return Problem(path, f"{shown!r} is not a web address",
                   f"an absolute address such as {EXAMPLE}", severity,
                   code="address_invalid", params=base)


def _looks_like_host(value: str) -> bool:
    """``www.example.fi/page`` or ``example.fi``: a host name with a dot, no scheme."""
    host = value.split("/", 1)[0]
    return "." in host and ":" not in host and is_web_address("https://" + value)


def address_fields(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (answer path, value) of a :data:`WebAddress` field in ``model``, nested models
    and keyed maps of them included, so adding such a field to the model needs nothing here.
    """
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        if WEB_ADDRESS in info.metadata and isinstance(value, str):
            yield path, value
        else:
            yield from _nested(value, path)


def _nested(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, BaseModel):
        yield from address_fields(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, BaseModel):
                yield from address_fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from address_fields(item, f"{path}[{i}]")


def address_problems(model: BaseModel, severity: Severity = "warning") -> list[Problem]:
    """Every web address field of the document that holds something else.

    ``validate`` and the exports call it with warnings (the file stays usable and the value
    is left out of the record); ``set`` and the app with errors (a new value is refused).
    """
    found = (address_problem(path, value, severity) for path, value in address_fields(model))
    return [p for p in found if p is not None]
