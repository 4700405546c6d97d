"""Localised all the way: the footer names the edition's country (CLDR) and audience in the
page's language, on one line; generic registry words are translated and organisations' names
are not; an English card prints no language label; office leaflets keep their marks 6 mm
inside the paper and their text 6 mm from the folds."""

from __future__ import annotations

import shutil
import unicodedata
from collections import Counter

import babel
import pikepdf
import pytest
from click.testing import CliRunner

from leaflets import i18n
from leaflets.cli import main
from leaflets.errors import CatalogError
from leaflets.formats.leaflet import panel_widths
from leaflets.i18n import catalogs

from .conftest import MM, chars, page_text, pdf_text
from .test_scripts import _printed_lines

BUILT = {  # edition: languages, each built as card, and poster and leaflet on A4 and Letter
    "us": ("es", "ja", "ar"),
    "uk-young-people": ("cy",),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("localised")
    for gid, locales in BUILT.items():
        for locale in locales:
            what = ["build", "--guide", gid, "--locale", locale, "--out", str(out)]
            for formats in (
                ["--format", "card"],
                ["--format", "poster", "--format", "leaflet", "--paper", "a4"],
                ["--format", "poster", "--format", "leaflet", "--paper", "letter"],
            ):
                res = CliRunner().invoke(main, [*what, *formats])
                assert res.exit_code == 0, res.output
    return out


def _country(region: str, locale: str) -> str:
    return babel.Locale.parse(locale.replace("-", "_")).territories[region]


@pytest.mark.parametrize(
    "gid, locale, audience",
    [("us", "es", ""), ("us", "ja", ""), ("us", "ar", ""), ("uk-young-people", "cy", "pobl ifanc")],
)
def test_the_footer_names_the_country_in_the_page_language_on_one_line(
    built, gid, locale, audience
):
    country = _country("US" if gid == "us" else "GB", locale)
    language = i18n.language_name(locale)
    english = "United States" if gid == "us" else "United Kingdom"
    for name in ("poster-a4", "poster-letter", "leaflet-a4", "leaflet-letter"):
        pdf = built / gid / locale / f"{name}.pdf"
        assert english not in pdf_text(pdf), name
        printed = [line[4] for line in _printed_lines(pdf)]
        if locale == "ar":
            # a right-to-left line read by position comes in visual order, in presentation
            # forms and ligatures: compare its letters (NFKC) as a multiset
            assert country in unicodedata.normalize("NFKC", pdf_text(pdf))
            letters = Counter(c for c in country + language if not c.isspace())
            lines = [
                line
                for line in printed
                if not letters - Counter(unicodedata.normalize("NFKC", line))
            ]
            assert lines, (name, country, printed[-3:])
            continue
        lines = [line for line in printed if country in line]
        # the whole name on one printed line (never "United / Kingdom"), with the language
        # and whom the edition is for beside it
        assert lines, (name, country, printed[-3:])
        assert all(language in line for line in lines), (name, lines)
        assert all(audience in line for line in lines), (name, lines)


def test_english_pages_keep_the_edition_name_and_cards_print_no_language_label(matrix, built):
    poster = pdf_text(matrix / "uk-young-people" / "en" / "poster-a4.pdf")
    assert "United Kingdom, young people · English" in poster
    for gid in ("us", "uk-young-people"):
        front = page_text(matrix / gid / "en" / "card-cr80.pdf", 0)
        assert "English" not in front, front
    # a translated card still says which language it is in
    assert i18n.language_name("es") in page_text(built / "us" / "es" / "card-cr80.pdf", 0)


def test_generic_registry_words_are_translated_and_names_are_not(built, registry):
    lines = [line[4] for line in _printed_lines(built / "us" / "es" / "leaflet-a4.pdf")]
    assert "• Servicios de emergencia: 911" in lines, lines
    assert not any("Emergency services" in line for line in lines)
    # organisations' names stay as they are
    rainn = registry["rainn"].name
    assert any(line.startswith(f"• {rainn}") for line in lines), lines
    lines = [
        line[4] for line in _printed_lines(built / "uk-young-people" / "cy" / "leaflet-a4.pdf")
    ]
    assert "• Gwasanaethau brys: 999" in lines, lines


@pytest.fixture
def locales(tmp_path, monkeypatch):
    copy = tmp_path / "locales"
    shutil.copytree(catalogs.LOCALES_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALES_DIR", copy)
    return copy


def _set(locale: str, guide: str, ctx: str, text: str | None) -> None:
    path = i18n.po_path(locale, guide)
    cat, headers = i18n.read_catalog(path)
    if text is None:
        cat.delete(cat.get(next(m.id for m in cat if m.context == ctx), context=ctx).id, ctx)
    for m in cat:
        if m.context == ctx:
            m.string = text
    i18n.write_catalog(path, cat, headers)


def test_a_catalog_without_an_edition_word_prints_it_in_english(locales, guides, registry):
    _set("es", "us", "us|registry.emergency-us", None)
    lg = i18n.localise(guides["us"], "es")
    assert lg.resource_name(registry["emergency-us"]) == "Emergency services"
    assert lg.resource_name(registry["rainn"]) == registry["rainn"].name
    _set("cy", "uk-young-people", "uk-young-people|edition.audience", "")
    lg = i18n.localise(guides["uk-young-people"], "cy")
    assert lg.edition_name == f"{_country('GB', 'cy')} · young people"


def test_a_bad_edition_word_stops_the_locale_in_one_line(locales, guides):
    _set("es", "us", "us|registry.emergency-us", "Emergencias: 911")
    with pytest.raises(CatalogError) as e:
        i18n.localise(guides["us"], "es")
    assert str(e.value).startswith("locale es, guide us, message us|registry.emergency-us: ")
    assert "\n" not in str(e.value)


# -- office leaflets: marks inside the printable area, text clear of the folds ----------------


def _lines_drawn(path, page_index: int) -> list[tuple[float, float]]:
    """The end points of every straight line a page strokes (fold and crop marks), in page
    coordinates (the content stream's transformations applied)."""
    pdf = pikepdf.open(path)
    page = pdf.pages[page_index]
    ctm, stack, points = [1, 0, 0, 1, 0, 0], [], []

    def apply(x, y):
        a, b, c, d, e, f = ctm
        return a * x + c * y + e, b * x + d * y + f

    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name == "q":
            stack.append(list(ctm))
        elif name == "Q":
            ctm = stack.pop()
        elif name == "cm":
            a2, b2, c2, d2, e2, f2 = (float(v) for v in operands)
            a, b, c, d, e, f = ctm
            ctm = [
                a2 * a + b2 * c,
                a2 * b + b2 * d,
                c2 * a + d2 * c,
                c2 * b + d2 * d,
                e2 * a + f2 * c + e,
                e2 * b + f2 * d + f,
            ]
        elif name in ("m", "l"):
            points.append(apply(*(float(v) for v in operands)))
    return points


@pytest.mark.parametrize(
    "name", ["leaflet-a4", "leaflet-letter", "card-sheet-a4", "card-sheet-letter"]
)
def test_office_marks_are_at_least_6_mm_inside_the_paper(matrix, name):
    for gid in ("us", "uk-young-people"):
        pdf = matrix / gid / "en" / f"{name}.pdf"
        with pikepdf.open(pdf) as doc:
            pages = len(doc.pages)
            w, h = (float(v) for v in doc.pages[0].mediabox[2:])
        for i in range(pages):
            points = _lines_drawn(pdf, i)
            assert points, (name, i)  # the marks are drawn
            edge = min(min(x, y, w - x, h - y) for x, y in points)
            assert edge >= 6 * MM - 0.01, (name, i, edge / MM)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("where", [("us", "en"), ("uk-young-people", "en"), ("us", "ar")])
def test_leaflet_text_keeps_6_mm_from_the_folds(matrix, built, paper, where):
    gid, locale = where
    pdf = (matrix if locale == "en" else built) / gid / locale / f"leaflet-{paper}.pdf"
    with pikepdf.open(pdf) as doc:
        width = float(doc.pages[0].mediabox[2])
    full, flap = panel_widths(width)
    # outside (page 1) folds at flap and flap + full, inside (page 2) at full and 2 full; a
    # right-to-left leaflet folds the other way
    folds = {0: [flap, flap + full], 1: [full, 2 * full]}
    if locale == "ar":
        folds = {k: [width - x for x in xs] for k, xs in folds.items()}
    for page, xs in folds.items():
        boxes = [c.box for c in chars(pdf, page)]
        assert boxes
        nearest = min(
            min(abs(box[0] - x), abs(box[2] - x)) if not box[0] < x < box[2] else 0.0
            for box in boxes
            for x in xs
        )
        # the layout keeps every line's advance 6 mm off; an Arabic letter's ink may reach
        # past its advance by a few hundredths of a millimetre
        assert nearest >= 5.9 * MM, (pdf.name, page, nearest / MM)
