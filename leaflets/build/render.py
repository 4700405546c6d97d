"""One guide in one language and format, rendered to PDF bytes in memory.

With ``SOURCE_DATE_EPOCH`` set, reportlab's invariant mode and that timestamp make two renders
byte-identical; without it, the PDF carries the build's date.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import PDFObject, PDFStream, PDFTrueTypeFont, PDFZCompress
from reportlab.pdfgen.canvas import Canvas

from .. import __version__
from ..colour import hex_rgb
from ..errors import BuildError
from ..formats import Format, HtmlFormat, ornaments
from ..i18n.locales import format_date
from ..i18n.localise import LocalisedGuide
from ..render.document import Document, Theme
from ..render.page import ORNAMENTS as PAGE_ORNAMENTS
from ..render.tagging import Tags, problems, speech
from ..sources.registry import Registry
from ..text import fonts
from . import pdfua

if TYPE_CHECKING:
    from ..sources.config import OrgConfig


@dataclass(frozen=True)
class Output:
    """A rendered file: its bytes, its pages, and the registry entries it printed as text and
    as QR codes."""

    data: bytes
    pages: int
    printed: tuple[str, ...]
    coded: tuple[str, ...] = ()


def metadata(
    lg: LocalisedGuide, fmt: Format, paper: str, org: OrgConfig | None = None
) -> dict[str, str]:
    g = lg.guide
    title = fmt.title(g)
    return {
        "title": f"{title} ({fmt.description}, {lg.edition_name}, {lg.language_name})",
        "author": org.name if org else "leaflets",
        "creator": f"leaflets {__version__}",
        "subject": f"Safety guidance, edition {g.name}, in {lg.language_name}"
        + (" (DRAFT translation, not yet reviewed)" if lg.is_draft else ""),
        "keywords": (
            f"leaflets guide={g.id} locale={lg.locale} format={fmt.name} paper={paper} "
            f"review={lg.status}" + (f" catalog={lg.catalog}" if lg.catalog else "")
        ),
    }


# Font stacks by language and texts: one per organisation's texts in a build of many
# schools, so the oldest give way beyond this many (a long run's memory stays flat; a
# language's own subset is cached on disk and remade in a few ms).
MAX_STACKS = 64
_stacks: dict[tuple, fonts.Stack] = {}
# the last (guide, registry, organisation) objects asked for and their stack: the same
# (immutable) objects again need not walk the guide's messages to make the key (0.4 ms a card)
_last: tuple = (None, None, None, None)


def prepared_stack(lg: LocalisedGuide, registry: Registry, org: OrgConfig | None) -> fonts.Stack:
    """The language's font stack, its CJK faces subset to what the files print (the texts,
    the language's and the edition's names, the date, and the characters the formats and
    pages print of their own), and every character checked to have a font: once per
    language, not per file."""
    global _last
    if _last[0] is lg and _last[1] is registry and _last[2] is org:
        return _last[3]
    guide = list(lg.guide.messages())
    messages = guide + (org.texts() if org else [])
    own = ornaments() + PAGE_ORNAMENTS
    names = (lg.language_name, lg.edition_name)
    key = (lg.locale, names, tuple(t for _, t, _ in messages), own, registry.digest)
    stack = _stacks.get(key)
    if stack is None:
        chars = {c for _, text, _ in guide for c in text} | set("".join(names)) | set(own)
        chars |= set(format_date(min(r.verified for r in registry), lg.locale, lg.guide.region))
        extra = {c for _, text, _ in messages[len(guide) :] for c in text} - chars
        stack = fonts.stack(lg.locale, chars, extra)
        own_texts = [
            ("the language's name", lg.language_name, ""),
            ("the edition's name", lg.edition_name, ""),
            ("the formats' marks", own, ""),
        ]
        fonts.check_coverage(messages + own_texts, stack, lg.locale)
        while len(_stacks) >= MAX_STACKS:  # the oldest first (a dict keeps the order made)
            del _stacks[next(iter(_stacks))]
        _stacks[key] = stack
    _last = (lg, registry, org, stack)
    return stack


def render_pdf(
    lg: LocalisedGuide,
    registry: Registry,
    fmt: Format,
    paper: str,
    bleed: bool = False,
    theme: Theme | None = None,
    org: OrgConfig | None = None,
    tagged: bool = True,
    press: bool = False,
) -> Output:
    """One guide in one language and format. With an organisation's config, its name, logo
    and local contacts are printed too (the registry must then hold them:
    OrgConfig.registry).

    The file is a tagged PDF (PDF/UA-1: its structure, reading order, alternative texts and
    link annotations, build.pdfua). `tagged=False` leaves all that out and prints the same
    pages (tests and benchmarks compare the two).

    With `press` (build --pdfx) it is PDF/X-4 for a print shop, with bleed: every colour
    CMYK through the ICC output profile (the organisation's ``[print] icc_profile``, or the
    shipped one), black text, numbers and codes in 100 % K, the profile embedded as the
    output intent (build.pdfx).

    Raises BuildError when the file does not print a helpline the registry requires of its
    edition on this format: a layout that dropped one must never be written."""
    stack = prepared_stack(lg, registry, org)
    spec = fmt.page_spec(paper, bleed or press)
    if theme is None:
        theme = Theme(accent=hex_rgb(org.accent)) if org and org.accent else Theme()
    if press and theme.press is None:
        profile = getattr(org, "icc_profile", None)
        from . import pdfx  # pikepdf: for a press file only, keeping start-up fast

        theme = replace(theme, press=pdfx.press_for(str(profile) if profile else None))
    tags = Tags(registry, speech(lg), rtl=lg.direction == "rtl") if tagged else None
    doc = Document(lg, registry, theme, stack, org, tags=tags)
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
        enforceColorSpace=theme.colour_space(),
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
    pages = canvas.getPageNumber() - 1
    what = f"guide {lg.guide.id}, locale {lg.locale}, format {fmt.name}, paper {paper}"
    least, most = fmt.page_range()
    if not least <= pages <= most:
        raise BuildError(
            f"{what}: printed {pages} page(s), but the format declares {fmt.pages_text()}"
        )
    edition = registry.editions[lg.guide.id]
    _check_printed(what, registry, edition.requires.get(fmt.name, ()), doc.printed)
    tree = tags.tree() if tags is not None else None
    if tree is not None:
        wrong = problems(tree, meta["title"], lg.locale)
        if wrong:
            raise BuildError(f"{what}: not accessible: {'; '.join(wrong)}")
    if len(canvas._doc.Pages.pages) != pages or len(canvas._code):
        raise BuildError(f"{what}: a page was drawn but never shown")
    _finish(canvas)
    if tree is not None:
        pdfua.tag(canvas, tree, lg.locale)  # written with the file: nothing re-opens it
    canvas.save()
    data = buf.getvalue()
    if theme.press is not None:
        from . import pdfx  # pikepdf: for a press file only, keeping start-up fast

        data = pdfx.make_pdfx(data, theme.press, what)
    return Output(data, pages, tuple(sorted(doc.printed)), tuple(sorted(doc.coded)))


class _Numbers(PDFObject):
    """A PDF array of numbers written in one go (reportlab's PDFArray formats each element
    through its general `format`: 0.2 ms for a font's 128 widths)."""

    def __init__(self, values) -> None:
        self.values = values

    def format(self, document) -> bytes:
        text = " ".join(str(v) if type(v) is int else fp_str(v) for v in self.values)
        return b"[" + text.encode("ascii") + b"]"


def _finish(canvas) -> None:
    """What reportlab does first when it saves, done before it, and cheaper: the TrueType
    subsets realised (their widths written as one array each); each page's content
    Flate-compressed only (reportlab would wrap it in ASCII85 too: a quarter larger, and slow
    in pure Python), and signed into the document ID, which reportlab derives from the date
    and the metadata alone: two files differ in their ID when they differ in what they draw
    (a press file and its office file)."""
    doc = canvas._doc
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.delayedFonts = []
    for obj in doc.idToObject.values():
        if type(obj) is PDFTrueTypeFont and hasattr(obj.Widths, "sequence"):
            obj.Widths = _Numbers(obj.Widths.sequence)
    for page in doc.Pages.pages:
        if page.stream:
            doc.updateSignature(page.stream)
        if page.compression and not page.Contents and page.stream:
            page.Contents = PDFStream(content=page.stream, filters=[PDFZCompress])


def _check_printed(what: str, registry: Registry, required, printed: set[str]) -> None:
    """A file that lacks a helpline its edition requires of it, or prints no number at all,
    is never written."""
    missing = [rid for rid in required if rid not in printed]
    if missing:
        names = ", ".join(f"{registry[r].name} ({registry[r].display})" for r in missing)
        raise BuildError(f"{what}: does not print {names}, which the registry requires on it")
    if not any(registry[r].tel for r in printed):
        raise BuildError(f"{what}: prints no helpline number; every piece must carry one")


def render_page(
    lg: LocalisedGuide,
    registry: Registry,
    fmt: HtmlFormat,
    theme: Theme | None = None,
    org: OrgConfig | None = None,
) -> Output:
    """The web page of one guide in one language (no fonts, no paper): refused, like a PDF,
    when it does not print a helpline the registry requires of it."""
    if theme is None:
        theme = Theme(accent=hex_rgb(org.accent)) if org and org.accent else Theme()
    doc = Document(lg, registry, theme, None, org)  # no font stack: the reader's device's fonts
    data = fmt.render(doc)
    what = f"guide {lg.guide.id}, locale {lg.locale}, format {fmt.name}"
    _check_printed(what, registry, fmt.required(registry, lg.guide.id), doc.printed)
    return Output(data, 1, tuple(sorted(doc.printed)))
