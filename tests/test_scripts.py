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
    every = sum(len(f.papers) for f in FORMATS.values())  # each format on each of its papers
    assert len(pdfs) == every
    files, findings = check_paths([built / gid / locale], registry)  # both CPUs
    images = sum(1 for f in FORMATS.values() for _ in f.papers if f.image is not None)
    assert len(files) == every + images  # and the social images' PNGs
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


# ----------------------------------------------------------------------------- CJK punctuation

# The spaces and punctuation a translator or an organisation types in each language: the
# ideographic space (U+3000), the CJK marks and full-width forms all four share, and each
# language's own (Traditional Chinese ‧ in names, Korean ㆍ and ～).
CJK_SHARED = "\u3000、。「」『』（）！？：；・ー〜，．《》〈〉【】〔〕…‥—·※～％＃／"
CJK_PUNCTUATION = {
    "zh-Hans": CJK_SHARED + "“”‘’",
    "zh-Hant": CJK_SHARED + "‧“”",
    "ja": CJK_SHARED + "〃〆〇",
    "ko": CJK_SHARED + "ㆍ",
}


def _embedded_glyphs(path) -> dict[str, list[tuple[str, int, int]]]:
    """Every character a PDF's embedded TrueType fonts draw (from their ToUnicode maps), with
    the glyph each font draws it with: (glyph name, contours, advance in font units)."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    out: dict[str, list[tuple[str, int, int]]] = {}
    with pikepdf.open(path) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts[font.objgen] = font
        for font in fonts.values():
            tt = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
            cmap = tt["cmap"].tables[0].cmap
            cmap_text = font.ToUnicode.read_bytes().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap_text, re.S):
                for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    ch = bytes.fromhex(uni).decode("utf-16-be")
                    glyph = cmap.get(int(code, 16), ".notdef")
                    contours = tt["glyf"][glyph].numberOfContours if glyph in tt["glyf"] else 0
                    out.setdefault(ch, []).append((glyph, contours, tt["hmtx"][glyph][0]))
    return out


@pytest.mark.parametrize("locale", list(CJK_PUNCTUATION))
def test_cjk_spaces_and_punctuation_are_drawn_not_tofu(tmp_path, guides, registry, locale):
    """A card whose intro holds every space and punctuation mark of its language builds (the
    ideographic space was left out of the subset, and the build refused it), and the embedded
    fonts draw each with a real glyph: never .notdef, an outline for every mark, a full-width
    advance for the ideographic space."""
    text = CJK_PUNCTUATION[locale]
    lg = i18n.localise(guides["us"], locale)
    # added to the catalog's intro: the same characters as the language's own files (its
    # texts and what the subset keeps), so the face is the one they are printed with
    card = dataclasses.replace(lg.guide.card, intro=lg.guide.card.intro + text)
    guide = dataclasses.replace(lg.guide, card=card)
    path = tmp_path / "card.pdf"
    lg = dataclasses.replace(lg, guide=guide)
    path.write_bytes(render_pdf(lg, registry, FORMATS["card"], "cr80").data)
    assert "".join(text.split()) in "".join(page_text(path, 0).split())
    drawn = _embedded_glyphs(path)
    for ch in text:
        assert ch in drawn, f"U+{ord(ch):04X} {ch!r} is not drawn by any embedded font"
        for glyph, contours, advance in drawn[ch]:
            assert glyph != ".notdef", f"U+{ord(ch):04X} {ch!r} is drawn as .notdef (tofu)"
            if ch.isspace():
                assert advance >= 900, f"U+{ord(ch):04X} is {advance} units wide, not full width"
            else:
                assert contours != 0, f"U+{ord(ch):04X} {ch!r} is drawn with an empty glyph"


@pytest.mark.parametrize("locale", list(CJK_PUNCTUATION))
def test_every_cjk_subset_keeps_the_punctuation_its_texts_do_not_print(guides, registry, locale):
    """[subset] keep of fonts.toml: the face a language's files are printed with draws the
    spaces and punctuation of the language that its texts do not hold, so an organisation's
    name or contacts that type them are printed in the face that draws them."""
    from leaflets.build.render import prepared_stack

    lg = i18n.localise(guides["us"], locale)
    face = prepared_stack(lg, registry, None).primary
    texts = {c for _, text, _ in lg.guide.messages() for c in text}
    unused = [c for c in CJK_PUNCTUATION[locale] if c not in texts]
    assert "\u3000" in unused and len(unused) >= 10, unused  # the test means something
    missing = [f"U+{ord(c):04X}" for c in unused if not face.covers(c)]
    assert not missing, missing


@pytest.mark.parametrize("bad", ["3000-303F", "U+303F..U+3000", "U+30", 12288])
def test_a_bad_subset_keep_entry_is_one_line_naming_it(monkeypatch, bad):
    from leaflets.text import fonts

    table = {**fonts.config(), "subset": {"keep": ["U+3000..U+303F", bad]}}
    monkeypatch.setattr(fonts, "config", lambda: table)
    fonts.subset_keeps.cache_clear()
    try:
        with pytest.raises(SourceError) as e:
            fonts.subset_keeps()
    finally:
        fonts.subset_keeps.cache_clear()
    assert str(e.value).startswith("fonts/fonts.toml: [subset] keep: ") and repr(bad) in str(e)
