"""The small formats organisations hand out, read back as a person holding them would: the
discreet card (a front that does not say what it is about, in every language, against the
list of revealing words its catalog carries) and the door poster (the main number more than
twice the body's size, one code, the first two steps), on their papers, verified, tagged."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from pathlib import Path

import page as page_validation
import pikepdf
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.errors import BuildError
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.i18n.catalogs import available_locales, po_path
from leaflets.sources.config import load_config
from leaflets.sources.guide import load_guides
from leaflets.sources.registry import default_registry
from leaflets.verify import check_file

from .conftest import MM, chars, page_text, qr_codes

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ("us", "uk-young-people")
# every language of both editions, English first
LANGUAGES = [(g, loc) for g in GUIDES for loc in ["en", *available_locales(g)]]
# the scripts looked at: Latin, right-to-left, Indic, CJK
SCRIPTS = [("us", "en"), ("uk-young-people", "en"), ("us", "ar"), ("uk-young-people", "ur")]
SCRIPTS += [("uk-young-people", "bn"), ("us", "zh-Hans")]
DOOR = [(g, loc, paper) for g, loc in SCRIPTS for paper in ("a5", "a6")]
TRIMS = {"cr80": (85.6, 54.0), "a5": (148.0, 210.0), "a6": (105.0, 148.0)}


def _build(out: Path, registry, guides, guide: str, locale: str, fmt: str, paper: str) -> Path:
    path = out / guide / locale / f"{fmt}-{paper}.pdf"
    lg = localise(guides[guide], locale)
    write_atomic(path, render_pdf(lg, registry, FORMATS[fmt], paper).data)
    return path


@pytest.fixture(scope="module")
def discreet(tmp_path_factory, guides, registry) -> dict[tuple[str, str], Path]:
    """The discreet card in every language of both editions, built once."""
    out = tmp_path_factory.mktemp("discreet")
    return {
        (g, loc): _build(out, registry, guides, g, loc, "card-discreet", "cr80")
        for g, loc in LANGUAGES
    }


@pytest.fixture(scope="module")
def door(tmp_path_factory, guides, registry) -> dict[tuple[str, str, str], Path]:
    out = tmp_path_factory.mktemp("door")
    return {
        (g, loc, paper): _build(out, registry, guides, g, loc, "poster-door", paper)
        for g, loc, paper in DOOR
    }


def _id(case) -> str:
    return "-".join(case)


# ----------------------------------------------------------------------------- sizes


def _mm(box) -> tuple[float, float]:
    return (
        round((float(box[2]) - float(box[0])) / MM, 1),
        round((float(box[3]) - float(box[1])) / MM, 1),
    )


@pytest.mark.parametrize("case", SCRIPTS, ids=_id)
def test_the_discreet_card_is_cr80_with_its_bleed_on_two_pages(discreet, case):
    pdf = pikepdf.open(discreet[case])
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert _mm(page.TrimBox) == pytest.approx((85.6, 54.0), abs=0.15)
        assert _mm(page.BleedBox) == pytest.approx((91.6, 60.0), abs=0.15)


@pytest.mark.parametrize("case", DOOR, ids=_id)
def test_the_door_poster_is_one_portrait_page_of_its_paper(door, case):
    pdf = pikepdf.open(door[case])
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert _mm(page.TrimBox) == pytest.approx(TRIMS[case[2]], abs=0.15)
    assert [float(v) for v in page.MediaBox] == [float(v) for v in page.TrimBox]  # office


def test_the_door_posters_print_shop_variant_has_bleed_and_marks(tmp_path, registry):
    args = ["build", "--guide", "uk-young-people", "--format", "poster-door", "--paper", "all"]
    res = CliRunner().invoke(main, [*args, "--bleed", "--jobs", "1", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    for paper in ("a5", "a6"):
        path = tmp_path / "uk-young-people" / "en" / f"poster-door-{paper}.pdf"
        pdf = pikepdf.open(path)
        page = pdf.pages[0]
        w, h = TRIMS[paper]
        assert _mm(page.TrimBox) == pytest.approx((w, h), abs=0.15)
        assert _mm(page.BleedBox) == pytest.approx((w + 6, h + 6), abs=0.15)
        assert _mm(page.MediaBox) == pytest.approx((w + 16, h + 16), abs=0.15)
        assert check_file(path, registry) == []


# ----------------------------------------------------------------------------- door poster


@pytest.mark.parametrize("case", DOOR, ids=_id)
def test_the_main_number_is_the_hero_at_least_twice_the_body(door, registry, case):
    main_line = {"us": "rainn", "uk-young-people": "childline"}[case[0]]
    every = chars(door[case], 0)
    hero = max(c.size for c in every if c.ch.isdigit())
    # the largest digits on the page are the main helpline's, all of them (in any order: a
    # right-to-left line gives its runs in visual order)
    number = [c for c in every if c.size >= hero - 0.01 and c.ch.isalnum()]
    display = registry[main_line].display
    assert sorted(c.ch for c in number) == sorted(ch for ch in display if ch.isalnum())
    # the body: the size most of the page's other letters are set in (the first steps)
    body = Counter(round(c.size, 1) for c in every if c not in number).most_common(1)[0][0]
    assert hero >= 2 * body, (hero, body)
    assert hero >= 20, hero  # read at arm's length: at least 20 pt on A6, larger on A5
    assert body >= 8.9, body


@pytest.mark.parametrize("case", DOOR, ids=_id)
def test_the_door_poster_has_one_code_that_dials_the_main_helpline(door, registry, case):
    main_line = {"us": "rainn", "uk-young-people": "childline"}[case[0]]
    codes = qr_codes(door[case], 0, dpi=200)
    assert [c[0] for c in codes] == [registry[main_line].qr]
    assert codes[0][2] >= 17.5  # the symbol in mm


@pytest.mark.parametrize("case", [("us", "en"), ("uk-young-people", "en")], ids=_id)
def test_the_door_poster_prints_the_first_two_steps_and_no_more(door, guides, case):
    guide, locale = case
    text = " ".join(page_text(door[(guide, locale, "a6")], 0).split())
    steps = guides[guide].card.steps
    for step in steps[:2]:
        assert " ".join(step.split()) in text.replace("\ufffe", "-")
    for step in steps[2:]:
        assert step[:25] not in text


# ----------------------------------------------------------------------------- discreet card


def _catalog_words(guide: str, locale: str) -> list[str]:
    """The revealing words as the catalog (or, for English, the template) writes them."""
    path = ROOT / "locales" / f"{guide}.pot" if locale == "en" else po_path(locale, guide)
    with open(path, "rb") as f:
        cat = read_po(f)
    (msg,) = [m for m in cat if m.context == f"{guide}|discreet.revealing"]
    value = msg.string if locale != "en" else msg.id
    assert value, f"{path}: discreet.revealing is not translated"
    return [w.strip() for w in re.split(r"[,،、，]", value) if w.strip()]


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


def _holds(text: str, word: str) -> bool:
    """A word of Latin, Greek or Cyrillic letters at the start of a word of the text; any
    other script's word anywhere (no spaces in CJK, articles joined in Arabic)."""
    w = _plain(word)
    if all(ord(c) < 0x0530 for c in w if c.isalpha()):
        return re.search(rf"(?<!\w){re.escape(w)}", text) is not None
    return w.replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize("case", LANGUAGES, ids=_id)
