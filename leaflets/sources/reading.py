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
from dataclasses import dataclass
from functools import cache

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
    "○": "0",
    "壱": "1",
    "弐": "2",
    "参": "3",
}
# Two CJK numerals in a row (or with a separator between) are a number read digit by digit;
# one alone is a word ("一緒", "一人").
_CJK_RUN = re.compile(
    "[" + "".join(CJK_DIGITS) + "](?:[\\s\\-・、.]?[" + "".join(CJK_DIGITS) + "])+"
)

# What a reader takes for the dot of an address, and "dot" spelled out in the languages
# leaflets prints: one table each, in sources.links, which verify reads printed pages with.
DOT_LOOKALIKES = links.DOT_LOOKALIKES
DOT_WORDS = links.DOT_WORDS
_GLUED_WORDS = links.GLUED_DOT_WORDS
_ASCII_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_DOT_CHARS = "".join(DOT_LOOKALIKES)
_WORDS = "|".join(sorted(DOT_WORDS, key=len, reverse=True))
# evil[.]example, evil(.)example, evil [dot] example, evil{punto}example
_BRACKETED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])\s*[\[({<]\s*(?:\.|[" + _DOT_CHARS + r"]|" + _WORDS + r")\s*[\])}>]\s*"
    r"(?=[A-Za-z0-9])",
    re.I,
)
# evil。example, evil点com: a look-alike dot glued between two labels
_GLUED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])(?:[" + _DOT_CHARS + r"]|" + "|".join(_GLUED_WORDS) + r")"
    r"(?=(" + _ASCII_LABEL + r"))"
)
# evil . help, evil .com, evil. com, evil 。 com, evil dot com, evil punto com
_SPACED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])(\s*)(\.|[" + _DOT_CHARS + r"]|" + _WORDS + r")(\s*)"
    r"(?=(" + _ASCII_LABEL + r")\b)",
    re.I,
)
# special-use names (RFC 2606, 6761): what a forger's example uses; no registry lists them
_SPECIAL_USE = {"example", "test", "invalid", "localhost", "onion", "local", "internal"}
# a spelled-out dot word (other than "dot") only before a name nobody reads as a word in
# running text ("este punto es" is a sentence, "evil punto com" an address)
_WORD_TLDS = {
    "com", "org", "net", "gov", "edu", "info", "io", "uk", "app", "xyz", "online", "site",
    "help", "biz",
} | _SPECIAL_USE  # fmt: skip


@cache
def _suffixes():
    # imported here to keep start-up fast: only a spelled-out or look-alike dot needs it
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True, accept_unknown=False)


def is_top_level(label: str) -> bool:
    """`label` is a top-level domain of the public internet (com, uk, help, fyi...) or a
    special-use name (example, test)."""
    label = label.lower()
    return label in _SPECIAL_USE or _suffixes().publicsuffix("x." + label) == label


def _glued(m: re.Match) -> str:
    right = m.group(1)
    # "RAINN。Childline" is two sentences; "evil。example" and "Evil。Help" are addresses
    return "." if right.islower() or right.isdigit() or is_top_level(right) else m.group(0)


def _spaced(m: re.Match) -> str:
    before, mark, after, right = m.group(1), m.group(2), m.group(3), m.group(4)
    if not before and not after:
        return m.group(0)  # a plain "a.b" is already an address; a glued look-alike is above
    if mark.lower() in DOT_WORDS:
        if not (before and after):
            return m.group(0)
        if right.lower() in _WORD_TLDS or (mark.lower() == "dot" and is_top_level(right)):
            return "."
        return m.group(0)
    if right.istitle() and not right.isupper():
        return m.group(0)  # "Stop. Call us", "Call them . Now": a sentence begins
    if before or right.islower():  # "evil . help", "evil .com", "evil. com"
        return "." if is_top_level(right) else m.group(0)
    return m.group(0)


def as_typed(text: str) -> str:
    """`text` as a reader would type what it shows: full-width and other compatibility forms
    as plain letters (NFKC), and every spelling of a dot between two labels that a reader
    would type as '.' written as '.'."""
    text = _GLUED_DOT.sub(_glued, text)  # before NFKC, which takes some dots apart ("˙")
    text = unicodedata.normalize("NFKC", text)
    text = _BRACKETED_DOT.sub(".", text)
    text = _GLUED_DOT.sub(_glued, text)
    return _SPACED_DOT.sub(_spaced, text)


