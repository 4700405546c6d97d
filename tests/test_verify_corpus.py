"""verify against the kinds of forged and good files of a wider corpus (issue #12): numbers in
words and CJK numerals, addresses with look-alike dots, text a reader cannot see, barcodes and
codes too small for the page's rendering, helplines swapped above their names, structure a
viewer cuts short. Each bad file is made with another tool (a bare reportlab canvas, pikepdf,
segno, zxing-cpp) and must be a finding naming what is wrong; each good kind must pass."""

from __future__ import annotations

import io

import pikepdf
import pytest
import segno
import zxingcpp
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from leaflets.paper import MM
from leaflets.text.fonts import register
from leaflets.verify import check_file

from .test_verify_hostile import UK, UK_GOOD, US, US_GOOD, _edit, _font, card, errors, zx_image

W, H = 85.6 * MM, 54 * MM


# every character the CJK cases draw: the face is subset once, on first use
CJK_CHARS = "〇零一二八九百五十０１２８。．・点ｅｖｉｌｘａｍｐ공팔일이" + "".join(
    chr(c) for c in range(0x21, 0x7F)
)


def cjk_font(text: str) -> str:
    """A Noto Sans CJK face with the characters of the CJK cases, for reportlab."""
    assert set(text) <= set(CJK_CHARS) | {" "}, "add the characters to CJK_CHARS"
    return register("NotoSansCJKsc", CJK_CHARS).name


def drawn(path, draw, lines=("Report to CEOP: ceop.police.uk",), keywords=UK):
    """A UK card whose lines are drawn plainly and whose Childline line `draw(canvas)` makes."""
    c = Canvas(str(path), pagesize=(W, H), lang="en")
    c.setKeywords(keywords)
    c.setTrimBox((0, 0, W, H))
    c.setFont(_font(), 7)
    for i, line in enumerate(lines):
        c.drawString(12, H - 14 - 10 * i, line)
    draw(c)
    c.showPage()
    c.save()
    return path


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "line, message",
    [
        ("Childline: oh eight hundred one one one two", "in words: a reader dials 08001112"),
        ("Childline: zero eight zero zero one one one two", "in words: a reader dials 08001112"),
        ("In danger, call nine nine eight.", "in words: a reader dials 998"),
        ("In danger, call double nine nine.", "in words: a reader dials 999 (999's number)"),
        # the digit words of every language leaflets prints, read as the catalog check reads
        # them (one reader, sources.reading)
        ("Childline: cero ocho cero cero uno uno uno dos", "in words: a reader dials 08001112"),
        (
            "Childline: ноль восемь ноль ноль один один один два",
            "in words: a reader dials 08001112",
        ),
        ("Childline: không tám không không một một một hai", "in words: a reader dials 08001112"),
        ("Talk 1-to-1: call 121", "the number '121' is printed but is not a number to call"),
        ("Open all hours: call 247", "the number '247' is printed but is not a number to call"),
    ],
)
def test_numbers_in_words_and_bare_guide_digits_are_caught(tmp_path, registry, line, message):
    found = errors(card(tmp_path / "c.pdf", [*UK_GOOD, line]), registry)
    assert any(message in m for m in found), found


@pytest.mark.parametrize(
    "line", ["Open 24/7/365, free of charge.", "Open 365 days a year.", "Open 24 / 7 / 365."]
)
def test_round_the_clock_hours_are_not_numbers(tmp_path, registry, line):
    """Counts of hours and days are read as the i18n check reads them
    (sources.reading.round_the_clock): a translation it passes is not a finding here."""
    assert errors(card(tmp_path / "c.pdf", [*UK_GOOD, line]), registry) == []


@pytest.mark.parametrize(
    "line, message",
    [
        ("Hours: 24-7-365", "phone number '24-7-365' is not in the registry"),
        ("Hours: 24/7/365/24", "is not in the registry"),
        ("Open 365: call us", "the number '365' is printed but is not a number to call"),
        ("Open 24/7: call 365", "the number '365' is printed but is not a number to call"),
    ],
)
def test_numbers_dressed_as_round_the_clock_hours_are_caught(tmp_path, registry, line, message):
    found = errors(card(tmp_path / "c.pdf", [*UK_GOOD, line]), registry)
    assert any(message in m for m in found), found


