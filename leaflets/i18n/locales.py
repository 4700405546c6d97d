"""Locales: BCP 47 tags, their own names and dates from CLDR (Babel), and text direction.

Locales are BCP 47 tags (``pt-BR``) in folder names and ``/Lang``; Babel gets them as
``pt_BR``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date

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


@cache
def language_name(locale: str) -> str:
    """The language's own name from CLDR ("Español", "Cymraeg", "Português (Brasil)")."""
    if locale == PSEUDO_LOCALE:
        return "Pseudo-English (en-XA)"
    try:
        loc = Locale.parse(babel_id(locale))
    except (ValueError, LookupError, UnknownLocaleError):
        return locale
    name = loc.get_display_name(loc) or locale
    return name[:1].upper() + name[1:]


def format_date(date: dt.date, locale: str, region: str = "") -> str:
    """A date as the locale writes it (in the edition's country where CLDR knows that pair:
    English in the UK edition writes "25 November 2026"), in words where CLDR has them, so it
    cannot be mistaken for a phone number."""
    base = babel_id(locale.replace("-XA", ""))
    for candidate in ([f"{base}_{region}"] if region and "_" not in base else []) + [base]:
        try:
            loc = Locale.parse(candidate)
        except (ValueError, LookupError, UnknownLocaleError):
            continue
        return babel_format_date(date, format="long", locale=loc)
    return date.isoformat()
