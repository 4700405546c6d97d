"""formats: each format one module, and one line in the table below.

A format is a :class:`~leaflets.formats.base.Format` subclass that declares what it is and
draws itself; the build, the config and the command line read this table and nothing else.
"""

from __future__ import annotations

from .base import Format
from .card import CardFormat
from .discreet import DiscreetCardFormat
from .door import DoorPosterFormat
from .html import HtmlFormat
from .large_print import LargePrintFormat
from .leaflet import LeafletFormat
from .poster import PosterFormat
from .sheet import CardSheetFormat
from .social import SocialSquareFormat, SocialStoryFormat

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        CardFormat(),
        CardSheetFormat(),
        DiscreetCardFormat(),  # card-discreet: a front that does not say what it is about
        PosterFormat(),
        DoorPosterFormat(),  # poster-door: A5 and A6, for the inside of a door
        LeafletFormat(),
        LargePrintFormat(),
        SocialSquareFormat(),
        SocialStoryFormat(),
    )
}
WEB_FORMATS: dict[str, HtmlFormat] = {f.name: f for f in (HtmlFormat(),)}


def names() -> list[str]:
    """Every format the build makes: the print formats, then the web formats."""
    return [*FORMATS, *WEB_FORMATS]


def register(fmt: Format, replace: bool = False) -> Format:
    """Add a format defined elsewhere (a plugin, a test) to the table; returns it. A name the
    table has is refused unless `replace` is given."""
    if not isinstance(fmt, Format):
        raise TypeError(f"{fmt!r} is not a Format")
    if fmt.name in WEB_FORMATS or (fmt.name in FORMATS and not replace):
        raise ValueError(f"a format named {fmt.name!r} is already registered")
    FORMATS[fmt.name] = fmt
    return fmt


def ornaments() -> str:
    """Every character the formats print of their own, for font subsets."""
    return "".join(sorted({c for f in FORMATS.values() for c in f.ornaments}))


__all__ = ["FORMATS", "WEB_FORMATS", "Format", "HtmlFormat", "names", "ornaments", "register"]
