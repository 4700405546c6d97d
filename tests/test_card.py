"""The wallet card as a person holding it would see it: size, text, numbers, QR codes, fonts."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pypdf
import pytest

from leaflets.errors import FitError

from .conftest import MM, ROOT, build_card, chars, page_text, qr_codes, render

EXPECTED = {
    # edition: (numbers and links on the back, QR payload ids)
    "us": (["emergency-us", "rainn", "ccri", "take-it-down"], ["rainn", "take-it-down"]),
    "uk-young-people": (["childline", "ceop", "emergency-uk"], ["childline", "ceop"]),
}


@pytest.mark.parametrize("gid", EXPECTED)
def test_card_is_cr80_with_bleed(cards, gid):
    reader = pypdf.PdfReader(cards[gid])
    assert len(reader.pages) == 2
    for page in reader.pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert (trim[2] - trim[0]) / MM == pytest.approx(85.6, abs=0.05)
        assert (trim[3] - trim[1]) / MM == pytest.approx(54.0, abs=0.05)
        assert [round((t - b) / MM, 2) for t, b in zip(trim[:2], bleed[:2])] == [3.0, 3.0]
        assert [round((b - t) / MM, 2) for t, b in zip(trim[2:], bleed[2:])] == [3.0, 3.0]
        assert media == pytest.approx(bleed)


@pytest.mark.parametrize("gid", EXPECTED)
def test_background_runs_into_the_bleed(cards, gid):
    for index in (0, 1):
        img = render(cards[gid], index, dpi=150)
        w, h = img.size
        corner = img.getpixel((2, 2))[:3]
        assert corner != (255, 255, 255), "the bleed is left white"
        assert img.getpixel((w - 3, h - 3))[:3] != (255, 255, 255)


@pytest.mark.parametrize("gid", EXPECTED)
def test_back_shows_every_number_and_link_in_bold_8pt(cards, registry, gid):
    text = " ".join(page_text(cards[gid], 1).split())
    cs = chars(cards[gid], 1)
    joined = "".join(c.ch for c in cs)
    for rid in EXPECTED[gid][0]:
        display = registry[rid].display
        assert display in text, rid
        start = joined.index(display.replace(" ", ""))
        for c in cs[start : start + len(display.replace(" ", ""))]:
            assert c.size >= 8 - 0.01 and "Bold" in c.font, (rid, c)


@pytest.mark.parametrize("gid", EXPECTED)
def test_body_text_is_at_least_6pt_and_inside_the_safe_area(cards, gid):
    reader = pypdf.PdfReader(cards[gid])
    trim = [float(v) for v in reader.pages[0].trimbox]
    safe = (trim[0] + 3 * MM, trim[1] + 3 * MM, trim[2] - 3 * MM, trim[3] - 3 * MM)
    for index in (0, 1):
        for c in chars(cards[gid], index):
            assert c.size >= 6 - 0.01, c
            left, bottom, right, top = c.box
            assert left >= safe[0] - 0.5 and right <= safe[2] + 0.5, c
            assert bottom >= safe[1] - 0.5 and top <= safe[3] + 0.5, c


@pytest.mark.parametrize("gid", EXPECTED)
def test_front_has_the_headline_and_first_steps(cards, guides, registry, gid):
    from leaflets.sources.placeholders import fill

    text = " ".join(page_text(cards[gid], 0).split())
    card = guides[gid].card
    assert fill(card.headline, registry) in text
    for step in card.steps:
        assert fill(step, registry) in text


@pytest.mark.parametrize("gid", EXPECTED)
def test_qr_codes_decode_to_registry_payloads_at_14mm(cards, registry, gid):
    codes = qr_codes(cards[gid], 1)
    assert sorted(c[0] for c in codes) == sorted(registry[r].qr for r in EXPECTED[gid][1])
    kinds = {c[0].split(":")[0] for c in codes}
    assert kinds == {"tel", "https"}
    for payload, version, size_mm, (x0, y0, x1, y1), img in codes:
        assert size_mm >= 14.0, (payload, size_mm)
        # a 4-module quiet zone of white around the symbol
        module = (x1 - x0) / (17 + 4 * version)
        q = int(4 * module) - 1
        for x in range(int(x0) - q, int(x1) + q, 3):
            for y in (int(y0) - q, int(y1) + q):
                assert img.getpixel((x, y))[:3] == (255, 255, 255), (payload, x, y)


def test_qr_labels_say_what_they_open(cards):
    from leaflets.verify import read_pdf

    doc = read_pdf(cards["us"])
    labels = {q.payload.split(":")[0]: q.label for q in doc.pages[1].qr}
    assert "RAINN" in labels["tel"]
    assert "Take It Down" in labels["https"]


@pytest.mark.parametrize("gid", EXPECTED)
def test_fonts_are_embedded_subsets_and_metadata_is_set(cards, gid):
    reader = pypdf.PdfReader(cards[gid])
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert names and all("+" in n and "NotoSans" in n for n in names)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    meta = reader.metadata
    assert meta.title.startswith(("What to do if", "Video chat"))
    assert meta.author and meta.creator.startswith("leaflets")
    assert "Safety guidance" in meta.subject
    assert f"guide={gid}" in meta["/Keywords"]


def test_a_changed_registry_entry_shows_on_the_card(tmp_path, guides, registry):
    changed = registry.replace(
        "ccri", display="1-844-878-0000", tel="+18448780000", qr="tel:+18448780000"
    )
    path = build_card(guides["us"], changed, tmp_path / "card.pdf")
    text = page_text(path, 1)
    assert "1-844-878-0000" in text and registry["ccri"].display not in text
    changed = registry.replace("take-it-down", qr="https://example.org/")
    path = build_card(guides["us"], changed, tmp_path / "card2.pdf")
    assert "https://example.org/" in [c[0] for c in qr_codes(path, 1)]


def test_too_long_text_is_a_one_line_fit_error(tmp_path, guides, registry):
    g = guides["us"]
    long = dataclasses.replace(
        g, card=dataclasses.replace(g.card, steps=g.card.steps + ("Keep going " * 80,))
    )
    with pytest.raises(FitError) as e:
        build_card(long, registry, tmp_path / "x.pdf")
    assert str(e.value).startswith("guide us, locale en, format card, paper cr80: front")
    assert "\n" not in str(e.value)
    assert not (tmp_path / "x.pdf").exists()


def test_two_builds_are_byte_identical_with_source_date_epoch(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    outs = []
    for n in (1, 2):
        out = tmp_path / f"b{n}"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "make_leaflets.py"),
                "build",
                "--guide",
                "all",
                "--locale",
                "en",
                "--format",
                "card",
                "--out",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outs.append(out)
    for gid in EXPECTED:
        a = (outs[0] / gid / "en" / "card-cr80.pdf").read_bytes()
        b = (outs[1] / gid / "en" / "card-cr80.pdf").read_bytes()
        assert a == b
        assert b"D:20260101000000" in a
