"""Tagged PDF (PDF/UA-1): what a screen reader gets, read back from the files.

The structure tree is read with pikepdf, the text of each marked-content sequence with pdfium
(its characters, in its logical order, grouped by the MCID of the text object each comes
from), the codes by decoding the rendered page, and conformance with page-validation's PDF/UA-1
profile. A matrix covers every format and every script family: Latin, Arabic, Urdu, Bengali,
Gurmukhi, Gujarati, Chinese (there is no Devanagari catalog yet).
"""

from __future__ import annotations

import ctypes
import functools
import re
import unicodedata
from pathlib import Path
from typing import ClassVar

import numpy as np
import page as page_validation
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from leaflets.build import render_pdf
from leaflets.errors import BuildError
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.formats.base import Format
from leaflets.i18n import localise
from leaflets.paper import mm
from leaflets.render.page import page
from leaflets.render.tagging import LINKS_RIGHT_TO_LEFT
from leaflets.sources.config import load_config
from leaflets.sources.guide import load_guides
from leaflets.sources.placeholders import fill, segments
from leaflets.sources.registry import default_registry
from leaflets.text.fit import fit
from leaflets.text.markup import Para

ROOT = Path(__file__).resolve().parent.parent

# (guide, locale, format, paper): every format, every script family
MATRIX = [
    ("us", "en", "card", "cr80"),
    ("us", "ar", "card", "cr80"),
    ("uk-young-people", "ur", "card", "cr80"),
    ("uk-young-people", "bn", "card", "cr80"),
    ("uk-young-people", "pa", "card", "cr80"),
    ("us", "zh-Hans", "card", "cr80"),
    ("us", "en", "card-sheet", "a4"),
    ("uk-young-people", "ur", "card-sheet", "letter"),
    ("uk-young-people", "en", "poster", "a4"),
    ("us", "ar", "poster", "a3"),
    ("uk-young-people", "bn", "poster", "a4"),
    ("us", "zh-Hant", "poster", "tabloid"),
    ("us", "en", "leaflet", "a4"),
    ("us", "ar", "leaflet", "a4"),
    ("uk-young-people", "bn", "leaflet", "letter"),
    ("us", "zh-Hans", "leaflet", "a4"),
    ("uk-young-people", "gu", "leaflet", "a4"),
]


def _name(case) -> str:
    return "-".join(case)


@pytest.fixture(scope="module")
def built(tmp_path_factory, guides, registry) -> dict[tuple, Path]:
    out = tmp_path_factory.mktemp("pdfua")
    files = {}
    for case in MATRIX:
        guide, locale, fmt, paper = case
        lg = localise(guides[guide], locale)
        path = out / f"{_name(case)}.pdf"
        write_atomic(path, render_pdf(lg, registry, FORMATS[fmt], paper).data)
        files[case] = path
    return files


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """The example school's card (its logo on the front) and leaflet."""
    org = load_config(ROOT / "examples" / "school.toml")
    registry = org.registry(default_registry())
    guide = {g.id: g for g in load_guides(None, registry)}
    lg = localise(guide[org.guides[0]], "en")
    out = tmp_path_factory.mktemp("school")
    files = {}
    for fmt, paper in (("card", "cr80"), ("leaflet", "a4")):
        files[fmt] = out / f"{fmt}.pdf"
        write_atomic(files[fmt], render_pdf(lg, registry, FORMATS[fmt], paper, org=org).data)
    return org, registry, files


# ----------------------------------------------------------------------------- reading back


def mcid_texts(path: Path) -> dict[tuple[int, int], str]:
    """(page, MCID) -> the text pdfium extracts from that marked content, in its order; the
    line breaks pdfium makes go with the sequence before them."""
    doc = pdfium.PdfDocument(path)
    out: dict[tuple[int, int], list[str]] = {}
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        last = None
        for k in range(tp.count_chars()):
            obj = pdfium_c.FPDFText_GetTextObject(tp.raw, k)
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj) if obj else last
            if mcid is not None and mcid >= 0:
                ch = tp.get_text_range(k, 1)
                # pdfium's mark for a hyphen that ends a line (a link broken after '-')
                out.setdefault((i, mcid), []).append("-" if ch == "\ufffe" else ch)
            last = mcid
    return {key: "".join(v) for key, v in out.items()}


