"""From a guide in English to a guide in one locale: catalogs, checks, review status.

One gettext domain per guide (edition): ``locales/<guide>.pot`` is the template and
``locales/<locale>/LC_MESSAGES/<guide>.po`` a translation, so a locale may cover one edition and
not the other. Locales are BCP 47 tags (``pt-BR``) in folder names and ``/Lang``; Babel gets
them as ``pt_BR``.

A catalog records its review status in its header (``X-Leaflets-Review: draft|reviewed``,
``X-Leaflets-Reviewed-By``, ``X-Leaflets-Reviewed-Date``). Babel drops headers it does not know
when it writes a catalog, so this module reads and writes them itself.

Every catalog is checked before anything is printed from it (:func:`check_catalog`): a
translator can move a placeholder but never write a number, a link or markup.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import links, phones
from .content import PACKAGE_DIR, PLACEHOLDER, Guide
from .errors import CatalogError, SourceError

SOURCE_LOCALE = "en"
PSEUDO_LOCALE = "en-XA"
RTL_LANGUAGES = {"ar", "fa", "ur", "he", "ps", "sd", "ug", "yi"}
LOCALES_DIR = PACKAGE_DIR.parent / "locales"
REVIEW_HEADER = "X-Leaflets-Review"
REVIEWER_HEADER = "X-Leaflets-Reviewed-By"
REVIEW_DATE_HEADER = "X-Leaflets-Reviewed-Date"
_HEADER_LINE = re.compile(r'^"(X-Leaflets-[\w-]+): ?(.*?)\\n"$', re.M)
_MARKUP = re.compile(r"<|>|&(#\d+|#x[0-9a-fA-F]+|\w+);")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@dataclass(frozen=True)
class LocalisedGuide:
    """A guide whose strings are in one language, with what the renderer must know of it."""

    guide: Guide
    locale: str  # BCP 47 tag, e.g. "en", "pt-BR"
    language_name: str  # the language's own name, e.g. "English", "Español"
    status: str  # "reviewed" or "draft"
    reviewer: str = ""
    fallback_messages: int = 0  # messages printed in English because the catalog lacks them
    english: Guide | None = field(default=None, compare=False)  # the source, for notes

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.split("-")[0] in RTL_LANGUAGES else "ltr"

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"

    @property
    def needs_band(self) -> bool:
        """Drafts, and pages with English standing in for missing messages, say so."""
        return self.is_draft or self.fallback_messages > 0


def babel_id(locale: str) -> str:
    return locale.replace("-", "_")


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


@cache
def language_name(locale: str) -> str:
    """The language's own name from CLDR ("Español", "Cymraeg", "Português (Brasil)")."""
    from babel import Locale, UnknownLocaleError

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
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date as babel_format_date

    base = babel_id(locale.replace("-XA", ""))
    for candidate in ([f"{base}_{region}"] if region and "_" not in base else []) + [base]:
        try:
            loc = Locale.parse(candidate)
        except (ValueError, LookupError, UnknownLocaleError):
            continue
        return babel_format_date(date, format="long", locale=loc)
    return date.isoformat()


# ----------------------------------------------------------------------------- catalog files


def pot_path(guide_id: str) -> Path:
    return LOCALES_DIR / f"{guide_id}.pot"


