"""Social images: a square post (1080 x 1080 px) and a story (1080 x 1920 px), each drawn as a
one-page PDF and rendered from it to PNG by the build once the PDF has passed its checks, so
that what is posted is what was verified (build.images).

Each says three things and nothing else: the headline; the main helpline with its number
large (the first of the poster's helplines, in the translator's words); one address a person
can type (the first contact whose entry is a link, not a number); and, for those who see it
on a computer, the QR code of the main helpline with its label. A draft carries its band; the
foot says when the numbers were checked. Right-to-left languages mirror the layout.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from ..errors import BuildError, FitError
from ..paper import mm
from ..render import qr
from ..render.blocks import qr_block
from ..render.branding import org_layout
from ..render.document import Document, PageSpec, background, band
from ..render.page import content_box, draft_band, footer_fitted, page
from ..sources.guide import Contact, QRLabel
from ..sources.placeholders import segments
from ..text.fit import fit
from ..text.markup import Para
from .base import Format
from .poster import helpline

HEADLINE_PT, HEADLINE_MIN_PT = 40.0, 24.0
BODY_PT, BODY_MIN_PT = 22.0, 14.0  # the hero number is poster.HERO_SCALE times this
DRAFT_PT = 14.0
QR_PT = 100.0  # the code's side: 200 px (240 on a story), read by a phone held to a screen


def main_helpline(doc: Document) -> Contact:
    """The edition's main helpline: the first of the poster's, else the first contact that
    is a number."""
    g = doc.guide
    contacts = g.card.contacts + g.poster.contacts
    by_id = {c.resource: c for c in contacts}
    for rid in g.poster.helplines:
        if rid in by_id:
            return by_id[rid]
    for c in contacts:
        if doc.registry[c.resource].tel:
            return c
    raise BuildError(f"guide {g.id}: no contact prints a helpline number for a social image")


def typed_address(doc: Document) -> Contact | None:
    """The first contact whose entry is a link a person can type (no number)."""
    g = doc.guide
    for c in g.card.contacts + g.poster.contacts:
        res = doc.registry[c.resource]
        if not res.tel and res.url:
            return c
    return None


def main_code(doc: Document, rid: str) -> QRLabel | None:
    """The card's or poster's QR code of the main helpline, else the card's first."""
    g = doc.guide
    codes = g.card.qr + g.poster.qr
    return next((q for q in codes if q.resource == rid), codes[0] if codes else None)


