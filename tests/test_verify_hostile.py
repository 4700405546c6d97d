"""verify against files a forger, an accident or another tool made: numbers of every length
and spelling, clickable links and actions, other 2-D codes, hidden text, damaged and hostile
files. Every bad file here is made with another tool (a bare reportlab canvas, pikepdf,
segno, zxing-cpp) or by pikepdf editing a good card; each must be a finding that names what
is wrong, and each good kind must pass."""

from __future__ import annotations

import io
import json
import shutil

import pikepdf
import pytest
import segno
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from leaflets.cli import main
from leaflets.paper import MM
from leaflets.verify import check_file, check_paths

from .conftest import ROOT

UK = "leaflets guide=uk-young-people locale=en format=card paper=cr80 review=reviewed"
US = "leaflets guide=us locale=en format=card paper=cr80 review=reviewed"
UK_GOOD = ["Call Childline on 0800 1111.", "Report to CEOP: ceop.police.uk"]
US_GOOD = [
    "In danger: call 911",
    "RAINN: 1-800-656-HOPE (4673)",
    "CCRI's helpline: 1-844-878-2274",
    "Take It Down: takeitdown.ncmec.org",
]


def _font(name: str = "NotoSans") -> str:
    """A Noto font, embedded (the canvas's own Helvetica would be a font finding)."""
    if f"Test{name}" not in pdfmetrics.getRegisteredFontNames():
        path = ROOT / "fonts" / f"{name}-Regular.ttf"
        pdfmetrics.registerFont(TTFont(f"Test{name}", str(path)))
    return f"Test{name}"


def card(path, lines, keywords=UK, images=(), size=(85.6, 54.0), **box):
    """A card drawn on a bare reportlab canvas: `lines` of text, and (image, x, y, w) codes."""
    w, h = size[0] * MM, size[1] * MM
    c = Canvas(str(path), pagesize=(w, h), lang="en")
    c.setKeywords(keywords)
    c.setTrimBox(box.get("trim", (0, 0, w, h)))
    for i, line in enumerate(lines):
        text, font = line if isinstance(line, tuple) else (line, "NotoSans")
        c.setFont(_font(font), 7)
        c.drawString(12, h - 14 - 10 * i, text)
    for image, x, y, width in images:
        c.drawImage(ImageReader(image), x * MM, y * MM, width * MM, width * MM)
    c.showPage()
    c.save()
    return path


def errors(path, registry):
    return [f.message for f in check_file(path, registry) if f.level == "error"]


def qr_image(payload: str, micro: bool = False) -> Image.Image:
    code = segno.make_micro(payload) if micro else segno.make_qr(payload, error="m")
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=10, border=4)
    return Image.open(io.BytesIO(buf.getvalue()))


def zx_image(payload: str, fmt) -> Image.Image:
    import numpy

    array = numpy.array(zxingcpp.create_barcode(payload, fmt).to_image(scale=10))
    return Image.fromarray(numpy.pad(array, 40, constant_values=255))


def test_a_good_bare_card_is_clean(tmp_path, registry):
    assert errors(card(tmp_path / "c.pdf", UK_GOOD), registry) == []
    path = card(tmp_path / "u.pdf", US_GOOD, US)
    # the canvas lists Helvetica on every page but draws nothing in it: a warning at most
    assert [(f.level, f.message) for f in check_file(path, registry)] == [
        ("warning", "font /Helvetica is not embedded (it draws no text)")
    ]


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "line, keywords, message",
    [
        ("In danger, call 998.", UK, "the number '998' is printed but is not a number to call"),
        ("In danger, call 912.", US, "the number '912' is printed but is not a number to call"),
        (("Childline: ০৮০০ ১১১১", "NotoSansBengali"), UK, "in Bengali digits (it reads 08001111)"),
        (("Childline: ੦੮੦੦ ੧੧੧੧", "NotoSansGurmukhi"), UK, "is written in Gurmukhi digits"),
        ("Childline: 0800 1lll", UK, "has letters that look like digits (l); a reader dials"),
        ("Childline: 0800·1112", UK, "phone number '0800-1112' is not in the registry"),
        ("Premium: 1/900/555/0199", US, "phone number '1-900-555-0199' is not in the registry"),
        ("Call 1,9,0,0,5,5,5,0,1,9,9", US, "is not in the registry"),
        ("Call Childline on 911.", UK, "belongs to another edition (us), not uk-young-people"),
        ("RAINN: 1-800-656-HOPE (4673)", UK, "belongs to another edition (us)"),
        ("Childline08001112", UK, "the digits '08001112' (08001112) are printed against letters"),
        ("Childline: 08~00~11~12", UK, "phone number '08-00-11-12' is not in the registry"),
        ("Childline: 08 - 00 - 11 - 12", UK, "phone number '08-00-11-12' is not in the registry"),
        ("Adults: rainn.org", UK, "printed link 'rainn.org' belongs to edition us"),
    ],
)
def test_a_wrong_number_in_any_spelling_is_caught(tmp_path, registry, line, keywords, message):
    lines = (UK_GOOD if keywords == UK else US_GOOD) + [line]
    found = errors(card(tmp_path / "c.pdf", lines, keywords), registry)
    assert any(message in m for m in found), found


