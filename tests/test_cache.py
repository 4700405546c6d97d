"""The user's cache (checked catalogs, CLDR texts, converted fonts, the registry's proofs, QR
matrices) gives what the inputs give today: a one-character change of any input makes the
entry again, a damaged entry is made again, and a cache that cannot be written is no error."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import shutil

import pytest
from fontTools.ttLib import TTFont

from leaflets.build import render_pdf
from leaflets.errors import CatalogError, SourceError
from leaflets.formats import FORMATS
from leaflets.i18n import catalogs, checks, localise
from leaflets.sources import registry as registry_mod
from leaflets.sources import reviews
from leaflets.sources.guide import load_guides
from leaflets.text import fonts

from .conftest import ROOT, pdf_text


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A copy of the catalogs to change, and an empty cache of our own."""
    copy = tmp_path / "locales"
    shutil.copytree(catalogs.LOCALES_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALES_DIR", copy)
    monkeypatch.setattr(reviews, "LOCALES_DIR", copy)
    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(checks, "_checked", {})  # nothing of other tests in memory
    return copy


def entries(tmp_path, kind="checks"):
    return sorted((tmp_path / "cache" / kind).glob("*.entry"))


def fresh():
    """What a new process has: nothing in memory, only the cache on disk."""
    checks._checked.clear()


def test_a_changed_catalog_is_checked_again(locales, tmp_path, guides):
    us = guides["us"]
    first = localise(us, "es")
    assert len(entries(tmp_path)) == 1
    fresh()
    assert localise(us, "es") == first  # from the disk, the same guide

    po = locales / "es" / "LC_MESSAGES" / "us.po"
    text = po.read_text("utf-8")
    ctx = 'msgctxt "us|card.contacts.rainn.text"'
    block = text[text.index(ctx) :]
    msgstr = block[block.index("msgstr") :].split("\n", 1)[0]
    assert "{rainn}" in msgstr
    # one character: a translated letter, then the placeholder's name
    changed = msgstr.replace("{rainn}", "{rainn} X", 1)
    po.write_text(text.replace(msgstr, changed, 1), "utf-8")
    fresh()
    second = localise(us, "es")
    assert second.catalog != first.catalog
    assert any(" X" in t for _, t, _ in second.guide.messages())
    assert len(entries(tmp_path)) == 2

    po.write_text(text.replace(msgstr, msgstr.replace("{rainn}", "{rainm}", 1), 1), "utf-8")
    fresh()
    with pytest.raises(CatalogError, match=r"placeholder \{rainn\} must appear"):
        localise(us, "es")
    assert len(entries(tmp_path)) == 2  # a catalog with problems is never kept


def test_the_reviews_file_decides_the_status_through_the_cache(locales, tmp_path, guides):
    us = guides["us"]
    assert localise(us, "es").status == "draft"
    path, review = checks.sign_off(us, "es", "Ana Revisora", dt.date(2026, 11, 30))
    fresh()
    assert localise(us, "es").status == "reviewed"
    text = path.read_text("utf-8")
    sha = review.catalog_sha256
    other = sha[:-1] + ("0" if sha[-1] != "0" else "1")  # one character of the sign-off
    path.write_text(text.replace(sha, other), "utf-8")
    fresh()
    assert localise(us, "es").status == "draft"


def test_a_truncated_or_forged_entry_is_made_again(locales, tmp_path, guides):
    us = guides["us"]
    first = localise(us, "fr")
    (entry,) = entries(tmp_path)
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    fresh()
    assert localise(us, "fr") == first
    assert entry.read_bytes() == whole  # rebuilt whole

    # the same length and first line, a translation swapped: its hash no longer matches
    head, body = whole.split(b"\n", 1)
    forged = body.replace(b'"status": "draft"', b'"status": "reviewed"', 1)
    assert forged != body
    entry.write_bytes(head + b"\n" + forged)
    fresh()
    assert localise(us, "fr").status == "draft"
    assert entry.read_bytes() == whole


def test_a_cache_that_cannot_be_written_is_memory(tmp_path, monkeypatch, guides):
    (tmp_path / "afile").write_text("not a folder")
    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "afile" / "leaflets"))
    monkeypatch.setattr(checks, "_checked", {})
    assert localise(guides["us"], "pl").locale == "pl"
    assert localise(guides["us"], "pl").locale == "pl"  # from memory


