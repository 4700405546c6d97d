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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import links, phones
from .errors import SourceError

PACKAGE_DIR = Path(__file__).resolve().parent
REGISTRY_PATH = PACKAGE_DIR / "resources.toml"
GUIDES_DIR = PACKAGE_DIR / "guides"

# {id} or {id.url}; ids are kebab-case.
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

    @property
    def phone_numbers(self) -> dict[str, Resource]:
        """E.164 number or short code -> resource."""
        return {r.tel: r for r in self if r.tel}

    @property
    def qr_payloads(self) -> dict[str, Resource]:
        return {r.qr: r for r in self}

    @property
    def hosts(self) -> set[str]:
        out = set()
        for r in self:
            if r.url:
                out.add(links.split_url(r.url)[0])
            if not r.is_phone:
                out.add(links.split_url(r.display)[0])
        return out

    def link_paths(self) -> set[tuple[str, str]]:
        """(host, path) of every link and printed link, for checking printed paths."""
        out = set()
        for r in self:
            if r.url:
                out.add(links.split_url(r.url))
            if not r.is_phone:
                out.add(links.split_url(r.display))
        return out


_RESOURCE_FIELDS = {f.name for f in dataclasses.fields(Resource)}
_REQUIRED = ("id", "editions", "name", "short_name", "display", "qr", "source", "status",
             "verified")


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


@dataclass(frozen=True)
class Block:
    kind: str  # p | item | subitem | quote | link
    text: str
    lead: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CardContact:
    resource: str
    text: str


@dataclass(frozen=True)
class CardQR:
    resource: str
    label: str


@dataclass(frozen=True)
class Card:
    headline: str
    intro: str
    steps_heading: str
    steps: tuple[str, ...]
    turn_over: str
    contacts_heading: str
    contacts: tuple[CardContact, ...]
    qr: tuple[CardQR, ...]


@dataclass(frozen=True)
class Guide:
    """One edition's guidance, in English (or, after i18n, in one language)."""

    id: str
    name: str
    region: str
    seed: str
    source: str
    title: str
    subtitle: str
    card: Card
    sections: tuple[Section, ...]
    seed_forms: dict[str, str] = field(default_factory=dict, compare=False)
    path: Path | None = field(default=None, compare=False)

    # -- messages: the translatable strings with a stable context each --------------------

    def messages(self) -> Iterator[tuple[str, str, str]]:
        """(context, text, where it is printed) for every translatable string."""
        for ctx, text, where, _ in self._walk():
            if text:
                yield ctx, text, where

    def translated(self, tr: Callable[[str, str], str]) -> Guide:
        """A copy with every string passed through ``tr(context, text)``."""
        values = {ctx: tr(ctx, text) if text else text for ctx, text, _, _ in self._walk()}
        return self._rebuild(values)

    def _walk(self) -> Iterator[tuple[str, str, str, str]]:
        g = self.id
        yield f"{g}|title", self.title, "title of posters and leaflets", "title"
        yield f"{g}|subtitle", self.subtitle, "under the title", "subtitle"
        c = self.card
        yield f"{g}|card|headline", c.headline, "card front, headline", "card.headline"
        yield f"{g}|card|intro", c.intro, "card front, under the headline", "card.intro"
        yield f"{g}|card|steps-heading", c.steps_heading, "card front, heading", "card.sh"
        for i, s in enumerate(c.steps, 1):
            yield f"{g}|card|step-{i}", s, "card front, numbered step", f"card.step.{i}"
        yield f"{g}|card|turn-over", c.turn_over, "card front, footer", "card.turn_over"
        yield f"{g}|card|contacts-heading", c.contacts_heading, "card back, heading", "card.ch"
        for ct in c.contacts:
            yield (f"{g}|card|contact-{ct.resource}", ct.text, "card back, one contact",
                   f"card.contact.{ct.resource}")
        for q in c.qr:
            yield (f"{g}|card|qr-{q.resource}", q.label, "label under a QR code",
                   f"card.qr.{q.resource}")
        for s in self.sections:
            yield f"{g}|{s.id}|heading", s.heading, "section heading", f"s.{s.id}.heading"
            for i, b in enumerate(s.blocks, 1):
                yield f"{g}|{s.id}|{i}|lead", b.lead, f"{b.kind}, bold lead-in", f"s.{s.id}.{i}.l"
                yield f"{g}|{s.id}|{i}", b.text, f"{b.kind}", f"s.{s.id}.{i}.t"

    def _rebuild(self, v: dict[str, str]) -> Guide:
        g = self.id
        c = self.card
        card = Card(
            headline=v[f"{g}|card|headline"],
            intro=v[f"{g}|card|intro"],
            steps_heading=v[f"{g}|card|steps-heading"],
            steps=tuple(v[f"{g}|card|step-{i}"] for i in range(1, len(c.steps) + 1)),
            turn_over=v[f"{g}|card|turn-over"],
            contacts_heading=v[f"{g}|card|contacts-heading"],
            contacts=tuple(
                CardContact(ct.resource, v[f"{g}|card|contact-{ct.resource}"]) for ct in c.contacts
            ),
            qr=tuple(CardQR(q.resource, v[f"{g}|card|qr-{q.resource}"]) for q in c.qr),
        )
        sections = tuple(
            Section(
                s.id,
                v[f"{g}|{s.id}|heading"],
                tuple(
                    Block(b.kind, v[f"{g}|{s.id}|{i}"], v[f"{g}|{s.id}|{i}|lead"])
                    for i, b in enumerate(s.blocks, 1)
                ),
            )
            for s in self.sections
        )
        return dataclasses.replace(
            self, title=v[f"{g}|title"], subtitle=v[f"{g}|subtitle"], card=card,
            sections=sections,
        )


