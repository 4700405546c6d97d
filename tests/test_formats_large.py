"""The large-print leaflet and the social images, read back as a person gets them: the page
size, every letter's size, every sentence of the guide, the page numbers, the PNGs' pixels and
their QR codes; verify clean on the build, and failing on a changed registry number and on an
image changed after the build; PDF/UA-1."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import page as page_validation
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from leaflets.build import build, render_pdf
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.placeholders import fill
from leaflets.verify import check_paths

from .conftest import chars
from .test_pdfua import norm, tree_of

TAMPERED_RAINN = {"display": "1-800-656-4674", "tel": "+18006564674", "qr": "tel:+18006564674"}
LOCALES = {"us": ["en", "ar", "zh-Hans"], "uk-young-people": ["en", "bn"]}
SOCIAL = {"social-square": (1080, 1080), "social-story": (1080, 1920)}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """en, ar and zh-Hans (us), en and bn (uk): the large-print leaflet on A4 and the two
    social images, built as a user builds them (manifest and PNGs)."""
    folder = tmp_path_factory.mktemp("large")
    for guide, locales in LOCALES.items():
        for fmt, paper in (("large-print", "a4"), ("social-square", None), ("social-story", None)):
            res = build(guide, locales, fmt, paper, out=folder, jobs=1)
            assert not res.failures, res.failures
    res = build("us", "en", "large-print", "letter", out=folder, jobs=1)
    assert not res.failures
    return folder


def large(out: Path, guide: str, locale: str, paper: str = "a4") -> Path:
    return out / guide / locale / f"large-print-{paper}.pdf"


def sizes_mm(path: Path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(path)
    return [tuple(round(v / 72 * 25.4, 1) for v in doc[i].get_size()) for i in range(len(doc))]


CASES = [(g, loc) for g, locs in LOCALES.items() for loc in locs]


def test_large_print_pages_are_a4_and_letter_portrait(out):
    a4 = sizes_mm(large(out, "us", "en"))
    assert len(a4) >= 2 and set(a4) == {(210.0, 297.0)}
    assert set(sizes_mm(large(out, "us", "en", "letter"))) == {(215.9, 279.4)}


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_no_letter_of_the_large_print_leaflet_is_under_16_pt(out, case):
    path = large(out, *case)
    pages = len(pdfium.PdfDocument(path))
    sizes = [c.size for i in range(pages) for c in chars(path, i) if c.ch.strip()]
    assert sizes and min(sizes) >= 16 - 0.01, min(sizes)
    body = max(set(sizes), key=sizes.count)  # the size most letters have
    assert body >= 18 - 0.01


def guide_texts(guide, registry) -> list[str]:
    """Every text of an edition that the large-print leaflet must carry, filled."""
    g = guide
    texts = [g.title, g.subtitle, g.card.headline, g.card.intro, g.card.steps_heading]
    texts += list(g.card.steps) + [g.card.contacts_heading]
    texts += [c.text for c in g.card.contacts + g.poster.contacts]
    for s in g.sections:
        texts.append(s.heading)
        for b in s.blocks:
            texts += [b.lead, b.text]
    texts.append(g.leaflet.resources_heading)
    return [fill(t, registry) for t in texts if t]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_every_sentence_of_the_guide_is_in_the_large_print_leaflet(out, guides, registry, case):
    guide, locale = case
    lg = localise(guides[guide], locale)
    path = large(out, guide, locale)
    read = norm("".join(text for _, text in tree_of(path).blocks()))
    missing = [t for t in guide_texts(lg.guide, registry) if norm(t) not in read]
    assert not missing, missing
    # and each service the guide names, with its number or link
    for r in registry:
        if guide in r.editions:
            assert norm(r.display) in read, r.id


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_every_page_says_its_number_and_how_many_there_are(out, guides, case):
    guide, locale = case
    path = large(out, guide, locale)
    doc = pdfium.PdfDocument(path)
    total = len(doc)
    pattern = localise(guides[guide], locale).guide.ui.page_number
    assert "{page}" in pattern and "{pages}" in pattern
    for i in range(total):
        text = norm(doc[i].get_textpage().get_text_range())
        want = norm(pattern.replace("{page}", str(i + 1)).replace("{pages}", str(total)))
        assert want in text, (i, text[-80:])


def test_a_right_to_left_large_print_leaflet_is_right_aligned(out):
    path = large(out, "us", "ar")
    lefts = [c.box[0] for c in chars(path, 1) if c.ch.strip()]
    rights = [c.box[2] for c in chars(path, 1) if c.ch.strip()]
    width = pdfium.PdfDocument(path)[1].get_size()[0]
    # lines end at the right margin (15 mm), and start wherever they end
    margin = width - max(rights)
    assert 14 * 72 / 25.4 <= margin <= 16 * 72 / 25.4
    assert min(lefts) > 15 * 72 / 25.4


@pytest.mark.parametrize("fmt", SOCIAL)
@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_social_images_have_exact_pixels_and_the_registry_code(out, registry, guides, fmt, case):
    guide, locale = case
    png = out / guide / locale / f"{fmt}-{'x'.join(map(str, SOCIAL[fmt]))}.png"
    with Image.open(png) as im:
        assert im.size == SOCIAL[fmt]
        assert not im.info.get("timestamp") and "tIME" not in im.info
        codes = zxingcpp.read_barcodes(im.convert("RGB"), formats=zxingcpp.BarcodeFormat.QRCode)
    main = guides[guide].poster.helplines[0]
    assert [c.text for c in codes] == [registry[main].qr]
    # at least 200 px a side on the square; on the story the code grows into the room the
    # text leaves (360 px, a third of the width, in the US edition in English)
    side = codes[0].position.top_right.x - codes[0].position.top_left.x
    assert side >= 200
    if (fmt, guide, locale) == ("social-story", "us", "en"):
        assert side >= 1080 / 3
    # the PDF it came from is one page of the same proportions
    pdf = png.with_suffix(".pdf")
    (w, h), *rest = [
        pdfium.PdfDocument(pdf)[i].get_size() for i in range(len(pdfium.PdfDocument(pdf)))
    ]
    assert not rest and (w * 2, h * 2) == SOCIAL[fmt]


def test_the_manifest_lists_each_png_with_hash_pixels_and_its_pdf(out):
    files = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["files"]}
    pngs = [e for p, e in files.items() if p.endswith(".png")]
    assert len(pngs) == 2 * len(CASES)
    for e in pngs:
        data = (out / e["path"]).read_bytes()
        assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["size"] == len(data)
        assert tuple(e["pixels"]) == SOCIAL[e["format"]]
        assert e["from"] == e["path"].removesuffix(".png") + ".pdf" and e["from"] in files
        assert e["from_sha256"] == files[e["from"]]["sha256"]


def test_verify_passes_the_build(out, registry):
    """English here; every other script's folder, PNGs included, is verified by
    tests/test_scripts.py, which builds every format anyway."""
    files, findings = check_paths([out / "us" / "en"], registry)
    assert sorted(f.name for f in files if f.suffix == ".png") == [
        "social-square-1080x1080.png",
        "social-story-1080x1920.png",
    ]
    assert [f for f in findings if f.level == "error"] == []


def test_a_png_changed_after_the_build_fails_verify(out, tmp_path, registry):
    copy = shutil.copytree(out, tmp_path / "copy")
    png = copy / "us" / "en" / "social-square-1080x1080.png"
    with Image.open(png) as im:
        im = im.convert("RGB")
    im.paste((255, 255, 255), (40, 300, 700, 420))  # the number painted out
    im.save(png)
    _, findings = check_paths([png], registry)
    errors = {(Path(f.file).name, f.message) for f in findings if f.level == "error"}
    assert (
        "social-square-1080x1080.png",
        "differs from manifest.json (sha256): it changed after the build",
    ) in errors
    assert any("differs from the PDF it was rendered from" in m for _, m in errors)


def test_a_changed_registry_number_fails_verify_on_every_new_format(tmp_path, guides, registry):
    tampered = registry.replace("rainn", **TAMPERED_RAINN)
    lg = localise(guides["us"], "en")
    for fmt, paper in (("large-print", "a4"), ("social-square", "1080x1080")):
        path = tmp_path / "us" / "en" / f"{fmt}-{paper}.pdf"
        write_atomic(path, render_pdf(lg, tampered, FORMATS[fmt], paper).data)
        _, findings = check_paths([path], registry)
        errors = [f.message for f in findings if f.level == "error"]
        assert any("1-800-656-4674" in m for m in errors), (fmt, errors)
    # an image of a tampered build: its code no registry entry has
    from leaflets.build.images import render_png

    png = tmp_path / "social.png"
    pdf = render_pdf(lg, tampered, FORMATS["social-story"], "1080x1920").data
    png.write_bytes(render_png(pdf, (1080, 1920), "social-story"))
    _, findings = check_paths([png], registry)
    assert [f.message for f in findings if f.level == "error"] == [
        "its QR code opens 'tel:+18006564674', which no registry entry has as its code"
    ]


@pytest.mark.parametrize("locale", ["en", "ar", "zh-Hans"])
def test_the_large_print_leaflet_passes_pdf_ua_1(out, locale):
    report = page_validation.validate_pdf(str(large(out, "us", locale)), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_the_build_is_byte_identical_under_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    a = build("uk-young-people", "en", "social-square", out=tmp_path / "a", jobs=1)
    b = build("uk-young-people", "en", "social-square", out=tmp_path / "b", jobs=1)
    assert a.images and [p.read_bytes() for p in a.written + a.images] == [
        p.read_bytes() for p in b.written + b.images
    ]


def test_the_preview_gallery_shows_each_png_and_verify_ignores_its_thumbnails(
    out, tmp_path, registry
):
    from leaflets.preview import gallery

    copy = shutil.copytree(out / "us" / "en", tmp_path / "g" / "us" / "en")
    shutil.copy(out / "manifest.json", tmp_path / "g")
    index = gallery(tmp_path / "g").read_text()
    assert 'src="./us/en/social-square-1080x1080.png"' in index
    assert 'src="./us/en/social-story-1080x1920.png"' in index
    files, _ = check_paths([copy / "social-square-1080x1080.png"], registry)
    assert files == [copy / "social-square-1080x1080.png"]


def test_a_format_declares_pages_as_a_number_or_a_range_and_an_image_as_one_page():
    from leaflets.formats.base import Format

    class Booklet(Format):
        name, description, papers, safe_mm, pages = "booklet", "booklet", ("a4",), 10.0, (2, 9)

        def render(self, doc, canvas, spec) -> None: ...

    assert Booklet.page_range() == (2, 9) and Booklet.pages_text() == "2 to 9"
    for bad in ((3, 2), (0, 4), (1, 2, 3), ()):
        with pytest.raises(TypeError, match="must declare pages"):
            type("Bad", (Format,), {**Booklet.__dict__, "pages": bad})
    with pytest.raises(TypeError, match="an image is"):
        type("Poster", (Format,), {**Booklet.__dict__, "image": (1080, 1080)})
    assert FORMATS["large-print"].page_range() == (2, 24)
    assert FORMATS["social-story"].image == (1080, 1920)
