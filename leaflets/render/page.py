"""One page, and what every page may carry besides a format's own content: crop marks, the
draft band of a translation nobody has reviewed yet, and the footer line saying when the
numbers were checked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..i18n.locales import format_date
from ..paper import mm
from ..sources.placeholders import segments
from ..text.fit import Fitted, Para, fit
from .document import Document, PageSpec, fill_rect

ORNAMENTS = "·"  # characters pages print of their own (the draft note, the footer)


def crop_marks(
    canvas, spec: PageSpec, corners: list[tuple[float, float]] | None = None, length: float = mm(4)
) -> None:
    """Crop marks at trim corners, outside the bleed so they never print on the piece."""
    if corners is None:
        corners = [(0, 0), (spec.trim_w, 0), (0, spec.trim_h), (spec.trim_w, spec.trim_h)]
    gap = max(spec.bleed, mm(2))
    canvas.saveState()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(0.25)
    for cx, cy in corners:
        sx = -1 if cx <= 0 else 1
        sy = -1 if cy <= 0 else 1
        canvas.line(cx + sx * gap, cy, cx + sx * (gap + length), cy)
        canvas.line(cx, cy + sy * gap, cx, cy + sy * (gap + length))
    canvas.restoreState()


def _draft_text(
    doc: Document,
    spec: PageSpec,
    width: float,
    size: float | None = None,
    color: tuple[float, float, float] = (1, 1, 1),
) -> Fitted:
    """The draft note laid out for a band `width` wide: at `size` points, by default 6 pt on
    cards (their floor) and larger on bigger paper."""
    if size is None:
        small = spec.trim_w < mm(120)
        size = 6.0 if small else 9.0 * min(spec.trim_w, spec.trim_h) / mm(210)
    typo = doc.typography(size, size, size)
    return fit(
        [Para.of(draft_note(doc), bold=True, color=color, align="center")],
        typo,
        width - mm(2),
        max(mm(12), 4 * 1.3 * size),
        doc.what("draft band", spec.paper, "draft note"),
    )


DRAFT_PAD = mm(0.6)


def draft_band_height(
    doc: Document, spec: PageSpec, width: float | None = None, size: float | None = None
) -> float:
    """Height of the draft band (0 for a reviewed text), plus the gap that separates it."""
    if not doc.lg.needs_band:
        return 0.0
    x0, _, x1, _ = spec.safe_box
    pad = _pad(spec, size)
    return _draft_text(doc, spec, width or x1 - x0, size).height + 2 * pad + mm(1)


def _pad(spec: PageSpec, size: float | None) -> float:
    """Room above and below the note: more for a large note, so the band reads as a band."""
    return DRAFT_PAD if size is None else max(DRAFT_PAD, size * 0.3)


def content_box(
    doc: Document,
    spec: PageSpec,
    band_at: str = "top",
    draft_pt: float | None = None,
    draft_width: float | None = None,
) -> tuple[float, float, float, float]:
    """The safe area less the draft band a draft translation carries (at its top, or at its
    bottom on cards, whose top holds the headline band), its note at `draft_pt` points in a
    band `draft_width` wide (by default the safe area's)."""
    x0, y0, x1, y1 = spec.safe_box
    h = draft_band_height(doc, spec, draft_width, draft_pt)
    return (x0, y0, x1, y1 - h) if band_at == "top" else (x0, y0 + h, x1, y1)


def draft_note(doc: Document) -> str:
    """The English word DRAFT and the note in the language, and the fallback note if any."""
    ui = doc.guide.ui
    parts = []
    if doc.lg.is_draft:
        parts.append(f"DRAFT · {ui.draft_note}")
    if doc.lg.fallback_messages:
        parts.append(ui.fallback_note)
    return " · ".join(parts)


def draft_band(
    canvas,
    doc: Document,
    spec: PageSpec,
    at: str = "top",
    span: tuple[float, float] | None = None,
    key: float | None = None,
    size: float | None = None,
    on_dark: bool = False,
) -> None:
    """A red band at the top (or bottom) of the safe area saying the translation is a draft,
    across the safe area or the horizontal `span` given, its note at `size` points. Over a
    dark colour (`on_dark`) the band is white with the note in red, so the band stands out
    from what is around it as much as the note from the band. Its notice is read at `key`,
    by default first on its page (drawn last, it knows the page's regions)."""
    sx0, y0, sx1, y1 = spec.safe_box
    x0, x1 = span or (sx0, sx1)
    fill, ink = ((1, 1, 1), doc.theme.draft) if on_dark else (doc.theme.draft, (1, 1, 1))
    fitted = _draft_text(doc, spec, x1 - x0, size, ink)
    pad = _pad(spec, size)
    h = fitted.height + 2 * pad
    bottom = y1 - h if at == "top" else y0
    fill_rect(canvas, x0, bottom, x1 - x0, h, fill)
    if key is None:
        key = doc.tags.first_key() - 0.5 if doc.tags else 0.0
    with doc.region(key, "draft band"):
        fitted.draw(canvas, x0 + mm(1), bottom + h - pad)


@contextmanager
def page(canvas, doc: Document, spec: PageSpec, draft: bool = True) -> Iterator[None]:
    """One page: drawing inside happens in trim coordinates; the page ends with the draft
    band (for a draft translation, unless the format draws its own), crop marks (when the
    spec has room) and ``showPage``."""
    canvas.saveState()
    canvas.translate(spec.offset, spec.offset)
    if doc.tags:
        doc.tags.begin_page(canvas)  # untagged drawing is an artifact (bands, marks)
    yield
    if draft and doc.lg.needs_band:
        draft_band(canvas, doc, spec)
    if spec.marks:
        crop_marks(canvas, spec)
    if doc.tags:
        doc.tags.end_page(canvas)
    canvas.restoreState()
    canvas.showPage()


def checked_date(doc: Document, resource_ids) -> str:
    """The oldest verified date of the resources printed, formatted for the language."""
    dates = [doc.registry[r].verified for r in resource_ids]
    return format_date(min(dates), doc.lg.locale, doc.guide.region) if dates else ""


def checked_line(doc: Document) -> list:
    """ "Numbers and links checked on <date>", the date being the oldest verified date of the
    edition's registry entries (an organisation's own contacts are its own business)."""
    g = doc.guide
    ids = [r.id for r in doc.registry if g.id in r.editions and not r.is_local]
    return segments(g.leaflet.checked, doc.registry, {"date": checked_date(doc, ids)})


def footer_fitted(
    doc: Document, spec: PageSpec, k: float = 1.0, span: tuple[float, float] | None = None
) -> Fitted | None:
    """The footer line laid out (None when the guide has no checked line): when the numbers
    were checked, the edition and the language, muted."""
    g = doc.guide
    if not g.leaflet.checked:
        return None
    x0, _, x1, _ = content_box(doc, spec)
    if span:
        x0, x1 = span
    segs = checked_line(doc)
    edition = f" · {doc.lg.edition_name} · {doc.lg.language_name}"
    paras = [Para.of([*segs, edition], color=doc.theme.muted)]
    return fit(
        paras,
        doc.typography(10 * k, 8 * k, 8 * k),
        x1 - x0,
        mm(12) * k,
        doc.what("footer", spec.paper, "checked date"),
    )


def footer_line(
    canvas, doc: Document, spec: PageSpec, k: float = 1.0, span: tuple[float, float] | None = None
) -> float:
    """A muted line at the bottom of the safe area (or of the horizontal `span` of it): when
    the numbers were checked. Returns the height used."""
    fitted = footer_fitted(doc, spec, k, span)
    if fitted is None:
        return 0.0
    x0, y0, _, _ = content_box(doc, spec)
    fitted.draw(canvas, span[0] if span else x0, y0 + fitted.height)
    return fitted.height
