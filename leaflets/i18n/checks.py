"""Catalog checks: a translator can move a placeholder but never write a number, a link, an
e-mail address or markup. Every problem of a catalog is one :class:`Problem`; none stops the
others being found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import SourceError
from ..files import cache_get, cache_put, latest_real_date
from ..sources.guide import Guide
from ..sources.placeholders import PLACEHOLDER, placeholders
from ..sources.reviews import Review, add_review, find_review, reviewer_problem, reviews_path
from ..versions import code_digest
from . import catalogs
from .catalogs import REVIEW_HEADER, catalog_digest, po_path, read_catalog
from .locales import bcp47


@dataclass(frozen=True)
class Problem:
    locale: str
    guide: str
    context: str
    message: str

    def __str__(self) -> str:
        return f"locale {self.locale}, guide {self.guide}, message {self.context}: {self.message}"


def _reading():
    """sources.reading, imported here to keep start-up fast: a build whose catalogs were
    checked before reads nothing with it (its tables and patterns are about 10 ms)."""
    from ..sources import reading

    return reading


def message_problems(msgid: str, msgstr: str, marks: frozenset[str] = frozenset()) -> list[str]:
    """What is wrong with one translation; empty when it may be printed. `marks` are the
    invisible characters the language's spelling needs (:data:`reading.LANGUAGE_MARKS`)."""
    out = []
    want, got = placeholders(msgid), placeholders(msgstr)
    for p in dict.fromkeys(want):
        if got.count(p) != want.count(p):
            out.append(f"placeholder {p} must appear {want.count(p)} time(s), found {got.count(p)}")
    for p in dict.fromkeys(got):
        if p not in want:
            out.append(f"placeholder {p} is not in the English text; remove it")
    english_sides = set(_touching(msgid))
    for p, side, ch in _touching(msgstr):
        if (p, side, ch) not in english_sides:
            where = "before" if side < 0 else "after"
            out.append(
                f"{ch!r} stands right {where} {p}, which would print it as part of the "
                "number or link; put a space or punctuation between them, as the English does"
            )
    bare = PLACEHOLDER.sub(" ", msgstr)
    stray = re.search(r"[{}]", bare)
    if stray:
        out.append("has a '{' or '}' outside a placeholder; placeholders look like {name}")
    out += _reading().untrusted_text_problems(bare, PLACEHOLDER.sub(" ", msgid), marks)
    return out


# What may not touch a placeholder: a digit or letter would be read as part of the number
# ("{ccri}9" prints CCRI's number with a 9 after it) and '.', '/', '@', '+', '-', '#', ':' as
# part of an address ("{take-it-down}/pay"); letters of scripts without spaces may (Korean
# "{rainn}에").
_GLUES = set("./@+-#:_~=%&")


def _touching(text: str) -> list[tuple[str, int, str]]:
    """(placeholder, -1 before / +1 after, the character) for what touches each placeholder."""
    out = []
    for m in PLACEHOLDER.finditer(text):
        for side, i in ((-1, m.start() - 1), (1, m.end())):
            if not 0 <= i < len(text):
                continue
            ch = unicodedata.normalize("NFKC", text[i])[:1]
            glued = ch.isascii() and (ch.isalnum() or ch in _GLUES)
            if side < 0 and ch == ":":
                glued = False  # "電話：{childline}" introduces the number
            if side > 0 and ch in ".:" and (i + 1 >= len(text) or not text[i + 1].isalnum()):
                glued = False  # a full stop or colon ending the sentence
            if glued or (ch.isdigit() and not ch.isascii()):
                out.append((m.group(0), side, ch))
    return out


