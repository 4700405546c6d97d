"""Load and validate the sources: the resource registry and the guides.

Everything leaves this module as frozen dataclasses; every problem leaves it as one
:class:`SourceError` line that names the file, the entry and what to do. Guide text refers to a
resource only through a placeholder (``{rainn}`` prints its display form, ``{rainn.url}`` its
link), so numbers and links have exactly one home: resources.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import tomllib
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from . import links, phones
from .errors import SourceError

PACKAGE_DIR = Path(__file__).resolve().parent
REGISTRY_PATH = PACKAGE_DIR / "resources.toml"
GUIDES_DIR = PACKAGE_DIR / "guides"

# {id} or {id.url}; ids are kebab-case.
LOCAL_PREFIX = "local-"  # ids of an organisation's contacts in its copy of the registry
PLACEHOLDER = re.compile(r"\{([a-z0-9]+(?:-[a-z0-9]+)*)(\.url)?\}")
_BRACE = re.compile(r"[{}]")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# ----------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Resource:
    """One helpline or link, exactly as it may be printed."""

    id: str
    editions: tuple[str, ...]
    name: str
    short_name: str
    display: str
    qr: str
    source: str
    status: str
    verified: dt.date
    tel: str | None = None
    region: str | None = None
    url: str | None = None
    hours: str | None = None
    cost: str | None = None
    note: str | None = None

    @property
    def is_phone(self) -> bool:
        return self.tel is not None

    @property
    def is_local(self) -> bool:
        """An organisation's own contact, added from its config (not from resources.toml)."""
        return self.id.startswith(LOCAL_PREFIX)

    def printed(self, variant: str = "") -> str:
        """The text a placeholder prints: the display form, or the link for ``.url``."""
        if variant == "url":
            assert self.url is not None
            return self.url
        return self.display


@dataclass(frozen=True)
class Edition:
    id: str
    name: str
    region: str
    requires: dict[str, tuple[str, ...]]  # format name -> resource ids verify requires


@dataclass(frozen=True)
class Registry:
    resources: dict[str, Resource]
    editions: dict[str, Edition]
    digest: str  # sha256 of the registry file, for manifests

    def __getitem__(self, rid: str) -> Resource:
        return self.resources[rid]

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources.values())

    def replace(self, rid: str, **changes: Any) -> Registry:
        """A copy with one entry changed, unvalidated (tests build tampered cards with it)."""
        res = dict(self.resources)
        res[rid] = dataclasses.replace(res[rid], **changes)
        return dataclasses.replace(self, resources=res)

    # The look-up tables below are made once per registry (verify asks for them for every
    # number and link it reads); a changed copy (replace) makes its own.

    @cached_property
    def phone_numbers(self) -> dict[str, Resource]:
        """E.164 number or short code -> resource."""
        return {r.tel: r for r in self if r.tel}

    @cached_property
    def qr_payloads(self) -> dict[str, Resource]:
        return {r.qr: r for r in self}

    @cached_property
    def link_paths(self) -> frozenset[tuple[str, str]]:
        """(host, path) of every link and printed link, for checking printed paths."""
        out = set()
        for r in self:
            if r.url:
                out.add(links.split_url(r.url))
            if not r.is_phone:
                out.add(links.split_url(r.display))
        return frozenset(out)

    @cached_property
    def hosts(self) -> frozenset[str]:
        return frozenset(host for host, _ in self.link_paths)


_RESOURCE_FIELDS = {f.name for f in dataclasses.fields(Resource)}
_REQUIRED = (
    "id",
    "editions",
    "name",
    "short_name",
    "display",
    "qr",
    "source",
    "status",
    "verified",
)


