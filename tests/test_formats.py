"""Every format on every paper, read back: boxes, QR codes, required numbers, the whole seed in
the leaflet, duplex placement and crop marks on the sheet, poster sizes, fold marks."""

from __future__ import annotations

import dataclasses
import re

import pypdf
import pytest
from click.testing import CliRunner

from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.errors import FitError
from leaflets.formats import FORMATS
from leaflets.formats.leaflet import panel_widths
from leaflets.i18n import localise
from leaflets.paper import PAPERS
from leaflets.sources.placeholders import PLACEHOLDER
from leaflets.verify import check_file, read_pdf

from .conftest import MM, SEEDS, build_english_matrix, chars, qr_codes, render
from .test_sources import _norm, _sentences

EXPECTED_FILES = {
    "card-cr80",
    "card-sheet-a4",
    "card-sheet-letter",
    "poster-a4",
    "poster-letter",
    "poster-a3",
    "poster-tabloid",
    "leaflet-a4",
    "leaflet-letter",
    "card-discreet-cr80",
    "poster-door-a5",
    "poster-door-a6",
    "large-print-a4",
    "large-print-letter",
}
CARDS = {"card-cr80", "card-discreet-cr80"}  # cut anyway: always printed with their bleed
SCREEN_FILES = {"social-square-1080x1080", "social-story-1080x1920"}  # no bleed, ever


@pytest.fixture(scope="session")
def matrix_bleed(tmp_path_factory):
    return build_english_matrix(tmp_path_factory.mktemp("bleed"), "--bleed")


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
def test_every_format_and_paper_is_built_and_verifies(matrix, registry, gid):
    files = {p.stem for p in (matrix / gid / "en").glob("*.pdf")}
    assert files == EXPECTED_FILES | SCREEN_FILES
    for path in (matrix / gid / "en").glob("*.pdf"):
        assert check_file(path, registry) == [], path


def _mm(box):
    return [
        round((float(box[2]) - float(box[0])) / MM, 1),
        round((float(box[3]) - float(box[1])) / MM, 1),
    ]


@pytest.mark.parametrize("stem", sorted(EXPECTED_FILES - CARDS))
def test_office_pages_are_exactly_their_paper(matrix, stem):
    paper = stem.rsplit("-", 1)[1]
    want = sorted(PAPERS[paper])
    for page in pypdf.PdfReader(matrix / "us" / "en" / f"{stem}.pdf").pages:
        assert sorted(_mm(page.trimbox)) == pytest.approx(want, abs=0.15)
        assert [float(v) for v in page.mediabox] == [float(v) for v in page.trimbox]


@pytest.mark.parametrize("stem", sorted(EXPECTED_FILES - CARDS))
def test_print_shop_pages_have_bleed_and_crop_marks(matrix_bleed, stem):
    paper = stem.rsplit("-", 1)[1]
    want = sorted(PAPERS[paper])
    path = matrix_bleed / "us" / "en" / f"{stem}.pdf"
    page = pypdf.PdfReader(path).pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert sorted(_mm(trim)) == pytest.approx(want, abs=0.15)
    assert sorted(_mm(bleed)) == pytest.approx([w + 6 for w in want], abs=0.15)
    assert sorted(_mm(media)) == pytest.approx([w + 16 for w in want], abs=0.15)
    # a crop mark runs out from the trim's lower-left corner, in the margin beyond the bleed
    img = render(path, 0, dpi=150)
    px = 150 / 25.4
    corner_x, corner_y = 8 * px, img.height - 8 * px
    mark = [img.getpixel((int(corner_x - d * px), int(corner_y)))[:3] for d in (3.5, 4.5, 5.5)]
    assert any(sum(p) < 200 for p in mark), mark
    # the background runs into the bleed (the sheet and the large-print leaflet are white paper)
    if not stem.startswith(("card-sheet", "large-print")):
        assert img.getpixel((int(6.5 * px), int(img.height / 2)))[:3] != (255, 255, 255)


