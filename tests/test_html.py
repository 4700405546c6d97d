"""The HTML edition: one self-contained page per edition and language, read back with a parser
of the test's own (lang, dir, headings, lists, every link against the registry, the texts of
the localised guide, the draft notice), verified, and caught by verify when a number in a
catalog or the registry is tampered with or the page is made hostile by hand."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import os
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from leaflets import i18n
from leaflets.build import make_plan, render_page
from leaflets.cli import main
from leaflets.errors import BuildError, ConfigError
from leaflets.files import write_atomic
from leaflets.formats import FORMATS, WEB_FORMATS
from leaflets.i18n import catalogs
from leaflets.i18n.locales import RTL_LANGUAGES
from leaflets.sources.config import load_config
from leaflets.sources.placeholders import fill
from leaflets.verify import check_file, check_paths
from leaflets.verify import html as verify_html

from .conftest import ROOT

HTML = WEB_FORMATS["html"]
INLINE = {"a", "strong", "em", "b", "i", "span", "small", "bdi"}
TAMPERED_TEXT = "RAINN: llame al {rainn} o al 1-800-656-4674."  # a number typed into a catalog
TAMPERED_RAINN = {"display": "1-800-656-4674", "tel": "+18006564674", "qr": "tel:+18006564674"}


class Page(HTMLParser):
    """What a browser and a screen reader get: lang and dir, the title, headings in order,
    lists with their items, links with their text, images, and the text of the body."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = self.dir = None
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.lists: list[dict] = []  # {"tag", "class", "items": [text, ...]}
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.images: list[dict] = []
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.body = ""
        self._stack: list[tuple[str, int, dict]] = []  # (tag, where its text starts, attrs)
        self._open_lists: list[dict] = []
        self._in_title = self._in_body = False
        self.feed(text)
        self.close()
        assert not self._stack, f"never closed: {[t for t, _, _ in self._stack]}"
        self.body = " ".join(self.body.split())

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs += [n for n, _ in attrs]
        if tag == "html":
            self.lang, self.dir = a.get("lang"), a.get("dir")
        if tag == "img":
            self.images.append(a)
            return
        if tag in ("meta", "br"):
            return
        if tag in ("ol", "ul"):
            self.lists.append({"tag": tag, "class": a.get("class") or "", "items": []})
            self._open_lists.append(self.lists[-1])
        self._in_title |= tag == "title"
        self._in_body |= tag == "body"
        self.body += "" if tag in INLINE else " "
        self._stack.append((tag, len(self.body), a))

    def handle_endtag(self, tag):
        if tag in ("img", "meta", "br"):
            return
        name, start, a = self._stack.pop()
        assert name == tag, f"</{tag}> closes <{name}>"
        text = " ".join(self.body[start:].split())
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append((int(tag[1]), text))
        elif tag == "li":
            self._open_lists[-1]["items"].append(text)
        elif tag in ("ol", "ul"):
            self._open_lists.pop()
        elif tag == "a":
            self.links.append((a.get("href"), text))
        self._in_title &= tag != "title"
        self._in_body &= tag != "body"
        self.body += "" if tag in INLINE else " "

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_body:
            self.body += data


def _flat(text: str) -> str:
    return " ".join(text.split())


def _build(out: Path, *args: str) -> Path:
    res = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """Every edition in every language, as web pages (no PDF: about a second)."""
    out = tmp_path_factory.mktemp("html")
    return _build(out, "--guide", "all", "--locale", "all", "--format", "html")


def _all_pages(pages: Path) -> list[tuple[str, str, Path]]:
    return [(p.parts[-3], p.parts[-2], p) for p in sorted(pages.glob("*/*/index.html"))]


def _lone(page: Path, tmp_path: Path, text: str | None = None, name: str = "page.html") -> Path:
    """A copy of a page outside its build folder, changed by hand (`text`)."""
    path = tmp_path / name
    path.write_text(page.read_text("utf-8") if text is None else text, "utf-8")
    return path


