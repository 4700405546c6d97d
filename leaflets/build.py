"""Build: the guide x locale x format x paper matrix, each PDF rendered in memory and written
atomically, so an interrupted build leaves the previous file or none, never half a PDF.

With ``SOURCE_DATE_EPOCH`` set, reportlab's invariant mode and that timestamp make two builds
byte-identical; without it, the PDF carries the build's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, fonts
from .content import FIELDS, PLACEHOLDER, Guide, Registry, default_registry, load_guides
from .draw import Document, Theme, hex_rgb
from .errors import CatalogError, LeafletsError
from .formats import FORMATS, Format
from .i18n import LocalisedGuide, format_date, localise

if TYPE_CHECKING:
    from .config import OrgConfig


@dataclass(frozen=True)
class Job:
    guide: str
    locale: str
    format: str
    paper: str
    bleed: bool = False

    @property
    def relpath(self) -> str:
        return f"{self.guide}/{self.locale}/{self.format}-{self.paper}.pdf"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def metadata(
    lg: LocalisedGuide, fmt: Format, paper: str, org: OrgConfig | None = None
) -> dict[str, str]:
    g = lg.guide
    title = " ".join(t for t in (g.title, g.subtitle) if t)
    return {
        "title": f"{title} ({fmt.description}, {g.name}, {lg.language_name})",
        "author": org.name if org else "leaflets",
        "creator": f"leaflets {__version__}",
        "subject": f"Safety guidance, edition {g.name}, in {lg.language_name}"
        + (" (DRAFT translation, not yet reviewed)" if lg.is_draft else ""),
        "keywords": (
            f"leaflets guide={g.id} locale={lg.locale} format={fmt.name} paper={paper} "
            f"review={lg.status}"
        ),
    }


_stacks: dict[tuple, fonts.Stack] = {}


def _prepared_stack(lg: LocalisedGuide, registry: Registry, org: OrgConfig | None):
    """The language's font stack, its CJK faces subset to what the leaflet prints, and every
    character checked to have a font: once per language and text, not per file."""
    messages = list(lg.guide.messages()) + (org.texts() if org else [])
    key = (lg.locale, lg.language_name, tuple(t for _, t, _ in messages), registry.digest)
    stack = _stacks.get(key)
    if stack is None:
        chars = {c for _, text, _ in messages for c in text} | set(lg.language_name)
        chars |= set("•×–·")
        chars |= set(format_date(min(r.verified for r in registry), lg.locale, lg.guide.region))
        stack = fonts.stack(lg.locale, chars)
        fonts.check_coverage(messages, stack, lg.locale)
        _stacks[key] = stack
    return stack


def render_pdf(
    lg: LocalisedGuide,
    registry: Registry,
    fmt: Format,
    paper: str,
    bleed: bool = False,
    theme: Theme | None = None,
    org: OrgConfig | None = None,
) -> bytes:
    """One guide in one language and format, as PDF bytes. With an organisation's config,
    its name, logo and local contacts are printed too (the registry must then hold them:
    OrgConfig.registry)."""
    from reportlab.pdfgen.canvas import Canvas

    stack = _prepared_stack(lg, registry, org)
    spec = fmt.page_spec(paper, bleed)
    if theme is None:
        theme = Theme(accent=hex_rgb(org.accent)) if org and org.accent else Theme()
    doc = Document(lg, registry, theme, stack, org)
    face = stack.faces[-1]
    buf = io.BytesIO()
    canvas = Canvas(
        buf,
        pagesize=spec.media,
        invariant=1 if os.environ.get("SOURCE_DATE_EPOCH") else 0,
        initialFontName=face.name,
        initialFontSize=8,
        lang=lg.locale,
        pageCompression=1,
    )
    meta = metadata(lg, fmt, paper, org)
    canvas.setTitle(meta["title"])
    canvas.setAuthor(meta["author"])
    canvas.setCreator(meta["creator"])
    canvas.setSubject(meta["subject"])
    canvas.setKeywords(meta["keywords"])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    canvas.setTrimBox(spec.box(0))
    canvas.setBleedBox(spec.box(spec.bleed))
    fmt.render(doc, canvas, spec)
    canvas.save()
    return buf.getvalue()


def plan(
    guides: list[Guide],
    locales: list[str],
    formats: list[str],
    papers: list[str],
    bleed: bool,
    explicit_paper: bool,
    office_paper: bool = False,
) -> tuple[list[Job], list[str]]:
    """The jobs to run, and notes for papers skipped because a format does not come on them.

    With `office_paper` (an organisation's [print] paper) the papers name the printer's
    paper: a format with a single size of its own (the CR80 card) keeps it.
    """
    jobs, notes = [], []
    for fname in formats:
        if fname not in FORMATS:
            raise LeafletsError(
                f"unknown format {fname!r}: choose from {', '.join(FORMATS)} or all"
            )
        fmt = FORMATS[fname]
        own = office_paper and len(fmt.papers) == 1
        for paper in fmt.papers if own else papers or fmt.papers:
            if paper not in fmt.papers:
                if explicit_paper:
                    raise LeafletsError(
                        f"format {fname} does not come on paper {paper}; "
                        f"it comes on {', '.join(fmt.papers)}"
                    )
                notes.append(f"note: format {fname} does not come on {paper}; skipped")
                continue
            for g in guides:
                for loc in locales:
                    jobs.append(Job(g.id, loc, fname, paper, bleed))
    return jobs, notes


@dataclass(frozen=True)
class Context:
    """What every worker needs, sent once when it starts."""

    registry: Registry
    guides: dict[str, Guide]
    org: OrgConfig | None
    allow_incomplete: bool


@dataclass(frozen=True)
class Rendered:
    job: Job
    data: bytes | None
    failures: tuple[str, ...]
    review: str = ""
    resources: tuple[str, ...] = ()


_context: Context | None = None
_localised: dict[tuple[str, str], LocalisedGuide | tuple[str, ...]] = {}


def _start_worker(context: Context, ignore_interrupts: bool = True) -> None:
    """Each worker keeps the context, and loads catalogs and fonts once, on first use."""
    global _context
    _context = context
    _localised.clear()
    if ignore_interrupts:  # the parent stops the workers; they must not die half-way
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render(job: Job) -> Rendered:
    ctx = _context
    assert ctx is not None
    key = (job.guide, job.locale)
    if key not in _localised:
        try:
            _localised[key] = localise(ctx.guides[job.guide], job.locale, ctx.allow_incomplete)
        except CatalogError as e:  # a bad catalog stops its locale, not the run
            _localised[key] = tuple(e.problems)
        except LeafletsError as e:
            _localised[key] = (str(e),)
    lg = _localised[key]
    if isinstance(lg, tuple):
        return Rendered(job, None, lg)
    try:
        data = render_pdf(lg, ctx.registry, FORMATS[job.format], job.paper, job.bleed, org=ctx.org)
    except LeafletsError as e:
        return Rendered(job, None, (str(e),))
    return Rendered(job, data, (), lg.status, printed_resources(lg.guide, job.format, ctx))


def printed_resources(guide: Guide, fmt: str, ctx: Context) -> tuple[str, ...]:
    """The registry entries a file prints: those its texts and codes name (the leaflet's list
    of services names every entry of the edition), and the organisation's contacts."""
    texts = [
        text
        for ctx_, text, _ in guide.messages()
        if fmt == "leaflet"
        or ctx_.split("|", 1)[1].startswith(("card.", "poster.") if fmt == "poster" else ("card.",))
    ]
    ids = {m.group(1) for t in texts for m in PLACEHOLDER.finditer(t)} - set(FIELDS)
    ids |= {q.resource for q in guide.card.qr}
    if fmt in ("poster", "leaflet"):
        ids |= {q.resource for q in guide.poster.qr}
    if fmt == "leaflet":
        ids |= {r.id for r in ctx.registry if guide.id in r.editions and not r.is_local}
    if ctx.org:
        ids |= {c.id for c in ctx.org.contacts}
    return tuple(sorted(ids))


def remove_stale_temporaries(out: Path) -> None:
    """Temporary files a killed build may have left (never a finished PDF)."""
    for tmp in out.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def run(
    jobs: list[Job],
    out: Path,
    registry: Registry | None = None,
    guides: dict[str, Guide] | None = None,
    allow_incomplete: bool = False,
    org: OrgConfig | None = None,
    workers: int = 1,
    on_done: Callable[[Rendered], None] | None = None,
) -> BuildResult:
    """Render every job (in `workers` processes) and write each file atomically as it
    arrives; failures are collected, the other files kept; the manifest is written last.

    Only this process writes files, so stopping the workers can never leave half a PDF.
    """
    registry = registry or default_registry()
    guides = guides or {g.id: g for g in load_guides(sorted({j.guide for j in jobs}), registry)}
    context = Context(registry, guides, org, allow_incomplete)
    result = BuildResult()
    failures: dict[str, None] = {}
    entries = []

    def receive(r: Rendered) -> None:
        failures.update(dict.fromkeys(r.failures))
        if r.data is not None:
            path = out / r.job.relpath
            write_atomic(path, r.data)
            result.written.append(path)
            entries.append(manifest_entry(r, out, registry))
        if on_done:
            on_done(r)

    remove_stale_temporaries(out)
    if workers <= 1 or len(jobs) <= 1:
        _start_worker(context, ignore_interrupts=False)
        for job in jobs:
            receive(_render(job))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # jobs of one guide and language go to one worker where possible (its catalog and
        # fonts are loaded once): hand them out in that order
        ordered = sorted(jobs, key=lambda j: (j.guide, j.locale))
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(context,),
        )
        try:
            futures = [pool.submit(_render, job) for job in ordered]
            for future in as_completed(futures):
                receive(future.result())
        except BaseException:  # Ctrl-C, SIGTERM: stop the workers, nothing half-written
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(5)
            raise
        pool.shutdown()
    result.failures = list(failures)
    if entries:
        write_manifest(out, entries, registry)
    return result


