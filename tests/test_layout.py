"""Layout read back from the PDFs: markers that mean what they say, the helpline as the
poster's hero, DRAFT where it is seen, QR codes in a calm grid."""

from __future__ import annotations

import ctypes
import dataclasses
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from click.testing import CliRunner

from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.errors import SourceError
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.guide import load_guide

from .conftest import MM, ROOT, chars, pdf_text, qr_codes, render

CROSSES = "×✗✘"  # what reads as "false" or "don't"
OTHER = {"us": "ru", "uk-young-people": "pl"}
BUILDS = [("poster", "a4"), ("card", "cr80"), ("leaflet", "a4")]


def build(guide, registry, out: Path, fmt: str, paper: str, locale: str = "en") -> Path:
    path = out / guide.id / locale / f"{fmt}-{paper}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, render_pdf(localise(guide, locale), registry, FORMATS[fmt], paper).data)
    return path


@pytest.fixture(scope="module")
def marked(tmp_path_factory, guides, registry):
    """Poster, card and leaflet of both editions in English and a language of long words."""
    out = tmp_path_factory.mktemp("markers")
    return {
        (gid, loc, fmt): (localise(g, loc).guide, build(g, registry, out, fmt, paper, loc))
        for gid, g in guides.items()
        for loc in ("en", OTHER[gid])
        for fmt, paper in BUILDS
    }


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufffe", "").replace("\u00ad", ""))


def _lists(guide):
    return [
        (guide.card.steps_kind, guide.card.steps),
        (guide.poster.donts_kind, guide.poster.donts),
    ]


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
@pytest.mark.parametrize("translated", [False, True])
@pytest.mark.parametrize("fmt", [f for f, _ in BUILDS])
def test_a_cross_stands_only_before_a_dont(marked, gid, translated, fmt):
    guide, path = marked[gid, OTHER[gid] if translated else "en", fmt]
    text = _flat(pdf_text(path))
    dont_starts = []
    for kind, items in _lists(guide):
        for item in items:
            start = _flat(item)[:24]
            before = [text[: m.start()].rstrip()[-1:] for m in re.finditer(re.escape(start), text)]
            if not before:  # this format does not print the list (the card has no don'ts)
                continue
            crossed = [b for b in before if b and b in CROSSES]
            if kind == "dont":  # the poster's list is crossed (the leaflet's own text is not)
                assert crossed or fmt != "poster", f"{fmt}: {start!r} has no cross before it"
                dont_starts.append(start)
            else:
                assert not crossed, f"{fmt}: a cross before {kind} item {start!r}"
    # and every cross on the page opens one of the don'ts
    for m in re.finditer(f"[{CROSSES}]", text):
        after = text[m.end() :].lstrip()
        assert any(after.startswith(s) for s in dont_starts), f"{fmt}: cross before {after[:30]!r}"


def test_the_uk_reassurances_are_not_crossed(marked):
    guide, path = marked["uk-young-people", "en", "poster"]
    assert guide.poster.donts_kind == "facts"
    text = _flat(pdf_text(path))
    assert "• It’s never too late to get help." in text
    assert not any(c in text for c in CROSSES)


def test_the_us_donts_are_crossed(marked):
    guide, path = marked["us", "en", "poster"]
    text = _flat(pdf_text(path))
    assert sum(text.count(c) for c in CROSSES) == len(guide.poster.donts) == 4


@pytest.mark.parametrize(
    "change, message",
    [
        (('donts_kind = "dont"\n', ""), "poster donts_kind '' is not one of do, dont, facts"),
        (('donts_kind = "dont"', 'donts_kind = "warning"'), "donts_kind 'warning' is not one"),
        (('steps_kind = "do"', 'steps_kind = "steps"'), "card steps_kind 'steps' is not one"),
    ],
)
def test_a_list_without_a_known_kind_is_one_line(tmp_path, registry, change, message):
    src = (Path(__file__).parent.parent / "leaflets/data/guides/us.toml").read_text("utf-8")
    assert change[0] in src
    bad = tmp_path / "us.toml"
    bad.write_text(src.replace(change[0], change[1], 1), "utf-8")
    with pytest.raises(SourceError) as err:
        load_guide(bad, registry)
    assert str(err.value).startswith("us.toml: ") and message in str(err.value)
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- DRAFT


