"""Shared drawing: page geometry, backgrounds into the bleed, QR codes with labels, crop marks,
and crop marks.

Coordinates handed to formats are in points with (0, 0) at the lower-left corner of the trim;
the bleed lies at negative coordinates and beyond the trim size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from . import qr
from .content import QRLabel, Ref, Registry, segments
from .errors import FitError
from .fonts import Stack
from .i18n import LocalisedGuide
from .text import Fitted, Para, Typography, fit

if TYPE_CHECKING:
    from .config import OrgConfig

MM = 72 / 25.4


def mm(v: float) -> float:
    return v * MM


def hex_rgb(h: str) -> tuple[float, float, float]:
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Theme:
    """Colours of a print: the accent (bands, headings), a pale ground, and text."""

    accent: tuple[float, float, float] = hex_rgb("1f3a5f")
    on_accent: tuple[float, float, float] = (1, 1, 1)
    ground: tuple[float, float, float] = hex_rgb("eef3f8")
    text: tuple[float, float, float] = hex_rgb("1a1a1f")
    muted: tuple[float, float, float] = hex_rgb("4a5563")
    draft: tuple[float, float, float] = hex_rgb("b3261e")


@dataclass(frozen=True)
class PageSpec:
    """The geometry of one printed page, in points."""

    paper: str
    trim_w: float
    trim_h: float
    bleed: float  # beyond the trim on every side (0 for office printing)
    marks: float  # room for crop marks beyond the bleed
    safe: float  # text and codes stay this far inside the trim

    @property
    def offset(self) -> float:
        return self.bleed + self.marks

    @property
    def media(self) -> tuple[float, float]:
        return self.trim_w + 2 * self.offset, self.trim_h + 2 * self.offset

    def box(self, grow: float) -> tuple[float, float, float, float]:
        """A box around the trim, in media coordinates, grown by `grow` points."""
        o = self.offset
        return (o - grow, o - grow, o + self.trim_w + grow, o + self.trim_h + grow)

    @property
    def safe_box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the safe area in trim coordinates."""
        s = self.safe
        return (s, s, self.trim_w - s, self.trim_h - s)


@dataclass
class Document:
    """What a format needs to draw one guide in one language."""

    lg: LocalisedGuide
    registry: Registry
    theme: Theme
    stack: Stack
    org: OrgConfig | None = None

    @property
    def rtl(self) -> bool:
        return self.lg.direction == "rtl"

    def flip(self, spec: PageSpec, x0: float, x1: float) -> tuple[float, float]:
        """A horizontal span, mirrored across the page for a right-to-left language."""
        return (spec.trim_w - x1, spec.trim_w - x0) if self.rtl else (x0, x1)

    @property
    def guide(self):
        return self.lg.guide

    def typography(self, max_size: float, min_size: float, min_number: float = 8.0) -> Typography:
        return Typography(self.stack, max_size, min_size, min_number, rtl=self.rtl)

    def what(self, fmt: str, paper: str, part: str) -> str:
        """How a fitting error names what did not fit."""
        g, loc = self.guide.id, self.lg.locale
        return f"guide {g}, locale {loc}, format {fmt}, paper {paper}: {part}"


def fill_rect(canvas, x, y, w, h, color) -> None:
    canvas.setFillColorRGB(*color)
    canvas.rect(x, y, w, h, stroke=0, fill=1)


def background(canvas, spec: PageSpec, color) -> None:
    """Paint the whole page, bleed included (an office page has no bleed: it stops at the trim)."""
    b = spec.bleed
    fill_rect(canvas, -b, -b, spec.trim_w + 2 * b, spec.trim_h + 2 * b, color)


def band(canvas, spec: PageSpec, y0: float, y1: float, color) -> None:
    """A full-width colour band between y0 and y1, running into the bleed at the sides and,
    where it touches the trim edge, at the top or bottom."""
    b = spec.bleed
    lo = -b if y0 <= 0 else y0
    hi = spec.trim_h + b if y1 >= spec.trim_h else y1
    fill_rect(canvas, -b, lo, spec.trim_w + 2 * b, hi - lo, color)


def qr_block(
    canvas,
    doc: Document,
    resource_id: str,
    label: str,
    x: float,
    top: float,
    width: float,
    symbol: float,
    label_typo: Typography,
    what: str,
    label_height: float = mm(6),
    code_area: float | None = None,
    label_margin: float = 0.0,
) -> float:
    """A QR code for a registry entry, centred in a column, with its label under it; returns
    the height used.

    (x, top) is the top-left corner of the column; the code's quiet zone starts at `top`, or
    the code is centred in `code_area` when given (so labels of a row line up). The payload
    comes from the registry only; the label is the guide's text, fitted to the width less
    `label_margin` on each side, so labels of codes side by side never run together.
    """
    res = doc.registry[resource_id]
    own = qr.outer_size(symbol, res.qr)
    outer = max(code_area or own, own)
    qr.draw(canvas, res.qr, x + (width - symbol) / 2, top - (outer + symbol) / 2, symbol)
    fitted = fit(
        [Para.of(label, bold=True, align="center", color=doc.theme.text)],
        label_typo,
        width - 2 * label_margin,
        label_height,
        what,
    )
    fitted.draw(canvas, x + label_margin, top - outer)
    return outer + fitted.height


