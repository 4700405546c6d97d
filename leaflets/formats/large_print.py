"""The large-print leaflet: the whole guide for readers with low vision, on A4 (or Letter)
portrait pages, as many as the language needs.

It follows UKAAF's clear and large print guidance (G003 and its minimum standards): body text
at 18 pt (never under 16 pt: page numbers, QR labels, the draft note and the footer are body
size too), headings larger and bold, one sans-serif face per script, one column, text aligned
to the start of the line (left, or right in a right-to-left language) and never justified, no
italics, underlining or capitals, a blank line's worth of space between paragraphs, nothing
printed over a picture or a tint (white paper, dark text; the draft note is red text on white),
a heading never left at the foot of a page without what follows it, and "Page 2 of 5" at the
foot of every page.

Reading order: the title and what the guidance is about, the first steps, whom to call, every
section of the guide in its order, the services it names, the QR codes, when the numbers were
checked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from ..errors import FitError
from ..i18n.locales import format_number
from ..paper import mm
from ..render import qr
from ..render.blocks import label_size, qr_block
from ..render.branding import codes_giving_way, draw_logo, local_codes, local_contacts, logo_width
from ..render.document import Document, PageSpec, background
from ..render.page import checked_line, content_box, draft_band, page
from ..sources.placeholders import segments
from ..text.fit import fit, fit_pages
from ..text.markup import Para
from .base import Format, list_marker
from .leaflet import guidance_paras

BODY_PT, FLOOR_PT = 18.0, 16.0  # UKAAF: at least 16 pt, ideally 18
TITLE_SCALE, HEADING_SCALE = 1.75, 1.35  # 31.5 and 24.3 pt at the body's 18
MAX_PAGES = 24  # a language that needs more than this is a FitError, not a booklet
QR_SYMBOL_MM = 30.0
QR_MIN_MM = 25.0  # the posters' smallest code
LOGO_MM = 18.0


class LargePrintFormat(Format):
    name: ClassVar[str] = "large-print"
    description: ClassVar[str] = "large-print leaflet"
    papers: ClassVar[tuple[str, ...]] = ("a4", "letter")
    marks_mm: ClassVar[float] = 5.0
    safe_mm: ClassVar[float] = 15.0  # UKAAF: generous margins; an office printer prints there
    pages: ClassVar[tuple[int, int]] = (2, MAX_PAGES)
    ornaments: ClassVar[str] = "•–"

    def what(self, doc: Document, spec: PageSpec, part: str) -> str:
        return doc.what(self.name, spec.paper, part)

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        x0, y0, x1, y1 = content_box(doc, spec, draft_pt=BODY_PT)
        width = x1 - x0
        foot = self.page_number(doc, spec, 88, 88, width).height + mm(6)
        logo = mm(LOGO_MM) + mm(6) if logo_width(doc, mm(LOGO_MM)) else 0.0
        typo = doc.typography(BODY_PT, FLOOR_PT, FLOOR_PT)

        def frame(n: int) -> tuple[float, float]:
            return width, y1 - y0 - foot - (logo if n == 0 else 0.0)

        # no paragraph is split between pages (a number never on the page after its name)
        paras = [replace(p, keep_together=True) for p in self.paragraphs(doc)]
        flow = fit_pages(paras, typo, frame, MAX_PAGES, self.what(doc, spec, "guidance text"))
        body = flow[-1].size
        codes = self.codes(doc)
        symbol = mm(QR_SYMBOL_MM)
        cols, grid_h = self.grid(doc, spec, width, body, symbol, codes)
        room = frame(len(flow) - 1)[1] - flow[-1].height
        codes_apart = bool(codes) and grid_h + body > room  # the codes on a page of their own
        if codes_apart:
            # a page of their own holds them, their heading above: the codes shrink to the
            # posters' smallest, then the organisation's own codes give way, last first
            # (their numbers and links are printed in whom to call) before the build fails
            own = frame(len(flow))[1] - self.codes_heading(doc, spec, width).height - body
            lists = codes_giving_way(codes, doc)
            tries = [(some, size) for some in lists for size in (QR_SYMBOL_MM, 27.5, QR_MIN_MM)]
            for some, size in tries:
                symbol = mm(size)
                cols, grid_h = self.grid(doc, spec, width, body, symbol, some)
                if grid_h <= own + 0.01:
                    codes = some
                    break
            else:
                raise FitError(
                    f"{self.what(doc, spec, 'QR codes')}: the {len(lists[-1])} QR codes of the "
                    f"edition and their labels do not fit a page even at {QR_MIN_MM:g} mm; "
                    "shorten the labels"
                )
        total = len(flow) + codes_apart
        if total > MAX_PAGES:
            raise FitError(
                f"{self.what(doc, spec, 'guidance text')}: the text needs more than "
                f"{MAX_PAGES} pages; shorten the text"
            )
        for n in range(total):
            with page(canvas, doc, spec, draft=False):
                background(canvas, spec, (1, 1, 1))
                top = y1
                if n == 0 and logo:
                    left = doc.flip(spec, x0, x0 + logo_width(doc, mm(LOGO_MM)))[0]
                    with doc.region(0, "logo"):
                        draw_logo(canvas, doc, left, y1 - mm(LOGO_MM), mm(LOGO_MM))
                    top -= logo
                bottom = top
                if n < len(flow):
                    with doc.region(n + 1, f"page {n + 1}"):
                        bottom = flow[n].draw(canvas, x0, top)
                if codes and n == total - 1:
                    grid_top = bottom - (body if n < len(flow) else 0.0)
                    if n == len(flow):  # a page of their own says what they are for
                        with doc.region(total, "QR codes heading"):
                            grid_top = self.codes_heading(doc, spec, width).draw(canvas, x0, top)
                        grid_top -= body
                    with doc.region(total + 1, "QR codes"):
                        self.draw_codes(
                            doc, canvas, spec, x0, width, grid_top, cols, body, symbol, codes
                        )
                number = self.page_number(doc, spec, n + 1, total, width)
                with doc.artifact():  # a page number is pagination, not content
                    number.draw(canvas, x0, y0 + number.height)
                if doc.lg.needs_band:  # red text on white: no text over a tint
                    draft_band(canvas, doc, spec, size=BODY_PT, on_dark=True)

    def codes_heading(self, doc: Document, spec: PageSpec, width: float):
        g = doc.guide
        return fit(
            [
                Para.of(
                    segments(g.card.contacts_heading, doc.registry),
                    bold=True,
                    scale=HEADING_SCALE,
                    color=doc.theme.accent,
                    role="H2",
                )
            ],
            doc.typography(BODY_PT, BODY_PT, BODY_PT),
            width,
            mm(60),
            self.what(doc, spec, "QR codes heading"),
        )

    def page_number(self, doc: Document, spec: PageSpec, n: int, total: int, width: float):
        """ "Page n of total" in the language, body size, at the start of the line."""
        loc = doc.lg.locale
        fields = {"page": format_number(n, loc), "pages": format_number(total, loc)}
        text = segments(doc.guide.ui.page_number, doc.registry, fields)
        return fit(
            [Para.of(text, color=doc.theme.text)],
            doc.typography(BODY_PT, BODY_PT, BODY_PT),
            width,
            mm(30),
            self.what(doc, spec, "page number"),
        )

    def paragraphs(self, doc: Document) -> list[Para]:
        """Every text of the guide that the other formats print, once: the title and
        subtitle, the headline and the line under it, the first steps, whom to call (the
        organisation's own contacts last), every section, the services named, and when the
        numbers were checked."""
        g, theme, reg = doc.guide, doc.theme, doc.registry

        def heading(text: str, level: str = "H2", space: float = 1.3) -> Para:
            return Para.of(
                segments(text, reg),
                bold=True,
                scale=HEADING_SCALE,
                color=theme.accent,
                space_before=space,
                keep_with_next=True,
                role=level,
            )

        out = [
            Para.of(
                segments(g.title, reg),
                bold=True,
                scale=TITLE_SCALE,
                color=theme.accent,
                keep_with_next=True,
                role="H1",
            )
        ]
        if g.subtitle:
            out.append(
                Para.of(segments(g.subtitle, reg), bold=True, color=theme.text, space_before=0.6)
            )
        out.append(heading(g.card.headline))
        if g.card.intro:
            out.append(Para.of(segments(g.card.intro, reg), color=theme.text, space_before=0.8))
        out.append(heading(g.card.steps_heading))
        out += [
            Para.of(
                segments(s, reg),
                bullet=list_marker(g.card.steps_kind, i),
                color=theme.text,
                space_before=0.8,
            )
            for i, s in enumerate(g.card.steps, 1)
        ]
        out.append(heading(g.card.contacts_heading))
        out += [
            Para.of(segments(c.text, reg), color=theme.text, space_before=0.8, bullet="•")
            for c in g.card.contacts + g.poster.contacts
        ]
        if doc.org and doc.org.contacts:
            out.append(Para.of(doc.org.name, bold=True, color=theme.text, space_before=1.0))
            out += local_contacts(doc, space_before=0.8, bullet="•")
        # the guide's sections and the services it names, as the tri-fold leaflet prints
        # them, at this format's spacing: headings larger, a blank line between paragraphs
        for p in guidance_paras(doc, spacing=1.0):
            if p.role == "H2":
                out.append(heading_like(p, HEADING_SCALE, 1.3))
            else:
                out.append(spaced(p, 0.8))
        out.append(Para.of(checked_line(doc), color=theme.text, space_before=1.3))
        edition = " · ".join(t for t in (g.name, doc.lg.language_name) if t)
        out.append(Para.of(edition, color=theme.text, space_before=0.3))
        return out

    def codes(self, doc: Document):
        return (doc.guide.poster.qr or doc.guide.card.qr) + local_codes(doc)

    def cell(self, doc: Document, symbol: float, codes) -> float:
        return max(qr.outer_size(symbol, doc.registry[c.resource].qr) for c in codes)

    def grid(self, doc: Document, spec: PageSpec, width: float, body: float, symbol: float, codes):
        """(columns, height) of the QR codes with their labels: three to a row where the
        labels fit on one line at body size (16 pt at least), else two, else one."""
        if not codes:
            return 0, 0.0
        outer = self.cell(doc, symbol, codes)
        label_h = self.label_height(doc, body)
        for cols in (3, 2, 1):
            if width / cols < outer:
                continue
            try:
                self.labels(doc, spec, width / cols, label_h, body, codes)
            except FitError:
                if cols == 1:
                    raise
                continue
            rows = -(-len(codes) // cols)
            return cols, rows * (outer + label_h + mm(4))
        raise FitError(f"{self.what(doc, spec, 'QR codes')}: the codes do not fit the page")

    def label_height(self, doc: Document, body: float) -> float:
        """Room for a label of one line: a reader, and verify, take the line under a code
        as what it opens."""
        return 1.2 * body * doc.stack.line_height

    def labels(
        self, doc: Document, spec: PageSpec, cell_w: float, label_h: float, body: float, codes
    ):
        return label_size(
            doc,
            [c.label for c in codes],
            doc.typography(body, FLOOR_PT, FLOOR_PT),
            cell_w - 2 * mm(3),
            label_h,
            self.what(doc, spec, "QR labels"),
        )

    def draw_codes(
        self,
        doc: Document,
        canvas,
        spec,
        x0: float,
        width: float,
        top,
        cols: int,
        body: float,
        symbol: float,
        codes,
    ) -> None:
        outer = self.cell(doc, symbol, codes)
        label_h = self.label_height(doc, body)
        cell_w = width / cols
        typo = self.labels(doc, spec, cell_w, label_h, body, codes)
        last = len(codes) % cols
        last_row = len(codes) // cols
        for i, c in enumerate(codes):
            row, col = divmod(i, cols)
            if doc.rtl:  # read from the right
                col = cols - 1 - col
            shift = (cols - last) * cell_w / 2 if last and row == last_row else 0.0
            qr_block(
                canvas,
                doc,
                c.resource,
                c.label,
                x0 + shift * (-1 if doc.rtl else 1) + col * cell_w,
                top - row * (outer + label_h + mm(4)),
                cell_w,
                symbol,
                typo,
                self.what(doc, spec, f"QR label {c.resource}"),
                label_h,
                outer,
                mm(3),
            )


def heading_like(p: Para, scale: float, space: float) -> Para:
    """A heading of the tri-fold leaflet at this format's heading size and spacing."""
    return replace(p, scale=scale, space_before=space)


def spaced(p: Para, space: float) -> Para:
    """A paragraph with the space before it set to `space` body sizes (about one blank line
    between paragraphs, as UKAAF asks); a sub-item stays close to its item."""
    return replace(p, space_before=space * (0.6 if p.bullet == "–" else 1.0))