def _errors(path: Path, registry, rule: str | None = None) -> list[str]:
    return [
        f.message
        for f in check_file(path, registry)
        if f.level == "error" and (rule is None or f.rule == rule)
    ]


# ----------------------------------------------------------------------------- the build


def test_every_language_of_every_edition_builds_one_page(pages, guides):
    built = {(g, loc) for g, loc, _ in _all_pages(pages)}
    want = {(g, loc) for g in guides for loc in i18n.available_locales(g)}
    assert built == want and len(want) >= 28
    assert not list(pages.rglob("*.pdf"))
    manifest = json.loads((pages / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["files"]}
    for g, loc, path in _all_pages(pages):
        e = entries[f"{g}/{loc}/index.html"]
        data = path.read_bytes()
        assert e["format"] == "html" and e["paper"] == "" and e["pages"] == 1
        assert e["sha256"] == hashlib.sha256(data).hexdigest()
        assert e["size"] == len(data) and e["locale"] == loc and e["guide"] == g
        assert e["review"] == ("reviewed" if loc == "en" else "draft")
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_all_means_the_print_formats_and_html_is_built_when_named():
    every = make_plan(guides="us", formats="all")
    printed = {j.format for j in every.jobs}
    assert printed == set(FORMATS)  # every print format of the table, the new ones too
    assert printed >= {"card", "card-sheet", "poster", "leaflet", "card-discreet", "poster-door"}
    assert printed >= {"large-print", "social-square", "social-story"}
    both = make_plan(guides="us", formats=["all", "html"])
    web = [j for j in both.jobs if j.format == "html"]
    assert [j.relpath for j in web] == ["us/en/index.html"]
    assert {j.format for j in both.jobs} == printed | {"html"}
    res = CliRunner().invoke(main, ["build", "--format", "pamphlet", "--out", "/nonexistent"])
    assert res.exit_code == 2 and "html" in res.output


def test_format_may_be_given_twice_on_the_command_line(tmp_path):
    out = _build(tmp_path, "--guide", "uk-young-people", "--format", "card", "--format", "html")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == [
        "manifest.json",
        "uk-young-people/en/card-cr80.pdf",
        "uk-young-people/en/index.html",
    ]


def test_the_page_is_what_a_screen_reader_needs(pages, registry):
    for guide, locale, path in _all_pages(pages):
        page = Page(path.read_text("utf-8"))
        where = f"{guide}/{locale}"
        assert page.lang == locale, where
        rtl = locale.split("-")[0] in RTL_LANGUAGES
        assert page.dir == ("rtl" if rtl else "ltr"), where
        assert page.title.strip(), where
        levels = [level for level, _ in page.headings]
        assert levels[0] == 1 and levels.count(1) == 1, where
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (where, levels)
        assert all(text for _, text in page.headings), where
        steps = [x for x in page.lists if x["class"] == "steps"]
        assert len(steps) == 1 and steps[0]["tag"] == "ol" and len(steps[0]["items"]) >= 3
        # no script, no request, nothing that runs
        assert not {"script", "iframe", "object", "embed", "form", "link", "base"} & set(
            page.tags
        ), where
        assert not [a for a in page.attrs if a.startswith("on") or a in ("style", "src")]


def test_every_link_is_a_registry_link_with_its_own_text(pages, registry):
    for guide, locale, path in _all_pages(pages):
        page = Page(path.read_text("utf-8"))
        assert page.links
        for href, text in page.links:
            owners = [
                r
                for r in registry
                if guide in r.editions and href in (r.qr if r.tel else None, r.url)
            ]
            assert owners, (guide, locale, href)
            assert href.startswith(("tel:", "https://"))
            # the link's text is what the registry prints for it: its number or its link
            assert any(text in (r.display, r.url) for r in owners), (href, text)
        # every helpline the leaflet must carry is a link here
        hrefs = {h for h, _ in page.links}
        for rid in HTML.required(registry, guide):
            r = registry[rid]
            assert {r.qr, r.url} & hrefs, (guide, locale, rid)


@pytest.mark.parametrize(
    "guide, locale",
    [("us", "en"), ("us", "ar"), ("uk-young-people", "bn"), ("us", "zh-Hans"), ("us", "es")],
)
def test_the_page_carries_the_texts_of_the_localised_guide(pages, guides, registry, guide, locale):
    """The same localised guide as the PDFs: every text the leaflet prints is on the page."""
    lg = i18n.localise(guides[guide], locale)
    g = lg.guide
    page = Page((pages / guide / locale / "index.html").read_text("utf-8"))
    texts = [g.title, g.subtitle, g.card.headline, g.card.intro, g.card.steps_heading]
    texts += [*g.card.steps, g.card.contacts_heading, g.leaflet.resources_heading]
    texts += [c.text for c in g.card.contacts + g.poster.contacts]
    for s in g.sections:
        texts += [s.heading] + [x for b in s.blocks for x in (b.lead, b.text)]
    texts += [lg.resource_name(r) for r in registry if guide in r.editions]
    missing = [t for t in texts if t and _flat(fill(t, registry)) not in page.body]
    assert missing == []
    steps = next(x for x in page.lists if x["class"] == "steps")["items"]
    assert steps == [_flat(fill(s, registry)) for s in g.card.steps]
    assert page.headings[0] == (1, _flat(g.title))


def test_drafts_carry_the_pdfs_draft_notice(pages, guides):
    for guide, locale, path in _all_pages(pages):
        lg = i18n.localise(guides[guide], locale)
        body = Page(path.read_text("utf-8")).body
        note = _flat(f"DRAFT · {lg.guide.ui.draft_note}")
        if lg.is_draft:
            assert body.count(note) == 2, (guide, locale)  # at the top, and at the end
        else:
            assert "DRAFT" not in body


def test_verify_passes_the_pages_in_their_build_folder_and_alone(pages, registry, tmp_path):
    files, findings = check_paths([pages], registry)
    assert len(files) == len(_all_pages(pages))
    assert [f for f in findings if f.level == "error"] == []
    assert {f.rule for f in findings} == {"review"}  # drafts are a warning, as in a PDF
    lone = _lone(pages / "us" / "en" / "index.html", tmp_path)
    assert check_file(lone, registry) == []
    arabic = _lone(pages / "us" / "ar" / "index.html", tmp_path, name="ar.html")
    assert [f.rule for f in check_file(arabic, registry)] == ["review"]


def test_verify_knows_the_same_right_to_left_languages():
    assert verify_html.RTL_LANGUAGES == RTL_LANGUAGES
    assert verify_html.REQUIRES_AS == HTML.requires_as


# ----------------------------------------------------------------------------- tampering


def test_a_tampered_registry_number_is_caught_in_text_and_link(tmp_path, guides, registry):
    tampered = registry.replace("rainn", **TAMPERED_RAINN)
    out = render_page(i18n.localise(guides["us"], "en"), tampered, HTML)
    path = tmp_path / "us.html"
    write_atomic(path, out.data)
    numbers = _errors(path, registry, "number")
    assert numbers and set(numbers) == {
        "phone number '1-800-656-4674' is not in the registry; it looks like "
        "RAINN's 1-800-656-HOPE (4673)"
    }
    links = _errors(path, registry, "links")
    assert links and all(
        m == "a clickable link dials '+18006564674', which is not in the registry; it looks "
        "like RAINN's tel:+18006564673"
        for m in links
    )
    assert len(numbers) == len(links) == out.data.count(b"1-800-656-4674</a>") >= 2


def test_a_tampered_host_in_the_registry_is_caught(tmp_path, guides, registry):
    tampered = registry.replace(
        "take-it-down", url="https://takeitdovvn.ncmec.org/", qr="https://takeitdovvn.ncmec.org/"
    )
    path = tmp_path / "us.html"
    write_atomic(path, render_page(i18n.localise(guides["us"], "en"), tampered, HTML).data)
    assert set(_errors(path, registry, "links")) == {
        "a clickable link opens 'https://takeitdovvn.ncmec.org/', which is a lookalike of the "
        "registry host takeitdown.ncmec.org"
    }


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A private copy of locales/ that a test may break."""
    copy = tmp_path / "locales"
    shutil.copytree(catalogs.LOCALES_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALES_DIR", copy)
    return copy


def _set(locale: str, guide: str, ctx: str, text: str) -> None:
    path = i18n.po_path(locale, guide)
    cat, headers = i18n.read_catalog(path)
    for m in cat:
        if m.context == ctx:
            m.string = text
    i18n.write_catalog(path, cat, headers)


def test_a_number_tampered_into_a_catalog_is_refused_and_caught(
    locales, tmp_path, guides, registry
):
    lg = i18n.localise(guides["us"], "es")  # the catalog as shipped
    ctx = "us|card.contacts.rainn.text"
    _set("es", "us", ctx, TAMPERED_TEXT)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "html", "--out", str(out)]
    )
    assert (
        res.exit_code == 1 and f"message {ctx}: contains the number '1-800-656-4674'" in res.stderr
    )
    assert not list(out.rglob("*.html"))
    # and had it got past the catalog check, verify catches it on the page
    g = lg.guide
    contacts = tuple(
        dataclasses.replace(c, text=TAMPERED_TEXT) if c.resource == "rainn" else c
        for c in g.card.contacts
    )
    card = dataclasses.replace(g.card, contacts=contacts)
    bad = dataclasses.replace(lg, guide=dataclasses.replace(g, card=card))
    path = tmp_path / "es.html"
    write_atomic(path, render_page(bad, registry, HTML).data)
    assert _errors(path, registry, "number") == [
        "phone number '1-800-656-4674' is not in the registry; it looks like "
        "RAINN's 1-800-656-HOPE (4673)"
    ]


# ----------------------------------------------------------------------------- hostile pages

_TAKE_IT_DOWN = '<a class="web" href="https://takeitdown.ncmec.org/" dir="ltr">'
_RAINN = '<a class="tel" href="tel:+18006564673" dir="ltr">1-800-656-HOPE (4673)</a>'


@pytest.mark.parametrize(
    "change, rule, message",
    [
        (
            (_TAKE_IT_DOWN, '<a class="web" href="javascript:alert(1)" dir="ltr">'),
            "html",
            "a javascript: link ('javascript:alert(1)'): it runs a script",
        ),
        (
            (_TAKE_IT_DOWN, '<a class="web" href="JaVa\tScRiPt:alert(1)" dir="ltr">'),
            "html",
            "a javascript: link",
        ),
        (
            (_TAKE_IT_DOWN, '<a class="web" href="https://takeitdovvn.ncmec.org/" dir="ltr">'),
            "links",
            "a clickable link opens 'https://takeitdovvn.ncmec.org/', which is a lookalike of "
            "the registry host takeitdown.ncmec.org",
        ),
        (
            (_RAINN, '<a class="tel" href="tel:+18006564674" dir="ltr">1-800-656-HOPE (4673)</a>'),
            "links",
            "a clickable link dials '+18006564674', which is not in the registry; it looks like "
            "RAINN's tel:+18006564673",
        ),
        (
            (_RAINN, '<a class="tel" href="tel:+18448782274" dir="ltr">1-800-656-HOPE (4673)</a>'),
            "links",
            "a clickable link opens CCRI (tel:+18448782274) over text that does not name it",
        ),
        (
            (_RAINN, '<a class="tel" href="tel:+18006564673" dir="ltr">1-800-656-4674</a>'),
            "number",
            "phone number '1-800-656-4674' is not in the registry",
        ),
        (
            (_TAKE_IT_DOWN, '<a href="data:text/html,&lt;script&gt;" dir="ltr">'),
            "html",
            "a data: link",
        ),
        (("</main>", "<script>alert(1)</script></main>"), "html", "a script (<script>)"),
        (("<h1>", '<h1 onclick="alert(1)">'), "html", "event-handler attribute (onclick)"),
        (
            (
                "<title>",
                '<meta http-equiv="refresh" content="0; url=https://evil.example/"><title>',
            ),
            "html",
            "<meta http-equiv=refresh>",
        ),
        (("<title>", '<base href="https://evil.example/"><title>'), "html", "a <base> element"),
        (
            ("</main>", '<iframe src="https://evil.example/"></iframe></main>'),
            "html",
            "a frame (it loads another page) (<iframe>)",
        ),
        (
            ("</main>", '<form action="https://evil.example/"><input name="q"></form></main>'),
            "html",
            "a form (it sends what is typed) (<form>)",
        ),
        (
            ("</main>", '<img src="https://evil.example/pixel.png" alt=""></main>'),
            "html",
            "an image loaded from 'https://evil.example/pixel.png': the page must make no request",
        ),
        (
            ("</style>", 'h1::after { content: "call 1-900-555-0199"; }</style>'),
            "html",
            "its style writes text of its own (content:)",
        ),
        (
            ("</style>", "h1 { background: url(https://evil.example/x.png); }</style>"),
            "html",
            "its style loads a file (url(...))",
        ),
        (("</style>", ".call { display: none }</style>"), "html", "hides elements"),
        (("</style>", "h1 { c\\6f ntent: 'x' }</style>"), "html", "its style has escapes"),
        (("<h2>", "<h3>"), "html", "skips a level"),
        (('<html lang="en"', '<html lang="fr"'), "lang", "lang is 'fr' but the page is in 'en'"),
        ((' dir="ltr">\n<head>', ">\n<head>"), "lang", "dir is '(not given)'"),
        (("</main>", "<section><p>never closed</main>"), "html", "never closed"),
        (
            ("</main>", "<p>Or call our partner on 020 7946 0999.</p></main>"),
            "number",
            "phone number '020 7946 0999' is not in the registry",
        ),
        (
            ("</main>", "<p>See help.example.org.</p></main>"),
            "link",
            "printed link 'help.example.org' is not a registry host",
        ),
        (
            ("guide=us locale=en", "guide=uk-young-people locale=en"),
            "number",
            "belongs to another edition",
        ),
    ],
)
def test_a_hostile_page_is_caught(pages, tmp_path, registry, change, rule, message):
    """Pages changed by hand (string edits, not our layout code): each change is a finding
    that names it, on a page that is otherwise clean."""
    text = (pages / "us" / "en" / "index.html").read_text("utf-8")
    old, new = change
    assert old in text
    path = _lone(pages / "us" / "en" / "index.html", tmp_path, text.replace(old, new, 1))
    found = _errors(path, registry, rule)
    assert any(message in m for m in found), found


def test_numbers_in_right_to_left_text_must_read_left_to_right(pages, tmp_path, registry):
    """In an Arabic or Urdu page a number's digit groups must not be reordered: leaflets
    isolates every number (dir=ltr); a number without it, or a bidi control, is a finding."""
    path = pages / "uk-young-people" / "ur" / "index.html"
    text = path.read_text("utf-8")
    link = '<a class="tel" href="tel:+448001111" dir="ltr">0800 1111</a>'
    assert link in text
    bare = _lone(path, tmp_path, text.replace(link, "0800 1111"), "bare.html")
    assert any(
        "0800 1111' stands in right-to-left text without dir=ltr" in m
        for m in _errors(bare, registry, "html")
    )
    split = text.replace(link, "0800 <strong>1111</strong>")
    split = _lone(path, tmp_path, split, "split.html")
    assert any("0800 1111' stands in right-to-left" in m for m in _errors(split, registry, "html"))
    forced = _lone(
        path, tmp_path, text.replace(">0800 1111<", ">\u202e0800 1111\u202c<"), "rlo.html"
    )
    assert any(
        "bidirectional controls (U+202C, U+202E)" in m for m in _errors(forced, registry, "html")
    )


def test_a_page_that_cannot_be_read_is_a_finding(pages, tmp_path, registry):
    text = (pages / "us" / "en" / "index.html").read_text("utf-8")
    latin1 = tmp_path / "latin1.html"
    latin1.write_bytes(text.replace("Don’t", "Don\xe9t").encode("latin-1", "replace"))
    (only,) = _errors(latin1, registry)
    assert only.startswith("is not UTF-8 text (byte ")
    empty = tmp_path / "empty.html"
    empty.write_text("")
    assert any("no <html> element" in m for m in _errors(empty, registry))
    pdf_named = tmp_path / "card.html"
    pdf_named.write_bytes(b"%PDF-1.4\n\x00\x01binary")
    assert _errors(pdf_named, registry) == ["holds NUL characters: it is not a web page"]
    res = CliRunner().invoke(main, ["verify", str(latin1), str(pdf_named)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert len([x for x in res.stdout.splitlines() if x]) == 2
    notes = tmp_path / "notes.html"
    notes.write_text(
        "<!DOCTYPE html><html lang=en dir=ltr><head><title>x</title></head>"
        "<body><h1>Hi</h1><p>Call 911</p></body></html>"
    )
    assert any("no leaflets metadata" in m for m in _errors(notes, registry, "required"))


def test_a_changed_or_unlisted_page_in_a_build_folder_is_caught(pages, tmp_path, registry):
    """The manifest lists the pages with their hashes, like the PDFs; the preview gallery
    beside it (DIR/index.html) is not an edition page."""
    out = tmp_path / "out"
    shutil.copytree(pages, out)
    assert CliRunner().invoke(main, ["preview", str(out)]).exit_code == 0
    page = out / "us" / "en" / "index.html"
    page.write_text(page.read_text("utf-8").replace("Short answer", "Short  answer"), "utf-8")
    shutil.copy(out / "us" / "es" / "index.html", out / "us" / "es" / "copy.html")
    files, findings = check_paths([out], registry)
    assert out / "index.html" not in files and out / "us" / "es" / "copy.html" in files
    errors = {
        (Path(f.file).relative_to(out).as_posix(), f.message)
        for f in findings
        if f.level == "error"
    }
    assert errors == {
        ("us/en/index.html", "differs from manifest.json (sha256): it changed after the build"),
        ("us/es/copy.html", f"is not listed in {out.resolve() / 'manifest.json'}"),
    }


# ----------------------------------------------------------------------------- escaping, logos

HOSTILE = '<script>alert(1)</script> & "Quotes" <img src=x onerror=alert(2)>'


def test_hostile_text_from_a_guide_or_a_config_stays_text(tmp_path, guides, registry):
    g = guides["us"]
    card = dataclasses.replace(g.card, headline=HOSTILE, steps=(HOSTILE, *g.card.steps[1:]))
    lg = i18n.localise(dataclasses.replace(g, card=card), "en")
    config = tmp_path / "org.toml"
    config.write_text(
        f"[organisation]\nname = '''{HOSTILE}'''\n"
        f"[[contacts]]\nlabel = '''\"><b onmouseover=alert(3)>'''\nphone = \"020 7946 0018\"\n"
        'region = "GB"\nhours = "</li></ul><script>x</script>"\n'
    )
    with pytest.raises(ConfigError) as refused:  # the config's checks refuse markup first
        load_config(config)
    assert len(refused.value.problems) == 3
    # and if it got past them, the page still prints it as text
    config.write_text(
        '[organisation]\nname = "School"\n[[contacts]]\nlabel = "Office"\n'
        'phone = "020 7946 0018"\nregion = "GB"\nhours = "9-5"\n'
    )
    org = load_config(config)
    (contact,) = org.contacts
    contact = dataclasses.replace(
        contact, label='"><b onmouseover=alert(3)>', hours="</li></ul><script>x</script>"
    )
    org = dataclasses.replace(org, name=HOSTILE, contacts=(contact,))
    reg = org.registry(registry)
    path = tmp_path / "page.html"
    write_atomic(path, render_page(lg, reg, HTML, org=org).data)
    text = path.read_text("utf-8")
    page = Page(text)
    assert page.tags.count("script") == 0 and "onerror" not in page.attrs
    assert "onmouseover" not in page.attrs and page.tags.count("img") == 0
    assert _flat(HOSTILE) in page.body and '"><b onmouseover=alert(3)>' in page.body
    assert "&lt;script&gt;" in text and "&quot;Quotes&quot;" in text
    assert (3, _flat(HOSTILE)) in page.headings
    found = [f for f in check_file(path, reg) if f.level == "error"]
    assert found == []


@pytest.mark.parametrize("example", ["clinic", "school"])
def test_the_organisations_logo_name_and_contacts_are_inlined(tmp_path, registry, example):
    config = ROOT / "examples" / f"{example}.toml"
    out = _build(tmp_path / "out", "--config", str(config), "--format", "html")
    org = load_config(config)
    for path in sorted(out.glob("*/*/index.html")):
        text = path.read_text("utf-8")
        page = Page(text)
        assert "<svg" not in text.casefold() and "xlink" not in text
        (img,) = page.images
        assert img["alt"] == org.name
        head, data = img["src"].split(",", 1)
        assert head == "data:image/png;base64"
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        assert image.format == "PNG" and image.height == 192
        assert (int(img["width"]), int(img["height"])) == image.size
        ink = image.convert("RGBA").getchannel("A").getextrema()
        assert ink == (0, 255) or image.mode != "RGBA"  # the logo draws something
        assert org.name in page.body
        for c in org.contacts:
            assert (f"tel:{c.e164}", c.display) in page.links
            assert c.label in page.body
    files, findings = check_paths([out], org.registry(registry))
    assert files and [f for f in findings if f.level == "error"] == []
    # without the config its local numbers are unknown, as in a PDF
    _, findings = check_paths([out], registry)
    assert any("is not in the registry" in f.message for f in findings)


def test_the_page_is_reproducible(guides, registry):
    lg = i18n.localise(guides["uk-young-people"], "ur")
    assert render_page(lg, registry, HTML).data == render_page(lg, registry, HTML).data


def _png_uri(image) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_images_are_read_too(pages, tmp_path, registry):
    """An image the page carries is decoded: a QR code in it must open a registry target, an
    SVG or an image from elsewhere is a finding."""
    import segno

    text = (pages / "us" / "en" / "index.html").read_text("utf-8")

    def with_image(src: str) -> list[str]:
        page = text.replace("<main>", f'<main><p><img src="{src}" alt="Our logo"></p>', 1)
        return _errors(_lone(pages / "us" / "en" / "index.html", tmp_path, page), registry)

    buf = io.BytesIO()
    segno.make_qr("https://rainn.example/", error="m").save(buf, kind="png", scale=8, border=4)
    qr = Image.open(io.BytesIO(buf.getvalue()))
    found = with_image(_png_uri(qr))
    assert any("QR code opens 'https://rainn.example/'" in m for m in found), found
    plain = Image.new("RGB", (300, 192), (30, 60, 90))
    assert with_image(_png_uri(plain)) == []
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>")
    assert any(
        "image/svg+xml" in m for m in with_image(f"data:image/svg+xml;base64,{svg.decode()}")
    )
    assert any("not valid base64" in m for m in with_image("data:image/png;base64,@@@"))
    gif = io.BytesIO()
    plain.save(gif, format="GIF")
    fake = "data:image/png;base64," + base64.b64encode(gif.getvalue()).decode()
    assert any("says image/png but is GIF" in m for m in with_image(fake))
    broken = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n....").decode()
    assert any("cannot be decoded" in m for m in with_image(broken))


def test_the_build_refuses_a_page_without_a_title_or_a_required_helpline(guides, registry):
    g = guides["uk-young-people"]
    with pytest.raises(BuildError, match="format html: title: the heading is empty"):
        render_page(i18n.localise(dataclasses.replace(g, title=" "), "en"), registry, HTML)
    edition = registry.editions[g.id]
    strict = dataclasses.replace(edition, requires={**edition.requires, "leaflet": ("rainn",)})
    reg = dataclasses.replace(registry, editions={**registry.editions, g.id: strict})
    with pytest.raises(BuildError, match="format html: does not print RAINN"):
        render_page(i18n.localise(g, "en"), reg, HTML)