def check_catalog(guide: Guide, locale: str) -> tuple[list[Problem], dict[str, str], dict]:
    """Problems of one catalog, the printable translations by context, and its stats."""
    path = po_path(locale, guide.id)
    try:
        cat, headers = read_catalog(path)
    except SourceError as e:  # a broken file is this locale's problem; the others still build
        return [Problem(locale, guide.id, "(file)", str(e))], {}, _stats(0, 0, 0, 0, None)
    problems: list[Problem] = []
    english = {ctx: text for ctx, text, _ in guide.messages()}
    translations: dict[str, str] = {}
    fuzzy = untranslated = 0
    if cat.locale_identifier and bcp47(cat.locale_identifier) != locale:
        problems.append(
            Problem(
                locale,
                guide.id,
                "(header)",
                f"Language header says {cat.locale_identifier}, "
                f"but the catalog is in the {locale} folder",
            )
        )
    status = headers.get(REVIEW_HEADER, "")
    if status not in ("draft", "reviewed", ""):
        problems.append(
            Problem(
                locale,
                guide.id,
                "(header)",
                f"{REVIEW_HEADER} must be 'draft' or 'reviewed', not {status!r}",
            )
        )
    for msg in cat:
        if not msg.id:
            continue
        ctx = msg.context or ""
        if ctx not in english:
            continue  # obsolete or from another guide: never printed
        if msg.fuzzy:
            fuzzy += 1
            continue
        if not msg.string:
            untranslated += 1
            continue
        if msg.id != english[ctx]:
            fuzzy += 1  # translated from an older English text: treat as fuzzy
            continue
        bad = message_problems(msg.id, msg.string, _reading().marks_for(locale))
        problems += [Problem(locale, guide.id, ctx, b) for b in bad]
        if not bad:
            translations[ctx] = msg.string
    missing = sum(1 for ctx in english if ctx not in translations) - fuzzy - untranslated
    digest = catalog_digest(cat)
    try:
        review = find_review(guide.id, locale, digest, reviews_path(catalogs.LOCALES_DIR))
    except SourceError as e:
        problems.append(Problem(locale, guide.id, "(reviews)", str(e)))
        review = None
    stats = _stats(len(english), len(translations), fuzzy, untranslated + max(missing, 0), review)
    stats["catalog"] = digest
    return problems, translations, stats


# ----------------------------------------------------------------------------- the cache

# A clean catalog's check gives the same translations and stats for the same inputs, and it
# is most of the time a language costs (about 70 ms a catalog): it is kept by a hash of every
# input, in memory and in the user's cache (files.cache_get). The inputs: the catalog's text,
# the guide's English messages, the reviews file (it alone decides the review status), the
# date a review may not be after, the code of the checks and the versions of the libraries
# they read with, and leaflets' version. A catalog with problems is checked every time.
# Nothing of the registry or the fonts is read by the checks, and nothing derived from them
# is kept here.
CHECK_CACHE_VERSION = 1
_CHECK_MODULES = (
    "leaflets.i18n.checks",
    "leaflets.i18n.catalogs",
    "leaflets.i18n.locales",
    "leaflets.i18n.extract",
    "leaflets.sources.reading",
    "leaflets.sources.phones",
    "leaflets.sources.links",
    "leaflets.sources.placeholders",
    "leaflets.sources.reviews",
    "leaflets.sources.guide",
    "leaflets.files",
    "leaflets.errors",
)
_checked: dict[str, tuple[dict[str, str], dict]] = {}