class _Social:
    """What the two social images share; each declares its screen and pixels."""

    safe_mm: ClassVar[float] = 9.0
    pages: ClassVar[int] = 1
    name: ClassVar[str]

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        with page(canvas, doc, spec, draft=False):
            self.draw(doc, canvas, spec)
            if doc.lg.needs_band:
                draft_band(canvas, doc, spec, size=DRAFT_PT, on_dark=True)

    def what(self, doc: Document, spec: PageSpec, part: str) -> str:
        return doc.what(self.name, spec.paper, part)

    def draw(self, doc: Document, canvas, spec: PageSpec) -> None:
        """The roomiest layout that fits: a long language's text takes a smaller headline
        box and a smaller code before it fails (each laid out whole before anything is
        drawn)."""
        tries = ((0.27, QR_PT), (0.22, QR_PT * 0.85), (0.18, QR_PT * 0.75))
        for n, (share, symbol) in enumerate(tries, 1):
            try:
                draw = self.layout(doc, spec, share, symbol)
            except FitError:
                if n == len(tries):
                    raise
                continue
            draw(canvas)
            return

    def layout(self, doc: Document, spec: PageSpec, share: float, qr_pt: float):
        """Everything laid out (FitError if something does not fit); returns draw(canvas)."""
        g, theme, reg = doc.guide, doc.theme, doc.registry
        x0, y0, x1, y1 = content_box(doc, spec, draft_pt=DRAFT_PT)
        width = x1 - x0
        tall = spec.trim_h > 1.4 * spec.trim_w  # the story: one column
        pad = mm(5)
        head = fit(
            [Para.of(segments(g.card.headline, reg), bold=True, color=theme.on_accent, role="H1")],
            doc.typography(HEADLINE_PT * (1.3 if tall else 1.0), HEADLINE_MIN_PT, 16),
            width,
            spec.trim_h * share,
            self.what(doc, spec, "headline"),
        )
        band_bottom = y1 - head.height - 2 * pad
        footer = footer_fitted(doc, spec)
        foot = footer.height if footer else 0.0
        org_h, draw_org = org_layout(doc, x0, x1, mm(8), self.what(doc, spec, "organisation"))
        if org_h:
            org_at, foot = y0 + foot + mm(1), foot + org_h + mm(1)

        main = main_helpline(doc)
        hero = helpline(segments(main.text, reg), main.resource, theme, 0.0)
        address = typed_address(doc)
        typed = (
            [Para.of(segments(address.text, reg), color=theme.text, number_scale=1.0)]
            if address is not None
            else []
        )
        code = main_code(doc, main.resource)
        symbol = qr_pt * (1.2 if tall else 1.0)
        outer = qr.outer_size(symbol, reg[code.resource].qr) if code else 0.0
        label_h = mm(9)
        coded = outer + label_h if code else 0.0
        top = band_bottom - 2 * pad
        bottom = y0 + foot + pad
        body = doc.typography(BODY_PT * (1.6 if tall else 1.0), BODY_MIN_PT, BODY_MIN_PT)
        # the story: helpline, address, code, one under the other; the square: the helpline,
        # then the address beside the code
        texts = []  # (fitted, x, top, reading key, part)
        if tall:
            text = fit(
                hero + [_spaced(p) for p in typed],
                body,
                width,
                top - bottom - coded - 2 * pad,
                self.what(doc, spec, "helpline and address"),
            )
            texts.append((text, x0, top, 1, "helpline and address"))
            free = top - text.height - bottom
            if code is not None:
                # the code grows into the room the text leaves (up to half the width again
                # as large), so that a phone held to another screen reads it from afar
                for grow in (1.8, 1.6, 1.4, 1.2):
                    bigger = qr_pt * grow
                    big_outer = qr.outer_size(bigger, reg[code.resource].qr)
                    if big_outer <= width * 0.5 and big_outer + label_h + 2 * pad <= free:
                        symbol, outer, coded = bigger, big_outer, big_outer + label_h
                        break
            # the code in the middle of what is left
            code_x, code_top, code_w = x0, top - text.height - (free - coded) / 2, width
        else:
            row = max(coded, mm(20))
            hero_fit = fit(
                hero, body, width, top - bottom - row - pad, self.what(doc, spec, "helpline")
            )
            texts.append((hero_fit, x0, top, 1, "helpline"))
            row_top = top - hero_fit.height - pad
            text_w = width - (outer + mm(4) + pad if code else 0.0)
            if typed:
                text = fit(
                    typed,
                    doc.typography(BODY_PT * 0.9, BODY_MIN_PT, BODY_MIN_PT),
                    text_w,
                    row_top - bottom,
                    self.what(doc, spec, "address"),
                )
                middle = max(0.0, (coded - text.height) / 2)
                left = doc.flip(spec, x0, x0 + text_w)[0]
                texts.append((text, left, row_top - middle, 1.5, "address"))
            code_x, code_w = doc.flip(spec, x1 - outer - mm(4), x1)[0], outer + mm(4)
            code_top = row_top

        def draw(canvas) -> None:
            background(canvas, spec, (1, 1, 1))
            band(canvas, spec, band_bottom, spec.trim_h, theme.accent)
            with doc.region(0, "headline"):
                head.draw(canvas, x0, y1 - pad)
            for fitted, x, at, key, part in texts:
                with doc.region(key, part):
                    fitted.draw(canvas, x, at)
            if code is not None:
                with doc.region(2, "QR code"):
                    qr_block(
                        canvas,
                        doc,
                        code.resource,
                        code.label,
                        code_x,
                        code_top,
                        code_w,
                        symbol,
                        doc.typography(13, 10, 10),
                        self.what(doc, spec, f"QR label {code.resource}"),
                        label_h,
                        outer,
                    )
            with doc.region(3, "footer"):
                if footer:
                    footer.draw(canvas, x0, y0 + footer.height)
                if org_h:  # the organisation's logo and name above the checked line
                    draw_org(canvas, org_at)

        return draw


def _spaced(p: Para) -> Para:
    return replace(p, space_before=1.0)


class SocialSquareFormat(_Social, Format):
    name: ClassVar[str] = "social-square"
    description: ClassVar[str] = "social image, square post"
    papers: ClassVar[tuple[str, ...]] = ("1080x1080",)
    image: ClassVar[tuple[int, int] | None] = (1080, 1080)


class SocialStoryFormat(_Social, Format):
    name: ClassVar[str] = "social-story"
    description: ClassVar[str] = "social image, story"
    papers: ClassVar[tuple[str, ...]] = ("1080x1920",)
    image: ClassVar[tuple[int, int] | None] = (1080, 1920)