BLOCK_KINDS = ("p", "item", "subitem", "quote", "link")


def placeholders(text: str) -> list[str]:
    """The placeholders of a text, as written ("{rainn}", "{rainn.url}"), in order."""
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def segments(text: str, registry: Registry) -> list[Segment]:
    """Split a text into plain strings and resource references, in order."""
    out: list[Segment] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        out.append(Ref(registry[m.group(1)], "url" if m.group(2) else ""))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def fill(text: str, registry: Registry) -> str:
    """A text with its placeholders replaced by what they print."""
    return "".join(s if isinstance(s, str) else s.text for s in segments(text, registry))


def placeholder_problem(text: str, registry: Registry, edition: str) -> str | None:
    """Why the placeholders of `text` cannot be filled for `edition`, or None."""
    stripped = PLACEHOLDER.sub("", text)
    if _BRACE.search(stripped):
        return "has a '{' or '}' that is not a placeholder like {rainn} or {rainn.url}"
    for m in PLACEHOLDER.finditer(text):
        rid, variant = m.group(1), m.group(2)
        if rid not in registry.resources:
            return f"names {m.group(0)}, which is not in the registry"
        res = registry[rid]
        if edition not in res.editions:
            return f"names {m.group(0)}, which the registry does not list for edition {edition}"
        if variant and not res.url:
            return f"names {m.group(0)}, but {rid} has no link"
    return None


def _require(d: dict, key: str, where: str, kind: type = str) -> Any:
    if key not in d:
        raise SourceError(f"{where}: missing {key!r}")
    if not isinstance(d[key], kind):
        raise SourceError(f"{where}: {key!r} must be a {kind.__name__}")
    return d[key]


