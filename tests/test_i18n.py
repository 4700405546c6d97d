"""Translations: extraction, catalog checks that keep numbers safe, untrusted text that stays
text, drafts that say so, incomplete catalogs, the pseudo-locale."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from leaflets import i18n
from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.errors import FitError, SourceError
from leaflets.formats import FORMATS
from leaflets.i18n import catalogs
from leaflets.i18n.extract import A11Y_MESSAGES
from leaflets.sources.placeholders import PLACEHOLDER
from leaflets.verify import check_file, read_pdf

from .conftest import ROOT, pdf_text, render

# The markup payload of CVE-2023-33733 (reportlab < 3.6.13): code in a font colour attribute.
CVE_2023_33733 = (
    "<para><font color=\"[ [ getattr(pow,Word('__globals__'))['os'].system('touch {marker}') "
    "for Word in [orgTypeFun('Word', (str,), {{ 'mutated': 1, 'startswith': lambda self, x: "
    "False, '__eq__': lambda self,x: self.mutate() and self.mutated < 0 and str(self) == x, "
    "'mutate': lambda self: {{setattr(self, 'mutated', self.mutated - 1)}}, '__hash__': lambda "
    "self: hash(str(self)) }})] ] for orgTypeFun in [type(type(1))] ] and 'red'\">"
    "exploit</font></para>"
)
LATIN = ["es", "fr", "ht", "pt-BR", "cy", "pl", "ro", "pt-PT", "lt", "uk", "ru", "vi", "tl"]
# the quick subset (-m "not slow") builds one Latin language of both guides and one Cyrillic;
# the others, 3 s each, in the full run
QUICK_LATIN = ("es", "ru")


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A private copy of locales/ that a test may break."""
    copy = tmp_path / "locales"
    shutil.copytree(catalogs.LOCALES_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALES_DIR", copy)
    return copy


def _set(locale: str, guide: str, ctx: str, text: str, fuzzy: bool = False) -> None:
    path = i18n.po_path(locale, guide)
    cat, headers = i18n.read_catalog(path)
    for m in cat:
        if m.context == ctx:
            m.string = text
            if fuzzy:
                m.flags.add("fuzzy")
    i18n.write_catalog(path, cat, headers)


def test_pybabel_extract_finds_every_guide_string(tmp_path, guides):
    pot = tmp_path / "x.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    from babel.messages.pofile import read_po

    with pot.open("rb") as f:
        cat = read_po(f)
    found = {(m.context, m.id) for m in cat if m.id}
    want = {(ctx, text) for g in guides.values() for ctx, text, _ in g.messages()}
    # and what a screen reader says of each edition's codes and links
    want |= {(f"{g}|{k}", text) for g in guides for k, (text, _) in A11Y_MESSAGES.items()}
    assert found == want
    rainn = next(m for m in cat if m.context == "us|card.contacts.rainn.text")
    comment = " ".join(rainn.auto_comments)
    assert "at most about" in comment
    assert "{rainn}" in comment and "never type a number" in comment


def test_shipped_pot_is_current(guides):
    from babel.messages.pofile import read_po

    for g in guides.values():
        with i18n.pot_path(g.id).open("rb") as f:
            cat = read_po(f)
        assert {(m.context, m.id) for m in cat if m.id} == {
            (ctx, text) for ctx, text, _ in g.messages()
        } | {(f"{g.id}|{k}", text) for k, (text, _) in A11Y_MESSAGES.items()}, (
            f"run: i18n extract ({g.id})"
        )


def test_i18n_check_passes_on_the_shipped_catalogs():
    res = CliRunner().invoke(main, ["i18n", "check"])
    assert res.exit_code == 0, res.output
    assert res.output == ""


def test_shipped_catalogs_are_drafts_and_complete():
    res = CliRunner().invoke(main, ["i18n", "stats"])
    assert res.exit_code == 0
    rows = [line.split() for line in res.output.splitlines()[1:]]
    assert len(rows) >= 20
    for row in rows:
        assert row[2] == "100%" and row[-1] == "draft", row


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("Llame al 1-800-656-4674 ahora.", "contains the number '1-800-656-4674'"),
        ("Visite https://rainn.example.org hoy.", "contains the link or host"),
        ("Visite rainn-help.org hoy.", "contains the link or host 'rainn-help.org'"),
        ("RAINN: llame al {rainn_num}.", "placeholder {rainn} must appear 1 time(s), found 0"),
        (
            "RAINN: llame al {rainn} o {rainn}.",
            "placeholder {rainn} must appear 1 time(s), found 2",
        ),
        ("RAINN: llame al <b>{rainn}</b>.", "contains markup"),
        ("RAINN &amp; {rainn}.", "contains markup"),
        ("Escriba a ayuda@example.org {rainn}", "contains an e-mail address"),
    ],
)
def test_a_bad_catalog_is_refused_with_one_line_and_no_pdf(locales, tmp_path, bad, problem):
    ctx = "us|card.contacts.rainn.text"
    _set("es", "us", ctx, bad)
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1
    assert f"locale es, guide us, message {ctx}: " in res.output and problem in res.output
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 1
    errors = [x for x in res.stderr.splitlines() if x.startswith("error: ")]
    assert errors and all(f"locale es, guide us, message {ctx}: " in e for e in errors)
    assert not list(out.rglob("*.pdf"))


