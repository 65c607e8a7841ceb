"""Numbers in running text: find them with exact offsets, normalise them, compare them.

``find_numbers`` runs on Swedish source passages and on English claims alike, so every
mention gets a value that is comparable across languages: "3,8 miljoner kronor" and
"3.8 million kronor" both become ``3_800_000.0`` with unit ``"SEK"``.

What is recognised (each mention's ``text`` is ``text[start:end]``):

* digits, with thousands separators in English and Swedish style ("1,200", "1 200" with
  plain, no-break or thin spaces, "1.200" where the language writes decimal commas),
  decimals ("3.5", "3,5"), negative numbers ("-4", "−4"), ranges ("12–13" gives two
  mentions, and a unit or scale after the second is shared with the first);
* scale words after a number: thousand/tusen, million/miljon(er), billion (10**9),
  miljard(er) (10**9), biljon(er) (10**12), bn, mn, "mnkr"/"mkr"/"MSEK" (miljoner
  kronor), "mdkr" (miljarder kronor), "tkr" (tusen kronor); "$5m" and "€3k" after a
  currency sign; and those of the other served languages ("5,5 Millionen", "5,5 mio.",
  "1,2 Milliarden", "3 millones de dólares", "3 miljoonaa euroa"), where "billion" is
  10**12 outside English and Spanish "mil" a thousand;
* number words in English and Swedish ("twenty-one", "two hundred and five",
  "tjugoett", "tvåhundrafemtio", "tre miljoner", "a dozen"), Norwegian ("tjuefem") and
  Finnish ("kaksikymmentäviisi") by this module's grammar, Danish, German, French,
  Spanish, Dutch, Italian and Portuguese by text2num ("halvtreds", "fünfundzwanzig",
  "quatre-vingt-dix"); ordinals (first..twentieth, första..tjugonde, "3rd", "3:e") with
  kind ``"ordinal"``;
* percentages ("12%", "12 procent", "12 percent", kind ``"percent"``, unit ``"%"``) and
  percentage points ("procentenheter", "percentage points", unit ``"pp"``); fractions and
  ratios as percentages ("two thirds", "två tredjedelar", "zwei Drittel", "hälften",
  "one in three", "var tredje", "un sur trois"), precise to 2.5 points;
* units after a number (km, m, kg, t, SEK, EUR, USD, year, ...), currencies before one
  ("$", "€", "£", "SEK 12"); currencies give kind ``"money"``;
* dates: "12 March 2024", "March 12, 2024", "12 mars 2024", "2024-03-12", "12.3.2024"
  (value ``20240312.0``), month and year "mars 2024" (``20240300.0``), day and month
  without a year "12 mars" (``312.0``: year 0); standalone years 1800–2100 (kind
  ``"year"``, value the year), decades "1990s"/"1990-talet" (year 1990).

A line break may sit between a number and its scale or unit and between the parts of a
date ("61\nmiljoner kronor" in PDF text); never inside a number.

Deliberately not numbers: Swedish "en"/"ett", English "a" and the other languages' words
for one ("ein", "un", "una", "ei") on their own (articles;
they count only before hundred/thousand/million: "en miljon", "a dozen"); "one" after
no/any/some/every/the/this/that/each or before a modal verb ("no one", "one could");
Swedish "andra" (it means "other" as often as "second"); dotted section numbers
("3.4.3"); digits glued to letters ("E4", "4G", "CO2").
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from sourcecheck.lang import table_code
from sourcecheck.model import NumberMention
from sourcecheck.model import NumberQualifier as Qualifier

__all__ = ["changes", "find_numbers", "numbers_consistent", "numbers_equal"]

Kind = Literal["number", "percent", "date", "year", "ordinal", "money"]

# A space that can sit inside a number ("1 200") or between a number and its unit.
_SP = "[ \u00a0\u202f\u2009]"
_SPACES = " \u00a0\u202f\u2009"
# Between a number and its scale, unit or the parts of a date, a line may also break
# (PDF text): one or more spaces, or one line break with spaces around it.
_GAP = rf"(?:{_SP}+|{_SP}*\r?\n{_SP}*)"

# Languages that write a decimal comma: there "1,200" is 1.2 and "1.200" is 1200.
_COMMA_DECIMAL = frozenset(
    {"sv", "da", "nb", "no", "nn", "de", "fr", "es", "fi", "nl", "it", "pt", "pl", "cs", "ru"}
)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so "miljoner" beats "miljon")."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", _SP) for w in items)


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_MONTHS_FULL: dict[str, int] = {
    "january": 1, "januari": 1, "february": 2, "februari": 2, "march": 3, "mars": 3,
    "april": 4, "may": 5, "maj": 5, "june": 6, "juni": 6, "july": 7, "juli": 7,
    "august": 8, "augusti": 8, "september": 9, "october": 10, "oktober": 10,
    "november": 11, "december": 12,
    # The other served languages: a German, French or Spanish date is a date too.
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "dezember": 12,
    "janvier": 1, "février": 2, "avril": 4, "juin": 6, "juillet": 7, "août": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    "marts": 3, "desember": 12,
    "tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4,
    "toukokuuta": 5, "kesäkuuta": 6, "heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9,
    "lokakuuta": 10, "marraskuuta": 11, "joulukuuta": 12,
    "maart": 3, "mei": 5, "augustus": 8,
}  # fmt: skip
_MONTHS_ABBR: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTHS = {**_MONTHS_FULL, **_MONTHS_ABBR}
_MONTH_ALT = _alternation(_MONTHS)
_MONTH_FULL_ALT = _alternation(_MONTHS_FULL)
_NOT_LETTER_AFTER = r"(?![^\W\d_])"

# 2024-03-12
_ISO_DATE_RE = re.compile(
    r"(?<![\w.,-])(?P<year>[12]\d{3})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\w-]|[.,]\d)"
)
# 12.3.2024 (day first, as in Swedish and German)
_DOTTED_DATE_RE = re.compile(
    r"(?<![\w.,])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>[12]\d{3})(?!\w|[.,]\d)"
)
# March 12, 2024 / Sept. 3rd 2024
_MONTH_DAY_YEAR_RE = re.compile(
    rf"(?i)(?<![\w.])(?P<month>{_MONTH_ALT})\.?{_GAP}(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    rf",?{_GAP}(?P<year>[12]\d{{3}})(?![\w]|[.,]\d)"
)
# 12 March 2024 / 12th of March, 2024 / 12:e mars 2024 / 12 mars (no year)
_DAY_MONTH_RE = re.compile(
    rf"(?i)(?<![\w.,])(?P<day>[0-3]?\d)(?:st|nd|rd|th|:e|:a)?\.?{_GAP}(?:(?:of|de){_GAP})?"
    rf"(?P<month>{_MONTH_ALT}){_NOT_LETTER_AFTER}"
    rf"(?:\.?,?{_GAP}(?:de{_GAP})?(?P<year>[12]\d{{3}})(?!\w|[.,]\d|-[^\W\d_]))?"
)
# March 2024 / mars 2024 (full month names only: "jul" is also Swedish for Christmas)
_MONTH_YEAR_RE = re.compile(
    rf"(?i)(?<![\w.])(?P<month>{_MONTH_FULL_ALT}),?{_GAP}(?P<year>[12]\d{{3}})(?![\w]|[.,]\d)"
)

# --------------------------------------------------------------------------------------
# Digits, scales, units
# --------------------------------------------------------------------------------------

# The numeric core. Not glued to a word or another number on the left ("E4", "v1.2").
# First choice: space-grouped thousands ("1 200 000", "1 200,50"); else digits joined by
# dots and commas, read later by _parse_digits ("1,200.5", "3,5", "1.200", "3.4.3").
_NUMBER_RE = re.compile(
    rf"(?<![\w.,])(?:\d{{1,3}}(?:{_SP}\d{{3}})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
)

# Scale words and abbreviations after a number: word -> (multiplier, implied unit).
_SCALES: dict[str, tuple[int, str | None]] = {
    "thousand": (10**3, None), "million": (10**6, None), "millions": (10**6, None),
    "billion": (10**9, None), "billions": (10**9, None), "trillion": (10**12, None),
    "bn": (10**9, None), "mn": (10**6, None), "mln": (10**6, None),
    "tusen": (10**3, None), "miljon": (10**6, None), "miljoner": (10**6, None),
    "milj.": (10**6, None), "miljard": (10**9, None), "miljarder": (10**9, None),
    "mdr": (10**9, None), "mdr.": (10**9, None), "biljon": (10**12, None),
    "biljoner": (10**12, None), "hundred": (10**2, None), "hundra": (10**2, None),
    "tkr": (10**3, "SEK"), "mkr": (10**6, "SEK"), "mnkr": (10**6, "SEK"),
    "msek": (10**6, "SEK"), "mdkr": (10**9, "SEK"), "mdsek": (10**9, "SEK"),
    "meur": (10**6, "EUR"), "musd": (10**6, "USD"),
    # German, French, Spanish, Danish, Norwegian, Finnish.
    "tausend": (10**3, None), "millionen": (10**6, None), "mio": (10**6, None),
    "mio.": (10**6, None), "milliarde": (10**9, None), "milliarden": (10**9, None),
    "mrd": (10**9, None), "mrd.": (10**9, None), "milliard": (10**9, None),
    "milliards": (10**9, None), "millón": (10**6, None), "millones": (10**6, None),
    "mil millones": (10**9, None), "millardo": (10**9, None), "millardos": (10**9, None),
    "billones": (10**12, None), "tusind": (10**3, None), "millioner": (10**6, None),
    "mill.": (10**6, None), "milliarder": (10**9, None), "mia.": (10**9, None),
    "tuhatta": (10**3, None), "miljoona": (10**6, None), "miljoonaa": (10**6, None),
    "miljardi": (10**9, None), "miljardia": (10**9, None),
}  # fmt: skip
# Where a language reads a scale word otherwise: "billion" is 10**12 in German, French
# and the Nordic languages (their 10**9 is "Milliarde", "milliard"); Spanish "mil" is a
# thousand (in Swedish and Norwegian "mil" is a unit, ten kilometres).
_LANG_SCALES: dict[str, dict[str, tuple[int, str | None]]] = {
    "es": {"mil": (10**3, None)},
    **{
        lang: {"billion": (10**12, None), "billions": (10**12, None),
               "billionen": (10**12, None)}
        for lang in ("de", "fr", "da", "nb", "fi", "nl")
    },
}  # fmt: skip


@lru_cache(maxsize=32)
def _scales(lang: str | None) -> tuple[dict[str, tuple[int, str | None]], re.Pattern[str]]:
    """The scale words of ``lang`` and a regex matching one after a number."""
    table = {**_SCALES, **_LANG_SCALES.get(lang or "", {})}
    return table, re.compile(rf"(?i){_GAP}?(?P<scale>{_alternation(table)})(?![\w])")


# "$5m", "€3bn", "£2k": short scales glued to a number that follows a currency sign.
_CURRENCY_SCALE_RE = re.compile(r"(?P<scale>[mMkK]|bn|mn)(?!\w)")
_SHORT_SCALES = {"m": 10**6, "k": 10**3, "bn": 10**9, "mn": 10**6}

_CURRENCIES = frozenset({"SEK", "EUR", "USD", "GBP", "NOK", "DKK"})
# Units after a number: surface form (lower case) -> normalised unit.
_UNITS: dict[str, str] = {
    "%": "%", "procent": "%", "percent": "%", "per cent": "%", "pct": "%",
    "procentenheter": "pp", "procentenhet": "pp", "%-enheter": "pp", "%-enhet": "pp",
    "percentage points": "pp", "percentage point": "pp",
    "kr": "SEK", "kronor": "SEK", "krona": "SEK", "sek": "SEK", "svenska kronor": "SEK",
    "swedish kronor": "SEK", "swedish krona": "SEK",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "usd": "USD", "dollar": "USD", "dollars": "USD", "us dollars": "USD",
    "gbp": "GBP", "nok": "NOK", "norska kronor": "NOK", "dkk": "DKK", "danska kronor": "DKK",
    "km": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "cm": "cm", "mm": "mm", "mil": "mil",
    "km2": "km2", "km²": "km2", "kvadratkilometer": "km2", "square kilometres": "km2",
    "square kilometers": "km2", "m2": "m2", "m²": "m2", "kvm": "m2", "kvadratmeter": "m2",
    "square metres": "m2", "square meters": "m2", "m3": "m3", "m³": "m3",
    "kubikmeter": "m3", "cubic metres": "m3", "cubic meters": "m3",
    "kg": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "ton": "t", "tons": "t", "tonne": "t", "tonnes": "t",
    "år": "year", "års": "year", "years": "year", "year": "year", "yrs": "year",
    "månader": "month", "månad": "month", "months": "month", "month": "month",
    "veckor": "week", "vecka": "week", "weeks": "week", "week": "week",
    "dagar": "day", "days": "day", "timmar": "hour", "timme": "hour", "hours": "hour",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh", "kw": "kW", "mw": "MW",
    "gw": "GW", "°c": "°C",
    # The other served languages' currencies, percentages and years.
    "pund": "GBP", "pfund": "GBP", "livres sterling": "GBP", "libras": "GBP",
    "libras esterlinas": "GBP", "dólares": "USD", "dollaria": "USD", "euroa": "EUR",
    "prozent": "%", "pour cent": "%", "por ciento": "%", "prosent": "%",
    "prosenttia": "%", "prozentpunkte": "pp", "prozentpunkten": "pp",
    "points de pourcentage": "pp", "puntos porcentuales": "pp", "prosentpoeng": "pp",
    "procentpoint": "pp", "prosenttiyksikköä": "pp",
    "jahre": "year", "jahren": "year", "ans": "year", "años": "year", "vuotta": "year",
}  # fmt: skip
# Where a language reads a unit word otherwise: "kroner" are Danish or Norwegian crowns.
_LANG_UNITS: dict[str, dict[str, str]] = {
    "da": {"kroner": "DKK", "kr.": "DKK", "kr": "DKK"},
    "nb": {"kroner": "NOK", "kr": "NOK"},
}

# Languages that join a scale and its currency with "de": "3 millones de dólares".
_OF_CURRENCY_LANGS = frozenset({"fr", "es", "pt", "it"})
_OF_RE = re.compile(rf"{_SP}+(?:de{_SP}+|d['’]|di{_SP}+)")


@lru_cache(maxsize=32)
def _units(lang: str | None) -> tuple[dict[str, str], re.Pattern[str]]:
    """The unit words of ``lang`` and a regex matching one after a number."""
    table = {**_UNITS, **_LANG_UNITS.get(lang or "", {})}
    return table, re.compile(rf"(?i){_GAP}?(?P<unit>{_alternation(table)})(?![\w])")


_PERCENT_UNITS = frozenset({"%", "pp"})

# A currency written before the number: "$12", "US$ 12", "€12", "SEK 12 000".
_CURRENCY_BEFORE_RE = re.compile(
    r"(?:(?<![\w$])(?P<sym>US\$|[$€£])[ \u00a0]?"
    r"|(?<![\w])(?P<code>SEK|USD|EUR|GBP|NOK|DKK)[ \u00a0])$"
)
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}

# Suffixes that turn an integer into an ordinal (English 3rd, Swedish 3:e) or a decade.
_ORDINAL_SUFFIX_RE = re.compile(r"(?i)(?:st|nd|rd|th|:a|:e)(?!\w)")
_DECADE_SUFFIX_RE = re.compile(r"(?:s|'s|’s|-talet)(?!\w)")

# Text between two numbers that makes them a range: "12–13", "12 to 13", "3 och 4".
_RANGE_DASH_RE = re.compile(rf"{_SP}*[-–—]{_SP}*")
_RANGE_WORD_RE = re.compile(rf"{_SP}+(?:to|till|and|och|or|eller){_SP}+", re.IGNORECASE)

# --------------------------------------------------------------------------------------
# Number words
# --------------------------------------------------------------------------------------

# A morpheme is (value, category); the categories drive _words_value's small grammar.
_Morph = tuple[int, str]

_EN_MORPHS: dict[str, tuple[_Morph, ...]] = {
    "zero": ((0, "zero"),), "one": ((1, "unit"),), "two": ((2, "unit"),),
    "three": ((3, "unit"),), "four": ((4, "unit"),), "five": ((5, "unit"),),
    "six": ((6, "unit"),), "seven": ((7, "unit"),), "eight": ((8, "unit"),),
    "nine": ((9, "unit"),), "ten": ((10, "teen"),), "eleven": ((11, "teen"),),
    "twelve": ((12, "teen"),), "thirteen": ((13, "teen"),), "fourteen": ((14, "teen"),),
    "fifteen": ((15, "teen"),), "sixteen": ((16, "teen"),), "seventeen": ((17, "teen"),),
    "eighteen": ((18, "teen"),), "nineteen": ((19, "teen"),), "twenty": ((20, "ten"),),
    "thirty": ((30, "ten"),), "forty": ((40, "ten"),), "fifty": ((50, "ten"),),
    "sixty": ((60, "ten"),), "seventy": ((70, "ten"),), "eighty": ((80, "ten"),),
    "ninety": ((90, "ten"),), "hundred": ((100, "hundred"),), "dozen": ((12, "hundred"),),
    "thousand": ((10**3, "scale"),), "million": ((10**6, "scale"),),
    "billion": ((10**9, "scale"),), "trillion": ((10**12, "scale"),),
    "a": ((1, "article"),), "an": ((1, "article"),),
}  # fmt: skip
_SV_MORPHS: dict[str, tuple[_Morph, ...]] = {
    "noll": ((0, "zero"),), "en": ((1, "unit"),), "ett": ((1, "unit"),),
    "två": ((2, "unit"),), "tre": ((3, "unit"),), "fyra": ((4, "unit"),),
    "fem": ((5, "unit"),), "sex": ((6, "unit"),), "sju": ((7, "unit"),),
    "åtta": ((8, "unit"),), "nio": ((9, "unit"),), "tio": ((10, "teen"),),
    "elva": ((11, "teen"),), "tolv": ((12, "teen"),), "tretton": ((13, "teen"),),
    "fjorton": ((14, "teen"),), "femton": ((15, "teen"),), "sexton": ((16, "teen"),),
    "sjutton": ((17, "teen"),), "arton": ((18, "teen"),), "aderton": ((18, "teen"),),
    "nitton": ((19, "teen"),), "tjugo": ((20, "ten"),), "trettio": ((30, "ten"),),
    "fyrtio": ((40, "ten"),), "femtio": ((50, "ten"),), "sextio": ((60, "ten"),),
    "sjuttio": ((70, "ten"),), "åttio": ((80, "ten"),), "nittio": ((90, "ten"),),
    "hundra": ((100, "hundred"),), "dussin": ((12, "hundred"),),
    "tusen": ((10**3, "scale"),), "ettusen": ((1, "unit"), (10**3, "scale")),
    "miljon": ((10**6, "scale"),), "miljoner": ((10**6, "scale"),),
    "miljard": ((10**9, "scale"),), "miljarder": ((10**9, "scale"),),
    "biljon": ((10**12, "scale"),), "biljoner": ((10**12, "scale"),),
}  # fmt: skip
# Words that stand for a number on their own: Swedish "hundra"/"tusen" do ("tusen broar"),
# English "hundred"/"thousand" need "a" or a number before them.
_SV_IMPLICIT_ONE = frozenset({"hundra", "tusen"})

_EN_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
# "andra" is left out on purpose: it is "other" at least as often as "second".
_SV_ORDINALS: dict[str, int] = {
    "första": 1, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6, "sjunde": 7,
    "åttonde": 8, "nionde": 9, "tionde": 10, "elfte": 11, "tolfte": 12, "trettonde": 13,
    "fjortonde": 14, "femtonde": 15, "sextonde": 16, "sjuttonde": 17, "artonde": 18,
    "nittonde": 19, "tjugonde": 20,
}  # fmt: skip


def _unit_table(
    units: dict[str, int], teens: dict[str, int], tens: dict[str, int], rest: dict[str, _Morph]
) -> dict[str, tuple[_Morph, ...]]:
    return {
        **{w: ((v, "unit"),) for w, v in units.items()},
        **{w: ((v, "teen"),) for w, v in teens.items()},
        **{w: ((v, "ten"),) for w, v in tens.items()},
        **{w: (m,) for w, m in rest.items()},
    }


# Norwegian (bokmål): compounds like Swedish ("tjuefem", "tohundre").
_NB_MORPHS = _unit_table(
    {"en": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
     "sju": 7, "syv": 7, "åtte": 8, "ni": 9},
    {"ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
     "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19},
    {"tjue": 20, "tyve": 20, "tretti": 30, "førti": 40, "femti": 50, "seksti": 60,
     "sytti": 70, "åtti": 80, "nitti": 90},
    {"null": (0, "zero"), "hundre": (100, "hundred"), "dusin": (12, "hundred"),
     "tusen": (10**3, "scale"), "million": (10**6, "scale"),
     "millioner": (10**6, "scale"), "milliard": (10**9, "scale"),
     "milliarder": (10**9, "scale")},
)  # fmt: skip
# Finnish: "kaksikymmentäviisi" (2 × 10 + 5), "seitsemäntoista" (7 + 10), "kolmesataa".
_FI_UNITS = {
    "yksi": 1, "kaksi": 2, "kolme": 3, "neljä": 4, "viisi": 5, "kuusi": 6,
    "seitsemän": 7, "kahdeksan": 8, "yhdeksän": 9,
}  # fmt: skip
_FI_MORPHS = _unit_table(
    _FI_UNITS,
    {"kymmenen": 10, **{w + "toista": 10 + v for w, v in _FI_UNITS.items()}},
    {w + "kymmentä": 10 * v for w, v in _FI_UNITS.items() if v > 1},
    {"nolla": (0, "zero"), "sata": (100, "hundred"), "sataa": (100, "hundred"),
     "tuhat": (10**3, "scale"), "tuhatta": (10**3, "scale"),
     "miljoona": (10**6, "scale"), "miljoonaa": (10**6, "scale"),
     "miljardi": (10**9, "scale"), "miljardia": (10**9, "scale")},
)  # fmt: skip
_NB_ORDINALS: dict[str, int] = {
    "første": 1, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6, "sjuende": 7,
    "syvende": 7, "åttende": 8, "niende": 9, "tiende": 10, "ellevte": 11, "tolvte": 12,
}  # fmt: skip
# "toinen" is left out: it is "other" as often as "second".
_FI_ORDINALS: dict[str, int] = {
    "ensimmäinen": 1, "kolmas": 3, "neljäs": 4, "viides": 5, "kuudes": 6,
    "seitsemäs": 7, "kahdeksas": 8, "yhdeksäs": 9, "kymmenes": 10,
}  # fmt: skip

# The number-word tables read by this module's own grammar, per table name.
_MORPH_TABLES: dict[str, dict[str, tuple[_Morph, ...]]] = {
    "en": _EN_MORPHS, "sv": _SV_MORPHS, "nb": _NB_MORPHS, "fi": _FI_MORPHS,
}  # fmt: skip
_ORDINAL_TABLES: dict[str, dict[str, int]] = {
    "en": _EN_ORDINALS, "sv": _SV_ORDINALS, "nb": _NB_ORDINALS, "fi": _FI_ORDINALS,
}  # fmt: skip
# Words for one that are articles when they stand alone ("en bil", "ei bok").
_ARTICLE_ONES: dict[str, frozenset[str]] = {
    "sv": frozenset({"en", "ett"}), "nb": frozenset({"en", "ett", "ei"}),
}  # fmt: skip
# Words that stand for a number on their own, with an implicit one before them.
_IMPLICIT_ONES: dict[str, frozenset[str]] = {
    "sv": _SV_IMPLICIT_ONE, "nb": frozenset({"hundre", "tusen"}),
    "fi": frozenset({"sata", "tuhat"}),
}  # fmt: skip
# Languages whose number words text2num reads (its own grammar for "quatre-vingt-dix",
# "fünfundzwanzig", "treinta y cinco", "halvtreds").
_TEXT2NUM_LANGS = frozenset({"da", "de", "fr", "es", "nl", "it", "pt"})


def _word_tables(lang: str | None) -> list[str]:
    """The tables of this module's grammar that ``lang`` reads (none: text2num's)."""
    if lang is None:
        return ["en", "sv"]
    return [lang] if lang in _MORPH_TABLES else []


_ALL_WORD_STARTS = _alternation(
    [w for t in _MORPH_TABLES.values() for w in t]
    + [w for t in _ORDINAL_TABLES.values() for w in t]
)
# A word that begins like a number word; _decompose then decides whether all of it is one.
# Not after a hyphen or apostrophe: "no-one", "twenty-one" (reached from "twenty").
_WORD_CANDIDATE_RE = re.compile(rf"(?i)(?<![\w'’\-‑])(?=(?:{_ALL_WORD_STARTS}))[^\W\d_]+(?!\w)")
_WORD_AT_RE = re.compile(r"[^\W\d_]+")
# Between the words of one number: "twenty-one", "two hundred and five", "tre miljoner".
_WORD_JOIN_RE = re.compile(rf"(?i)(?:{_GAP}(?P<and>and{_GAP})?|[-‑])")

# "one" as a pronoun, not a number: "no one", "this one", "one could", "one's own".
_ONE_PRONOUN_BEFORE_RE = re.compile(
    r"(?i)\b(?:no|any|every|some|the|this|that|which|each|another|last|little|other"
    # "the only one whose", "the largest one"
    r"|the\s+(?:only|same|first|last|largest|biggest|smallest|best|worst|\w+est))"
    rf"{_SP}+$"
)
_ONE_PRONOUN_AFTER_RE = re.compile(
    rf"(?i)(?:['’]s\b|{_SP}+(?:another|can|cannot|can't|could|would|should|must|might|"
    r"may|will|shall|needs?|has|does|gets)\b)"
)
_SECOND_AS_TIME_BEFORE_RE = re.compile(rf"(?i)\b(?:a|per|split|one|1){_SP}+$")


# --------------------------------------------------------------------------------------
# Fractions: "two thirds", "två tredjedelar", "zwei Drittel", "deux tiers", "hälften"
# --------------------------------------------------------------------------------------

# Numerators: cardinal words and the articles that mean one ("a third of").
_FRACTION_NUMERATORS: dict[str, dict[str, int]] = {
    "en": {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
           "six": 6, "seven": 7, "eight": 8, "nine": 9},
    "sv": {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
           "sju": 7, "åtta": 8, "nio": 9},
    "da": {"en": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5},
    "nb": {"en": 1, "ei": 1, "ett": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5},
    "de": {"ein": 1, "eine": 1, "einem": 1, "einen": 1, "einer": 1, "zwei": 2,
           "drei": 3, "vier": 4, "fünf": 5},
    "fr": {"un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5},
    "es": {"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5},
    "fi": {"yksi": 1, "kaksi": 2, "kolme": 3, "neljä": 4, "viisi": 5},
}  # fmt: skip
# Denominators: word -> (denominator, whether it can stand without a numerator). Words
# that are also ordinals or periods ("third", "quarter", "quart") need a numerator, and
# after an article also "of"/"de" ("a third of", not "a third time").
_FRACTION_DENOMINATORS: dict[str, dict[str, tuple[int, bool]]] = {
    "en": {"third": (3, False), "thirds": (3, False), "quarter": (4, False),
           "quarters": (4, False), "fifth": (5, False), "fifths": (5, False),
           "tenth": (10, False), "tenths": (10, False)},
    "sv": {"tredjedel": (3, True), "tredjedelar": (3, True), "fjärdedel": (4, True),
           "fjärdedelar": (4, True), "femtedel": (5, True), "femtedelar": (5, True),
           "tiondel": (10, True), "tiondelar": (10, True)},
    "da": {"tredjedel": (3, True), "tredjedele": (3, True), "fjerdedel": (4, True),
           "fjerdedele": (4, True), "femtedel": (5, True), "femtedele": (5, True)},
    "nb": {"tredjedel": (3, True), "tredjedeler": (3, True), "tredel": (3, True),
           "tredeler": (3, True), "fjerdedel": (4, True), "fjerdedeler": (4, True),
           "femtedel": (5, True), "femtedeler": (5, True)},
    "de": {"drittel": (3, True), "dritteln": (3, True), "viertel": (4, True),
           "vierteln": (4, True), "fünftel": (5, True), "fünfteln": (5, True),
           "zehntel": (10, True)},
    "fr": {"tiers": (3, False), "quart": (4, False), "quarts": (4, False),
           "cinquième": (5, False), "cinquièmes": (5, False)},
    "es": {"tercio": (3, False), "tercios": (3, False), "cuarto": (4, False),
           "cuartos": (4, False)},
    "fi": {"kolmasosa": (3, True), "kolmasosaa": (3, True), "neljäsosa": (4, True),
           "neljäsosaa": (4, True), "viidesosa": (5, True), "viidesosaa": (5, True)},
}  # fmt: skip
# Words for a half; not after an ordinal, where they name a period ("the first half").
_HALF_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"half(?=\s+(?:of|the)\b)",), "sv": ("hälften",), "da": ("halvdelen", "halvparten"),
    "nb": ("halvparten", "halvdelen"), "de": ("hälfte",), "fr": ("moitié",),
    "es": ("mitad",), "fi": ("puolet",),
}  # fmt: skip
_PERIOD_ORDINALS = (
    r"(?:first|second|latter|former|första|andra|senare|første|andre|siste|sidste|erste[nr]?"
    r"|zweite[nr]?|première|seconde|deuxième|primera|segunda|ensimmäinen|toinen)"
)
_OF_AFTER_RE = re.compile(rf"{_SP}+(?:of|de|des|du|d['’]|del)\b", re.IGNORECASE)


# Ratios: "one in three", "3 out of 10", "un sur trois", "uno de cada tres" (numerator,
# joiner, denominator), and "every third": "var tredje", "jeder dritte", "hver tredje",
# "joka kolmas" (one in the ordinal's value; "varannan", "hver anden": one in two).
_RATIO_CARDINALS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
           "sept": 7, "huit": 8, "neuf": 9, "dix": 10},
    "es": {"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
           "siete": 7, "ocho": 8, "nueve": 9, "diez": 10},
}  # fmt: skip
_RATIO_JOINERS = {"en": r"(?:in|out\s+of)", "fr": r"sur", "es": r"de\s+cada"}
_EVERY_NTH: dict[str, tuple[str, dict[str, int]]] = {
    "sv": (r"var", {"annan": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6,
                    "tionde": 10}),
    "de": (r"jede[rsnm]?", {"zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3,
                            "vierte": 4, "vierten": 4, "fünfte": 5, "fünften": 5,
                            "zehnte": 10, "zehnten": 10}),
    "da": (r"hver", {"anden": 2, "andet": 2, "tredje": 3, "fjerde": 4, "femte": 5,
                     "tiende": 10}),
    "nb": (r"hver", {"andre": 2, "tredje": 3, "fjerde": 4, "femte": 5, "tiende": 10}),
    "fi": (r"joka", {"toinen": 2, "kolmas": 3, "neljäs": 4, "viides": 5, "kymmenes": 10}),
}  # fmt: skip


@lru_cache(maxsize=32)
def _ratio_re(lang: str) -> re.Pattern[str] | None:
    if lang in _RATIO_CARDINALS:
        words = _alternation(_RATIO_CARDINALS[lang])
        # A noun may sit between after "one" ("one voter in five", "un élève sur trois")
        # when the denominator is a word ("one school in 2024", "two schools in three
        # years" are no ratios).
        ones = _alternation(w for w, v in _RATIO_CARDINALS[lang].items() if v == 1)
        joiner = _RATIO_JOINERS[lang]
        return re.compile(
            rf"(?i)(?<![\w.,-])(?:(?P<one>{ones})(?:{_SP}+[^\W\d_]+){{1,2}}{_SP}+{joiner}"
            rf"{_SP}+(?P<den_one>{words})|(?P<num>{words}|\d{{1,3}}){_SP}+{joiner}{_SP}+"
            rf"(?P<den>{words}|\d{{1,3}}))(?![\w-]|[.,]\d)"
        )
    if lang in _EVERY_NTH:
        every, ordinals = _EVERY_NTH[lang]
        # Swedish "varannan" is written as one word.
        return re.compile(
            rf"(?i)(?<![\w-]){every}(?:{_SP}+|(?=annan))(?P<ord>{_alternation(ordinals)})"
            r"(?![\w-])"
        )
    return None


def _find_ratios(text: str, lang: str, keep: _Keep) -> None:
    ratio_re = _ratio_re(lang)
    if ratio_re is None:
        return
    for m in ratio_re.finditer(text):
        if "ord" in ratio_re.groupindex:
            num, den = 1, _EVERY_NTH[lang][1][m.group("ord").lower()]
        else:
            cardinals = _RATIO_CARDINALS[lang]
            a = (m.group("num") or m.group("one")).lower()
            b = (m.group("den") or m.group("den_one")).lower()
            num = int(a) if a.isdigit() else cardinals[a]
            den = int(b) if b.isdigit() else cardinals[b]
        if 0 < num < den:
            value = (Decimal(100) * num / den).quantize(Decimal("0.01"))
            keep(_Found(m.start(), m.end(), value, "percent", unit="%"))


def _fraction_languages(lang: str | None) -> list[str]:
    if lang is None:
        return ["en", "sv"]
    return [lang] if lang in _FRACTION_DENOMINATORS else []


@lru_cache(maxsize=32)
def _fraction_res(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    nums = _alternation(_FRACTION_NUMERATORS[lang])
    dens = _alternation(_FRACTION_DENOMINATORS[lang])
    fraction = re.compile(
        rf"(?i)(?<![\w-])(?:(?P<num>{nums})(?:{_GAP}|[-‑]))?(?P<den>{dens})(?![\w-])"
    )
    half = re.compile(rf"(?i)(?<![\w-])(?:{'|'.join(_HALF_WORDS[lang])})(?![\w-])")
    return fraction, half


_PERIOD_BEFORE_RE = re.compile(rf"(?i)\b{_PERIOD_ORDINALS}{_SP}+$")


def _find_fractions(text: str, lang: str | None, keep: _Keep) -> None:
    """Fractions and ratios as percentages of kind ``"percent"``: "two thirds" and "one in
    three" are 66.67 % and 33.33 %."""
    for table in _fraction_languages(lang):
        _find_ratios(text, table, keep)
        fraction_re, half_re = _fraction_res(table)
        for m in fraction_re.finditer(text):
            den, alone = _FRACTION_DENOMINATORS[table][m.group("den").lower()]
            num_word = (m.group("num") or "").lower()
            if not num_word:
                if not alone:
                    continue
                num = 1
            else:
                num = _FRACTION_NUMERATORS[table][num_word]
                article = num == 1 and num_word not in ("one", "yksi")
                if article and not alone and _OF_AFTER_RE.match(text, m.end()) is None:
                    continue
            if num >= den:
                continue
            value = (Decimal(100) * num / den).quantize(Decimal("0.01"))
            keep(_Found(m.start(), m.end(), value, "percent", unit="%"))
        for m in half_re.finditer(text):
            if _PERIOD_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()):
                continue
            keep(_Found(m.start(), m.end(), Decimal(50), "percent", unit="%"))