@pytest.mark.parametrize(
    "text, message",
    [
        ("Childline: 〇八〇〇 一一一二", "is written in CJK numerals: a reader dials 08001112"),
        ("Childline: 零八零零 一一一二", "is written in CJK numerals: a reader dials 08001112"),
        ("Childline: 공팔공공 일일일이", "is written in Korean digits: a reader dials 08001112"),
        ("Call 九百五十五", "is written in CJK numerals: a reader dials 955"),
        ("Childline: ０８００ １１１２", "is written in Fullwidth digits (it reads 08001112)"),
    ],
)
def test_cjk_numerals_and_full_width_digits_are_caught(tmp_path, registry, text, message):
    def draw(c):
        c.setFont(cjk_font(text), 7)
        c.drawString(12, H - 44, text)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    assert any(message in m for m in found), found


def test_a_number_above_the_other_helplines_name_is_caught(tmp_path, registry):
    lines = [
        "In danger: call 911",
        "1-844-878-2274",
        "is RAINN's National Sexual Assault Hotline.",
        "1-800-656-HOPE (4673)",
        "is CCRI's Image Abuse Helpline.",
        "Take It Down: takeitdown.ncmec.org",
    ]
    found = errors(card(tmp_path / "c.pdf", lines, US), registry)
    assert "CCRI's number '1-844-878-2274' is printed beside RAINN's name" in " ".join(found)
    # the same layout with each number above its own name is right
    lines[1], lines[3] = lines[3], lines[1]
    assert errors(card(tmp_path / "good.pdf", lines, US), registry) == []


def test_other_vanity_letters_are_caught_and_dotted_numbers_pass(tmp_path, registry):
    lines = [*US_GOOD[:1], "RAINN: 1-800-656-HOPF (4673)", *US_GOOD[2:]]
    found = errors(card(tmp_path / "c.pdf", lines, US), registry)
    assert any("printed '1-800-656-HOPF', but the registry prints it" in m for m in found)
    dotted = ["In danger: call 911", "RAINN: 800.656.HOPE (4673)", *US_GOOD[2:]]
    assert errors(card(tmp_path / "good.pdf", dotted, US), registry) == []


# ----------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    "line, typed",
    [
        ("More help: evil[.]example", "evil.example"),
        ("More help: evil . example", "evil.example"),
        ("More help: evil(dot)example", "evil.example"),
        ("More help: evil dot com/pay", "evil.com/pay"),
        ("More help: evil·example", "evil.example"),
        ("More help: evil .example", "evil.example"),
        # "dot" in the other languages leaflets prints, and dots the catalog check knows
        ("More help: evil punto com", "evil.com"),
        ("More help: evil kropka com/pay", "evil.com/pay"),
        ("More help: evil [точка] example", "evil.example"),
    ],
)
def test_addresses_with_look_alike_dots_are_read_as_typed(tmp_path, registry, line, typed):
    found = errors(card(tmp_path / "c.pdf", [*UK_GOOD, line]), registry)
    assert any(f"a reader types {typed}, which is not a registry host" in m for m in found)


@pytest.mark.parametrize(
    "text",
    [
        "evil。example",
        "evil．example",
        "ｅｖｉｌ．ｅｘａｍｐｌｅ",
        "evil点example",
        "evil・example",
    ],
)
def test_ideographic_stops_and_full_width_letters_are_read_as_typed(tmp_path, registry, text):
    def draw(c):
        c.setFont(cjk_font(text), 7)
        c.drawString(12, H - 44, "More help: " + text)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    assert any("a reader types evil.example, which is not a registry host" in m for m in found)


def test_an_address_over_two_lines_and_an_e_mail_address_are_caught(tmp_path, registry):
    lines = [*UK_GOOD, "More help at evil.", "example/pay today", "Or write to help@evil.example"]
    found = errors(card(tmp_path / "c.pdf", lines), registry)
    assert any("broken over two lines, reads 'evil.example/pay'" in m for m in found), found
    assert any("the e-mail address 'help@evil.example' is printed" in m for m in found)


def test_prose_with_full_stops_is_no_address(tmp_path, registry):
    lines = [*UK_GOOD, "It's never too late. help is here, Mon·Fri.", "Call CEOP. Org them."]
    assert errors(card(tmp_path / "c.pdf", lines), registry) == []


# ----------------------------------------------------------------------------- seen


def _text(mode=None, colour=None, size=7, scale=100, clip=False):
    def draw(c):
        if clip:
            c.saveState()
            p = c.beginPath()
            p.rect(0, 0, 5, 5)
            c.clipPath(p, stroke=0, fill=0)
        t = c.beginText(12, H - 34)
        t.setFont(_font(), size)
        if mode is not None:
            t.setTextRenderMode(mode)
        if colour:
            t.setFillColorRGB(*colour)
        t.setHorizScale(scale)
        t.textOut(UK_GOOD[0])
        c.drawText(t)
        if clip:
            c.restoreState()

    return draw