def test_a_failing_catalog_stops_only_its_locale(locales, tmp_path):
    _set("es", "us", "us|card.contacts.rainn.text", "Llame al 555-0199-000.")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "all", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 1
    built = {p.parent.name for p in out.rglob("*.pdf")}
    assert "es" not in built and {"en", "fr", "pt-BR"} <= built


def test_cve_2023_33733_payload_is_refused_from_a_catalog(locales, tmp_path):
    marker = tmp_path / "exploited"
    _set("es", "us", "us|card.headline", CVE_2023_33733.format(marker=marker))
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--guide",
            "us",
            "--locale",
            "es",
            "--format",
            "card",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert res.exit_code == 1 and "contains markup" in res.stderr
    assert not marker.exists()


def test_cve_2023_33733_payload_is_printed_literally_if_it_gets_past_the_catalog(
    tmp_path, guides, registry
):
    marker = tmp_path / "exploited"
    payload = CVE_2023_33733.format(marker=marker)
    g = guides["us"]
    evil = dataclasses.replace(
        g, card=dataclasses.replace(g.card, headline=payload[:60], turn_over=payload[-40:])
    )
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(render_pdf(i18n.localise(evil, "en"), registry, FORMATS["card"], "cr80").data)
    text = " ".join(read_pdf(pdf).pages[0].text.split())
    assert "<para><font color=" in text and "</font></para>" in text
    assert not marker.exists()
    # and the whole payload as an organisation-style text goes through the same escaping
    from leaflets.text.markup import Para, markup

    assert "&lt;para&gt;" in markup(Para.of(payload), 8, 8)


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    out = tmp_path_factory.mktemp("es")
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--guide",
            "us",
            "--locale",
            "es",
            "--format",
            "all",
            "--paper",
            "all",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    return out / "us" / "es"


def test_a_draft_says_so_on_every_page_and_in_its_metadata(spanish, registry):
    for pdf in sorted(spanish.glob("*.pdf")):
        doc = read_pdf(pdf)
        for page in doc.pages:
            text = " ".join(page.text.split())
            assert "DRAFT" in text and "Traducción preliminar" in text, (pdf.name, page.number)
        reader = pypdf.PdfReader(pdf)
        assert "DRAFT" in reader.metadata.subject
        assert "review=draft" in reader.metadata["/Keywords"]
        assert reader.trailer["/Root"]["/Lang"] == "es"
    img = render(spanish / "card-cr80.pdf", 0, dpi=100)
    reds = sum(1 for p in img.get_flattened_data() if p[0] > 150 and p[1] < 80 and p[2] < 80)
    assert reds > 500  # the red band is visible


def test_verify_warns_on_drafts_and_require_reviewed_makes_it_an_error(spanish, registry):
    found = check_file(spanish / "card-cr80.pdf", registry)
    assert [(f.level, f.rule) for f in found] == [("warning", "review")]
    runner = CliRunner()
    assert runner.invoke(main, ["verify", str(spanish)]).exit_code == 0
    res = runner.invoke(main, ["verify", "--require-reviewed", str(spanish)])
    assert res.exit_code == 1 and "DRAFT translation" in res.output


def test_locale_aware_output(spanish, registry):
    card = read_pdf(spanish / "card-cr80.pdf")
    assert "Español" in card.pages[0].text
    poster = " ".join(read_pdf(spanish / "poster-a4.pdf").text.split())
    assert "25 de noviembre de 2026" in poster
    for rid in ("rainn", "ccri", "take-it-down"):
        assert registry[rid].display in card.text  # numbers and links as the registry prints