# --------------------------------------------------------------------------------------
# Internal bookkeeping
# --------------------------------------------------------------------------------------


@dataclass
class _Found:
    """A mention under construction; ``base * mult`` is its value (dates: ``base``)."""

    start: int
    end: int
    base: Decimal
    kind: Kind = "number"
    mult: int = 1
    unit: str | None = None
    scaled: bool = False


_Keep = Callable[[_Found], None]


class _Taken:
    """Non-overlapping spans already claimed by a mention."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)
        return i == 0 or self._ends[i - 1] <= start

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def find_numbers(text: str, language: str | None = None) -> list[NumberMention]:
    """Every number in ``text``, in order, with ``text[m.start:m.end] == m.text``.

    ``language`` (ISO 639-1) decides how "1,200"/"1.200" are read (decimal comma in
    Swedish and other continental languages, thousands comma otherwise) and which number
    words are looked for (English and Swedish both for None; none for a language
    neither this module nor text2num reads). Mentions never overlap.
    """
    lang = table_code(language)
    taken = _Taken()
    found: list[_Found] = []

    def keep(f: _Found) -> None:
        if f.end > f.start and taken.free(f.start, f.end):
            taken.add(f.start, f.end)
            insort(found, f, key=lambda x: x.start)

    _find_dates(text, keep)
    _find_fractions(text, lang, keep)
    _find_digits(text, lang, keep, taken)
    if tables := _word_tables(lang):
        _find_words(text, lang, tables, keep, taken)
    elif lang in _TEXT2NUM_LANGS:
        _find_words_text2num(text, lang, keep, taken)
    _share_across_ranges(text, found)
    return [_to_mention(text, f, lang) for f in found]


def numbers_equal(a: NumberMention, b: NumberMention) -> bool:
    """Whether two mentions state the same quantity.

    The rule, in order:

    * dates and years compare field by field: year, month and day must agree wherever
      both mentions state them, and at least one field must be stated by both ("2024"
      equals "12 March 2024"; "March 2024" equals "2024-03-12"; "12 mars" equals
      "2024-03-12"; "12 mars" does not equal "2024");
    * an ordinal equals only an ordinal of the same value;
    * a percentage equals only a percentage with the same unit ("%" vs "pp" differ);
    * units must agree when both mentions have one (a plain "4.2 million" is compatible
      with "4,2 miljoner kronor");
    * values are equal when they differ by at most half a unit of the coarser written
      precision. Precision comes from the significant digits written: "3.8 million" is
      precise to 100 000, so it equals "3 812 000" (which rounds to 3.8 million) but not
      "3 861 000"; "4 million" is precise to a million. Trailing zeros of a whole number
      count as written ("3 800 000" is precise to 1), and words such as "about" are not
      read. Besides that, a relative tolerance of 1e-9 absorbs float noise.
    """
    date_kinds = ("date", "year")
    if a.kind in date_kinds or b.kind in date_kinds:
        return a.kind in date_kinds and b.kind in date_kinds and _dates_agree(a, b)
    if a.kind == "ordinal" or b.kind == "ordinal":
        return a.kind == b.kind == "ordinal" and a.value == b.value
    if not _measures_agree(a, b):
        return False
    diff = abs(a.value - b.value)
    tolerance = max(
        0.5 * max(_precision(a), _precision(b)),
        1e-9 * max(abs(a.value), abs(b.value)),
    )
    return diff <= tolerance * (1 + 1e-12)


# A change from one figure to another: "from 4.1 to 6.8 percent", "från 4,1 procent 2023
# till 6,8 procent", "von 4,1 auf 6,8 Prozent", "de 4,1 % à 6,8 %", "fra 4,1 til 6,8".
_FROM_WORDS = {
    "en": "from", "sv": "från", "de": "von", "fr": "de|d'|d’", "es": "de|desde", "da": "fra",
    "nb": "fra",
}  # fmt: skip
_TO_WORDS = {
    "en": "to", "sv": "till", "de": "auf|zu|bis", "fr": "à", "es": "a|hasta", "da": "til",
    "nb": "til",
}  # fmt: skip
_CHANGE_GAP_WORDS = 5


@lru_cache(maxsize=32)
def _change_res(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    if lang not in _FROM_WORDS:
        return None
    return (
        re.compile(rf"(?i)(?<![\w-])(?:{_FROM_WORDS[lang]}){_SP}*$"),
        re.compile(rf"(?i)(?<![\w-])(?:{_TO_WORDS[lang]})(?![\w-])"),
    )


def changes(text: str, language: str | None) -> list[tuple[NumberMention, NumberMention]]:
    """The changes ``text`` states from one figure to another of the same kind and unit
    ("fell from 6.8 percent in 2023 to 4.1 percent in 2024": (6.8 %, 4.1 %)); a year or
    date between them is the time of the first, not the second figure."""
    res = _change_res(table_code(language) or "en")
    if res is None:
        return []
    from_re, to_re = res
    mentions = [m for m in find_numbers(text, language) if m.kind not in ("date", "ordinal")]
    out = []
    for i, a in enumerate(mentions):
        if a.kind == "year" or not from_re.search(text, max(0, a.start - 8), a.start):
            continue
        for b in mentions[i + 1 :]:
            between = text[a.end : b.start]
            if len(between.split()) > _CHANGE_GAP_WORDS:
                break
            if b.kind == "year":
                continue
            plain = a.kind == "number" and not a.unit  # "von 8,20 auf 9,10 Euro"
            if to_re.search(between) and (
                plain or (b.kind == a.kind and (a.unit == b.unit or not b.unit))
            ):
                if plain and b.unit:
                    a = replace(a, unit=b.unit, kind=b.kind)
                out.append((a, b))
            break
    return out


#: How far a bounded figure reaches: "more than 40" holds for 40 up to 60, "nearly 40"
#: or "less than 40" for 26.7 up to 40, "about 40" for 36 to 44.
_OVER_REACH = 1.5
_ABOUT_REACH = 0.1


def _measures_agree(a: NumberMention, b: NumberMention) -> bool:
    """Both percentages or neither, and the same unit where both give one."""
    if (a.kind == "percent") != (b.kind == "percent"):
        return False
    return not (a.unit and b.unit and a.unit != b.unit)


def numbers_consistent(claim: NumberMention, source: NumberMention) -> bool:
    """Whether the source's figure bears out the claim's, each read with its bound: equal
    values (:func:`numbers_equal`), or a value inside the other's bound ("more than
    three-quarters" and "78 percent"; "drygt 40" and "41"; "around 175,000" and "rund
    180.000", within a tenth). Two figures with the same bound over or under compare as
    values ("more than 7.5 million" is not borne out by "über 5,5 Millionen"). Dates,
    years and ordinals compare as values."""
    if numbers_equal(claim, source):
        return True
    if claim.kind in ("date", "year", "ordinal") or source.kind in ("date", "year", "ordinal"):
        return False
    if not _measures_agree(claim, source):
        return False
    x, y = claim.value, source.value
    if "about" in (claim.qualifier, source.qualifier):
        return abs(x - y) <= _ABOUT_REACH * max(abs(x), abs(y))
    if claim.qualifier == source.qualifier:
        return False
    if claim.qualifier is not None and source.qualifier is not None:
        return False  # one over, one under, and not equal
    bounded, value = (x, y) if claim.qualifier else (y, x)
    kind = claim.qualifier or source.qualifier
    if kind == "over":
        return bounded <= value <= bounded * _OVER_REACH
    return bounded / _OVER_REACH <= value <= bounded


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


def _find_dates(text: str, keep: _Keep) -> None:
    for pattern in (_ISO_DATE_RE, _DOTTED_DATE_RE, _MONTH_DAY_YEAR_RE, _DAY_MONTH_RE):
        for m in pattern.finditer(text):
            month_word = m.group("month")
            month = month_number(month_word)
            year = int(m.group("year")) if m.group("year") else 0
            day = int(m.group("day"))
            if month is None or not 1 <= day <= 31:
                continue
            if not year and month_word.lower().rstrip(".") not in _MONTHS_FULL:
                continue  # "12 jul" without a year: too ambiguous
            end = m.end() if year else m.end("month")
            keep(_Found(m.start(), end, Decimal(year * 10000 + month * 100 + day), "date"))
    for m in _MONTH_YEAR_RE.finditer(text):
        month = month_number(m.group("month"))
        if month is not None:
            year = int(m.group("year"))
            keep(_Found(m.start(), m.end(), Decimal(year * 10000 + month * 100), "date"))


#: Month and weekday stems of the served languages: a word that begins with one names
#: that month or day ("fredags", "Freitagmorgen", "perjantaina", "joulukuussa").
#: English "march" and "august" are also a verb and an adjective: whole words only.
_EXACT_ONLY = frozenset({"march", "august"})
_MONTH_STEMS: dict[str, int] = {
    **{k: v for k, v in _MONTHS_FULL.items() if len(k) >= 5 and k not in _EXACT_ONLY},
    "tammikuu": 1, "helmikuu": 2, "maaliskuu": 3, "huhtikuu": 4, "toukokuu": 5,
    "kesäkuu": 6, "heinäkuu": 7, "elokuu": 8, "syyskuu": 9, "lokakuu": 10,
    "marraskuu": 11, "joulukuu": 12,
}  # fmt: skip
_MONTH_EXACT: dict[str, int] = {
    k: v for k, v in _MONTHS_FULL.items() if len(k) < 5 or k in _EXACT_ONLY
}
_WEEKDAY_STEMS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
    "saturday": 6, "sunday": 7,
    "måndag": 1, "tisdag": 2, "onsdag": 3, "torsdag": 4, "fredag": 5, "lördag": 6,
    "söndag": 7,
    "mandag": 1, "tirsdag": 2, "lørdag": 6, "søndag": 7,
    "montag": 1, "dienstag": 2, "mittwoch": 3, "donnerstag": 4, "freitag": 5,
    "samstag": 6, "sonnabend": 6, "sonntag": 7,
    "lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6,
    "dimanche": 7,
    "lunes": 1, "martes": 2, "miércoles": 3, "jueves": 4, "viernes": 5, "sábado": 6,
    "domingo": 7,
    "maanantai": 1, "tiistai": 2, "keskiviikko": 3, "torstai": 4, "perjantai": 5,
    "lauantai": 6, "sunnuntai": 7,
    "maandag": 1, "dinsdag": 2, "woensdag": 3, "donderdag": 4, "vrijdag": 5,
    "zaterdag": 6, "zondag": 7,
}  # fmt: skip
_CALENDAR_WORD_RE = re.compile(r"[^\W\d_]+")
#: Every stem in one pattern, months first, each table in its own order: ``match`` tries
#: the alternatives in that order, so a word gets the first stem it begins with.
#: Seasons (1 spring, 2 summer, 3 autumn, 4 winter) by the stems a word begins with, only
#: where the stem names nothing else: Swedish and Norwegian "vår" is also "our", French
#: "été" also "been", English "fall" a verb, Spanish "lente" a lens, so those are left
#: out or read as whole words only (:data:`_SEASON_EXACT`, :data:`_SEASON_LOWER`).
_SEASON_STEMS: dict[str, int] = {
    "sommar": 2, "höst": 3, "vinter": 4,  # sv
    "forår": 1, "sommer": 2, "efterår": 3, "høst": 3,  # da, nb (and de "sommer")
    "frühling": 1, "frühjahr": 1, "herbst": 3, "winter": 4,  # de (and nl "winter")
    "printemps": 1, "automne": 3, "hiver": 4,  # fr
    "primavera": 1, "verano": 2, "otoño": 3, "invierno": 4,  # es
    "kevä": 1, "kesä": 2, "syks": 3, "talv": 4,  # fi (after the months: "kesäkuu" is June)
    "voorjaar": 1, "zomer": 2, "najaar": 3, "herfst": 3,  # nl
}  # fmt: skip
#: Whole words only: Swedish and Norwegian spring in any case, the English words only in
#: lower case ("the Arab Spring", "Spring Street" are names).
_SEASON_EXACT: dict[str, int] = {"våren": 1, "vårens": 1, "våras": 1, "vårvintern": 1}
_SEASON_LOWER: dict[str, int] = {
    "spring": 1, "springtime": 1, "summer": 2, "summertime": 2, "autumn": 3,
    "wintertime": 4,
}  # fmt: skip
_CALENDAR_STEMS: dict[str, tuple[str, int]] = {
    **{k: ("month", v) for k, v in _MONTH_STEMS.items()},
    **{k: ("weekday", v) for k, v in _WEEKDAY_STEMS.items()},
    **{k: ("season", v) for k, v in _SEASON_STEMS.items()},
}
_CALENDAR_STEM_RE = re.compile("|".join(re.escape(k) for k in _CALENDAR_STEMS))
#: What :func:`calendar_names` tells apart.
CALENDAR_KINDS = ("month", "weekday", "season")


def calendar_names(text: str) -> dict[str, frozenset[int]]:
    """The months (1-12), weekdays (1-7) and seasons (1-4, spring first) that ``text``
    names in words, in any served language: ``{"month": ..., "weekday": ...,
    "season": ...}``. English "May" counts only capitalised, English seasons only in lower
    case."""
    found: dict[str, set[int]] = {kind: set() for kind in CALENDAR_KINDS}
    for m in _CALENDAR_WORD_RE.finditer(text):
        word = m.group(0)
        key = word.lower()
        if key == "may" and not word[0].isupper():
            continue
        if key in _MONTH_EXACT:
            found["month"].add(_MONTH_EXACT[key])
            continue
        if key in _SEASON_EXACT or key in _SEASON_LOWER:
            season = _SEASON_EXACT.get(key) or _SEASON_LOWER.get(word)  # a capital: a name
            if season:
                found["season"].add(season)
            continue
        stem = _CALENDAR_STEM_RE.match(key)
        if stem is not None:
            kind, value = _CALENDAR_STEMS[stem.group(0)]
            found[kind].add(value)
    return {kind: frozenset(values) for kind, values in found.items()}


def month_number(word: str) -> int | None:
    """The month a word names; English "may" must be capitalised ("prices may 2024")."""
    if word.isdigit():
        month = int(word)
        return month if 1 <= month <= 12 else None
    key = word.lower()
    if key == "may" and not word[0].isupper():
        return None
    return _MONTHS.get(key)


# --------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------


def _find_digits(text: str, lang: str | None, keep: _Keep, taken: _Taken) -> None:
    comma_decimal = lang in _COMMA_DECIMAL
    for m in _NUMBER_RE.finditer(text):
        if not taken.free(m.start(), m.end()):
            continue
        token = m.group()
        value = _parse_digits(token, comma_decimal)
        if value is None:
            # "1,2,3" is a list: each part is a number. "3.4.3" is a section number: none.
            if "," in token and "." not in token:
                for part in re.finditer(r"\d+", token):
                    s, e = m.start() + part.start(), m.start() + part.end()
                    keep(_Found(s, e, Decimal(part.group())))
            continue
        found = _with_suffixes(text, m.start(), m.end(), value, token, lang)
        if found is not None:
            keep(found)


def _parse_digits(token: str, comma_decimal: bool) -> Decimal | None:
    """The value of a numeric token, or None when it is a list or a dotted section number.

    Spaces are always thousands separators. With both "," and "." the last one is the
    decimal mark. With one kind of mark: several marks are thousands separators when every
    group after the first has three digits ("1,200,000"), else the token is no single
    number; one mark followed by exactly three digits is a thousands separator where the
    language uses the other mark for decimals ("1,200" in English, "1.200" in Swedish),
    except after a lone 0 ("0,125"); otherwise it is the decimal mark ("3,5", "3.5").
    """
    spaced = any(ch in _SPACES for ch in token)
    t = "".join(ch for ch in token if ch not in _SPACES)
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        thousands = "." if dec == "," else ","
        whole, frac = t.rsplit(dec, 1)
        if dec in whole or not _thousands_groups(whole.split(thousands)):
            return None
        return Decimal(whole.replace(thousands, "") + "." + frac)
    for mark in (",", "."):
        if mark not in t:
            continue
        parts = t.split(mark)
        if len(parts) > 2:
            return Decimal("".join(parts)) if _thousands_groups(parts) and not spaced else None
        whole, frac = parts
        mark_is_thousands = (mark == ",") != comma_decimal
        if not spaced and mark_is_thousands and len(frac) == 3 and whole != "0" and len(whole) <= 3:
            return Decimal(whole + frac)
        return Decimal(whole + "." + frac)
    return Decimal(t)


def _thousands_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _with_suffixes(
    text: str, start: int, num_end: int, value: Decimal, token: str, lang: str | None
) -> _Found | None:
    """Extend a numeric core with its sign, currency, ordinal/decade suffix, scale, unit."""
    f = _Found(start, num_end, value)
    if _has_minus(text, start):
        f.start -= 1
        f.base = -value
    currency = _currency_before(text, f.start)
    if currency is not None:
        unit, prefix_len = currency
        f.start -= prefix_len
        f.unit = unit
        f.kind = "money"
    plain_int = token.isdigit()
    end = num_end

    if plain_int and currency is None and f.base >= 0:
        ordinal = _ORDINAL_SUFFIX_RE.match(text, end)
        if ordinal:
            f.kind = "ordinal"
            f.end = ordinal.end()
            return f
        decade = _DECADE_SUFFIX_RE.match(text, end)
        if decade and len(token) == 4 and token.endswith("0") and 1000 <= int(token) <= 2100:
            f.kind = "year"
            f.end = decade.end()
            return f

    scales, scale_re = _scales(lang)
    scale = scale_re.match(text, end)
    if scale:
        mult, implied_unit = scales[scale.group("scale").lower()]
        f.mult, f.scaled, end = mult, True, scale.end()
        if implied_unit:
            f.unit, f.kind = implied_unit, "money"
    elif currency is not None:
        short = _CURRENCY_SCALE_RE.match(text, end)
        if short:
            f.mult, f.scaled, end = _SHORT_SCALES[short.group("scale").lower()], True, short.end()

    if not (f.kind == "money" and f.unit and scale):
        units, unit_re = _units(lang)
        unit_match = unit_re.match(text, end)
        if scale and unit_match is None and lang in _OF_CURRENCY_LANGS:
            # "11 millions de livres", "3 millones de dólares": a currency after "de".
            of = _OF_RE.match(text, end)
            after = unit_re.match(text, of.end()) if of else None
            if after and units[after.group("unit").lower()] in _CURRENCIES:
                unit_match = after
        if unit_match:
            unit = units[unit_match.group("unit").lower()]
            if not (currency is not None and unit not in _CURRENCIES):
                end = unit_match.end()
                f.unit = unit
                f.kind = _kind_of_unit(unit)

    # Digits glued to letters that are neither a unit nor a scale: "4G", "3D", "12abc".
    if end == num_end and num_end < len(text) and text[num_end].isalpha():
        return None
    f.end = end
    if plain_int and f.kind == "number" and not f.scaled and 1800 <= int(token) <= 2100:
        f.kind = "year"
    return f


def _kind_of_unit(unit: str) -> Kind:
    if unit in _PERCENT_UNITS:
        return "percent"
    return "money" if unit in _CURRENCIES else "number"


def _has_minus(text: str, start: int) -> bool:
    """A minus sign right before the digits that is a sign, not a range dash or hyphen."""
    i = start - 1
    if i < 0 or text[i] not in "-−":
        return False
    j = i - 1
    if j >= 0 and (text[j].isalnum() or text[j] in ")]%-–—"):
        return False  # "12-13", "E-4"
    k = j
    while k >= 0 and text[k] in _SPACES:
        k -= 1
    # "12 - 13" is a range as well
    return not (k != j and k >= 0 and (text[k].isdigit() or text[k] == "%"))


def _currency_before(text: str, start: int) -> tuple[str, int] | None:
    window_start = max(0, start - 8)
    m = _CURRENCY_BEFORE_RE.search(text[window_start:start])
    if m is None:
        return None
    if m.group("sym"):
        return _CURRENCY_SYMBOLS[m.group("sym").lower()], len(m.group())
    return m.group("code"), len(m.group())


# --------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------


def _find_words(text: str, lang: str | None, tables: list[str], keep: _Keep, taken: _Taken) -> None:
    consumed = 0
    for m in _WORD_CANDIDATE_RE.finditer(text):
        if m.start() < consumed or not taken.free(m.start(), m.end()):
            continue
        word = m.group().lower()
        ordinal = _ordinal_value(word, tables)
        if ordinal is not None:
            if not (word == "second" and _SECOND_AS_TIME_BEFORE_RE.search(text, 0, m.start())):
                keep(_Found(m.start(), m.end(), Decimal(ordinal), "ordinal"))
            continue
        best: tuple[int, int] | None = None  # (end, value)
        for table in tables:
            result = _word_number(text, m.start(), m.end(), table, lang is None)
            if result is not None and (best is None or result[0] > best[0]):
                best = result
        if best is None:
            continue
        end, value = best
        f = _Found(m.start(), end, Decimal(value))
        _attach_unit(text, f, lang)
        if taken.free(f.start, f.end):
            keep(f)
            consumed = f.end


def _ordinal_value(word: str, tables: list[str]) -> int | None:
    for table in tables:
        if word in _ORDINAL_TABLES[table]:
            return _ORDINAL_TABLES[table][word]
    return None


class _Token:
    """A word or punctuation mark with its offsets, as text2num reads tokens."""

    __slots__ = ("end", "start", "word")

    def __init__(self, word: str, start: int, end: int) -> None:
        self.word, self.start, self.end = word, start, end

    def text(self) -> str:
        return self.word

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


_T2N_TOKEN_RE = re.compile(r"[^\W_]+(?:[-‑][^\W_]+)*|[^\w\s]")


def _attach_unit(text: str, f: _Found, lang: str | None) -> None:
    """A number word's unit right after it ("seven years", "fünfundzwanzig Prozent")."""
    units, unit_re = _units(lang)
    unit_match = unit_re.match(text, f.end)
    if unit_match:
        f.end = unit_match.end()
        f.unit = units[unit_match.group("unit").lower()]
        f.kind = _kind_of_unit(f.unit)


