"""An organisation's own edition on the page: its logo and name, and its local contacts."""

from __future__ import annotations

from functools import cache

from ..errors import FitError
from ..paper import mm
from ..sources.guide import QRLabel
from ..sources.placeholders import Ref
from ..text.fit import Para, fit
from .document import Document


def local_contacts(
    doc: Document,
    color=None,
    space_before: float = 0.45,
    bullet: str = "",
    hours: bool = True,
    links: bool = True,
    first: int | None = None,
) -> list[Para]:
    """The organisation's contacts (all, or the `first` so many): its label as written, the
    number (formatted for its country, from the registry copy the config made) and, where
    there is room, its link and hours."""
    if not doc.org:
        return []
    out = []
    for c in doc.org.contacts[:first]:
        res = doc.registry[c.id]
        segs: list = [f"{c.label}: ", Ref(res)]
        if c.hours and hours:
            segs.append(f" ({c.hours})")
        if res.url and links:
            segs += [" ", Ref(res, "url")]
        out.append(
            Para.of(segs, color=color or doc.theme.text, space_before=space_before, bullet=bullet)
        )
    return out


def local_codes(doc: Document) -> tuple[QRLabel, ...]:
    """QR codes for the organisation's contacts, labelled with their labels."""
    if not doc.org:
        return ()
    return tuple(QRLabel(c.id, c.label) for c in doc.org.contacts)


def codes_giving_way(codes, doc: Document) -> list:
    """A page's QR codes as a layout may try them: all of them, then with the organisation's
    own codes (the last of `codes`) giving way, last first, down to the edition's alone; an
    organisation's numbers and links stay printed in whom to call."""
    codes = list(codes)
    national = len(codes) - len(local_codes(doc))
    return [codes[:keep] for keep in range(len(codes), national - 1, -1)]


def logo_width(doc: Document, height: float) -> float:
    """The printed width of the logo at `height`, or 0 without one."""
    logo = doc.org.logo if doc.org else None
    if logo is None:
        return 0.0
    w, h = _logo_size(str(logo))
    return height * w / h


def draw_logo(canvas, doc: Document, x: float, y: float, height: float) -> float:
    """The logo with its lower-left corner at (x, y); returns its width."""
    logo = doc.org.logo if doc.org else None
    if logo is None:
        return 0.0
    width = logo_width(doc, height)
    if doc.tags:  # the logo's alternative text is the organisation's name
        with doc.tags.figure(canvas, doc.org.name, (x, y, x + width, y + height)):
            _draw_logo(canvas, doc, logo, x, y, width, height)
    else:
        _draw_logo(canvas, doc, logo, x, y, width, height)
    return width


def _draw_logo(canvas, doc: Document, logo, x: float, y: float, width: float, height: float):
    if logo.suffix.lower() == ".svg":
        drawing = _svg(str(logo))
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(width / drawing.width, height / drawing.height)
        # the renderer selects its default font (Helvetica, never embedded) even for a logo
        # without text: give it the embedded Latin face instead
        # imported here to keep start-up fast: only an organisation's SVG logo needs them
        from reportlab.graphics import renderPDF
        from reportlab.graphics.shapes import STATE_DEFAULTS

        default_font = STATE_DEFAULTS["fontName"]
        STATE_DEFAULTS["fontName"] = doc.stack.faces[-1].name
        try:
            renderPDF.draw(drawing, canvas, 0, 0)
        finally:
            STATE_DEFAULTS["fontName"] = default_font
        canvas.restoreState()
    else:
        canvas.drawImage(_image(str(logo)), x, y, width, height, mask="auto")


@cache
def _image(path: str):
    """A bitmap logo as reportlab reads it, once a build. Given as an ImageReader, not a file
    name, reportlab names the image by a hash of its pixels rather than of its path: the same
    logo gives the same file wherever the organisation's folder is."""
    from reportlab.lib.utils import ImageReader  # imported here to keep start-up fast

    return ImageReader(path)


@cache
def _svg(path: str):
    from svglib.svglib import svg2rlg  # imported here to keep start-up fast (SVG logos only)

    return svg2rlg(path)


@cache
def _logo_size(path: str) -> tuple[float, float]:
    if path.lower().endswith(".svg"):
        d = _svg(path)
        return d.width, d.height
    from PIL import Image  # imported here to keep start-up fast (logos only)

    with Image.open(path) as im:
        return im.size


def org_layout(doc: Document, x0: float, x1: float, height: float, what: str, color=None):
    """The organisation's logo and name laid out in x0..x1 (from the right in a right-to-left
    language), the logo `height` high and the name on one line if it can be, at most two.
    Returns (height used, draw(canvas, bottom)); (0, no-op) without a config."""
    if not doc.org:
        return 0.0, lambda canvas, bottom: None
    lw = logo_width(doc, height)
    gap = mm(2) if lw else 0.0
    size = height / 1.25
    typo = doc.typography(size, min(size, 6), 6)
    para = [Para.of(doc.org.name, bold=True, color=color or doc.theme.text)]
    try:
        fitted = fit(para, typo, x1 - x0 - lw - gap, height, what)
    except FitError:
        fitted = fit(para, typo, x1 - x0 - lw - gap, height * 2.4, what)
    h = max(height, fitted.height)

    def draw(canvas, bottom: float) -> None:
        if doc.rtl:
            draw_logo(canvas, doc, x1 - lw, bottom + (h - height) / 2, height)
            fitted.draw(canvas, x0, bottom + (h + fitted.height) / 2)
        else:
            draw_logo(canvas, doc, x0, bottom + (h - height) / 2, height)
            fitted.draw(canvas, x0 + lw + gap, bottom + (h + fitted.height) / 2)

    return h, draw


def org_line(
    canvas, doc: Document, x0: float, x1: float, bottom: float, height: float, what: str, color=None
) -> float:
    """Draw the organisation's logo and name from `bottom` up; returns the height used."""
    h, draw = org_layout(doc, x0, x1, height, what, color)
    draw(canvas, bottom)
    return h