def test_a_changed_registry_prints_its_change(tmp_path, monkeypatch):
    """What is kept of the registry (its proofs on disk; the language's font stack, prepared
    for the date the card prints, in memory) has the registry's hash in its key: one
    character of one entry's date changed, the next poster prints the new date."""
    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "cache"))
    src = (ROOT / "leaflets" / "data" / "resources.toml").read_text("utf-8")
    printed = []
    for text in (src, src.replace("verified = 2026-11-25", "verified = 2026-11-24", 1)):
        path = tmp_path / f"r{len(printed)}.toml"
        path.write_text(text, "utf-8")
        reg = registry_mod.load_registry(path)
        guide = load_guides(["us"], reg)[0]
        pdf = render_pdf(localise(guide, "es"), reg, FORMATS["poster"], "a4").data
        (tmp_path / "poster.pdf").write_bytes(pdf)
        printed.append(pdf_text(tmp_path / "poster.pdf"))
    assert "25 de noviembre de 2026" in printed[0] and "24 de noviembre" not in printed[0]
    assert "24 de noviembre de 2026" in printed[1] and "25 de noviembre" not in printed[1]


def test_the_registry_is_proved_again_after_any_change(tmp_path, monkeypatch):
    """A proved registry is not proved again (no number parsed); one digit of one number
    changed, the proofs run and stop the build; a damaged entry is proved again."""
    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "cache"))
    src = (ROOT / "leaflets" / "data" / "resources.toml").read_text("utf-8")
    path = tmp_path / "resources.toml"
    path.write_text(src, "utf-8")
    proved = []
    real = registry_mod._resource_problem
    monkeypatch.setattr(registry_mod, "_resource_problem", lambda r: proved.append(r) or real(r))
    first = registry_mod.load_registry(path)
    assert len(proved) == len(list(first)) > 10
    (entry,) = entries(tmp_path, "registry")
    proved.clear()
    assert registry_mod.load_registry(path) == first
    assert proved == []  # from the cache

    assert 'tel = "+18006564673"' in src
    path.write_text(src.replace('tel = "+18006564673"', 'tel = "+18006564674"', 1), "utf-8")
    with pytest.raises(
        SourceError, match=r"resource rainn: display .* dials \+18006564673, not \+18006564674"
    ):
        registry_mod.load_registry(path)
    assert len(entries(tmp_path, "registry")) == 1  # a registry with a problem is not kept

    path.write_text(src, "utf-8")
    whole = entry.read_bytes()
    entry.write_bytes(whole[:-3])
    proved.clear()
    assert registry_mod.load_registry(path) == first
    assert len(proved) == len(list(first))  # proved again, and kept whole again
    assert entry.read_bytes() == whole


def test_a_qr_matrix_is_kept_by_its_payload(tmp_path, monkeypatch):
    """A code's matrix comes from the cache as segno made it; one character of the payload
    changed is another code; a damaged entry is made again."""
    import segno

    from leaflets.render import qr

    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "cache"))
    qr.matrix.cache_clear()
    url = "https://takeitdown.ncmec.org/"
    first = qr.matrix(url)
    want = segno.make_qr(url, error="m", boost_error=False)
    assert first.modules == tuple(tuple(bool(v) for v in row) for row in want.matrix)
    (entry,) = entries(tmp_path, "qr")
    qr.matrix.cache_clear()
    assert qr.matrix(url) == first  # from the disk

    other = qr.matrix(url[:-1] + "x")
    assert other.modules != first.modules
    assert len(entries(tmp_path, "qr")) == 2

    whole = entry.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole.replace(b"\n1", b"\n0", 1)):
        entry.write_bytes(damaged)
        qr.matrix.cache_clear()
        assert qr.matrix(url) == first
        assert entry.read_bytes() == whole
    qr.matrix.cache_clear()