def _find_words_text2num(text: str, lang: str, keep: _Keep, taken: _Taken) -> None:
    """Number words in a language text2num reads. A lone word for one is an article
    ("un", "ein", "en"), not a number."""
    from text_to_num import find_numbers as t2n_find

    tokens = [_Token(m.group(), m.start(), m.end()) for m in _T2N_TOKEN_RE.finditer(text)]
    if not tokens:
        return
    for occ in t2n_find(tokens, lang, 0.0):
        first, last = tokens[occ.start], tokens[occ.end - 1]
        if any(ch.isdigit() for ch in text[first.start : last.end]):
            continue  # digits are read by _find_digits, with their scale and unit
        if occ.value == 1 and occ.end - occ.start == 1 and not occ.is_ordinal:
            continue
        f = _Found(first.start, last.end, Decimal(str(occ.value)).normalize())
        if occ.is_ordinal:
            f.kind = "ordinal"
        else:
            _attach_unit(text, f, lang)
        if taken.free(f.start, f.end):
            keep(f)


def _word_number(
    text: str, start: int, end: int, table: str, both_languages: bool
) -> tuple[int, int] | None:
    """The longest run of number words from ``start`` that reads as one number:
    (end offset, value), or None."""
    words: list[tuple[int, int, tuple[_Morph, ...], bool]] = []  # start, end, morphs, "and"
    pos_start, pos_end, after_and = start, end, False
    while len(words) < 12:
        morphs = _decompose(text[pos_start:pos_end].lower(), table)
        if morphs is None:
            break
        words.append((pos_start, pos_end, morphs, after_and))
        join = _WORD_JOIN_RE.match(text, pos_end)
        if join is None:
            break
        after_and = bool(join.group("and"))
        if after_and and table != "en":
            break
        nxt = _WORD_AT_RE.match(text, join.end())
        if nxt is None:
            break
        pos_start, pos_end = nxt.start(), nxt.end()

    for n in range(len(words), 0, -1):
        seq: list[_Morph] = []
        ok = True
        for i, (_, _, morphs, with_and) in enumerate(words[:n]):
            if with_and and (not seq or seq[-1][1] not in ("hundred", "scale")):
                ok = False
                break
            single_word_article = (
                len(morphs) == 1
                and morphs[0][0] == 1
                and text[words[i][0] : words[i][1]].lower() in _ARTICLE_ONES.get(table, ())
            )
            seq.extend(((1, "article"),) if single_word_article else morphs)
        if not ok:
            continue
        first_word = text[words[0][0] : words[0][1]].lower()
        value = _words_value(seq, implicit_one=first_word in _IMPLICIT_ONES.get(table, ()))
        if value is None:
            continue
        if n == 1 and not _standalone_ok(
            text, words[0][0], words[0][1], first_word, both_languages
        ):
            return None
        return words[n - 1][1], value
    return None


