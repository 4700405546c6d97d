"""Translations: extraction, catalog checks that keep numbers safe, untrusted text that stays
text, drafts that say so, incomplete catalogs, the pseudo-locale."""

from __future__ import annotations

import dataclasses
import os
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
from leaflets.errors import SourceError
from leaflets.formats import FORMATS
from leaflets.i18n import catalogs
from leaflets.i18n.checks import message_problems
from leaflets.i18n.extract import A11Y_MESSAGES, edition_messages
from leaflets.sources import reading, reviews
from leaflets.sources.placeholders import PLACEHOLDER
from leaflets.verify import check_file, check_paths, read_pdf

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
    monkeypatch.setattr(reviews, "LOCALES_DIR", copy)
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
    want |= {(ctx, text) for g in guides.values() for ctx, text, _ in edition_messages(g)}
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
        } | {(f"{g.id}|{k}", text) for k, (text, _) in A11Y_MESSAGES.items()} | {
            (ctx, text) for ctx, text, _ in edition_messages(g)
        }, f"run: i18n extract ({g.id})"


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


@pytest.mark.parametrize(
    "locale, bad, problem",
    [
        ("es", "Llame al 1/900/555/0199 ahora.", "contains the number '1/900/555/0199'"),
        ("es", "Llame al 1,9,0,0,5,5,5,0,1,9,9.", "contains the number '1,9,0,0,5,5,5,0,1,9,9'"),
        ("es", "Llame al 1·900·555·0199.", "contains the number"),
        ("es", "Llame al 0800 1lll.", "contains the number '0800 1lll'"),
        ("es", "Llame al ১৯০০৫৫৫০১৯৯.", "(19005550199)"),
        ("es", "Llame al 112.", "contains the number '112'"),
        ("es", "Call one eight hundred five five five.", "contains the number"),
        ("ja", "〇一二〇 九九九 九九九 に電話", "contains the number"),
        ("zh-Hans", "请拨打 零八零零 一一一一", "contains the number"),
        ("es", "Visite evil[.]example hoy.", "contains the link or host 'evil.example'"),
        ("es", "Visite evil . example hoy.", "contains the link or host 'evil.example'"),
        ("es", "Visite evil(dot)example hoy.", "contains the link or host 'evil.example'"),
        ("es", "Visite evil punto com hoy.", "contains the link or host 'evil.com'"),
        ("ja", "evil。example を見て", "contains the link or host 'evil.example'"),
        ("ja", "evil．example を見て", "contains the link or host 'evil.example'"),
        ("ar", "اتصل \u202e{rainn}", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("ar", "اتصل \u2066{rainn}\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("es", "Llame\u200b al {rainn}.", "U+200B ZERO WIDTH SPACE"),
        # found by a hostile tester: what touches a placeholder, compatibility forms, more
        # dots, digit words of other languages, Korean and place-value CJK numerals
        ("es", "RAINN: {rainn}9.", "'9' stands right after {rainn}"),
        ("es", "RAINN: 1{rainn}.", "'1' stands right before {rainn}"),
        ("es", "RAINN: {rainn}/pay", "'/' stands right after {rainn}"),
        ("es", "RAINN: {rainn}@evil.example", "'@' stands right after {rainn}"),
        ("es", "Llame al ¹⁸⁰⁰⁵⁵⁵⁰¹⁹⁹ {rainn}", "contains the number"),
        ("es", "Llame al uno nueve cero cero cinco cinco cinco {rainn}", "'1900555'"),
        ("ru", "Звоните один восемь ноль ноль {rainn}", "'1800'"),
        ("ko", "일팔공공 오오오 공일구구 {rainn}", "contains the number"),
        ("zh-Hans", "请拨打 九百一十一 {rainn}", "'911'"),
        ("ja", "ｅｖｉｌ．ｅｘａｍｐｌｅ {rainn}", "'evil.example'"),
        ("ja", "ⓔⓥⓘⓛ.ⓒⓞⓜ {rainn}", "'evil.com'"),
        ("zh-Hans", "访问 evil点com {rainn}", "'evil.com'"),
        ("es", "Visite evil . help {rainn}", "'evil.help'"),
        ("es", "Visite evil .com {rainn}", "'evil.com'"),
        ("es", "Visite evil⸱com {rainn}", "'evil.com'"),
        ("es", "Llame al\x07 {rainn}.", "U+0007"),
    ],
)
def test_numbers_and_addresses_in_any_spelling_are_refused(locales, locale, bad, problem):
    ctx = "us|card.contacts.rainn.text"
    _set(locale, "us", ctx, bad)
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", locale])
    assert res.exit_code == 1
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert any(f"locale {locale}, guide us, message {ctx}: " in x and problem in x for x in lines)


def test_numbers_nobody_could_call_are_not_refused(locales):
    """ "24時間365日" (24 hours, 365 days) for "24/7": 365 is no number to call; 112 is."""
    ctx = "us|card.contacts.rainn.text"
    _set("ja", "us", ctx, "24時間365日 {rainn}")
    assert CliRunner().invoke(main, ["i18n", "check", "--locale", "ja"]).exit_code == 0
    _set("ja", "us", ctx, "112 {rainn}")
    assert CliRunner().invoke(main, ["i18n", "check", "--locale", "ja"]).exit_code == 1


# "Free, round the clock", as each language of the catalogs writes it: counts of hours and
# days, which no one dials. The English these translate has "24/7" or no number at all.
ROUND_THE_CLOCK = [
    ("ja", "無料、24時間365日"),
    ("ja", "無料、２４時間３６５日"),
    ("ja", "無料、24時間年中無休"),
    ("ja", "年中無休（365日）"),
    ("zh-Hans", "免费，24小时全年无休"),
    ("zh-Hans", "全年365天，每天24小时"),
    ("zh-Hant", "免費，24小時全年無休"),
    ("ko", "무료, 연중무휴 24시간"),
    ("ko", "무료, 24시간 365일"),
    ("en", "24 hours a day, 7 days a week, 365 days a year"),
    ("en", "open 24/7/365"),
    ("en", "open 24 / 7 / 365"),
    ("es", "gratis, 24 horas al día, 365 días al año"),
    ("es", "las 24 horas, los 7 días de la semana"),
    ("fr", "gratuit, 24 h/24, 7 j/7, 365 jours par an"),
    ("fr", "24 heures sur 24, 7 jours sur 7"),
    ("pt-BR", "grátis, 24 horas por dia, 365 dias por ano"),
    ("pt-PT", "gratuito, 24/24 h, 7 dias por semana"),
    ("pl", "bezpłatnie, 24 godziny na dobę, 7 dni w tygodniu, 365 dni w roku"),
    ("ru", "бесплатно, 24 часа в сутки, 365 дней в году"),
    ("uk", "безкоштовно, цілодобово: 24/7/365"),
    ("ro", "gratuit, 24 de ore din 24, 365 de zile pe an"),
    ("lt", "nemokamai, 24 valandas per parą, 7 dienas per savaitę"),
    ("cy", "am ddim, 24 awr y dydd, 365 diwrnod y flwyddyn"),
    ("vi", "miễn phí, 24 giờ mỗi ngày, 365 ngày mỗi năm"),
    ("tl", "libre, 24 oras, 7 araw, 365 araw sa isang taon"),
    ("ht", "gratis, 24 èdtan sou 24, 7 jou sou 7, 365 jou pa ane"),
    ("ar", "مجانًا، 24 ساعة في اليوم، 365 يومًا في السنة"),
    ("ar", "مجانًا، ٢٤/٧"),
    ("fa", "رایگان، ۲۴ ساعته، ۳۶۵ روز سال"),
    ("ur", "مفت، 24 گھنٹے، 7 دن، 365 دن"),
    ("bn", "বিনামূল্যে, ২৪ ঘণ্টা, ৩৬৫ দিন"),
    ("gu", "મફત, 24 કલાક, 365 દિવસ"),
    ("pa", "ਮੁਫ਼ਤ, 24 ਘੰਟੇ, 365 ਦਿਨ"),
]


@pytest.mark.parametrize("locale, hours", ROUND_THE_CLOCK)
def test_round_the_clock_hours_in_every_language_are_not_refused(locale, hours):
    marks = reading.marks_for(locale)
    for english in ("CCRI: call {ccri} (free of charge, 24/7).", "CCRI: call {ccri}."):
        assert message_problems(english, f"CCRI: {{ccri}} ({hours}).", marks) == []
    # an organisation's own text (no English to follow) reads them alike
    assert reading.untrusted_text_problems(hours, None, marks, ("US", "GB")) == []


@pytest.mark.parametrize(
    "text, shown",
    [
        # real numbers beside round-the-clock hours are still refused
        ("24/7: 116 123", "116 123"),
        ("24時間365日 0800 1111", "0800 1111"),
        ("365日 12345", "12345"),
        ("24/7, call 999", "999"),
        ("24/7 1/900/555/0199", "24/7 1/900/555/0199"),  # one run: 24 7 1 900 555 0199
        # only slashes or a times sign join the counts; other joins read as digits
        ("open 24-7-365", "24-7-365"),
        ("open 24 7 365", "24 7 365"),
        ("open 24.7.365", "24.7.365"),
        # other counts, a count thrice, or four of them are digits
        ("open 24/2424", "24/2424"),
        ("open 24/7/365/24", "24/7/365/24"),
        ("open 2424", "2424"),
        ("call 365 1111", "365 1111"),
    ],
)
def test_numbers_beside_or_dressed_as_round_the_clock_hours_are_refused(text, shown):
    english = "CCRI: call {ccri} (free of charge, 24/7)."
    problems = message_problems(english, f"CCRI: {{ccri}} ({text}).")
    assert any("contains the number" in p and shown in p for p in problems), problems
    problems = reading.untrusted_text_problems(text, None, regions=("US", "GB"))
    assert any("contains the number" in p and shown in p for p in problems), problems


def test_round_the_clock_hours_pass_check_build_and_verify(locales, tmp_path):
    """The catalog check and verify read "24時間365日" and "24/7/365" alike: the check passes
    them, the card prints them, and verify finds nothing wrong."""
    _set("ja", "us", "us|card.contacts.ccri.text", "CCRI：{ccri}（無料、24時間365日）。")
    _set("ja", "us", "us|card.contacts.rainn.text", "RAINN：{rainn}（24/7/365）。")
    assert CliRunner().invoke(main, ["i18n", "check", "--locale", "ja"]).exit_code == 0
    out = tmp_path / "out"
    args = ["build", "--guide", "us", "--locale", "ja", "--format", "card", "--jobs", "1"]
    assert CliRunner().invoke(main, [*args, "--out", str(out)]).exit_code == 0
    path = out / "us" / "ja" / "card-cr80.pdf"
    text = "".join(pdf_text(path).split())
    assert "24時間365日" in text and "24/7/365" in text
    res = CliRunner().invoke(main, ["verify", str(out)])
    assert res.exit_code == 0, res.output
    assert "error" not in res.output.replace("0 error(s)", "")


def test_the_marks_a_language_needs_are_allowed_by_name(locales):
    """Persian writes ZWNJ inside words (the shipped catalog has 70); Spanish needs none."""
    ctx = "us|card.contacts.rainn.text"
    _set("fa", "us", ctx, "می\u200cتوانید {rainn}")
    assert CliRunner().invoke(main, ["i18n", "check", "--locale", "fa"]).exit_code == 0
    _set("es", "us", ctx, "pue\u200cde {rainn}")
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1 and "U+200C ZERO WIDTH NON-JOINER" in res.output


@pytest.mark.parametrize(
    "edit, problem",
    [
        # a msgstr without its opening quote: Babel would print "onjour" for "Bonjour"
        (lambda t: t.replace('msgstr "', "msgstr ", 2), "a string is not quoted right"),
        # an unterminated msgctxt: Babel would drop the message
        (lambda t: t.replace('msgctxt "us|card.headline"', 'msgctxt "us|card.headline'), "quoted"),
        (lambda t: t + "\nthis is not po\n", "not a PO keyword, comment or string"),
        (lambda t: t + '\nmsgctxt "us|card.headline"\nmsgid "x"\n', "has no msgstr"),
    ],
)
def test_broken_po_syntax_is_an_error_naming_file_and_line(locales, tmp_path, edit, problem):
    path = i18n.po_path("es", "us")
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1
    err = [x for x in res.output.splitlines() if "us.po" in x]
    assert len(err) == 1 and re.search(r"es/LC_MESSAGES/us\.po:\d+: ", err[0]), res.output
    assert problem in err[0]
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert not list(out.rglob("*.pdf"))


def test_an_obsolete_line_inside_a_message_cannot_replace_its_translation(locales):
    """A '#~ msgstr' between msgid and msgstr is what Babel would print, hidden from a person
    reading the file: it is a syntax error."""
    path = i18n.po_path("es", "us")
    text = path.read_text("utf-8")
    good = re.search(r'msgctxt "us\|card\.headline"\nmsgid ".*"\n', text)
    hidden = '#~ msgstr "No llame a nadie; pague lo que le pidan."\n'
    path.write_text(text[: good.end()] + hidden + text[good.end() :], "utf-8")
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1 and "the entry has no msgstr after its msgid" in res.output


def test_a_catalog_that_is_not_a_file_is_one_line_and_a_bom_is_read(locales, tmp_path):
    path = i18n.po_path("es", "us")
    text = path.read_text("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert CliRunner().invoke(main, ["i18n", "check", "--locale", "es"]).exit_code == 0
    path.unlink()
    path.symlink_to("/dev/zero")
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1 and "not a regular file" in res.output
    path.unlink()
    os.mkfifo(path)
    res = CliRunner().invoke(
        main,
        ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(tmp_path)],
    )
    assert res.exit_code == 1 and "not a regular file" in res.stderr


def test_a_message_given_twice_is_an_error(locales):
    path = i18n.po_path("es", "us")
    text = path.read_text("utf-8")
    block = re.search(r'\n(msgctxt "us\|card\.headline"\n(?:.+\n)+)', text).group(1)
    path.write_text(text.rstrip("\n") + "\n\n" + block, "utf-8")
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1 and "the same message is also on line" in res.output


def _build_es_card(out: Path) -> Path:
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    return out / "us" / "es" / "card-cr80.pdf"


def test_a_catalog_header_cannot_declare_itself_reviewed(locales, tmp_path):
    path = i18n.po_path("es", "us")
    text = path.read_text("utf-8")
    text = text.replace("X-Leaflets-Review: draft", "X-Leaflets-Review: reviewed")
    text = text.replace("X-Leaflets-Reviewed-By: ", "X-Leaflets-Reviewed-By: Anyone")
    text = text.replace("X-Leaflets-Reviewed-Date: ", "X-Leaflets-Reviewed-Date: 2099-01-01")
    path.write_text(text, "utf-8")
    assert "X-Leaflets-Review: reviewed" in path.read_text("utf-8")
    stats = CliRunner().invoke(main, ["i18n", "stats", "--guide", "us"]).output
    assert re.search(r"^es\s+us\s+100%\s+0\s+0\s+draft$", stats, re.M), stats
    card = _build_es_card(tmp_path / "out")
    assert "DRAFT" in pdf_text(card)
    res = CliRunner().invoke(main, ["verify", "--require-reviewed", str(tmp_path / "out")])
    assert res.exit_code == 1 and "DRAFT translation" in res.output


def test_a_sign_off_makes_exactly_that_catalog_reviewed(locales, tmp_path):
    res = CliRunner().invoke(
        main, ["i18n", "review", "es", "--guide", "us", "--reviewer", "Ana López"]
    )
    assert res.exit_code == 0, res.output
    record = (locales / "reviews.toml").read_text("utf-8")
    assert 'reviewer = "Ana López"' in record and 'edition = "us"' in record
    assert re.search(r'catalog_sha256 = "[0-9a-f]{64}"', record)
    stats = CliRunner().invoke(main, ["i18n", "stats", "--guide", "us"]).output
    assert re.search(r"^es\s+us\s+.*reviewed by Ana López \d{4}-\d\d-\d\d$", stats, re.M)
    assert re.search(r"^fr\s+us\s+.*draft$", stats, re.M)
    card = _build_es_card(tmp_path / "reviewed")
    assert "DRAFT" not in pdf_text(card)
    res = CliRunner().invoke(main, ["verify", "--require-reviewed", str(tmp_path / "reviewed")])
    assert res.exit_code == 0, res.output
    # one changed message makes the catalog a draft again until it is reviewed anew
    _set("es", "us", "us|card.headline", "Corte el contacto ya.")
    card = _build_es_card(tmp_path / "changed")
    assert "DRAFT" in pdf_text(card)
    # a sign-off removed from the record: the reviewed file no longer verifies as reviewed
    (locales / "reviews.toml").write_text("", "utf-8")
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "reviewed")])
    assert res.exit_code == 1 and "has no sign-off of the es catalog" in res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reviewer", "Ana", "--date", "2099-01-01"], "--date 2099-01-01: is in the future"),
        (["--reviewer", " "], "--reviewer: give the reviewer's name"),
        (["--reviewer", "Ana 0800 1111"], "without numbers, e-mail or links"),
    ],
)
def test_a_sign_off_needs_a_name_and_a_real_date(locales, args, message):
    res = CliRunner().invoke(main, ["i18n", "review", "es", "--guide", "us", *args])
    assert res.exit_code == 2 and message in res.stderr
    assert not (locales / "reviews.toml").exists()


