"""PDF/X-4 in CMYK for a print shop (build --pdfx) and its preflight (verify --pdfx), read back
from the files: colour operators parsed from the content streams with pikepdf, images and
the output intent read from the file, colours converted back through the ICC profile and the
pages rendered through it. Bad files for the preflight are made with a bare reportlab canvas
or edited with pikepdf."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import page as page_validation
import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageCms
from reportlab.pdfgen.canvas import Canvas

from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.colour import DEFAULT_ACCENT, hex_rgb
from leaflets.errors import ConfigError
from leaflets.files import data_path, write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.config import load_config
from leaflets.sources.guide import load_guides
from leaflets.verify.pdfx import preflight

ROOT = Path(__file__).resolve().parent.parent
PROFILE = data_path("icc", "ISOcoated_v2_300_bas.icc")
K100 = (0.0, 0.0, 0.0, 1.0)

# every format, and the script families: Latin, Arabic, Bengali, Chinese
COVER = [
    ("us", "en", "card", "cr80"),
    ("us", "ar", "card", "cr80"),
    ("uk-young-people", "bn", "card-sheet", "letter"),
    ("us", "zh-Hans", "poster", "a4"),
    ("uk-young-people", "en", "leaflet", "a4"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, guides, registry) -> dict[str, Path]:
    """The covering set, and the example school (PNG logo) and clinic (SVG logo) cards, with
    --pdfx; and the English card without it, to compare."""
    out = tmp_path_factory.mktemp("pdfx")
    files = {}
    for guide, locale, fmt, paper in COVER:
        lg = localise(guides[guide], locale)
        path = out / f"{guide}-{locale}-{fmt}-{paper}.pdf"
        write_atomic(path, render_pdf(lg, registry, FORMATS[fmt], paper, press=True).data)
        files[f"{fmt}-{locale}"] = path
    for name in ("school", "clinic"):
        org = load_config(ROOT / "examples" / f"{name}.toml")
        reg = org.registry(registry)
        path = out / f"{name}-card.pdf"
        lg = localise(load_guide_for(org, reg), "en")
        write_atomic(path, render_pdf(lg, reg, FORMATS["card"], "cr80", org=org, press=True).data)
        files[name] = path
    rgb = out / "card-rgb.pdf"
    lg = localise(guides["us"], "en")
    write_atomic(rgb, render_pdf(lg, registry, FORMATS["card"], "cr80").data)
    files["rgb"] = rgb
    return files


def load_guide_for(org, registry):
    """The organisation's guide, loaded with its registry (its own contacts in it)."""
    return {g.id: g for g in load_guides(None, registry)}[org.guides[0]]


def streams(pdf: pikepdf.Pdf):
    """(page number, content holder, resources) of every content stream: pages, forms."""
    seen = set()

    def forms(n, res):
        for _, x in ((res or {}).get("/XObject") or {}).items():
            if x.get("/Subtype") == pikepdf.Name.Form and x.objgen not in seen:
                seen.add(x.objgen)
                yield n, x, x.get("/Resources")
                yield from forms(n, x.get("/Resources"))

    for n, page in enumerate(pdf.pages, 1):
        yield n, page.obj, page.obj.get("/Resources")
        yield from forms(n, page.obj.get("/Resources"))


def paint(holder):
    """What a content stream paints: for each text show and each path fill, the fill colour
    (operator and operands) and the marked-content tags around it, and the number of
    rectangles in the path."""
    fill: tuple = ("g", (0.0,))
    stack, tags, rects, out = [], [], 0, []
    for item in pikepdf.parse_content_stream(holder):
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            continue
        operands, op = item
        op = str(op)
        if op == "q":
            stack.append(fill)
        elif op == "Q":
            fill = stack.pop()
        elif op in ("k", "rg", "g", "sc", "scn"):
            fill = (op, tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name)))
        elif op in ("BDC", "BMC"):
            tags.append(str(operands[0]))
        elif op == "EMC" and tags:
            tags.pop()
        elif op == "re":
            rects += 1
        elif op in ("Tj", "TJ", "'", '"'):
            out.append(("text", fill, tuple(tags), 0))
        elif op in ("f", "f*", "B", "b"):
            out.append(("fill", fill, tuple(tags), rects))
            rects = 0
        elif op == "n":
            rects = 0
    return out


