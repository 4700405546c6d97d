"""The door poster: A5 (or A6) portrait, for the inside of a toilet or changing-room door.

Read at arm's length by one person, alone: a colour band with the headline; the edition's main
helpline with its number as the hero (more than twice the body's size); the first two steps;
one QR code, which dials that helpline; a footer with when the numbers were checked. Sizes
are set for A5 and scale with the paper (A6 is about 0.71 of it), never below a floor that
stays readable at arm's length.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from ..errors import FitError
from ..paper import mm
from ..render import qr
from ..render.blocks import qr_block
from ..render.branding import org_line
from ..render.document import Document, PageSpec, background, band
from ..render.page import content_box, draft_band, footer_line, page
from ..sources.placeholders import Ref, segments
from ..text.fit import fit, fit_together
from ..text.markup import SENTENCE_END, Para
from .base import Format, list_marker
from .poster import helpline

A5_WIDTH_MM, A5_HEIGHT_MM = 148.0, 210.0
HEADLINE_PT = 30.0  # on A5, scaled with the paper
HEADLINE_MIN_PT = 16.0  # on A5: a long headline shrinks to this before it fails
SUBTITLE_PT = 15.0  # a title's subtitle in the band, on A5
INTRO_PT = 14.0  # the card's line under the headline, on A5
HERO_WORDS_PT, HERO_WORDS_MIN_PT = 16.0, 7.0  # the helpline's words, on A5 (never below 7)
HERO_SCALE = 3.0  # its number, in sizes of its words: 48 pt on A5 when it fits
HERO_OVER_BODY = 2.2  # the number at least this many times the body, on every paper
BODY_MAX_PT = 20.0  # the first steps, on A5
BODY_FLOORS_PT = (12.0, 10.0)  # on A5, tried in turn; A6 scales them, never below 9 pt
MIN_BODY_PT = 9.0
QR_SYMBOL_MM = 28.0  # on A5, scaled with the paper, never below QR_MIN_MM
QR_MIN_MM = 18.0
LABEL_MM = 8.0  # room for the QR label under the code, on A5
DRAFT_PT = 11.0  # the draft note on A5: large and bold, white over the band's colour
STEPS = 2  # the first steps it prints


def hero(segs: list, rid: str, theme) -> list[Para]:
    """The main helpline's contact text as the poster sets it (the words before the number in
    bold, then the number HERO_SCALE times their size). The full stop that ends the number's
    sentence is set at the number's size (a dot a third of its height, touching the last
    digit, reads as part of it), and a sentence after that goes on a line of its own at the
    words' size. The text stays the translator's, in its order; words joined to the number
    without a sentence end (a Korean particle) stay with it, at the words' size."""
    paras = [
        dataclasses.replace(p, number_scale=HERO_SCALE) if p.number_scale else p
        for p in helpline(segs, rid, theme, 0.0)
    ]
    number = paras[-1]
    at = next(i for i, x in enumerate(number.segments) if isinstance(x, Ref))
    rest = number.segments[at + 1 :]
    first = rest[0] if rest and isinstance(rest[0], str) else ""
    m = re.match(rf"[{re.escape(SENTENCE_END)}]+(?=\s|$)", first)
    if m is None:
        return paras
    tail = [first[m.end() :].lstrip(), *rest[1:]]
    own = dataclasses.replace(
        number,
        segments=(*number.segments[: at + 1], m.group(0)),
        scale=HERO_SCALE,  # the stop; the number is HERO_SCALE times the size already
    )
    out = [*paras[:-1], own]
    if any(isinstance(x, Ref) or x.strip() for x in tail):
        out.append(Para.of(tail, color=theme.text, space_before=0.15))
    return out


def scale(spec: PageSpec) -> float:
    """How large the paper is against A5 (A6 about 0.71)."""
    return min(spec.trim_w / mm(A5_WIDTH_MM), spec.trim_h / mm(A5_HEIGHT_MM))