def _luminance(rgb) -> float:
    def lin(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _drafts(path: Path, page_index: int):
    """The boxes (points) of each printed word DRAFT on a page, with its font size."""
    cs = chars(path, page_index)
    text = "".join(c.ch for c in cs)
    out = []
    for m in re.finditer("DRAFT", text):
        word = cs[m.start() : m.end()]
        box = (
            min(c.box[0] for c in word),
            min(c.box[1] for c in word),
            max(c.box[2] for c in word),
            max(c.box[3] for c in word),
        )
        out.append((box, word[0].size))
    return out


@pytest.fixture(scope="module")
def drafts(tmp_path_factory, guides, registry):
    out = tmp_path_factory.mktemp("drafts")
    return {
        (gid, loc, fmt, paper): build(guides[gid], registry, out, fmt, paper, loc)
        for gid, loc, fmt, paper in [
            ("us", "ru", "leaflet", "a4"),
            ("uk-young-people", "ar", "leaflet", "letter"),
            ("us", "ru", "poster", "a4"),
            ("us", "ru", "poster", "a3"),
            ("uk-young-people", "ar", "poster", "letter"),
        ]
    }


@pytest.mark.parametrize("key", [("us", "ru"), ("uk-young-people", "ar")])
def test_every_leaflet_panel_says_draft(drafts, key):
    """Folded, each panel can be seen alone (the cover above all): each says DRAFT."""
    path = next(p for k, p in drafts.items() if k[:2] == key and k[2] == "leaflet")
    width = pdfium.PdfDocument(path)[0].get_width()
    full = (width + 2.5 * MM) / 3
    for page_index, edges in ((0, [width - 2 * full, width - full]), (1, [full, 2 * full])):
        # an RTL leaflet folds the other way: its panels are mirrored
        folds = [width - x for x in edges] if key[1] == "ar" else edges
        bounds = [0, *sorted(folds), width]
        words = _drafts(path, page_index)
        for left, right in zip(bounds, bounds[1:]):
            inside = [b for b, _ in words if left < b[0] and b[2] < right]
            assert len(inside) == 1, (page_index, left, right, words)


@pytest.mark.parametrize("paper", ["a4", "a3", "letter"])
def test_a_poster_draft_band_is_seen_from_afar(drafts, paper):
    path = next(p for k, p in drafts.items() if k[2:] == ("poster", paper))
    pdf = pdfium.PdfDocument(path)
    w_pt, h_pt = pdf[0].get_size()
    k = min(w_pt / (210 * MM), h_pt / (297 * MM))
    [(box, size)] = _drafts(path, 0)
    assert size >= 14 * k  # as large as the smallest body text of a poster
    dpi = 100
    img = render(path, 0, dpi).convert("RGB")
    px = dpi / 72

    def crop(x0, y0, x1, y1):
        return img.crop((int(x0 * px), int((h_pt - y1) * px), int(x1 * px), int((h_pt - y0) * px)))

    word = crop(*box)
    colours = sorted(word.getcolors(1 << 16), reverse=True)
    band = colours[0][1]  # the band's colour fills most of the word's box
    ink = max((c for _, c in colours), key=lambda c: contrast(c, band))
    assert contrast(ink, band) >= 4.5
    # and the band stands out from what is around it: the colour just below it
    gap = size * 0.9 + 1 * MM  # past the descent and the band's padding
    below = crop(box[0], box[1] - gap - 2, box[2], box[1] - gap)
    around = sorted(below.getcolors(1 << 16), reverse=True)[0][1]
    assert contrast(band, around) >= 4.5, (band, around)


# ---------------------------------------------------------------- the number is the hero

POSTER_LOCALES = {
    "us": ("en", "ru", "ar", "zh-Hans", "ja", "vi"),
    "uk-young-people": ("en", "bn", "ur", "cy", "pl"),
}


@pytest.fixture(scope="module")
def posters(tmp_path_factory, guides, registry):
    out = tmp_path_factory.mktemp("posters")
    return {
        (gid, loc, paper): (
            localise(guides[gid], loc).guide,
            build(guides[gid], registry, out, "poster", paper, loc),
        )
        for gid, locs in POSTER_LOCALES.items()
        for loc in locs
        for paper in (("a4", "letter", "a3", "tabloid") if loc == "en" else ("a4",))
    }


def _sizes_of(cs, text: str, last: bool = False) -> list[float] | None:
    """The font sizes of the first (or `last`) place a text is printed; None if nowhere."""
    joined = "".join(c.ch for c in cs)
    at = (joined.rfind if last else joined.find)(text.replace(" ", ""))
    return None if at < 0 else [c.size for c in cs[at : at + len(text.replace(" ", ""))]]


@pytest.mark.parametrize(
    "gid, loc, paper",
    [
        (g, loc, p)
        for g, locs in POSTER_LOCALES.items()
        for loc in locs
        for p in (("a4", "letter", "a3", "tabloid") if loc == "en" else ("a4",))
    ],
)
def test_the_main_helpline_is_the_hero_of_the_poster(posters, registry, gid, loc, paper):
    """Each main helpline's number is at least twice the body size (the size most of the
    text is set in) and nothing but the headline is larger."""
    guide, path = posters[gid, loc, paper]
    cs = chars(path, 0)
    body = Counter(round(c.size, 2) for c in cs).most_common(1)[0][0]
    assert guide.poster.helplines
    for rid in guide.poster.helplines:
        number = registry[rid].display
        # each group of the number (a right-to-left line is read with its groups reversed)
        groups = [_sizes_of(cs, part) for part in number.split(" ")]
        assert all(groups), f"{number} is not on the poster"
        sizes = [s for g in groups for s in g]
        hero = min(sizes)
        assert hero >= 2 * body, (number, hero, body)
        headline = guide.title if guide.poster.headline_from == "title" else guide.card.headline
        larger = {c.ch for c in cs if c.size > hero + 0.01}
        allowed = set(headline.replace(" ", "")) | ({"."} if "…" in headline else set())
        assert larger <= allowed, (number, hero, sorted(larger))


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
def test_no_step_is_printed_twice_on_a_poster(posters, gid):
    """The first steps and the list beside them never say the same thing twice."""
    guide, path = posters[gid, "en", "a4"]
    text = pdf_text(path)
    text = text[: text.index(guide.card.contacts_heading)]  # the two columns
    steps = re.findall(r"\n\d+\.\s(.*?)(?=\n(?:\d+\.|[×•])\s|\n[A-Z][a-z]+\n|$)", "\n" + text, re.S)
    others = re.findall(r"\n[×•]\s(.*?)(?=\n(?:\d+\.|[×•])\s|$)", "\n" + text, re.S)
    assert steps and others
    for a in steps:
        for b in others:
            ratio = SequenceMatcher(None, _flat(a).lower(), _flat(b).lower()).ratio()
            assert ratio < 0.6, (a, b, ratio)


def test_the_us_poster_says_what_it_is_about(posters):
    guide, path = posters["us", "en", "a4"]
    text = _flat(pdf_text(path))
    assert _flat(f"{guide.title} {guide.subtitle}") in text
    cs = chars(path, 0)
    assert min(_sizes_of(cs, guide.title.rstrip("…"))) == max(c.size for c in cs)


# ---------------------------------------------------------------- QR codes in a calm grid


@pytest.fixture(scope="module")
def grids(tmp_path_factory, guides, registry):
    """Posters and leaflets with three codes (us), and a school's with five."""
    out = tmp_path_factory.mktemp("grids")
    args = ["build", "--config", str(ROOT / "examples" / "school.toml"), "--locale", "en"]
    for fmt in ("poster", "leaflet"):
        res = CliRunner().invoke(main, [*args, "--format", fmt, "--out", str(out / "school")])
        assert res.exit_code == 0, res.output
    school = out / "school" / "uk-young-people" / "en"
    return {
        ("us", "poster"): (guides["us"], build(guides["us"], registry, out, "poster", "a4")),
        ("us", "leaflet"): (guides["us"], build(guides["us"], registry, out, "leaflet", "a4")),
        ("school", "poster"): (guides["uk-young-people"], school / "poster-a4.pdf"),
        ("school", "leaflet"): (guides["uk-young-people"], school / "leaflet-a4.pdf"),
    }


@pytest.mark.parametrize(
    "key", [("us", "poster"), ("us", "leaflet"), ("school", "poster"), ("school", "leaflet")]
)
def test_qr_codes_stand_in_a_calm_grid(grids, key):
    guide, path = grids[key]
    page_index = 0  # the poster's page, the leaflet's outside (its back panel)
    codes = qr_codes(path, page_index, dpi=200)
    expected = 5 if key[0] == "school" else 3
    assert len(codes) == expected
    sizes = [c[2] for c in codes]
    assert max(sizes) - min(sizes) < 0.3, sizes  # one size of code
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for *_, b, _ in codes]
    rows: dict[int, list[float]] = {}
    for x, y in sorted(centres, key=lambda c: c[1]):
        row = next((r for r in rows if abs(r - y) < 40), round(y))
        rows.setdefault(row, []).append(x)
    lines = [sorted(xs) for _, xs in sorted(rows.items())]
    assert len(lines) > 1
    full, last = lines[0], lines[-1]
    assert len(last) <= len(full)
    # no empty cell: a short last row stands centred under the full rows
    mid = (full[0] + full[-1]) / 2
    assert abs((last[0] + last[-1]) / 2 - mid) < 0.5 * 200 / 25.4, (lines, mid)
    # one label size
    cs = chars(path, page_index)
    labels = [q.label for q in (guide.poster.qr or guide.card.qr)]
    label_sizes = {round(s, 2) for label in labels for s in _sizes_of(cs, label, last=True) or []}
    assert len(label_sizes) == 1, label_sizes