@functools.cache
def tree_of(path: Path) -> Tree:
    """One reading of each file, shared by the tests (files are never changed)."""
    return Tree(path)


class Tree:
    """A file's structure tree, walked in reading order."""

    def __init__(self, path: Path) -> None:
        self.pdf = pikepdf.open(path)
        self.pages = {p.objgen: i for i, p in enumerate(self.pdf.pages)}
        self.texts = mcid_texts(path)
        root = self.pdf.Root.StructTreeRoot
        (self.document,) = list(root.K)
        assert self.document.S == "/Document"

    @staticmethod
    def kids(el) -> list:
        k = el.get("/K")
        if k is None:
            return []
        return list(k) if isinstance(k, pikepdf.Array) else [k]

    def page_of(self, el, kid=None) -> int:
        pg = (kid if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid else el).get("/Pg")
        return self.pages[pg.objgen]

    def walk(self, el=None):
        el = self.document if el is None else el
        for kid in self.kids(el):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                yield kid
                yield from self.walk(kid)

    def text(self, el) -> str:
        """What a reader reads of an element: its /ActualText (right-to-left text carries
        its logical order so), else the text of its marked content."""
        if "/ActualText" in el:
            return str(el.ActualText)
        out = []
        for kid in self.kids(el):
            if isinstance(kid, int):
                out.append(self.texts.get((self.page_of(el), int(kid)), ""))
            elif kid.get("/Type") == "/MCR":
                out.append(self.texts.get((self.page_of(el, kid), int(kid.MCID)), ""))
            elif kid.get("/Type") != "/OBJR":
                out.append(self.text(kid))
        return "".join(out)

    def blocks(self) -> list[tuple[str, str]]:
        """(role, text) of each heading, paragraph and list item, in reading order."""
        return [
            (str(el.S)[1:], self.text(el))
            for el in self.walk()
            if str(el.S) in ("/P", "/LI") or re.fullmatch(r"/H[1-6]", str(el.S))
        ]

    def annotations(self, el) -> list:
        return [
            k.Obj
            for k in self.kids(el)
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
        ]


def norm(text: str, locale: str = "") -> str:
    """Text as compared: whitespace dropped (pdfium breaks lines with it, CJK has none)."""
    return "".join(text.split())


# ----------------------------------------------------------------------------- conformance


