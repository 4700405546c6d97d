"""Fitting: text fits its box or says so.

:func:`fit` shrinks a stack of paragraphs, all in proportion, down to a floor; :func:`fit_flow`
pours them through frames (a leaflet's panels); :func:`fit_together` fits blocks whose boxes
depend on each other at one size. If text still does not fit (too tall, or a word or number
wider than the box), they raise :class:`FitError` naming what did not fit. Nothing is ever
clipped.

A :class:`Fitted` block knows the registry entries its text prints and tells its
typography's ``on_draw`` when it is drawn, so a document records what it actually prints.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import FitError, NoRoomError
from ..sources.placeholders import Ref
from .markup import Para
from .platypus import Paragraph
from .typography import Typography, lines_overflow


@dataclass
class Fitted:
    """Paragraphs laid out at one size, ready to draw top-down."""

    items: list[tuple[Paragraph, float, float]]  # (paragraph, space before, height)
    size: float  # body size used
    width: float
    height: float  # total height used
    resources: set[str] = field(default_factory=set)  # registry ids its text prints
    on_draw: Callable[[Iterable[str]], None] | None = None  # told them when drawn
    # what each item is: its Para, and whether it is the paragraph's first part (a paragraph
    # split between frames continues in the next); told to `tags` as each is drawn
    parts: list[tuple[Para, bool]] = field(default_factory=list)
    tags: object | None = None

    def draw(self, canvas, x: float, top: float) -> float:
        """Draw from `top` downwards; returns the y below the last paragraph."""
        if self.on_draw is not None:
            self.on_draw(self.resources)
        tags = self.tags
        y = top
        for k, (para, before, h) in enumerate(self.items):
            y -= before
            if tags is None:
                para.drawOn(canvas, x, y - h)
            else:
                spec, first = self.parts[k]
                tags.begin(canvas, spec, first)
                para.tags = tags
                para.drawOn(canvas, x, y - h)
                para.tags = None  # a shared paragraph (see _laid) keeps no document alive
                tags.end(canvas)
            y -= h
        return y


def printed_ids(para: Para) -> set[str]:
    """The registry entries a paragraph prints (its references)."""
    return {s.resource.id for s in para.segments if isinstance(s, Ref)}


def _text_of(para: Para) -> str:
    return "".join(s if isinstance(s, str) else s.text for s in para.segments)


def _too_wide(what: str, para: Para, typo: Typography, room: str) -> FitError:
    """The one failure for a word or number that cannot break and does not fit."""
    return FitError(
        f"{what}: a word or number in {_text_of(para)[:40]!r} is wider than {room} even at "
        f"{typo.min_size:g} pt; shorten the text"
    )


def _overflows(p: Paragraph, width: float) -> bool:
    """True when a line is wider than the box (a word or number that cannot break)."""
    if hasattr(p, "overflow"):
        return p.overflow
    bl = getattr(p, "blPara", None)
    return bl is not None and lines_overflow(bl)


# Paragraphs laid out by layout(), by what their layout depends on: the same paragraph is laid
# out at the same size and width again and again (each of the ten slots of a card sheet fits
# the card anew, and a card sheet's card is the card format's), and its lines are the same
# each time. Bounded: a language's paragraphs at the sizes they are tried, many times over.
_LAID: OrderedDict[tuple, tuple[object, float, bool]] = OrderedDict()
_LAID_MAX = 128


def _laid(para: Para, typo: Typography, size: float, width: float) -> tuple[object, float, bool]:
    """A paragraph laid out at `size` in a box `width` wide: (paragraph, height, overflows).

    What Typography.paragraph reads of `typo` is its fonts, number floor, direction and
    whether the document is tagged (its numbers' callbacks); its Paragraph, wrapped at this
    width, is shared by every layout asking for the same, and drawn by each. Nothing else
    wraps or splits it (a Fitted's paragraphs are drawn, never laid out again; _pour makes
    its own), and what a draw sets on it (its tags) is set afresh by each draw."""
    key = (typo.stack, typo.min_number, typo.rtl, typo.tags is not None, para, size, width)
    got = _LAID.get(key)
    if got is not None:
        _LAID.move_to_end(key)
        return got
    p = typo.paragraph(para, size, width)
    _, h = p.wrap(width, 1e6)
    got = (p, h, _overflows(p, width))
    _LAID[key] = got
    if len(_LAID) > _LAID_MAX:
        _LAID.popitem(last=False)
    return got


def layout(paras: Sequence[Para], typo: Typography, size: float, width: float):
    """Lay out at one body size: (Fitted, overflowing paragraph index or None)."""
    items = []
    parts: list[tuple[Para, bool]] = []
    total = 0.0
    bad = None
    ids: set[str] = set()
    for i, para in enumerate(paras):
        p, h, overflows = _laid(para, typo, size, width)
        if bad is None and overflows:
            bad = i
        before = para.space_before * size if items else 0.0
        items.append((p, before, h))
        parts.append((para, True))
        total += before + h
        ids |= printed_ids(para)
    return Fitted(items, size, width, total, ids, typo.on_draw, parts, typo.tags), bad


def _sizes(typo: Typography) -> list[float]:
    """The body sizes to try, largest first, a step apart, down to the floor."""
    top = typo.max_size
    n = max(0, int((top - typo.min_size) / typo.step + 1e-9))
    sizes = [top - i * typo.step for i in range(n + 1)]
    if sizes[-1] > typo.min_size + 1e-6:  # the floor itself is tried too
        sizes.append(typo.min_size)
    return sizes


# The size each fit last found, by everything it depends on (its paragraphs, fonts, sizes
# and boxes): the same fit comes again in the other formats that share a block, each retry
# of a format and each organisation of a build of many. Only where to look first: the size
# is the one the bisection found for this very fit, which holds there (it fits, the next
# larger does not), so the answer never depends on what the process fitted before. (Keyed
# without the boxes, a fit whose text fits at a size, not at the next smaller and again
# below, as a Persian leaflet's flow does from 9.5 to 9 pt, could take another paper's
# size.)
_FOUND: OrderedDict[tuple, float] = OrderedDict()
_FOUND_MAX = 1024


def largest_fitting(
    sizes: list[float], attempt: Callable[[float], object | None], key: tuple | None = None
):
    """The result of `attempt` at the largest size for which it succeeds (not None), found by
    bisection: text that fits at a size fits at every smaller one. None if none does.

    With a `key` (what is fitted: its paragraphs, fonts and boxes), the size that key last
    fitted at is tried first, then its neighbour: when the size still fits and the next
    larger one does not, that is the answer (two layouts instead of a bisection's five to
    seven); otherwise the bisection goes on in the part of the sizes left."""
    if not sizes:
        return None
    n = len(sizes)
    last = _FOUND.get(key) if key is not None else None
    hint = sizes.index(last) if last in sizes else None
    if hint is None:
        first = attempt(sizes[0])  # short texts fit at the largest size: one layout
        if first is not None or n == 1:
            return _found(key, sizes[0], first)
        lo, hi = 1, n - 1  # sizes[hi] fits, sizes[lo - 1] does not
    else:
        got = attempt(sizes[hint])
        if got is not None:
            if hint == 0:
                return _found(key, sizes[0], got)
            above = attempt(sizes[hint - 1])
            if above is None:
                return _found(key, sizes[hint], got)
            first = attempt(sizes[0]) if hint > 1 else above
            if first is not None:
                return _found(key, sizes[0], first)
            lo, hi, best = 1, hint - 1, above
        elif hint == n - 1:
            return None
        else:
            below = attempt(sizes[hint + 1])
            if below is not None:
                return _found(key, sizes[hint + 1], below)
            lo, hi = hint + 2, n - 1
            if lo > hi:
                return None
    if hint is None or hi == n - 1:
        best = attempt(sizes[-1])
        if best is None:
            return None
    while lo < hi:
        mid = (lo + hi) // 2
        got = attempt(sizes[mid])
        if got is None:
            lo = mid + 1
        else:
            hi, best = mid, got
    return _found(key, sizes[hi], best)


def _key(kind: str, typo: Typography, paras: Sequence[Para | None], boxes: tuple) -> tuple:
    """What a fit is, for largest_fitting's first guess: the kind of fit, its fonts, its
    sizes, its text and its boxes."""
    sizes = (typo.max_size, typo.min_size, typo.step)
    return (kind, typo.stack, typo.min_number, sizes, tuple(paras), boxes)


def _found(key: tuple | None, size: float, result):
    """Remember the size `key` fitted at (see _FOUND); returns `result`."""
    if key is not None and result is not None:
        _FOUND[key] = size
        _FOUND.move_to_end(key)
        if len(_FOUND) > _FOUND_MAX:
            _FOUND.popitem(last=False)
    return result


def fit(paras: Sequence[Para], typo: Typography, width: float, height: float, what: str) -> Fitted:
    """The largest body size (from max down to the floor) at which everything fits the box.

    Raises FitError naming `what` when even the floor size is too tall or too wide.
    """

    def attempt(size: float) -> Fitted | None:
        fitted, bad = layout(paras, typo, size, width)
        return fitted if bad is None and fitted.height <= height + 0.01 else None

    found = largest_fitting(_sizes(typo), attempt, _key("fit", typo, paras, (width, height)))
    if found is not None:
        return found
    fitted, bad = layout(paras, typo, typo.min_size, width)
    if bad is not None:
        raise _too_wide(what, paras[bad], typo, "the space")
    free = f"only {height / 2.8346:.1f} mm is free" if height > 0 else "no room is left"
    raise FitError(
        f"{what}: the text needs {fitted.height / 2.8346:.1f} mm but {free} even at "
        f"{typo.min_size:g} pt; shorten the text"
    )


class Frame(NamedTuple):
    """A box text is poured into: its width, its height, and whether a paragraph may run on
    from it into the next frame (not from a leaflet's flap, whose next panel is on the other
    side of the sheet)."""

    width: float
    height: float
    split_after: bool = True


def _frames(frames: Sequence[tuple[float, float] | Frame]) -> list[Frame]:
    return [f if isinstance(f, Frame) else Frame(*f) for f in frames]


def _pour(
    paras: Sequence[Para],
    typo: Typography,
    size: float,
    frames: Sequence[tuple[float, float] | Frame],
) -> tuple[list[Fitted] | None, int | None]:
    """Pour paragraphs into frames in order at one size, splitting paragraphs between frames.

    A paragraph is never split after a frame that says so (`Frame.split_after`), a list item
    (a paragraph with a bullet) moves whole to the next frame when it fits there, and a
    heading keeps with what follows it. Returns (one Fitted per frame, None) when everything
    fits, (None, None) when it runs out of frames, and (None, index) when paragraph `index`
    has a line wider than its frame.
    """
    frames = _frames(frames)
    out = [Fitted([], size, f.width, 0.0, on_draw=typo.on_draw, tags=typo.tags) for f in frames]
    # each paragraph made when the pour reaches it: a size too large runs out of frames
    # with the rest of the text never laid out
    queue: list[tuple[object | None, Para, bool]] = [(None, p, True) for p in paras]

    def made(k: int):
        p, spec, first = queue[k]
        if p is None:
            p = typo.paragraph(spec, size, frames[0].width)
            queue[k] = (p, spec, first)
        return p

    fi, used, i = 0, 0.0, 0
    while i < len(queue):
        if fi >= len(frames):
            return None, None
        w, h, split_after = frames[fi]
        para = made(i)
        _, spec, first = queue[i]
        _, ph = para.wrap(w, 1e6)
        if _overflows(para, w):
            return None, i
        before = spec.space_before * size if out[fi].items and first else 0.0
        need = before + ph
        if spec.keep_with_next and i + 1 < len(queue):
            nxt = queue[i + 1][1]
            two_lines = 2.4 * size * nxt.scale * typo.leading  # a heading keeps two lines
            next_h = made(i + 1).wrap(w, 1e6)[1]
            # all of what follows when it will not split here (kept together, after the
            # flap, a list item that moves whole), else its first two lines
            kept = (nxt.keep_together and next_h <= h) or not split_after
            if not kept and not (nxt.bullet and _whole_next(frames, fi, next_h)):
                next_h = min(next_h, two_lines)
            need += next_h + nxt.space_before * size
        if used + need <= h + 0.01:
            out[fi].items.append((para, before, ph))
            out[fi].parts.append((spec, first))
            out[fi].resources |= printed_ids(spec)
            used += before + ph
            i += 1
            continue
        room = h - used - before
        whole = (
            spec.keep_with_next
            or (spec.keep_together and ph <= h and used > 0)
            or (not split_after and used > 0)
            or (bool(spec.bullet) and used > 0 and _whole_next(frames, fi, ph))
        )
        parts = para.split(w, room) if room > 0 and not whole else []
        if len(parts) == 2:
            _, h0 = parts[0].wrap(w, room)
            out[fi].items.append((parts[0], before, h0))
            out[fi].parts.append((spec, first))
            out[fi].resources |= printed_ids(spec)  # either part may hold the reference
            queue[i] = (parts[1], spec, False)
        fi, used = fi + 1, 0.0
        if fi < len(out):
            out[fi - 1].height = sum(b + hh for _, b, hh in out[fi - 1].items)
    for f in out:
        f.height = sum(b + hh for _, b, hh in f.items)
    return out, None


def _whole_next(frames: list[Frame], fi: int, height: float) -> bool:
    """A block this tall fits whole in the frame after frame `fi`."""
    return fi + 1 < len(frames) and height <= frames[fi + 1].height + 0.01


def fit_flow(
    paras: Sequence[Para],
    typo: Typography,
    frames: Sequence[tuple[float, float] | Frame],
    what: str,
) -> list[Fitted]:
    """The largest body size at which the paragraphs, poured in order, fill no more than the
    frames (for example the panels of a leaflet). Raises FitError naming `what` otherwise."""
    found = largest_fitting(
        _sizes(typo),
        lambda size: _pour(paras, typo, size, frames)[0],
        _key("flow", typo, paras, tuple(_frames(frames))),
    )
    if found is not None:
        return found
    _, bad = _pour(paras, typo, typo.min_size, frames)
    if bad is not None:
        raise _too_wide(what, paras[bad], typo, "the panel")
    raise FitError(
        f"{what}: the text does not fit its {len(frames)} panel(s) even at "
        f"{typo.min_size:g} pt; shorten the text"
    )


def fit_pages(
    paras: Sequence[Para],
    typo: Typography,
    frames: Callable[[int], tuple[float, float]],
    most: int,
    what: str,
) -> list[Fitted]:
    """Paragraphs poured in order into as many pages as they need, no more than `most`,
    at the largest body size (from the maximum down to the floor) at which they fit;
    ``frames(n)`` is the (width, height) of page n (from 0). Returns one Fitted per page
    used. Raises FitError naming `what` when a word is wider than its page or the text
    needs more than `most` pages even at the floor."""
    boxes = [frames(n) for n in range(most)]

    def attempt(size: float) -> list[Fitted] | None:
        poured, _ = _pour(paras, typo, size, boxes)
        if poured is None:
            return None
        while len(poured) > 1 and not poured[-1].items:
            poured.pop()
        return poured

    found = attempt(typo.max_size)  # the largest size fits in more pages, never shrinks first
    if found is not None:
        return found
    found = largest_fitting(_sizes(typo)[1:], attempt, _key("pages", typo, paras, tuple(boxes)))
    if found is not None:
        return found
    _, bad = _pour(paras, typo, typo.min_size, boxes)
    if bad is not None:
        raise _too_wide(what, paras[bad], typo, "the page")
    raise FitError(
        f"{what}: the text needs more than {most} pages even at {typo.min_size:g} pt; "
        "shorten the text"
    )


def fit_together(
    blocks: Sequence[tuple[Sequence[Para], float]],
    typo: Typography,
    fits: Callable[[list[Fitted]], bool],
    what: str,
) -> list[Fitted]:
    """Lay several blocks (paragraphs, width) out at one common body size: the largest, from
    the maximum down to the floor, at which no line overflows and ``fits(laid_out)`` holds.

    For layouts whose boxes depend on each other (a poster's columns and the block below
    them); raises FitError naming `what` when even the floor does not fit.
    """

    def attempt(size: float) -> list[Fitted] | None:
        laid = []
        for paras, width in blocks:
            fitted, bad = layout(paras, typo, size, width)
            if bad is not None:
                return None
            laid.append(fitted)
        return laid if fits(laid) else None

    # no first guess: what `fits` holds the blocks to (a poster's free height, its grid of
    # codes) is not known here, so another fit of the same blocks is not this one
    found = largest_fitting(_sizes(typo), attempt)
    if found is not None:
        return found
    for paras, width in blocks:
        _, bad = layout(paras, typo, typo.min_size, width)
        if bad is not None:
            raise _too_wide(what, paras[bad], typo, "its column")
    raise NoRoomError(
        f"{what}: the text does not fit even at {typo.min_size:g} pt; shorten the text"
    )
