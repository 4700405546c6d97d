"""A school's or clinic's own edition: its name, logo, local contacts and print settings.

One TOML file (``--config FILE``) says all of it, and which guides, languages and formats to
build. Every problem in it is found before anything is built, each as one line naming the
file, the key and what to do; unknown keys are errors, because a typo must not be silently
ignored. The organisation's texts are printed exactly as given (escaped, never markup, never
translated); its phone numbers are checked with ``phonenumbers`` like the registry's, and
become registry entries of their own so that numbers, links and QR codes have one path.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers

from ..colour import (
    MIN_CONTRAST,
    PROFILE_HELP,
    contrast_with_white,
    darker,
    is_hex_colour,
    profile_problem,
)
from ..errors import ConfigError
from ..files import build_date, data_path, read_toml
from ..paper import OFFICE_PAPERS
from . import links, reading
from .guide import guide_ids
from .logo import can_read_text, logo_problem
from .registry import LOCAL_PREFIX, Registry, Resource, default_registry

CONFIG_KEYS = {
    "organisation": {"name", "logo"},
    "contacts": {"label", "phone", "region", "url", "hours"},
    "print": {"paper", "accent", "bleed", "icc_profile"},
    "build": {"guides", "locales", "formats", "out"},
}

EXAMPLE_PATH = data_path("config-example.toml")


@dataclass(frozen=True)
class LocalContact:
    id: str
    label: str
    phone: str  # as written in the config
    region: str
    e164: str
    display: str  # formatted for its country
    url: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class OrgConfig:
    path: Path
    name: str
    logo: Path | None
    contacts: tuple[LocalContact, ...]
    paper: str = "all"
    accent: str | None = None
    bleed: bool = False
    guides: tuple[str, ...] = ()
    locales: tuple[str, ...] = ("en",)
    formats: tuple[str, ...] = ("all",)
    out: Path | None = None
    notes: tuple[str, ...] = ()  # what the checks could not do here (a logo's text unread)
    icc_profile: Path | None = None  # [print] icc_profile: the printer's CMYK profile (--pdfx)

    def texts(self) -> list[tuple[str, str, str]]:
        """The organisation's printed texts, named by their keys (for font coverage)."""
        out = [("config organisation.name", self.name, "")]
        for i, c in enumerate(self.contacts, 1):
            out.append((f"config contacts[{i}].label", c.label, ""))
            if c.hours:
                out.append((f"config contacts[{i}].hours", c.hours, ""))
        return out

    def registry(self, base: Registry) -> Registry:
        """The registry with the local contacts added as entries of every edition."""
        res = dict(base.resources)
        today = build_date()
        for c in self.contacts:
            res[c.id] = Resource(
                id=c.id,
                editions=tuple(base.editions),
                name=c.label,
                short_name=c.label,
                display=c.display,
                qr=f"tel:{c.e164}",
                source=f"{self.path.name} (local)",
                status="confirmed",
                verified=today,
                tel=c.e164,
                region=c.region,
                url=c.url,
                hours=c.hours,
            )
        return dataclasses.replace(base, resources=res)


# The kinds of number a child or an adult can call free or at a local rate. Premium-rate,
# shared-cost and personal numbers, pagers and voicemail are refused, and so is a number
# phonenumbers cannot place.
CALLABLE_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "a landline",
    phonenumbers.PhoneNumberType.MOBILE: "a mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "a landline or mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "free to call",
    phonenumbers.PhoneNumberType.UAN: "a national number at local rate",
}
_REFUSED_TYPES = {
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    phonenumbers.PhoneNumberType.SHARED_COST: "a shared-cost number",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "a personal number",
    phonenumbers.PhoneNumberType.PAGER: "a pager number",
    phonenumbers.PhoneNumberType.VOICEMAIL: "a voicemail number",
    phonenumbers.PhoneNumberType.VOIP: "an internet (VoIP) number, which may cost more",
}
MAX_NAME = 120
MAX_LABEL = 80


def _phone_problem(phone: str, region: str):
    """(number, None) for a contact number people may be asked to call, or (None, why not)."""
    if len(phone) > 40 or reading.controls(phone) or any(c.isalpha() for c in phone):
        return None, f"{phone!r} is not a phone number; write it in digits as people dial it"
    try:
        num = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None, f"{phone!r} is not a valid phone number in {region}; check the digits"
    if not phonenumbers.is_valid_number(num):
        return None, f"{phone!r} is not a valid phone number in {region}; check the digits"
    if num.extension:
        return None, (
            f"{phone!r} has an extension ({num.extension}), which a QR code or a tap cannot "
            "dial; give the number that reaches the person directly"
        )
    own = phonenumbers.region_code_for_number(num)
    if own != region:  # +1 876 is Jamaica, not the US; +44 1624 the Isle of Man, not GB
        return None, (
            f"{phone!r} is a number of {own} (+{num.country_code}), not of {region}; "
            "correct the region or the number"
        )
    kind = phonenumbers.number_type(num)
    if kind in _REFUSED_TYPES:
        return None, (
            f"{phone!r} is {_REFUSED_TYPES[kind]}; give a number people can call free or at "
            "a local rate"
        )
    if kind not in CALLABLE_TYPES:
        return None, (
            f"{phone!r}: phonenumbers cannot tell what kind of number this is; give a "
            "landline, mobile or freephone number"
        )
    return num, None


