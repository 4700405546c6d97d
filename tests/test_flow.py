"""Text flow, read back from built PDFs: nothing runs on from a leaflet's flap to the inside
(the other side of the sheet), headings keep with what follows and do not end in a lone
word, hanging indents are exact, leading is even, Arabic lines keep apart."""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from leaflets.build import render_pdf
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.formats.leaflet import panel_widths
from leaflets.i18n import available_locales, localise
from leaflets.sources.guide import load_guides
from leaflets.sources.placeholders import Ref, segments
from leaflets.sources.registry import default_registry

from .conftest import MM
from .test_pdfua import Tree, norm


@functools.cache
def _registry():
    return default_registry()


@functools.cache
def _guides():
    return {g.id: g for g in load_guides(None, _registry())}


@functools.cache
def built(gid: str, locale: str, fmt: str, paper: str, out: Path) -> Path:
    path = out / f"{gid}-{locale}-{fmt}-{paper}.pdf"
    lg = localise(_guides()[gid], locale, allow_incomplete=True)
    write_atomic(path, render_pdf(lg, _registry(), FORMATS[fmt], paper).data)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("flow")


LEAFLETS = [
    (gid, locale, paper)
    for gid in ("us", "uk-young-people")
    for locale in ("en", "es", "pl", "ru", "ar", "fa", "ur", "bn", "ja")
    for paper in ("a4", "letter")
    if locale == "en" or locale in available_locales(gid)
]


def _pages(tree: Tree, el) -> set[int]:
    """The pages an element's own marked content is drawn on (its kids', but not those of a
    list nested in it: a list item's sub-items are items of their own)."""
    pages = set()
    for kid in tree.kids(el):
        if isinstance(kid, int):
            pages.add(tree.page_of(el))
        elif kid.get("/Type") == "/MCR":
            pages.add(tree.page_of(el, kid))
        elif kid.get("/Type") != "/OBJR" and kid.get("/S") != "/L":
            pages |= _pages(tree, kid)
    return pages


@pytest.mark.parametrize("gid, locale, paper", LEAFLETS, ids=lambda *c: "-".join(c))
def test_no_leaflet_item_crosses_from_the_flap_to_the_inside(out, gid, locale, paper):
    """The flap's next panel is on the other side of the sheet: every paragraph, list item
    and heading the structure tree holds is drawn on one page (the only way from page 1 to
    page 2 is from the flap to the first inside panel), and the flap is not left empty."""
    tree = Tree(built(gid, locale, "leaflet", paper, out))
    crossing = [
        (str(el.S), norm(tree.text(el))[:40])
        for el in tree.walk()
        if str(el.S) in ("/P", "/LI", "/H2", "/H3") and len(_pages(tree, el)) > 1
    ]
    assert crossing == []
    # both sides hold guidance: the flap its first paragraphs, the inside the rest
    flap = _region_text(built(gid, locale, "leaflet", paper, out), 0, "flap")
    assert len(norm(flap)) > 200


def _block_texts(gid: str) -> list[str]:
    """What each paragraph of the leaflet's guidance prints, numbers and links filled in."""
    g = _guides()[gid]
    out = []
    for s in g.sections:
        if s.heading:
            out.append(s.heading)
        for b in s.blocks:
            text = "".join(
                x.text if isinstance(x, Ref) else x for x in segments(b.text, _registry())
            )
            out.append((b.lead + " " if b.lead else "") + text)
    return [norm(t) for t in out]


