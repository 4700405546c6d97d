"""Links as printed: finding hosts in text, and telling a registry host from a lookalike.

Shared by the registry (validation of its own links) and the verifier. It knows no host: the
links live in resources.toml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Characters that render as nothing but change a host.
INVISIBLE = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u00ad": "SOFT HYPHEN",
    # bidi controls: they reorder what a reader sees of an address
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u061c": "ARABIC LETTER MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
_INV = "".join(INVISIBLE)

# A host-like run: labels of letters (any script), digits, hyphens and invisible characters,
# separated by dots, ending in a top-level label of two or more letters; an optional scheme
# before it and path after it.
_LABEL = r"[\w" + _INV + r"][\w\-" + _INV + r"]*"
_TLD = r"[^\W\d_](?:[^\W\d_]|[" + _INV + r"])*[^\W\d_]"
LINK_RUN = re.compile(
    r"(?<![\w@\-" + _INV + r"])(?<!\w\.)"
    r"(?P<scheme>https?://)?"
    r"(?P<host>(?:" + _LABEL + r"\.)+" + _TLD + r")"
    r"(?P<path>/[^\s\"'<>()\[\]{}]*)?"
    r"(?![\w@])"
)

# ASCII spellings often used to imitate letters ("rn" for "m", "vv" for "w", digits for letters).
_ASCII_LOOKALIKES = [("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("3", "e"), ("5", "s")]

# Letters of other scripts that look like Latin ones (a small table of the usual suspects).
_CONFUSABLE = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "һ": "h",
        "ԁ": "d",
        "ո": "n",
        "ɡ": "g",
        "ӏ": "l",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Χ": "X",
        "ο": "o",
        "ν": "v",
        "α": "a",
    }
)


@dataclass(frozen=True)
class PrintedLink:
    text: str
    host: str  # lower case, no "www."
    path: str  # "" or "/..." without a trailing slash
    start: int
    end: int


def bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def split_url(url: str) -> tuple[str, str]:
    """(host without www., path without trailing slash) of a URL or a printed host/path."""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.query:
        path += "?" + parts.query
    return bare_host(parts.hostname or ""), path


# Scripts whose letters may touch a link in running text (a Korean particle after a host:
# "ceop.police.uk에"); letters of scripts that look like Latin (Cyrillic, Greek) never do.
_TOUCHING_SCRIPTS = (
    "HANGUL",
    "CJK",
    "HIRAGANA",
    "KATAKANA",
    "ARABIC",
    "BENGALI",
    "GURMUKHI",
    "GUJARATI",
    "DEVANAGARI",
)


def _touching(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(_TOUCHING_SCRIPTS)


def find_links(text: str) -> list[PrintedLink]:
    """Every host-like run in `text`, with its path if one is printed."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for m in LINK_RUN.finditer(text):
        path = (m.group("path") or "").rstrip(".,;:!?")
        host = m.group("host")
        if (
            not path
            and _touching(host[-1])
            and not all(_touching(c) for c in host.rsplit(".", 1)[-1])
        ):
            # an ASCII host followed by a word of another script: the word is not the host's
            trimmed = host.rstrip("".join(c for c in host if _touching(c)))
            if "." not in trimmed or not trimmed.rsplit(".", 1)[-1]:
                continue
            end = m.start("host") + len(trimmed)
            out.append(PrintedLink(text[m.start() : end], bare_host(trimmed), "", m.start(), end))
            continue
        out.append(
            PrintedLink(
                m.group(0)[: len(m.group(0)) - (len(m.group("path") or "") - len(path))],
                bare_host(host),
                path.rstrip("/"),
                m.start(),
                m.end(),
            )
        )
    return out


def invisible_chars(s: str) -> list[str]:
    return [f"U+{ord(c):04X} {INVISIBLE[c]}" for c in s if c in INVISIBLE]


def foreign_letters(host: str) -> list[str]:
    """Non-ASCII letters in a host, each named ("U+0435 CYRILLIC SMALL LETTER IE")."""
    return [
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for c in host
        if not c.isascii() and c not in INVISIBLE
    ]


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def skeleton(host: str) -> str:
    """A host with lookalike letters and invisible characters folded to plain Latin."""
    s = "".join(c for c in host if c not in INVISIBLE).translate(_CONFUSABLE).lower()
    for fake, real in _ASCII_LOOKALIKES:
        s = s.replace(fake, real)
    return s


def lookalike_of(host: str, known: set[str]) -> str | None:
    """The registry host that `host` imitates, or None when it imitates none.

    Catches homoglyphs, invisible characters, one or two typos, and a registry host used as a
    label of another domain ("rainn.org.example.net", "takeitdown-ncmec.org").
    """
    if host in known:
        return None
    sk = skeleton(host)
    for k in sorted(known):
        ks = skeleton(k)
        if sk == ks or _distance(host, k) <= 2 or _distance(sk, ks) <= 1:
            return k
        name = k.split(".")[0]
        inside = k in host or ks.replace(".", "-") in sk or name in sk.split(".")[0]
        if inside and len(name) >= 4:  # the registry name sits inside another host
            return k
    return None


# ----------------------------------------------------------------------------- as a reader types