def _standalone_ok(text: str, start: int, end: int, word: str, both_languages: bool) -> bool:
    """Context rules for a number word that stands alone."""
    if word == "one":
        before = _ONE_PRONOUN_BEFORE_RE.search(text, max(0, start - 12), start)
        return before is None and _ONE_PRONOUN_AFTER_RE.match(text, end) is None
    # "sex" is an English word too: with no language given, take it only in compounds.
    return not (word == "sex" and both_languages)


@lru_cache(maxsize=4096)
def _decompose(word: str, table: str) -> tuple[_Morph, ...] | None:
    """Split a word into number morphemes ("tvåhundrafemtio" -> två, hundra, femtio)."""
    if not word:
        return ()
    morphs_of = _MORPH_TABLES[table]
    if word in morphs_of:
        return morphs_of[word]
    if table == "en":
        return None  # English compounds are hyphenated or spaced, handled by _word_number
    for key in _KEYS_LONGEST_FIRST[table]:
        if word.startswith(key):
            rest = _decompose(word[len(key) :], table)
            if rest is not None:
                return morphs_of[key] + rest
    return None


_KEYS_LONGEST_FIRST = {
    table: sorted(morphs, key=len, reverse=True) for table, morphs in _MORPH_TABLES.items()
}


def _words_value(seq: list[_Morph], implicit_one: bool) -> int | None:
    """The value of a morpheme sequence, or None when it is not a well-formed number.

    Grammar, per group below a thousand: [unit hundred] [ten] [unit | teen]; groups are
    joined by falling scales (million, thousand). "a"/"en"/"ett" only as the first word
    and only before hundred/dozen or a scale.
    """
    total = 0
    current: int | None = None
    last: str | None = None
    last_scale = 10**18
    for i, (value, cat) in enumerate(seq):
        if cat == "article":
            if i != 0 or len(seq) < 2 or seq[1][1] not in ("hundred", "scale"):
                return None
            current = 1
        elif cat == "zero":
            return 0 if len(seq) == 1 else None
        elif cat in ("unit", "teen"):
            if last in ("unit", "teen", "article") or (last == "ten" and cat == "teen"):
                return None
            current = (current or 0) + value
        elif cat == "ten":
            if last in ("unit", "teen", "ten", "article"):
                return None
            current = (current or 0) + value
        elif cat == "hundred":
            if last == "hundred":
                return None
            if current is None:
                if i != 0 or not implicit_one:
                    return None
                current = 1
            if current >= 100:
                return None
            current *= value
        else:  # scale
            if value >= last_scale:
                return None
            if current is None:
                if i != 0 or not implicit_one or value > 1000:
                    return None
                current = 1
            total += current * value
            current = None
            last_scale = value
        last = cat
    return total + (current or 0)