def _under_white_picture(c):
    _text()(c)
    c.drawImage(ImageReader(io.BytesIO(_png_white())), 10, H - 38, 200, 12)


def _png_white() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 10), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "draw, why",
    [
        (_text(mode=3), "it is invisible text (render mode 3)"),
        (_text(mode=7), "it is a clipping path only (render mode 7)"),
        (_text(colour=(1, 1, 1)), "no ink shows where it stands"),
        (_text(colour=(0.97, 0.97, 0.97)), "no ink shows where it stands"),
        (_text(size=1), "its letters are 1.4 pt high, too small to read"),
        (_text(scale=1), "its letters are squeezed to a sliver (horizontal scaling)"),
        (_text(clip=True), "no ink shows where it stands"),
        (_under_white_picture, "no ink shows where it stands"),
    ],
)
def test_a_number_no_reader_sees_is_caught_by_default(tmp_path, registry, draw, why):
    found = errors(drawn(tmp_path / "c.pdf", draw), registry)
    assert any("is in the text layer, but a reader of the page cannot see it: " + why in m
               for m in found), found  # fmt: skip


def test_a_box_over_a_built_cards_number_and_a_blanked_line_are_caught(tmp_path, cards, registry):
    import pypdfium2 as pdfium

    src = cards["uk-young-people"]
    tp = pdfium.PdfDocument(src)[1].get_textpage()
    boxes = {}
    for needle in ("0800 1111", "If someone is pressurising you, report to"):
        index, count = tp.search(needle).get_next()
        chars = [tp.get_charbox(i) for i in range(index, index + count)]
        boxes[needle] = (min(b[0] for b in chars), min(b[1] for b in chars),
                         max(b[2] for b in chars), max(b[3] for b in chars))  # fmt: skip

    def cover(needle, grey, stripe=False):
        def change(pdf):
            x0, y0, x1, y1 = boxes[needle]
            ops = b"q %g g %g %g %g %g re f " % (grey, x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2)
            if stripe:  # ink of its own over the box: a picture of something else
                ops += b"0 g %g %g %g %g re f " % (x0, (y0 + y1) / 2, x1 - x0, 1)
            pdf.pages[1].contents_add(pdf.make_stream(ops + b"Q"), prepend=False)

        return change

    found = errors(_edit(src, tmp_path / "n.pdf", cover("0800 1111", 0.8, True)), registry)
    assert any("'0800 1111' is in the text layer" in m and "painted over it" in m for m in found), (
        found
    )
    x0, y0, _, y1 = boxes["If someone is pressurising you, report to"]
    page = pdfium.PdfDocument(src)[1]
    beside = (int(x0) - 3, int(page.get_height() - (y0 + y1) / 2))  # the page left of the line
    bg = page.render(scale=1).to_pil().convert("L").getpixel(beside) / 255
    found = errors(
        _edit(src, tmp_path / "l.pdf", cover("If someone is pressurising you, report to", bg)),
        registry,
    )
    assert any("1 line of text show no ink where they stand" in m for m in found), found


def test_a_font_that_draws_nothing_for_a_number_is_caught(tmp_path, registry):
    path = card(tmp_path / "c.pdf", ["Call Childline on", UK_GOOD[1]])

    def type3(pdf):
        procs = pikepdf.Dictionary({f"/d{d}": pdf.make_stream(b"500 0 d0") for d in range(10)})
        procs["/sp"] = pdf.make_stream(b"250 0 d0")
        cmap = (
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfrange <30> <39> <0030> "
            b"<20> <20> <0020> endbfrange endcmap CMapName currentdict /CMap defineresource pop "
            b"end end"
        )
        names = [pikepdf.Name(f"/d{d}") for d in range(10)]
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type3,
            FontBBox=[0, 0, 500, 700],
            FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
            CharProcs=procs,
            FirstChar=32,
            LastChar=57,
            Encoding=pikepdf.Dictionary(Differences=[32, pikepdf.Name.sp, 48, *names]),
            Widths=[250] + [0] * 15 + [500] * 10,
            Resources=pikepdf.Dictionary(),
            ToUnicode=pdf.make_stream(cmap),
        )
        pdf.pages[0].obj.Resources.Font.T3 = pdf.make_indirect(font)
        ops = b"BT /T3 7 Tf 12 100 Td (0800 1111) Tj ET"
        pdf.pages[0].contents_add(pdf.make_stream(ops), prepend=False)

    found = errors(_edit(path, tmp_path / "t3.pdf", type3), registry)
    assert any("its font draws nothing for its letters" in m for m in found), found