def test_bcp47_folders_and_lang(tmp_path):
    res = CliRunner().invoke(
        main,
        ["build", "--guide", "us", "--locale", "pt-BR", "--format", "card", "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "us" / "pt-BR" / "card-cr80.pdf"
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == "pt-BR"
    assert "Português (Brasil)" in read_pdf(pdf).pages[0].text


def test_fuzzy_and_untranslated_are_never_printed(locales, tmp_path, guides):
    ctx = "us|card.steps.1"
    _set("es", "us", ctx, "TEXTO DIFUSO", fuzzy=True)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 1
    assert "1 message(s) untranslated or fuzzy" in res.stderr and "--allow-incomplete" in res.stderr
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--guide",
            "us",
            "--locale",
            "es",
            "--format",
            "card",
            "--allow-incomplete",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    text = " ".join(read_pdf(out / "us" / "es" / "card-cr80.pdf").pages[0].text.split())
    assert "TEXTO DIFUSO" not in text
    assert guides["us"].card.steps[0] in text  # English stands in
    assert "en inglés" in text.lower() or "inglés" in text  # and the page says so


def test_update_makes_changed_english_fuzzy(locales, guides):
    g = guides["us"]
    changed = dataclasses.replace(
        g,
        card=dataclasses.replace(
            g.card, steps=("Stop contact now. End the conversation.",) + g.card.steps[1:]
        ),
    )
    i18n.update(changed)
    cat, headers = i18n.read_catalog(i18n.po_path("es", "us"))
    msg = next(m for m in cat if m.context == "us|card.steps.1")
    assert msg.fuzzy and msg.id == "Stop contact now. End the conversation."
    assert headers["X-Leaflets-Review"] == "draft"  # the review header survives Babel


def test_init_makes_a_draft(locales, guides):
    path = i18n.init(guides["uk-young-people"], "de")
    text = Path(path).read_text("utf-8")
    assert '"X-Leaflets-Review: draft\\n"' in text and 'msgctxt "uk-young-people|title"' in text
    with pytest.raises(SourceError) as e:
        i18n.init(guides["uk-young-people"], "de")
    assert str(e.value) == f"{path}: already exists; use 'i18n update' to bring it up to date"


PSEUDO_CASES = [
    (gid, fmt, paper)
    for gid in ("us", "uk-young-people")
    for fmt in FORMATS
    for paper in FORMATS[fmt].papers
]
# What the pseudo-locale's 30 % more text does not fit: the us card front (its body never
# below 6 pt) and the us poster's body (never below 14 pt on A4, scaled with the paper) have
# room for little more than 10 % over the English; no catalog is longer than that there yet (French,
# the longest, is 11 % longer on the card). At 40 % the uk-young-people leaflet on letter and
# the us poster on tabloid overflow too.
PSEUDO_OVERFLOW = {
    ("us", "card", "cr80"): "front (headline and first steps)",
    ("us", "card-sheet", "a4"): "card front (headline and first steps)",
    ("us", "card-sheet", "letter"): "card front (headline and first steps)",
    ("us", "poster", "a4"): "first steps, what not to do and whom to call",
    ("us", "poster", "letter"): "first steps, what not to do and whom to call",
    ("us", "poster", "a3"): "first steps, what not to do and whom to call",
}


@pytest.mark.parametrize("gid, fmt, paper", PSEUDO_CASES)
def test_pseudo_locale_builds_every_format_on_every_paper(
    tmp_path, guides, registry, gid, fmt, paper
):
    lg = i18n.localise(guides[gid], i18n.PSEUDO_LOCALE)
    if (gid, fmt, paper) in PSEUDO_OVERFLOW:
        # a known limit of the layout, not of the test: it must fail exactly so, in one line
        # (and this case fails, not passes, once the layout makes room)
        with pytest.raises(FitError) as e:
            render_pdf(lg, registry, FORMATS[fmt], paper)
        part = re.escape(PSEUDO_OVERFLOW[gid, fmt, paper])
        assert re.fullmatch(
            rf"guide {gid}, locale en-XA, format {fmt}, paper {paper}: {part}: "
            r"the text does not fit even at [\d.]+ pt; shorten the text",
            str(e.value),
        ), str(e.value)
        pytest.xfail(f"30 % longer text does not fit: {e.value}")
    pdf = tmp_path / f"{fmt}-{paper}.pdf"
    pdf.write_bytes(render_pdf(lg, registry, FORMATS[fmt], paper).data)
    text = pdf_text(pdf)  # pdfium's text of every page (verify below reads it all again)
    assert "DRAFT" in text and "ö" in text and "~~~" in text  # the pseudo text is printed
    assert [f for f in check_file(pdf, registry) if f.level == "error"] == []


def test_pseudo_locale_keeps_placeholders():
    text = "Call {rainn} or visit {take-it-down.url}."
    assert PLACEHOLDER.findall(i18n.pseudo(text)) == PLACEHOLDER.findall(text)
    assert len(i18n.pseudo("Stop contact and get support")) >= 1.3 * len(
        "Stop contact and get support"
    )
    out = i18n.pseudo("Call Childline (CEOP) or visit the Report Remove site today")
    assert "Childline (CEOP)" in out and "Report Remove" in out  # names keep their letters
    # the padding is words of its own: lines break in it, and no word grows
    assert max(map(len, out.strip("[]").split())) <= len("Childline")


@pytest.mark.parametrize(
    "locale",
    [loc if loc in QUICK_LATIN else pytest.param(loc, marks=pytest.mark.slow) for loc in LATIN],
)
def test_every_latin_and_cyrillic_language_builds_every_format(tmp_path, locale, registry):
    gids = [g for g in ("us", "uk-young-people") if locale in i18n.available_locales(g)]
    if not gids:
        pytest.skip(f"no {locale} catalog yet")
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--guide",
            "all",
            "--locale",
            locale,
            "--format",
            "all",
            "--paper",
            "all",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    for pdf in tmp_path.rglob("*.pdf"):
        assert [f for f in check_file(pdf, registry) if f.level == "error"] == [], pdf