# --------------------------------------------------------------------------------------
# Ranges, conversion, comparison
# --------------------------------------------------------------------------------------


def _share_across_ranges(text: str, found: list[_Found]) -> None:
    """In "12–13 million" and "3 till 4 procent", the first number takes the second's
    scale, unit and kind."""
    for a, b in itertools.pairwise(found):
        if a.scaled or a.unit or a.kind not in ("number", "year"):
            continue
        if not (b.scaled or b.unit) or b.kind in ("date", "year", "ordinal"):
            continue
        between = text[a.end : b.start]
        dash = _RANGE_DASH_RE.fullmatch(between) is not None
        if not dash and (_RANGE_WORD_RE.fullmatch(between) is None or a.kind == "year"):
            continue
        if b.base < 0 or a.base > b.base:
            continue
        a.mult, a.scaled, a.unit, a.kind = b.mult, b.scaled, b.unit, b.kind


def _to_mention(text: str, f: _Found, lang: str | None) -> NumberMention:
    value = float(f.base * f.mult)
    return NumberMention(
        text=text[f.start : f.end],
        start=f.start,
        end=f.end,
        value=value,
        unit=f.unit,
        kind=f.kind,
        qualifier=_qualifier(text, f.start, lang) if f.kind not in ("date", "year") else None,
    )


