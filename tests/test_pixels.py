"""Pixel tests: fresh builds compared with the references in tests/data/pixels (tests/pixels.py
has the list, the comparison and `python -m tests.pixels --update`), and the comparison shown
to catch a QR code moved by a millimetre.

How the tolerance was chosen (every reference page, 96 dpi; "differ" is more than DELTA = 64
gray levels outside the other image within REACH = 1 px; "clustered" is the pixels inside a
3 x 3 block of differing pixels):

- the same file built and rendered twice: no pixel changes at all;
- rendered by pypdfium2 4.30 (pdfium 126) instead of 5.15 (pdfium 159): at most 1 gray level
  and 83 pixels a page change, none differs;
- the whole page rendered 0.25 or 0.5 px over (pdfium's matrix): at most 66 pixels a page
  differ (0.02 %), none clustered; 1 px over: at most 0.54 % (the unpainted strip at an edge
  of a card), none clustered;
- rendered at 4x and scaled down (another rasteriser's anti-aliasing, harsher than any
  machine): at most 0.25 % differ, 0 clustered but on the Japanese poster (3);
- one QR code moved 1 mm right or down with pikepdf: 0.17 % to 1.5 % of a page differ, and 43
  (the card, whose modules are 0.6 mm) to 1164 pixels clustered; moved 0.5 mm: 0 to 274
  clustered, so half a millimetre is at the edge of what is caught.

So a page fails on any cluster (the QR code's 43 clustered pixels are the smallest failure
the millimetre makes; realistic noise makes none), or when more than 1 % of it differs (twice
the worst noise) however scattered.
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from . import pixels as px
from .conftest import MM


@pytest.mark.parametrize("ref", px.REFERENCES, ids=lambda r: r.name)
def test_the_pages_look_as_the_references(ref, guides, registry):
    px.assert_pixels(ref.name, px.render_pages(px.build(ref, guides, registry)))


def _qr_blocks(ops) -> list[tuple[int, list]]:
    """Where QR codes are drawn (render.qr.draw): a q ... Q with no q inside, which paints
    the quiet zone white (its `re` first), then sets the module size with `cm` and fills
    a rectangle per run of dark modules. Returns each block's `q` index and quiet zone."""
    out, stack = [], []
    for i, (_, op) in enumerate(ops):
        if str(op) == "q":
            stack.append(i)
        elif str(op) == "Q":
            start = stack.pop()
            names = [str(o) for _, o in ops[start + 1 : i]]
            if "q" not in names and "cm" in names and names.count("re") > 20:
                quiet = next(operands for operands, o in ops[start:i] if str(o) == "re")
                out.append((start, [float(v) for v in quiet]))
    return out


def move_qr_code(data: bytes, dx: float, dy: float) -> tuple[bytes, int, list[float]]:
    """The file with the first QR code it draws moved by (dx, dy) points: `1 0 0 1 dx dy cm`
    put right after the code's `q`, in the content stream, with pikepdf (nothing of the
    layout code). Returns the file, the page and the code's quiet zone (x, y, w, h) before."""
    pdf = pikepdf.open(io.BytesIO(data))
    for index, page in enumerate(pdf.pages):
        ops = pikepdf.parse_content_stream(page)
        blocks = _qr_blocks(ops)
        if blocks:
            start, quiet = blocks[0]
            move = pikepdf.ContentStreamInstruction([1, 0, 0, 1, dx, dy], pikepdf.Operator("cm"))
            ops.insert(start + 1, move)
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue(), index, quiet
    raise AssertionError("no QR code drawn")


@pytest.fixture(scope="module")
def poster(guides, registry) -> tuple[px.Reference, bytes]:
    ref = px.Reference("us", "en", "poster", "a4")
    assert ref in px.REFERENCES
    return ref, px.build(ref, guides, registry)


def test_the_unmodified_poster_passes_and_clears_a_failure_before(poster, tmp_path):
    ref, data = poster
    stale = tmp_path / f"{ref.name}-p1.diff.png"
    stale.write_bytes(b"")
    (tmp_path / "other-p1.diff.png").write_bytes(b"")
    px.assert_pixels(ref.name, px.render_pages(data), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["other-p1.diff.png"]


@pytest.mark.parametrize(("dx", "dy"), [(MM, 0), (0, -MM)], ids=["right", "down"])
def test_a_qr_code_moved_by_a_millimetre_fails(poster, tmp_path, dx, dy):
    ref, data = poster
    moved, index, (x, y, w, h) = move_qr_code(data, dx, dy)
    pages = px.render_pages(moved)
    with pytest.raises(AssertionError) as failed:
        px.assert_pixels(ref.name, pages, tmp_path)
    message = str(failed.value)
    stem = f"{ref.name}-p{index + 1}"
    assert message.startswith(f"{stem}: ") and "inside a 3x3 block" in message
    assert str(tmp_path) in message and "run `python -m tests.pixels --update`" in message
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"{stem}.{kind}.png" for kind in ("actual", "diff", "expected")]
    with Image.open(tmp_path / f"{stem}.diff.png") as diff:
        assert diff.size == (3 * pages[index].width + 16, pages[index].height)

    # what differs is the code, before and after the move, and nothing else on the page
    with Image.open(px.reference_path(ref.name, index)) as im:
        expected = im.convert("L")
    d = px.compare(expected, pages[index])
    assert d.failed and d.clustered > 0
    s = px.DPI / 72
    height = expected.height / s
    left, right = (x + min(dx, 0)) * s, (x + w + max(dx, 0)) * s
    top, bottom = (height - y - h - max(dy, 0)) * s, (height - y - min(dy, 0)) * s
    box = d.mask.getbbox()
    slack = px.REACH + 1
    assert left - slack <= box[0] and box[2] <= right + slack, (box, left, right)
    assert top - slack <= box[1] and box[3] <= bottom + slack, (box, top, bottom)


def test_a_page_of_another_size_fails_with_both_sizes(poster, tmp_path):
    ref, data = poster
    (page,) = px.render_pages(data)
    smaller = page.crop((0, 0, page.width - 4, page.height))
    with pytest.raises(AssertionError, match=r"-p1: the page is 790x1123 px, the reference 794x"):
        px.assert_pixels(ref.name, [smaller], tmp_path)
    with pytest.raises(ValueError, match="sizes differ"):
        px.compare(page, smaller)


def test_a_missing_or_extra_page_fails(poster, tmp_path):
    ref, data = poster
    (page,) = px.render_pages(data)
    with pytest.raises(AssertionError, match=r"2 page\(s\) rendered, 1 reference\(s\) stored"):
        px.assert_pixels(ref.name, [page, page], tmp_path)
    assert (tmp_path / f"{ref.name}-p2.actual.png").exists()


def test_every_reference_is_stored_and_nothing_else():
    every = {p for r in px.REFERENCES for p in px.stored(r.name)}
    assert every == set(px.DATA.glob("*"))
    assert all(len(px.stored(r.name)) >= 1 for r in px.REFERENCES)
    assert sum(p.stat().st_size for p in every) < 1_500_000
