"""The tri-fold leaflet: a roll fold on landscape A4 or Letter, two pages.

Outside (page 1), left to right: the flap that folds in, the back panel, the cover.
Inside (page 2), left to right: three panels; the right one is the flap's other side.
The flap is 2.5 mm narrower than the other panels so it folds inside without buckling.

Reading order follows the fold: the cover (title, headline), then the flap, then the three
inside panels (the whole guidance of the seed, in the seed's order, then the list of services
named in it), then the back panel (whom to call, with QR codes for the main ones). Nothing
runs on from the flap to the inside (the other side of the sheet); a long language's list of
services moves to the back panel, under whom to call, when the guidance needs all the inside.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import ClassVar

from ..errors import FitError
from ..paper import mm
from ..render import qr
from ..render.blocks import label_size, qr_block
from ..render.branding import local_codes, local_contacts, org_line
from ..render.document import Document, PageSpec, background, fill_rect
from ..render.page import checked_line, content_box, draft_band, page
from ..sources.placeholders import Ref, segments
from ..text.fit import Fitted, Frame, fit, fit_flow
from ..text.markup import Para
from .base import Format, list_marker

FLAP_NARROWER_MM = 2.5
FOLD_GUTTER_MM = 6.0  # text keeps this far from each fold
OFFICE_MARK_MM = 6.0  # without bleed, marks start this far inside the paper edge
QR_SYMBOL_MM = 17.0
BODY_MAX_PT, BODY_MIN_PT = 10.0, 8.0


def panel_widths(width: float) -> tuple[float, float]:
    """(full panel, flap) widths in points for a sheet `width` points wide."""
    full = (width + mm(FLAP_NARROWER_MM)) / 3
    return full, width - 2 * full


class LeafletFormat(Format):
    name: ClassVar[str] = "leaflet"
    description: ClassVar[str] = "tri-fold leaflet"
    papers: ClassVar[tuple[str, ...]] = ("a4", "letter")
    landscape: ClassVar[bool] = True
    marks_mm: ClassVar[float] = 5.0
    safe_mm: ClassVar[float] = 6.0
    pages: ClassVar[int] = 2
    ornaments: ClassVar[str] = "•–·"

    def panels(self, doc: Document, spec: PageSpec) -> dict[str, tuple[float, float, float, float]]:
        """Content boxes (x0, y0, x1, y1) of the six panels, by name."""
        full, flap = panel_widths(spec.trim_w)
        sx0, _, sx1, _ = spec.safe_box
        g = mm(FOLD_GUTTER_MM)  # from each fold to the text either side of it
        # every panel carries a draft's band, as tall as the narrowest panel's (the flap's)
        x0, y0, x1, y1 = content_box(doc, spec, draft_width=flap - g - sx0)
        edges = {
            "flap": (0, flap),
            "back": (flap, flap + full),
            "cover": (flap + full, spec.trim_w),
            "inside-1": (0, full),
            "inside-2": (full, 2 * full),
            "inside-3": (2 * full, spec.trim_w),
        }
        boxes = {}
        for name, (a, b) in edges.items():
            left = x0 if a == 0 else a + g
            right = x1 if b >= spec.trim_w - 0.01 else b - g
            # a right-to-left leaflet folds the other way: every panel swaps sides
            left, right = doc.flip(spec, left, right)
            boxes[name] = (left, y0, right, y1)
        return boxes

    def folds(self, doc: Document, spec: PageSpec) -> tuple[list[float], list[float]]:
        full, flap = panel_widths(spec.trim_w)
        outside, inside = [flap, flap + full], [full, 2 * full]
        if doc.rtl:
            outside, inside = ([spec.trim_w - x for x in xs] for xs in (outside, inside))
        return outside, inside

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        boxes = self.panels(doc, spec)
        flow, to_back = self.flow(doc, spec, boxes)
        outside_folds, inside_folds = self.folds(doc, spec)
        # read as the folded leaflet is: the cover, the flap, the inside, the back panel
        with page(canvas, doc, spec, draft=False):
            background(canvas, spec, doc.theme.ground)
            with doc.region(0, "cover"):
                self.cover(doc, canvas, spec, boxes["cover"])
            with doc.region(5, "back panel"):
                self.back(doc, canvas, spec, boxes["back"], to_back)
            with doc.region(1, "flap"):
                flow[0].draw(canvas, boxes["flap"][0], boxes["flap"][3])
            fold_marks(canvas, spec, outside_folds)
            self.draft_bands(doc, canvas, spec, boxes, ("cover", "flap", "back"))
        with page(canvas, doc, spec, draft=False):
            background(canvas, spec, (1, 1, 1))
            names = ("inside-1", "inside-2", "inside-3")
            for n, (fitted, name) in enumerate(zip(flow[1:], names, strict=True), 2):
                with doc.region(n, name):
                    fitted.draw(canvas, boxes[name][0], boxes[name][3])
            fold_marks(canvas, spec, inside_folds)
            self.draft_bands(doc, canvas, spec, boxes, names)

    def draft_bands(self, doc: Document, canvas, spec: PageSpec, boxes, names) -> None:
        """A draft's band on every panel of the page (each panel can be seen alone once the
        leaflet is folded), read once: the first; the others are print only. The cover's
        is white over its colour."""
        if not doc.lg.needs_band:
            return
        for n, name in enumerate(names):
            x0, _, x1, _ = boxes[name]
            with doc.artifact() if n else nullcontext():
                draft_band(canvas, doc, spec, span=(x0, x1), on_dark=name == "cover")

    def what(self, doc: Document, spec: PageSpec, part: str) -> str:
        return doc.what(self.name, spec.paper, part)

    def cover(self, doc: Document, canvas, spec: PageSpec, box) -> None:
        g, theme, reg = doc.guide, doc.theme, doc.registry
        x0, y0, x1, y1 = box
        full, flap = panel_widths(spec.trim_w)
        # The cover's colour block runs to the paper's outer, top and bottom edges.
        b = spec.bleed
        left, right = doc.flip(spec, flap + full, spec.trim_w)
        fill_rect(
            canvas,
            left - (b if left <= 0 else 0),
            -b,
            right - left + b,
            spec.trim_h + 2 * b,
            theme.accent,
        )
        paras = [
            Para.of(segments(g.title, reg), bold=True, scale=2.6, color=theme.on_accent, role="H1")
        ]
        if g.subtitle:
            paras.append(
                Para.of(
                    segments(g.subtitle, reg), scale=1.5, color=theme.on_accent, space_before=0.5
                )
            )
        paras.append(
            Para.of(
                segments(g.card.headline, reg),
                bold=True,
                scale=1.5,
                color=theme.on_accent,
                space_before=2.5,
                role="H2",
            )
        )
        if g.card.intro:
            paras.append(
                Para.of(
                    segments(g.card.intro, reg), scale=1.15, color=theme.on_accent, space_before=0.6
                )
            )
        paras.append(
            Para.of(
                segments(g.card.steps_heading, reg),
                bold=True,
                scale=1.15,
                color=theme.on_accent,
                space_before=2.0,
                role="H3",
            )
        )
        paras += [
            Para.of(
                segments(s, reg),
                bullet=list_marker(g.card.steps_kind, i),
                scale=1.05,
                color=theme.on_accent,
                space_before=0.4,
            )
            for i, s in enumerate(g.card.steps, 1)
        ]
        edition = " · ".join(
            t
            for t in (doc.org.name if doc.org else "", doc.lg.edition_name, doc.lg.language_name)
            if t
        )
        foot = fit(
            [Para.of(edition, color=theme.on_accent)],
            doc.typography(9, 8, 8),
            x1 - x0,
            mm(10),
            self.what(doc, spec, "cover footer"),
        )
        with doc.region(0.5, "cover footer"):  # read after the cover's text
            foot.draw(canvas, x0, y0 + foot.height)
        fitted = fit(
            paras,
            doc.typography(BODY_MAX_PT + 1, BODY_MIN_PT),
            x1 - x0,
            y1 - y0 - foot.height - mm(4),
            self.what(doc, spec, "cover"),
        )
        fitted.draw(canvas, x0, y1)

    def back(self, doc: Document, canvas, spec: PageSpec, box, services=()) -> None:
        g, theme, reg = doc.guide, doc.theme, doc.registry
        x0, y0, x1, y1 = box
        codes = (g.poster.qr or g.card.qr) + local_codes(doc)
        symbol = mm(QR_SYMBOL_MM)
        outer = max(qr.outer_size(symbol, reg[c.resource].qr) for c in codes)
        cols = 2
        cell_w, cell_h = (x1 - x0) / cols, outer + mm(8)
        rows = -(-len(codes) // cols)
        # whom to call, then the QR codes under it; the organisation and when the numbers were
        # checked at the foot
        checked = self.checked(doc, x1 - x0)
        org_h = org_line(
            canvas,
            doc,
            x0,
            x1,
            y0 + checked.height + mm(2),
            mm(9),
            self.what(doc, spec, "organisation"),
        )
        org_h += mm(2) if org_h else 0
        room = y1 - y0 - checked.height - org_h - mm(3) - rows * cell_h - mm(5)
        paras = [
            Para.of(
                segments(g.card.contacts_heading, reg),
                bold=True,
                scale=1.4,
                color=theme.accent,
                role="H2",
            )
        ]
        paras += [
            Para.of(segments(c.text, reg), color=theme.text, space_before=0.5)
            for c in g.card.contacts + g.poster.contacts
        ]
        if doc.org and doc.org.contacts:
            paras.append(Para.of(doc.org.name, bold=True, color=theme.accent, space_before=1))
            paras += local_contacts(doc, space_before=0.4)
        paras += services  # the services the guidance names, when the inside is full
        fitted = fit(
            paras,
            doc.typography(BODY_MAX_PT + 1, BODY_MIN_PT),
            x1 - x0,
            room,
            self.what(doc, spec, "back panel"),
        )
        fitted.draw(canvas, x0, y1)
        grid_top = y1 - fitted.height - mm(8)
        label_typo = label_size(  # one label size for the grid
            doc,
            [c.label for c in codes],
            doc.typography(8, 7, 7),
            cell_w - 2 * mm(3.5),
            mm(7.5),
            self.what(doc, spec, "QR labels"),
        )
        last = len(codes) % cols  # a short last row stands centred: no empty cell
        for i, c in enumerate(codes):
            row, col = divmod(i, cols)
            shift = (cols - last) * cell_w / 2 if last and row == len(codes) // cols else 0.0
            qr_block(
                canvas,
                doc,
                c.resource,
                c.label,
                x0 + shift + col * cell_w,
                grid_top - row * cell_h,
                cell_w,
                symbol,
                label_typo,
                self.what(doc, spec, f"QR label {c.resource}"),
                mm(7.5),
                outer,
                mm(3.5),
            )
        checked.draw(canvas, x0, y0 + checked.height)

    def checked(self, doc: Document, width: float) -> Fitted:
        return fit(
            [Para.of(checked_line(doc), color=doc.theme.muted)],
            doc.typography(8, 8, 8),
            width,
            mm(12),
            doc.what(self.name, "", "checked date"),
        )

    def flow(self, doc: Document, spec: PageSpec, boxes) -> tuple[list[Fitted], list[Para]]:
        """The whole guidance, then the services it names, poured into flap and inside; and
        what the back panel takes over (the services, when a long language's guidance needs
        all the inside: the back panel, read last, has room below whom to call)."""
        names = ("flap", "inside-1", "inside-2", "inside-3")
        # nothing runs on from the flap: the inside panels are on the other side of the sheet
        sizes = [
            Frame(x1 - x0, y1 - y0, split_after=name != "flap")
            for name, (x0, y0, x1, y1) in ((n, boxes[n]) for n in names)
        ]
        what = self.what(doc, spec, "guidance text")
        typo = doc.typography(BODY_MAX_PT, BODY_MIN_PT)
        # a long language's text: the space between paragraphs closes up, in steps; then the
        # services move to the back panel
        for spacing in (1.0, 0.5, 0.25):
            try:
                return fit_flow(guidance_paras(doc, spacing=spacing), typo, sizes, what), []
            except FitError:
                pass
        services = services_paras(doc, spacing=0.25)
        guidance = guidance_paras(doc, spacing=0.25)[: -len(services)]
        return fit_flow(guidance, typo, sizes, what), services


def guidance_paras(doc: Document, spacing: float = 1.0) -> list[Para]:
    """Every section of the guide in order, then the list of services it names; the space
    before each paragraph is `spacing` times its usual."""
    g, theme, reg = doc.guide, doc.theme, doc.registry
    sp = spacing
    out: list[Para] = []
    for s in g.sections:
        if s.heading:
            out.append(
                Para.of(
                    segments(s.heading, reg),
                    bold=True,
                    scale=1.25,
                    color=theme.accent,
                    space_before=0.9 * sp,
                    keep_with_next=True,
                    role="H2",
                )
            )
        for b in s.blocks:
            common = {"color": theme.text, "space_before": 0.45 * sp, "lead": b.lead}
            segs = segments(b.text, reg)
            if b.kind == "item":
                out.append(Para.of(segs, bullet="•", **common))
            elif b.kind == "subitem":
                out.append(Para.of(segs, bullet="–", indent=1.2, **common))
            elif b.kind == "quote":  # a subheading: it keeps with what follows
                out.append(
                    Para.of(
                        segs,
                        bold=True,
                        color=theme.accent,
                        space_before=0.7 * sp,
                        lead=b.lead,
                        keep_with_next=True,
                    )
                )
            else:
                out.append(Para.of(segs, **common))
    return out + services_paras(doc, spacing)


def services_paras(doc: Document, spacing: float = 1.0) -> list[Para]:
    """The list of services the guide names: its heading, then one item each."""
    g, theme, reg = doc.guide, doc.theme, doc.registry
    sp = spacing
    out = [
        Para.of(
            segments(g.leaflet.resources_heading, reg),
            bold=True,
            scale=1.25,
            color=theme.accent,
            space_before=1.2 * sp,
            keep_with_next=True,
            role="H2",
        )
    ]
    for r in reg:
        if g.id in r.editions:
            out.append(
                Para.of(
                    [doc.lg.resource_name(r) + ": ", Ref(r)],
                    color=theme.text,
                    space_before=0.35 * sp,
                    bullet="•",
                )
            )
    return out


def fold_marks(canvas, spec: PageSpec, xs: list[float]) -> None:
    """Short fold marks at the top and bottom edges: outside the trim when there is room for
    marks (print shop), else OFFICE_MARK_MM inside the paper edge, where an office printer
    prints (text keeps FOLD_GUTTER_MM from the fold, so the marks touch none)."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 1.5)
    for x in xs:
        if spec.marks:
            gap = max(spec.bleed, mm(2))
            spans = [(-gap - mm(4), -gap), (spec.trim_h + gap, spec.trim_h + gap + mm(4))]
        else:
            a, b = mm(OFFICE_MARK_MM), mm(OFFICE_MARK_MM + 3)
            spans = [(a, b), (spec.trim_h - b, spec.trim_h - a)]
        for a, b in spans:
            canvas.line(x, a, x, b)
    canvas.restoreState()
