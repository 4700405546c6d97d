"""The CR80 wallet card (85.6 x 54 mm), two sides.

Front: a colour band with the headline, then the first steps. Back: whom to call, with two QR
codes (the main helpline's ``tel:`` and the reporting or takedown site) in a column on the
side. Always printed with a 3 mm bleed: cards are cut anyway.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import FitError
from ..i18n import SOURCE_LOCALE
from ..paper import mm
from ..render import qr
from ..render.blocks import qr_block
from ..render.branding import local_contacts, org_layout
from ..render.document import Document, PageSpec, background, band
from ..render.page import content_box, draft_band, draft_band_height, page
from ..sources.placeholders import segments
from ..text.fit import fit, fit_together
from ..text.markup import Para
from .base import Format, list_marker

QR_SYMBOL_MM = 14.5  # the symbol, without its quiet zone (at least 14 mm)
QR_LABEL_EXTRA_MM = 3.0  # the label column is this much wider than the code
QR_LABEL_MAX_MM = 12.0  # and at most this much, however long the labels
BAND_PAD_MM = 1.8  # colour below the headline, inside the band
BAND_MAX_MM = 22.0  # the headline never takes more of the front than this
FRONT, BACK = 0, 10  # reading order (render.tagging): the front, then the back


class CardFormat(Format):
    name: ClassVar[str] = "card"
    description: ClassVar[str] = "CR80 wallet card, two sides"
    papers: ClassVar[tuple[str, ...]] = ("cr80",)
    landscape: ClassVar[bool] = True
    always_bleed: ClassVar[bool] = True
    safe_mm: ClassVar[float] = 3.0
    pages: ClassVar[int] = 2
    ornaments: ClassVar[str] = "·"

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        with page(canvas, doc, spec, draft=False):
            self.front(doc, canvas, spec)
        with page(canvas, doc, spec, draft=False):
            self.back(doc, canvas, spec)

    def _namer(self, doc: Document, spec: PageSpec, named: tuple[str, str] | None):
        """How fitting errors name this card: as itself, or as a slot of a card sheet."""
        fmt, paper = named or (self.name, spec.paper)
        return lambda part: doc.what(fmt, paper, f"card {part}" if named else part)

    def front(
        self, doc: Document, canvas, spec: PageSpec, named: tuple[str, str] | None = None
    ) -> None:
        """A colour band with the headline, then the numbered first steps. The band grows
        with the headline; one body size, the largest that fits, serves both."""
        card, theme, reg = doc.guide.card, doc.theme, doc.registry
        x0, y0, x1, y1 = content_box(doc, spec, band_at="bottom")
        what = self._namer(doc, spec, named)
        background(canvas, spec, theme.ground)
        if doc.lg.needs_band:
            draft_band(canvas, doc, spec, at="bottom", key=FRONT - 1)

        def blocks(tight: bool):
            """The headline and the first steps; `tight` closes up the spacing and sets the
            headline a little smaller, for a long language's text."""
            head = [
                Para.of(
                    segments(card.headline, reg),
                    scale=1.2 if tight else 1.5,
                    bold=True,
                    color=theme.on_accent,
                    role="H1",
                )
            ]
            if card.intro:
                head.append(
                    Para.of(
                        segments(card.intro, reg),
                        color=theme.on_accent,
                        space_before=0.15 if tight else 0.35,
                    )
                )
            steps = [
                Para.of(
                    segments(card.steps_heading, reg),
                    bold=True,
                    color=theme.accent,
                    scale=1.05 if tight else 1.15,
                    role="H2",
                )
            ]
            steps += [
                Para.of(
                    segments(s, reg),
                    bullet=list_marker(card.steps_kind, i),
                    color=theme.text,
                    space_before=0.1 if tight else 0.3,
                )
                for i, s in enumerate(card.steps, 1)
            ]
            return head, steps

        # with an organisation's name in the footer, "turn over" gives way if room is short;
        # then the spacing closes up
        # then the spacing closes up; last of all the footer (the language's name and "turn
        # over") gives way to the guidance, the organisation's name staying
        tries = [(True, False)]
        if doc.org and card.turn_over:
            tries.append((False, False))
        tries += [(True, True), (False, True)]
        for n, (with_footer, tight) in enumerate(tries, 1):
            head, steps = blocks(tight)
            pad, gap = (mm(1.0), mm(1.2)) if tight else (mm(BAND_PAD_MM), mm(2))
            if with_footer or doc.org:
                footer_h, draw_footer = self._footer(doc, spec, x0, y0, x1, what, with_footer)
            else:
                footer_h, draw_footer = 0.0, lambda canvas: None
            room = y1 - y0 - footer_h - pad - gap  # under the headline in the band; to steps
            try:
                headline, body = fit_together(
                    [(head, x1 - x0), (steps, x1 - x0)],
                    doc.typography(7.5, 6),
                    lambda f, room=room: (
                        f[0].height + f[1].height <= room and f[0].height <= mm(BAND_MAX_MM)
                    ),
                    what("front (headline and first steps)"),
                )
                break
            except FitError:
                if n == len(tries):
                    raise
        # read: the headline, the first steps, then the footer
        with doc.region(FRONT + 2, "front footer"):
            draw_footer(canvas)
        band_bottom = y1 - headline.height - pad
        band(canvas, spec, band_bottom, spec.trim_h, theme.accent)
        with doc.region(FRONT, "front headline"):
            headline.draw(canvas, x0, y1)
        with doc.region(FRONT + 1, "front first steps"):
            body.draw(canvas, x0, band_bottom - gap)

    def _footer(
        self,
        doc: Document,
        spec: PageSpec,
        x0: float,
        y0: float,
        x1: float,
        what,
        with_turn_over: bool,
    ):
        """The front's footer: the organisation (or else the language's own name) at the
        start; the language and where to find whom to call at the end. Returns its height
        and a function that draws it."""
        card, theme = doc.guide.card, doc.theme
        typo6 = doc.typography(6, 6)
        turn_over = card.turn_over if with_turn_over else ""
        parts = []  # (fitted, x, height)
        if doc.org:
            ox0, ox1 = doc.flip(spec, x0, x0 + (x1 - x0) * 0.5)
            used = (x1 - x0) * 0.5 + mm(2)
            end_text = " · ".join(t for t in (doc.lg.language_name, turn_over) if t)
            height, draw_org = org_layout(doc, ox0, ox1, mm(3.5), what("organisation"), theme.muted)
        elif doc.lg.locale != SOURCE_LOCALE:
            # the language's own name tells a translated card from the English one; an
            # English card says nothing of its language
            lang = fit(
                [Para.of(doc.lg.language_name, color=theme.muted)],
                typo6,
                x1 - x0,
                mm(4),
                what("front footer"),
            )
            used = typo6.measure(doc.lg.language_name, 6) + mm(3)
            parts.append((lang, x0))
            height = lang.height
            end_text = turn_over
        else:
            used, height, end_text = 0.0, 0.0, turn_over
        if end_text:
            foot = fit(
                [Para.of(end_text, color=theme.muted, align="right")],
                typo6,
                x1 - x0 - used,
                mm(7.5),
                what("front footer"),
            )
            parts.append((foot, doc.flip(spec, x0 + used, x1)[0]))
            height = max(height, foot.height)

        def draw(canvas) -> None:
            if doc.org:
                draw_org(canvas, y0)
            for fitted, x in parts:
                fitted.draw(canvas, x, y0 + fitted.height)

        return height + mm(0.8), draw

    def back(
        self, doc: Document, canvas, spec: PageSpec, named: tuple[str, str] | None = None
    ) -> None:
        card, theme, reg = doc.guide.card, doc.theme, doc.registry
        x0, y0, x1, y1 = spec.safe_box
        what = self._namer(doc, spec, named)
        background(canvas, spec, theme.ground)

        # The QR column, top to bottom, on the side the text does not start from (the left in
        # a right-to-left language); it runs the card's full height (a draft's band sits under
        # the text column only). The column is a little wider than the codes, and wider still
        # (within reason) for labels that would otherwise take two lines.
        label_typo = doc.typography(6, 6, 6)  # one line where the column allows
        outer = max(qr.outer_size(mm(QR_SYMBOL_MM), reg[q.resource].qr) for q in card.qr)
        labels = max(label_typo.measure(q.label, 6, bold=True) for q in card.qr) + mm(1)
        column = min(max(outer + mm(QR_LABEL_EXTRA_MM), labels), outer + mm(QR_LABEL_MAX_MM))
        qx, _ = doc.flip(spec, x1 - column, x1)
        top = y1
        for q in card.qr:
            with doc.region(BACK + 1, "back QR codes"):  # read after whom to call
                used = qr_block(
                    canvas,
                    doc,
                    q.resource,
                    q.label,
                    qx,
                    top,
                    column,
                    mm(QR_SYMBOL_MM),
                    label_typo,
                    what(f"QR label {q.resource}"),
                )
            top -= used + mm(1.2)
        if top + mm(1.2) < y0 - 0.01:
            raise FitError(
                f"{what('QR codes')}: the codes and their labels do not fit the "
                "card's height; shorten the labels"
            )

        tx0, tx1 = doc.flip(spec, x0, x1 - column - mm(2.5))
        band_h = draft_band_height(doc, spec, tx1 - tx0)
        if band_h:
            draft_band(canvas, doc, spec, at="bottom", span=(tx0, tx1), key=BACK - 1)
        typo = doc.typography(7.5, 6)

        def contacts(space: float, heading: float):
            """Whom to call; the organisation's own contacts come last (its name is on the
            front), their hours giving way first where the card has no room for them."""
            paras = [
                Para.of(
                    segments(card.contacts_heading, reg),
                    bold=True,
                    color=theme.accent,
                    scale=heading,
                    role="H2",
                )
            ]
            paras += [
                Para.of(segments(c.text, reg), color=theme.text, space_before=space)
                for c in card.contacts
            ]
            room = y1 - y0 - band_h
            try:
                return fit(
                    paras + local_contacts(doc, space_before=space),
                    typo,
                    tx1 - tx0,
                    room,
                    what("back contacts"),
                )
            except FitError:
                if not (doc.org and doc.org.contacts):
                    raise
                try:
                    return fit(
                        paras + local_contacts(doc, space_before=space, hours=False),
                        typo,
                        tx1 - tx0,
                        room,
                        what("back contacts"),
                    )
                except FitError:  # the links are on the poster and the leaflet
                    if not any(c.url for c in doc.org.contacts):
                        raise
                    return fit(
                        paras + local_contacts(doc, space_before=space, hours=False, links=False),
                        typo,
                        tx1 - tx0,
                        room,
                        what("back contacts"),
                    )

        try:
            fitted = contacts(0.55, 1.3)
        except FitError:  # a long language's text: the spacing closes up, in steps
            try:
                fitted = contacts(0.2, 1.15)
            except FitError:
                fitted = contacts(0.0, 1.0)
        with doc.region(BACK, "back contacts"):
            fitted.draw(canvas, tx0, y1)
