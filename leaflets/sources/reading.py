"""Text as a reader takes it in: what they would dial, and what they would type.

A translator, or an organisation's config, may write a number or an address in a form that no
pattern for "a phone number" or "a host" matches, yet that a person reads at once: digits in
kanji, digits spelled out in words, a host written ``evil[.]example`` or ``evil。example``.
The checks that keep numbers and links to the registry read text through these functions
first, so that such a spelling counts as what it spells.

It knows no number and no host: the registry holds them.
"""

from __future__ import annotations

import re
import unicodedata

from . import links, phones

# Digits written as CJK numerals, the way a number is read out digit by digit (〇八〇〇).
CJK_DIGITS = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "壹": "1",
    "弌": "1",
    "二": "2",
    "貳": "2",
    "贰": "2",
    "两": "2",
    "兩": "2",
    "三": "3",
    "參": "3",
    "叁": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陸": "6",
    "陆": "6",
    "七": "7",
    "柒": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
}
# Two CJK numerals in a row (or with a separator between) are a number read digit by digit;
# one alone is a word ("一緒", "一人").
_CJK_RUN = re.compile(
    "[" + "".join(CJK_DIGITS) + "](?:[\\s\\-・、.]?[" + "".join(CJK_DIGITS) + "])+"
)

# English digit words; "oh" and "o" only among other digit words.
_WORD_DIGITS = {
    "zero": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_WORD = (
    r"(?:zero|nought|one|two|three|four|five|six|seven|eight|nine|oh|o"
    r"|double|triple|hundred|thousand)\b"
)
_SPELLED_RUN = re.compile(r"\b" + _WORD + r"(?:[\s,\-]+" + _WORD + r")+", re.I)

# Characters a reader takes for the dot of an address (IDNA itself maps the first three).
DOT_LOOKALIKES = {
    "\u3002": "IDEOGRAPHIC FULL STOP",
    "\uff0e": "FULLWIDTH FULL STOP",
    "\uff61": "HALFWIDTH IDEOGRAPHIC FULL STOP",
    "\u2024": "ONE DOT LEADER",
    "\u00b7": "MIDDLE DOT",
    "\u2027": "HYPHENATION POINT",
    "\u2219": "BULLET OPERATOR",
    "\u22c5": "DOT OPERATOR",
    "\u0701": "SYRIAC SUPRALINEAR FULL STOP",
    "\u06d4": "ARABIC FULL STOP",
    "\ufe52": "SMALL FULL STOP",
    "\u30fb": "KATAKANA MIDDLE DOT",
}
# "dot" in the languages leaflets prints, as someone would spell out an address.
DOT_WORDS = (
    "dot",
    "punto",
    "ponto",
    "point",
    "punkt",
    "punct",
    "kropka",
    "taškas",
    "tuldok",
    "pwen",
    "chấm",
    "точка",
    "крапка",
    "نقطة",
    "نقطه",
    "نقطہ",
    "ڈاٹ",
    "ডট",
    "ডট",
    "डॉट",
    "ਡਾਟ",
    "ડોટ",
    "ドット",
    "点",
    "點",
    "닷",
    "점",
)
_ASCII_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_DOT_CHARS = "".join(DOT_LOOKALIKES)
# evil[.]example, evil(.)example, evil [dot] example, evil{punto}example
_BRACKETED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s*[\[({<]\s*(?:\.|["
    + _DOT_CHARS
    + r"]|"
    + "|".join(DOT_WORDS)
    + r")\s*[\])}>]\s*"
    r"(?=[A-Za-z0-9])",
    re.I,
)
# evil。example (no spaces: a look-alike dot between two ASCII labels, the second in lower
# case or a top-level name, so that "RAINN。Childline", two sentences, stays two sentences)
_LOOKALIKE_DOT = re.compile(r"(?<=[A-Za-z0-9])[" + _DOT_CHARS + r"](?=(" + _ASCII_LABEL + r"))")
# evil . example, evil dot example, evil 。 example: spaced, so only before a top-level name
_SPACED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s+(?:\.|[" + _DOT_CHARS + r"]|dot)\s+(?=(" + _ASCII_LABEL + r"))",
    re.I,
)
# the names under which an address is read as one; a spelled-out dot before any other word is
# a sentence ("the point is")
_COMMON_TLDS = {
    "com", "org", "net", "gov", "edu", "int", "info", "io", "co", "uk", "us", "eu", "ie", "ca",
    "au", "nz", "in", "de", "fr", "es", "it", "pt", "br", "pl", "ro", "lt", "ru", "ua", "vn",
    "ph", "ht", "jp", "cn", "tw", "hk", "kr", "pk", "bd", "ir", "sa", "ae", "eg", "biz",
    "app", "page", "site", "online", "xyz", "me", "tv", "ly", "to", "gg",
    # special-use names (RFC 2606, 6761): what a forger's example uses
    "example", "test", "invalid", "localhost", "onion", "local",
}  # fmt: skip
# a spelled-out dot only before a name nobody reads as a word ("este punto es" is a sentence)
_WORD_TLDS = {
    "com", "org", "net", "gov", "edu", "info", "io", "uk", "app", "xyz", "online", "site",
    "example", "test", "invalid", "localhost", "onion",
}  # fmt: skip
_WORD_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s+(?:" + "|".join(DOT_WORDS) + r")\s+(?=(" + _ASCII_LABEL + r")\b)",
    re.I,
)


def as_typed(text: str) -> str:
    """`text` with every spelling of a dot that a reader would type as '.' written as '.'."""
    text = unicodedata.normalize("NFC", text)
    text = _BRACKETED_DOT.sub(".", text)
    text = _LOOKALIKE_DOT.sub(
        lambda m: "." if m.group(1).islower() or m.group(1).lower() in _COMMON_TLDS else m.group(0),
        text,
    )
    text = _SPACED_DOT.sub(
        lambda m: "." if m.group(1).lower() in _COMMON_TLDS else m.group(0), text
    )
    return _WORD_DOT.sub(lambda m: "." if m.group(1).lower() in _WORD_TLDS else m.group(0), text)


def _spelled(m: re.Match) -> str:
    words = re.findall(_WORD, m.group(0), re.I)
    out: list[str] = []
    repeat = 1
    for w in (x.lower() for x in words):
        if w == "double":
            repeat = 2
        elif w == "triple":
            repeat = 3
        elif w == "hundred" and out:
            out.append("00")
        elif w == "thousand" and out:
            out.append("000")
        elif w in ("oh", "o"):
            out.append("0" * repeat)
            repeat = 1
        elif w in _WORD_DIGITS:
            out.append(_WORD_DIGITS[w] * repeat)
            repeat = 1
    digits = "".join(out)
    # one digit word alone, or "o" in a sentence, is a word; three or more digits are a number
    return digits if len(digits) >= 3 else m.group(0)


def as_dialled(text: str) -> str:
    """`text` with numbers in CJK numerals and English digit words written as ASCII digits,
    then read as :func:`phones.as_dialled` reads digits (any script, look-alike letters, any
    separator)."""
    text = _CJK_RUN.sub(lambda m: "".join(CJK_DIGITS.get(c, "") for c in m.group(0)), text)
    text = _SPELLED_RUN.sub(_spelled, text)
    return text


def digit_runs(text: str) -> list[phones.DigitRun]:
    """Every run of digits a reader would dial in `text`, in any spelling."""
    return phones.digit_runs(as_dialled(text))


def controls(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Control, format and bidi characters in `text` (named), except those in `allowed`."""
    out = []
    for ch in dict.fromkeys(text):
        if ch in allowed or ch in "\n":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"):
            out.append(f"U+{ord(ch):04X} {unicodedata.name(ch, _CONTROL_NAMES.get(ch, 'CONTROL'))}")
    return out


_CONTROL_NAMES = {"\x00": "NULL", "\t": "CHARACTER TABULATION", "\r": "CARRIAGE RETURN"}


# ----------------------------------------------------------------------------- untrusted text

_MARKUP = re.compile(r"<|>|&(#\d+|#x[0-9a-fA-F]+|\w+);")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_GROUPS = re.compile(r"\d+")

ZWNJ, ZWJ = "\u200c", "\u200d"
# Invisible marks a language's spelling needs, allowed by name in its texts (Persian and Urdu
# write ZWNJ inside words; the Indic scripts use both joiners to choose a conjunct's form).
LANGUAGE_MARKS = {
    "fa": frozenset({ZWNJ}),
    "ur": frozenset({ZWNJ}),
    "ps": frozenset({ZWNJ}),
    "ku": frozenset({ZWNJ}),
    **dict.fromkeys(("bn", "hi", "pa", "gu", "mr", "ne", "ta", "te", "kn", "ml", "or", "si"),
                    frozenset({ZWNJ, ZWJ})),
}  # fmt: skip


def marks_for(locale: str) -> frozenset[str]:
    return LANGUAGE_MARKS.get(locale.split("-")[0].lower(), frozenset())


def untrusted_text_problems(
    text: str,
    english: str | None = "",
    marks: frozenset[str] = frozenset(),
    regions: tuple[str, ...] = (),
) -> list[str]:
    """Why `text` (a translation or an organisation's own words) may not be printed: a number
    a reader could dial or an address they could type, in any spelling; an e-mail address;
    control, format or bidi characters other than the language's own `marks`; markup (a
    lone '&' is text). Empty
    when it may be printed.

    A translation may repeat the numbers of `english`, the text it translates, and nothing
    else of two digits or more. An organisation's text (`english` None) has no English to
    follow: it may hold numbers (a school's "P.S. 118") but none that dials, anywhere or as a
    short code in one of `regions`."""
    out = []
    bad = controls(text, marks)
    if bad:
        out.append(
            f"contains invisible or control characters ({', '.join(bad)}); delete them "
            "(right-to-left text needs no direction marks: leaflets orders it)"
        )
    visible = "".join(c for c in text if c not in marks)
    runs = {r.digits for r in digit_runs(english or "")}
    groups = set(_GROUPS.findall(phones.normalise(as_dialled(english or ""))))
    for run in digit_runs(visible):
        if len(run.digits) < 2 or run.digits in runs:
            continue
        if english is None:
            if not _dials(run.digits, regions):
                continue
        else:
            split = _GROUPS.findall(_plain(run))
            if len(run.digits) <= 4 and split and set(split) <= groups:
                continue  # "24 heures sur 24, 7 jours sur 7" for "24/7"
        shown = run.text if run.text.isascii() else f"{run.text} ({run.digits})"
        out.append(f"contains the number {shown!r}; {_WHERE_NUMBERS[english is None]}")
    typed = as_typed(visible)
    for link in links.find_links(typed):
        out.append(f"contains the link or host {link.text!r}; {_WHERE_LINKS[english is None]}")
    if _EMAIL.search(typed):
        out.append("contains an e-mail address; contacts come from the registry")
    if _MARKUP.search(text):  # "Smith & Jones" is plain text; "<b>" and "&amp;" are not
        out.append("contains markup ('<', '>' or an '&...;' entity); write plain text")
    return out


# The times of day in opening hours ("8:30-16:30", "9am", "17h00"): numbers nobody dials.
_TIMES = re.compile(
    r"(?<!\d)(?:[01]?\d|2[0-3])(?:[:.h][0-5]\d)(?:\s?[ap]\.?m\.?)?(?!\d)"
    r"|(?<!\d)(?:1[0-2]|0?\d)\s?[ap]\.?m\.?(?![a-z])",
    re.I,
)


def without_times(text: str) -> str:
    """`text` with its times of day taken out (opening hours may print them)."""
    return _TIMES.sub(" ", text)


_WHERE_NUMBERS = {
    False: "numbers come from the registry through placeholders, never typed",
    True: "put numbers in a contact's phone, where they are checked",
}
_WHERE_LINKS = {
    False: "links come from the registry through placeholders",
    True: "put links in a contact's url, where they are checked",
}


def _dials(digits: str, regions: tuple[str, ...]) -> bool:
    """A person could call `digits`: five or more digits, or a short code of a region."""
    if len(digits) >= 5:
        return True
    return any(phones.is_short_code(digits, r) for r in regions or ("GB", "US"))


def _plain(run: phones.DigitRun) -> str:
    """A run's digits with its groups split by spaces ("1/900" -> "1 900")."""
    out, k = [], 0
    for ch in run.text:
        if unicodedata.decimal(ch, None) is not None or ch in phones.LOOKALIKE_DIGITS:
            if k < len(run.digits):
                out.append(run.digits[k])
                k += 1
        else:
            out.append(" ")
    return "".join(out)