def _region_text(path: Path, page: int, panel: str) -> str:
    """The text pdfium reads inside a panel's columns (left to right: the flap is the
    outside's left panel, inside-1 the inside's left one; right to left, mirrored)."""
    doc = pdfium.PdfDocument(path)
    w, h = doc[page].get_size()
    full, flap = panel_widths(w)
    x0, x1 = {"flap": (0, flap), "inside-1": (0, full)}[panel]
    return doc[page].get_textpage().get_text_bounded(x0, 0, x1, h)


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_flap_ends_a_paragraph_and_the_inside_starts_one(out, gid, paper):
    """Read by position: the flap's last text is the end of one of the guide's paragraphs,
    and the first inside panel's first text the start of one (or of the services list)."""
    path = built(gid, "en", "leaflet", paper, out)
    blocks = _block_texts(gid)
    flap = norm(_region_text(path, 0, "flap"))
    inside = norm(_region_text(path, 1, "inside-1")).lstrip("•–")
    assert any(len(b) > 12 and flap.endswith(b[-30:]) for b in blocks), flap[-60:]
    services = norm(_guides()[gid].leaflet.resources_heading)
    assert any(inside.startswith(b[:30]) for b in [*blocks, services]), inside[:60]


def test_a_fit_error_gives_millimetres_to_one_decimal():
    """Rounded to whole millimetres, "needs 40 mm but only 40 mm is free" said nothing."""
    from leaflets.errors import FitError
    from leaflets.paper import mm
    from leaflets.text.fit import fit
    from leaflets.text.fonts import stack
    from leaflets.text.markup import Para
    from leaflets.text.typography import Typography

    doc_typo = Typography(stack("en"), 10, 8)
    with pytest.raises(FitError, match=r"needs \d+\.\d mm but only 4\.0 mm is free even at 8 pt"):
        fit([Para.of("A line of text " * 20)], doc_typo, mm(40), mm(4.04), "box")
    with pytest.raises(FitError, match=r"needs \d+\.\d mm but no room is left even at 8 pt"):
        fit([Para.of("A line of text")], doc_typo, mm(40), -mm(14), "box")


def test_the_first_guess_finds_the_size_the_bisection_finds():
    """largest_fitting tries first the size a text last fitted at: whatever it remembers
    (nothing, each size, a size not tried), it answers the largest size that fits, and with
    the right size remembered it needs no more than three layouts."""
    from leaflets.text import fit

    for n in range(1, 14):
        sizes = [12 - 0.25 * k for k in range(n)]
        for boundary in range(n + 1):  # sizes[boundary:] fit
            want = sizes[boundary] if boundary < n else None
            for remembered in [None, 99.0, *sizes]:
                tried = []

                def attempt(size, boundary=boundary, sizes=sizes, tried=tried):
                    tried.append(size)
                    return size if sizes.index(size) >= boundary else None

                fit._FOUND.pop(("test",), None)
                if remembered is not None:
                    fit._FOUND[("test",)] = remembered
                assert fit.largest_fitting(sizes, attempt, ("test",)) == want, (n, boundary)
                if want is not None:
                    assert fit._FOUND[("test",)] == want
                if remembered == want and want is not None:
                    assert len(tried) <= 3, (n, boundary, tried)
    fit._FOUND.pop(("test",), None)


def test_a_fit_is_not_steered_by_the_size_another_box_found():
    """The size remembered for a fit is for that fit alone: the same text in other boxes
    starts from nothing. Where a text fits at a size, not at the next smaller and again
    below (a Persian leaflet's flow does, from 9.5 to 9 pt), another box's size would be
    answered instead of the bisection's, and a file would depend on what was built before
    it in the same process."""
    from leaflets.text import fit, fonts
    from leaflets.text.markup import Para
    from leaflets.text.typography import Typography

    typo = Typography(fonts.stack("en"), 10, 8)
    paras = [Para.of("The same text")]
    sizes = fit._sizes(typo)  # 10, 9.75, ... 8
    in_a = {s for s in sizes if s <= 9.0}  # box A: fits from 9 pt down
    in_b = {9.5, *in_a}  # box B: also at 9.5, not at 9.25
    key_a = fit._key("flow", typo, paras, ((100.0, 200.0),))
    key_b = fit._key("flow", typo, paras, ((100.0, 180.0),))
    fit._FOUND.pop(key_b, None)
    alone = fit.largest_fitting(sizes, lambda s: s if s in in_b else None, key_b)
    fit._FOUND.pop(key_b, None)
    assert fit.largest_fitting(sizes, lambda s: s if s in in_a else None, key_a) == 9.0
    after = fit.largest_fitting(sizes, lambda s: s if s in in_b else None, key_b)
    assert alone == after == 9.5
    for key in (key_a, key_b):
        fit._FOUND.pop(key, None)


