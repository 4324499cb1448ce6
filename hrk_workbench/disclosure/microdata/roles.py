"""Suggested roles for a file's columns: direct identifier, quasi-identifier (key variable),
sensitive attribute, or other. The steward confirms; these are suggestions.

Why values and not only names: an export's column called ``tunniste`` or ``id2`` may hold
henkilötunnus codes, and a column called ``hetu`` may hold pseudonyms. Identity codes are
recognised by their pattern *and* check character, so a column of order numbers that happens
to look like ``010190-123X`` is not flagged as personal IDs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Role = Literal["direct", "quasi", "sensitive", "other"]
ROLES: tuple[Role, ...] = ("direct", "quasi", "sensitive", "other")

SAMPLE = 1000  # values looked at per column
MATCH_SHARE = 0.8  # share of non-missing values that must match a pattern
# An identity code whose check character is right is no accident: a column where a fifth of
# the values are valid henkilötunnus (the rest "tuntematon", "-", old codes) holds them.
CHECKSUM_SHARE = 0.2
CHECKSUMMED = frozenset({"henkilotunnus", "personnummer", "y_tunnus", "organisationsnummer"})


# --- identity codes -------------------------------------------------------------------------

_HETU = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURY = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900,
                 "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_henkilotunnus(text: str) -> bool:
    """A Finnish personal identity code (henkilötunnus) with a correct check character.

    DDMMYYCZZZQ: the century sign C (+, -/U-Y, A-F since 2023), the individual number ZZZ
    (002-899; 900-999 are temporary codes, still personal) and Q = DDMMYYZZZ mod 31.
    """
    m = _HETU.match(text.strip().upper())
    if not m:
        return False
    dd, mm, yy, sign, zzz, check = m.groups()
    if not _valid_date(_HETU_CENTURY[sign] + int(yy), int(mm), int(dd)) or int(zzz) < 2:
        return False
    return _HETU_CHECK[int(dd + mm + yy + zzz) % 31] == check


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


_PNR = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


def is_personnummer(text: str) -> bool:
    """A Swedish personnummer or samordningsnummer (day + 60) with a correct Luhn digit.

    YYMMDD-NNNC, YYYYMMDDNNNC and their variants without the separator; the Luhn digit is
    computed over the ten digits YYMMDDNNN.
    """
    m = _PNR.match(text.strip())
    if not m:
        return False
    century, yy, mm, dd, _sep, nnn, c = m.groups()
    day = int(dd) - 60 if int(dd) > 60 else int(dd)
    year = int((century or "19") + yy)
    if not _valid_date(year, int(mm), day):
        return False
    return _luhn(yy + mm + dd + nnn + c)


_YTUNNUS = re.compile(r"^(\d{7})-(\d)$")
_Y_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def is_y_tunnus(text: str) -> bool:
    """A Finnish business ID (Y-tunnus) NNNNNNN-C with a correct check digit (weights
    7 9 10 5 8 4 2, mod 11; a remainder of 1 is never issued)."""
    m = _YTUNNUS.match(text.strip())
    if not m:
        return False
    body, check = m.groups()
    rest = sum(int(d) * w for d, w in zip(body, _Y_WEIGHTS, strict=True)) % 11
    if rest == 1:
        return False
    return int(check) == (0 if rest == 0 else 11 - rest)


_ORGNR = re.compile(r"^(\d{6})-?(\d{4})$")


def is_organisationsnummer(text: str) -> bool:
    """A Swedish organisation number: ten digits, Luhn, and a "month" of 20 or more (so it
    can never be a personnummer)."""
    m = _ORGNR.match(text.strip())
    if not m:
        return False
    digits = m.group(1) + m.group(2)
    return int(digits[2:4]) >= 20 and _luhn(digits)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^(\+|00)?[\d\s()-]{7,20}$")
_STREET = re.compile(
    r"^\D+(katu|tie|kuja|polku|tori|väylä|raitti|gatan|gata|vägen|väg|gränd|street|road|"
    r"avenue|st\.?|rd\.?)\s+\d+", re.IGNORECASE)
_STREET_FIRST = re.compile(  # "12 High Street", "5B Queen's Road"
    r"^\d+[a-z]?,?\s+\D+\b(street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|close|court)\b\.?",
    re.IGNORECASE)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})")


# --- coordinates ----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_POINT = re.compile(  # WKT POINT(x y), or "lat, lon" / "lat lon" in decimal degrees
    r"^(POINT\s*Z?\s*\(\s*[+-]?\d+(\.\d+)?\s+[+-]?\d+(\.\d+)?(\s+[+-]?\d+(\.\d+)?)?\s*\)"
    r"|[+-]?\d{1,3}\.\d{3,}\s*[,; ]\s*[+-]?\d{1,3}\.\d{3,})$", re.IGNORECASE)
#: words of a column name that say it holds a coordinate (en, fi, sv; WGS84 and projected)
COORDINATE_WORDS = frozenset({
    "lat", "lon", "lng", "long", "latitude", "longitude", "leveys", "pituus", "leveysaste",
    "pituusaste", "latitud", "longitud", "x", "y", "e", "n", "easting", "northing", "east",
    "north", "itä", "ita", "pohjoinen", "pohjois", "öst", "ost", "nord", "coord", "coords",
    "coordinate", "coordinates", "koordinaatti", "koordinaatit", "koordinat", "koordinater",
    "wgs84", "etrs", "tm35fin", "etrs-tm35fin", "sweref", "sweref99", "geom", "geometry",
    "sijainti", "läge", "location"})
#: decimal degrees (WGS84) and the projected grids used in Finland and Sweden, in metres:
#: ETRS-TM35FIN easting 20 000-800 000, northing 6 600 000-7 800 000; SWEREF 99 TM easting
#: 180 000-1 000 000, northing 6 100 000-7 700 000 (the two ranges together)
EASTING = (20_000.0, 1_000_000.0)
NORTHING = (6_100_000.0, 7_800_000.0)
#: without a telling name, a pair of degree columns is recognised only with this many decimals
#: (a position to about 10 m) and within the Nordic countries
NORDIC_LAT, NORDIC_LON, DEGREE_DECIMALS = (54.0, 71.5), (4.0, 32.0), 4


def _numbers(values: list[str]) -> list[float] | None:
    """The values as numbers when at least ``MATCH_SHARE`` of them are (else None)."""
    out = [float(v.strip().replace(",", ".")) for v in values if _NUMBER.match(v.strip())]
    return out if values and len(out) >= MATCH_SHARE * len(values) else None


def _decimals(values: list[str]) -> int:
    """The decimals most values have (the median count)."""
    counts = sorted(len(v.strip().replace(",", ".").partition(".")[2]) for v in values)
    return counts[len(counts) // 2] if counts else 0


def _within(numbers: list[float], bounds: tuple[float, float]) -> bool:
    inside = sum(bounds[0] <= n <= bounds[1] for n in numbers)
    return bool(numbers) and inside >= MATCH_SHARE * len(numbers)


def _coordinate_by_name(column: str, values: list[str]) -> bool:
    """A column named as a coordinate (lat, lon, x, y, itä, northing...) whose values are
    decimal degrees (with decimals) or metres of a projected grid."""
    if not (set(_words(column.replace("_", " "))) & COORDINATE_WORDS):
        return False
    numbers = _numbers(values)
    if numbers is None:
        return False
    degrees = _within([abs(n) for n in numbers], (0.0, 180.0)) and _decimals(values) >= 2
    return degrees or _within(numbers, EASTING) or _within(numbers, NORTHING)


def coordinate_pairs(sample: dict[str, list[str]]) -> set[str]:
    """Columns that hold coordinates by their values alone, found as pairs: a northing and
    an easting of ETRS-TM35FIN or SWEREF 99 TM (metres), or a latitude and a longitude in
    the Nordic countries with at least four decimals."""
    numbers = {c: n for c, v in sample.items() if v and (n := _numbers(v)) is not None}
    north = [c for c, n in numbers.items() if _within(n, NORTHING)]
    east = [c for c, n in numbers.items() if c not in north and _within(n, EASTING)]
    lat = [c for c, n in numbers.items() if _within(n, NORDIC_LAT)
           and _decimals(sample[c]) >= DEGREE_DECIMALS]
    lon = [c for c, n in numbers.items() if c not in lat and _within(n, NORDIC_LON)
           and _decimals(sample[c]) >= DEGREE_DECIMALS]
    found: set[str] = set()
    if north and east:
        found.update(north + east)
    if lat and lon:
        found.update(lat + lon)
    return found


def _is_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return bool(_PHONE.match(text.strip())) and 7 <= len(digits) <= 15 and (
        text.strip().startswith(("+", "0")))


VALUE_CHECKS: tuple[tuple[str, Role, Any], ...] = (
    ("henkilotunnus", "direct", is_henkilotunnus),
    ("personnummer", "direct", is_personnummer),
    ("y_tunnus", "direct", is_y_tunnus),
    ("organisationsnummer", "direct", is_organisationsnummer),
    ("email", "direct", lambda t: bool(_EMAIL.match(t.strip()))),
    ("phone", "direct", _is_phone),
    ("street_address", "direct", lambda t: bool(_STREET.match(t.strip()) or
                                                 _STREET_FIRST.match(t.strip()))),
    ("coordinates", "direct", lambda t: bool(_POINT.match(t.strip()))),
    ("date", "quasi", lambda t: bool(_DATE.match(t.strip()))),
)

# Column-name hints in English, Finnish and Swedish (lower case, matched as word parts).
NAME_HINTS: tuple[tuple[str, Role, tuple[str, ...]], ...] = (
    ("name", "direct", ("name", "nimi", "namn", "etunimi", "sukunimi", "förnamn",
                        "efternamn", "firstname", "lastname", "surname")),
    ("address", "direct", ("address", "adress", "osoite", "katuosoite", "gatuadress",
                           "street")),
    ("email", "direct", ("email", "e-mail", "sähköposti", "sahkoposti", "epost", "e-post")),
    ("phone", "direct", ("phone", "puhelin", "telefon", "gsm", "mobile", "matkapuhelin")),
    ("identity_code", "direct", ("hetu", "henkilötunnus", "henkilotunnus", "ssn",
                                 "personnummer", "personal_id", "socialsecurity",
                                 "ytunnus", "y-tunnus", "orgnr", "organisationsnummer")),
    ("health", "sensitive", ("diagnosis", "diagnoosi", "diagnos", "icd", "health", "terveys",
                             "hälsa", "disease", "sairaus", "sjukdom", "medication", "lääke",
                             "läkemedel", "disability", "vamma", "funktionsnedsättning")),
    ("income", "sensitive", ("income", "tulot", "tulo", "inkomst", "salary", "palkka", "lön",
                             "wage", "benefit", "etuus", "toimeentulotuki", "bidrag")),
    ("offence", "sensitive", ("offence", "offense", "crime", "rikos", "brott", "conviction",
                              "tuomio", "dom")),
    ("belief", "sensitive", ("religion", "uskonto", "religion", "ethnic", "etninen",
                             "etnisk", "sexual", "seksuaal", "sexuell", "union", "ammattiliitto",
                             "fackförbund", "political", "poliittinen", "politisk")),
    ("age", "quasi", ("age", "ikä", "ika", "ålder", "alder")),
    ("birth", "quasi", ("birth", "born", "syntymä", "syntyma", "synt", "född", "fodd",
                        "födelse")),
    ("sex", "quasi", ("sex", "gender", "sukupuoli", "kön", "kon")),
    ("postcode", "quasi", ("postcode", "postal", "zip", "postinumero", "postnumero",
                           "postnummer", "postnro")),
    ("region", "quasi", ("municipality", "kunta", "kommun", "region", "maakunta", "län",
                         "county", "city", "kaupunki", "stad", "district", "alue",
                         "område", "grid", "ruutu")),
    ("occupation", "quasi", ("occupation", "ammatti", "yrke", "profession", "job", "title",
                             "nimike", "titel", "employer", "työnantaja", "arbetsgivare")),
    ("education", "quasi", ("education", "koulutus", "utbildning", "degree", "tutkinto",
                            "examen")),
    ("family", "quasi", ("marital", "siviilisääty", "civilstånd", "household", "kotitalous",
                         "hushåll", "children", "lapset", "barn")),
    ("origin", "quasi", ("nationality", "kansalaisuus", "medborgarskap", "country",
                         "maa", "land", "language", "kieli", "språk", "mother_tongue",
                         "äidinkieli", "modersmål")),
    ("date", "quasi", ("date", "pvm", "päivä", "datum", "year", "vuosi", "år", "month",
                       "kuukausi", "månad", "time", "aika", "tid")),
)


@dataclass(frozen=True)
class RoleSuggestion:
    """A suggested role and why: ``basis`` is a stable code (``henkilotunnus`` by value,
    ``name_hint:postcode`` by column name) and ``share`` the share of values that matched."""

    column: str
    role: Role
    basis: str = ""
    share: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "role": self.role, "basis": self.basis,
                "share": self.share}


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-zåäöü0-9-]+", name.lower()) if w]


def _name_hint(column: str) -> tuple[str, Role] | None:
    lower = column.lower()
    words = _words(column)
    for code, role, hints in NAME_HINTS:
        for hint in hints:
            # short hints (sex, age, ikä, dom) must be a whole word; long ones may be a part
            if (len(hint) <= 4 and hint in words) or (len(hint) > 4 and hint in lower):
                return code, role
    return None


def _values(series: pd.Series) -> list[str]:
    values = series.dropna().astype(str)
    values = values[values.str.strip() != ""]
    if len(values) > SAMPLE:
        values = values.sample(SAMPLE, random_state=0)
    return list(values)


def suggest_role(column: str, series: pd.Series) -> RoleSuggestion:
    """The role suggested for one column, by its values first, then by its name."""
    return suggest_role_from_values(column, _values(series))


def suggest_role_from_values(column: str, values: list[str]) -> RoleSuggestion:
    """:func:`suggest_role` on a column's non-missing values as text (a sample)."""
    if values:
        counted = Counter(values)  # each distinct value checked once (a code list: a few)
        for code, role, check in VALUE_CHECKS:
            share = _share(counted, len(values), check, CHECKSUM_SHARE if code in CHECKSUMMED
                           else MATCH_SHARE)
            if share is not None:
                return RoleSuggestion(column, role, code, round(share, 3))
    if values and _coordinate_by_name(column, values):
        return RoleSuggestion(column, "direct", "coordinates")
    hint = _name_hint(column)
    if hint is not None:
        return RoleSuggestion(column, hint[1], f"name_hint:{hint[0]}")
    if values and len(set(values)) == len(values) and len(values) >= 20:
        # every value different: a record identifier of some kind
        return RoleSuggestion(column, "direct", "all_values_distinct", 1.0)
    return RoleSuggestion(column, "other", "")


