"""The document a format draws, and the geometry of its pages.

Coordinates handed to formats are in points with (0, 0) at the lower-left corner of the trim;
the bleed lies at negative coordinates and beyond the trim size.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reportlab.lib.colors import CMYKColor, CMYKColorSep, toColor

from ..colour import DEFAULT_ACCENT, K100, WHITE, Press, hex_rgb
from ..i18n.localise import LocalisedGuide
from ..sources.registry import Registry
from ..text.fonts import Stack
from ..text.typography import Typography
from .tagging import Tags

if TYPE_CHECKING:
    from ..sources.config import OrgConfig


@dataclass(frozen=True)
class Theme:
    """Colours of a print: the accent (bands, headings), a pale ground, and text."""

    accent: tuple[float, float, float] = hex_rgb(DEFAULT_ACCENT)
    on_accent: tuple[float, float, float] = (1, 1, 1)
    ground: tuple[float, float, float] = hex_rgb("eef3f8")
    text: tuple[float, float, float] = hex_rgb("1a1a1f")
    muted: tuple[float, float, float] = hex_rgb("4a5563")
    draft: tuple[float, float, float] = hex_rgb("b3261e")
    press: Press | None = field(default=None, compare=False)  # CMYK print (build --pdfx)

    @property
    def inks(self) -> dict[tuple, tuple[float, float, float, float]]:
        """The CMYK of each of the theme's colours, decided once (a print through `press`):
        text in 100 % K, muted text a K tint as light, white paper unprinted, the accent,
        ground and draft red through the ICC profile."""
        if self.press is None:
            return {}
        got = self.__dict__.get("_inks")
        if got is None:
            p = self.press
            got = {
                self.accent: p.cmyk(self.accent),
                self.ground: p.cmyk(self.ground),
                self.draft: p.cmyk(self.draft),
                self.muted: p.k_tint(p.lab_of_rgb(self.muted)[0]),
                self.on_accent: WHITE if min(self.on_accent) >= 0.996 else p.cmyk(self.on_accent),
                self.text: K100,
            }
            object.__setattr__(self, "_inks", got)
        return got

    def colour_space(self):
        """What the canvas does with a colour: None (as drawn, RGB) for office printing; for a
        press, a reportlab `enforceColorSpace` callable that gives every colour set on the
        canvas or a text object (the formats', the text module's, an SVG logo's) as CMYK."""
        if self.press is None:
            return None
        inks, press = self.inks, self.press

        def to_cmyk(colour):
            tc = toColor(colour)
            if isinstance(tc, CMYKColorSep):
                raise ValueError(f"spot colour {tc!r} in a CMYK print")
            if isinstance(tc, CMYKColor):
                return tc
            rgb = (tc.red, tc.green, tc.blue)
            c, m, y, k = inks.get(rgb) or press.cmyk(rgb)
            return CMYKColor(c, m, y, k, alpha=tc.alpha)

        return to_cmyk


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
    """What a format needs to draw one guide in one language, and the record of what it drew.

    Every registry entry whose number or link is drawn lands in the record: in text (through
    a typography made here) in :attr:`printed`, as a QR code (:meth:`record`) in
    :attr:`coded`. The manifest, the build's check of what each edition must carry and verify
    read that record, not a list. With :attr:`tags`, it records its structure too (what a
    screen reader reads, and in which order: render.tagging).
    """

    lg: LocalisedGuide
    registry: Registry
    theme: Theme
    stack: Stack
    org: OrgConfig | None = None
    printed: set[str] = field(default_factory=set)  # numbers and links drawn as text
    coded: set[str] = field(default_factory=set)  # drawn as QR codes
    tags: Tags | None = None  # the structure, for a tagged PDF

    def record(self, resource_ids: Iterable[str], as_code: bool = False) -> None:
        """Note registry entries as printed on this document, as text or as a code."""
        (self.coded if as_code else self.printed).update(resource_ids)

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
        return Typography(
            self.stack,
            max_size,
            min_size,
            min_number,
            rtl=self.rtl,
            on_draw=self.record,
            tags=self.tags,
        )

    def region(self, key: float, part: str = ""):
        """Reading order: what is drawn inside is read at `key` (render.tagging)."""
        return self.tags.region(key, part) if self.tags else nullcontext()

    def artifact(self):
        """What is drawn inside is for print only, never read (a repeated card)."""
        return self.tags.artifact() if self.tags else nullcontext()

    def what(self, fmt: str, paper: str, part: str) -> str:
        """How a fitting error names what did not fit."""
        g, loc = self.guide.id, self.lg.locale
        return f"guide {g}, locale {loc}, format {fmt}, paper {paper}: {part}"


def fill_rect(canvas, x, y, w, h, color) -> None:
    canvas.setFillColor(color)
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