def test_only_a_complete_catalog_can_be_signed_off(locales):
    _set("es", "us", "us|card.headline", "Corte el contacto.", fuzzy=True)
    res = CliRunner().invoke(main, ["i18n", "review", "es", "--guide", "us", "--reviewer", "A"])
    assert res.exit_code == 2 and "1 fuzzy and 0 untranslated message(s)" in res.stderr


def test_a_sign_off_edited_into_the_future_is_refused(locales):
    CliRunner().invoke(main, ["i18n", "review", "es", "--guide", "us", "--reviewer", "Ana"])
    path = locales / "reviews.toml"
    path.write_text(re.sub(r"date = \S+", "date = 2099-01-01", path.read_text("utf-8")))
    res = CliRunner().invoke(main, ["i18n", "check", "--locale", "es"])
    assert res.exit_code == 1 and "date 2099-01-01 is in the future" in res.output


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
    # the command's exit codes, on two files (every Spanish file is verified by
    # test_every_latin_and_cyrillic_language_builds_every_format)
    two = [str(spanish / "card-cr80.pdf"), str(spanish / "poster-a4.pdf")]
    runner = CliRunner()
    assert runner.invoke(main, ["verify", *two]).exit_code == 0
    res = runner.invoke(main, ["verify", "--require-reviewed", *two])
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