# Top-level labels a reader would recognise as the end of an address: an address written
# with a spelled or spaced dot ("evil dot com", "evil . org") is only taken for one when it
# ends in one of these (prose has sentences ending in "." before a lower-case word).
COMMON_TLDS = frozenset(
    "com net org info biz gov edu int mil uk us eu io xyz onion ru cn tk ml ga cf gq pw "
    "example".split()
)
# and, after a middle or ideographic dot, these too (words a sentence may start with)
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
    "\u02d9": "DOT ABOVE",
    "\u2e31": "WORD SEPARATOR MIDDLE DOT",
    "\u16eb": "RUNIC SINGLE PUNCTUATION",
    "\ua78f": "LATIN LETTER SINOLOGICAL DOT",
    "\u0702": "SYRIAC SUBLINEAR FULL STOP",
    "\u0964": "DEVANAGARI DANDA",
    "\u066b": "ARABIC DECIMAL SEPARATOR",
    "\u066c": "ARABIC THOUSANDS SEPARATOR",
    "\u2022": "BULLET",
    "\u25e6": "WHITE BULLET",
    "\u2981": "Z NOTATION SPOT",
    "\u2e33": "RAISED DOT",
    "\u00b8": "CEDILLA",
    "\u02cc": "MODIFIER LETTER LOW VERTICAL LINE",
    "\u0f0b": "TIBETAN MARK INTERSYLLABIC TSHEG",
    "\u1427": "CANADIAN SYLLABICS FINAL MIDDLE DOT",
    "\u05c5": "HEBREW MARK LOWER DOT",
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
# Words for "dot" of scripts written without spaces: they may stand glued between two labels.
GLUED_DOT_WORDS = ("ドット", "点", "點", "닷", "점", "ডট", "डॉट", "ਡਾਟ", "ડોટ", "ڈاٹ")
_MORE_TLDS = COMMON_TLDS | frozenset(
    "app online site top club shop live link click email help me test".split()
)
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_TYPED_LABEL = rf"[{_ALNUM}](?:[{_ALNUM}\-\uff0d]*[{_ALNUM}])?"
_SP = r"[^\S\n\r]"  # a space on the same line
_DOT_WORD = "(?i:" + "|".join(sorted(map(re.escape, DOT_WORDS), key=len, reverse=True)) + ")"
_BRACKET_DOT = (
    rf"{_SP}?[\[\(\{{<]{_SP}?(?:\.|[{''.join(DOT_LOOKALIKES)}]|{_DOT_WORD}){_SP}?[\]\)\}}>]{_SP}?"
)
# a look-alike dot, or "dot" in a script written without spaces, glued between two labels
_CJK_DOT = "(?:[" + "".join(DOT_LOOKALIKES) + "]|" + "|".join(map(re.escape, GLUED_DOT_WORDS)) + ")"
_SPACED_DOT = rf"{_SP}+{_DOT_WORD}{_SP}+|{_SP}+\.{_SP}*|\.{_SP}+"
_DOT = rf"(?:{_BRACKET_DOT}|{_CJK_DOT}|{_SPACED_DOT}|\.)"
_TYPED = re.compile(
    rf"(?<![{_ALNUM}.@\-])(?P<host>(?:{_TYPED_LABEL}{_DOT})+{_TYPED_LABEL})"
    rf"(?P<path>/[^\s\"'<>()\[\]{{}}]*)?(?![{_ALNUM}@])"
)
_FULLWIDTH = re.compile("[\uff01-\uff5e]")


@dataclass(frozen=True)
class TypedHost:
    """An address printed with something other than plain dots or plain letters between its
    labels ("evil[.]example", "evil . example", "evil。example", full-width letters), and
    what a reader (or IDNA, for the ideographic stops) types for it."""

    text: str  # as printed
    host: str  # as typed: lower case, plain dots, no "www."
    path: str


def disguised_hosts(text: str) -> list[TypedHost]:
    """Addresses in `text` written with look-alike dots or full-width letters. A spelled or
    spaced dot counts only between lower-case labels ending in a common top-level label,
    and a middle or ideographic dot only before a common or two-letter one, so that prose
    and lists are not taken for addresses."""
    out = []
    for m in _TYPED.finditer(text):
        printed = m.group("host")
        parts = re.split(_DOT, printed)
        seps = re.findall(_DOT, printed)
        if all(s == "." for s in seps) and not _FULLWIDTH.search(printed):
            continue  # a plain address: find_links reads it
        labels = [unicodedata.normalize("NFKC", p) for p in parts]
        tld = labels[-1].lower()
        spaced = any(re.fullmatch(_SPACED_DOT, s) for s in seps)
        stops = any(re.fullmatch(_CJK_DOT, s) for s in seps)
        if spaced and (tld not in COMMON_TLDS or not all(p == p.lower() for p in parts)):
            continue
        if stops and not (tld in _MORE_TLDS or (len(tld) == 2 and tld.isalpha())):
            continue
        if not tld.isalpha():
            continue
        host = bare_host(".".join(labels))
        path = unicodedata.normalize("NFKC", m.group("path") or "").rstrip(".,;:!?/")
        out.append(TypedHost(m.group(0).strip(), host, path))
    return out


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}")


def email_addresses(text: str) -> list[str]:
    """Every e-mail address printed in `text`."""
    return [m.group(0) for m in _EMAIL.finditer(unicodedata.normalize("NFKC", text))]