def test_a_changed_font_file_is_converted_again(tmp_path, monkeypatch):
    """A font's unhinted face is kept by the hash of the file it was made from: one
    character of the font's name table changed, the cached face is not used."""
    monkeypatch.setenv("LEAFLETS_CACHE", str(tmp_path / "cache"))
    src = fonts.fonts_dir() / "NotoSans-Regular.ttf"
    data = src.read_bytes()
    one, two = tmp_path / "a" / src.name, tmp_path / "b" / src.name
    one.parent.mkdir()
    two.parent.mkdir()
    one.write_bytes(data)
    i = data.index(b"N\x00o\x00t\x00o\x00")  # the family name, in UTF-16 in the name table
    two.write_bytes(data[:i] + b"M" + data[i + 1 :])
    first = fonts._unhinted(one)
    assert len(list((tmp_path / "cache" / "fonts").glob("*.ttf"))) == 1
    second = fonts._unhinted(two)
    assert len(list((tmp_path / "cache" / "fonts").glob("*.ttf"))) == 2
    names = [{r.toUnicode() for r in TTFont(io.BytesIO(b))["name"].names} for b in (first, second)]
    assert any(n.startswith("Moto") for n in names[1]) and not any(
        n.startswith("Moto") for n in names[0]
    )


def _kept_by_the_catalog_text(locales, tmp_path, kind, read, forget, old, new, damage):
    """What `read()` takes from the Spanish US catalog through the `kind` folder of the
    cache: from the disk once read (`forget` clears the memory), read again when `old` in the
    catalog becomes `new`, and read again over each entry `damage` spoils. Returns the
    first and the second reading."""
    po = locales / "es" / "LC_MESSAGES" / "us.po"
    first = read()
    assert len(entries(tmp_path, kind)) == 1
    forget()
    assert read() == first  # from the disk

    text = po.read_text("utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), "utf-8")
    forget()
    second = read()
    assert second != first
    assert len(entries(tmp_path, kind)) == 2

    for entry in entries(tmp_path, kind):
        entry.write_bytes(damage(entry.read_bytes()))
    forget()
    assert read() == second
    forget()
    return first, second


def test_the_accessibility_texts_are_kept_by_the_catalog_text(locales, tmp_path):
    """render.tagging reads a language's accessibility texts through the cache: a changed
    catalog is read again, a forged entry is read again, and both give what Babel gives."""
    from leaflets.render import tagging

    first, second = _kept_by_the_catalog_text(
        locales,
        tmp_path,
        "speech",
        lambda: tagging._catalog_texts("es", "us"),
        tagging._read_texts.cache_clear,
        "Llamar a {name}",
        "Llame a {name}",
        lambda data: data.replace(b"Llame", b"Llamo"),  # forged
    )
    assert first["a11y.link_call"].startswith("Llamar")
    assert second["a11y.link_call"].startswith("Llame a")


def test_the_edition_words_are_kept_by_the_catalog_text(locales, tmp_path):
    """A catalog's edition words (the registry's names in the language) come through the
    cache: one character of one changed, they are read again; a truncated entry is read
    again."""
    # the module, not the function the package exports under its name
    localise_mod = importlib.import_module("leaflets.i18n.localise")

    first, second = _kept_by_the_catalog_text(
        locales,
        tmp_path,
        "words",
        lambda: localise_mod.edition_words("us", "es"),
        localise_mod._edition_words.cache_clear,
        "Servicios de emergencia",
        "Servicios de emergencias",
        lambda data: data[:-5],  # truncated
    )
    assert first["registry.emergency-us"] == ("Emergency services", "Servicios de emergencia")
    assert second["registry.emergency-us"][1] == "Servicios de emergencias"
    second = localise_mod.edition_words("us", "es")
    assert second["registry.emergency-us"][1] == "Servicios de emergencias"
    assert len(entries(tmp_path, "words")) == 2

    for entry in entries(tmp_path, "words"):
        entry.write_bytes(entry.read_bytes()[:-5])  # truncated
    localise_mod._edition_words.cache_clear()
    assert localise_mod.edition_words("us", "es") == second
    localise_mod._edition_words.cache_clear()