def test_two_helplines_numbers_swapped_are_caught(tmp_path, registry):
    lines = [
        "In danger: call 911",
        "RAINN: 1-844-878-2274",
        "CCRI's helpline: 1-800-656-HOPE (4673)",
        "Take It Down: takeitdown.ncmec.org",
    ]
    found = errors(card(tmp_path / "c.pdf", lines, US), registry)
    assert "CCRI's number '1-844-878-2274' is printed beside RAINN's name" in " ".join(found)
    assert "RAINN's number '1-800-656-HOPE' is printed beside CCRI's name" in " ".join(found)


def test_a_bidi_control_inside_an_address_is_caught(tmp_path, registry):
    lines = ["Call Childline on 0800 1111.", "Report to CEOP: ceop.police\u202e.uk"]
    found = errors(card(tmp_path / "c.pdf", lines), registry)
    assert any("RIGHT-TO-LEFT OVERRIDE" in m for m in found), found


# ----------------------------------------------------------------------------- targets


def _edit(src, dst, change):
    with pikepdf.open(src) as pdf:
        change(pdf)
        pdf.save(dst)
    return dst


def _link(pdf, page, uri=None, action=None, rect=(0, 0, 250, 160)):
    a = action or pikepdf.Dictionary(S=pikepdf.Name.URI, URI=uri)
    annot = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=list(rect), A=a)
    )
    pdf.pages[page].obj.Annots = pdf.make_indirect(pikepdf.Array([annot]))


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda pdf: _link(pdf, 1, "https://evil.example/pay"),
            "a clickable link opens 'https://evil.example/pay', which is not a registry host",
        ),
        (
            lambda pdf: _link(pdf, 1, "https://ceop.po1ice.uk/"),
            "is a lookalike of the registry host ceop.police.uk",
        ),
        (
            lambda pdf: _link(pdf, 1, "tel:+441234567890"),
            "a clickable link dials '+441234567890', which is not in the registry",
        ),
        (
            lambda pdf: _link(
                pdf, 1, action=pikepdf.Dictionary(S=pikepdf.Name.Launch, F="calc.exe")
            ),
            "a link runs a Launch action (calc.exe)",
        ),
        (
            lambda pdf: setattr(
                pdf.Root,
                "OpenAction",
                pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"),
            ),
            "the document has opening action JavaScript",
        ),
        (
            lambda pdf: setattr(
                pdf.pages[0].obj,
                "AA",
                pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F="x")),
            ),
            "the page has a SubmitForm action on O",
        ),
        (
            lambda pdf: pdf.attachments.__setitem__("a.exe", pikepdf.AttachedFileSpec(pdf, b"MZ")),
            "the document has embedded files",
        ),
    ],
)
def test_links_and_actions_are_checked(tmp_path, cards, registry, change, message):
    bad = _edit(cards["uk-young-people"], tmp_path / "c.pdf", change)
    found = errors(bad, registry)
    assert any(message in m for m in found), found


def test_a_registry_link_over_text_naming_it_passes(tmp_path, registry):
    def change(pdf):
        _link(pdf, 0, "tel:+44-800-1111", rect=(0, 120, 250, 160))

    src = card(tmp_path / "a.pdf", UK_GOOD)
    assert errors(_edit(src, tmp_path / "c.pdf", change), registry) == []


def test_a_registry_link_over_other_text_is_caught(tmp_path, registry):
    def change(pdf):
        # over the first line only: "Call Childline on 0800 1111."
        _link(pdf, 0, "https://www.ceop.police.uk/Safety-Centre/", rect=(0, 138, 250, 146))

    found = errors(_edit(card(tmp_path / "a.pdf", UK_GOOD), tmp_path / "c.pdf", change), registry)
    assert any("over text that does not name it" in m for m in found), found