def _resource_problem(r: Resource) -> str | None:
    """Why a registry entry cannot be printed, or None."""
    if not _ID.fullmatch(r.id):
        return "the id must be kebab-case (a-z, 0-9, '-')"
    if r.status not in ("confirmed", "third-party"):
        return f"status {r.status!r} must be 'confirmed' or 'third-party'"
    if r.tel is not None:
        if not r.region:
            return "a phone entry needs a region (ISO country code)"
        if r.tel.startswith("+"):
            if phones.to_e164(r.tel[1:], r.region, plus=True) != r.tel:
                return f"tel {r.tel} is not a valid E.164 number"
            import phonenumbers

            actual = phonenumbers.region_code_for_number(phonenumbers.parse(r.tel))
            if actual != r.region:
                return f"tel {r.tel} belongs to {actual}, not region {r.region}"
        elif not phones.is_short_code(r.tel, r.region):
            return f"tel {r.tel} is neither E.164 (+...) nor a short code valid in {r.region}"
        problem = phones.display_problem(r.display, r.tel, r.region)
        if problem:
            return problem
    for label, link in (("url", r.url), ("qr", r.qr if not r.qr.startswith("tel:") else None)):
        if link is None:
            continue
        if not link.startswith("https://"):
            return f"{label} {link!r} must start with https://"
        host = links.split_url(link)[0]
        bad = links.invisible_chars(link) + links.foreign_letters(host)
        if bad or any(c.isspace() for c in link):
            return f"{label} {link!r} contains {', '.join(bad) or 'white space'}"
    if r.qr.startswith("tel:"):
        if r.qr != f"tel:{r.tel}":
            return f"qr {r.qr!r} must be 'tel:' followed by the entry's tel ({r.tel})"
    elif r.qr != r.url:
        return f"qr {r.qr!r} must be the entry's url ({r.url})"
    if r.tel is None:
        if r.url is None:
            return "an entry needs a tel or a url"
        d_host, d_path = links.split_url(r.display)
        u_host, u_path = links.split_url(r.url)
        if links.foreign_letters(r.display) or links.invisible_chars(r.display):
            return f"display {r.display!r} has non-ASCII or invisible characters"
        if d_host != u_host or (d_path and d_path != u_path):
            return f"display {r.display!r} is neither the host nor the host and path of {r.url}"
    return None


