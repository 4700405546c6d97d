"""The CR80 wallet card (85.6 x 54 mm), two sides.

Front: a colour band with the headline, then the first steps. Back: whom to call, with two QR
codes (the main helpline's ``tel:`` and the reporting or takedown site) in a column on the
side. Always printed with a 3 mm bleed: cards are cut anyway.
"""

from __future__ import annotations

from typing import ClassVar

from .. import qr
from ..content import segments
from ..draw import Document, PageSpec, background, band, content_box, mm, page, qr_block
from ..errors import FitError
from ..text import Para, fit
from . import Format

QR_SYMBOL_MM = 14.5  # the symbol, without its quiet zone (at least 14 mm)
QR_LABEL_EXTRA_MM = 3.0  # the label column is this much wider than the code
BAND_MM = 19.0  # height of the front's headline band


class CardFormat(Format):
    name: ClassVar[str] = "card"
    description: ClassVar[str] = "CR80 wallet card, two sides"
    papers: ClassVar[tuple[str, ...]] = ("cr80",)
    landscape: ClassVar[bool] = True
    always_bleed: ClassVar[bool] = True
    safe_mm: ClassVar[float] = 3.0
    pages: ClassVar[int] = 2

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        with page(canvas, doc, spec):
            self.front(doc, canvas, spec)
        with page(canvas, doc, spec):
            self.back(doc, canvas, spec)

    def _namer(self, doc: Document, spec: PageSpec):
        return lambda part: doc.what(self.name, spec.paper, part)

    def front(self, doc: Document, canvas, spec: PageSpec) -> None:
        card, theme, reg = doc.guide.card, doc.theme, doc.registry
        x0, y0, x1, y1 = content_box(doc, spec)
        what = self._namer(doc, spec)
        background(canvas, spec, theme.ground)
        band_bottom = spec.trim_h - mm(BAND_MM)
        band(canvas, spec, band_bottom, spec.trim_h, theme.accent)

        head = [Para.of(segments(card.headline, reg), scale=1.5, bold=True,
                        color=theme.on_accent)]
        if card.intro:
            head.append(Para.of(segments(card.intro, reg), color=theme.on_accent,
                                space_before=0.35))
        fitted = fit(head, doc.typography(7.5, 6), x1 - x0, y1 - band_bottom - mm(1.5),
                     what("front headline"))
        fitted.draw(canvas, x0, y1)

        footer_h = 0.0
        if card.turn_over:
            foot = fit([Para.of(card.turn_over, color=theme.muted, align="right")],
                       doc.typography(6, 6), x1 - x0, mm(4), what("front footer"))
            foot.draw(canvas, x0, y0 + foot.height)
            footer_h = foot.height + mm(0.8)

        steps = [Para.of(segments(card.steps_heading, reg), bold=True, color=theme.accent,
                         scale=1.15)]
        steps += [
            Para.of(segments(s, reg), bullet=f"{i}.", color=theme.text, space_before=0.3)
            for i, s in enumerate(card.steps, 1)
        ]
        top = band_bottom - mm(2)
        fitted = fit(steps, doc.typography(7.5, 6), x1 - x0, top - y0 - footer_h,
                     what("front steps"))
        fitted.draw(canvas, x0, top)

    def back(self, doc: Document, canvas, spec: PageSpec) -> None:
        card, theme, reg = doc.guide.card, doc.theme, doc.registry
        x0, y0, x1, y1 = content_box(doc, spec)
        what = self._namer(doc, spec)
        background(canvas, spec, theme.ground)

        # The QR column, top to bottom, on the side the text does not start from.
        # The column is a little wider than the codes so that short labels stay on one line.
        column = max(qr.outer_size(mm(QR_SYMBOL_MM), reg[q.resource].qr) for q in card.qr)
        column += mm(QR_LABEL_EXTRA_MM)
        qx = x1 - column
        top = y1
        label_typo = doc.typography(6.5, 6, 6)
        for q in card.qr:
            used = qr_block(canvas, doc, q.resource, q.label, qx, top, column, mm(QR_SYMBOL_MM),
                            label_typo, what(f"QR label {q.resource}"))
            top -= used + mm(1.2)
        if top + mm(1.2) < y0 - 0.01:
            raise FitError(f"{what('QR codes')}: the codes and their labels do not fit the "
                           "card's height; shorten the labels")

        paras = [Para.of(segments(card.contacts_heading, reg), bold=True, color=theme.accent,
                         scale=1.3)]
        paras += [Para.of(segments(c.text, reg), color=theme.text, space_before=0.55)
                  for c in card.contacts]
        fitted = fit(paras, doc.typography(7.5, 6), qx - mm(2.5) - x0, y1 - y0,
                     what("back contacts"))
        fitted.draw(canvas, x0, y1)