@pytest.mark.parametrize("locale", ["ar", "bn"])
def test_a_shaped_width_is_the_same_at_every_size(locale):
    """A shaped text is measured from one shaping (shaping._advance): HarfBuzz's advances
    are the same at every size for our fonts (they would not be with a tracking table)."""
    from reportlab.pdfbase.ttfonts import shapeStr

    from leaflets.text import fonts, shaping

    words = {"ar": "اتصل بخط المساعدة الآن", "bn": "সাহায্যের জন্য এখনই ফোন করুন"}[locale]
    face = fonts.stack(locale, words).primary
    assert face.shaping  # the test means something
    for word in words.split():
        for font in (face.name, face.bold_name):
            for size in [k / 4 for k in range(24, 57)]:
                data = shapeStr(word, font, size).__shapeData__
                shaped = sum(g.x_advance for g in data) * size / 1000
                assert shaping._width(word, font, size) == shaped, (word, font, size)


def test_a_paragraph_parsed_once_has_the_fragments_of_its_own_parse():
    """typography.parsed re-sizes one parse of a markup for each size a fit tries: its
    fragments are those reportlab's parser makes of the markup at that size."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    from leaflets.sources.registry import default_registry
    from leaflets.text.fonts import stack
    from leaflets.text.markup import Para
    from leaflets.text.typography import Typography, parsed

    resource = next(iter(default_registry().resources.values()))
    para = Para.of(["Call & ask ", Ref(resource), " <now>"], lead="First:", bold=False)
    typo = Typography(stack("en"), 12, 6, tags=object())
    for size in (6.0, 7.25, 9.5, 12.0):
        text = typo.paragraph(para, size, 150).text
        style = typo.style(para, size)
        parser = ParaParser()
        parser.caseSensitive = 1
        _, want, _ = parser.parse(cleanBlockQuotedText(text), style)
        got = parsed(text, style)
        assert 'size="' in text and got is not None  # a number's size re-sized: it means it
        assert [(type(f), vars(f).keys()) for f in got] == [(type(f), vars(f).keys()) for f in want]
        for g, w in zip(got, want, strict=True):
            assert {k: repr(v) for k, v in vars(g).items()} == {
                k: repr(v) for k, v in vars(w).items()
            }, size


# ----------------------------------------------------------------------------- reading lines


@dataclasses.dataclass
class Glyph:
    ch: str
    x: float  # the pen's position where the glyph starts (its origin)
    y: float  # its baseline
    right: float  # where its advance ends (the loose box's right edge)
    size: float


def glyphs(path: Path, page: int) -> list[Glyph]:
    """Every printed character of a page with its origin, baseline and advance."""
    tp = pdfium.PdfDocument(path)[page].get_textpage()
    out = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.strip():
            continue
        pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
        right = tp.get_charbox(i, loose=True)[2]
        out.append(Glyph(ch, x.value, y.value, right, pdfium_c.FPDFText_GetFontSize(tp.raw, i)))
    return out


def printed_lines(path: Path, page: int) -> list[list[Glyph]]:
    """The page's lines, top to bottom, each left to right: glyphs on one baseline that
    follow each other closely (a column gap starts another line)."""
    baselines: list[list[Glyph]] = []
    for g in sorted(glyphs(path, page), key=lambda g: -g.y):
        if baselines and abs(baselines[-1][-1].y - g.y) < 0.3:
            baselines[-1].append(g)
        else:
            baselines.append([g])
    rows: list[list[Glyph]] = []
    for same in baselines:
        same.sort(key=lambda g: g.x)
        rows.append([same[0]])
        for g in same[1:]:
            if g.x - rows[-1][-1].right > 2 * g.size:  # a column's gap
                rows.append([])
            rows[-1].append(g)
    return sorted(rows, key=lambda r: (-r[0].y, r[0].x))


def text_of(line: list[Glyph]) -> str:
    return "".join(g.ch for g in line)


# ----------------------------------------------------------------------------- hanging indents

MARKER = re.compile(r"^(•|–|\d+\.|✗|✓)")


def hanging_offsets(path: Path, page: int, rtl: bool) -> list[tuple[float, str]]:
    """For each list item that wraps: how far (mm) its second line starts from where its
    first line's text starts, after the marker (right edges in right-to-left text)."""
    # (an Arabic vowel mark may stand on a baseline of its own: not a line)
    lines = [line for line in printed_lines(path, page) if len(line) > 2]
    out = []
    for line in lines:
        ordered = line[::-1] if rtl else line
        m = MARKER.match(text_of(ordered))
        if not m or len(ordered) <= len(m.group(0)):
            continue
        first = ordered[len(m.group(0))]

        def start(g: Glyph) -> float:
            return g.right if rtl else g.x

        for other in lines:  # the line below, in the same column
            below = other[::-1] if rtl else other
            if 0 < line[0].y - other[0].y < 1.8 * first.size and (
                abs(start(below[0]) - start(first)) < 3 * first.size
            ):
                if not MARKER.match(text_of(below)):
                    d = (start(below[0]) - start(first)) / MM
                    out.append((round(d, 2), text_of(ordered)[:24]))
                break
    return out


