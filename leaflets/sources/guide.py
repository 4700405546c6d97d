"""The guides: each edition's guidance as frozen dataclasses, loaded from ``data/guides/``.

Guide text refers to a resource only through a placeholder (``{rainn}`` prints its display
form, ``{rainn.url}`` its link; see placeholders.py), so numbers and links have exactly one
home: the registry. Every problem leaves this module as one :class:`SourceError` line that
names the file, the message and what to do.
"""

from __future__ import annotations

import dataclasses
import re
import typing
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..files import data_path, read_toml
from .placeholders import placeholder_problem
from .registry import Registry, default_registry


def _t(where: str, room: int | None = None):
    """A translatable field: `where` it is printed, and its `room` in characters if tight."""
    return field(metadata={"i18n": where, "room": room})


@dataclass(frozen=True)
class Block:
    kind: str  # p | item | subitem | quote | link
    lead: str = _t("leaflet, bold lead-in of the paragraph")
    text: str = _t("leaflet, guidance text")


@dataclass(frozen=True)
class Section:
    id: str
    heading: str = _t("leaflet, section heading", 60)
    blocks: tuple[Block, ...] = ()

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True)
class Contact:
    resource: str
    text: str = _t("one contact line: what the service is for, and its number or link", 90)

    @property
    def key(self) -> str:
        return self.resource


@dataclass(frozen=True)
class QRLabel:
    resource: str
    label: str = _t("label under a QR code; names the organisation", 24)

    @property
    def key(self) -> str:
        return self.resource


@dataclass(frozen=True)
class Card:
    headline: str = _t("card front and poster, headline", 60)
    intro: str = _t("card front and poster, one line under the headline", 75)
    steps_heading: str = _t("card front and poster, heading of the first steps", 30)
    steps: tuple[str, ...] = _t("card front and poster, one numbered first step", 80)
    turn_over: str = _t("card front, footer pointing to the back", 35)
    contacts_heading: str = _t("card back, poster and leaflet, heading of whom to call", 30)
    contacts: tuple[Contact, ...] = ()
    qr: tuple[QRLabel, ...] = ()
    steps_kind: str = ""  # what the steps are (LIST_KINDS), not where they stand: their marker


@dataclass(frozen=True)
class Poster:
    donts_heading: str = _t("poster, heading of what not to do", 35)
    donts: tuple[str, ...] = _t("poster, one thing not to do", 80)
    contacts: tuple[Contact, ...] = ()  # printed after the card's contacts
    qr: tuple[QRLabel, ...] = ()
    donts_kind: str = ""  # what the list says (LIST_KINDS), not where it stands: its marker
    # the edition's main helplines (contact resource ids), printed large under the headline
    helplines: tuple[str, ...] = ()
    # which of the card's steps the poster prints (from 1; all when empty): those its don'ts
    # do not already say
    step_numbers: tuple[int, ...] = ()
    # the poster's headline: "card" (the card's headline and intro) or "title" (the guide's
    # title and subtitle, which say what the guidance is about, then the card's intro)
    headline_from: str = "card"


# Why the discreet card's texts stay neutral, for its translators.
_NEUTRAL = (
    "keep it neutral: the card is kept in a pocket or left in a toilet, and a stranger "
    "glancing at it must not tell what it is about; use none of the words of "
    "discreet.revealing"
)


@dataclass(frozen=True)
class DiscreetLine:
    resource: str
    text: str = _t(
        "discreet card front, a service by its short name with its number; "
        f"{_NEUTRAL}, and never the service's full name if that says what it is for",
        70,
    )

    @property
    def key(self) -> str:
        return self.resource


@dataclass(frozen=True)
class Discreet:
    """The discreet card's front: the guide's own neutral words and its helplines' numbers,
    and the words that front must never print."""

    headline: str = _t(f"discreet card front, headline; {_NEUTRAL}", 45)
    intro: str = _t(f"discreet card front, one line under the headline; {_NEUTRAL}", 90)
    revealing: str = _t(
        "not printed: the words that must never appear on the discreet card's front, "
        "separated by commas. Translate each and add the forms a reader of this language "
        "would recognise (plurals, other genders, everyday and slang words); the build "
        "refuses a front that prints one, and the tests read the printed front against "
        "this list"
    )
    lines: tuple[DiscreetLine, ...] = ()