def test_card_sheet_has_ten_whole_cards_backs_behind_fronts(matrix, registry):
    for paper in ("a4", "letter"):
        path = matrix / "us" / "en" / f"card-sheet-{paper}.pdf"
        reader = pypdf.PdfReader(path)
        width = float(reader.pages[0].mediabox[2])
        text = read_pdf(path).pages[0].text
        assert text.count(registry["emergency-us"].display) == 0  # fronts carry no numbers
        assert len(re.findall("First steps", text)) == 10
        codes = qr_codes(path, 1, dpi=300)
        payloads = sorted(c[0] for c in codes)
        assert payloads == sorted([registry["rainn"].qr, registry["take-it-down"].qr] * 10)
        # each front card's mirror image (long-edge duplex) holds exactly one card back
        fronts = _card_rects(path, 0, "Stop contact. Reach")
        assert len(fronts) == 10
        s, height = 300 / 72, float(reader.pages[0].mediabox[3])
        for x0, y0, x1, y1 in fronts:
            mx0, mx1 = width - x1, width - x0  # where this card's back must be
            centres = [
                ((c[3][0] + c[3][2]) / 2 / s, height - (c[3][1] + c[3][3]) / 2 / s) for c in codes
            ]
            inside = [c for c in centres if mx0 <= c[0] <= mx1 and y0 <= c[1] <= y1]
            assert len(inside) == 2, (paper, x0, y0)


def _card_rects(path, page_index, anchor):
    """The CR80 rectangles (points, y up) of the cards whose headline starts with `anchor`;
    the headline starts 3 mm inside the card's top-left corner."""
    cs = chars(path, page_index)
    joined = "".join(c.ch for c in cs)
    rects = []
    for m in re.finditer(re.escape(anchor.replace(" ", "")), joined):
        left, _, _, top = cs[m.start()].box
        x0, y1 = left - 3 * MM, top + 3.5 * MM
        rects.append((x0, y1 - 54 * MM, x0 + 85.6 * MM, y1))
    return rects


def test_card_sheet_has_crop_marks_at_card_corners(matrix):
    path = matrix / "us" / "en" / "card-sheet-a4.pdf"
    fmt = FORMATS["card-sheet"]
    spec = fmt.page_spec("a4")
    cols, rows, x, y = fmt.grid(spec)
    img = render(path, 0, dpi=200)
    s = 200 / 72
    for cx in (x, x + 85.6 * MM):
        top = spec.trim_h - (y + rows * 54 * MM)  # distance from the page top, points
        pixels = [img.getpixel((int(cx * s), int((top - d * MM) * s)))[:3] for d in (1, 1.5, 2)]
        assert any(sum(p) < 300 for p in pixels), (cx, pixels)
    assert (cols, rows) == (2, 5)


@pytest.mark.parametrize(
    "paper, headline_pt, qr_mm",
    [("a4", 40, 25), ("letter", 37.5, 25), ("a3", 56, 35), ("tabloid", 52, 33)],
)
def test_poster_is_readable_across_a_corridor(matrix, guides, registry, paper, headline_pt, qr_mm):
    path = matrix / "us" / "en" / f"poster-{paper}.pdf"
    cs = chars(path, 0)
    headline = guides["us"].title.replace(" ", "")  # the US poster's headline is its title
    joined = "".join(c.ch for c in cs)
    start = joined.index(headline)
    assert min(c.size for c in cs[start : start + len(headline)]) >= headline_pt
    k = headline_pt / 40
    body = guides["us"].card.steps[0].replace(" ", "")
    start = joined.index(body)
    assert min(c.size for c in cs[start : start + len(body)]) >= 14 * k - 0.05
    codes = qr_codes(path, 0, dpi=200)
    assert {c[0] for c in codes} == {
        registry[r].qr for r in ("rainn", "take-it-down", "cybertipline")
    }
    assert min(c[2] for c in codes) >= qr_mm - 0.3