def _url_problem(url) -> str | None:
    """Why `url` may not be printed as a contact's link, or None."""
    if not isinstance(url, str):
        return "give the link as a string"
    what = f"{url!r} must be an https:// link to a web page, in plain letters"
    if len(url) > 200 or reading.controls(url) or links.invisible_chars(url):
        return what
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return what
    if parts.scheme != "https" or not parts.hostname:
        return what
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return f"{url!r} has a name before '@'; give the link without it"
    if port is not None:
        return f"{url!r} names a port; give the plain https:// link"
    host = parts.hostname
    if (
        not url.isascii()
        or not re.fullmatch(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}", host)
        or host.startswith("xn--")
        or ".xn--" in host
    ):
        return what
    if parts.fragment or any(c in url for c in "\\ <>\"'"):
        return what
    imitated = links.lookalike_of(links.bare_host(host), set(default_registry().hosts))
    if imitated:
        return (
            f"{url!r} looks like the registry's {imitated} but is another address; give your "
            "own organisation's link"
        )
    return None


def _regions(regions: set[str]) -> tuple[str, ...]:
    return tuple(sorted(regions | {"GB", "US"}))


def load_config(path: Path | str, known_formats: Collection[str] | None = None) -> OrgConfig:
    """Read and check a config; every problem found is one line of the ConfigError.

    `known_formats` are the format names [build] formats may use (the build passes its table;
    verify, which builds nothing, passes none and the names are not checked)."""
    path = Path(path)
    _, data = read_toml(path, "config file", ConfigError)
    return config_from(data, path, path.name, known_formats)