@dataclass(frozen=True)
class Leaflet:
    resources_heading: str = _t("leaflet back panel, heading of the list of services", 40)
    checked: str = _t("leaflet back panel: when the numbers were checked; keep {date}", 60)


@dataclass(frozen=True)
class UI:
    draft_note: str = _t("band on every page of a draft translation, after the word DRAFT", 45)
    fallback_note: str = _t("note on pages where untranslated messages fall back to English", 90)
    page_number: str = _t(
        "large-print leaflet, foot of every page: this page's number and how many pages there "
        "are; keep {page} and {pages}",
        30,
    )


@dataclass(frozen=True)
class Guide:
    """One edition's guidance, in English (or, after i18n, in one language)."""

    id: str
    name: str
    region: str
    seed: str
    source: str
    title: str = _t("title of the poster and the leaflet's cover", 40)
    subtitle: str = _t("under the title", 110)
    card: Card
    poster: Poster
    leaflet: Leaflet
    ui: UI
    discreet: Discreet
    sections: tuple[Section, ...]
    # whom the edition is for, where its country alone does not say it ("young people"):
    # printed after the country's name; translated like the registry's generic words
    # (i18n.extract.edition_messages), English where a catalog has no translation
    audience: str = ""
    seed_forms: dict[str, str] = field(default_factory=dict, compare=False)
    path: Path | None = field(default=None, compare=False)

    # -- messages: the translatable strings, each with a stable context -------------------

    def messages(self) -> Iterator[tuple[str, str, str]]:
        """(context, English text, where it is printed) for every translatable string."""
        return iter(self._messages)

    @cached_property
    def _messages(self) -> tuple[tuple[str, str, str], ...]:
        """The messages, found once: a guide is frozen, and walking its tree (a copy of each
        part) was a tenth of a one-card build, done several times a guide."""
        found: list[tuple[str, str, str]] = []

        def record(ctx: str, text: str, where: str) -> str:
            found.append((ctx, text, where))
            return text

        _map_strings(self, self.id, record)
        return tuple(found)

    def translated(self, tr: Callable[[str, str], str]) -> Guide:
        """A copy with every non-empty string passed through ``tr(context, text)``."""
        return _map_strings(self, self.id, lambda ctx, text, where: tr(ctx, text))


def _map_strings(obj: Any, ctx: str, fn: Callable[[str, str, str], str]) -> Any:
    """Rebuild a dataclass tree with fn(context, text, where) applied to each translatable
    string; contexts are ``guide|path.to.field`` with list items keyed by id or position."""
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f.metadata.get("i18n")
        if where:
            room_note = (
                f", at most about {f.metadata['room']} characters" if f.metadata.get("room") else ""
            )
            if isinstance(value, tuple):
                changes[f.name] = tuple(
                    fn(f"{ctx}.{f.name}.{i}", v, where + room_note) if v else v
                    for i, v in enumerate(value, 1)
                )
            elif value:
                changes[f.name] = fn(
                    f"{ctx}.{f.name}" if "|" in ctx else f"{ctx}|{f.name}", value, where + room_note
                )
        elif dataclasses.is_dataclass(value):
            changes[f.name] = _map_strings(value, _join(ctx, f.name), fn)
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            changes[f.name] = tuple(
                _map_strings(v, _join(ctx, f"{f.name}.{getattr(v, 'key', i)}"), fn)
                for i, v in enumerate(value, 1)
            )
    return dataclasses.replace(obj, **changes)


def _join(ctx: str, name: str) -> str:
    return f"{ctx}.{name}" if "|" in ctx else f"{ctx}|{name}"


BLOCK_KINDS = ("p", "item", "subitem", "quote", "link")
# What a list of short texts says: things to do, things not to do, or facts and reassurances.
# Only a list of kind "dont" is marked with a cross; the kind is the guide's, never inferred.
LIST_KINDS = ("do", "dont", "facts")