@pytest.mark.parametrize("case", MATRIX, ids=_name)
def test_every_format_and_script_passes_pdf_ua_1(built, case):
    report = page_validation.validate_pdf(str(built[case]), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_the_example_school_with_its_logo_passes_pdf_ua_1_and_names_the_logo(school):
    org, _, files = school
    for path in files.values():
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    tree = tree_of(files["card"])
    figures = [str(el.Alt) for el in tree.walk() if el.S == "/Figure"]
    assert org.name in figures  # the logo's alternative text is the organisation's name


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize("case", MATRIX, ids=_name)
def test_the_headline_is_the_one_h1_and_headings_never_skip_a_level(built, guides, case):
    guide, locale, fmt, _ = case
    g = localise(guides[guide], locale).guide
    tree = tree_of(built[case])
    levels = [int(str(el.S)[2:]) for el in tree.walk() if re.fullmatch(r"/H[1-6]", str(el.S))]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    (h1,) = [el for el in tree.walk() if el.S == "/H1"]
    # the leaflet's cover, and a poster whose guide says so, have the title as headline
    from_title = fmt == "leaflet" or (fmt == "poster" and g.poster.headline_from == "title")
    headline = g.title if from_title else g.card.headline
    assert norm(tree.text(h1), locale) == norm(fill(headline, default_registry()), locale)


@pytest.mark.parametrize("case", [c for c in MATRIX if c[2] != "card-sheet"], ids=_name)
def test_each_qr_figure_says_what_its_code_opens(built, registry, case):
    tree = tree_of(built[case])
    pdf = pdfium.PdfDocument(built[case])
    figures = [el for el in tree.walk() if el.S == "/Figure"]
    assert figures
    for el in figures:
        x0, y0, x1, y1 = (float(v) for v in el.A.BBox)
        pg = pdf[tree.page_of(el)]
        w, h = pg.get_size()
        # only the figure's box (and a quiet zone's worth around it) is rendered
        crop = (x0 - 6, y0 - 6, w - x1 - 6, h - y1 - 6)
        crop = pg.render(scale=300 / 72, crop=crop).to_pil()
        (code,) = zxingcpp.read_barcodes(crop, formats=zxingcpp.BarcodeFormat.QRCode)
        res = registry.qr_payloads[code.text]  # the code inside the figure's box
        alt = str(el.Alt)
        assert res.name in alt
        if res.tel:
            digits = re.sub(r"\D", "", alt.split(res.name, 1)[1])
            assert res.tel.lstrip("+").endswith(digits[-7:]) and len(digits) >= len(res.tel) - 3
            assert re.search(r"\d \d \d", alt)  # spelled digit by digit
        else:
            assert res.url.split("//", 1)[1].rstrip("/") in alt


@pytest.mark.parametrize("case", MATRIX, ids=_name)
def test_every_link_has_contents_and_a_registry_target_over_its_number(
    built, guides, registry, case
):
    targets = {f"tel:{r.tel}" for r in registry if r.tel} | {r.url for r in registry if r.url}
    # what a screen reader calls each service: its name, or its generic name ("Emergency
    # services") in the page's language
    lg = localise(guides[case[0]], case[1])
    names = {r.id: {r.name, lg.resource_name(r)} for r in registry}
    tree = tree_of(built[case])
    links = [el for el in tree.walk() if el.S == "/Link"]
    on_pages = {
        a.objgen for p in tree.pdf.pages for a in p.obj.get("/Annots", []) if a.Subtype == "/Link"
    }
    if case[1] in ("ar", "fa", "ur") and not LINKS_RIGHT_TO_LEFT:
        assert not links and not on_pages  # waiting for verify (render.tagging)
        return
    assert links
    tied = set()
    for el in links:
        (annot,) = tree.annotations(el)
        uri = str(annot.A.URI)
        assert uri in targets
        # the entry it opens (a helpline's number and its chat may share a site)
        (res,) = [
            r
            for r in registry
            if uri in (f"tel:{r.tel}", r.url)
            and any(name in str(annot.Contents) for name in names[r.id])
            and norm(tree.text(el)) in {norm(r.display), norm(r.url or "")}
        ]
        contents = str(annot.Contents)
        # says what it does, and the number or link
        assert len(contents) > min(len(n) for n in names[res.id]) + 5
        assert annot.StructParent is not None
        tied.add(annot.objgen)
    assert tied == on_pages  # every link annotation is in the tree


def test_a_folded_leaflet_reads_cover_first_then_flap_inside_and_back(built, guides):
    case = ("us", "en", "leaflet", "a4")
    tree = tree_of(built[case])
    g = guides["us"]
    blocks = tree.blocks()
    assert blocks[0][0] == "H1" and norm(blocks[0][1]) == norm(fill(g.title, default_registry()))
    top = [el for el in tree.kids(tree.document)]
    pages = [tree.page_of(el) if "/Pg" in el else None for el in top]
    # the cover and flap (page 1), the inside (page 2), then the back panel (page 1 again)
    firsts = [p for p in pages if p is not None]
    changes = [p for i, p in enumerate(firsts) if i == 0 or p != firsts[i - 1]]
    assert changes == [0, 1, 0], changes
    headings = [norm(t) for r, t in blocks if r == "H2"]
    assert headings[-1] == norm(g.card.contacts_heading)  # whom to call, on the back, last
    assert headings.index(norm(fill(g.card.headline, default_registry()))) == 0  # the cover


@pytest.mark.parametrize(
    "case",
    [c for c in MATRIX if c[2] == "card" and c[1] in ("en", "ar", "bn", "zh-Hans")],
    ids=_name,
)
def test_the_cards_text_in_reading_order_is_the_guides(built, guides, registry, case):
    guide, locale, _, _ = case
    lg = localise(guides[guide], locale)
    g, card = lg.guide, lg.guide.card

    def f(text: str) -> str:
        return fill(text, registry)

    draft = [f"DRAFT · {g.ui.draft_note}"] if lg.is_draft else []
    front = [
        *draft,
        f(card.headline),
        *([f(card.intro)] if card.intro else []),
        f(card.steps_heading),
        *[f"{i}. {f(s)}" for i, s in enumerate(card.steps, 1)],
        *([lg.language_name] if locale != "en" else []),  # an English card says no language
        *([card.turn_over] if card.turn_over else []),
    ]
    back = [
        *draft,
        f(card.contacts_heading),
        *[f(c.text) for c in card.contacts],
        *[q.label for q in card.qr],
    ]
    got = [norm(t, locale) for _, t in tree_of(built[case]).blocks()]
    assert got == [norm(t, locale) for t in front + back]


def test_right_to_left_elements_say_what_their_content_prints(built):
    """The logical text an Arabic element carries (/ActualText) is what is printed: pdfium
    reads the same letters from the content. Only the letters are compared, not their order:
    pdfium moves vowel marks before their letter, mirrors brackets and puts the second line of
    a centred right-to-left paragraph first, which is why the elements carry their order."""
    tree = tree_of(built[("us", "ar", "card", "cr80")])

    def letters(text: str) -> str:  # brackets as either side: pdfium mirrors them
        text = text.translate(str.maketrans(")]»", "([«"))
        return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Mn")

    carried = [el for el in tree.walk() if "/ActualText" in el and el.S in ("/P", "/H1", "/H2")]
    assert len(carried) >= 8

    def drawn(el) -> str:  # the element's own marked content, and its links'
        out = []
        for k in tree.kids(el):
            if isinstance(k, int):
                out.append(tree.texts.get((tree.page_of(el), int(k)), ""))
            elif k.get("/Type") == "/MCR":
                out.append(tree.texts.get((tree.page_of(el, k), int(k.MCID)), ""))
            elif k.get("/Type") != "/OBJR":
                out.append(drawn(k))
        return "".join(out)

    for el in carried:
        content = drawn(el)
        assert sorted(letters(content)) == sorted(letters(str(el.ActualText)))


def test_a_leaflets_text_in_reading_order_is_the_guides(built, guides, registry):
    case = ("uk-young-people", "bn", "leaflet", "letter")
    lg = localise(guides["uk-young-people"], "bn")
    g = lg.guide

    def f(text: str) -> str:
        return fill(text, registry)

    want = [f"DRAFT · {g.ui.draft_note}", f(g.title)]
    want += [f(g.subtitle)] if g.subtitle else []
    want += [f(g.card.headline)] + ([f(g.card.intro)] if g.card.intro else [])
    want += [f(g.card.steps_heading)] + [f"{i}. {f(s)}" for i, s in enumerate(g.card.steps, 1)]
    want += [f"{lg.edition_name} · {lg.language_name}"]  # the country in the page's language
    for s in g.sections:
        want += [f(s.heading)] if s.heading else []
        bullets = {"item": "• ", "subitem": "– "}
        want += [
            bullets.get(b.kind, "") + " ".join(x for x in (b.lead, f(b.text)) if x)
            for b in s.blocks
        ]
    want += [f"DRAFT · {g.ui.draft_note}"]  # the inside page's band, read before its panels
    got = [norm(t, "bn") for _, t in tree_of(built[case]).blocks()]
    # the cover, then the flap and the inside: the guidance in the guide's order
    want = [norm(t, "bn") for t in want]
    draft_inside = got.index(want[-1], 1)
    got = got[:draft_inside] + got[draft_inside + 1 :]
    assert got[: len(want) - 1] == want[:-1]


def test_latin_names_in_arabic_text_are_marked_english(built):
    path = built[("us", "ar", "card", "cr80")]
    tree = tree_of(path)
    links = set()  # (page, MCID) of numbers and links: Link elements of their own
    for el in tree.walk():
        if el.S == "/Link":
            links |= {(tree.page_of(el), int(k)) for k in tree.kids(el) if isinstance(k, int)}
    printed = {r.display for r in default_registry()} | {r.url for r in default_registry()}
    pdf = pdfium.PdfDocument(path)
    seen = {}
    for i in range(len(pdf)):
        tp = pdf[i].get_textpage()
        for k in range(tp.count_chars()):
            ch = tp.get_text_range(k, 1)
            if not (ch.isascii() and ch.isalpha()):
                continue
            obj = pdfium_c.FPDFText_GetTextObject(tp.raw, k)
            if (i, pdfium_c.FPDFPageObj_GetMarkedContentID(obj)) in links:
                continue
            n = pdfium_c.FPDFTextObj_GetText(obj, tp.raw, None, 0)  # bytes, with the NUL
            buf = ctypes.create_string_buffer(n)
            pdfium_c.FPDFTextObj_GetText(
                obj, tp.raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), n
            )
            if buf.raw[: n - 2].decode("utf-16-le") in printed:
                continue  # a number or link (1-800-656-HOPE): not a word of any language
            langs = []
            for m in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
                mark = pdfium_c.FPDFPageObj_GetMark(obj, m)
                buf = (ctypes.c_ushort * 16)()
                n = ctypes.c_ulong(0)
                if pdfium_c.FPDFPageObjMark_GetParamStringValue(mark, b"Lang", buf, 32, n):
                    langs.append(bytes(buf)[: n.value - 2].decode("utf-16-le"))
            seen.setdefault(ctypes.cast(obj, ctypes.c_void_p).value, (set(), langs))[0].add(ch)
    assert len(seen) >= 3  # RAINN, CCRI, NCMEC Take It Down...
    for letters, langs in seen.values():
        assert langs == ["en"], letters  # a name in Latin letters is spoken as English