def _build_and_verify(lg, registry, fmt: str, paper: str, out: Path) -> None:
    pdf = out / f"{fmt}-{paper}.pdf"
    pdf.write_bytes(render_pdf(lg, registry, FORMATS[fmt], paper).data)
    text = pdf_text(pdf)  # pdfium's text of every page (verify below reads it all again)
    assert "DRAFT" in text and "ö" in text and "~~~" in text  # the pseudo text is printed
    assert [f for f in check_file(pdf, registry) if f.level == "error"] == []


@pytest.mark.parametrize("gid, fmt, paper", PSEUDO_CASES)
def test_pseudo_locale_builds_every_format_on_every_paper(
    tmp_path, guides, registry, gid, fmt, paper
):
    """en-XA, at least 40 % longer than English in breakable words of its own, fits every
    format on every paper, in both editions: the layouts close up their spacing (the poster
    lowers its floor, the leaflet uses its back panel's free room) before they fail."""
    g = guides[gid]
    lg = i18n.localise(g, i18n.PSEUDO_LOCALE)
    english = sum(len(t) for _, t, _ in g.messages())
    # the text itself, without the brackets that show where each message begins and ends
    assert sum(len(t.removeprefix("[").removesuffix("]")) for _, t, _ in lg.guide.messages()) >= (
        1.4 * english
    )
    _build_and_verify(lg, registry, fmt, paper, tmp_path)


def test_pseudo_locale_keeps_placeholders():
    text = "Call {rainn} or visit {take-it-down.url}."
    assert PLACEHOLDER.findall(i18n.pseudo(text)) == PLACEHOLDER.findall(text)
    assert len(i18n.pseudo("Stop contact and get support")) >= 1.4 * len(
        "Stop contact and get support"
    )
    out = i18n.pseudo("Call Childline (CEOP) or visit the Report Remove site today")
    assert "Childline (CEOP)" in out and "Report Remove" in out  # names keep their letters
    # the padding is words of its own: lines break in it, and no word grows
    assert max(map(len, out.strip("[]").split())) <= len("Childline")


@pytest.mark.parametrize("locale", QUICK_LATIN)
def test_every_latin_and_cyrillic_language_builds_every_format(tmp_path, locale, registry):
    """One Latin and one Cyrillic language here; the others are verified from the release
    build of the whole matrix (tests/test_release.py), which makes them anyway."""
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
    files, findings = check_paths([tmp_path], registry)  # both CPUs
    assert len(files) >= 9
    assert [str(f) for f in findings if f.level == "error"] == []