# ----------------------------------------------------------------------------- codes


def test_other_2d_codes_are_read_and_named(tmp_path, registry):
    images = [
        (zx_image("tel:+448001111", zxingcpp.BarcodeFormat.DataMatrix), 62, 5, 18),
        (zx_image("https://evil.example/", zxingcpp.BarcodeFormat.Aztec), 40, 5, 18),
    ]
    found = errors(card(tmp_path / "c.pdf", UK_GOOD, images=images), registry)
    text = " ".join(found)
    assert "a Data Matrix code" in text and "a Aztec code" in text
    assert "QR code opens 'https://evil.example/', which is not a registry host" in text


def test_a_micro_qr_code_is_named(tmp_path, registry):
    found = errors(
        card(tmp_path / "c.pdf", UK_GOOD, images=[(qr_image("999", micro=True), 62, 5, 15)]),
        registry,
    )
    assert any("a Micro QR Code code" in m for m in found), found


@pytest.mark.parametrize(
    "payload",
    [
        "HTTPS://WWW.CEOP.POLICE.UK/Safety-Centre/",
        "tel:+44-800-1111",
        "TEL:+448001111",
        "tel:08001111",
    ],
)
def test_payloads_are_compared_as_a_phone_opens_them(tmp_path, registry, payload):
    lines = ["Call Childline on 0800 1111.", "Report to CEOP: ceop.police.uk", "", "", ""]
    images = [(qr_image(payload), 50, 2, 25)]
    lines += ["", "", "", "", "", "Report to CEOP" if "CEOP" in payload else "Call Childline"]
    path = card(tmp_path / "c.pdf", lines, images=images)
    # the label is not what this test is about (it stands where a bare canvas put it)
    found = check_file(path, registry)
    assert [f.message for f in found if f.rule != "qr-label" and f.level == "error"] == []


# ----------------------------------------------------------------------------- what is shown


def test_a_helpline_outside_the_cropbox_is_caught(tmp_path, cards, registry):
    def change(pdf):
        page = pdf.pages[1].obj
        x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
        page.CropBox = [x0, y0, x0 + 40, y0 + 40]  # only a corner shows

    found = errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry)
    text = " ".join(found)
    assert "outside the visible page (CropBox or TrimBox)" in text
    assert "required for uk-young-people card: Childline (0800 1111) is missing" in text


def test_a_rotated_page_is_no_false_alarm(tmp_path, cards, registry):
    def change(pdf):
        for page in pdf.pages:
            page.obj.Rotate = 90

    assert errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry) == []


def test_linearised_and_owner_password_files_are_read(tmp_path, cards, registry):
    src = cards["us"]
    with pikepdf.open(src) as pdf:
        pdf.save(tmp_path / "lin.pdf", linearize=True)
        pdf.save(
            tmp_path / "aes.pdf",
            encryption=pikepdf.Encryption(owner="owner", user="", aes=True, R=6),
        )
        pdf.save(tmp_path / "user.pdf", encryption=pikepdf.Encryption(owner="o", user="u", R=6))
    assert errors(tmp_path / "lin.pdf", registry) == []
    assert errors(tmp_path / "aes.pdf", registry) == []
    assert errors(tmp_path / "user.pdf", registry) == [
        "is protected by a password: verify cannot read it"
    ]


# ----------------------------------------------------------------------------- hostile


def test_hostile_structures_are_findings_not_tracebacks(tmp_path, cards, registry):
    def self_form(pdf):
        form = pdf.make_stream(b"q Q", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form)
        form.BBox = [0, 0, 10, 10]
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(F=form))
        pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(F=form)

    def no_descendants(pdf):
        font = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont="X")
        )
        pdf.pages[0].obj.Resources.Font.FX = font

    def broken_boxes(pdf):
        pdf.pages[0].obj.TrimBox = pikepdf.Array([1, "a"])
        pdf.docinfo["/Title"] = pikepdf.Array([1])

    for name, change in [("self", self_form), ("t0", no_descendants), ("box", broken_boxes)]:
        path = _edit(cards["us"], tmp_path / f"{name}.pdf", change)
        found = check_file(path, registry)  # no traceback, whatever it finds
        assert all(f.file == str(path) for f in found)
    (tmp_path / "cut.pdf").write_bytes(cards["us"].read_bytes()[:3000])
    (tmp_path / "notes.pdf").write_text("not a pdf")
    res = CliRunner().invoke(main, ["verify", "--json", str(tmp_path)])
    assert res.exit_code == 1
    report = json.loads(res.stdout)  # always valid JSON
    assert len(report["files"]) == 5
    by_file = {f["file"]: f for f in report["findings"]}
    assert str(tmp_path / "notes.pdf") in by_file and str(tmp_path / "cut.pdf") in by_file


