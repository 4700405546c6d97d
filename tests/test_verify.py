"""The verifier catches what a wrong card would get wrong. Tampered cards are built by the real
renderer from a registry or guide copy with one fact changed, or drawn on a bare reportlab
canvas, then verified against the real registry."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from leaflets.cli import main
from leaflets.errors import BuildError
from leaflets.paper import MM
from leaflets.verify import check_file

from .conftest import build_card


def findings(path, registry, rule=None):
    return [f for f in check_file(path, registry) if rule is None or f.rule == rule]


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
def test_built_cards_are_clean(cards, registry, gid):
    assert findings(cards[gid], registry) == []


def test_one_digit_changed_in_a_number_is_caught_in_text_and_qr(tmp_path, guides, registry):
    tampered = registry.replace(
        "rainn", display="1-800-656-4674", tel="+18006564674", qr="tel:+18006564674"
    )
    path = build_card(guides["us"], tampered, tmp_path / "card.pdf")
    found = findings(path, registry)
    text = [f.message for f in found if f.rule == "number"]
    qr = [f.message for f in found if f.rule == "qr"]
    assert text == [
        "phone number '1-800-656-4674' is not in the registry; it looks like "
        "RAINN's 1-800-656-HOPE (4673)"
    ]
    assert qr == [
        "QR code dials '+18006564674', which is not in the registry; it looks like "
        "RAINN's tel:+18006564673"
    ]
    assert any(f.rule == "required" and "RAINN" in f.message for f in found)
    assert all(f.page == 2 for f in found if f.rule in ("number", "qr"))


def test_a_changed_gloss_is_caught(tmp_path, guides, registry):
    tampered = registry.replace("rainn", display="1-800-656-HOPE (4674)")
    path = build_card(guides["us"], tampered, tmp_path / "card.pdf")
    assert [f.message for f in findings(path, registry, "number")] == [
        "phone number '1-800-656-HOPE (4674)': the digits in brackets do not match RAINN's "
        "number 1-800-656-HOPE (4673)"
    ]


def test_a_qr_code_that_opens_a_lookalike_host_is_caught(tmp_path, guides, registry):
    tampered = registry.replace(
        "take-it-down", qr="https://takeitdovvn.ncmec.org/", url="https://takeitdovvn.ncmec.org/"
    )
    path = build_card(guides["us"], tampered, tmp_path / "card.pdf")
    assert [f.message for f in findings(path, registry, "qr")] == [
        "QR code opens 'https://takeitdovvn.ncmec.org/', which is a lookalike of the registry "
        "host takeitdown.ncmec.org"
    ]


def test_a_host_with_a_cyrillic_letter_is_caught(tmp_path, guides, registry):
    tampered = registry.replace("take-it-down", display="takeitdown.ncm\u0435c.org")
    path = build_card(guides["us"], tampered, tmp_path / "card.pdf")
    messages = [f.message for f in findings(path, registry, "link")]
    assert messages == [
        "printed link 'takeitdown.ncm\u0435c.org' has non-ASCII letters "
        "(U+0435 CYRILLIC SMALL LETTER IE); it imitates takeitdown.ncmec.org"
    ]


def test_a_cyrillic_host_in_a_qr_code_is_caught(tmp_path, guides, registry):
    tampered = registry.replace("ceop", qr="https://www.ceop.p\u043elice.uk/Safety-Centre/")
    path = build_card(guides["uk-young-people"], tampered, tmp_path / "card.pdf")
    (finding,) = findings(path, registry, "qr")
    assert "U+043E CYRILLIC SMALL LETTER O" in finding.message
    assert "imitates ceop.police.uk" in finding.message


def test_a_zero_width_space_inside_a_url_is_caught(tmp_path, guides, registry):
    tampered = registry.replace("take-it-down", display="takeitdown.ncmec\u200b.org")
    path = build_card(guides["us"], tampered, tmp_path / "card.pdf")
    messages = [f.message for f in findings(path, registry, "link")]
    # repr() shows the invisible character as \u200b, so a reader can see it
    assert messages == [
        "printed link 'takeitdown.ncmec\\u200b.org' contains an invisible "
        "character (U+200B ZERO WIDTH SPACE)"
    ]


def test_an_unknown_host_is_caught(tmp_path, guides, registry):
    g = guides["us"]
    card = dataclasses.replace(g.card, steps=g.card.steps[:3] + ("See help.example.com now.",))
    path = build_card(dataclasses.replace(g, card=card), registry, tmp_path / "card.pdf")
    assert [f.message for f in findings(path, registry, "link")] == [
        "printed link 'help.example.com' is not a registry host"
    ]


def test_the_build_refuses_a_card_without_a_required_helpline(tmp_path, guides, registry):
    g = guides["us"]
    card = dataclasses.replace(
        g.card, contacts=tuple(c for c in g.card.contacts if c.resource != "ccri")
    )
    with pytest.raises(BuildError, match="does not print Cyber Civil Rights Initiative"):
        build_card(dataclasses.replace(g, card=card), registry, tmp_path / "card.pdf")
    assert not (tmp_path / "card.pdf").exists()


def _bare_card(path, lines, keywords="leaflets guide=us locale=en format=card paper=cr80"):
    """A card made with a bare reportlab canvas (not our layout code): the lines, in Helvetica
    (not embedded; the font rule is not what these tests look at)."""
    w, h = 85.6 * MM, 54 * MM
    c = Canvas(str(path), pagesize=(w, h), lang="en")
    c.setKeywords(keywords + " review=reviewed")
    c.setTrimBox((0, 0, w, h))
    c.setFont("Helvetica", 7)
    for i, line in enumerate(lines):
        c.drawString(10, h - 14 - 10 * i, line)
    c.showPage()
    c.save()
    return path


def test_a_missing_required_helpline_is_caught(tmp_path, registry):
    path = _bare_card(
        tmp_path / "card.pdf",
        [
            "In danger: call 911",
            "RAINN: 1-800-656-HOPE (4673)",
            "Take It Down: takeitdown.ncmec.org",
        ],
    )
    assert [f.message for f in findings(path, registry, "required")] == [
        "required for us card: Cyber Civil Rights Initiative (CCRI) Image Abuse Helpline "
        "(1-844-878-2274) is missing"
    ]


@pytest.mark.parametrize(
    "keywords, message",
    [
        ("leaflets guide=us locale=en format=bookmark paper=cr80", "format 'bookmark' is not one"),
        ("leaflets guide=us locale=en format=card paper=zz", "paper zz is not one verify knows"),
        ("", "no leaflets metadata (Keywords) and no manifest.json"),
    ],
)
def test_a_file_verify_cannot_place_is_a_finding(tmp_path, registry, keywords, message):
    path = _bare_card(tmp_path / "card.pdf", ["In danger: call 911"], keywords)
    assert any(message in f.message and f.level == "error" for f in findings(path, registry))


def test_a_folder_without_a_pdf_is_a_finding(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing to see")
    res = CliRunner().invoke(main, ["verify", str(tmp_path)])
    assert res.exit_code == 1
    assert "no PDF file found to check" in res.output


def test_a_qr_label_that_names_something_else_is_caught(tmp_path, guides, registry):
    g = guides["us"]
    qrs = (dataclasses.replace(g.card.qr[0], label="Call CCRI"),) + g.card.qr[1:]
    card = dataclasses.replace(g.card, qr=qrs)
    path = build_card(dataclasses.replace(g, card=card), registry, tmp_path / "card.pdf")
    (finding,) = findings(path, registry, "qr-label")
    assert "QR code opens RAINN (tel:+18006564673)" in finding.message


def test_broken_files_are_findings_not_tracebacks(tmp_path, cards, registry):
    half = tmp_path / "half.pdf"
    data = cards["us"].read_bytes()
    half.write_bytes(data[: len(data) // 3])
    text = tmp_path / "notes.pdf"
    text.write_text("hello")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    for p in (half, text, empty):
        found = findings(p, registry)
        assert found, p
        assert all(f.level == "error" for f in found)
    assert findings(text, registry)[0].message == "is not a PDF (it does not start with %PDF-)"


def test_cli_exit_codes_lines_and_json(tmp_path, cards, registry):
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(cards["us"].parent.parent.parent)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really")
    res = runner.invoke(main, ["verify", str(bad), str(cards["us"])])
    assert res.exit_code == 1
    lines = [x for x in res.stdout.splitlines() if x]
    assert len(lines) == 1 and lines[0].startswith(f"{bad}: error: cannot be read as a PDF")
    assert "Traceback" not in res.output
    res = runner.invoke(main, ["verify", "--json", str(bad)])
    data = json.loads(res.stdout)
    assert res.exit_code == 1
    assert data["findings"][0]["file"] == str(bad) and data["findings"][0]["level"] == "error"