# ----------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    "fmt, payload, name",
    [
        (zxingcpp.BarcodeFormat.Code128, "08001112", "Code 128"),
        (zxingcpp.BarcodeFormat.EAN13, "5012345678900", "EAN-13"),
        (zxingcpp.BarcodeFormat.ITF, "08001112", "ITF"),
    ],
)
def test_barcodes_are_read_and_named(tmp_path, registry, fmt, payload, name):
    def draw(c):
        c.drawImage(ImageReader(zx_image(payload, fmt)), 40 * MM, 5 * MM, 30 * MM, 20 * MM)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    assert any(f"a {name} barcode" in m and repr(payload) in m for m in found), found


@pytest.mark.parametrize("turn", [90, 180, 270])
@pytest.mark.parametrize(
    "fmt, payload, name",
    [
        (zxingcpp.BarcodeFormat.Code128, "08001112", "a Code 128 barcode"),
        (zxingcpp.BarcodeFormat.PDF417, "tel:+448001112", "a PDF417 code"),
        (zxingcpp.BarcodeFormat.DataMatrix, "tel:+448001112", "a Data Matrix code"),
    ],
)
def test_codes_turned_on_the_page_are_read(tmp_path, registry, fmt, payload, name, turn):
    """A code printed sideways or upside down is read as a phone would read it."""
    picture = zx_image(payload, fmt).rotate(turn, expand=True, fillcolor=255)
    w, h = (side / max(picture.size) * 24 * MM for side in picture.size)

    def draw(c):
        c.drawImage(ImageReader(picture), 45 * MM, 4 * MM, w, h)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    assert any(name in m for m in found), found
    assert any(payload.removeprefix("tel:").lstrip("+") in m for m in found), found


def _vector_qr(c, payload, x, y, size, micro=False):
    code = segno.make_micro(payload) if micro else segno.make_qr(payload, error="m")
    cell = size / (len(code.matrix) + 8)
    path = c.beginPath()
    for r, row in enumerate(code.matrix):
        for k, dark in enumerate(row):
            if dark:
                path.rect(x + (k + 4) * cell, y + size - (r + 5) * cell, cell, cell)
    c.drawPath(path, stroke=0, fill=1)


@pytest.mark.parametrize("side_mm, micro", [(2.0, False), (1.5, False), (2.0, True)])
def test_vector_codes_of_two_millimetres_are_read(tmp_path, registry, side_mm, micro):
    payload = "08001112" if micro else "tel:+448001112"

    def draw(c):
        _vector_qr(c, payload, 65 * MM, 8 * MM, side_mm * MM, micro)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    want = "holds '08001112'" if micro else "QR code dials '+448001112'"
    assert any(want in m for m in found), found


def test_a_code_in_a_tiling_pattern_is_read(tmp_path, cards, registry):
    def pattern(pdf):
        code = segno.make_qr("https://evil.example/pay", error="m")
        n = len(code.matrix)
        size = n + 8
        dark = [
            f"{k + 4} {n + 3 - r} 1 1 re"
            for r, row in enumerate(code.matrix)
            for k, v in enumerate(row)
            if v
        ]
        ops = f"1 g 0 0 {size} {size} re f 0 g {' '.join(dark)} f".encode()
        cell = pdf.make_stream(
            ops,
            Type=pikepdf.Name.Pattern,
            PatternType=1,
            PaintType=1,
            TilingType=1,
            BBox=[0, 0, size, size],
            XStep=size,
            YStep=size,
            Resources=pikepdf.Dictionary(),
            Matrix=[50 / size, 0, 0, 50 / size, 150, 20],
        )
        pdf.pages[1].obj.Resources.Pattern = pikepdf.Dictionary(P9=cell)
        ops = b"q /Pattern cs /P9 scn 150 20 50 50 re f Q"
        pdf.pages[1].contents_add(pdf.make_stream(ops), prepend=False)

    found = errors(_edit(cards["uk-young-people"], tmp_path / "p.pdf", pattern), registry)
    assert any("QR code opens 'https://evil.example/pay'" in m for m in found), found


