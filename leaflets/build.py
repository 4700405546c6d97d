"""Build: the guide x locale x format x paper matrix, each PDF rendered in memory and written
atomically, so an interrupted build leaves the previous file or none, never half a PDF.

With ``SOURCE_DATE_EPOCH`` set, reportlab's invariant mode and that timestamp make two builds
byte-identical; without it, the PDF carries the build's date.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, fonts
from .config import OrgConfig
from .content import Guide, Registry, default_registry, load_guides
from .draw import Document, Theme, hex_rgb
from .errors import CatalogError, LeafletsError
from .formats import FORMATS, Format
from .i18n import LocalisedGuide, format_date, localise


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


def metadata(lg: LocalisedGuide, fmt: Format, paper: str,
             org: OrgConfig | None = None) -> dict[str, str]:
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


def render_pdf(lg: LocalisedGuide, registry: Registry, fmt: Format, paper: str,
               bleed: bool = False, theme: Theme | None = None,
               org: OrgConfig | None = None) -> bytes:
    """One guide in one language and format, as PDF bytes. With an organisation's config,
    its name, logo and local contacts are printed too (the registry must then hold them:
    OrgConfig.registry)."""
    from reportlab.pdfgen.canvas import Canvas

    messages = list(lg.guide.messages()) + (org.texts() if org else [])
    chars = {c for _, text, _ in messages for c in text} | set(lg.language_name) | set("•×–·")
    chars |= set(format_date(min(r.verified for r in registry), lg.locale, lg.guide.region))
    stack = fonts.stack(lg.locale, chars)
    fonts.check_coverage(messages, stack, lg.locale)
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


def expand(value: str, choices: Iterable[str]) -> list[str]:
    choices = list(choices)
    return choices if value == "all" else [value]


def plan(guides: list[Guide], locales: list[str], formats: list[str], papers: list[str],
         bleed: bool, explicit_paper: bool) -> tuple[list[Job], list[str]]:
    """The jobs to run, and notes for papers skipped because a format does not come on them."""
    jobs, notes = [], []
    for fname in formats:
        if fname not in FORMATS:
            raise LeafletsError(
                f"unknown format {fname!r}: choose from {', '.join(FORMATS)} or all"
            )
        fmt = FORMATS[fname]
        for paper in papers or fmt.papers:
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


def run(jobs: list[Job], out: Path, registry: Registry | None = None,
        guides: dict[str, Guide] | None = None, allow_incomplete: bool = False,
        org: OrgConfig | None = None) -> BuildResult:
    """Render and write every job; failures are collected, the other files kept."""
    registry = registry or default_registry()
    guides = guides or {g.id: g for g in load_guides(sorted({j.guide for j in jobs}), registry)}
    result = BuildResult()
    localised: dict[tuple[str, str], LocalisedGuide | None] = {}
    for job in jobs:
        key = (job.guide, job.locale)
        if key not in localised:
            try:
                localised[key] = localise(guides[job.guide], job.locale, allow_incomplete)
            except CatalogError as e:  # a bad catalog stops its locale, not the run
                result.failures += e.problems
                localised[key] = None
            except LeafletsError as e:
                result.failures.append(str(e))
                localised[key] = None
        lg = localised[key]
        if lg is None:
            continue
        try:
            data = render_pdf(lg, registry, FORMATS[job.format], job.paper, job.bleed,
                              org=org)
        except LeafletsError as e:
            result.failures.append(str(e))
            continue
        path = out / job.relpath
        write_atomic(path, data)
        result.written.append(path)
    return result