def crop_marks(
    canvas, spec: PageSpec, corners: list[tuple[float, float]] | None = None, length: float = mm(4)
) -> None:
    """Crop marks at trim corners, outside the bleed so they never print on the piece."""
    if corners is None:
        corners = [(0, 0), (spec.trim_w, 0), (0, spec.trim_h), (spec.trim_w, spec.trim_h)]
    gap = max(spec.bleed, mm(2))
    canvas.saveState()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(0.25)
    for cx, cy in corners:
        sx = -1 if cx <= 0 else 1
        sy = -1 if cy <= 0 else 1
        canvas.line(cx + sx * gap, cy, cx + sx * (gap + length), cy)
        canvas.line(cx, cy + sy * gap, cx, cy + sy * (gap + length))
    canvas.restoreState()


def _draft_text(doc: Document, spec: PageSpec, width: float) -> Fitted:
    """The draft note laid out for a band `width` wide: 6 pt on cards (their floor), larger on
    bigger paper."""
    small = spec.trim_w < mm(120)
    size = 6.0 if small else 9.0 * min(spec.trim_w, spec.trim_h) / mm(210)
    typo = doc.typography(size, size, size)
    return fit(
        [Para.of(draft_note(doc), bold=True, color=(1, 1, 1), align="center")],
        typo,
        width - mm(2),
        mm(12),
        doc.what("draft band", spec.paper, "draft note"),
    )


DRAFT_PAD = mm(0.6)


def draft_band_height(doc: Document, spec: PageSpec, width: float | None = None) -> float:
    """Height of the draft band (0 for a reviewed text), plus the gap that separates it."""
    if not doc.lg.needs_band:
        return 0.0
    x0, _, x1, _ = spec.safe_box
    return _draft_text(doc, spec, width or x1 - x0).height + 2 * DRAFT_PAD + mm(1)


def content_box(
    doc: Document, spec: PageSpec, band_at: str = "top"
) -> tuple[float, float, float, float]:
    """The safe area less the draft band a draft translation carries (at its top, or at its
    bottom on cards, whose top holds the headline band)."""
    x0, y0, x1, y1 = spec.safe_box
    h = draft_band_height(doc, spec)
    return (x0, y0, x1, y1 - h) if band_at == "top" else (x0, y0 + h, x1, y1)


def draft_note(doc: Document) -> str:
    """The English word DRAFT and the note in the language, and the fallback note if any."""
    ui = doc.guide.ui
    parts = []
    if doc.lg.is_draft:
        parts.append(f"DRAFT · {ui.draft_note}")
    if doc.lg.fallback_messages:
        parts.append(ui.fallback_note)
    return " · ".join(parts)


def draft_band(
    canvas, doc: Document, spec: PageSpec, at: str = "top", span: tuple[float, float] | None = None
) -> None:
    """A red band at the top (or bottom) of the safe area saying the translation is a draft,
    across the safe area or the horizontal `span` given."""
    sx0, y0, sx1, y1 = spec.safe_box
    x0, x1 = span or (sx0, sx1)
    fitted = _draft_text(doc, spec, x1 - x0)
    h = fitted.height + 2 * DRAFT_PAD
    bottom = y1 - h if at == "top" else y0
    fill_rect(canvas, x0, bottom, x1 - x0, h, doc.theme.draft)
    fitted.draw(canvas, x0 + mm(1), bottom + h - DRAFT_PAD)


@contextmanager
def page(canvas, doc: Document, spec: PageSpec, draft: bool = True) -> Iterator[None]:
    """One page: drawing inside happens in trim coordinates; the page ends with the draft
    band (for a draft translation, unless the format draws its own), crop marks (when the
    spec has room) and ``showPage``."""
    canvas.saveState()
    canvas.translate(spec.offset, spec.offset)
    yield
    if draft and doc.lg.needs_band:
        draft_band(canvas, doc, spec)
    if spec.marks:
        crop_marks(canvas, spec)
    canvas.restoreState()
    canvas.showPage()


def checked_date(doc: Document, resource_ids) -> str:
    """The oldest verified date of the resources printed, formatted for the language."""
    from .i18n import format_date

    dates = [doc.registry[r].verified for r in resource_ids]
    return format_date(min(dates), doc.lg.locale, doc.guide.region) if dates else ""


def checked_line(doc: Document) -> list:
    """ "Numbers and links checked on <date>", the date being the oldest verified date of the
    edition's registry entries (an organisation's own contacts are its own business)."""
    g = doc.guide
    ids = [r.id for r in doc.registry if g.id in r.editions and not r.is_local]
    return segments(g.leaflet.checked, doc.registry, {"date": checked_date(doc, ids)})


