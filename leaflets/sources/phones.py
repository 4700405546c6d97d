"""Phone numbers as printed: keypad letters, glosses, and the phone-like runs in a text.

Shared by the registry (which proves each display form dials its E.164 number) and the
verifier (which finds every phone-like run in a PDF's text). Neither knows any number: the
numbers live in resources.toml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# phonenumbers (about 25 ms to import) is imported by the functions that parse with it: a
# build whose registry was proved before (sources.registry's cache) never needs it.

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


# The readers below are pure functions of their text, and verify asks them about the same
# lines again and again (a card sheet prints one card ten times; every check reads the page's
# lines): their answers are kept, a bounded number of them.
_KEEP = 8192


@lru_cache(maxsize=_KEEP)
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
    return list(_find_numbers(text, min_digits))


@lru_cache(maxsize=_KEEP)
def _find_numbers(text: str, min_digits: int) -> tuple[PrintedNumber, ...]:
    text = normalise(text)
    found = []
    for m in PHONE_RUN.finditer(text):
        main = m.group("main").rstrip("-. ")
        if sum(c.isdigit() for c in main) + sum(c.isalpha() for c in main) < min_digits:
            continue
        if _ISO_DATE.fullmatch(main):
            continue
        found.append(PrintedNumber(m.group(0), main, m.group("gloss") or "", m.start(), m.end()))
    return tuple(found)


@lru_cache(maxsize=_KEEP)
def to_e164(digits: str, region: str, plus: bool = False) -> str | None:
    """The E.164 form of dialled digits in `region`, or None when they are not a valid number."""
    import phonenumbers  # imported here to keep start-up fast (see the top)

    try:
        num = phonenumbers.parse(("+" if plus else "") + digits, None if plus else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def is_short_code(digits: str, region: str) -> bool:
    """True for a valid short number (911, 999, 116 123) in `region`."""
    # imported here to keep start-up fast (see the top)
    import phonenumbers
    from phonenumbers import shortnumberinfo

    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(num, region)


def region_of(tel: str) -> str | None:
    """The region (ISO country code) an E.164 number belongs to."""
    import phonenumbers  # imported here to keep start-up fast (see the top)

    return phonenumbers.region_code_for_number(phonenumbers.parse(tel))


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


# ----------------------------------------------------------------------------- as a person reads

# Letters a reader takes for digits when they stand among digits.
LOOKALIKE_DIGITS = {
    "l": "1",
    "I": "1",
    "|": "1",
    "ǀ": "1",
    "О": "0",
    "о": "0",
    "O": "0",
    "o": "0",
    "І": "1",
    "і": "1",
    "ӏ": "1",
}
# What a person skips between the digits of a number they dial.
NUMBER_SEPARATORS = set("-./·•‧∙_'’,|:") | set(_DASHES) | set(_SPACES) | {" "}
_PLAIN_SEPARATORS = set("- .")  # the separators leaflets itself prints inside numbers


def _digit(ch: str) -> str | None:
    value = unicodedata.decimal(ch, None)
    return str(value) if value is not None else None


@dataclass(frozen=True)
class DigitRun:
    """Digits as a reader takes them in: a run of digits of any script, and letters that look
    like digits among them, joined by whatever a person skips when dialling."""

    text: str  # as printed
    digits: str  # what a person dials (ASCII)
    start: int
    end: int
    scripts: tuple[str, ...]  # the scripts of digits that are not ASCII ("BENGALI", ...)
    lookalikes: tuple[str, ...]  # letters read as digits
    separators: tuple[str, ...]  # separators other than the plain ones (space, '-', '.')


def digit_runs(text: str) -> list[DigitRun]:
    """Every run of digits in `text`, read as a person dials it. A comma followed by a space,
    and any two separators in a row, end a run (a list, not a number)."""
    return list(_digit_runs(text))


@lru_cache(maxsize=_KEEP)
def _digit_runs(text: str) -> tuple[DigitRun, ...]:
    out = []
    i, n = 0, len(text)
    while i < n:
        if _digit(text[i]) is None and not _starts_lookalike(text, i):
            i += 1
            continue
        start, j = i, i
        digits, scripts, looks, seps = [], set(), [], set()
        end = i
        while j < n:
            ch = text[j]
            d = _digit(ch)
            if d is not None:
                digits.append(d)
                if not ch.isascii():
                    scripts.add(unicodedata.name(ch, "?").split(" DIGIT")[0])
                end = j = j + 1
                continue
            if ch in LOOKALIKE_DIGITS and _among_digits(text, j):
                digits.append(LOOKALIKE_DIGITS[ch])
                looks.append(ch)
                end = j = j + 1
                continue
            if _separator(ch) and j + 1 < n:
                # one separator, or one mark with spaces around it ("08 - 00"), then a digit
                k, marks = j, []
                while k < n and _separator(text[k]) and k - j < 4:
                    if not text[k].isspace():
                        marks.append(text[k])
                    k += 1
                if len(marks) > 1 or k >= n or (ch == "," and text[j + 1].isspace()):
                    break
                nxt = text[k]
                if _digit(nxt) is not None or (nxt in LOOKALIKE_DIGITS and _among_digits(text, k)):
                    seps.update(c for c in text[j:k] if c not in _PLAIN_SEPARATORS)
                    j = k
                    continue
            break
        out.append(
            DigitRun(
                text[start:end],
                "".join(digits),
                start,
                end,
                tuple(sorted(scripts)),
                tuple(looks),
                tuple(sorted(seps)),
            )
        )
        i = max(end, i + 1)
    return tuple(out)


def _separator(ch: str) -> bool:
    """What a person skips between digits: punctuation, symbols and spaces of any kind, but
    not brackets (a gloss) or '+' (a country code)."""
    if ch in "()+[]{}":
        return False
    return ch in NUMBER_SEPARATORS or unicodedata.category(ch)[0] in "PSZ"


def _starts_lookalike(text: str, i: int) -> bool:
    return text[i] in LOOKALIKE_DIGITS and _among_digits(text, i)


def _among_digits(text: str, i: int) -> bool:
    """A lookalike letter stands among digits: its word holds a digit and no other letter
    (so '1lll' reads as digits, 'HOPE' and 'Office' do not)."""
    lo = i
    while lo > 0 and not text[lo - 1].isspace() and text[lo - 1] not in "-./·,()":
        lo -= 1
    hi = i
    while hi < len(text) and not text[hi].isspace() and text[hi] not in "-./·,()":
        hi += 1
    word = text[lo:hi]
    return any(_digit(c) is not None for c in word) and all(
        _digit(c) is not None or c in LOOKALIKE_DIGITS for c in word
    )


@lru_cache(maxsize=_KEEP)
def as_dialled(text: str) -> str:
    """`text` with every digit run written as plain ASCII digits joined by '-' (what a person
    reading it would dial), so that the number finders read '1/900/555/0199' or '0800 1lll'
    as numbers."""
    runs = digit_runs(text)
    if not runs:
        return normalise(text)
    out, pos = [], 0
    for run in runs:
        out.append(text[pos : run.start])
        plain = re.fullmatch(r"\d+(?:[-. ]\d+)*", run.text) is not None
        out.append(run.text if plain else _rejoined(run))
        pos = run.end
    out.append(text[pos:])
    return normalise("".join(out))


def _rejoined(run: DigitRun) -> str:
    """A run's digits, keeping where its groups were split (as '-')."""
    pieces, k = [], 0
    for ch in run.text:
        if _digit(ch) is not None or (ch in LOOKALIKE_DIGITS and k < len(run.digits)):
            pieces.append(run.digits[k])
            k += 1
        elif pieces and pieces[-1] != "-":
            pieces.append("-")
    return "".join(pieces)