def test_every_pdfx_file_passes_the_preflight_and_pdf_ua_1(built):
    for name, path in built.items():
        if name == "rgb":
            continue
        assert preflight(path) == [], name
        result = page_validation.validate_pdf(str(path), profile="ua1")
        assert result.is_compliant, (name, result.failures)


def test_no_rgb_operator_or_image_in_any_pdfx_file(built):
    for name, path in built.items():
        if name == "rgb":
            continue
        with pikepdf.open(path) as pdf:
            for n, holder, res in streams(pdf):
                ops = {str(op) for _, op in pikepdf.parse_content_stream(holder)}
                assert not ops & {"rg", "RG", "sc", "scn", "SC", "SCN", "cs", "CS"}, (name, n)
                for _, x in ((res or {}).get("/XObject") or {}).items():
                    if x.get("/Subtype") == pikepdf.Name.Image:
                        assert x.ColorSpace == pikepdf.Name.DeviceCMYK, (name, n)
            for obj in pdf.objects:
                assert obj != pikepdf.Name.DeviceRGB, name
    # the RGB card is what the preflight sees through: it is RGB
    found = [x.message for x in preflight(built["rgb"])]
    assert any("RGB fill colour" in m for m in found)
    assert any("no output intent" in m for m in found)


def test_qr_modules_and_numbers_are_100_percent_k(built):
    for name in ("card-en", "card-ar", "poster-zh-Hans", "leaflet-en", "school"):
        with pikepdf.open(built[name]) as pdf:
            codes, links = [], []
            for _, holder, _ in streams(pdf):
                for kind, fill, tags, rects in paint(holder):
                    if kind == "fill" and rects >= 20 and "/Figure" in tags:
                        codes.append(fill)  # a QR code's dark modules: many runs, one figure
                    if kind == "text" and "/Link" in tags:
                        links.append(fill)
        assert codes and links, name
        assert set(codes) == {("k", K100)}, name
        # numbers and links on the ground are black in K only; on a band, knocked out white
        assert set(links) <= {("k", K100), ("k", (0.0, 0.0, 0.0, 0.0))}, name
        assert ("k", K100) in links, name


def test_the_output_intent_embeds_the_shipped_profile_and_the_xmp_says_pdf_x_4(built):
    with pikepdf.open(built["card-en"]) as pdf:
        (oi,) = pdf.Root.OutputIntents
        assert oi.S == pikepdf.Name.GTS_PDFX
        assert oi.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
        assert int(oi.DestOutputProfile.N) == 4
        assert str(oi.OutputConditionIdentifier) == "ISO Coated v2 300% (basICColor)"
        assert pdf.trailer.Info.Trapped == pikepdf.Name("/False")
        assert pdf.pdf_version == "1.6"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp  # both identifications
        assert "<pdf:Trapped>False</pdf:Trapped>" in xmp
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert bleed[0] <= trim[0] - 8 and bleed[2] >= trim[2] + 8  # 3 mm bleed = 8.5 pt
    assert (PROFILE.parent / "LICENSE-ISOcoated_v2_300_bas.txt").read_text().count("zlib") >= 1


def _fills(path: Path, page: int = 0) -> list[tuple]:
    with pikepdf.open(path) as pdf:
        return [fill for kind, fill, _, _ in paint(pdf.pages[page].obj) if kind == "fill"]


def _srgb_of(cmyk) -> tuple[int, int, int]:
    prof = ImageCms.getOpenProfile(str(PROFILE))
    t = ImageCms.buildTransform(prof, ImageCms.createProfile("sRGB"), "CMYK", "RGB")
    px = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk))
    return ImageCms.applyTransform(px, t).getpixel((0, 0))