# ----------------------------------------------------------------------------- manifest

MANIFEST = "manifest.json"
_DEPENDENCIES = (
    "reportlab",
    "segno",
    "babel",
    "click",
    "pypdf",
    "pypdfium2",
    "zxing-cpp",
    "phonenumbers",
    "fonttools",
    "uharfbuzz",
    "python-bidi",
    "svglib",
    "pillow",
)


def manifest_entry(r: Rendered, out: Path, registry: Registry) -> dict:
    data = r.data or b""
    return {
        "path": r.job.relpath,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "pages": FORMATS[r.job.format].pages,
        "guide": r.job.guide,
        "locale": r.job.locale,
        "format": r.job.format,
        "paper": r.job.paper,
        "bleed": r.job.bleed,
        "review": r.review,
        "resources": {rid: registry[rid].verified.isoformat() for rid in r.resources},
    }


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {"leaflets": __version__}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_manifest(out: Path, entries: list[dict], registry: Registry) -> Path:
    """DIR/manifest.json, written last and atomically; byte-identical for the same inputs."""
    path = out / MANIFEST
    manifest = {
        "tool": versions(),
        "registry_sha256": registry.digest,
        "files": sorted(entries, key=lambda e: e["path"]),
    }
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return path


# ----------------------------------------------------------------------------- freshness


def stale_entries(
    registry: Registry, editions: set[str], max_age_days: int, today: dt.date | None = None
) -> list[str]:
    """One line for each registry entry of these editions checked longer ago than allowed."""
    if today is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        today = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    out = []
    for r in registry:
        if r.is_local or not set(r.editions) & editions:
            continue
        age = (today - r.verified).days
        if age > max_age_days:
            out.append(
                f"registry entry {r.id} was last verified on {r.verified.isoformat()}, "
                f"{age} days ago (limit {max_age_days}); re-check it at: {r.source}"
            )
    return out
