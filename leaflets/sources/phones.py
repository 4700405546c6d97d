"""Phone numbers as printed: keypad letters, glosses, and the phone-like runs in a text.

Shared by the registry (which proves each display form dials its E.164 number) and the
verifier (which finds every phone-like run in a PDF's text). Neither knows any number: the
numbers live in resources.toml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import shortnumberinfo

_KEYPAD = {
    **dict.fromkeys("ABC", "2"),
    **dict.fromkeys("DEF", "3"),
    **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"),
    **dict.fromkeys("MNO", "6"),
    **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"),
    **dict.fromkeys("WXYZ", "9"),
}

# Dashes, spaces and invisible characters that may stand inside a printed number.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_SPACES = "\u00a0\u2007\u2009\u202f\u200a"
_DASH_TABLE = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")})

# A printed number: digit groups and vanity letter groups joined by '-', '.' or ' ', an
# optional leading '+' and an optional bracketed gloss of digits after it.
_GROUP = r"(?:\d+|[A-Z]{2,})"
PHONE_RUN = re.compile(
    # not inside a word or a host; letters of other scripts may touch a number (Korean "911에")
    r"(?<![A-Za-z0-9+/])(?<![A-Za-z0-9]\.)"
    r"(?P<main>\+?\(?\d+\)?(?:(?:[-.]| (?=\d))" + _GROUP + r")*)"
    r"(?: ?\((?P<gloss>\d[\d -]*\d|\d)\))?"
    r"(?![A-Za-z0-9/])"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def normalise(text: str) -> str:
    """Unicode digits to ASCII, typographic dashes to '-', odd spaces to ' '."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isdigit() and not ch.isascii():
            try:
                out.append(str(unicodedata.decimal(ch)))
                continue
            except ValueError:
                pass
        out.append(ch)
    return "".join(out).translate(_DASH_TABLE)


def keypad_digits(text: str) -> str:
    """The digits a phone dials for `text`: letters mapped on the keypad, the rest dropped."""
    return "".join(
        ch if ch.isdigit() else _KEYPAD.get(ch.upper(), "")
        for ch in text
        if ch.isdigit() or ch.isalpha()
    )


@dataclass(frozen=True)
class PrintedNumber:
    """A phone-like run found in text."""

    text: str  # as found (normalised)
    main: str  # the part before any bracketed gloss
    gloss: str  # the bracketed digits after it, or ""
    start: int
    end: int

    @property
    def digits(self) -> str:
        return keypad_digits(self.main)

    @property
    def has_plus(self) -> bool:
        return self.main.startswith("+")


def find_numbers(text: str, min_digits: int = 5) -> list[PrintedNumber]:
    """Every run in `text` that reads as a phone number of at least `min_digits` digits."""
    text = normalise(text)
    found = []
    for m in PHONE_RUN.finditer(text):
        main = m.group("main").rstrip("-. ")
        if sum(c.isdigit() for c in main) + sum(c.isalpha() for c in main) < min_digits:
            continue
        if _ISO_DATE.fullmatch(main):
            continue
        found.append(PrintedNumber(m.group(0), main, m.group("gloss") or "", m.start(), m.end()))
    return found


def to_e164(digits: str, region: str, plus: bool = False) -> str | None:
    """The E.164 form of dialled digits in `region`, or None when they are not a valid number."""
    try:
        num = phonenumbers.parse(("+" if plus else "") + digits, None if plus else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def is_short_code(digits: str, region: str) -> bool:
    """True for a valid short number (911, 999, 116 123) in `region`."""
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(num, region)


def display_problem(display: str, tel: str, region: str) -> str | None:
    """Why `display` does not dial `tel` in `region`, or None when it does.

    A display form is a number, vanity letters allowed, optionally followed by a bracketed
    gloss that spells out the letters or the whole number (resources.toml has both kinds).
    """
    display = normalise(display)
    m = re.fullmatch(r"(?P<main>[^()]+?)(?: \((?P<gloss>[\d -]+)\))?", display)
    if not m:
        return f"display {display!r} is not a phone number with an optional (gloss)"
    main, gloss = m.group("main"), m.group("gloss")
    digits = keypad_digits(main)
    if not tel.startswith("+"):
        if digits != tel:
            return f"display {display!r} dials {digits}, not the short code {tel}"
        return None
    dialled = to_e164(digits, region, plus=main.startswith("+"))
    if dialled != tel:
        return f"display {display!r} dials {dialled or digits + ' (not a valid number)'}, not {tel}"
    if gloss:
        letters = "".join(_KEYPAD[c] for c in re.sub(r"[^A-Z]", "", main.upper()))
        gloss_digits = keypad_digits(gloss)
        if gloss_digits != letters and to_e164(gloss_digits, region) != tel:
            return f"the gloss ({gloss}) in display {display!r} does not spell {tel}"
    return None