def load_registry(path: Path | str = REGISTRY_PATH) -> Registry:
    """Read and validate resources.toml; the first bad entry stops with one line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: registry file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    resources: dict[str, Resource] = {}
    for i, entry in enumerate(data.get("resource", []), 1):
        rid = entry.get("id", f"#{i}")
        where = f"{path.name}: resource {rid}"
        unknown = set(entry) - _RESOURCE_FIELDS
        if unknown:
            raise SourceError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        missing = [k for k in _REQUIRED if k not in entry]
        if missing:
            raise SourceError(f"{where}: missing field(s) {', '.join(missing)}")
        if not isinstance(entry["verified"], dt.date):
            raise SourceError(f"{where}: verified must be a date (YYYY-MM-DD), not quoted")
        if rid in resources:
            raise SourceError(f"{where}: the id is used twice")
        res = Resource(**{**entry, "editions": tuple(entry["editions"])})
        problem = _resource_problem(res)
        if problem:
            raise SourceError(f"{where}: {problem}")
        resources[rid] = res
    editions: dict[str, Edition] = {}
    for eid, e in data.get("editions", {}).items():
        requires = {fmt: tuple(ids) for fmt, ids in e.get("requires", {}).items()}
        for fmt, ids in requires.items():
            for rid in ids:
                if rid not in resources:
                    raise SourceError(
                        f"{path.name}: edition {eid} requires {rid!r} on {fmt}, "
                        "which is not a resource"
                    )
        editions[eid] = Edition(eid, e["name"], e["region"], requires)
    for r in resources.values():
        for eid in r.editions:
            if eid not in editions:
                raise SourceError(f"{path.name}: resource {r.id}: unknown edition {eid!r}")
    return Registry(resources, editions, hashlib.sha256(raw).hexdigest())


@cache
def default_registry() -> Registry:
    return load_registry(REGISTRY_PATH)


# ----------------------------------------------------------------------------- guides


@dataclass(frozen=True)
class Ref:
    """A placeholder in a text: a resource, printed as its display form or its link."""

    resource: Resource
    variant: str = ""  # "" or "url"

    @property
    def text(self) -> str:
        return self.resource.printed(self.variant)


Segment = str | Ref

# Placeholders that are not resources: values the renderer supplies (a date, formatted for
# the language). A translator must keep them like the others.
FIELDS = ("date",)


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


@dataclass(frozen=True)
class Poster:
    donts_heading: str = _t("poster, heading of what not to do", 35)
    donts: tuple[str, ...] = _t("poster, one thing not to do", 80)
    contacts: tuple[Contact, ...] = ()  # printed after the card's contacts
    qr: tuple[QRLabel, ...] = ()


@dataclass(frozen=True)
class Leaflet:
    resources_heading: str = _t("leaflet back panel, heading of the list of services", 40)
    checked: str = _t("leaflet back panel: when the numbers were checked; keep {date}", 60)


@dataclass(frozen=True)
class UI:
    draft_note: str = _t("band on every page of a draft translation, after the word DRAFT", 45)
    fallback_note: str = _t("note on pages where untranslated messages fall back to English", 90)


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
    sections: tuple[Section, ...]
    seed_forms: dict[str, str] = field(default_factory=dict, compare=False)
    path: Path | None = field(default=None, compare=False)

    # -- messages: the translatable strings, each with a stable context -------------------

    def messages(self) -> Iterator[tuple[str, str, str]]:
        """(context, English text, where it is printed) for every translatable string."""
        found: list[tuple[str, str, str]] = []

        def record(ctx: str, text: str, where: str) -> str:
            found.append((ctx, text, where))
            return text

        _map_strings(self, self.id, record)
        return iter(found)

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


def placeholders(text: str) -> list[str]:
    """The placeholders of a text, as written ("{rainn}", "{rainn.url}"), in order."""
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def segments(text: str, registry: Registry, fields: dict[str, str] | None = None) -> list[Segment]:
    """Split a text into plain strings and resource references, in order; field placeholders
    ({date}) are replaced by their values from `fields`."""
    out: list[Segment] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        if m.group(1) in FIELDS:
            out.append((fields or {}).get(m.group(1), m.group(0)))
        else:
            out.append(Ref(registry[m.group(1)], "url" if m.group(2) else ""))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def fill(text: str, registry: Registry, fields: dict[str, str] | None = None) -> str:
    """A text with its placeholders replaced by what they print."""
    return "".join(s if isinstance(s, str) else s.text for s in segments(text, registry, fields))


def placeholder_problem(text: str, registry: Registry, edition: str) -> str | None:
    """Why the placeholders of `text` cannot be filled for `edition`, or None."""
    stripped = PLACEHOLDER.sub("", text)
    if _BRACE.search(stripped):
        return "has a '{' or '}' that is not a placeholder like {rainn} or {rainn.url}"
    for m in PLACEHOLDER.finditer(text):
        rid, variant = m.group(1), m.group(2)
        if rid in FIELDS and not variant:
            continue
        if rid not in registry.resources:
            return f"names {m.group(0)}, which is not in the registry"
        res = registry[rid]
        if edition not in res.editions:
            return f"names {m.group(0)}, which the registry does not list for edition {edition}"
        if variant and not res.url:
            return f"names {m.group(0)}, but {rid} has no link"
    return None


# Keys a guide must have; every other field may be left out (it is then empty).
_REQUIRED_KEYS: dict[type, tuple[str, ...]] = {
    Guide: ("id", "name", "region", "title", "card", "sections"),
    Card: ("headline", "steps_heading", "steps", "contacts_heading", "contacts", "qr"),
    Section: ("id", "blocks"),
    Block: ("kind", "text"),
    Contact: ("resource", "text"),
    QRLabel: ("resource", "label"),
}
_NOT_IN_TOML = {"path", "seed_forms"}


@cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def _from_toml(cls: type, data: Any, where: str) -> Any:
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
            else:
                values[name] = tuple(
                    _from_toml(item, v, f"{here}[{i}]") for i, v in enumerate(value, 1)
                )
        elif dataclasses.is_dataclass(hint):
            values[name] = _from_toml(hint, value, here)
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
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: guide file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    top = {k: v for k, v in data.items() if k not in ("guide", "seed_forms")}
    if not isinstance(data.get("guide"), dict):
        raise SourceError(f"{path.name}: missing the [guide] table")
    guide = _from_toml(Guide, {**data["guide"], **top}, path.name)
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
        for ct in block.contacts:
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
    for s in guide.sections:
        for b in s.blocks:
            if b.kind not in BLOCK_KINDS:
                raise SourceError(
                    f"{name}: section {s.id}: block kind {b.kind!r} is not one "
                    f"of {', '.join(BLOCK_KINDS)}"
                )


def guide_ids() -> list[str]:
    return sorted(p.stem for p in GUIDES_DIR.glob("*.toml"))


def load_guides(ids: list[str] | None = None, registry: Registry | None = None) -> list[Guide]:
    available = guide_ids()
    ids = ids or available
    for gid in ids:
        if gid not in available:
            raise SourceError(f"unknown guide {gid!r}: choose from {', '.join(available)} or all")
    return [load_guide(GUIDES_DIR / f"{gid}.toml", registry) for gid in ids]