# Digit words of the languages leaflets prints, each list on its own: a number spelled out is
# three or more words of one language in a row ("uno nueve cero cero"), never a mix ("dos o
# tres" is Spanish for "two or three", not 2-0-3). English has more: teens and tens ("twenty
# four"), "hundred" and "thousand", and "double" / "triple" before a digit.
DIGIT_WORDS = {
    "en": "zero|oh|o|nought|nil one two three four five six seven eight nine",
    "es": "cero uno|una dos tres cuatro cinco seis siete ocho nueve",
    "fr": "zéro|zero un|une deux trois quatre cinq six sept huit neuf",
    "pt": "zero um|uma dois|duas três|tres quatro cinco seis sete oito nove",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "ru": "ноль|нуль один|одна два|две три четыре пять шесть семь восемь девять",
    "uk": "нуль|ноль один|одна два|дві три чотири п'ять|п’ять шість сім вісім дев'ять|дев’ять",
    "pl": "zero jeden|jedna dwa|dwie trzy cztery pięć sześć siedem osiem dziewięć",
    "ro": "zero unu|una doi|două trei patru cinci șase|şase șapte|şapte opt nouă",
    "lt": "nulis vienas du trys keturi penki šeši septyni aštuoni devyni",
    "cy": "dim|sero un dau|dwy tri|tair pedwar|pedair pump chwech saith wyth naw",
    "vi": "không một hai ba bốn năm sáu bảy tám chín",
    "tl": "sero isa dalawa tatlo apat lima anim pito walo siyam",
    "ht": "zewo en|youn de twa kat senk sis sèt uit nèf",
    "ar": "صفر واحد اثنان|اثنين ثلاثة أربعة|اربعة خمسة ستة سبعة ثمانية تسعة",
    "fa": "صفر یک دو سه چهار پنج شش هفت هشت نه",
    "ur": "صفر ایک دو تین چار پانچ چھ سات آٹھ نو",
}
_WORD_VALUES = {
    lang: {w.casefold(): str(d) for d, group in enumerate(words.split()) for w in group.split("|")}
    for lang, words in DIGIT_WORDS.items()
}
_EN_TEENS = {
    w: str(10 + k)
    for k, w in enumerate(
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {
    w: str(k + 2)
    for k, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_EN_TIMES = {"hundred": "00", "thousand": "000"}
_EN_REPEAT = {"double": 2, "triple": 3, "treble": 3}
# words that are also an article, "or" or an interjection: they begin a number only when
# three digit words or more follow from them
_WEAK_STARTS = {"o", "oh", "un", "une", "una", "uno", "um", "uma", "en", "dim"}
_A_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))*")
_BETWEEN_WORDS = re.compile(r"[\s,\-–]*")
# Sino-Korean digits, read out digit by digit (일팔공공 for 1800)
KOREAN_DIGITS = {"공": "0", "영": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5",
                 "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}  # fmt: skip
_KO = "[" + "".join(KOREAN_DIGITS) + "]"
# one word of four or more (일팔공공), or words of two or more in a row (일팔 공공 육오육)
_KOREAN_RUN = re.compile(r"(?<![가-힣])" + _KO + r"{2,}(?:[\s\-]+" + _KO + r"{2,})*(?![가-힣])")
# CJK numerals with place values (九百五十五 for 955, 二十四 for 24)
_PLACES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CJK_PLACED = re.compile("[" + "".join(CJK_DIGITS) + "".join(_PLACES) + "万萬]{2,}")


def _placed(text: str) -> str:
    """The value of CJK numerals with place values, as ASCII digits."""
    total = section = 0
    digit = None
    for c in text:
        if c in CJK_DIGITS:
            digit = int(CJK_DIGITS[c])
        elif c in _PLACES:
            section += (1 if digit is None else digit) * _PLACES[c]
            digit = None
        else:  # 万 / 萬
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
    return str(total + section + (digit or 0))


@dataclass(frozen=True)
class Spelled:
    """A number written other than in digits, as a person reading it would dial it."""

    text: str
    digits: str
    start: int
    end: int
    how: str  # "CJK numerals", "Korean digits" or "words"


def _word_value(word: str, lang: str) -> str | None:
    if word in _WORD_VALUES[lang]:
        return _WORD_VALUES[lang][word]
    if lang == "en":
        return _EN_TEENS.get(word) or (_EN_TENS[word] + "0" if word in _EN_TENS else None)
    return None


def _in_words(text: str) -> list[Spelled]:
    """Numbers in the digit words of one language each: three or more number words in a row
    (two, in English, when a "hundred" or "double" makes them three digits or more), joined by
    spaces, hyphens or commas."""
    words = list(_A_WORD.finditer(text))
    folded = [w.group(0).casefold() for w in words]
    out = []
    i = 0
    while i < len(words):
        best = None
        for lang in _WORD_VALUES:
            digits, j, count, repeat, strong = "", i, 0, 1, False
            while j < len(words):
                if j > i and not _BETWEEN_WORDS.fullmatch(
                    text, words[j - 1].end(), words[j].start()
                ):
                    break
                w = folded[j]
                if lang == "en" and w in _EN_REPEAT:
                    if count == 0 and j > i:
                        break  # "double double"
                    repeat, strong = _EN_REPEAT[w], True
                    j += 1
                    continue
                if lang == "en" and w in _EN_TIMES and digits:
                    digits += _EN_TIMES[w]
                    strong = True
                    j += 1
                    continue
                v = _word_value(w, lang)
                if v is None:
                    break
                if (
                    lang == "en"
                    and digits.endswith("0")
                    and len(v) == 1
                    and folded[j - 1] in _EN_TENS
                ):
                    digits = digits[:-1]  # "twenty four": 24
                digits += v * repeat
                repeat = 1
                count += 1
                j += 1
            if folded[i] in _WEAK_STARTS:
                strong = strong and count >= 3  # an article or "oh" alone begins no number
            if (count >= 3 or (strong and count >= 2)) and (best is None or j > best[1]):
                best = (digits, j)
        if best is None:
            i += 1
            continue
        digits, j = best
        start, end = words[i].start(), words[j - 1].end()
        out.append(Spelled(text[start:end], digits, start, end, "words"))
        i = j
    return out


def spelled_numbers(text: str, min_digits: int = 3) -> list[Spelled]:
    """Every number in `text` (read after NFKC, which the positions refer to) that is written
    other than in digits: CJK numerals digit by digit (〇八〇〇) or with place values (九百五十五),
    Sino-Korean digits (일팔공공), and the digit words of the languages leaflets prints. The
    one reader of spelled numbers: the catalog and config checks (through :func:`as_dialled`)
    and verify use it alike."""
    text = unicodedata.normalize("NFKC", text)
    found: list[Spelled] = []

    def add(start: int, end: int, digits: str, how: str) -> None:
        if all(end <= f.start or start >= f.end for f in found):
            found.append(Spelled(text[start:end], digits, start, end, how))

    for m in _CJK_PLACED.finditer(text):
        if any(c in _PLACES or c in "万萬" for c in m.group(0)):
            add(m.start(), m.end(), _placed(m.group(0)), "CJK numerals")
    for m in _CJK_RUN.finditer(text):
        digits = "".join(CJK_DIGITS[c] for c in m.group(0) if c in CJK_DIGITS)
        add(m.start(), m.end(), digits, "CJK numerals")
    for m in _KOREAN_RUN.finditer(text):
        if len(m.group(0)) < 4 and not re.search(r"[\s\-]", m.group(0)):
            continue  # one word of two or three syllables: 이사 (a move), 사이 (between)
        digits = "".join(KOREAN_DIGITS[c] for c in m.group(0) if c in KOREAN_DIGITS)
        add(m.start(), m.end(), digits, "Korean digits")
    for w in _in_words(text):
        add(w.start, w.end, w.digits, w.how)
    return sorted((f for f in found if len(f.digits) >= min_digits), key=lambda f: f.start)


def as_dialled(text: str) -> str:
    """`text` (NFKC: superscript, circled and full-width digits as plain ones) with every
    spelled number of :func:`spelled_numbers` written as ASCII digits; :func:`digit_runs` then
    reads it as :func:`phones.digit_runs` reads digits (any script, look-alike letters, any
    separator)."""
    text = unicodedata.normalize("NFKC", text)
    out, pos = [], 0
    for f in spelled_numbers(text, min_digits=2):
        out += [text[pos : f.start], f.digits]
        pos = f.end
    return "".join(out) + text[pos:]


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
_EMAIL = re.compile(r"@[\w-]+(\.[\w-]+)+")  # an address after "@", with or without a name
_GROUPS = re.compile(r"\d+")
# A number with letters for digits, as on a keypad: "1-800-SCAM-NOW", "0800 CHILDLINE"
_VANITY = re.compile(r"(?<![\w])\+?\d[\d\s.\-]*[\s.\-][A-Z]{3,}(?:[\s.\-][A-Z0-9]{2,})*(?![\w])")

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
        if len(run.digits) < 2 or run.digits in runs or round_the_clock(visible, run):
            continue
        if english is None:
            if not _dials(run.digits, regions):
                continue
        else:
            split = _GROUPS.findall(_plain(run))
            if len(run.digits) <= 4 and split and set(split) <= groups:
                continue  # "24 heures sur 24, 7 jours sur 7" for "24/7"
            if len(run.digits) <= 3 and not _dials(run.digits, SHORT_CODE_REGIONS):
                continue  # "24時間365日": no number anyone could call
        shown = run.text if run.text.isascii() else f"{run.text} ({run.digits})"
        out.append(f"contains the number {shown!r}; {_WHERE_NUMBERS[english is None]}")
    for m in _VANITY.finditer(unicodedata.normalize("NFKC", visible)):
        shown = m.group(0)
        digits = sum(c.isdigit() for c in shown)
        if digits >= 3 and sum(c.isalnum() for c in shown) >= 7 and shown not in (english or ""):
            why = _WHERE_NUMBERS[english is None]
            out.append(f"contains the number {shown!r} (letters for digits); {why}")
    typed = as_typed(visible)
    for link in links.find_links(typed):
        out.append(f"contains the link or host {link.text!r}; {_WHERE_LINKS[english is None]}")
    if _EMAIL.search(typed):
        out.append("contains an e-mail address; contacts come from the registry")
    if _MARKUP.search(text):  # "Smith & Jones" is plain text; "<b>" and "&amp;" are not
        out.append("contains markup ('<', '>' or an '&...;' entity); write plain text")
    return out


# ----------------------------------------------------------------------------- round the clock

# What a service's hours are counted in when it never closes: 24 hours, 7 days, 365 days.
_CLOCK_COUNTS = frozenset({"24", "7", "365"})
# Between them, a slash or a times sign ("24/7", "24 / 7 / 365", "24×7", "７/２４").
_CLOCK_MARKS = frozenset("/\u2044\u2215\uff0f\u00d7")
# "days" in the languages leaflets prints, as it follows "365" ("365日", "365 días"): a count
# of days, which nobody dials.
DAY_WORDS = (
    "days", "day", "días", "dias", "jours", "jou", "tage", "giorni", "dni", "dnia", "zile",
    "de zile", "dienų", "dienas", "dienos", "diwrnod", "araw", "ngày", "дней", "днів", "дні",
    "день", "يومًا", "يوماً", "يوما", "يوم", "أيام", "روز", "دن", "দিন", "દિવસ", "ਦਿਨ",
)  # fmt: skip
_AFTER_DAYS = re.compile(
    r"\s?(?:" + "|".join(map(re.escape, sorted(DAY_WORDS, key=len, reverse=True))) + r")(?!\w)"
    r"|\s?[日天일]",  # CJK and Korean counts run on into the next word ("365日無休")
    re.I,
)


def round_the_clock(text: str, run: phones.DigitRun) -> bool:
    """`run` (a digit run of `text`) is how a service open round the clock writes its hours,
    not a number anyone dials: 24, 7 and 365 joined by slashes or a times sign ("24/7",
    "7/24", "24/7/365", "24/24"), or 365 before a word for days ("24時間365日", "365 días").
    The i18n check and verify read it alike; any other separator ("24-7-365", "24 7 365"),
    any other count, a count given thrice or more than three of them is read as digits."""
    split = _GROUPS.findall(_plain(run))
    if not split or not set(split) <= _CLOCK_COUNTS or len(split) > 3:
        return False
    if len(set(split)) < len(split) and len(split) != 2:
        return False  # "24/24" (24 hours out of 24) and "7/7" are counts; "7/7/7" is not
    if len(split) == 1:
        return split == ["365"] and _AFTER_DAYS.match(text, run.end) is not None
    between = {unicodedata.normalize("NFKC", c) for c in run.text}
    between = {c for c in between if not (c.isspace() or unicodedata.decimal(c, None) is not None)}
    return bool(between) and between <= _CLOCK_MARKS


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


# The countries whose short codes a translation could smuggle in: where the languages leaflets
# prints are spoken, and the editions' own.
SHORT_CODE_REGIONS = (
    "GB", "US", "CA", "IE", "AU", "FR", "BE", "DE", "ES", "MX", "PT", "BR", "PL", "RO",
    "LT", "UA", "RU", "VN", "PH", "HT", "JP", "CN", "TW", "HK", "KR", "IN", "PK", "BD",
    "IR", "AF", "SA", "EG", "AE", "MA",
)  # fmt: skip


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