# Words that bound the number after them, per language: "more than 40" is over 40,
# "nearly 40" under it, "around 40" about it.
_QUALIFIER_WORDS: dict[Qualifier, dict[str, tuple[str, ...]]] = {
    "over": {
        "en": ("more than", "over", "above", "at least", "upwards of", "in excess of",
               "exceeding", "just over", "well over", "just above"),
        "sv": ("mer än", "fler än", "över", "drygt", "minst", "bortåt"),
        "de": ("mehr als", "über", "mindestens", "gut", "knapp über"),
        "fr": ("plus de", "plus d'", "plus d’", "au moins", "au-delà de", "plus que"),
        "es": ("más de", "al menos", "por encima de"),
        "da": ("mere end", "flere end", "over", "mindst", "godt"),
        "nb": ("mer enn", "flere enn", "over", "minst", "drøyt", "godt"),
        "fi": ("yli", "vähintään"),
    },
    "under": {
        "en": ("less than", "fewer than", "under", "below", "at most", "nearly", "almost",
               "just under", "up to", "close to"),
        "sv": ("mindre än", "färre än", "under", "knappt", "nästan", "upp till", "uppemot",
               "högst", "närmare"),
        "de": ("weniger als", "unter", "knapp", "fast", "bis zu", "höchstens", "nahezu",
               "beinahe"),
        "fr": ("moins de", "moins d'", "moins d’", "près de", "presque", "jusqu'à",
               "jusqu’à", "pas loin de"),
        "es": ("menos de", "casi", "hasta", "cerca de"),
        "da": ("mindre end", "færre end", "under", "knap", "næsten", "op til", "højst"),
        "nb": ("mindre enn", "færre enn", "under", "knapt", "nesten", "opp til", "høyst"),
        "fi": ("alle", "lähes", "melkein", "enintään", "miltei"),
    },
    "about": {
        "en": ("about", "around", "roughly", "approximately", "some", "an estimated",
               "circa", "c.", "approx."),
        "sv": ("omkring", "cirka", "ca.", "ca", "runt", "ungefär", "kring"),
        "de": ("rund", "etwa", "ungefähr", "circa", "ca.", "zirka"),
        "fr": ("environ", "quelque", "autour de", "approximativement"),
        "es": ("unos", "unas", "alrededor de", "aproximadamente"),
        "da": ("omkring", "cirka", "ca.", "rundt", "ungefær", "omtrent"),
        "nb": ("omkring", "cirka", "ca.", "rundt", "omtrent"),
        "fi": ("noin", "arviolta", "suunnilleen"),
    },
}  # fmt: skip


