"""The CR80 wallet card (85.6 x 54 mm), two sides.

Front: a colour band with the headline, then the first steps. Back: whom to call, with two QR
codes (the main helpline's ``tel:`` and the reporting or takedown site) in a column on the
side. Always printed with a 3 mm bleed: cards are cut anyway.
"""

from __future__ import annotations

import dataclasses
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
from ..text.fit import fit, fit_flow, fit_together, printed_ids
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
        tx0, tx1 = doc.flip(spec, x0, x1 - column - mm(2.5))
        typo = doc.typography(7.5, 6)
        local = len(doc.org.contacts) if doc.org else 0

        def column_height(codes) -> float:
            """How tall the QR column is with `codes`, each with its label and the gap under
            it (as drawn below)."""
            return sum(
                qr.outer_size(mm(QR_SYMBOL_MM), reg[q.resource].qr)
                + fit(
                    [Para.of(q.label, bold=True, align="center", color=theme.text)],
                    label_typo,
                    column,
                    mm(6),
                    what(f"QR label {q.resource}"),
                ).height
                + mm(1.2)
                for q in codes
            )

        def paras(space: float, heading: float, hours: bool, links: bool, first=None):
            """Whom to call; the organisation's own contacts come last (its name is on the
            front), their hours giving way first where the card has no room for them."""
            out = [
                Para.of(
                    segments(card.contacts_heading, reg),
                    bold=True,
                    color=theme.accent,
                    scale=heading,
                    role="H2",
                )
            ]
            out += [
                Para.of(segments(c.text, reg), color=theme.text, space_before=space)
                for c in card.contacts
            ]
            return out + local_contacts(
                doc, space_before=space, hours=hours, links=links, first=first
            )

        # With every code, the text runs in one column beside them. An organisation's
        # contacts may then take the room of the last code whose target the text prints (a
        # site's address, a helpline's number): the text runs beside the codes left, then the
        # card's full width under them.
        national = set().union(*(printed_ids(p) for p in paras(0.55, 1.3, True, True, 0)))
        spare = [q for q in card.qr if q.resource in national]
        layouts = [tuple(card.qr)]
        if local and spare and len(card.qr) > 1:
            layouts.append(tuple(q for q in card.qr if q is not spare[-1]))
        # the contacts' hours give way first, then their links (on the poster and the
        # leaflet); a long language's text has the spacing closed up
        stages = [(True, True)]
        if local:
            stages.append((False, True))
        if local and any(c.url for c in doc.org.contacts):
            stages.append((False, False))

        def attempt(codes, space, heading, hours, links, first=None):
            """(codes, band height, [(fitted, x, top)]) or FitError."""
            if len(codes) == len(card.qr):
                band_h = draft_band_height(doc, spec, tx1 - tx0)
                fitted = fit(
                    paras(space, heading, hours, links, first),
                    typo,
                    tx1 - tx0,
                    y1 - y0 - band_h,
                    what("back contacts"),
                )
                return codes, (band_h, (tx0, tx1)), [(fitted, tx0, y1)]
            beside = column_height(codes)
            band_h = draft_band_height(doc, spec, x1 - x0)
            frames = [(tx1 - tx0, beside), (x1 - x0, y1 - y0 - band_h - beside)]
            # each contact whole, beside the code or under it, where there is room
            laid = paras(space, heading, hours, links, first)
            try:
                flowed = fit_flow(
                    [dataclasses.replace(p, keep_together=True) for p in laid],
                    typo,
                    frames,
                    what("back contacts"),
                )
            except FitError:
                flowed = fit_flow(laid, typo, frames, what("back contacts"))
            # a sentence split between the two runs on without a gap: the text beside the
            # codes starts lower by what was left of its room (less than a line)
            split = bool(flowed[1].parts) and not flowed[1].parts[0][1]
            start = y1 - (beside - flowed[0].height if split else 0.0)
            return (
                codes,
                (band_h, (x0, x1)),
                [(flowed[0], tx0, start), (flowed[1], x0, y1 - beside)],
            )

        if y1 - column_height(card.qr) + mm(1.2) < y0 - 0.01:
            raise FitError(
                f"{what('QR codes')}: the codes and their labels do not fit the "
                "card's height; shorten the labels"
            )
        tries = [
            (codes, space, heading, hours, links)
            for codes in layouts
            for space, heading in ((0.55, 1.3), (0.2, 1.15), (0.0, 1.0))
            for hours, links in stages
        ]
        for n, args in enumerate(tries, 1):
            try:
                codes, (band_h, span), blocks = attempt(*args)
                break
            except FitError:
                if n < len(tries):
                    continue
                if not local:
                    raise
                most = next(
                    (m for m in range(local - 1, 0, -1) if self._fits(attempt, *args, m)), 0
                )
                room = f"give at most {most} or shorter labels" if most else "shorten the labels"
                raise FitError(
                    f"{what('back contacts')}: the card's back has no room for {local} "
                    f"contact{'s' if local > 1 else ''} in this language, even at "
                    f"{typo.min_size:g} pt; {room}"
                ) from None

        top = y1
        for q in codes:
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

        if band_h:
            draft_band(canvas, doc, spec, at="bottom", span=span, key=BACK - 1)
        with doc.region(BACK, "back contacts"):
            for fitted, x, y in blocks:
                fitted.draw(canvas, x, y)

    @staticmethod
    def _fits(attempt, codes, space, heading, hours, links, first: int) -> bool:
        """Whether the card's back has room for the organisation's `first` contacts, laid out
        as `attempt` would."""
        try:
            attempt(codes, space, heading, hours, links, first)
        except FitError:
            return False
        return True