def test_the_accent_goes_through_the_profile_and_comes_back_as_itself(built):
    accent = tuple(round(v * 255) for v in hex_rgb(DEFAULT_ACCENT))
    naive = tuple(round(1 - v, 3) for v in hex_rgb(DEFAULT_ACCENT))  # the 1-r formula
    colours = {vals for op, vals in _fills(built["card-en"]) if op == "k" and len(vals) == 4}
    near = [c for c in colours if max(abs(a - b) for a, b in zip(_srgb_of(c), accent)) <= 6]
    assert near, (colours, accent)  # the band: the accent, back through the profile
    (band,) = near
    assert band[3] > 0.2 and band[:3] != naive
    assert sum(band) <= 3.0  # the profile's total ink limit (300 %)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_a_pdfx_page_rendered_through_its_profile_looks_like_the_rgb_page(built, tmp_path):
    def render(pdf: Path, *extra: str) -> Image.Image:
        prefix = tmp_path / pdf.stem
        args = ["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", *extra, str(pdf)]
        subprocess.run([*args, str(prefix)], check=True, capture_output=True)
        return Image.open(next(tmp_path.glob(f"{pdf.stem}*.png"))).convert("RGB")

    rgb = render(built["rgb"])
    cmyk = render(built["card-en"], "-defaultcmykprofile", str(PROFILE))
    assert rgb.size == cmyk.size
    # the band, the ground and the text: every pixel within a small distance of the RGB page
    diffs = np.abs(np.asarray(rgb, dtype=int) - np.asarray(cmyk, dtype=int)).max(axis=2)
    assert np.median(diffs) <= 8  # the median pixel: the same colour
    assert np.percentile(diffs, 95) <= 40  # not inverted, not washed out
    band = (rgb.width // 2, 6)
    assert max(abs(a - b) for a, b in zip(rgb.getpixel(band), cmyk.getpixel(band))) <= 10


def test_logos_are_converted_png_through_the_profile_and_svg_colours_too(built):
    with pikepdf.open(built["school"]) as pdf:
        images = [
            x
            for page in pdf.pages
            for _, x in (page.Resources.get("/XObject") or {}).items()
            if x.get("/Subtype") == pikepdf.Name.Image
        ]
        assert images
        for im in images:
            assert im.ColorSpace == pikepdf.Name.DeviceCMYK
            assert im.SMask.ColorSpace == pikepdf.Name.DeviceGray  # its transparency kept
            pil = Image.frombytes("CMYK", (int(im.Width), int(im.Height)), im.read_bytes())
            assert pil.getextrema()[0][1] > 0  # cyan printed: the logo's purple
    # the clinic's green SVG logo: its fill through the profile, not RGB
    green = tuple(int("0b6e4f"[i : i + 2], 16) for i in (0, 2, 4))
    colours = {vals for op, vals in _fills(built["clinic"]) if op == "k"}
    assert any(max(abs(a - b) for a, b in zip(_srgb_of(c), green)) <= 8 for c in colours)


# ----------------------------------------------------------------------------- the preflight


def _bare(path: Path, draw) -> Path:
    """A page from a bare reportlab canvas, with the boxes set."""
    c = Canvas(str(path), pagesize=(200, 200), initialFontName="Helvetica")
    c.setTrimBox((10, 10, 190, 190))
    c.setBleedBox((1.5, 1.5, 198.5, 198.5))
    draw(c)
    c.showPage()
    c.save()
    return path


def _messages(path: Path) -> list[str]:
    return [f.message for f in preflight(path)]


def test_the_preflight_catches_an_rgb_fill_and_rich_black_small_text(tmp_path):
    def rgb(c):
        c.setFillColorRGB(0.2, 0.4, 0.6)
        c.rect(20, 20, 50, 50, fill=1, stroke=0)

    def rich(c):
        c.setFillColorCMYK(0.6, 0.4, 0.4, 1)
        c.setFont("Helvetica", 8)
        c.drawString(20, 100, "Call 1-800-656-4673")

    def big_rich(c):
        c.setFillColorCMYK(0.6, 0.4, 0.4, 1)
        c.setFont("Helvetica", 14)
        c.drawString(20, 100, "Call 1-800-656-4673")

    def k_only(c):
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont("Helvetica", 8)
        c.drawString(20, 100, "Call 1-800-656-4673")

    cases = {"rgb": rgb, "rich": rich, "big_rich": big_rich, "k_only": k_only}
    got = {name: _messages(_bare(tmp_path / f"{name}.pdf", fn)) for name, fn in cases.items()}
    assert any("RGB fill colour (0.2 0.4 0.6 rg)" in m for m in got["rgb"])
    assert any(m.startswith("rich black: text at 8.0 pt in 0.6 0.4 0.4 1") for m in got["rich"])
    for name in ("big_rich", "k_only", "rich"):
        assert not any("RGB" in m for m in got[name]), name
    for name in ("big_rich", "k_only", "rgb"):
        assert not any("rich black" in m for m in got[name]), name
    # Helvetica is not embedded, and a bare canvas makes no output intent or PDF/X metadata
    for name in got:
        assert any("font /Helvetica is not embedded" in m for m in got[name])
        assert any("no output intent" in m for m in got[name])
        assert any("pdfxid:GTS_PDFXVersion" in m for m in got[name])


def _edited(src: Path, dst: Path, edit) -> Path:
    with pikepdf.open(src) as pdf:
        edit(pdf)
        pdf.save(dst)
    return dst


def test_the_preflight_catches_an_rgb_image_a_missing_intent_and_a_missing_box(built, tmp_path):
    src = built["card-en"]
    assert _messages(src) == []

    def rgb_image(pdf):
        page = pdf.pages[0]
        im = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image)
        im.write(zlib.compress(bytes([200, 30, 30] * 16)), filter=pikepdf.Name.FlateDecode)
        im.Width = im.Height = 4
        im.ColorSpace, im.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        page.Resources.XObject = pikepdf.Dictionary(Im9=im)
        page.contents_add(pdf.make_stream(b"q 20 0 0 20 30 30 cm /Im9 Do Q"), prepend=False)

    def no_intent(pdf):
        del pdf.Root["/OutputIntents"]

    def no_bleed_box(pdf):
        del pdf.pages[1].obj["/BleedBox"]

    got = {
        name: _messages(_edited(src, tmp_path / f"{name}.pdf", fn))
        for name, fn in (("image", rgb_image), ("intent", no_intent), ("box", no_bleed_box))
    }
    assert got["image"] == ["RGB: an image is in an RGB colour space (/DeviceRGB)"]
    assert got["intent"] == ["PDF/X: no output intent (/OutputIntents with /S /GTS_PDFX)"]
    assert got["box"] == ["PDF/X: the page has no BleedBox"]
    found = preflight(tmp_path / "box.pdf")
    assert found[0].page == 2 and str(found[0]).startswith(str(tmp_path / "box.pdf") + ":page 2")