def test_a_giant_page_is_a_finding_within_the_limits(tmp_path, registry):
    path = card(tmp_path / "big.pdf", UK_GOOD, size=(200 * 25.4, 200 * 25.4))
    found = errors(path, registry)
    assert any("larger than verify reads" in m for m in found), found


def test_many_text_segments_are_read(tmp_path, registry):
    w, h = 210 * MM, 297 * MM
    c = Canvas(str(tmp_path / "many.pdf"), pagesize=(w, h))
    c.setKeywords(UK)
    c.setTrimBox((0, 0, w, h))
    c.setFont(_font(), 3)
    for i in range(20_000):
        c.drawString(5 + (i % 100) * 5.8, 10 + (i // 100) * 4, "x/")
    c.drawString(20, h - 30, "Call Childline on 0800 1111. Report to CEOP: ceop.police.uk")
    c.showPage()
    c.save()
    files, findings = check_paths([tmp_path / "many.pdf"], registry)
    assert files and not [f for f in findings if f.rule == "limits"]


def test_a_manifest_claim_cannot_make_a_draft_reviewed(tmp_path, registry):
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"][0]["review"] = "reviewed"
    (out / "manifest.json").write_text(json.dumps(manifest))
    res = CliRunner().invoke(main, ["verify", "--require-reviewed", str(out)])
    assert res.exit_code == 1
    assert "says review=draft but manifest.json lists it as review=reviewed" in res.output


def test_a_build_folder_inside_the_folder_asked_for_is_checked(tmp_path, cards):
    out = tmp_path / "all" / "release"
    CliRunner().invoke(main, ["build", "--guide", "us", "--format", "card", "--out", str(out)])
    shutil.copy(cards["uk-young-people"], out / "us" / "en" / "card-cr80.pdf")
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "all")])
    assert res.exit_code == 1 and "differs from manifest.json (sha256)" in res.output


# ----------------------------------------------------------------------------- --deep: the ink


def _ink(text: str, height_px: int = 60) -> Image.Image:
    """`text` as a picture, in Noto Sans, black on white."""
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(ROOT / "fonts" / "NotoSans-Regular.ttf"), height_px)
    width = int(font.getlength(text)) + 20
    image = Image.new("L", (width, int(height_px * 1.4)), 255)
    ImageDraw.Draw(image).text((10, 0), text, font=font, fill=0)
    return image


def _forged(path, cover=None, invisible=False, picture=None):
    """The good UK card text, its first line (with Childline's number) covered by a white box,
    drawn invisibly (render mode 3), or with a picture of other text pasted over it."""
    w, h = 85.6 * MM, 54 * MM
    c = Canvas(str(path), pagesize=(w, h), lang="en")
    c.setKeywords(UK)
    c.setTrimBox((0, 0, w, h))
    text = c.beginText(12, h - 14)
    text.setFont(_font(), 7)
    if invisible:
        text.setTextRenderMode(3)
    text.textLine(UK_GOOD[0])
    c.drawText(text)
    c.setFont(_font(), 7)
    c.drawString(12, h - 24, UK_GOOD[1])
    if cover:
        c.setFillColorRGB(1, 1, 1)
        c.rect(10, h - 17, 130, 10, stroke=0, fill=1)
    if picture:
        image = _ink(picture)
        c.drawImage(ImageReader(image), 10, h - 17, 10 * image.width / image.height, 10)
    c.showPage()
    c.save()
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, message",
    [
        ({"cover": True}, "the text layer has the number '0800 1111', but it is not visible"),
        (
            {"picture": "Call Childline on 0800 1112."},
            "the printed page shows the number '0800 1112' (OCR), which the text layer does not",
        ),
        (
            {"invisible": True, "picture": "Call Childline on 0800 1112."},
            "the text layer has the number '0800 1111', but it is not visible",
        ),
    ],
)
def test_deep_reads_what_is_printed_not_the_text_layer(tmp_path, registry, kind, message):
    path = _forged(tmp_path / "c.pdf", **kind)
    assert [f for f in check_file(path, registry) if f.rule == "printed"] == []  # text layer
    found = [f.message for f in check_file(path, registry, deep=True) if f.level == "error"]
    assert any(message in m for m in found), found