HANGING = [
    ("us", "en", "card", "cr80", 0),  # "1." items
    ("uk-young-people", "en", "poster", "letter", 0),
    ("us", "en", "poster", "a4", 0),
    ("us", "en", "leaflet", "a4", 1),  # "•" and "–" items
    ("us", "ar", "leaflet", "a4", 1),
    ("us", "fa", "leaflet", "letter", 1),
    ("uk-young-people", "ur", "poster", "a4", 0),
]


@pytest.mark.parametrize("gid, locale, fmt, paper, page", HANGING, ids=lambda *c: str(c))
def test_a_list_items_wrapped_lines_start_where_its_first_line_does(
    out, gid, locale, fmt, paper, page
):
    """Read from the glyphs' positions: the second line of a list item starts exactly where
    the text after the marker starts (a wide "1." pushed the first line 0.4 mm to 0.9 mm
    past the others)."""
    rtl = locale in ("ar", "fa", "ur")
    offsets = hanging_offsets(built(gid, locale, fmt, paper, out), page, rtl)
    assert len(offsets) >= 2, offsets  # the page has list items that wrap
    assert [o for o in offsets if abs(o[0]) > 0.1] == []


# ----------------------------------------------------------------------------- even leading


def _clusters(values: list[float], tolerance: float = 0.1) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


LEADING = [
    ("us", "en", 1),
    ("us", "pl", 1),
    ("us", "es", 1),
    ("us", "ar", 1),
    ("uk-young-people", "en", 1),
    ("uk-young-people", "cy", 0),
    ("uk-young-people", "cy", 1),
]


@pytest.mark.parametrize("gid, locale, page", LEADING, ids=lambda *c: str(c))
def test_body_text_keeps_even_leading_beside_larger_bold_numbers(out, gid, locale, page):
    """Read from the baselines of a card's text column: the body lines and the lines with
    a (larger, bold) number are all one distance apart inside a paragraph, and paragraphs
    one distance apart: two distances in all (reportlab's autoLeading made each line with
    a number taller, 10.4 pt against 8.5 pt on the Polish card's back)."""
    path = built(gid, locale, "card", "cr80", out)
    width = pdfium.PdfDocument(path)[page].get_width()
    rtl = locale == "ar"
    lines = [
        line
        for line in printed_lines(path, page)
        if (line[-1].right > width / 2 + 20 if rtl else line[0].x < width / 2 - 20)
        and len(line) > 3  # not an Arabic mark on a baseline of its own
    ]
    sizes = [round(max(g.size for g in line), 2) for line in lines]
    number = 8.0  # the card's floor for numbers and links, above its body size
    body = max({s for s in sizes if 6.0 < s < number}, key=sizes.count)  # (labels are 6 pt)
    numbers = {s for s in sizes if s == number}
    text = {body, number}
    gaps = [
        a[0].y - b[0].y
        for a, b, sa, sb in zip(lines, lines[1:], sizes, sizes[1:], strict=False)
        if sa in text and sb in text and a[0].y - b[0].y < 2.2 * body
    ]
    assert numbers, sizes  # the column has lines with larger numbers
    assert len(gaps) >= 4, gaps
    assert len(_clusters(gaps)) <= 2, sorted(round(g, 2) for g in gaps)


