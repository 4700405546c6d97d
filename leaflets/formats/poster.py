"""The poster: readable from across a corridor, on A4, Letter, A3 and Tabloid (portrait).

Top to bottom: a colour band with the headline; the first steps and what not to do side by
side; whom to call with a row of labelled QR codes; a footer with when the numbers were
checked. Every size scales with the paper's width (A4 is the reference).
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import FitError, NoRoomError
from ..paper import mm
from ..render import qr
from ..render.blocks import label_size, qr_block
from ..render.branding import codes_giving_way, local_codes, local_contacts, org_line
from ..render.document import Document, PageSpec, background, band
from ..render.page import content_box, draft_band, footer_line, page
from ..sources.placeholders import Ref, segments
from ..text.fit import fit, fit_together
from ..text.markup import Para
from .base import Format, list_marker

A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0
QR_SYMBOL_MM, QR_MIN_MM = 25.0, 25.0  # on A4, scaled with the paper; never below 25 mm
LABEL_MM = 9.0  # room for a QR label under the code, on A4
HEADLINE_PT = 40.0  # on A4, scaled with the paper (at least 40 pt)
INTRO_PT = 16.0  # the line under the headline, on A4
BODY_MAX_PT, BODY_MIN_PT = 24.0, 14.0  # on A4
LAST_BODY_PT = 12.0  # on A4: the floor when no arrangement fits at BODY_MIN_PT
TIGHT_BODY_PT = 11.0  # on A4: the floor, with half the gaps, when nothing fits at LAST_BODY_PT
HERO_SCALE = 2.2  # the main helplines' numbers, in body sizes (NSPCC and RAINN set them huge)
SUBTITLE_PT = 22.0  # a title's subtitle in the headline band, on A4
DRAFT_PT = 16.0  # the draft note on A4: as large as the smallest body text and bold


def scale(spec: PageSpec) -> float:
    """How much larger than A4 the paper is (Letter is a little smaller, A3 about 1.41)."""
    return min(spec.trim_w / mm(A4_WIDTH_MM), spec.trim_h / mm(A4_HEIGHT_MM))


def points(size: float) -> str:
    """A type size for a message: at most one decimal ("10.3", "11")."""
    return f"{size:.1f}".rstrip("0").rstrip(".")


def qr_symbol(k: float) -> float:
    return max(mm(QR_MIN_MM), mm(QR_SYMBOL_MM) * k)


def code_scale(k: float, symbol: float) -> float:
    """The scale of a QR grid's labels and margins: the paper's, or less for codes shrunk
    below the paper's size (never below A4's)."""
    return min(k, max(symbol / mm(QR_SYMBOL_MM), 1.0))


def helpline(segs: list, rid: str, theme, space_before: float) -> list[Para]:
    """A main helpline's contact text in two paragraphs: the words before its number (bold),
    then the number, HERO_SCALE times the body, with the rest of the sentence after it. The
    text stays the translator's, in its order."""
    at = next(i for i, x in enumerate(segs) if isinstance(x, Ref) and x.resource.id == rid)
    before, after = segs[:at], segs[at:]
    out = []
    if any(isinstance(x, Ref) or x.strip() for x in before):
        out.append(
            Para.of(
                before, color=theme.text, bold=True, space_before=space_before, keep_with_next=True
            )
        )
        space_before = 0.1
    out.append(Para.of(after, color=theme.text, number_scale=HERO_SCALE, space_before=space_before))
    return out