# ----------------------------------------------------------------------------- command line


def test_build_pdfx_then_verify_and_verify_pdfx_pass(tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["build", "--guide", "us", "--format", "card", "--pdfx", "--out", str(out), "-j", "1"]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    (entry,) = json.loads((out / "manifest.json").read_text())["files"]
    assert entry["pdfx"] is True and entry["bleed"] is True
    res = runner.invoke(main, ["verify", str(out)])
    assert res.exit_code == 0, res.output  # numbers and links, as before
    res = runner.invoke(main, ["verify", "--pdfx", str(out)])
    assert res.exit_code == 0, res.output
    # an RGB file fails the preflight, one line a breach, exit 1
    rgb = tmp_path / "rgb"
    res = runner.invoke(main, ["build", "--guide", "us", "--format", "card", "--out", str(rgb)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["verify", "--pdfx", str(rgb)])
    assert res.exit_code == 1
    assert "error: PDF/X: no output intent" in res.output
    assert "rg) in the page" in res.output


def _config(tmp_path: Path, profile: str) -> Path:
    text = (ROOT / "examples" / "school.toml").read_text()
    logo = (ROOT / "examples" / "northfield-school-logo.png").resolve()
    text = text.replace('logo = "northfield-school-logo.png"', f'logo = "{logo}"')
    text = text.replace("[print]\n", f'[print]\nicc_profile = "{profile}"\n', 1)
    path = tmp_path / "school.toml"
    path.write_text(text)
    return path


def test_icc_profile_picks_the_printers_profile_and_a_bad_one_says_where_to_put_it(
    tmp_path, registry
):
    assert "[print]" in (ROOT / "examples" / "school.toml").read_text()
    mine = tmp_path / "printer.icc"
    shutil.copy(PROFILE, mine)
    org = load_config(_config(tmp_path, "printer.icc"))
    assert org.icc_profile == mine.resolve()
    srgb = tmp_path / "srgb.icc"
    srgb.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    for name, why in (("srgb.icc", "for RGB, not CMYK"), ("missing.icc", "cannot be read")):
        with pytest.raises(ConfigError) as e:
            load_config(_config(tmp_path, name))
        (line,) = e.value.problems
        assert "print.icc_profile" in line and why in line
        assert '[print] icc_profile = "path/to/profile.icc"' in line
    # on the command line: one line, exit 2, nothing built
    (tmp_path / "junk.icc").write_bytes(b"not a profile" * 20)
    res = CliRunner().invoke(
        main,
        ["build", "--config", str(_config(tmp_path, "junk.icc")), "--pdfx"]
        + ["--out", str(tmp_path / "x")],
    )
    assert res.exit_code == 2 and "is not an ICC profile" in res.output
    assert not (tmp_path / "x").exists()


def test_a_config_profile_is_the_output_intent(tmp_path, registry):
    org = load_config(_printer(tmp_path))
    reg = org.registry(registry)
    lg = localise(load_guide_for(org, reg), "en")
    data = render_pdf(lg, reg, FORMATS["card"], "cr80", org=org, press=True).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        prof = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
    mine = (tmp_path / "printer.icc").read_bytes()
    assert prof == mine and prof != PROFILE.read_bytes()


def _printer(tmp_path: Path) -> Path:
    """A printer's own CMYK profile: the shipped one with another creator in its header."""
    data = bytearray(PROFILE.read_bytes())
    data[80:84] = b"TEST"
    (tmp_path / "printer.icc").write_bytes(bytes(data))
    return _config(tmp_path, "printer.icc")


def test_the_preflight_sees_rgb_behind_icc_and_spot_colours_and_rich_black_in_a_real_file(
    built, tmp_path
):
    src = built["card-en"]

    def hidden_rgb(pdf):
        page = pdf.pages[0]
        icc = pdf.make_stream(b"\0" * 128, N=3)
        spot = pikepdf.Array(
            [pikepdf.Name.Separation, pikepdf.Name("/Brand"), pikepdf.Name.DeviceRGB]
        )
        spot.append(pdf.make_indirect(pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], N=1)))
        page.Resources.ColorSpace = pikepdf.Dictionary(
            CS0=pikepdf.Array([pikepdf.Name.ICCBased, icc]), CS1=spot
        )
        page.contents_add(
            pdf.make_stream(b"q /CS0 cs 0.5 0.2 0.1 scn 0 0 5 5 re f /CS1 CS 1 SCN Q"),
            prepend=False,
        )

    def rich_black(pdf):
        # the card's black text, numbers included, in four plates
        for page in pdf.pages:
            data = page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else b""
            page.Contents.write(data.replace(b"0 0 0 1 k", b".7 .6 .6 1 k"))

    got = {
        name: _messages(_edited(src, tmp_path / f"{name}.pdf", fn))
        for name, fn in (("hidden", hidden_rgb), ("rich", rich_black))
    }
    assert got["hidden"] == [
        "RGB: the colour space /CS0 in the page is RGB",
        "RGB: the colour space /CS1 in the page is RGB",
    ]
    assert got["rich"] and all(m.startswith("rich black: text at ") for m in got["rich"])
    assert any(".7 .6 .6 1" in m or "0.7 0.6 0.6 1" in m for m in got["rich"])