@pytest.mark.slow
def test_deep_passes_good_cards(cards, registry):
    for path in cards.values():
        assert [f.message for f in check_file(path, registry, deep=True)] == []


def test_a_print_only_layer_is_caught(tmp_path, cards, registry):
    def change(pdf):
        layer = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.OCG,
                Name="print only",
                Usage=pikepdf.Dictionary(
                    Print=pikepdf.Dictionary(PrintState=pikepdf.Name.ON),
                    View=pikepdf.Dictionary(ViewState=pikepdf.Name.OFF),
                ),
            )
        )
        auto = [
            pikepdf.Dictionary(Event=pikepdf.Name(e), OCGs=[layer], Category=[pikepdf.Name(e)])
            for e in ("/Print", "/View")
        ]
        default = pikepdf.Dictionary(Order=[layer], ON=[], OFF=[layer], AS=auto)
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[layer], D=default)
        page = pdf.pages[1]
        page.obj.Resources.Properties = pikepdf.Dictionary(L=layer)
        # a box that only the printer draws, over the whole back
        page.contents_add(pdf.make_stream(b"/OC /L BDC 0 0 0 rg 0 0 400 400 re f EMC"))

    found = errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry)
    assert "the page has optional content (layers) that prints differently" in " ".join(found)


@pytest.mark.slow
def test_deep_catches_a_font_whose_text_says_other_digits_than_it_draws(tmp_path, registry):
    path = card(tmp_path / "a.pdf", ["Call Childline on 0800 2222.", UK_GOOD[1]])

    def lie(pdf):  # the glyph of '2' says it is '1' (ToUnicode), so the text layer reads 1111
        for font in pdf.pages[0].obj.Resources.Font.values():
            if "/ToUnicode" in font:
                cmap = font.ToUnicode.read_bytes().replace(b"<0032>", b"<0031>")
                font.ToUnicode.write(cmap)

    forged = _edit(path, tmp_path / "c.pdf", lie)
    assert errors(forged, registry) == []  # the text layer alone is fooled
    found = [f.message for f in check_file(forged, registry, deep=True) if f.level == "error"]
    assert any(
        "the text layer has the number '0800 1111', but it is not visible" in m for m in found
    ), found


def test_low_contrast_and_cmyk_codes_that_scan_are_no_false_alarm(tmp_path, registry):
    grey = segno.make_qr("tel:+448001111", error="m")
    buf = io.BytesIO()
    grey.save(buf, kind="png", scale=10, border=4, dark="#606060", light="#e0e0e0")
    cmyk = Image.open(io.BytesIO(buf.getvalue())).convert("CMYK")
    lines = UK_GOOD + ["", "", "", "", "", "", "Call Childline", "", "", "Call Childline"]
    images = [(Image.open(io.BytesIO(buf.getvalue())), 50, 2, 22), (cmyk, 25, 2, 22)]
    path = card(tmp_path / "c.pdf", lines, images=images)
    codes = [
        c
        for p in __import__("leaflets.verify", fromlist=["read_pdf"]).read_pdf(path).pages
        for c in p.qr
    ]
    assert len([c for c in codes if c.payload == "tel:+448001111"]) == 2
    found = check_file(path, registry)
    assert [f.message for f in found if f.level == "error" and f.rule != "qr-label"] == []


def test_a_deeply_nested_object_is_a_finding_not_a_crash(tmp_path, cards, registry):
    deep = b"[" * 100_000 + b"]" * 100_000
    data = cards["us"].read_bytes().replace(b"/Creator", b"/Deep " + deep + b" /Creator", 1)
    (tmp_path / "deep.pdf").write_bytes(data)
    files, findings = check_paths([tmp_path / "deep.pdf"], registry)
    assert files and all(f.file == str(tmp_path / "deep.pdf") for f in findings)