def config_from(
    data: dict,
    path: Path,
    where: str,
    known_formats: Collection[str] | None = None,
    key_name: Callable[[str], str] = str,
    slug: str = "",
) -> OrgConfig:
    """Check a config's data (`path` is where relative paths start from; `where` names it in
    each problem, with each key as `key_name` names it); every problem is one line of the
    ConfigError. `slug` names the organisation in its contacts' registry ids, where several
    share one build."""
    problems: list[str] = []

    def problem(key: str, text: str) -> None:
        problems.append(f"{where}: {key_name(key)}: {text}")

    def table(key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            problem(key, f"must be a [{key}] table")
            return {}
        return value

    for key in sorted(set(data) - set(CONFIG_KEYS)):
        problem(key, f"unknown section; use {', '.join(sorted(CONFIG_KEYS))}")
    org = table("organisation")
    for key in sorted(set(org) - CONFIG_KEYS["organisation"]):
        problem(f"organisation.{key}", "unknown key; use name, logo")
    name = org.get("name")
    if not isinstance(name, str) or not name.strip():
        problem("organisation.name", "give the organisation's name as a string")
        name = ""
    logo = None
    if "logo" in org:
        if not isinstance(org["logo"], str) or not org["logo"].strip():
            problem("organisation.logo", "give the logo's path as a string")
        else:
            logo = (path.parent / org["logo"]).resolve()
            bad = logo_problem(logo)
            if bad:
                problem("organisation.logo", bad)
    contacts = []
    regions: set[str] = set()
    texts = [("organisation.name", name, MAX_NAME)]
    listed = data.get("contacts", [])
    if not isinstance(listed, list):
        problem("contacts", "each contact is a [[contacts]] table")
        listed = []
    for i, c in enumerate(listed, 1):
        key = f"contacts[{i}]"
        if not isinstance(c, dict):
            problem(key, "each contact is a [[contacts]] table")
            continue
        for k in sorted(set(c) - CONFIG_KEYS["contacts"]):
            problem(f"{key}.{k}", "unknown key; use label, phone, region, url, hours")
        label, phone, region = c.get("label"), c.get("phone"), c.get("region")
        if not isinstance(label, str) or not label.strip():
            problem(f"{key}.label", "give the contact's label as a string")
            label = ""
        if not isinstance(phone, str):
            problem(f"{key}.phone", "give the number as a string, as people dial it")
            continue
        if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
            problem(f"{key}.region", "give the ISO country code of the number, e.g. GB or US")
            continue
        region = region.upper()
        regions.add(region)
        num, bad = _phone_problem(str(phone), region)
        if bad:
            problem(f"{key}.phone", bad)
            continue
        url = c.get("url")
        if url is not None:
            bad = _url_problem(url)
            if bad:
                problem(f"{key}.url", bad)
                url = None
        hours = c.get("hours")
        if hours is not None and not isinstance(hours, str):
            problem(f"{key}.hours", "give the hours as a string")
            hours = None
        texts.append((f"{key}.label", label, MAX_LABEL))
        if hours:
            texts.append((f"{key}.hours", hours, MAX_LABEL))
        contacts.append(
            LocalContact(
                id=f"{LOCAL_PREFIX}{slug + '-' if slug else ''}{i}",
                label=str(label or ""),
                phone=str(phone),
                region=region,
                e164=phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
                display=phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL),
                url=url,
                hours=hours,
            )
        )
    for key, text, longest in texts:
        if len(text) > longest:
            problem(key, f"is {len(text)} characters long; keep it to {longest}")
            text = text[: 4 * longest]  # and what it holds, read no further
        plain = reading.without_times(text) if key.endswith(".hours") else text
        for bad in reading.untrusted_text_problems(plain, None, regions=_regions(regions)):
            problem(key, bad)
    pr = table("print")
    for k in sorted(set(pr) - CONFIG_KEYS["print"]):
        problem(f"print.{k}", "unknown key; use paper, accent, bleed, icc_profile")
    paper = pr.get("paper", "all")
    if not isinstance(paper, str) or paper.casefold() not in (*OFFICE_PAPERS, "all"):
        problem("print.paper", f"{paper!r}: use {', '.join(OFFICE_PAPERS)} or all")
    accent = pr.get("accent")
    if accent is not None:
        h = str(accent).lstrip("#")
        if not is_hex_colour(h):
            problem("print.accent", f"{accent!r} is not a colour; write it as #RRGGBB")
            accent = None
        elif contrast_with_white(h) < MIN_CONTRAST:
            problem(
                "print.accent",
                f"white text on {accent} has a contrast of "
                f"{contrast_with_white(h):.1f}:1, under {MIN_CONTRAST}:1; "
                f"pick a darker colour such as {darker(h)}",
            )
            accent = None
    bleed = pr.get("bleed", False)
    if not isinstance(bleed, bool):
        problem("print.bleed", "use true or false")
    icc = pr.get("icc_profile")  # the printer's CMYK output profile, for build --pdfx
    icc_profile = None
    if icc is not None:
        if not isinstance(icc, str) or not icc.strip():
            problem("print.icc_profile", f"give the profile's path as a string; {PROFILE_HELP}")
        else:
            icc_profile = (path.parent / icc).resolve()
            try:
                bad = profile_problem(icc_profile.read_bytes())
            except OSError as e:
                bad = f"cannot be read ({e.strerror})"
            if bad:
                problem("print.icc_profile", f"{icc_profile} {bad}; {PROFILE_HELP}")
                icc_profile = None
    b = table("build")
    for k in sorted(set(b) - CONFIG_KEYS["build"]):
        problem(f"build.{k}", "unknown key; use guides, locales, formats, out")

    def names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = b.get(key, list(default))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(f"build.{key}", "give a list of names")
            return default
        if not value:
            problem(f"build.{key}", "give at least one name, or leave the key out for the default")
            return default
        return tuple(value)

    guides = names("guides", tuple(guide_ids()))
    for g in guides:
        if g.casefold() not in {x.casefold() for x in guide_ids()} | {"all"}:
            problem("build.guides", f"{g!r} is not a guide; use {', '.join(guide_ids())}")
    formats = names("formats", ("all",))
    for f in formats:
        known = {x.casefold() for x in known_formats or ()} | {"all"}
        if known_formats is not None and f.casefold() not in known:
            problem("build.formats", f"{f!r} is not a format; use {', '.join(known_formats)}")
    locales = names("locales", ("en",))
    out = b.get("out")
    if out is not None and not isinstance(out, str):
        problem("build.out", "give the output folder as a string")
    if problems:
        raise ConfigError(problems)
    notes = ()
    if logo is not None and not can_read_text():
        notes = (
            f"note: {where}: the text pictured in {logo.name} was not read (Tesseract is not "
            "installed); check it yourself, or run verify --deep on the build",
        )
    return OrgConfig(
        path,
        name.strip(),
        logo,
        tuple(contacts),
        paper,
        "#" + str(accent).lstrip("#") if accent else None,
        bool(bleed),
        guides,
        locales,
        formats,
        path.parent / out if out else None,
        notes,
        icc_profile,
    )