class DoorPosterFormat(Format):
    name: ClassVar[str] = "poster-door"
    description: ClassVar[str] = "door poster"
    papers: ClassVar[tuple[str, ...]] = ("a5", "a6")
    marks_mm: ClassVar[float] = 5.0
    safe_mm: ClassVar[float] = 6.0
    pages: ClassVar[int] = 1
    ornaments: ClassVar[str] = "•×"

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        with page(canvas, doc, spec, draft=False):
            self.draw(doc, canvas, spec)
            if doc.lg.needs_band:  # white over the headline's colour: seen at a glance
                draft_band(canvas, doc, spec, size=DRAFT_PT * scale(spec), on_dark=True)

    def hero_contact(self, doc: Document):
        """The main helpline (the poster's first) with its contact text, and the QR code that
        dials it (the card's or the poster's code for it, else the card's first)."""
        g = doc.guide
        everyone = g.card.contacts + g.poster.contacts
        rid = g.poster.helplines[0] if g.poster.helplines else g.card.contacts[0].resource
        contact = next(c for c in everyone if c.resource == rid)
        codes = g.card.qr + g.poster.qr
        code = next((q for q in codes if q.resource == rid), g.card.qr[0])
        return contact, code

    def draw(self, doc: Document, canvas, spec: PageSpec) -> None:
        g, theme, reg = doc.guide, doc.theme, doc.registry
        k = scale(spec)
        x0, y0, x1, y1 = content_box(doc, spec, draft_pt=DRAFT_PT * k)
        width = x1 - x0
        pad = mm(3.5) * k

        def what(part: str) -> str:
            return doc.what(self.name, spec.paper, part)

        def at(left: float, w: float) -> float:  # mirrored for a right-to-left language
            return doc.flip(spec, left, left + w)[0]

        background(canvas, spec, theme.ground)

        # The band: the headline (or, for a guide whose card headline does not say what it is
        # about, the title and subtitle, as on the poster).
        big = dict(bold=True, color=theme.on_accent, role="H1")
        if g.poster.headline_from == "title":
            head = [Para.of(segments(g.title, reg), **big)]
            if g.subtitle:
                head.append(
                    Para.of(
                        segments(g.subtitle, reg),
                        bold=True,
                        color=theme.on_accent,
                        scale=SUBTITLE_PT / HEADLINE_PT,
                        space_before=0.15,
                    )
                )
        else:
            head = [Para.of(segments(g.card.headline, reg), **big)]
        if g.card.intro:
            head.append(
                Para.of(
                    segments(g.card.intro, reg),
                    color=theme.on_accent,
                    scale=INTRO_PT / HEADLINE_PT,
                    space_before=0.25,
                )
            )
        headline = fit(
            head,
            doc.typography(HEADLINE_PT * k, HEADLINE_MIN_PT * k, 12 * k),
            width,
            mm(75) * k,
            what("headline"),
        )
        band_bottom = y1 - headline.height - 2 * pad
        band(canvas, spec, band_bottom, spec.trim_h, theme.accent)
        with doc.region(0, "headline"):
            headline.draw(canvas, x0, y1 - pad)

        # The footer: when the numbers were checked (and the organisation, if any).
        with doc.region(5, "footer"):  # read last
            if doc.org:
                split = x0 + width * 0.5
                foot = max(
                    org_line(
                        canvas,
                        doc,
                        *doc.flip(spec, x0, split - mm(2) * k),
                        y0,
                        mm(8) * k,
                        what("organisation"),
                    ),
                    footer_line(canvas, doc, spec, k, doc.flip(spec, split, x1)),
                )
            else:
                foot = footer_line(canvas, doc, spec, k)
        bottom = y0 + foot + mm(2.5) * k

        # The hero: the main helpline's words and its number, as large as the width allows
        # (an unbreakable number sets the size), the rest of its sentence after it.
        contact, code = self.hero_contact(doc)
        hero_paras = hero(segments(contact.text, reg), contact.resource, theme)
        top = band_bottom - pad
        hero_block = fit(
            hero_paras,
            doc.typography(HERO_WORDS_PT * k, HERO_WORDS_MIN_PT, 12),
            width,
            (top - bottom) * 0.45,
            what("main helpline"),
        )
        number_pt = hero_block.size * HERO_SCALE
        top -= hero_block.height + 2 * pad  # the rule between the helpline and the steps

        # The first two steps, and beside them (or under them, for a long language's text)
        # the one QR code. The body stays under half the hero number's size.
        steps = [
            Para.of(
                segments(g.card.steps_heading, reg),
                bold=True,
                color=theme.accent,
                scale=1.2,
                role="H2",
            )
        ]
        steps += [
            Para.of(
                segments(s, reg),
                bullet=list_marker(g.card.steps_kind, i),
                color=theme.text,
                space_before=0.35,
            )
            for i, s in enumerate(g.card.steps[:STEPS], 1)
        ]
        symbol = max(mm(QR_MIN_MM), mm(QR_SYMBOL_MM) * k)
        outer = qr.outer_size(symbol, reg[code.resource].qr)
        label_h = mm(LABEL_MM) * k
        label_typo = doc.typography(11 * k, 8 * k, 8 * k)
        column = outer + mm(6) * k
        gap = mm(5) * k
        code_h = outer + label_h
        free = top - bottom
        body_max = min(BODY_MAX_PT * k, number_pt / HERO_OVER_BODY)
        if body_max < MIN_BODY_PT:
            raise FitError(
                f"{what('main helpline')}: its number fits only at {number_pt:.1f} pt, "
                f"less than {HERO_OVER_BODY:g} times the smallest body ({MIN_BODY_PT:g} pt); "
                "shorten the helpline's text"
            )
        floors = [min(body_max, max(MIN_BODY_PT, f * k)) for f in BODY_FLOORS_PT]
        tries = [(floor, where) for floor in floors for where in ("beside", "under")]
        for n, (floor, where) in enumerate(tries, 1):
            steps_w = width - column - gap if where == "beside" else width

            def fits(f, where=where) -> bool:
                h = f[0].height
                need = max(h, code_h) if where == "beside" else h + pad + code_h
                return need <= free

            try:
                (body,) = fit_together(
                    [(steps, steps_w)],
                    doc.typography(body_max, floor, 12 * k),
                    fits,
                    what("first steps and the QR code"),
                )
                break
            except FitError:
                if n == len(tries):
                    raise
        used = max(body.height, code_h) if where == "beside" else body.height + pad + code_h
        # a long number (RAINN's) sets the hero small: its words are then set at the body's
        # size where the page has the room, never smaller than the steps under them
        if hero_block.size < body.size:
            words = body.size / hero_block.size
            larger = [
                p if p.number_scale else dataclasses.replace(p, scale=p.scale * words)
                for p in hero_paras
            ]
            hs = hero_block.size
            try:
                bigger = fit(larger, doc.typography(hs, hs, 12), width, 1e6, what("main helpline"))
            except FitError:  # a word wider than the page at that size: keep them as fitted
                bigger = hero_block
            if bigger.height - hero_block.height <= free - used:
                free -= bigger.height - hero_block.height
                hero_block = bigger
        # what is left over opens up the gaps around the rule, the rest stays at the foot
        spare = min((free - used) / 3, mm(12) * k)

        top = band_bottom - pad - spare / 2
        with doc.region(1, "main helpline"):
            hero_block.draw(canvas, at(x0, width), top)
        top -= hero_block.height + pad + spare / 2
        canvas.setStrokeColorRGB(*theme.accent)
        canvas.setLineWidth(1.0 * k)
        canvas.line(x0, top, x1, top)
        top -= pad + spare / 2
        with doc.region(2, "first steps"):
            body.draw(canvas, at(x0, steps_w), top)
        if where == "beside":
            qx, qtop = at(x1 - column, column), top
        else:
            qx, qtop = x0 + (width - column) / 2, top - body.height - pad
        with doc.region(3, "QR code"):
            qr_block(
                canvas,
                doc,
                code.resource,
                code.label,
                qx,
                qtop,
                column,
                symbol,
                label_typo,
                what(f"QR label {code.resource}"),
                label_h,
            )