class PosterFormat(Format):
    name: ClassVar[str] = "poster"
    description: ClassVar[str] = "poster"
    papers: ClassVar[tuple[str, ...]] = ("a4", "letter", "a3", "tabloid")
    marks_mm: ClassVar[float] = 5.0
    safe_mm: ClassVar[float] = 6.0
    pages: ClassVar[int] = 1
    ornaments: ClassVar[str] = "•×"

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        with page(canvas, doc, spec, draft=False):
            self.draw(doc, canvas, spec)
            if doc.lg.needs_band:  # white over the headline's colour, large: seen from afar
                draft_band(canvas, doc, spec, size=DRAFT_PT * scale(spec), on_dark=True)

    def draw(self, doc: Document, canvas, spec: PageSpec) -> None:
        g, theme, reg = doc.guide, doc.theme, doc.registry
        k = scale(spec)
        x0, y0, x1, y1 = content_box(doc, spec, draft_pt=DRAFT_PT * k)
        width = x1 - x0
        pad = mm(4) * k

        def what(part: str) -> str:
            return doc.what(self.name, spec.paper, part)

        background(canvas, spec, theme.ground)

        # Headline band: the headline at 40 pt or more (scaled), the intro under it. A guide
        # whose card headline does not say what the poster is about takes its title and
        # subtitle instead.
        intro_pt = INTRO_PT
        big = dict(bold=True, color=theme.on_accent, scale=HEADLINE_PT / INTRO_PT, role="H1")
        if g.poster.headline_from == "title":
            head = [Para.of(segments(g.title, reg), **big)]
            if g.subtitle:
                head.append(
                    Para.of(
                        segments(g.subtitle, reg),
                        bold=True,
                        color=theme.on_accent,
                        scale=SUBTITLE_PT / INTRO_PT,
                        space_before=0.2,
                    )
                )
        else:
            head = [Para.of(segments(g.card.headline, reg), **big)]
        if g.card.intro:
            head.append(
                Para.of(segments(g.card.intro, reg), color=theme.on_accent, space_before=0.4)
            )
        headline = fit(
            head,
            doc.typography(intro_pt * k, intro_pt * k, 16 * k),
            width,
            mm(95) * k,
            what("headline"),
        )
        band_bottom = y1 - headline.height - 2 * pad
        band(canvas, spec, band_bottom, spec.trim_h, theme.accent)
        with doc.region(0, "headline"):
            headline.draw(canvas, x0, y1 - pad)

        # The middle: first steps and what not to do side by side; below them whom to call,
        # with the QR codes in a grid beside the contact lines.
        with doc.region(5, "footer"):  # read last
            if doc.org:  # the organisation and the checked line share the bottom row
                split = x0 + width * 0.5
                foot = max(
                    org_line(
                        canvas,
                        doc,
                        *doc.flip(spec, x0, split - mm(3) * k),
                        y0,
                        mm(9) * k,
                        what("organisation"),
                    ),
                    footer_line(canvas, doc, spec, k, doc.flip(spec, split, x1)),
                )
            else:
                foot = footer_line(canvas, doc, spec, k)
        bottom = y0 + foot + mm(3) * k
        top = band_bottom - pad
        gap = mm(8) * k
        col = (width - gap) / 2
        steps = [
            Para.of(
                segments(g.card.steps_heading, reg),
                bold=True,
                color=theme.accent,
                scale=1.3,
                role="H2",
            )
        ]
        numbers = g.poster.step_numbers or range(1, len(g.card.steps) + 1)
        steps += [
            Para.of(
                segments(g.card.steps[n - 1], reg),
                bullet=list_marker(g.card.steps_kind, i),
                color=theme.text,
                space_before=0.4,
            )
            for i, n in enumerate(numbers, 1)
        ]
        donts = [
            Para.of(
                segments(g.poster.donts_heading, reg),
                bold=True,
                color=theme.accent,
                scale=1.3,
                role="H2",
            )
        ]
        donts += [
            Para.of(
                segments(s, reg),
                bullet=list_marker(g.poster.donts_kind, i),
                color=theme.text,
                space_before=0.4,
            )
            for i, s in enumerate(g.poster.donts, 1)
        ]
        # The main helplines under the headline, each with its contact's words and the number
        # at more than twice the body size (the largest thing after the headline); whom else
        # to call below, with the QR codes.
        everyone = g.card.contacts + g.poster.contacts
        by_id = {c.resource: c for c in everyone}
        hero = [
            p
            for i, rid in enumerate(g.poster.helplines)
            for p in helpline(segments(by_id[rid].text, reg), rid, theme, 0.6 if i else 0.0)
        ]
        contacts = [
            Para.of(
                segments(g.card.contacts_heading, reg),
                bold=True,
                color=theme.accent,
                scale=1.3,
                role="H2",
            )
        ]
        contacts += [
            Para.of(segments(c.text, reg), color=theme.text, space_before=0.45, bullet="•")
            for c in everyone
            if c.resource not in g.poster.helplines
        ]
        contacts += local_contacts(doc, bullet="•")  # the organisation's own, last
        # with helplines, the body stays small enough that their numbers (HERO_SCALE times
        # the body) stay smaller than the headline
        body_max = min(BODY_MAX_PT, HEADLINE_PT / HERO_SCALE) if hero else BODY_MAX_PT
        free = top - bottom
        # One body size for the whole poster: the largest at which all the blocks fit. The
        # QR codes stand in a grid beside the contact lines or, for longer texts, in one row
        # under them.
        all_codes = self._codes(doc)
        # every arrangement at the body's floor first; a long language's text (or an
        # organisation's extra contacts and codes) may then go down to the last floor, and
        # then the gaps between the parts close up; then, on paper larger than A4, the codes
        # shrink to their minimum; last of all the organisation's own codes give way, last
        # first (their numbers stay printed in whom to call), rather than fail
        tries = [
            (floor, gaps, a, all_codes, qr_symbol(k))
            for floor, gaps in ((BODY_MIN_PT, 1.0), (LAST_BODY_PT, 1.0), (TIGHT_BODY_PT, 0.5))
            for a in self._arrangements(len(all_codes), bool(hero))
        ]
        if qr_symbol(k) > mm(QR_MIN_MM) + 0.01:
            tries += [
                (TIGHT_BODY_PT, 0.5, a, all_codes, mm(QR_MIN_MM))
                for a in self._arrangements(len(all_codes), bool(hero))
            ]
        for fewer in codes_giving_way(all_codes, doc)[1:]:
            tries += [
                (TIGHT_BODY_PT, 0.5, a, fewer, mm(QR_MIN_MM))
                for a in self._arrangements(len(fewer), bool(hero))
            ]
        blocks_what = what("helplines, first steps, what not to do and whom to call")

        def attempt(floor, gaps, cols, where, codes, symbol, contacts=contacts):
            """The blocks laid out so, with the grid's size and the gaps; FitError if not."""
            pad = mm(4) * k * gaps
            typo = doc.typography(body_max * k, floor * k, max(8, 16 * k))
            grid_w, grid_h = self.qr_grid_size(doc, k, cols, codes, symbol)
            contacts_w = width - grid_w - gap if where == "contacts" else width
            hero_w = width - grid_w - gap if where == "hero" else width

            def fits(f) -> bool:
                heroes = 0.0
                if hero:
                    heroes = (
                        max(f[3].height, grid_h) if where == "hero" else f[3].height
                    ) + 2 * pad
                middle = max(f[0].height, f[1].height) + 2 * pad
                lower = {
                    "contacts": max(f[2].height, grid_h),
                    "hero": f[2].height,
                    "under": f[2].height + pad + grid_h,
                }[where]
                return heroes + middle + lower <= free

            laid = fit_together(
                [(steps, col), (donts, col), (contacts, contacts_w)]
                + ([(hero, hero_w)] if hero else []),
                typo,
                fits,
                blocks_what,
            )
            return laid, pad, grid_w, grid_h, hero_w, typo

        for n, (floor, gaps, (cols, where), codes, symbol) in enumerate(tries, 1):
            try:
                (a, b, c, *h), pad, grid_w, grid_h, hero_w, typo = attempt(
                    floor, gaps, cols, where, codes, symbol
                )
                break
            except FitError as e:
                if n < len(tries):
                    continue
                if not isinstance(e, NoRoomError):  # a word wider than its column
                    raise
                floor = points(TIGHT_BODY_PT * k)
                if doc.org and len(doc.org.contacts) > 1:
                    raise FitError(
                        f"{blocks_what}: the poster has no room for "
                        f"{len(doc.org.contacts)} contacts in this language, even at "
                        f"{floor} pt; {self._fewer(doc, attempt, contacts, bool(hero))}"
                    ) from None
                raise FitError(
                    f"{blocks_what}: the text does not fit even at {floor} pt; shorten the text"
                ) from None

        # in a right-to-left language every block swaps sides (the first steps on the right)
        def at(left: float, width: float) -> float:
            return doc.flip(spec, left, left + width)[0]

        canvas.setStrokeColorRGB(*theme.accent)
        canvas.setLineWidth(1.2 * k)
        if hero:
            with doc.region(0.5, "helplines"):
                h[0].draw(canvas, at(x0, hero_w), top)
            height = h[0].height
            if where == "hero":
                with doc.region(4, "QR codes"):
                    self.qr_grid(
                        doc, canvas, spec, k, at(x1 - grid_w, grid_w), top, cols, codes, symbol
                    )
                height = max(height, grid_h)
            top -= height + 2 * pad
            canvas.line(x0, top + pad, x1, top + pad)
        # read top to bottom, the columns in their visual order (mirrored for right to left)
        with doc.region(1, "first steps"):
            a.draw(canvas, at(x0, col), top)
        with doc.region(2, "what not to do"):
            b.draw(canvas, at(x0 + col + gap, col), top)
        lower = top - max(a.height, b.height) - 2 * pad
        canvas.line(x0, lower + pad, x1, lower + pad)
        with doc.region(3, "whom to call"):
            c.draw(canvas, at(x0, c.width), lower)
        with doc.region(4, "QR codes"):
            if where == "contacts":
                self.qr_grid(
                    doc, canvas, spec, k, at(x1 - grid_w, grid_w), lower, cols, codes, symbol
                )
            elif where == "under":
                self.qr_grid(
                    doc,
                    canvas,
                    spec,
                    k,
                    x0 + (width - grid_w) / 2,
                    lower - c.height - pad,
                    cols,
                    codes,
                    symbol,
                )

    def _fewer(self, doc: Document, attempt, contacts: list[Para], hero: bool) -> str:
        """What to tell an organisation whose `contacts` (whom to call, theirs last) do not
        fit: how many of them would, laid out the tightest way (without their codes), or to
        shorten the labels."""
        codes = self._codes(doc)
        national = codes[: len(codes) - len(local_codes(doc))]
        for most in range(len(doc.org.contacts) - 1, 0, -1):
            for cols, where in self._arrangements(len(national), hero):
                try:
                    attempt(
                        TIGHT_BODY_PT,
                        0.5,
                        cols,
                        where,
                        national,
                        mm(QR_MIN_MM),
                        contacts[: len(contacts) - len(doc.org.contacts) + most],
                    )
                    return f"give at most {most} or shorter labels"
                except FitError:
                    pass
        return "shorten the labels"

    def _codes(self, doc: Document):
        return (doc.guide.poster.qr or doc.guide.card.qr) + local_codes(doc)

    @staticmethod
    def _arrangements(codes: int, hero: bool) -> list[tuple[int, str]]:
        """Where the QR grid stands, in order of preference: beside whom else to call; beside
        the helplines, whose numbers leave the right of their lines free; in one row under
        whom to call. (columns, where) each."""
        out = [(max(1, min(codes, 2)), "contacts")]
        if hero:
            out.append((max(1, min(codes, 2)), "hero"))
        if codes > 2:
            out.append((3, "contacts"))
        if codes > 1:
            out.append((min(codes, 5), "under"))
        return out

    def _cells(self, doc: Document, k: float, codes, symbol: float) -> tuple[float, float]:
        """(width, height) of one labelled code in the QR grid."""
        if not codes:
            return 0.0, 0.0
        k = code_scale(k, symbol)
        outer = max(qr.outer_size(symbol, doc.registry[c.resource].qr) for c in codes)
        return outer + mm(4) * k, outer + mm(LABEL_MM) * k

    def qr_grid_size(
        self, doc: Document, k: float, cols: int, codes=None, symbol: float | None = None
    ) -> tuple[float, float]:
        codes = self._codes(doc) if codes is None else codes
        w, h = self._cells(doc, k, codes, symbol or qr_symbol(k))
        rows = -(-len(codes) // cols)
        return w * cols, h * rows

    def qr_grid(
        self,
        doc: Document,
        canvas,
        spec: PageSpec,
        k: float,
        x: float,
        top: float,
        cols: int,
        codes=None,
        symbol: float | None = None,
    ) -> None:
        """The QR codes (the poster's, or `codes`), labelled, in a grid whose top-left corner
        is (x, top); each `symbol` wide (the paper's size by default)."""
        codes = self._codes(doc) if codes is None else codes
        if not codes:
            return
        symbol = symbol or qr_symbol(k)
        w, h = self._cells(doc, k, codes, symbol)
        k = code_scale(k, symbol)  # the labels go with the codes' size
        # one label size for the grid; a long language's labels may use the cell's margins
        for margin in (mm(3.5) * k, mm(1) * k):
            try:
                label_typo = label_size(
                    doc,
                    [c.label for c in codes],
                    doc.typography(10 * k, 8 * k, 8 * k),
                    w - 2 * margin,
                    mm(LABEL_MM - 1) * k,
                    doc.what(self.name, spec.paper, "QR labels"),
                )
                break
            except FitError:
                if margin < mm(3.5) * k:
                    raise
        last = len(codes) % cols  # a short last row stands centred: no empty cell
        last_row = len(codes) // cols
        for i, c in enumerate(codes):
            row, column = divmod(i, cols)
            shift = (cols - last) * w / 2 if last and row == last_row else 0.0
            qr_block(
                canvas,
                doc,
                c.resource,
                c.label,
                x + shift + column * w,
                top - row * h,
                w,
                symbol,
                label_typo,
                doc.what(self.name, spec.paper, f"QR label {c.resource}"),
                mm(LABEL_MM - 1) * k,
                code_area=h - mm(LABEL_MM) * k,
                label_margin=margin,
            )