# ----------------------------------------------------------------------------- structure


def test_a_user_unit_and_a_form_that_draws_itself_are_caught(tmp_path, cards, registry):
    def user_unit(pdf):
        for page in pdf.pages:
            page.obj.UserUnit = 2.0

    found = errors(_edit(cards["uk-young-people"], tmp_path / "u.pdf", user_unit), registry)
    assert any("the page has /UserUnit 2: it prints at 2 times the size" in m for m in found)

    def loop(pdf):
        form = pdf.make_stream(b"/X0 Do", Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10])
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X0=form))
        pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(X0=form)
        pdf.pages[0].contents_add(pdf.make_stream(b"/X0 Do"), prepend=False)

    found = errors(_edit(cards["uk-young-people"], tmp_path / "f.pdf", loop), registry)
    assert any("a form XObject (/X0) that draws itself" in m for m in found), found


@pytest.mark.slow
@pytest.mark.parametrize("rotate", [90, 270])
def test_deep_reads_rotated_pages_upright(tmp_path, cards, registry, rotate):
    def change(pdf):
        for page in pdf.pages:
            page.obj.Rotate = rotate

    path = _edit(cards["uk-young-people"], tmp_path / "r.pdf", change)
    assert [f.message for f in check_file(path, registry, deep=True) if f.level == "error"] == []


def test_a_number_in_the_title_or_a_comment_is_caught(tmp_path, cards, registry):
    def change(pdf):
        pdf.docinfo["/Title"] = "Call Childline on 0800 1112"
        note = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[10, 10, 30, 30],
            Contents="New number: evil . com",
        )
        pdf.pages[1].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(note)]))

    found = errors(_edit(cards["uk-young-people"], tmp_path / "t.pdf", change), registry)
    assert any("the document's Title says '0800 1112'" in m for m in found), found
    assert any("a Text annotation says 'evil . com'" in m for m in found), found

    def good(pdf):
        pdf.docinfo["/Title"] = "Childline 0800 1111 card"
        note = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[10, 10, 30, 30], Contents="Y9"
        )
        pdf.pages[1].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(note)]))

    assert errors(_edit(cards["uk-young-people"], tmp_path / "g.pdf", good), registry) == []


def test_a_small_code_drawn_one_module_at_a_time_is_read(tmp_path, registry):
    # reportlab's own QR widget draws each dark module as a shape of its own
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    def draw(c):
        widget = QrCodeWidget("tel:+448001112")
        x0, y0, x1, y1 = widget.getBounds()
        side = 2.5 * MM
        drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, c, 65 * MM, 8 * MM)

    found = errors(drawn(tmp_path / "c.pdf", draw, UK_GOOD), registry)
    assert any("QR code dials '+448001112'" in m for m in found), found


@pytest.mark.slow
def test_deep_reads_small_print_and_a_link_over_two_lines_on_a_large_page(tmp_path, registry):
    # an A4 page is read at 250 dpi: its 6 pt lines are rendered again alone for OCR
    w, h = 210 * MM, 297 * MM
    c = Canvas(str(tmp_path / "a4.pdf"), pagesize=(w, h), lang="en")
    c.setKeywords(UK.replace("cr80", "a4").replace("format=card", "format=poster"))
    c.setTrimBox((0, 0, w, h))
    c.setFont(_font(), 6)
    lines = [
        *UK_GOOD,
        "Print at 100 % (do not fit to page).",
        "Safety centre: ceop.police.uk",
        "/Safety-Centre",
    ]
    for i, line in enumerate(lines):
        c.drawString(20 * MM, h - 30 * MM - 8 * i, line)
    c.showPage()
    c.save()
    found = check_file(tmp_path / "a4.pdf", registry, deep=True)
    assert [f.message for f in found if f.level == "error"] == []


def test_a_layer_hidden_until_switched_on_is_caught(tmp_path, cards, registry):
    def change(pdf):
        layer = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="other number"))
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[layer], D=pikepdf.Dictionary(OFF=[layer]))
        page = pdf.pages[1]
        page.obj.Resources.Properties = pikepdf.Dictionary(oc1=layer)
        ops = b"/OC /oc1 BDC 0 g 20 20 60 10 re f EMC"  # shows only when switched on
        page.contents_add(pdf.make_stream(ops), prepend=False)

    found = errors(_edit(cards["uk-young-people"], tmp_path / "l.pdf", change), registry)
    assert any("layers hidden until a reader switches them on ('other number')" in m for m in found)
