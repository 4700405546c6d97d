"""The one table of papers and trims, and millimetres to points.

Formats, the config, the command line and verify all read this table: a paper is named once.
Sizes are the trim in millimetres, (width, height) as the piece is held: the card landscape,
the papers portrait; a format turns them as it needs.
"""

from __future__ import annotations

MM = 72 / 25.4  # points per millimetre

PAPERS: dict[str, tuple[float, float]] = {
    "cr80": (85.6, 54.0),  # ISO/IEC 7810 ID-1, the wallet card
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
    "a3": (297.0, 420.0),
    "tabloid": (279.4, 431.8),
    "a5": (148.0, 210.0),  # the door poster
    "a6": (105.0, 148.0),  # the door poster, small
    # Screens, not paper: the pages social images are drawn on, sized so that rendering at
    # SCREEN_DPI gives exactly the pixels their names say (540 x 540 pt at 144 dpi).
    "1080x1080": (190.5, 190.5),
    "1080x1920": (190.5, 1920 / 144 * 25.4),
}

CARD = "cr80"  # the wallet card's own size, which no printer is loaded with
SCREEN_DPI = 144  # a social image's page rendered at this resolution is its PNG
SCREENS: tuple[str, ...] = ("1080x1080", "1080x1920")
# Sizes of a piece of its own, which an organisation's [print] paper does not name: the door
# poster keeps them, printed on that paper or on A4 and cut (docs/PRINTING.md).
SMALL_PAPERS: tuple[str, ...] = ("a5", "a6")
# The papers an office printer takes, for an organisation's [print] paper.
OFFICE_PAPERS: tuple[str, ...] = tuple(
    p for p in PAPERS if p != CARD and p not in SMALL_PAPERS and p not in SCREENS
)


def mm(v: float) -> float:
    """Millimetres in points."""
    return v * MM


def to_mm(v: float) -> float:
    """Points in millimetres."""
    return v / MM