@pytest.mark.slow
def test_deep_catches_actual_text_that_says_another_number(tmp_path, registry):
    w, h = 85.6 * MM, 54 * MM
    c = Canvas(str(tmp_path / "c.pdf"), pagesize=(w, h), lang="en")
    c.setKeywords(UK)
    c.setTrimBox((0, 0, w, h))
    c.setFont(_font(), 7)
    c.addLiteral("/Span <</ActualText (Call Childline on 0800 1111.)>> BDC")
    c.drawString(12, h - 14, "Call Childline on 0800 1112.")
    c.addLiteral("EMC")
    c.drawString(12, h - 24, UK_GOOD[1])
    c.showPage()
    c.save()
    path = tmp_path / "c.pdf"
    assert errors(path, registry) == []  # the text layer says 0800 1111
    found = [f.message for f in check_file(path, registry, deep=True) if f.level == "error"]
    assert any("'0800 1111', but it is not visible" in m for m in found), found


def test_a_pdf417_code_is_read_and_named(tmp_path, registry):
    image = zx_image("tel:+448001111", zxingcpp.BarcodeFormat.PDF417)
    w, h = 85.6 * MM, 54 * MM
    c = Canvas(str(tmp_path / "c.pdf"), pagesize=(w, h), lang="en")
    c.setKeywords(UK)
    c.setTrimBox((0, 0, w, h))
    c.setFont(_font(), 7)
    for i, line in enumerate(UK_GOOD):
        c.drawString(12, h - 14 - 10 * i, line)
    c.drawImage(ImageReader(image), 5 * MM, 3 * MM, 60 * MM, 60 * MM * image.height / image.width)
    c.showPage()
    c.save()
    found = errors(tmp_path / "c.pdf", registry)
    assert any("a PDF417 code" in m for m in found), found


@pytest.mark.parametrize("side_mm", [3.0, 1.5])
def test_a_code_too_small_for_the_page_rendering_is_read_again(tmp_path, registry, side_mm):
    # 3 mm with its quiet zone is 0.09 mm a module, under 1.1 pixels at the 300 dpi the
    # page is read at; 1.5 mm is half that: each picture of 8 mm or less is read again alone
    images = [(qr_image("https://evil.example/"), 70, 3, side_mm)]
    path = card(tmp_path / "c.pdf", UK_GOOD, images=images)
    evil = "QR code opens 'https://evil.example/'"
    assert any(evil in m for m in errors(path, registry))


@pytest.mark.parametrize("angle", [25, 90])
def test_a_wrong_number_at_an_angle_is_caught(tmp_path, registry, angle):
    w, h = 85.6 * MM, 54 * MM
    c = Canvas(str(tmp_path / "c.pdf"), pagesize=(w, h), lang="en")
    c.setKeywords(UK)
    c.setTrimBox((0, 0, w, h))
    c.setFont(_font(), 7)
    for i, line in enumerate(UK_GOOD):
        c.drawString(12, h - 14 - 10 * i, line)
    c.translate(w - 30 * MM, 4 * MM)
    c.rotate(angle)
    c.drawString(0, 0, "Childline 0800 1112")
    c.showPage()
    c.save()
    found = errors(tmp_path / "c.pdf", registry)
    assert any("phone number '0800 1112' is not in the registry" in m for m in found), found


def test_a_code_of_the_other_edition_is_caught(tmp_path, registry):
    lines = UK_GOOD + ["", "", "", "", "", "", "", "", "Emergency services"]
    path = card(tmp_path / "c.pdf", lines, images=[(qr_image("tel:911"), 50, 2, 25)])
    found = errors(path, registry)
    assert any("which belongs to edition us, not uk-young-people" in m for m in found), found


def test_an_action_on_a_comment_is_caught(tmp_path, cards, registry):
    def change(pdf):
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[0, 0, 20, 20],
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F="cmd.exe"),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))

    found = errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry)
    assert any("runs a Launch action (cmd.exe)" in m for m in found), found


def test_a_link_that_draws_its_own_appearance_is_caught(tmp_path, cards, registry):
    def change(pdf):
        box = pdf.make_stream(
            b"1 1 1 rg 0 0 200 50 re f",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, 200, 50],
        )
        _link(pdf, 1, "tel:+448001111", rect=(0, 80, 200, 130))
        pdf.pages[1].obj.Annots[0].AP = pikepdf.Dictionary(N=box)  # a white box over the text

    found = errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry)
    assert any("a link draws an appearance of its own" in m for m in found), found


def test_a_form_script_and_a_base_address_are_caught(tmp_path, cards, registry):
    def change(pdf):
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], CO=[])
        pdf.Root.URI = pikepdf.Dictionary(Base="https://evil.example/")

    found = " ".join(errors(_edit(cards["uk-young-people"], tmp_path / "c.pdf", change), registry))
    assert "an interactive form" in found and "a base address for its links" in found
