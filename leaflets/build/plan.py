"""Planning a build: what the user asked for (and what an organisation's config says, where the
user said nothing) turned into the list of files to make, with notes for what is skipped.

Every name is checked here, before any work: an unknown guide, format, paper or locale is one
line and exit code 2, and nothing is written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError, SourceError, StaleRegistryError, UsageError
from ..formats import FORMATS, WEB_FORMATS, names
from ..i18n.catalogs import available_locales, buildable
from ..i18n.locales import PSEUDO_LOCALE
from ..paper import OFFICE_PAPERS, PAPERS
from ..sources.guide import Guide, check_guide, guide_ids, load_guides
from ..sources.registry import Registry, default_registry
from .manifest import stale_entries

if TYPE_CHECKING:
    from ..sources.config import OrgConfig

DEFAULT_OUT = Path("out")
DEFAULT_MAX_AGE_DAYS = 180


@dataclass(frozen=True)
class Job:
    """One file to make."""

    guide: str
    locale: str
    format: str
    paper: str
    bleed: bool = False
    org: str = ""  # the organisation's folder, in a build of many (build --organisations)
    pdfx: bool = False  # PDF/X-4 in CMYK for a print shop (build --pdfx; bleed too)

    @property
    def relpath(self) -> str:
        """Where the file goes in its build folder (the organisation's, in a build of many)."""
        if self.format in WEB_FORMATS:  # no paper: DIR/<guide>/<locale>/index.html
            return f"{self.guide}/{self.locale}/{WEB_FORMATS[self.format].filename}"
        return f"{self.guide}/{self.locale}/{self.format}-{self.paper}.pdf"

    @property
    def image_relpath(self) -> str:
        """Where its PNG goes, for a format rendered to an image: beside the PDF."""
        return self.relpath.removesuffix(".pdf") + ".png"

    @property
    def described(self) -> dict[str, object]:
        """What the manifest says of it."""
        return {
            "guide": self.guide,
            "locale": self.locale,
            "format": self.format,
            "paper": self.paper,
            "bleed": self.bleed,
            **({"pdfx": True} if self.pdfx else {}),
        }


@dataclass(frozen=True)
class Plan:
    """Everything a build needs: the jobs, and what they are made from."""

    jobs: tuple[Job, ...]
    out: Path
    registry: Registry
    guides: dict[str, Guide]
    org: OrgConfig | None = None
    allow_incomplete: bool = False
    notes: tuple[str, ...] = ()  # papers or catalogs skipped
    warnings: tuple[str, ...] = field(default=())  # registry entries due for a re-check


def _names(value: str | Sequence[str] | None, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if not all(isinstance(v, str) for v in value):
        raise UsageError(f"{what}: give names as strings")
    if not value:
        raise UsageError(f"{what}: give at least one name, or 'all'")
    return list(value)


def _choose(
    names: list[str], known: Sequence[str], what: str, by_name: Sequence[str] = ()
) -> list[str]:
    """The names asked for, spelt as the table spells them (any case), 'all' for every one
    of `known`; the names `by_name` only when named."""
    by_fold = {k.casefold(): k for k in [*known, *by_name]}
    out = []
    for name in names:
        if name.casefold() == "all":
            out += known
        elif name.casefold() in by_fold:
            out.append(by_fold[name.casefold()])
        else:
            choices = ", ".join([*known, *by_name])
            raise UsageError(f"unknown {what} {name!r}: choose from {choices} or all")
    return list(dict.fromkeys(out))


def _jobs_for(
    g: Guide,
    locales: list[str],
    formats: list[str],
    papers: list[str],
    bleed: bool,
    explicit_paper: bool,
    office_paper: bool,
    pdfx: bool = False,
) -> tuple[list[Job], list[str]]:
    """The jobs of one guide, and notes for papers a format does not come on.

    With `office_paper` (an organisation's [print] paper) the papers name the printer's
    paper: a format that comes on none of them (the CR80 card, the A5 and A6 door poster)
    keeps its own sizes."""
    jobs, notes = [], []
    for fname in formats:
        if fname in WEB_FORMATS:  # a web page has no paper and no bleed
            jobs += [Job(g.id, loc, fname, "") for loc in locales]
            continue
        fmt = FORMATS[fname]
        if pdfx and fmt.image is not None:  # a screen image has no print variant
            notes.append(f"note: format {fname} is an image for screens, not print; skipped")
            continue
        own = office_paper and not set(fmt.papers) & set(OFFICE_PAPERS)
        for paper in fmt.papers if own else papers or fmt.papers:
            if paper not in fmt.papers:
                if explicit_paper:
                    raise UsageError(
                        f"format {fname} does not come on paper {paper}; "
                        f"it comes on {', '.join(fmt.papers)}"
                    )
                notes.append(f"note: format {fname} does not come on {paper}; skipped")
                continue
            with_bleed = (bleed or pdfx) and fmt.image is None  # an image is never bled
            jobs += [Job(g.id, loc, fname, paper, with_bleed, pdfx=pdfx) for loc in locales]
    return jobs, notes


def _locales_for(g: Guide, asked: list[str]) -> tuple[list[str], list[str]]:
    """The guide's locales among those asked for (any case), and notes for the others."""
    have = available_locales(g.id)
    by_fold = {x.casefold(): x for x in [*have, PSEUDO_LOCALE]}
    out, notes = [], []
    for loc in asked:
        if loc.casefold() == "all":
            out += have
        elif loc.casefold() in by_fold and buildable(by_fold[loc.casefold()], g.id):
            out.append(by_fold[loc.casefold()])
        else:
            notes.append(f"note: guide {g.id} has no {loc} catalog; skipped")
    return list(dict.fromkeys(out)), notes


def make_plan(
    guides: str | Sequence[str] | None = None,
    locales: str | Sequence[str] | None = None,
    formats: str | Sequence[str] | None = None,
    paper: str | None = None,
    bleed: bool | None = None,
    out: Path | str | None = None,
    config: Path | str | OrgConfig | None = None,
    allow_incomplete: bool = False,
    max_age: int = DEFAULT_MAX_AGE_DAYS,
    strict: bool = False,
    pdfx: bool = False,
    *,
    loaded_guides: dict[str, Guide] | None = None,
) -> Plan:
    """The plan for what was asked. Anything left as None is taken from the organisation's
    `config` when there is one, else from the defaults (every guide, English, every format
    and paper, office output into ``out/``). Raises a LeafletsError for any unknown name or
    bad config (exit 2), or, with `strict`, a registry entry due for a re-check (exit 1).
    With `pdfx`, every print file is PDF/X-4 in CMYK (with bleed); the output profile (the
    config's, or the shipped one) is checked here, before any work.

    `loaded_guides` (a build of many organisations) keeps each guide as read the first time,
    and checks it against this plan's registry: one copy of each guide for every
    organisation, not one each."""
    guide_names = _names(guides, "guides")
    locale_names = _names(locales, "locales")
    format_names = _names(formats, "formats")
    registry = default_registry()
    org = None
    if config is not None:
        # imported here to keep start-up fast: a config brings phonenumbers (25 ms) with it
        from ..sources.config import OrgConfig, load_config

        org = config if isinstance(config, OrgConfig) else load_config(config, names())
        registry = org.registry(registry)
        guide_names = guide_names or list(org.guides)
        locale_names = locale_names or list(org.locales)
        format_names = format_names or list(org.formats)
        paper = paper or org.paper.casefold()
        bleed = org.bleed if bleed is None else bleed
        out = out or org.out
    guide_names = guide_names or ["all"]
    locale_names = locale_names or ["en"]
    format_names = format_names or ["all"]
    paper = paper or "all"
    chosen_guides = _choose(guide_names, guide_ids(), "guide")
    chosen_formats = _choose(format_names, list(FORMATS), "format", list(WEB_FORMATS))
    papers = [] if paper.casefold() == "all" else _choose([paper], list(PAPERS), "paper")
    loaded = _load_guides(chosen_guides, registry, loaded_guides)
    for loc in locale_names:
        if loc.casefold() != "all" and not any(_locales_for(g, [loc])[0] for g in loaded):
            have = sorted({x for g in loaded for x in available_locales(g.id)})
            raise UsageError(
                f"locale {loc}: no catalog for {', '.join(chosen_guides)} "
                f"(available: {', '.join(have)})"
            )
    jobs: list[Job] = []
    notes: list[str] = list(org.notes) if org else []
    for g in loaded:
        locs, skipped = _locales_for(g, locale_names)
        made, paper_notes = _jobs_for(
            g,
            locs,
            chosen_formats,
            papers,
            bool(bleed),
            explicit_paper=bool(papers) and "all" not in [f.casefold() for f in format_names],
            office_paper=org is not None,
            pdfx=pdfx,
        )
        jobs += made
        notes += [n for n in skipped + paper_notes if n not in notes]
    if pdfx:  # a bad profile is one line before any work (ConfigError)
        from .pdfx import press_for  # pikepdf is for press files only: start-up stays fast

        press_for(str(org.icc_profile) if org and org.icc_profile else None)
    stale = stale_entries(registry, {g.id for g in loaded}, max_age)
    if stale and strict:
        more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
        raise StaleRegistryError(stale[0] + more)
    return Plan(
        tuple(jobs),
        Path(out) if out is not None else DEFAULT_OUT,
        registry,
        {g.id: g for g in loaded},
        org,
        allow_incomplete,
        tuple(notes),
        tuple(stale),
    )


def _load_guides(
    ids: list[str], registry: Registry, loaded: dict[str, Guide] | None
) -> list[Guide]:
    """The guides, read (load_guides), or taken from `loaded` and checked against `registry`
    as load_guides checks what it reads."""
    if loaded is None:
        return load_guides(ids, registry)
    for gid in ids:
        if gid in loaded:
            g = loaded[gid]
            if g.id not in registry.editions:  # as load_guide says it
                name = g.path.name if g.path else g.id
                raise SourceError(f"{name}: edition {g.id!r} is not in the registry's [editions]")
            check_guide(g, registry)
        else:
            loaded[gid] = load_guides([gid], registry)[0]
    return [loaded[gid] for gid in ids]


def prepare_out(out: Path) -> None:
    """Make the output folder, or say in one line why it cannot be written there (the root
    of a file system, or inside leaflets' own files, are refused)."""
    resolved = out.resolve()
    if resolved == Path(resolved.anchor):
        raise OutputError(f"--out {out}: is the root of a file system; choose a folder")
    package = Path(__file__).resolve().parent.parent
    for mine in (package, package.parent / "locales", package.parent / "fonts"):
        if resolved == mine or resolved.is_relative_to(mine):
            raise OutputError(f"--out {out}: is inside leaflets' own files; choose another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder; choose another path")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise OutputError(
            f"--out {out}: cannot write there ({e.strerror}); choose another folder"
        ) from None