# ---------------------------------------------------------------- long languages

RU_HEADLINE = "Прекратите общение. Обратитесь за конфиденциальной помощью."


@pytest.mark.parametrize("headline_from", ["card", "title"])
def test_the_faithful_russian_headline_fits_the_a4_poster(
    tmp_path, guides, registry, headline_from
):
    """The review's faithful Russian headline, longer than the catalog's, fits A4 (on three
    lines if need be), whether the poster's headline is the card's or the title."""
    g = guides["us"]
    lg = localise(g, "ru")
    ru = dataclasses.replace(
        lg.guide,
        card=dataclasses.replace(lg.guide.card, headline=RU_HEADLINE),
        poster=dataclasses.replace(lg.guide.poster, headline_from=headline_from),
    )
    path = tmp_path / "poster-a4.pdf"
    path.write_bytes(
        render_pdf(dataclasses.replace(lg, guide=ru), registry, FORMATS["poster"], "a4").data
    )
    text = _flat(pdf_text(path))
    if headline_from == "card":
        assert RU_HEADLINE in text
        cs = chars(path, 0)
        assert min(_sizes_of(cs, RU_HEADLINE)) >= 40 - 0.05
    assert all(registry[r].display in text for r in ("rainn", "ccri"))


# ---------------------------------------------------------------- office marks


def _marks(path: Path, page_index: int) -> list[tuple[float, float, float, float]]:
    """The short lines of a page (crop and fold marks): thin, at most 12 mm long."""
    page = pdfium.PdfDocument(path)[page_index]
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        box = [ctypes.c_float() for _ in range(4)]
        pdfium_c.FPDFPageObj_GetBounds(obj.raw, *(ctypes.byref(v) for v in box))
        left, bottom, right, top = (v.value for v in box)
        w, h = right - left, top - bottom
        if min(w, h) < 1.0 and max(w, h) <= 12 * MM:
            out.append((left, bottom, right, top))
    return out


@pytest.mark.parametrize("fmt", ["leaflet", "card-sheet"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_office_marks_stand_where_an_office_printer_prints(tmp_path, guides, registry, fmt, paper):
    path = build(guides["us"], registry, tmp_path, fmt, paper)
    pdf = pdfium.PdfDocument(path)
    for page_index in range(len(pdf)):
        width, height = pdf[page_index].get_size()
        marks = _marks(path, page_index)
        assert marks, "no marks found"
        for left, bottom, right, top in marks:
            near = min(left, bottom, width - right, height - top)
            assert near >= 6 * MM - 0.5, (page_index, (left, bottom, right, top), near / MM)