@lru_cache(maxsize=32)
def _qualifier_res(lang: str | None) -> tuple[tuple[Qualifier, re.Pattern[str]], ...]:
    langs = ["en", "sv"] if lang is None else [lang]
    out: list[tuple[Qualifier, re.Pattern[str]]] = []
    for kind, by_lang in _QUALIFIER_WORDS.items():
        words = [w for code in langs for w in by_lang.get(code, ())]
        if words:
            out.append((kind, re.compile(rf"(?i)(?<![\w-])(?:{_alternation(words)}){_SP}*$")))
    return tuple(out)


def _qualifier(text: str, start: int, lang: str | None) -> Qualifier | None:
    """``"over"``, ``"under"`` or ``"about"`` when the words right before ``start`` bound
    the number there; the longest match wins ("just under" over "under")."""
    window = max(0, start - 24)
    best: tuple[int, Qualifier] | None = None
    for kind, pattern in _qualifier_res(lang):
        m = pattern.search(text, window, start)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else None


_FRACTION_PRECISION = 5.0
_PERCENT_WORD_RE = re.compile(
    r"(?i)procent|percent|per cent|prozent|pour cent|por ciento|prosent|%"
)
_CORE_DIGITS_RE = re.compile(rf"\d(?:[\d.,]|{_SP}(?=\d))*")