def _share(counted: Counter[str], total: int, check: Any, needed: float) -> float | None:
    """The share of the ``total`` values (``counted``: how often each occurs) that pass
    ``check`` when it reaches ``needed``, else None; a column stops being read once too
    many values have failed to reach it (most columns fail every check, and the risk
    command judges every column of the file)."""
    allowed = total - math.ceil(needed * total)  # failures that still reach it
    failed = 0
    for v, n in counted.items():
        if not check(v):
            failed += n
            if failed > allowed:
                return None
    return (total - failed) / total


def suggest_roles(df: pd.DataFrame, columns: Iterable[str] | None = None) -> list[RoleSuggestion]:
    """A suggestion for every column (or those given), in the file's order; a pair of
    columns holding coordinates is found together (:func:`coordinate_pairs`)."""
    return suggest_roles_from_values({str(c): _values(df[c]) for c in (columns or df.columns)})


def suggest_roles_from_values(sample: dict[str, list[str]]) -> list[RoleSuggestion]:
    """:func:`suggest_roles` on each column's non-missing values as text (a sample)."""
    pairs = coordinate_pairs(sample)
    out = []
    for column, values in sample.items():
        s = suggest_role_from_values(column, values)
        if column in pairs and (s.role != "direct" or s.basis == "all_values_distinct"):
            s = RoleSuggestion(column, "direct", "coordinates")
        out.append(s)
    return out