def test_poster_carries_the_reporting_site(matrix, registry):
    text = read_pdf(matrix / "us" / "en" / "poster-a4.pdf").text
    for rid in ("emergency-us", "rainn", "ccri", "take-it-down", "cybertipline"):
        assert registry[rid].display in text


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_leaflet_holds_every_seed_sentence_in_order(matrix, guides, registry, gid, paper):
    guide = guides[gid]
    doc = read_pdf(matrix / gid / "en" / f"leaflet-{paper}.pdf")
    # page 1 ends with the flap, page 2 holds the inside panels: the reading order
    text = doc.pages[0].text + "\n" + doc.pages[1].text
    for r in registry:
        for printed in (r.url, r.display):
            if printed:
                text = text.replace(printed, " ")
    text = _norm(PLACEHOLDER.sub("", text))
    seed = (SEEDS / guide.seed).read_text("utf-8")
    for form in sorted(guide.seed_forms, key=len, reverse=True):
        seed = seed.replace(form, " ")
    expected = []
    for sentence in _sentences(seed):
        s = _norm(re.sub(r"\(\s*\)", "", sentence)).strip(" .")
        if s and s != guide.title.strip(" …"):
            expected.append(s)
    assert len(expected) > 10
    # each sentence after the one before it: the leaflet reads in the seed's order
    pos = 0
    for i, s in enumerate(expected):
        found = text.find(s, pos)
        if found < 0:
            where = "missing" if s not in text else f"only before sentence {i}: {expected[i - 1]!r}"
            pytest.fail(f"sentence {i + 1} of {len(expected)} not in order ({where}): {s!r}")
        pos = found + len(s)
    for rid in registry.editions[gid].requires["leaflet"]:
        assert registry[rid].display in doc.text or registry[rid].url in doc.text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_leaflet_is_a_roll_fold_with_fold_marks(matrix, paper):
    spec = FORMATS["leaflet"].page_spec(paper)
    full, flap = panel_widths(spec.trim_w)
    assert 2.0 <= (full - flap) / MM <= 3.0
    assert abs(2 * full + flap - spec.trim_w) < 0.01
    path = matrix / "us" / "en" / f"leaflet-{paper}.pdf"
    for page_index, folds in ((0, (flap, flap + full)), (1, (full, 2 * full))):
        img = render(path, page_index, dpi=200)
        s = 200 / 72
        for fx in folds:
            # office marks stand 6 to 9 mm inside the edge, where an office printer prints
            column = [img.getpixel((int(fx * s) + dx, int(7.5 * MM * s)))[:3] for dx in (-1, 0, 1)]
            assert any(sum(p) < 450 for p in column), (paper, page_index, fx)


def test_text_too_long_for_a_panel_is_a_one_line_error(guides, registry):
    g = guides["uk-young-people"]
    sections = g.sections + (
        dataclasses.replace(g.sections[-1], id="extra", blocks=g.sections[-1].blocks * 12),
    )
    long = dataclasses.replace(g, sections=sections)
    with pytest.raises(FitError) as e:
        render_pdf(localise(long, "en"), registry, FORMATS["leaflet"], "a4")
    assert str(e.value).startswith(
        "guide uk-young-people, locale en, format leaflet, paper a4: guidance text"
    )
    assert "\n" not in str(e.value)


def test_text_too_long_for_a_poster_is_a_one_line_error(guides, registry):
    g = guides["us"]
    poster = dataclasses.replace(g.poster, donts=g.poster.donts * 4)
    with pytest.raises(FitError, match=r"^guide us, locale en, format poster, paper a4: "):
        render_pdf(
            localise(dataclasses.replace(g, poster=poster), "en"), registry, FORMATS["poster"], "a4"
        )


def test_papers_a_format_lacks(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        main,
        ["build", "--guide", "us", "--format", "leaflet", "--paper", "a3", "--out", str(tmp_path)],
    )
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "error: format leaflet does not come on paper a3; it comes on a4, letter"
    )
    res = runner.invoke(
        main, ["build", "--guide", "us", "--format", "all", "--paper", "a3", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    assert "note: format leaflet does not come on a3; skipped" in res.stderr
    assert sorted(p.name for p in (tmp_path / "us" / "en").glob("*.pdf")) == ["poster-a3.pdf"]
