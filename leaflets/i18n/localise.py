"""The guide in one locale: English as written, the pseudo-locale, or a checked catalog."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from ..errors import CatalogError, SourceError
from ..files import cache_get, cache_put
from ..sources.guide import Guide
from ..sources.placeholders import PLACEHOLDER
from .catalogs import available_locales, po_path, read_catalog
from .checks import Problem, _reading, catalog_key, checked_catalog, message_problems
from .extract import EDITION_KEYS
from .locales import PSEUDO_LOCALE, SOURCE_LOCALE, direction, edition_name, language_name


@dataclass(frozen=True)
class LocalisedGuide:
    """A guide whose strings are in one language, with what the renderer must know of it."""

    guide: Guide
    locale: str  # BCP 47 tag, e.g. "en", "pt-BR"
    language_name: str  # the language's own name, e.g. "English", "Español"
    status: str  # "reviewed" (English, or a sign-off in reviews.toml) or "draft"
    fallback_messages: int = 0  # messages printed in English because the catalog lacks them
    catalog: str = ""  # the SHA-256 of the catalog's messages ("" for English)
    # the catalog's edition words (i18n.extract.edition_messages): key ("edition.audience",
    # "registry.<id>") -> (the English it translates, the translation)
    words: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)

    @property
    def direction(self) -> str:
        return direction(self.locale)

    def word(self, key: str, english: str) -> str:
        """An edition word in the language, or English where the catalog has no translation
        of this English text."""
        own = self.words.get(key)
        return own[1] if own and own[0] == english else english

    @property
    def edition_name(self) -> str:
        """The edition as its pages name it: in English its own name ("United Kingdom, young
        people"); in another language its country in that language (CLDR) and whom it is for
        ("Reino Unido · jóvenes")."""
        g = self.guide
        name = edition_name(g.name, g.region, self.locale)
        if name == g.name or not g.audience:
            return name
        return f"{name} · {self.word('edition.audience', g.audience)}"

    def resource_name(self, resource) -> str:
        """A registry entry's name as printed: organisations' names as they are, generic
        words ("Emergency services") in the language where the catalog has them."""
        if not resource.generic:
            return resource.name
        return self.word(f"registry.{resource.id}", resource.name)

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"

    @property
    def needs_band(self) -> bool:
        """Drafts, and pages with English standing in for missing messages, say so."""
        return self.is_draft or self.fallback_messages > 0


# ----------------------------------------------------------------------------- pseudo-locale

_ACCENTS = str.maketrans("aeiouyAEIOUYcnsz", "àéîöûýÀÉÎÖÛÝçñšž")


def _padding(n: int) -> str:
    """About `n` characters of padding that lines can break in: short words of tildes, each
    after a space (" ~~~ ~~~ ~"). Tildes, not letters: verify reads letters that touch a
    link broken over lines as part of it."""
    words = []
    while n >= 2:
        k = min(n, 4)  # a space and up to three tildes
        words.append(" " + "~" * (k - 1))
        n -= k
    return "".join(words)


def _is_name(word: str) -> bool:
    """Capitalised, after any punctuation before it: "RAINN", "(CCRI)", "“Report"."""
    return next((c for c in word if c.isalpha()), "").isupper()


GROWTH_PERCENT = 40  # how much longer than English en-XA's text is, at least


def pseudo(text: str) -> str:
    """Accented and at least 40 % longer (more than any catalog so far), placeholders
    untouched: proves layouts survive long languages. The extra length is words of its own,
    so lines still break as a longer language's would."""
    parts = re.split(r"(\{[^}]*\})", text)
    out = []
    for part in parts:
        if PLACEHOLDER.fullmatch(part):
            out.append(part)
            continue
        # capitalised words may be names of organisations, which are never translated: they
        # keep their letters; the text grows by padding after the last word of each run
        words = part.split(" ")
        accented = " ".join(w if _is_name(w) else w.translate(_ACCENTS) for w in words)
        body = accented.rstrip()
        out.append(body + _padding(len(part) * GROWTH_PERCENT // 100 if body else 0))
        out.append(accented[len(body) :])
    text_out = "".join(out)
    # what rounding down left short comes at the end (two characters or more: padding is
    # a space and a word; the brackets are not counted)
    short = -(-len(text) * GROWTH_PERCENT // 100) - (len(text_out) - len(text))
    if short >= 2:
        text_out += _padding(short)
    elif short == 1 and text_out.endswith("~"):
        text_out += "~"
    return "[" + text_out + "]"


# ----------------------------------------------------------------------------- localise


def localise(guide: Guide, locale: str, allow_incomplete: bool = False) -> LocalisedGuide:
    """The guide in `locale`. English is the source; en-XA the pseudo-locale; anything else
    comes from a checked catalog. Fuzzy and untranslated messages are never printed: without
    `allow_incomplete` they stop the locale, with it they fall back to English."""
    if locale == SOURCE_LOCALE:
        return LocalisedGuide(guide, SOURCE_LOCALE, language_name(SOURCE_LOCALE), "reviewed")
    if locale == PSEUDO_LOCALE:
        return LocalisedGuide(
            guide.translated(lambda ctx, text: pseudo(text)),
            locale,
            language_name(locale),
            "draft",
        )
    if locale not in available_locales(guide.id):
        raise SourceError(
            f"locale {locale}: no catalog for guide {guide.id} "
            f"(expected {po_path(locale, guide.id)})"
        )
    problems, translations, stats = checked_catalog(guide, locale)
    if problems:
        raise CatalogError([str(p) for p in problems])
    missing = stats["total"] - stats["translated"]
    if missing and not allow_incomplete:
        raise SourceError(
            f"locale {locale}, guide {guide.id}: {missing} message(s) untranslated or fuzzy; "
            "finish the catalog or build with --allow-incomplete (English fills the gaps)"
        )
    localised = guide.translated(lambda ctx, text: translations.get(ctx, text))
    return LocalisedGuide(
        localised,
        locale,
        language_name(locale),
        stats["status"],
        missing,
        stats["catalog"],
        edition_words(guide.id, locale),
    )


def edition_words(guide_id: str, locale: str) -> dict[str, tuple[str, str]]:
    """The translated edition words of a catalog (i18n.extract.edition_messages), checked like
    every message: one line per bad translation stops the locale.

    A clean catalog's words are kept in the user's cache (``words/``) by a hash of the
    catalog's text, the checks' code (with the libraries they read with) and this module, like
    the catalog's own check: a language whose catalog was read before is not parsed again."""
    path = po_path(locale, guide_id)
    return _edition_words(path, path.stat().st_mtime_ns, guide_id, locale)


@cache
def _edition_words(path, stamp: int, guide_id: str, locale: str) -> dict[str, tuple[str, str]]:
    def key_now() -> str | None:
        return catalog_key(path, "edition words 1", guide_id, locale, modules=(__name__,))

    key = key_now()
    kept = _cached_words(cache_get("words", key)) if key else None
    if kept is not None:
        return kept
    catalog, _ = read_catalog(path)
    words: dict[str, tuple[str, str]] = {}
    problems = []
    for msg in catalog:
        ctx = msg.context or ""
        gid, _, k = ctx.partition("|")
        if gid != guide_id or not k.startswith(EDITION_KEYS) or msg.fuzzy or not msg.string:
            continue
        bad = message_problems(msg.id, msg.string, _reading().marks_for(locale))
        problems += [str(Problem(locale, guide_id, ctx, b)) for b in bad]
        words[k] = (msg.id, msg.string)
    if problems:
        raise CatalogError(problems)
    if key and key == key_now():  # not kept if the catalog changed while it was read
        cache_put("words", key, json.dumps(words, ensure_ascii=False).encode("utf-8"))
    return words


def _cached_words(data: bytes | None) -> dict[str, tuple[str, str]] | None:
    """A cache entry as edition words, or None when it is not exactly their shape."""
    try:
        raw = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(raw, dict) or not all(
        isinstance(k, str)
        and isinstance(v, list)
        and len(v) == 2
        and all(isinstance(x, str) for x in v)
        for k, v in raw.items()
    ):
        return None
    return {k: (v[0], v[1]) for k, v in raw.items()}
