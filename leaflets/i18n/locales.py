"""Locales: BCP 47 tags, their own names and dates from CLDR (Babel), and text direction.

Locales are BCP 47 tags (``pt-BR``) in folder names and ``/Lang``; Babel gets them as
``pt_BR``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache

from babel import Locale, UnknownLocaleError

from ..files import cache_get, cache_put
from ..versions import code_digest

SOURCE_LOCALE = "en"
PSEUDO_LOCALE = "en-XA"
RTL_LANGUAGES = {"ar", "fa", "ur", "he", "ps", "sd", "ug", "yi"}


def direction(locale: str) -> str:
    """ "rtl" for a right-to-left language, else "ltr"."""
    return "rtl" if locale.split("-")[0] in RTL_LANGUAGES else "ltr"


def babel_id(locale: str) -> str:
    return locale.replace("-", "_")


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


def _cldr(kind: str, args: str, make) -> str:
    """What Babel answers for `args`, kept in the user's cache by this module's code and
    Babel's version (versions.code_digest): loading a language's CLDR data is about 10 ms,
    and a build needs only its name, a date and page numbers from it."""
    made_by = code_digest((__name__,), ("babel",))
    key = hashlib.sha256(f"{made_by}|{kind}|{args}".encode()).hexdigest()
    data = cache_get("cldr", key)
    if data is not None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = make()
    cache_put("cldr", key, text.encode("utf-8"))
    return text


@cache
def language_name(locale: str) -> str:
    """The language's own name from CLDR ("Español", "Cymraeg", "Português (Brasil)")."""
    return _cldr("name", locale, lambda: _language_name(locale))


def _language_name(locale: str) -> str:
    if locale == PSEUDO_LOCALE:
        return "Pseudo-English (en-XA)"
    try:
        loc = Locale.parse(babel_id(locale))
    except (ValueError, LookupError, UnknownLocaleError):
        return locale
    name = loc.get_display_name(loc) or locale
    return name[:1].upper() + name[1:]


@cache
def format_number(n: int, locale: str) -> str:
    """A whole number as the locale writes it (CLDR: its digits and grouping), kept in the
    user's cache like a language's name: Babel keeps every language's CLDR data it loads
    for the life of the process (about 1 MB a language, 24 MB in a release build's worker)."""
    return _cldr("number", f"{n}|{locale}", lambda: _format_number(n, locale))


def _format_number(n: int, locale: str) -> str:
    # imported here to keep start-up fast: only page numbers need it
    from babel.numbers import format_decimal

    try:
        return format_decimal(n, locale=Locale.parse(babel_id(locale.replace("-XA", ""))))
    except (ValueError, LookupError, UnknownLocaleError):
        return str(n)


def territory_name(region: str, locale: str) -> str:
    """A country's name in the language, from CLDR ("Estados Unidos", "미국", "المملكة
    المتحدة"); the region code itself where CLDR has no name for it."""
    return _cldr("territory", f"{region}|{locale}", lambda: _territory_name(region, locale))


def _territory_name(region: str, locale: str) -> str:
    try:
        loc = Locale.parse(babel_id(locale.replace("-XA", "")))
    except (ValueError, LookupError, UnknownLocaleError):
        return region
    return loc.territories.get(region, region)


def edition_name(name: str, region: str, locale: str) -> str:
    """What a page calls its edition: in English the edition's own name ("United Kingdom,
    young people"); in another language the edition's country in that language (CLDR), as
    the edition's name is English and not in the catalogs."""
    if locale.split("-")[0] == SOURCE_LOCALE or not region:
        return name
    return territory_name(region, locale)


@cache
def format_date(date: dt.date, locale: str, region: str = "") -> str:
    """A date as the locale writes it (in the edition's country where CLDR knows that pair:
    English in the UK edition writes "25 November 2026"), in words where CLDR has them, so it
    cannot be mistaken for a phone number."""
    args = f"{date.isoformat()}|{locale}|{region}"
    return _cldr("date", args, lambda: _format_date(date, locale, region))


def _format_date(date: dt.date, locale: str, region: str) -> str:
    # imported here to keep start-up fast: with the date in the user's cache, never needed
    from babel.dates import format_date as babel_format_date

    base = babel_id(locale.replace("-XA", ""))
    for candidate in ([f"{base}_{region}"] if region and "_" not in base else []) + [base]:
        try:
            loc = Locale.parse(candidate)
        except (ValueError, LookupError, UnknownLocaleError):
            continue
        return babel_format_date(date, format="long", locale=loc)
    return date.isoformat()
