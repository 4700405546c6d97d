"""The resource registry: every helpline number and link that leaflets prints, and nothing else.

Loaded from ``data/resources.toml`` and validated entry by entry (each number with
phonenumbers, each link for scheme and letters); everything leaves this module as frozen
dataclasses, every problem as one :class:`SourceError` line naming the file and the entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..files import cache_get, cache_put, data_path, latest_real_date, read_toml
from ..versions import code_digest
from . import links, phones

LOCAL_PREFIX = "local-"  # ids of an organisation's contacts in its copy of the registry
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # ids are kebab-case


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
    generic: bool = False  # the name is generic words ("Emergency services"): translated

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
            actual = phones.region_of(r.tel)
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


# The proofs of a registry's entries (each number valid and of its region, each display form
# dialling its number, each link's scheme and letters) are kept in the user's cache
# (``registry/``) by a hash of the file's bytes, the code that proves them and phonenumbers'
# version, once every entry has passed: a build whose registry was proved before neither
# imports phonenumbers (about 25 ms) nor parses a number. Only a clean registry is kept; the
# checks of the file's shape, ids, editions and dates run every time.
_PROOF_MODULES = ("leaflets.sources.registry", "leaflets.sources.phones", "leaflets.sources.links")
_PROVED = b"every entry proved"


def _proof_key(raw: bytes) -> str:
    return hashlib.sha256(
        raw + b"\0" + code_digest(_PROOF_MODULES, ("phonenumbers",)).encode()
    ).hexdigest()


def load_registry(path: Path | str | None = None) -> Registry:
    """Read and validate resources.toml; the first bad entry stops with one line."""
    path = Path(path) if path is not None else data_path("resources.toml")
    raw, data = read_toml(path, "registry file", SourceError)
    proof_key = _proof_key(raw)
    proved = cache_get("registry", proof_key) == _PROVED
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
        verified = entry["verified"]
        if not isinstance(verified, dt.date) or isinstance(verified, dt.datetime):
            raise SourceError(
                f"{where}: verified must be a date (YYYY-MM-DD), not quoted and without a time"
            )
        if verified > latest_real_date():
            raise SourceError(
                f"{where}: verified {verified} is in the future; give the day the entry was checked"
            )
        if rid in resources:
            raise SourceError(f"{where}: the id is used twice")
        if not isinstance(entry.get("generic", False), bool):
            raise SourceError(f"{where}: generic must be true or false")
        res = Resource(**{**entry, "editions": tuple(entry["editions"])})
        problem = None if proved else _resource_problem(res)
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
    if not proved:
        cache_put("registry", proof_key, _PROVED)
    return Registry(resources, editions, hashlib.sha256(raw).hexdigest())


@cache
def default_registry() -> Registry:
    return load_registry()
