"""Right-to-left, Indic and CJK languages, read back: numbers in the right visual order, text
that extracts as the catalog text, the fonts made for each script, mirrored layouts."""

from __future__ import annotations

import dataclasses
import re
import shutil
import unicodedata
from collections import Counter

import babel
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
def built(request, tmp_path_factory):
    """Every format and paper of each script's language. A run with the slow tests builds
    the whole release matrix anyway (tests/conftest.py's `release`, once for all workers):
    its folders are read then; a quick run (-m "not slow") builds only these languages."""
    if "not slow" not in (request.config.getoption("markexpr") or ""):
        return request.getfixturevalue("release").out
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


# -- line layout of each script, read back from character positions --------------------------


def _printed_lines(path) -> list[tuple[int, float, float, float, str]]:
    """Each printed line of a file, read left to right by the characters' positions (their
    origins on one baseline), cut at column gaps: (page, baseline, left, size, text)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out = []
    pdf = pdfium.PdfDocument(path)
    for pn in range(len(pdf)):
        tp = pdf[pn].get_textpage()
        rows: dict[float, list] = {}
        x, y = ctypes.c_double(), ctypes.c_double()
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch or ch in "\r\n\x02":
                continue
            pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            left, _, right, _ = tp.get_charbox(i, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(tp.raw, i)
            key = next((k for k in rows if abs(k - y.value) < 0.6), y.value)
            rows.setdefault(key, []).append((left, right, size, ch))
        for base, row in rows.items():
            row.sort()
            start = 0
            for k in range(1, len(row) + 1):
                if k == len(row) or row[k][0] - row[k - 1][1] > 2 * row[k][2]:
                    piece = row[start:k]
                    text = "".join(c[3] for c in piece).strip()
                    if text:
                        out.append((pn, base, piece[0][0], max(c[2] for c in piece), text))
                    start = k
    return out


def _catalog_texts(gid: str, locale: str, registry) -> list[str]:
    """Every translation of a catalog as printed: placeholders filled from the registry."""
    from babel.messages.pofile import read_po

    from leaflets.files import data_folder

    with open(data_folder("locales") / locale / "LC_MESSAGES" / f"{gid}.po", "rb") as f:
        catalog = read_po(f)
    texts = []
    for msg in catalog:
        if msg.id and msg.string:
            text = msg.string if isinstance(msg.string, str) else msg.string[0]
            texts.append(
                PLACEHOLDER.sub(
                    lambda m: (
                        registry[m.group(1)].printed((m.group(2) or "")[1:])
                        if m.group(1) in registry.resources
                        else "0"
                    ),
                    text,
                )
            )
    return texts


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


@pytest.mark.parametrize("name", ["card-cr80", "card-sheet-a4", "poster-a4", "leaflet-a4"])
def test_korean_lines_end_only_at_spaces_or_punctuation(built, registry, name):
    """Korean puts spaces between words: a line may end at a space (its last piece is then a
    whole word of the text) or at punctuation, never between the syllables of a word (the
    review saw "전 / 문 지원을", "신 / 고하기")."""
    words = {w for text in _catalog_texts("us", "ko", registry) for w in text.split()}
    words |= {w for r in registry for w in (r.name + " " + r.display).split()}
    ko = babel.Locale.parse("ko")  # the footer's names, from CLDR
    words |= {w for name in (ko.display_name, *ko.territories.values()) for w in name.split()}
    checked = 0
    for pn, _, _, _, text in _printed_lines(built / "us" / "ko" / f"{name}.pdf"):
        last = text.split()[-1]
        if not re.search(r"[\uac00-\ud7a3]$", last):
            continue  # ends in punctuation, a number, a link or a Latin name
        checked += 1
        assert last in words, (name, pn, text)
    assert checked > 5


@pytest.mark.parametrize("locale", ["ja", "zh-Hans", "zh-Hant", "ko"])
def test_no_cjk_line_of_one_character_and_no_katakana_word_split(built, locale):
    gid = SCRIPTS[locale][0]
    katakana = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff]")
    for pdf in sorted((built / gid / locale).glob("*.pdf")):
        lines = _printed_lines(pdf)
        for pn, base, left, size, text in lines:
            # a line of one character ("支 / 持。", "専 / 門"): punctuation and markers aside
            # (the print instructions in a card sheet's margin run upwards, a letter a line)
            cjk = re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]", text)
            assert not (cjk and _letters(text) == 1), (pdf.name, pn, text)
            below = [
                ln
                for ln in lines
                if ln[0] == pn and 0 < base - ln[1] < 2 * size and abs(ln[2] - left) < 3 * size
            ]
            if below and katakana.match(text[-1]):
                following = max(below, key=lambda ln: ln[1])[4]
                # "ホットライ / ン": a katakana word goes on one line
                assert not katakana.match(following[0]), (pdf.name, pn, text, following)


def _poppler_lines(path) -> list[str]:
    """Each line poppler finds, its words left to right by position. Poppler reports each
    glyph as drawn; pdfium swaps the brackets it believes are in right-to-left text, so it
    cannot tell which way a bracket is printed."""
    import subprocess
    from xml.etree import ElementTree

    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    lines = []
    for line in ElementTree.fromstring(out).iter("line"):
        words = sorted(line.iter("word"), key=lambda w: float(w.get("xMin")))
        text = ""
        for k, word in enumerate(words):
            # poppler cuts a word where the font changes ("(" in Urdu's font, the link in
            # Latin): those pieces touch, words have a space between them
            height = float(word.get("yMax")) - float(word.get("yMin"))
            gap = float(word.get("xMin")) - float(words[k - 1].get("xMax")) if k else 0
            text += (" " if k and gap > 0.12 * height else "") + (word.text or "")
        lines.append(text)
    return lines


_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _bracket_expectations(texts: list[str]) -> dict[str, set[str]]:
    """How each English name or number in brackets may look, read left to right, in a
    right-to-left line (every bracket group of the texts, innermost):

    * a group of English only ("(CCRI)", "(National Crime Agency)", "(ceop.police.uk)")
      is printed as it is written: "(" left of the name, ")" right of it;
    * a right-to-left group that begins with an English name or number, "(911 في حالات...)",
      opens on the right of the name: "911)" (the bracket that opens it, drawn mirrored);
    * a right-to-left group that ends with one, "(... CEOP)", closes on its left: "(CEOP";
    * a name before a right-to-left gloss, "RAINN (الخط...)", has the gloss's opening
      bracket (drawn ")") at its left: ") RAINN".
    """
    out: dict[str, set[str]] = {}
    for text in texts:
        for m in re.finditer(r"\(([^()]*)\)", text):
            inner = m.group(1).strip()
            if not inner:
                continue
            if not _RTL_LETTER.search(inner):
                out.setdefault(inner, set()).add(f"({inner})")
                continue
            first, last = inner.split()[0], inner.split()[-1]
            if first.isascii() and re.search(r"[A-Za-z0-9]", first):
                out.setdefault(first, set()).add(f"{first})")
            if last.isascii() and re.search(r"[A-Za-z0-9]", last):
                out.setdefault(last, set()).add(f"({last}")
            before = text[: m.start()].split()
            if before and before[-1].isascii() and before[-1].isalpha():
                out.setdefault(before[-1], set()).add(f") {before[-1]}")
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler is not installed")
@pytest.mark.parametrize("locale", RTL)
def test_english_names_in_right_to_left_text_keep_their_brackets(built, registry, locale):
    """The review saw "(Cyber Civil Rights Initiative (CCRI" and ":(CEOP Safety Centre
    (National Crime Agency" on Arabic and Urdu leaflets: the bidi algorithm sent the closing
    bracket to the far side of the name. Each printed bracket next to an English name or
    number must be where a reader of the line expects it (see _bracket_expectations)."""
    gid = SCRIPTS[locale][0]
    texts = _catalog_texts(gid, locale, registry) + [r.name for r in registry if gid in r.editions]
    expected = _bracket_expectations(texts)
    seen: Counter = Counter()
    for pdf in sorted((built / gid / locale).glob("*.pdf")):
        for line in _poppler_lines(pdf):
            for token, forms in expected.items():
                for m in re.finditer(re.escape(token), line):
                    i, j = m.start(), m.end()
                    left, left2, right = line[i - 1 : i], line[max(0, i - 2) : i], line[j : j + 1]
                    if not set(left2 + right) & set("()"):
                        continue  # the name without brackets here
                    brackets = ("(", ")")
                    looks = {
                        f"({token})": left == "(" and right == ")",
                        f"{token})": right == ")" and left not in brackets,
                        f"({token}": left == "(" and right not in brackets,
                        f") {token}": left2 == ") " and right not in brackets,
                    }
                    matching = [f for f in forms if looks[f]]
                    assert matching, (pdf.name, sorted(forms), line)
                    seen[matching[0]] += 1
    assert seen, expected
    names = {
        "ar": ["(CCRI)", "(IC3)"],
        "fa": ["(CCRI)", "(IC3)"],
        "ur": ["(National Crime Agency)"],
    }
    for form in names[locale]:
        assert seen[form], (form, seen)