def po_path(locale: str, guide_id: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{guide_id}.po"


def buildable(locale: str, guide_id: str) -> bool:
    return locale == PSEUDO_LOCALE or locale in available_locales(guide_id)


def available_locales(guide_id: str) -> list[str]:
    """English, and every locale with a catalog for this guide, sorted."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{guide_id}.po"))
    return [SOURCE_LOCALE] + [x for x in found if x != SOURCE_LOCALE]


def review_headers(po_text: str) -> dict[str, str]:
    header = po_text.split("\n\n", 1)[0] if 'msgid ""' in po_text[:2000] else ""
    return {k: v.strip() for k, v in _HEADER_LINE.findall(header)}


def _with_review_headers(po_text: str, headers: dict[str, str]) -> str:
    """Put our X- headers back into the header entry Babel wrote."""
    head, sep, rest = po_text.partition("\n\n")
    head = _HEADER_LINE.sub("", head)
    head = re.sub(r"\n(?=\n)", "", head)
    extra = "".join(f'\n"{k}: {v}\\n"' for k, v in headers.items())
    return head.rstrip("\n") + extra + sep + rest


def read_catalog(path: Path):
    from babel.messages.pofile import read_po

    try:
        text = path.read_text("utf-8")
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except FileNotFoundError:
        raise SourceError(f"{path}: catalog not found") from None
    except Exception as e:  # noqa: BLE001 -- Babel raises several types for a broken file
        raise SourceError(f"{path}: not a valid PO file ({e}); fix it in Poedit") from None
    return catalog, review_headers(text)


def write_catalog(path: Path, catalog, headers: dict[str, str] | None = None) -> None:
    from babel.messages.pofile import write_po

    from .build import write_atomic

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_previous=True)
    text = buf.getvalue().decode("utf-8")
    if headers:
        text = _with_review_headers(text, headers)
    write_atomic(path, text.encode("utf-8"))


def template(guide: Guide):
    """The POT of one guide as a Babel catalog."""
    from babel.messages.catalog import Catalog

    from . import __version__
    from .extract import comments_for, guide_messages

    cat = Catalog(
        project=f"leaflets {guide.id}",
        version=__version__,
        domain=guide.id,
        msgid_bugs_address="",
        copyright_holder="the leaflets contributors",
        fuzzy=False,
    )
    src = guide.path.read_text("utf-8") if guide.path else ""
    rel = f"leaflets/guides/{guide.id}.toml"
    for lineno, ctx, text, where in guide_messages(guide, src):
        flags = ["python-brace-format"] if PLACEHOLDER.search(text) else []
        cat.add(
            text,
            "",
            locations=[(rel, lineno)],
            auto_comments=comments_for(text, where),
            flags=flags,
            context=ctx,
        )
    return cat


def _messages_of(cat) -> list[tuple]:
    return [(m.context, m.id, tuple(m.auto_comments)) for m in cat if m.id]


def extract(guide: Guide) -> tuple[Path, bool]:
    """Write locales/<guide>.pot when its messages changed; (path, changed)."""
    from babel.messages.pofile import read_po

    path = pot_path(guide.id)
    new = template(guide)
    if path.exists():
        old = read_po(io.StringIO(path.read_text("utf-8")))
        if _messages_of(old) == _messages_of(new):
            return path, False
    write_catalog(path, new)
    return path, True


def init(guide: Guide, locale: str) -> Path:
    """A new catalog for `locale`, as a draft nobody has reviewed."""
    from babel import Locale, UnknownLocaleError

    path = po_path(locale, guide.id)
    if path.exists():
        raise SourceError(f"{path}: already exists; use 'i18n update' to bring it up to date")
    try:
        Locale.parse(babel_id(locale))
    except (ValueError, LookupError, UnknownLocaleError):
        raise SourceError(f"locale {locale}: not a known BCP 47 language tag") from None
    cat = template(guide)
    cat.locale = babel_id(locale)
    cat.fuzzy = False
    write_catalog(path, cat, {REVIEW_HEADER: "draft", REVIEWER_HEADER: "", REVIEW_DATE_HEADER: ""})
    return path


def update(guide: Guide) -> list[Path]:
    """Bring every catalog of the guide up to its template; changed English goes fuzzy."""
    tmpl = template(guide)
    done = []
    for locale in available_locales(guide.id)[1:]:
        path = po_path(locale, guide.id)
        cat, headers = read_catalog(path)
        cat.update(tmpl, update_header_comment=False)
        write_catalog(path, cat, headers)
        done.append(path)
    return done


# ----------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Problem:
    locale: str
    guide: str
    context: str
    message: str

    def __str__(self) -> str:
        return f"locale {self.locale}, guide {self.guide}, message {self.context}: {self.message}"


def _placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def message_problems(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with one translation; empty when it may be printed."""
    out = []
    want, got = _placeholders(msgid), _placeholders(msgstr)
    for p in dict.fromkeys(want):
        if got.count(p) != want.count(p):
            out.append(f"placeholder {p} must appear {want.count(p)} time(s), found {got.count(p)}")
    for p in dict.fromkeys(got):
        if p not in want:
            out.append(f"placeholder {p} is not in the English text; remove it")
    bare = PLACEHOLDER.sub(" ", msgstr)
    stray = re.search(r"[{}]", bare)
    if stray:
        out.append("has a '{' or '}' outside a placeholder; placeholders look like {name}")
    english_digits = set(re.findall(r"\d+", phones.normalise(PLACEHOLDER.sub(" ", msgid))))
    for num in phones.find_numbers(bare, min_digits=3):
        if not set(re.findall(r"\d+", num.main)) <= english_digits:
            out.append(
                f"contains the number {num.main!r}; numbers come from the registry "
                "through placeholders, never typed"
            )
    for link in links.find_links(bare):
        out.append(
            f"contains the link or host {link.text!r}; links come from the registry "
            "through placeholders"
        )
    if _EMAIL.search(bare):
        out.append("contains an e-mail address; contacts come from the registry")
    if _MARKUP.search(bare):
        out.append("contains markup ('<', '>' or an '&...;' entity); write plain text")
    return out


def check_catalog(guide: Guide, locale: str) -> tuple[list[Problem], dict[str, str], dict]:
    """Problems of one catalog, the printable translations by context, and its stats."""
    path = po_path(locale, guide.id)
    cat, headers = read_catalog(path)
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
    if status not in ("draft", "reviewed"):
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
        bad = message_problems(msg.id, msg.string)
        problems += [Problem(locale, guide.id, ctx, b) for b in bad]
        if not bad:
            translations[ctx] = msg.string
    missing = sum(1 for ctx in english if ctx not in translations) - fuzzy - untranslated
    stats = {
        "total": len(english),
        "translated": len(translations),
        "fuzzy": fuzzy,
        "untranslated": untranslated + max(missing, 0),
        "status": status or "?",
        "reviewer": headers.get(REVIEWER_HEADER, ""),
        "reviewed_date": headers.get(REVIEW_DATE_HEADER, ""),
    }
    return problems, translations, stats


# ----------------------------------------------------------------------------- pseudo-locale

_ACCENTS = str.maketrans("aeiouyAEIOUYcnsz", "àéîöûýÀÉÎÖÛÝçñšž")


def pseudo(text: str) -> str:
    """Accented and about 40 % longer, placeholders untouched: proves layouts survive long
    languages."""
    parts = re.split(r"(\{[^}]*\})", text)
    out = []
    for part in parts:
        if PLACEHOLDER.fullmatch(part):
            out.append(part)
            continue
        # capitalised words may be names of organisations, which are never translated: they
        # keep their letters; the text grows by padding at the end of each run
        words = part.split(" ")
        accented = " ".join(w if w[:1].isupper() else w.translate(_ACCENTS) for w in words)
        out.append(accented + ("~" * (len(part) * 2 // 5) if part.strip() else ""))
    return "[" + "".join(out) + "]"


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
            english=guide,
        )
    if locale not in available_locales(guide.id):
        raise SourceError(
            f"locale {locale}: no catalog for guide {guide.id} "
            f"(expected {po_path(locale, guide.id)})"
        )
    problems, translations, stats = check_catalog(guide, locale)
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
        stats["reviewer"],
        missing,
        english=guide,
    )


def iter_catalogs(guides: list[Guide]) -> Iterator[tuple[Guide, str]]:
    for g in guides:
        for loc in available_locales(g.id)[1:]:
            yield g, loc