# ----------------------------------------------------------------------------- headings


def _words(line: list[Glyph]) -> int:
    """The words of a printed line: runs of glyphs with a space's gap between them."""
    return 1 + sum(1 for a, b in zip(line, line[1:], strict=False) if b.x - a.right > 0.15 * a.size)


def heading_lines(path: Path, page: int, heading: str) -> list[list[Glyph]]:
    """The printed lines that hold a heading: consecutive lines, all of one size, whose
    letters are the heading's letters."""
    want = norm(heading)
    lines = printed_lines(path, page)

    def below(line: list[Glyph]) -> list[Glyph] | None:
        """The next line down in the same column (their spans overlap)."""
        for other in lines:
            dy = line[0].y - other[0].y
            if (
                0 < dy < 2 * line[0].size
                and other[0].x < line[-1].right
                and (other[-1].right > line[0].x)
            ):
                return other
        return None

    for line in lines:
        got, chain = text_of(line), [line]
        while want.startswith(got) and got != want and (nxt := below(chain[-1])) is not None:
            chain.append(nxt)
            got += text_of(nxt)
        if got == want:
            return chain
    raise AssertionError(f"{heading!r} is not printed on page {page + 1}")


HEADINGS = [
    # (guide, locale, format, paper, page, the heading): each ended in a lone word before
    (
        "uk-young-people",
        "en",
        "poster",
        "a4",
        0,
        "card.steps_heading",
    ),  # "If someone threatens / you"
    (
        "uk-young-people",
        "pl",
        "poster",
        "a3",
        0,
        "card.headline",
    ),  # "Czat wideo nie jest / prywatny"
    (
        "us",
        "en",
        "card",
        "cr80",
        0,
        "card.headline",
    ),  # "Stop contact. Reach confidential specialist / support."
    (
        "uk-young-people",
        "es",
        "poster",
        "a4",
        0,
        "card.headline",
    ),  # "Las videollamadas no son / privadas"
]


@pytest.mark.parametrize("gid, locale, fmt, paper, page, key", HEADINGS, ids=lambda *c: str(c))
def test_a_heading_that_wraps_does_not_end_in_a_lone_word(out, gid, locale, fmt, paper, page, key):
    """Read back from the page: the heading takes two lines (as many as at its full
    measure: never more), and its last line has more than one word."""
    g = localise(_guides()[gid], locale, allow_incomplete=True).guide
    part, field = key.split(".")
    text = "".join(
        x.text if isinstance(x, Ref) else x
        for x in segments(getattr(getattr(g, part), field), _registry())
    )
    lines = heading_lines(built(gid, locale, fmt, paper, out), page, text)
    assert len(lines) == 2, [text_of(line) for line in lines]
    assert _words(lines[-1]) >= 2, [text_of(line) for line in lines]


# ----------------------------------------------------------------------------- Arabic leading


