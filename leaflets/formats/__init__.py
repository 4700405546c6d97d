"""Formats are plugins of one shape, registered in one table.

A format declares what it is as class attributes (name, papers, bleed, safe area, pages); the
build reads those and calls ``render(doc, canvas, spec)``, nothing else. A new format is one
module and one line in FORMATS.
"""

from __future__ import annotations

from typing import ClassVar

from ..draw import Document, PageSpec, mm
from ..errors import LeafletsError

# Paper sizes in millimetres (width, height), portrait.
PAPERS: dict[str, tuple[float, float]] = {
    "cr80": (85.6, 54.0),
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
    "a3": (297.0, 420.0),
    "tabloid": (279.4, 431.8),
}


class Format:
    """Base of every format plugin."""

    name: ClassVar[str]
    description: ClassVar[str]
    papers: ClassVar[tuple[str, ...]]
    landscape: ClassVar[bool] = False
    always_bleed: ClassVar[bool] = False  # the piece is cut anyway (cards)
    bleed_mm: ClassVar[float] = 3.0
    marks_mm: ClassVar[float] = 0.0  # room for crop marks around the bleed
    safe_mm: ClassVar[float]
    pages: ClassVar[int]

    def page_spec(self, paper: str, bleed: bool = False) -> PageSpec:
        if paper not in self.papers:
            raise LeafletsError(
                f"format {self.name} does not come on paper {paper}; "
                f"choose from {', '.join(self.papers)}"
            )
        w, h = PAPERS[paper]
        w, h = (max(w, h), min(w, h)) if self.landscape else (min(w, h), max(w, h))
        with_bleed = bleed or self.always_bleed
        return PageSpec(
            paper=paper,
            trim_w=mm(w),
            trim_h=mm(h),
            bleed=mm(self.bleed_mm) if with_bleed else 0.0,
            marks=mm(self.marks_mm) if with_bleed else 0.0,
            safe=mm(self.safe_mm),
        )

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:  # pragma: no cover
        raise NotImplementedError


def _registry() -> dict[str, Format]:
    from .card import CardFormat
    from .leaflet import LeafletFormat
    from .poster import PosterFormat
    from .sheet import CardSheetFormat

    return {f.name: f for f in (CardFormat(), CardSheetFormat(), PosterFormat(), LeafletFormat())}


FORMATS: dict[str, Format] = _registry()