def _precision(m: NumberMention) -> float:
    """The place value of the last significant digit written ("3.8 million" -> 100 000)."""
    value = abs(m.value)
    if value == 0:
        return 0.0
    core = _CORE_DIGITS_RE.search(m.text)
    if (
        core is None
        and m.kind == "percent"
        and m.unit == "%"
        and not _PERCENT_WORD_RE.search(m.text)
    ):
        # A fraction in words ("two thirds", "hälften") is a round figure: within 2.5
        # percentage points ("two thirds" is 64-69 %, not 60 %).
        return _FRACTION_PRECISION
    magnitude = math.floor(math.log10(value))
    if core is None:
        # Written in words: "twelve" is exact; "three million" is precise to a million.
        whole = round(value)
        if whole < 1000 or whole != value:
            return 1.0
        zeros = len(str(whole)) - len(str(whole).rstrip("0"))
        return float(10**zeros)
    digits = re.sub(r"\D", "", core.group()).lstrip("0")
    if not digits:
        return 0.0
    return float(10.0 ** (magnitude - len(digits) + 1))


def _dates_agree(a: NumberMention, b: NumberMention) -> bool:
    fa, fb = _date_fields(a), _date_fields(b)
    shared = 0
    for x, y in zip(fa, fb, strict=True):
        if x and y:
            if x != y:
                return False
            shared += 1
    return shared > 0


def _date_fields(m: NumberMention) -> tuple[int, int, int]:
    v = int(m.value)
    if m.kind == "year":
        return v, 0, 0
    return v // 10000, (v // 100) % 100, v % 100
