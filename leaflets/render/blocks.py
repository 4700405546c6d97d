"""Blocks several formats draw: a QR code with its label."""

from __future__ import annotations

from ..paper import mm
from ..text.fit import Para, fit
from ..text.typography import Typography
from . import qr
from .document import Document


def qr_block(
    canvas,
    doc: Document,
    resource_id: str,
    label: str,
    x: float,
    top: float,
    width: float,
    symbol: float,
    label_typo: Typography,
    what: str,
    label_height: float = mm(6),
    code_area: float | None = None,
    label_margin: float = 0.0,
) -> float:
    """A QR code for a registry entry, centred in a column, with its label under it; returns
    the height used.

    (x, top) is the top-left corner of the column; the code's quiet zone starts at `top`, or
    the code is centred in `code_area` when given (so labels of a row line up). The payload
    comes from the registry only; the label is the guide's text, fitted to the width less
    `label_margin` on each side, so labels of codes side by side never run together.
    """
    res = doc.registry[resource_id]
    doc.record((resource_id,), as_code=True)
    own = qr.outer_size(symbol, res.qr)
    outer = max(code_area or own, own)
    sx, sy = x + (width - symbol) / 2, top - (outer + symbol) / 2
    if code_area:  # the white box as large as the row's largest: codes side by side match
        side = (sx + symbol / 2 - outer / 2, sy + symbol / 2 - outer / 2)
        canvas.saveState()
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(*side, outer, outer, stroke=0, fill=1)
        canvas.restoreState()
    if doc.tags:
        with doc.tags.code(canvas, res, (sx, sy, sx + symbol, sy + symbol)):
            qr.draw(canvas, res.qr, sx, sy, symbol)
    else:
        qr.draw(canvas, res.qr, sx, sy, symbol)
    fitted = fit(
        [Para.of(label, bold=True, align="center", color=doc.theme.text)],
        label_typo,
        width - 2 * label_margin,
        label_height,
        what,
    )
    fitted.draw(canvas, x + label_margin, top - outer)
    return outer + fitted.height


def label_size(
    doc: Document,
    labels: list[str],
    label_typo: Typography,
    width: float,
    label_height: float,
    what: str,
) -> Typography:
    """One typography for the labels of a group of codes: the size at which the longest
    fits (`width` wide, `label_height` tall), so that labels side by side match."""
    sizes = [
        fit(
            [Para.of(label, bold=True, align="center", color=doc.theme.text)],
            label_typo,
            width,
            label_height,
            what,
        ).size
        for label in labels
    ]
    size = min(sizes, default=label_typo.max_size)
    return doc.typography(size, size, label_typo.min_number)