# ----------------------------------------------------------------------------- print


@pytest.mark.parametrize(
    "case",
    [
        ("us", "ar", "card", "cr80"),
        ("uk-young-people", "bn", "leaflet", "letter"),
        ("us", "en", "poster", "a4"),
    ],
    ids=_name,
)
def test_tagging_does_not_change_what_prints(guides, registry, case, tmp_path):
    guide, locale, fmt, paper = case
    lg = localise(guides[guide], locale)
    pages = []
    for tagged in (True, False):
        path = tmp_path / f"{tagged}.pdf"
        write_atomic(path, render_pdf(lg, registry, FORMATS[fmt], paper, tagged=tagged).data)
        pdf = pdfium.PdfDocument(path)
        pages.append([pdf[i].render(scale=150 / 72).to_numpy() for i in range(len(pdf))])
    assert len(pages[0]) == len(pages[1])
    for a, b in zip(*pages, strict=True):
        assert np.array_equal(a, b)


# ----------------------------------------------------------------------------- refusals


class _Heading(Format):
    """A test format that prints a headline and a third-level heading (a level skipped)."""

    name: ClassVar[str] = "skips"
    description: ClassVar[str] = "test"
    papers: ClassVar[tuple[str, ...]] = ("a4",)
    safe_mm: ClassVar[float] = 10.0
    pages: ClassVar[int] = 1
    alt: ClassVar[str | None] = None

    def render(self, doc, canvas, spec) -> None:
        with page(canvas, doc, spec):
            paras = [
                Para.of(segments(doc.guide.card.headline, doc.registry), role="H1"),
                Para.of(segments("Call {rainn}", doc.registry), role=self.role),
            ]
            with doc.region(0, "the test part"):
                fit(paras, doc.typography(12, 10), mm(150), mm(100), "x").draw(canvas, 50, 700)
                if self.alt is not None:
                    with doc.tags.figure(canvas, self.alt, (50, 50, 90, 90)):
                        canvas.rect(50, 50, 40, 40, fill=1)

    role: ClassVar[str] = "H3"


def test_a_skipped_heading_level_stops_the_build_naming_format_and_part(guides, registry):
    with pytest.raises(BuildError) as err:
        render_pdf(localise(guides["us"], "en"), registry, _Heading(), "a4")
    line = str(err.value)
    assert "\n" not in line
    assert "format skips" in line and "the test part" in line and "H3 follows H1" in line


class _NoAlt(_Heading):
    name: ClassVar[str] = "no-alt"
    role: ClassVar[str] = "H2"
    alt: ClassVar[str | None] = ""


def test_a_figure_without_alternative_text_stops_the_build(guides, registry, tmp_path):
    with pytest.raises(BuildError, match="format no-alt.*the test part: a figure has no alt"):
        render_pdf(localise(guides["us"], "en"), registry, _NoAlt(), "a4")

    class WithAlt(_NoAlt):
        name: ClassVar[str] = "with-alt"
        alt: ClassVar[str | None] = "A square"

    path = tmp_path / "alt.pdf"
    write_atomic(path, render_pdf(localise(guides["us"], "en"), registry, WithAlt(), "a4").data)
    assert [str(el.Alt) for el in tree_of(path).walk() if el.S == "/Figure"] == ["A square"]
