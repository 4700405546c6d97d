"""The card sheet: as many CR80 wallet cards as fit on A4 or Letter (10 on both), to print on
an office printer and cut by hand.

Fronts on page 1, backs on page 2 placed for long-edge duplex, so each back lands behind its
front: a card in column c of the front is in column (columns - 1 - c) of the back. Cards in a
column touch (they share a cut line); a gutter between the columns holds crop marks, which
stand at every card corner outside the trim. A one-line note in the margin says how to print
and cut.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import ClassVar

from ..paper import PAPERS, mm
from ..render.document import Document, PageSpec
from ..render.page import page
from ..text.fit import fit
from ..text.markup import Para
from .base import Format
from .card import CardFormat

COLUMN_GUTTER_MM = 6.0
MARK_MM = 2.5  # crop mark length
MARK_GAP_MM = 0.6  # between the trim and a mark
OFFICE_MARK_MM = 6.0  # without bleed, no mark nearer the paper's edge than this
SHEET_NOTE = (
    "Print both pages at 100 % (actual size), two-sided, flip on the long edge. "
    "Cut along the crop marks."
)


class CardSheetFormat(Format):
    name: ClassVar[str] = "card-sheet"
    description: ClassVar[str] = "sheet of wallet cards"
    papers: ClassVar[tuple[str, ...]] = ("a4", "letter")
    marks_mm: ClassVar[float] = 5.0
    safe_mm: ClassVar[float] = 4.5  # the cards' own 3 mm safe area keeps text further in
    pages: ClassVar[int] = 2
    card = CardFormat()

    def grid(self, spec: PageSpec) -> tuple[int, int, float, float]:
        """(columns, rows, x of the first column, y of the lowest row) in trim coordinates."""
        cw, ch = (mm(v) for v in PAPERS["cr80"])
        gutter = mm(COLUMN_GUTTER_MM)
        cols = int((spec.trim_w - 2 * mm(6) + gutter) // (cw + gutter))
        rows = int((spec.trim_h - 2 * mm(4)) // ch)
        x = (spec.trim_w - cols * cw - (cols - 1) * gutter) / 2
        y = (spec.trim_h - rows * ch) / 2
        return cols, rows, x, y

    def slots(self, spec: PageSpec, back: bool = False) -> list[tuple[float, float]]:
        """Lower-left corners of the card slots, in reading order of the fronts; on the back,
        mirrored for long-edge duplex so slot i lies behind front slot i."""
        cols, rows, x, y = self.grid(spec)
        cw, ch = (mm(v) for v in PAPERS["cr80"])
        gutter = mm(COLUMN_GUTTER_MM)
        out = []
        for r in range(rows):
            for c in range(cols):
                col = cols - 1 - c if back else c
                out.append((x + col * (cw + gutter), y + (rows - 1 - r) * ch))
        return out

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        cspec = self.card.page_spec("cr80", bleed=False)
        cspec = PageSpec("cr80", cspec.trim_w, cspec.trim_h, 0.0, 0.0, cspec.safe)
        for back in (False, True):
            draw_side = self.card.back if back else self.card.front
            with page(canvas, doc, spec, draft=False):
                copy: str | None = None
                for n, (x, y) in enumerate(self.slots(spec, back)):
                    # each card is drawn in full where it stands (not as a shared form: text
                    # extraction misplaces /ActualText inside forms, so Indic text would not
                    # read back); a screen reader reads the first, the others are copies
                    canvas.saveState()
                    canvas.translate(x, y)
                    if copy is not None:
                        canvas.addLiteral(copy)
                    else:
                        start = len(canvas._code)
                        with doc.artifact() if n else nullcontext():
                            draw_side(doc, canvas, cspec, named=(self.name, spec.paper))
                        if n:
                            # the first copy's operators, in the card's own coordinates, are
                            # every other copy's: laid out and drawn once, not once a slot
                            copy = "\n".join(canvas._code[start:])
                    canvas.restoreState()
                self.marks(canvas, spec)
                with doc.region(20 if back else 9, "printing note"):
                    self.note(canvas, doc, spec)

    def marks(self, canvas, spec: PageSpec) -> None:
        """Crop marks at every card corner, outside the trim of every card. Printed at the
        office (no bleed), no mark comes nearer the paper's edge than OFFICE_MARK_MM, where
        office printers do not print: a mark that would is shortened or left out."""
        cols, rows, x, y = self.grid(spec)
        cw, ch = (mm(v) for v in PAPERS["cr80"])
        gutter = mm(COLUMN_GUTTER_MM)
        gap, length = mm(MARK_GAP_MM), mm(MARK_MM)
        xs = sorted({x + c * (cw + gutter) + d for c in range(cols) for d in (0, cw)})
        ys = [y + r * ch for r in range(rows + 1)]
        canvas.saveState()
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.setLineWidth(0.3)
        top, bottom = ys[-1], ys[0]
        if not spec.marks:  # office: keep every mark inside the printable area
            edge = mm(OFFICE_MARK_MM)
            line = canvas.line

            def clipped(x1, y1, x2, y2) -> None:
                lo_x, hi_x = edge, spec.trim_w - edge
                lo_y, hi_y = edge, spec.trim_h - edge
                if x1 == x2:  # vertical
                    a, b = sorted((y1, y2))
                    a, b = max(a, lo_y), min(b, hi_y)
                    if b - a >= mm(1) and lo_x <= x1 <= hi_x:
                        line(x1, a, x2, b)
                else:
                    a, b = sorted((x1, x2))
                    a, b = max(a, lo_x), min(b, hi_x)
                    if b - a >= mm(1) and lo_y <= y1 <= hi_y:
                        line(a, y1, b, y2)

            canvas = _Lines(canvas, clipped)
        for cx in xs:  # vertical cut lines: marks above and below the grid
            canvas.line(cx, top + gap, cx, top + gap + length)
            canvas.line(cx, bottom - gap, cx, bottom - gap - length)
        left, right = xs[0], xs[-1]
        for cy in ys:  # horizontal cut lines: marks in the side margins and in the gutters
            canvas.line(left - gap, cy, left - gap - length, cy)
            canvas.line(right + gap, cy, right + gap + length, cy)
            for c in range(cols - 1):
                a = x + c * (cw + gutter) + cw
                canvas.line(a + gap, cy, a + gutter - gap, cy)
        canvas.restoreState()

    def note(self, canvas, doc: Document, spec: PageSpec) -> None:
        """The printing note: under the grid where there is room, else along the left margin."""
        cols, rows, x, y = self.grid(spec)
        typo = doc.typography(7, 6, 6)
        para = [Para.of(SHEET_NOTE, color=doc.theme.muted, align="center")]
        what = doc.what(self.name, spec.paper, "printing note")
        if y >= mm(6) + mm(MARK_MM) + mm(6):
            fitted = fit(para, typo, spec.trim_w - 2 * mm(6), y - mm(6) - mm(MARK_MM), what)
            fitted.draw(canvas, mm(6), mm(6) + fitted.height)
        else:
            room = x - mm(6) - mm(MARK_MM) - mm(1)
            fitted = fit(para, typo, spec.trim_h - 2 * mm(20), room, what)
            canvas.saveState()
            canvas.translate(mm(6), mm(20))
            canvas.rotate(90)
            fitted.draw(canvas, 0, 0)
            canvas.restoreState()


class _Lines:
    """A canvas whose line() goes through a function (the office clipping of marks)."""

    def __init__(self, canvas, line) -> None:
        self._canvas, self.line = canvas, line

    def __getattr__(self, name: str):
        return getattr(self._canvas, name)
