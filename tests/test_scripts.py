"""Right-to-left, Indic and CJK languages, read back: numbers in the right visual order, text
that extracts as the catalog text, the fonts made for each script, mirrored layouts."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pypdf
import pytest
from click.testing import CliRunner

from leaflets import i18n
from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.errors import SourceError
from leaflets.formats import FORMATS
from leaflets.sources.placeholders import PLACEHOLDER
from leaflets.verify import check_paths

from .conftest import chars, page_text, qr_codes

SCRIPTS = {
    # locale: (edition, the font family made for its script)
    "ar": ("us", "NotoSansArabic"),
    "fa": ("us", "NotoSansArabic"),
    "ur": ("uk-young-people", "NotoSansArabic"),
    "pa": ("uk-young-people", "NotoSansGurmukhi"),
    "bn": ("uk-young-people", "NotoSansBengali"),
    "gu": ("uk-young-people", "NotoSansGujarati"),
    "zh-Hans": ("us", "NotoSansCJKsc"),
    "zh-Hant": ("us", "NotoSansCJKtc"),
    "ja": ("us", "NotoSansCJKjp"),
    "ko": ("us", "NotoSansCJKkr"),
}
RTL = ("ar", "fa", "ur")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("scripts")
    for locale, (gid, _) in SCRIPTS.items():
        res = CliRunner().invoke(
            main,
            [
                "build",
                "--guide",
                gid,
                "--locale",
                locale,
                "--format",
                "all",
                "--paper",
                "all",
                "--out",
                str(out),
            ],
        )
        assert res.exit_code == 0, res.output
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--guide",
            "uk-young-people",
            "--locale",
            "ar",
            "--format",
            "card",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize("locale", SCRIPTS)
def test_every_format_builds_and_verifies(built, registry, locale):
    gid = SCRIPTS[locale][0]
    pdfs = sorted((built / gid / locale).glob("*.pdf"))
    assert len(pdfs) == 13
    files, findings = check_paths([built / gid / locale], registry)  # both CPUs
    assert len(files) == 15  # and the two social images' PNGs
    assert [str(f) for f in findings if f.level == "error"] == []


@pytest.mark.parametrize("locale", SCRIPTS)
def test_each_pdf_embeds_a_font_made_for_its_script(built, locale):
    gid, family = SCRIPTS[locale]
    reader = pypdf.PdfReader(built / gid / locale / "card-cr80.pdf")
    names = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any(family in n for n in names), names
    for font in (
        f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()
    ):
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def _latin_lines(path, page_index) -> list[str]:
    """The ASCII characters of each printed line, read left to right by their positions, as
    an eye reads a number inside right-to-left text. A line's characters in one font and size
    share the same loose box height, which groups them."""
    import pypdfium2 as pdfium

    tp = pdfium.PdfDocument(path)[page_index].get_textpage()
    lines: dict[tuple, list] = {}
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.isascii() or not ch.strip():
            continue
        box = tp.get_charbox(i, loose=True)
        lines.setdefault((round(box[1], 1), round(box[3], 1)), []).append((box[0], ch))
    return ["".join(ch for _, ch in sorted(items)) for items in lines.values()]


@pytest.mark.parametrize("locale", RTL)
def test_phone_numbers_read_left_to_right_on_right_to_left_pages(built, registry, locale):
    gid = SCRIPTS[locale][0]
    for name in ("card-cr80", "poster-a4", "leaflet-a4"):
        pdf = built / gid / locale / f"{name}.pdf"
        lines = [
            line for i in range(len(pypdf.PdfReader(pdf).pages)) for line in _latin_lines(pdf, i)
        ]
        # pdfium mirrors brackets it believes are in right-to-left text: compare the rest
        lines = [re.sub(r"[()]", "", line) for line in lines]
        for rid in registry.editions[gid].requires["card"]:
            display = re.sub(r"[ ()]", "", registry[rid].display)
            assert any(display in line for line in lines), (name, display, lines)


@pytest.mark.parametrize("locale", ["ar", "bn", "zh-Hans"])
def test_extracted_text_is_the_catalog_text(built, guides, registry, locale):
    gid = SCRIPTS[locale][0]
    pdf = built / gid / locale / "card-cr80.pdf"
    lg = i18n.localise(guides[gid], locale)
    card = lg.guide.card

    def norm(text: str) -> str:
        for r in registry:  # numbers and links are checked by position (see above)
            text = text.replace(r.display, "")
        text = PLACEHOLDER.sub("", text)
        # pdfium puts Arabic vowel marks beside their letters: compare the letters
        text = re.sub(r"[\u064b-\u065f\u0670]", " " if "\n" in text else "", text)
        text = re.sub(r"[\d().:،,;·•\-—–?؟!。，、：；（）「」？！]", " ", text)
        if locale.startswith("zh"):  # no spaces between words: compare characters
            return " ".join(c for c in text if not c.isspace())
        return text

    # every word of every message, in its real letters (no private-use codes, no reversed
    # words); pdfium may list the lines of a wrapped right-to-left item out of order, so the
    # words of each message are compared as a multiset
    front, back = (Counter(norm(page_text(pdf, i)).split()) for i in (0, 1))
    for page, texts in (
        (front, (card.headline, card.intro, card.steps_heading, *card.steps)),
        (
            back,
            (card.contacts_heading, *(c.text for c in card.contacts), *(q.label for q in card.qr)),
        ),
    ):
        for text in texts:
            missing = Counter(norm(text).split()) - page
            # pdfium cuts an Arabic word where a raised vowel mark sits (a text rise): such a
            # word must then be there in two pieces
            split = {
                w for w in missing if any(w[:i] in page and w[i:] in page for i in range(1, len(w)))
            }
            assert not set(missing) - split, (text, missing)


@pytest.mark.parametrize("locale", RTL)
def test_right_to_left_layouts_mirror(built, locale):
    gid = SCRIPTS[locale][0]
    card = built / gid / locale / "card-cr80.pdf"
    width = float(pypdf.PdfReader(card).pages[1].mediabox[2])
    codes = qr_codes(card, 1)
    assert codes and all(c[3][2] / 300 * 72 < width / 2 for c in codes)  # codes on the left
    heading = [c for c in chars(card, 1) if c.size > 8 and c.box[1] > 120]
    assert max(c.box[2] for c in heading) > width - 40  # the heading starts at the right
    leaflet = built / gid / locale / "leaflet-a4.pdf"
    lw = float(pypdf.PdfReader(leaflet).pages[0].mediabox[2])
    title = [c for c in chars(leaflet, 0) if c.size >= 20]
    assert title and max(c.box[2] for c in title) < lw / 3 + 5  # the cover is on the left


def test_a_character_no_font_draws_is_a_one_line_error(guides, registry):
    g = guides["us"]
    lg = i18n.localise(g, "ar")
    bad = dataclasses.replace(
        lg.guide,
        card=dataclasses.replace(lg.guide.card, headline=lg.guide.card.headline + " \u0f00"),
    )
    with pytest.raises(SourceError) as e:
        render_pdf(dataclasses.replace(lg, guide=bad), registry, FORMATS["card"], "cr80")
    assert str(e.value) == (
        "locale ar, message us|card.headline: no font in fonts/ draws U+0F00 TIBETAN "
        "SYLLABLE OM ('\u0f00'); add a font for this script to fonts/fonts.toml"
    )


def test_indic_text_extracts_as_real_characters(built):
    text = page_text(built / "uk-young-people" / "bn" / "card-cr80.pdf", 0)
    assert not re.search(r"[\ue000-\uf8ff]", text)  # no private-use codes of shaped glyphs
    assert re.search(r"[\u0980-\u09ff]", text)