def test_the_discreet_front_prints_no_revealing_word(discreet, guides, case):
    guide, locale = case
    front = _plain(page_text(discreet[case], 0))
    back = _plain(page_text(discreet[case], 1))
    # the reader sees the front: its headline (as the catalog has it) is there
    lg = localise(guides[guide], locale)
    assert _plain(lg.guide.discreet.headline).replace(" ", "") in front.replace(" ", "")
    words = _catalog_words(guide, locale) + _catalog_words(guide, "en")
    assert [w for w in words if _holds(front, w)] == []
    # the list is not empty talk: the back (today's card back) names what the card is about
    assert [w for w in words if _holds(back, w)] != []
    # and the file's title, which a phone shows for a shared file, is the front's headline
    with pikepdf.open(discreet[case]) as pdf:
        title = str(pdf.docinfo["/Title"])
        with pdf.open_metadata() as xmp:
            xmp_title = str(xmp.get("dc:title", ""))
    assert title.startswith(lg.guide.discreet.headline)
    assert [w for w in words if _holds(_plain(title), w) or _holds(_plain(xmp_title), w)] == []


def test_the_discreet_front_carries_the_helplines_numbers(discreet, registry):
    front = page_text(discreet[("us", "en")], 0)
    assert registry["rainn"].display in front and registry["ccri"].display in front
    front = page_text(discreet[("uk-young-people", "en")], 0)
    assert registry["childline"].display in front
    # and the back is the wallet card's, its two codes included
    codes = sorted(c[0] for c in qr_codes(discreet[("us", "en")], 1))
    assert codes == sorted([registry["rainn"].qr, registry["take-it-down"].qr])


