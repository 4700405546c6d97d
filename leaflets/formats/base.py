"""The shape every format has: declared as class attributes, checked when the class is made.

A format declares what it is (name, papers, orientation, bleed, safe area, pages, the
characters it prints of its own) and draws itself in ``render(doc, canvas, spec)``; the build
reads the declaration and calls ``render``, nothing else. A subclass that leaves out a
declaration, names a paper the paper table lacks, or does not draw is refused with a
TypeError when its module is imported, never half-way through a build.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import UsageError
from ..paper import PAPERS, mm
from ..render.document import Document, PageSpec

# What every format must declare, and the type of each declaration.
_DECLARED: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "description": str,
    "papers": tuple,
    "safe_mm": (int, float),
    "pages": (int, tuple),
}


class Format:
    """Base of every format plugin."""

    name: ClassVar[str]  # as the CLI, the config and the manifest name it
    description: ClassVar[str]  # in the PDF's title: "CR80 wallet card, two sides"
    papers: ClassVar[tuple[str, ...]]  # names from paper.PAPERS, the first the default
    landscape: ClassVar[bool] = False
    always_bleed: ClassVar[bool] = False  # the piece is cut anyway (cards)
    bleed_mm: ClassVar[float] = 3.0
    marks_mm: ClassVar[float] = 0.0  # room for crop marks around the bleed
    safe_mm: ClassVar[float]  # text and codes stay this far inside the trim
    # how many pages it prints: a number, or (least, most) for a format whose length follows
    # its language (the large-print leaflet); the build refuses a file outside it
    pages: ClassVar[int | tuple[int, int]]
    ornaments: ClassVar[str] = ""  # characters it prints that no text holds (bullets, marks)
    # a PNG of this many pixels (width, height) is rendered from its one-page PDF, once
    # the PDF has passed the build's checks (social images); None: the PDF alone
    image: ClassVar[tuple[int, int] | None] = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for attr, kind in _DECLARED.items():
            value = getattr(cls, attr, None)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"format {cls.__name__} must declare {attr} ({kind})")
        if not cls.name or not cls.papers:
            raise TypeError(f"format {cls.__name__} must declare a name and its papers")
        unknown = [p for p in cls.papers if p not in PAPERS]
        if unknown:
            raise TypeError(
                f"format {cls.name}: paper(s) {', '.join(unknown)} not in the paper table"
            )
        least, most = cls.page_range()
        if (
            not all(type(n) is int for n in (least, most))
            or isinstance(cls.pages, tuple)
            and len(cls.pages) != 2
            or least < 1
            or most < least
        ):
            raise TypeError(
                f"format {cls.name} must declare pages as a number of at least 1, or "
                "(least, most) with 1 <= least <= most"
            )
        if cls.image is not None and (
            cls.page_range() != (1, 1)
            or len(cls.image) != 2
            or not all(type(v) is int and v > 0 for v in cls.image)
        ):
            raise TypeError(f"format {cls.name}: an image is (width, height) pixels of one page")
        if cls.render is Format.render:
            raise TypeError(f"format {cls.name} must define render(doc, canvas, spec)")

    @classmethod
    def page_range(cls) -> tuple[int, int]:
        """(least, most) pages the format may print."""
        pages = cls.pages
        if isinstance(pages, tuple):
            return (pages[0], pages[-1]) if pages else (0, -1)
        return pages, pages

    @classmethod
    def pages_text(cls) -> str:
        """Its declaration as a person reads it: "2", or "2 to 12"."""
        least, most = cls.page_range()
        return str(least) if least == most else f"{least} to {most}"

    def page_spec(self, paper: str, bleed: bool = False) -> PageSpec:
        if paper not in self.papers:
            raise UsageError(
                f"format {self.name} does not come on paper {paper}; "
                f"choose from {', '.join(self.papers)}"
            )
        w, h = PAPERS[paper]
        w, h = (max(w, h), min(w, h)) if self.landscape else (min(w, h), max(w, h))
        # an image is a screen: no bleed and no marks, whatever a print build asks for
        with_bleed = (bleed or self.always_bleed) and self.image is None
        return PageSpec(
            paper=paper,
            trim_w=mm(w),
            trim_h=mm(h),
            bleed=mm(self.bleed_mm) if with_bleed else 0.0,
            marks=mm(self.marks_mm) if with_bleed else 0.0,
            safe=mm(self.safe_mm),
        )

    def title(self, guide) -> str:
        """What the file's title (a viewer's title bar, a screen reader's first words, the
        name a shared file shows) says: the guide's title."""
        return " ".join(t for t in (guide.title, guide.subtitle) if t)

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        """Draw every page of the format (each inside ``render.page.page``)."""
        raise NotImplementedError


# The marker of each kind of list (sources.guide.LIST_KINDS): a cross only says "don't";
# things to do are numbered, facts and reassurances take a neutral bullet.
LIST_MARKERS = {"dont": "×", "facts": "•"}


def list_marker(kind: str, number: int) -> str:
    """The marker in front of item `number` (from 1) of a list of `kind`."""
    if kind == "do":
        return f"{number}."
    if kind not in LIST_MARKERS:  # the guide loader refuses any other kind
        raise ValueError(f"list kind {kind!r} has no marker")
    return LIST_MARKERS[kind]
