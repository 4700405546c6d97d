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
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from ..colour import MIN_CONTRAST, contrast_with_white, darker, is_hex_colour
from ..errors import ConfigError
from ..files import build_date, data_path, read_toml
from ..paper import OFFICE_PAPERS
from . import links
from .guide import guide_ids
from .registry import LOCAL_PREFIX, Registry, Resource

# The largest size a logo is printed at (a tabloid poster's header), for the resolution check.
LOGO_MAX_PRINT_MM = 28.0
LOGO_MIN_DPI = 150
LOGO_MAX_BYTES = 5 * 1024 * 1024
CONFIG_KEYS = {
    "organisation": {"name", "logo"},
    "contacts": {"label", "phone", "region", "url", "hours"},
    "print": {"paper", "accent", "bleed"},
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


def _logo_problem(path: Path) -> str | None:
    if not path.is_file():
        return f"file {path} not found; give a path relative to the config file"
    if path.stat().st_size > LOGO_MAX_BYTES:
        return f"{path.name} is over {LOGO_MAX_BYTES // 1024 // 1024} MB; use a smaller file"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        try:
            # imported here to keep start-up fast: only a config with an SVG logo needs it
            from svglib.svglib import svg2rlg

            drawing = svg2rlg(str(path))
        except Exception as e:  # noqa: BLE001 -- any parse failure is the user's file
            return f"{path.name} is not a readable SVG ({type(e).__name__}); export it again"
        if drawing is None or not drawing.width or not drawing.height:
            return f"{path.name} is not a readable SVG; export it again"
        ratio = drawing.width / drawing.height
    elif suffix in (".png", ".jpg", ".jpeg"):
        from PIL import Image, UnidentifiedImageError  # imported here to keep start-up fast

        try:
            with Image.open(path) as im:
                im.verify()
            with Image.open(path) as im:
                w, h = im.size
        except (UnidentifiedImageError, OSError):
            return f"{path.name} is not a readable {suffix[1:].upper()} image; export it again"
        need = round(LOGO_MIN_DPI * LOGO_MAX_PRINT_MM / 25.4)
        if h < need:
            return (
                f"{path.name} is {w} x {h} pixels: too coarse to print at {LOGO_MAX_PRINT_MM:g}"
                f" mm high (needs {need} pixels high for {LOGO_MIN_DPI} dpi); use a larger "
                "image or an SVG"
            )
        ratio = w / h
    else:
        return f"{path.name}: use a PNG, JPEG or SVG file"
    if not 0.2 <= ratio <= 6:
        return (
            f"{path.name} is {ratio:.1f} times as wide as it is high; crop it to the logo "
            "(at most 6:1)"
        )
    return None


def load_config(path: Path | str, known_formats: Collection[str] | None = None) -> OrgConfig:
    """Read and check a config; every problem found is one line of the ConfigError.

    `known_formats` are the format names [build] formats may use (the build passes its table;
    verify, which builds nothing, passes none and the names are not checked)."""
    path = Path(path)
    where = path.name
    _, data = read_toml(path, "config file", ConfigError)
    problems: list[str] = []

    def problem(key: str, text: str) -> None:
        problems.append(f"{where}: {key}: {text}")

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
        logo = (path.parent / str(org["logo"])).resolve()
        bad = _logo_problem(logo)
        if bad:
            problem("organisation.logo", bad)
    contacts = []
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
        if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
            problem(f"{key}.region", "give the ISO country code of the number, e.g. GB or US")
            continue
        region = region.upper()
        try:
            num = phonenumbers.parse(str(phone), region)
            valid = phonenumbers.is_valid_number(num)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            problem(
                f"{key}.phone",
                f"{phone!r} is not a valid phone number in {region}; check the digits",
            )
            continue
        url = c.get("url")
        if url is not None:
            host = links.split_url(str(url))[0]
            if (
                not str(url).startswith("https://")
                or links.foreign_letters(host)
                or links.invisible_chars(str(url))
            ):
                problem(f"{key}.url", f"{url!r} must be an https:// link in plain letters")
                url = None
        hours = c.get("hours")
        if hours is not None and not isinstance(hours, str):
            problem(f"{key}.hours", "give the hours as a string")
            hours = None
        contacts.append(
            LocalContact(
                id=f"{LOCAL_PREFIX}{i}",
                label=str(label or ""),
                phone=str(phone),
                region=region,
                e164=phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
                display=phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL),
                url=url,
                hours=hours,
            )
        )
    pr = table("print")
    for k in sorted(set(pr) - CONFIG_KEYS["print"]):
        problem(f"print.{k}", "unknown key; use paper, accent, bleed")
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
    )