# Keys a guide must have; every other field may be left out (it is then empty).
_REQUIRED_KEYS: dict[type, tuple[str, ...]] = {
    Guide: ("id", "name", "region", "title", "card", "sections"),
    Card: ("headline", "steps_heading", "steps", "contacts_heading", "contacts", "qr"),
    Section: ("id", "blocks"),
    Block: ("kind", "text"),
    Contact: ("resource", "text"),
    QRLabel: ("resource", "label"),
    DiscreetLine: ("resource", "text"),
}
_NOT_IN_TOML = {"path", "seed_forms"}


@cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def from_toml(cls: type, data: Any, where: str) -> Any:
    """Build a guide dataclass from its TOML table, refusing unknown or ill-typed keys."""
    if not isinstance(data, dict):
        raise SourceError(f"{where}: must be a table")
    hints = _hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in _NOT_IN_TOML]
    unknown = set(data) - set(names)
    if unknown:
        raise SourceError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in _REQUIRED_KEYS.get(cls, ()):
        if key not in data:
            raise SourceError(f"{where}: missing {key!r}")
    values = {}
    for name in names:
        if name not in data:
            continue
        value, hint = data[name], hints[name]
        here = f"{where} {name}"
        if hint is str:
            if not isinstance(value, str):
                raise SourceError(f"{here}: must be a string")
            values[name] = value
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            if not isinstance(value, list):
                raise SourceError(f"{here}: must be a list")
            if item is str:
                if not all(isinstance(v, str) for v in value):
                    raise SourceError(f"{here}: must be a list of strings")
                values[name] = tuple(value)
            elif item is int:
                if not all(type(v) is int for v in value):
                    raise SourceError(f"{here}: must be a list of whole numbers")
                values[name] = tuple(value)
            else:
                values[name] = tuple(
                    from_toml(item, v, f"{here}[{i}]") for i, v in enumerate(value, 1)
                )
        elif dataclasses.is_dataclass(hint):
            values[name] = from_toml(hint, value, here)
        else:  # pragma: no cover - a field type this loader does not know
            raise TypeError(f"{cls.__name__}.{name}: {hint}")
    missing = [
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in values
        and f.name not in _NOT_IN_TOML
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    for name in missing:  # optional sub-tables and texts left out: empty
        hint = hints[name]
        values[name] = (
            hint()
            if dataclasses.is_dataclass(hint)
            else ()
            if typing.get_origin(hint) is tuple
            else ""
        )
    return cls(**values)


def load_guide(path: Path | str, registry: Registry | None = None) -> Guide:
    """Read and validate one guide; every placeholder must name a registry entry."""
    path = Path(path)
    registry = registry or default_registry()
    _, data = read_toml(path, "guide file", SourceError)
    top = {k: v for k, v in data.items() if k not in ("guide", "seed_forms")}
    if not isinstance(data.get("guide"), dict):
        raise SourceError(f"{path.name}: missing the [guide] table")
    guide = from_toml(Guide, {**data["guide"], **top}, path.name)
    guide = dataclasses.replace(guide, seed_forms=dict(data.get("seed_forms", {})), path=path)
    if guide.id not in registry.editions:
        raise SourceError(f"{path.name}: edition {guide.id!r} is not in the registry's [editions]")
    check_guide(guide, registry)
    return guide


def check_guide(guide: Guide, registry: Registry) -> None:
    """Every placeholder names an entry of this edition; card references exist."""
    name = guide.path.name if guide.path else guide.id
    for ctx, text, _ in guide.messages():
        problem = placeholder_problem(text, registry, guide.id)
        if problem:
            raise SourceError(f"{name}: message {ctx} {problem}")
    for part, block in (("card", guide.card), ("poster", guide.poster)):
        for ct in block.contacts + (guide.discreet.lines if part == "card" else ()):
            if f"{{{ct.resource}}}" not in ct.text:
                raise SourceError(
                    f"{name}: {part} contact {ct.resource} must print its number "
                    f"or link: add {{{ct.resource}}} to its text"
                )
        for q in block.qr:
            if (
                q.resource not in registry.resources
                or guide.id not in registry[q.resource].editions
            ):
                raise SourceError(
                    f"{name}: {part} QR {q.resource!r} is not a registry entry "
                    f"of edition {guide.id}"
                )
    for key, items, kind in (
        ("card steps_kind", guide.card.steps, guide.card.steps_kind),
        ("poster donts_kind", guide.poster.donts, guide.poster.donts_kind),
    ):
        if items and kind not in LIST_KINDS:
            raise SourceError(
                f"{name}: {key} {kind!r} is not one of {', '.join(LIST_KINDS)}: say what "
                f'the list is (a cross marks only a list of "dont")'
            )
    contacts = [c.resource for c in guide.card.contacts + guide.poster.contacts]
    for rid in guide.poster.helplines:
        if rid not in contacts:
            raise SourceError(
                f"{name}: poster helpline {rid!r} is not one of the contacts "
                f"({', '.join(contacts)}): a helpline is printed with its contact's text"
            )
    for n in guide.poster.step_numbers:
        if not 1 <= n <= len(guide.card.steps):
            raise SourceError(
                f"{name}: poster step_numbers: there is no step {n} "
                f"(the card has {len(guide.card.steps)})"
            )
    if guide.poster.headline_from not in ("card", "title"):
        raise SourceError(
            f"{name}: poster headline_from {guide.poster.headline_from!r} is not card or title"
        )
    if guide.discreet.lines and not guide.discreet.revealing:
        raise SourceError(
            f"{name}: discreet has lines but no revealing words: list the words its front "
            "must never print"
        )
    for word in revealing_words(guide.discreet.revealing):
        for ctx, text, _ in guide.messages():
            field_path = ctx.split("|")[-1]
            if field_path.startswith("discreet.") and field_path != "discreet.revealing":
                if reveals(text, [word]):
                    raise SourceError(
                        f"{name}: message {ctx} holds {word!r}, which discreet.revealing "
                        "lists: the discreet card's front must not say what it is about"
                    )
    for s in guide.sections:
        for b in s.blocks:
            if b.kind not in BLOCK_KINDS:
                raise SourceError(
                    f"{name}: section {s.id}: block kind {b.kind!r} is not one "
                    f"of {', '.join(BLOCK_KINDS)}"
                )


def revealing_words(text: str) -> list[str]:
    """The words of a `revealing` list (comma-separated, in any script's commas)."""
    return [w.strip() for w in re.split(r"[,،、，;؛]", text) if w.strip()]


def _spaced(word: str) -> bool:
    """Latin, Greek and Cyrillic words are found at the start of a word ("threat" in
    "threatens", not "sex" in "Essex"); words of other scripts anywhere in the text (CJK has
    no spaces, Arabic joins its articles and prefixes to the word)."""
    return all(ord(c) < 0x0530 for c in word if c.isalpha())


def reveals(text: str, words) -> list[str]:
    """The words of `words` that `text` holds, compared case-folded in NFKC (Arabic
    presentation forms, full-width letters and ligatures as their plain letters)."""
    plain = unicodedata.normalize("NFKC", " ".join(text.split())).casefold()
    found = []
    for word in words:
        w = unicodedata.normalize("NFKC", " ".join(word.split())).casefold()
        if not w:
            continue
        if _spaced(w):
            hit = re.search(rf"(?<!\w){re.escape(w)}", plain)
        else:
            hit = w in plain or w.replace(" ", "") in plain.replace(" ", "")
        if hit:
            found.append(word)
    return found


def guide_ids() -> list[str]:
    return sorted(p.stem for p in data_path("guides").glob("*.toml"))


def load_guides(ids: list[str] | None = None, registry: Registry | None = None) -> list[Guide]:
    available = guide_ids()
    ids = ids or available
    for gid in ids:
        if gid not in available:
            raise SourceError(f"unknown guide {gid!r}: choose from {', '.join(available)} or all")
    return [load_guide(data_path("guides", f"{gid}.toml"), registry) for gid in ids]