@cache
def _code_digest() -> str:
    """A hash of the checks' own code and of what the libraries they read text with are:
    Babel's and phonenumbers' versions, and the files of publicsuffixlist (its list of
    top-level names is data, updated between versions)."""
    h = hashlib.sha256(f"{CHECK_CACHE_VERSION}|".encode())
    h.update(code_digest(_CHECK_MODULES, ("babel", "phonenumbers")).encode())
    spec = importlib.util.find_spec("publicsuffixlist")
    if spec is None or not spec.submodule_search_locations:
        h.update(b"|publicsuffixlist=-")
    else:
        for path in sorted(Path(spec.submodule_search_locations[0]).glob("*.*")):
            if path.suffix in (".py", ".dat"):
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def catalog_key(path: Path, kind: str, *parts: str, modules: tuple[str, ...] = ()) -> str | None:
    """The cache key of something read from one catalog (`kind`: its accessibility texts,
    its edition words): a hash of the catalog's text, the checks' code and the libraries they
    read with, the code of `modules` that reads it, and `parts`; None when the catalog cannot
    be read (it is then read, and says why)."""
    try:
        text = catalogs._catalog_text(path)
    except (OSError, SourceError, UnicodeDecodeError):
        return None
    h = hashlib.sha256(f"{kind}\0{_code_digest()}\0{code_digest(modules)}".encode())
    for part in (*parts, text):
        h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _check_key(guide: Guide, locale: str) -> str | None:
    """The hash of every input of `check_catalog(guide, locale)`, or None when one of them
    cannot be read (the check then runs, and says what is wrong)."""
    try:
        text = catalogs._catalog_text(po_path(locale, guide.id))
        reviews = reviews_path(catalogs.LOCALES_DIR)
        review_bytes = reviews.read_bytes() if reviews.exists() else None
    except (OSError, SourceError, UnicodeDecodeError):
        return None
    english = [[ctx, t] for ctx, t, _ in guide.messages()]
    h = hashlib.sha256(_code_digest().encode())
    for part in (
        guide.id,
        locale,
        json.dumps(english, ensure_ascii=False),
        text,
        str(reviews),
        "-" if review_bytes is None else hashlib.sha256(review_bytes).hexdigest(),
        latest_real_date().isoformat(),
    ):
        h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _from_cache(data: bytes, english: set[str]) -> tuple[dict[str, str], dict] | None:
    """A cached (translations, stats), if it is one: anything else is made again."""
    try:
        got = json.loads(data.decode("utf-8"))
        translations, stats = got["translations"], got["stats"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (
        isinstance(translations, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in translations.items())
        and set(translations) <= english
        and isinstance(stats, dict)
        and set(stats) == set(_stats(0, 0, 0, 0, None))
        and stats["status"] in ("reviewed", "draft")
    ):
        return None
    return translations, stats


def checked_catalog(guide: Guide, locale: str) -> tuple[list[Problem], dict[str, str], dict]:
    """`check_catalog(guide, locale)`, kept in memory and in the user's cache when the catalog
    is clean, so that a language is checked once for the same inputs, not once a run."""
    key = _check_key(guide, locale)
    if key is None:
        return check_catalog(guide, locale)
    hit = _checked.get(key)
    if hit is None:
        data = cache_get("checks", key)
        if data is not None:
            hit = _from_cache(data, {ctx for ctx, _, _ in guide.messages()})
    if hit is None:
        problems, translations, stats = check_catalog(guide, locale)
        if problems:
            return problems, translations, stats
        hit = (translations, stats)
        if _check_key(guide, locale) != key:  # a file changed while it was checked
            return [], dict(translations), dict(stats)
        payload = {"translations": translations, "stats": stats}
        cache_put("checks", key, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    _checked[key] = hit
    return [], dict(hit[0]), dict(hit[1])


def _stats(total: int, translated: int, fuzzy: int, untranslated: int, review) -> dict:
    """The review status comes from a sign-off in reviews.toml for exactly this catalog, never
    from the catalog's own header."""
    return {
        "total": total,
        "translated": translated,
        "fuzzy": fuzzy,
        "untranslated": untranslated,
        "status": "reviewed" if review else "draft",
        "reviewer": review.reviewer if review else "",
        "reviewed_date": review.date.isoformat() if review else "",
        "catalog": "",
    }


def sign_off(guide: Guide, locale: str, reviewer: str, date: dt.date) -> tuple[Path, Review]:
    """Record that `reviewer` reviewed the catalog of `guide` in `locale` as it is now: a
    sign-off in reviews.toml with the hash of its messages. Only a complete catalog that
    passes every check can be signed off."""
    problems, _, stats = check_catalog(guide, locale)
    where = f"locale {locale}, guide {guide.id}"
    if problems:
        raise SourceError(f"{where}: fix the {len(problems)} problem(s) of 'i18n check' first")
    if stats["fuzzy"] or stats["untranslated"]:
        raise SourceError(
            f"{where}: {stats['fuzzy']} fuzzy and {stats['untranslated']} untranslated "
            "message(s); a review signs off a complete catalog"
        )
    bad = reviewer_problem(reviewer)
    if bad:
        raise SourceError(f"--reviewer: {bad}")
    if date > latest_real_date():
        raise SourceError(f"--date {date}: is in the future")
    review = Review(guide.id, locale, reviewer.strip(), date, stats["catalog"])
    return add_review(review, reviews_path(catalogs.LOCALES_DIR)), review