def _only(d: dict, allowed: set[str], where: str) -> None:
    unknown = set(d) - allowed
    if unknown:
        raise SourceError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def load_guide(path: Path | str, registry: Registry | None = None) -> Guide:
    """Read and validate one guide; every placeholder must name a registry entry."""
    path = Path(path)
    registry = registry or default_registry()
    name = path.name
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: guide file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SourceError(f"{path}: not valid TOML ({e}); fix the syntax") from None
    _only(data, {"guide", "seed_forms", "card", "sections"}, name)
    g = _require(data, "guide", name, dict)
    _only(g, {"id", "name", "region", "seed", "source", "title", "subtitle"}, f"{name} [guide]")
    gid = _require(g, "id", f"{name} [guide]")
    if gid not in registry.editions:
        raise SourceError(f"{name}: edition {gid!r} is not in the registry's [editions]")
    c = _require(data, "card", name, dict)
    where = f"{name} [card]"
    _only(c, {"headline", "intro", "steps_heading", "steps", "turn_over", "contacts_heading",
              "contacts", "qr"}, where)
    contacts = []
    for ct in _require(c, "contacts", where, list):
        _only(ct, {"resource", "text"}, f"{where} contacts")
        contacts.append(CardContact(_require(ct, "resource", where), _require(ct, "text", where)))
    qrs = []
    for q in _require(c, "qr", where, list):
        _only(q, {"resource", "label"}, f"{where} qr")
        qrs.append(CardQR(_require(q, "resource", where), _require(q, "label", where)))
    card = Card(
        headline=_require(c, "headline", where),
        intro=c.get("intro", ""),
        steps_heading=_require(c, "steps_heading", where),
        steps=tuple(_require(c, "steps", where, list)),
        turn_over=c.get("turn_over", ""),
        contacts_heading=_require(c, "contacts_heading", where),
        contacts=tuple(contacts),
        qr=tuple(qrs),
    )
    sections = []
    seen = set()
    for s in _require(data, "sections", name, list):
        sid = _require(s, "id", f"{name} [[sections]]")
        where = f"{name} section {sid}"
        _only(s, {"id", "heading", "blocks"}, where)
        if sid in seen or not _ID.fullmatch(sid):
            raise SourceError(f"{where}: section ids must be unique and kebab-case")
        seen.add(sid)
        blocks = []
        for b in _require(s, "blocks", where, list):
            _only(b, {"kind", "text", "lead"}, where)
            kind = _require(b, "kind", where)
            if kind not in BLOCK_KINDS:
                raise SourceError(f"{where}: block kind {kind!r} is not one of {BLOCK_KINDS}")
            blocks.append(Block(kind, _require(b, "text", where), b.get("lead", "")))
        sections.append(Section(sid, s.get("heading", ""), tuple(blocks)))
    guide = Guide(
        id=gid,
        name=_require(g, "name", name),
        region=_require(g, "region", name),
        seed=g.get("seed", ""),
        source=g.get("source", ""),
        title=_require(g, "title", name),
        subtitle=g.get("subtitle", ""),
        card=card,
        sections=tuple(sections),
        seed_forms=dict(data.get("seed_forms", {})),
        path=path,
    )
    check_guide(guide, registry)
    return guide


def check_guide(guide: Guide, registry: Registry) -> None:
    """Every placeholder names an entry of this edition; card references exist."""
    name = guide.path.name if guide.path else guide.id
    for ctx, text, _ in guide.messages():
        problem = placeholder_problem(text, registry, guide.id)
        if problem:
            raise SourceError(f"{name}: message {ctx} {problem}")
    for ct in guide.card.contacts:
        if f"{{{ct.resource}}}" not in ct.text:
            raise SourceError(
                f"{name}: card contact {ct.resource} must print its number: add {{{ct.resource}}}"
            )
    for q in guide.card.qr:
        if q.resource not in registry.resources:
            raise SourceError(f"{name}: card QR {q.resource!r} is not in the registry")


def guide_ids() -> list[str]:
    return sorted(p.stem for p in GUIDES_DIR.glob("*.toml"))


def load_guides(ids: list[str] | None = None, registry: Registry | None = None) -> list[Guide]:
    available = guide_ids()
    ids = ids or available
    for gid in ids:
        if gid not in available:
            raise SourceError(f"unknown guide {gid!r}: choose from {', '.join(available)} or all")
    return [load_guide(GUIDES_DIR / f"{gid}.toml", registry) for gid in ids]