def touching_lines(path: Path, page: int, dpi: int = 300) -> list[tuple[str, str]]:
    """Pairs of consecutive lines of one paragraph whose ink meets: between the baselines of
    a line and the line under it, no pixel row is clear of ink across both lines' width
    (the dots and descenders of one line reach the ascenders of the next)."""
    import numpy as np

    doc = pdfium.PdfDocument(path)
    height = doc[page].get_height()
    img = np.asarray(doc[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    px = dpi / 72
    lines = [line for line in printed_lines(path, page) if len(line) > 3]
    out = []
    for line in lines:
        size = max(g.size for g in line)
        for other in lines:
            dy = line[0].y - other[0].y
            left, right = max(line[0].x, other[0].x), min(line[-1].right, other[-1].right)
            if not (0.5 * size < dy < 1.9 * size) or right - left < 3 * size:
                continue
            if abs(max(g.size for g in other) - size) > 0.5:
                continue  # another paragraph's text (a heading over its text)
            top, bottom = int((height - line[0].y) * px), int((height - other[0].y) * px)
            band = img[top:bottom, int(left * px) : int(right * px)].astype(int)
            ground = np.median(band)  # the panel's colour
            inked = (np.abs(band - ground) > 80).any(axis=1)
            if inked.all():
                out.append((text_of(line)[:20], text_of(other)[:20]))
            break
    return out


ARABIC = [
    ("us", "ar", "poster", "a4", 0),
    ("us", "ar", "leaflet", "a4", 1),
    ("us", "fa", "leaflet", "letter", 1),
    ("uk-young-people", "ur", "leaflet", "a4", 1),
    ("uk-young-people", "ar", "poster", "letter", 0),
]


@pytest.mark.parametrize("gid, locale, fmt, paper, page", ARABIC, ids=lambda *c: str(c))
def test_arabic_lines_keep_their_dots_off_the_next_line(out, gid, locale, fmt, paper, page):
    """Rendered at 300 dpi: between each line of Arabic-script text and the next, a row of
    pixels is clear (at 1.22 of the size, the dots under a line met the next line's
    ascenders, "الجنسي" over "HOPE" on the Arabic poster)."""
    path = built(gid, locale, fmt, paper, out)
    assert touching_lines(path, page) == []


# ----------------------------------------------------------------------------- list items


def _mcid_panels(path: Path) -> dict[tuple[int, int], set[int]]:
    """(page, MCID) -> the panels (0, 1, 2 from the left) its characters are drawn in."""
    doc = pdfium.PdfDocument(path)
    out: dict[tuple[int, int], set[int]] = {}
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        full, _ = panel_widths(doc[i].get_width())
        for k in range(tp.count_chars()):
            obj = pdfium_c.FPDFText_GetTextObject(tp.raw, k)
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj) if obj else -1
            if mcid >= 0 and tp.get_text_range(k, 1).strip():
                x = tp.get_charbox(k)[0]
                out.setdefault((i, mcid), set()).add(min(2, int(x // full)))
    return out


def _own_content(tree: Tree, el) -> list[tuple[int, int]]:
    """(page, MCID) of an element's own marked content (not a nested list's)."""
    out = []
    for kid in tree.kids(el):
        if isinstance(kid, int):
            out.append((tree.page_of(el), int(kid)))
        elif kid.get("/Type") == "/MCR":
            out.append((tree.page_of(el, kid), int(kid.MCID)))
        elif kid.get("/Type") != "/OBJR" and kid.get("/S") != "/L":
            out += _own_content(tree, kid)
    return out


@pytest.mark.parametrize(
    "gid, locale, paper", [c for c in LEAFLETS if c[1] in ("en", "es", "pl", "ru")], ids=str
)
def test_a_leaflet_list_item_stays_in_one_panel(out, gid, locale, paper):
    """Each list item is drawn whole in one panel (it moves on to the next when it does not
    fit the rest of a panel): read from where its characters stand."""
    path = built(gid, locale, "leaflet", paper, out)
    tree, panels = Tree(path), _mcid_panels(path)
    split = []
    for el in tree.walk():
        if str(el.S) == "/LI":
            where = {(p, x) for p, m in _own_content(tree, el) for x in panels.get((p, m), ())}
            if len(where) > 1:
                split.append((norm(tree.text(el))[:40], sorted(where)))
    assert split == []