def footer_line(
    canvas, doc: Document, spec: PageSpec, k: float = 1.0, span: tuple[float, float] | None = None
) -> float:
    """A muted line at the bottom of the safe area (or of the horizontal `span` of it): when
    the numbers were checked. Returns the height used."""
    g = doc.guide
    if not g.leaflet.checked:
        return 0.0
    x0, y0, x1, _ = content_box(doc, spec)
    if span:
        x0, x1 = span
    segs = checked_line(doc)
    paras = [Para.of([*segs, f" · {g.name} · {doc.lg.language_name}"], color=doc.theme.muted)]
    fitted = fit(
        paras,
        doc.typography(10 * k, 8 * k, 8 * k),
        x1 - x0,
        mm(12) * k,
        doc.what("footer", spec.paper, "checked date"),
    )
    fitted.draw(canvas, x0, y0 + fitted.height)
    return fitted.height


# ----------------------------------------------------------------------------- organisation


def local_contacts(
    doc: Document, color=None, space_before: float = 0.45, bullet: str = "", hours: bool = True
) -> list[Para]:
    """The organisation's contacts: its label as written, the number (formatted for its
    country, from the registry copy the config made) and, where there is room, hours."""
    if not doc.org:
        return []
    out = []
    for c in doc.org.contacts:
        segs: list = [f"{c.label}: ", Ref(doc.registry[c.id])]
        if c.hours and hours:
            segs.append(f" ({c.hours})")
        out.append(
            Para.of(segs, color=color or doc.theme.text, space_before=space_before, bullet=bullet)
        )
    return out


def local_codes(doc: Document) -> tuple[QRLabel, ...]:
    """QR codes for the organisation's contacts, labelled with their labels."""
    if not doc.org:
        return ()
    return tuple(QRLabel(c.id, c.label) for c in doc.org.contacts)


def logo_width(doc: Document, height: float) -> float:
    """The printed width of the logo at `height`, or 0 without one."""
    logo = doc.org.logo if doc.org else None
    if logo is None:
        return 0.0
    w, h = _logo_size(str(logo))
    return height * w / h


def draw_logo(canvas, doc: Document, x: float, y: float, height: float) -> float:
    """The logo with its lower-left corner at (x, y); returns its width."""
    logo = doc.org.logo if doc.org else None
    if logo is None:
        return 0.0
    width = logo_width(doc, height)
    if logo.suffix.lower() == ".svg":
        from reportlab.graphics import renderPDF
        from reportlab.graphics.shapes import STATE_DEFAULTS

        drawing = _svg(str(logo))
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(width / drawing.width, height / drawing.height)
        # the renderer selects its default font (Helvetica, never embedded) even for a logo
        # without text: give it the embedded Latin face instead
        default_font = STATE_DEFAULTS["fontName"]
        STATE_DEFAULTS["fontName"] = doc.stack.faces[-1].name
        try:
            renderPDF.draw(drawing, canvas, 0, 0)
        finally:
            STATE_DEFAULTS["fontName"] = default_font
        canvas.restoreState()
    else:
        canvas.drawImage(str(logo), x, y, width, height, mask="auto")
    return width


@cache
def _svg(path: str):
    from svglib.svglib import svg2rlg

    return svg2rlg(path)


@cache
def _logo_size(path: str) -> tuple[float, float]:
    if path.lower().endswith(".svg"):
        d = _svg(path)
        return d.width, d.height
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def org_layout(doc: Document, x0: float, x1: float, height: float, what: str, color=None):
    """The organisation's logo and name laid out in x0..x1 (from the right in a right-to-left
    language), the logo `height` high and the name on one line if it can be, at most two.
    Returns (height used, draw(canvas, bottom)); (0, no-op) without a config."""
    if not doc.org:
        return 0.0, lambda canvas, bottom: None
    lw = logo_width(doc, height)
    gap = mm(2) if lw else 0.0
    size = height / 1.25
    typo = doc.typography(size, min(size, 6), 6)
    para = [Para.of(doc.org.name, bold=True, color=color or doc.theme.text)]
    try:
        fitted = fit(para, typo, x1 - x0 - lw - gap, height, what)
    except FitError:
        fitted = fit(para, typo, x1 - x0 - lw - gap, height * 2.4, what)
    h = max(height, fitted.height)

    def draw(canvas, bottom: float) -> None:
        if doc.rtl:
            draw_logo(canvas, doc, x1 - lw, bottom + (h - height) / 2, height)
            fitted.draw(canvas, x0, bottom + (h + fitted.height) / 2)
        else:
            draw_logo(canvas, doc, x0, bottom + (h - height) / 2, height)
            fitted.draw(canvas, x0 + lw + gap, bottom + (h + fitted.height) / 2)

    return h, draw


def org_line(
    canvas, doc: Document, x0: float, x1: float, bottom: float, height: float, what: str, color=None
) -> float:
    """Draw the organisation's logo and name from `bottom` up; returns the height used."""
    h, draw = org_layout(doc, x0, x1, height, what, color)
    draw(canvas, bottom)
    return h