def test_a_translation_that_reveals_the_topic_stops_the_build(guides, registry):
    lg = localise(guides["us"], "es")
    d = dataclasses.replace(lg.guide.discreet, intro="Apoyo tras una sextorsión.")
    bad = dataclasses.replace(lg, guide=dataclasses.replace(lg.guide, discreet=d))
    with pytest.raises(BuildError) as e:
        render_pdf(bad, registry, FORMATS["card-discreet"], "cr80")
    assert str(e.value) == (
        "guide us, locale es, format card-discreet, paper cr80: front: discreet.intro prints "
        "'sextorsión', which discreet.revealing lists as saying what the card is about; "
        "reword it"
    )


# ----------------------------------------------------------------------------- verify, UA-1


@pytest.mark.parametrize("case", SCRIPTS, ids=_id)
def test_both_formats_verify_clean(discreet, door, registry, case):
    for path in (discreet[case], door[(*case, "a5")], door[(*case, "a6")]):
        assert [f for f in check_file(path, registry) if f.level == "error"] == [], path


@pytest.mark.parametrize("fmt, paper", [("card-discreet", "cr80"), ("poster-door", "a6")])
def test_a_changed_registry_number_is_caught(tmp_path, guides, registry, fmt, paper):
    tampered = registry.replace(
        "rainn", display="1-800-656-4674", tel="+18006564674", qr="tel:+18006564674"
    )
    path = tmp_path / f"{fmt}.pdf"
    write_atomic(path, render_pdf(localise(guides["us"], "en"), tampered, FORMATS[fmt], paper).data)
    found = check_file(path, registry)
    assert any(f.rule == "number" and "1-800-656-4674" in f.message for f in found)
    assert any(f.rule == "qr" and "+18006564674" in f.message for f in found)
    assert any(f.rule == "required" and "RAINN" in f.message for f in found)


UA = [
    (g, loc, fmt, paper)
    for g, loc in (("us", "en"), ("us", "ar"), ("us", "zh-Hans"))
    for fmt, paper in (("card-discreet", "cr80"), ("poster-door", "a5"))
]


@pytest.mark.parametrize("case", UA, ids=_id)
def test_both_formats_pass_pdf_ua_1(discreet, door, case):
    guide, locale, fmt, paper = case
    path = discreet[(guide, locale)] if fmt == "card-discreet" else door[(guide, locale, paper)]
    report = page_validation.validate_pdf(str(path), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_the_discreet_front_is_read_first_its_headline_the_one_h1(discreet):
    pdf = pikepdf.open(discreet[("uk-young-people", "en")])
    (document,) = list(pdf.Root.StructTreeRoot.K)
    roles = []

    def walk(el):
        k = el.get("/K")
        for kid in list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                roles.append(str(kid.S))
                walk(kid)

    walk(document)
    assert roles.count("/H1") == 1 and roles.index("/H1") < roles.index("/H2")


def test_the_new_formats_are_byte_reproducible(tmp_path, monkeypatch, guides, registry):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    lg = localise(guides["uk-young-people"], "ar")
    for fmt, paper in (("card-discreet", "cr80"), ("poster-door", "a6")):
        one = render_pdf(lg, registry, FORMATS[fmt], paper).data
        two = render_pdf(lg, registry, FORMATS[fmt], paper).data
        assert one == two, fmt


def test_format_all_builds_the_new_formats(matrix):
    for guide in GUIDES:
        files = {p.name for p in (matrix / guide / "en").glob("*.pdf")}
        assert {"card-discreet-cr80.pdf", "poster-door-a5.pdf", "poster-door-a6.pdf"} <= files


def test_an_organisation_whose_name_reveals_the_topic_is_refused_on_the_discreet_front():
    org = load_config(ROOT / "examples" / "school.toml")
    org = dataclasses.replace(org, name="Northfield Sexual Health Clinic")
    registry = org.registry(default_registry())
    (guide,) = load_guides(["uk-young-people"], registry)
    with pytest.raises(BuildError) as e:
        render_pdf(localise(guide, "en"), registry, FORMATS["card-discreet"], "cr80", org=org)
    assert str(e.value) == (
        "guide uk-young-people, locale en, format card-discreet, paper cr80: front: the "
        "organisation's name prints 'sex', which discreet.revealing lists as saying what the "
        "card is about; reword it"
    )
    # the wallet card, whose front says what it is about anyway, takes the name
    assert render_pdf(localise(guide, "en"), registry, FORMATS["card"], "cr80", org=org).data
