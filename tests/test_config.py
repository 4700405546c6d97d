"""A school's or clinic's own edition: the examples build and verify, bad configs are one-line
errors that write nothing, the organisation's texts stay text."""

from __future__ import annotations

import json
import os
import shutil
import struct
import zlib
from pathlib import Path

import pypdf
import pytest
import segno
from click.testing import CliRunner
from PIL import Image

from leaflets.cli import main
from leaflets.sources.config import load_config
from leaflets.sources.logo import can_read_text
from leaflets.sources.registry import default_registry
from leaflets.verify import check_file, read_pdf

from .conftest import ROOT, render

EXAMPLES = ROOT / "examples"


def _build_example(tmp_path_factory, name: str) -> Path:
    out = tmp_path_factory.mktemp(name)
    res = CliRunner().invoke(
        main, ["build", "--config", str(EXAMPLES / f"{name}.toml"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    return _build_example(tmp_path_factory, "school")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    return _build_example(tmp_path_factory, "clinic")


def test_the_school_builds_its_set(school):
    built = sorted(p.relative_to(school).as_posix() for p in school.rglob("*.pdf"))
    assert built == [
        f"uk-young-people/{loc}/{f}.pdf"
        for loc in ("cy", "en")
        for f in (
            *("card-cr80", "card-discreet-cr80", "card-sheet-a4", "large-print-a4"),
            *("leaflet-a4", "poster-a4"),
            # the door poster's own sizes: no office paper is them
            *("poster-door-a5", "poster-door-a6"),
            *("social-square-1080x1080", "social-story-1080x1920"),
        )
    ]


def test_verify_with_the_config_is_clean_and_without_it_flags_the_contacts(school):
    runner = CliRunner()
    res = runner.invoke(main, ["verify", "--config", str(EXAMPLES / "school.toml"), str(school)])
    assert res.exit_code == 0, res.output
    # without it, the school's own number is a finding (on the card and the poster: what it
    # says of one file it says of each)
    en = school / "uk-young-people" / "en"
    res = runner.invoke(main, ["verify", str(en / "card-cr80.pdf"), str(en / "poster-a4.pdf")])
    assert res.exit_code == 1
    assert res.output.count("020 7946 0321' is not in the registry") >= 2
    assert (
        "phone number '020 7946 0321' is not in the registry; if it is an organisation's "
        "own contact, verify with --config FILE"
    ) in res.output


@pytest.mark.parametrize(
    "fmt", ["card-cr80", "card-sheet-a4", "poster-a4", "leaflet-a4", "large-print-a4"]
)
def test_every_format_carries_the_organisation(school, fmt):
    doc = read_pdf(school / "uk-young-people" / "en" / f"{fmt}.pdf")
    text = " ".join(" ".join(p.text.split()) for p in doc.pages)
    assert "Northfield Academy" in text
    assert "020 7946 0321" in text and "0113 496 0744" in text
    assert "Safeguarding lead, Ms Okafor" in text
    reader = pypdf.PdfReader(school / "uk-young-people" / "en" / f"{fmt}.pdf")
    assert sum(len(page.images) for page in reader.pages) >= 1  # the logo


@pytest.mark.parametrize("fmt", ["poster-a4", "leaflet-a4"])
def test_poster_and_leaflet_have_a_qr_code_for_each_local_contact(school, fmt):
    doc = read_pdf(school / "uk-young-people" / "en" / f"{fmt}.pdf")
    payloads = {q.payload for p in doc.pages for q in p.qr}
    assert {"tel:+442079460321", "tel:+441134960744"} <= payloads
    labels = {q.payload: q.label for p in doc.pages for q in p.qr}
    assert "School nurse" in labels["tel:+441134960744"]


def test_the_clinic_builds_on_letter_with_its_svg_logo_and_colour(clinic):
    poster = clinic / "us" / "en" / "poster-letter.pdf"
    known = load_config(EXAMPLES / "clinic.toml").registry(default_registry())
    assert check_file(poster, known) == []
    img = render(poster, 0, dpi=50)
    assert img.getpixel((img.width // 2, 8))[:3] == (11, 110, 79)  # the accent band
    assert (clinic / "us" / "en" / "card-cr80.pdf").exists()  # the card keeps its own paper


def _config(tmp_path: Path, text: str) -> Path:
    shutil.copy(EXAMPLES / "northfield-school-logo.png", tmp_path / "logo.png")
    path = tmp_path / "org.toml"
    path.write_text(text, "utf-8")
    return path


GOOD = """
[organisation]
name = "Test School"
logo = "logo.png"

[[contacts]]
label = "Office"
phone = "020 7946 0000"
region = "GB"

[build]
guides = ["uk-young-people"]
formats = ["card"]
"""


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ('phone = "020 7946 0000"', 'phone = "020 7946 000"'),
            "org.toml: contacts[1].phone: '020 7946 000' is not a valid phone number in GB; "
            "check the digits",
        ),
        (('logo = "logo.png"', 'logo = "missing.png"'), "org.toml: organisation.logo: file "),
        (
            ('name = "Test School"', 'name = "Test School"\nmotto = "x"'),
            "org.toml: organisation.motto: unknown key; use name, logo",
        ),
        (
            ("[build]", '[print]\naccent = "#ffdd00"\n\n[build]'),
            "org.toml: print.accent: white text on #ffdd00 has a contrast of 1.3:1, under 4.5:1; "
            "pick a darker colour such as #",
        ),
        (
            ("[build]", '[print]\naccent = "blue"\n\n[build]'),
            "org.toml: print.accent: 'blue' is not a colour; write it as #RRGGBB",
        ),
        (
            ('region = "GB"', 'region = "GB"\nurl = "http://example.org"'),
            "org.toml: contacts[1].url: 'http://example.org' must be an https:// link",
        ),
        (("[build]", "[bulid]"), "org.toml: bulid: unknown section"),
        (
            ('formats = ["card"]', 'formats = ["card"]\nlocales = 5'),
            "org.toml: build.locales: give a list of names",
        ),
        (
            ('formats = ["card"]', 'formats = ["mug"]'),
            "org.toml: build.formats: 'mug' is not a format; use card, card-sheet, card-discreet,"
            " poster, poster-door, leaflet",
        ),
        (
            ("[organisation]", "print = 5\n[organisation]"),
            "org.toml: print: must be a [print] table",
        ),
        (
            ("[build]", '[[contacts]]\nlabel = 5\nphone = "020 7946 0001"\nregion = "GB"\n[build]'),
            "org.toml: contacts[2].label: give the contact's label as a string",
        ),
        (
            ('phone = "020 7946 0000"', 'phone = "0909 879 0123"'),
            "org.toml: contacts[1].phone: '0909 879 0123' is a premium-rate number; give a "
            "number people can call free or at a local rate",
        ),
        (
            ('phone = "020 7946 0000"\nregion = "GB"', 'phone = "1-900-234-5678"\nregion = "US"'),
            "org.toml: contacts[1].phone: '1-900-234-5678' is a premium-rate number",
        ),
        (
            ('phone = "020 7946 0000"', 'phone = "070 1234 5678"'),
            "org.toml: contacts[1].phone: '070 1234 5678' is a personal number",
        ),
        (
            ('phone = "020 7946 0000"\nregion = "GB"', 'phone = "(500) 234-5678"\nregion = "US"'),
            "org.toml: contacts[1].phone: '(500) 234-5678' is a personal number",
        ),
        (
            ('phone = "020 7946 0000"', 'phone = "056 1234 5678"'),
            "org.toml: contacts[1].phone: '056 1234 5678' is an internet (VoIP) number",
        ),
        (
            ('phone = "020 7946 0000"\nregion = "GB"', 'phone = "+44 20 7946 0321"\nregion = "US"'),
            "org.toml: contacts[1].phone: '+44 20 7946 0321' is a number of GB (+44), not of US",
        ),
        (
            ('region = "GB"', 'region = "GB"\nurl = "https://school.example@evil.example/pay"'),
            "org.toml: contacts[1].url: 'https://school.example@evil.example/pay' has a name "
            "before '@'",
        ),
        (
            ('region = "GB"', 'region = "GB"\nurl = "https://school.example:8443/"'),
            "org.toml: contacts[1].url: 'https://school.example:8443/' names a port",
        ),
        (
            ('region = "GB"', 'region = "GB"\nurl = "https://xn--80ak6aa92e.com/"'),
            "org.toml: contacts[1].url: 'https://xn--80ak6aa92e.com/' must be an https:// link",
        ),
        (
            ('name = "Test School"', 'name = "Test School, call 0909 879 0123"'),
            "org.toml: organisation.name: contains the number '0909 879 0123'; put numbers in "
            "a contact's phone",
        ),
        (
            ('name = "Test School"', 'name = "Test School (911)"'),
            "org.toml: organisation.name: contains the number '911'",
        ),
        (
            ('label = "Office"', 'label = "Office: evil[.]example"'),
            "org.toml: contacts[1].label: contains the link or host 'evil.example'; put links "
            "in a contact's url",
        ),
        (
            ('label = "Office"', 'label = "Office \\u202e"'),
            "org.toml: contacts[1].label: contains invisible or control characters "
            "(U+202E RIGHT-TO-LEFT OVERRIDE)",
        ),
        (
            ('region = "GB"', 'region = "GB"\nhours = "Mon-Fri 8:30-16:30, or 0800 111 222"'),
            "org.toml: contacts[1].hours: contains the number '0800 111 222'",
        ),
        (
            ('name = "Test School"', 'name = "' + "Test School " * 20 + '"'),
            "org.toml: organisation.name: is 240 characters long; keep it to 120",
        ),
        (('logo = "logo.png"', "logo = 7"), "org.toml: organisation.logo: give the logo's path"),
        (
            ('phone = "020 7946 0000"\nregion = "GB"', 'phone = "+1 876 927 1234"\nregion = "US"'),
            "org.toml: contacts[1].phone: '+1 876 927 1234' is a number of JM (+1), not of US",
        ),
        (
            ('phone = "020 7946 0000"', 'phone = "+44 1624 612345"'),
            "org.toml: contacts[1].phone: '+44 1624 612345' is a number of IM (+44), not of GB",
        ),
        (
            ('phone = "020 7946 0000"', 'phone = "020 7946 0000,,9009"'),
            "org.toml: contacts[1].phone: '020 7946 0000,,9009' has an extension (9009)",
        ),
        (
            ('phone = "020 7946 0000"', "phone = 2079460000"),
            "org.toml: contacts[1].phone: give the number as a string",
        ),
        (
            ('region = "GB"', 'region = "GB"\nurl = "https://rainn.org.hl.example/"'),
            "org.toml: contacts[1].url: 'https://rainn.org.hl.example/' looks like the "
            "registry's rainn.org",
        ),
        (
            ('name = "Test School"', 'name = "Call 1-800-SCAM-NOW"'),
            "org.toml: organisation.name: contains the number '1-800-SCAM-NOW' (letters for "
            "digits)",
        ),
        (
            ('name = "Test School"', 'name = "Office ¹⁸⁰⁰⁵⁵⁵⁰¹⁹⁹"'),
            "org.toml: organisation.name: contains the number",
        ),
        (
            ('name = "Test School"', 'name = "Office ｅｖｉｌ．ｅｘａｍｐｌｅ"'),
            "org.toml: organisation.name: contains the link or host 'evil.example'",
        ),
    ],
)
def test_a_bad_config_is_one_line_exit_2_and_writes_nothing(tmp_path, change, message):
    path = _config(tmp_path, GOOD.replace(*change))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(out)])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + message), lines
    assert "Traceback" not in res.output
    assert not list(out.rglob("*.pdf")) if out.exists() else True


def test_several_problems_are_one_line_each(tmp_path):
    path = _config(
        tmp_path,
        GOOD.replace('phone = "020 7946 0000"', 'phone = "12"').replace(
            'name = "Test School"', 'name = ""'
        ),
    )
    res = CliRunner().invoke(main, ["build", "--config", str(path)])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 2


def _qr_svg(payload: str) -> str:
    m = segno.make_qr(payload).matrix
    cells = "".join(
        f'<rect x="{x + 4}" y="{y + 4}" width="1" height="1"/>'
        for y, row in enumerate(m)
        for x, v in enumerate(row)
        if v
    )
    n = len(m) + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{n * 8}" height="{n * 8}" '
        f'viewBox="0 0 {n} {n}"><rect width="{n}" height="{n}" fill="#fff"/>{cells}</svg>'
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png(width: int, height: int, idat: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _flipped_idat(path: Path) -> None:
    data = bytearray((EXAMPLES / "northfield-school-logo.png").read_bytes())
    data[data.index(b"IDAT") + 12] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncated_jpeg(path: Path) -> None:
    Image.new("RGB", (800, 400), "teal").save(path, "JPEG", quality=90)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "name, make, message",
    [
        (
            "logo.png",
            lambda p: segno.make_qr("https://evil.example/pay").save(p, scale=20, border=4),
            "logo.png holds a code (QR Code); a logo may not carry one",
        ),
        (
            "logo.svg",
            lambda p: p.write_text(_qr_svg("tel:+449098790123")),
            "logo.svg holds a code (QR Code)",
        ),
        (
            "logo.png",
            lambda p: p.write_bytes(_png(30000, 30000, zlib.compress(b"\0" * 90001 * 10))),
            "logo.png has more pixels than a logo needs (at most 25 million); scale it down",
        ),
        ("logo.png", _flipped_idat, "logo.png is not a readable PNG image; export it again"),
        (
            "logo.png",
            lambda p: p.write_bytes(_png(400, 200, b"\x78\x9c" + b"garbage" * 50)),
            "logo.png is not a readable PNG image",
        ),
        ("logo.jpg", _truncated_jpeg, "logo.jpg is not a readable JPG image"),
        (
            "logo.png",
            lambda p: Image.new("RGB", (400, 200)).save(p, "GIF"),
            "logo.png is a GIF file, not a PNG",
        ),
        (
            "logo.svg",
            lambda p: p.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                '<rect width="200" height="100" fill="#036"/>'
                '<text x="10" y="50" font-size="20">Call 0909 879 0123</text></svg>'
            ),
            "logo.svg has text ('Call 0909 879 0123'); convert its text to outlines",
        ),
        (
            "logos/logo.svg",
            lambda p: p.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                '<image href="../secret-photo.png" width="200" height="100"/></svg>'
            ),
            "logo.svg draws the picture 'secret-photo.png' from outside its own folder",
        ),
        (
            "logo.svg",
            lambda p: p.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="NaN" height="100">'
                '<rect width="200" height="100" fill="#036"/></svg>'
            ),
            "logo.svg is not a readable SVG (give it a width and height",
        ),
        (
            "logo.svg",
            lambda p: p.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="-100" height="100">'
                '<rect width="200" height="100" fill="#036"/></svg>'
            ),
            "logo.svg is not a readable SVG",
        ),
        (
            "logo.svg",
            lambda p: p.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="1e-9" height="1e-9">'
                '<rect width="200" height="100" fill="#036"/></svg>'
            ),
            "logo.svg is not a readable SVG",
        ),
    ],
)
def test_a_logo_is_checked_for_what_it_carries_before_anything_is_drawn(
    tmp_path, name, make, message
):
    Image.new("RGB", (300, 300), "red").save(tmp_path / "secret-photo.png")
    path = _config(tmp_path, GOOD.replace('logo = "logo.png"', f'logo = "{name}"'))
    (tmp_path / name).parent.mkdir(exist_ok=True)
    make(tmp_path / name)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: org.toml: organisation.logo: "), lines
    assert message in lines[0]
    assert not out.exists()


def test_a_config_that_is_not_a_file_is_one_line(tmp_path):
    for bad in ("/dev/zero", str(tmp_path)):
        res = CliRunner().invoke(main, ["build", "--config", bad])
        assert res.exit_code == 2 and "Traceback" not in res.output
        assert len(res.stderr.strip().splitlines()) == 1
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    res = CliRunner().invoke(main, ["build", "--config", str(fifo)])
    assert res.exit_code == 2 and "not a regular file" in res.stderr
    big = tmp_path / "big.toml"
    big.write_text('[organisation]\nname = "' + "x" * 2_000_000 + '"\n')
    res = CliRunner().invoke(main, ["build", "--config", str(big)])
    assert res.exit_code == 2 and "too large for a config file" in res.stderr


def test_a_coarse_logo_is_refused(tmp_path):
    path = _config(tmp_path, GOOD)
    Image.new("RGB", (120, 60), "white").save(tmp_path / "logo.png")
    res = CliRunner().invoke(main, ["build", "--config", str(path)])
    assert res.exit_code == 2
    assert "too coarse to print" in res.stderr and "use a larger image or an SVG" in res.stderr


def test_names_with_markup_or_the_cve_payload_are_refused_and_an_ampersand_is_text(tmp_path):
    from .test_i18n import CVE_2023_33733

    marker = tmp_path / "exploited"
    payload = CVE_2023_33733.format(marker=marker).replace('"', "'")
    for name in ("<b>Smith</b> School", "Smith &amp; Jones", payload):
        path = _config(tmp_path, GOOD.replace('name = "Test School"', f'name = "{name}"'))
        res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(tmp_path)])
        assert res.exit_code == 2 and "org.toml: organisation.name: contains markup" in res.stderr
        assert not list(tmp_path.rglob("*.pdf")) and not marker.exists()
    path = _config(
        tmp_path,
        GOOD.replace('name = "Test School"', 'name = "Smith & Jones School"').replace(
            'label = "Office"', 'label = "Office & desk"'
        ),
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = read_pdf(out / "uk-young-people" / "en" / "card-cr80.pdf")
    text = " ".join(" ".join(p.text.split()) for p in doc.pages)
    assert "Smith & Jones School" in text and "Office & desk" in text


def test_init_config_writes_an_example_that_names_every_key(tmp_path):
    path = tmp_path / "leaflets.toml"
    res = CliRunner().invoke(main, ["init-config", str(path)])
    assert res.exit_code == 0
    text = path.read_text("utf-8")
    for key in (
        "[organisation]",
        "name",
        "logo",
        "[[contacts]]",
        "label",
        "phone",
        "region",
        "hours",
        "url",
        "[print]",
        "paper",
        "accent",
        "[build]",
        "guides",
        "locales",
        "formats",
    ):
        assert key in text
    res = CliRunner().invoke(main, ["init-config", str(path)])
    assert res.exit_code == 2 and "already exists" in res.stderr


def test_command_line_options_win_over_the_config(tmp_path):
    res = CliRunner().invoke(
        main,
        [
            "build",
            "--config",
            str(EXAMPLES / "school.toml"),
            "--locale",
            "en",
            "--format",
            "poster",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == ["poster-a4.pdf"]


def test_a_contact_link_is_printed_and_verify_trusts_it_only_with_the_config(tmp_path):
    path = _config(
        tmp_path,
        GOOD.replace('region = "GB"', 'region = "GB"\nurl = "https://www.example.org/help"'),
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    card = out / "uk-young-people" / "en" / "card-cr80.pdf"
    back = " ".join(read_pdf(card).pages[1].text.split())
    assert "https://www.example.org" in back and "/help" in back
    assert CliRunner().invoke(main, ["verify", "--config", str(path), str(card)]).exit_code == 0
    res = CliRunner().invoke(main, ["verify", str(card)])
    assert res.exit_code == 1 and "example.org" in res.output


def test_the_manifest_of_a_config_build_does_not_change_from_day_to_day(school):
    """An organisation's contacts are checked by the build: the manifest records them as
    "config", not with the build's date (which made it differ every day)."""
    manifest = json.loads((school / "manifest.json").read_text())
    locals_ = {
        rid: d
        for e in manifest["files"]
        for rid, d in {**e["resources"], **e["codes"]}.items()
        if rid.startswith("local-")
    }
    assert locals_ and set(locals_.values()) == {"config"}


def test_a_config_saved_with_a_bom_reads(tmp_path):
    path = _config(tmp_path, GOOD)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_config(path).name == "Test School"


@pytest.mark.skipif(not can_read_text(), reason="reads the logo with Tesseract")
def test_a_logo_picturing_a_number_is_refused(tmp_path):
    from PIL import ImageDraw, ImageFont

    im = Image.new("RGB", (800, 240), "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(ROOT / "fonts" / "NotoSans-Bold.ttf"), 60)
    draw.text((20, 20), "St Mary's", fill="navy", font=font)
    draw.text((20, 110), "0909 879 0123", fill="navy", font=font)
    path = _config(tmp_path, GOOD)
    im.save(tmp_path / "logo.png")
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "logo.png shows the number '0909 879 0123'; a logo may not carry" in res.stderr


def test_without_tesseract_the_build_says_the_logo_was_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("TESSERACT", str(tmp_path / "no-such-program"))
    path = _config(tmp_path, GOOD)
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0
    assert "the text pictured in logo.png was not read (Tesseract is not installed)" in res.stderr


POLISH_SCHOOL = """\
[organisation]
name = "Szkoła Podstawowa nr 12 im. Marii Konopnickiej w Chicago"

[[contacts]]
label = "Pedagog szkolny, pani Kowalska"
phone = "(312) 555-0142"
region = "US"
hours = "pon.–pt. 8:00–15:30"
url = "https://sp12.example.org/pomoc"

[[contacts]]
label = "Pielęgniarka szkolna"
phone = "(312) 555-0187"
region = "US"
hours = "w dni szkolne"
{more}
[print]
paper = "a4"

[build]
guides = ["us"]
locales = ["pl"]
formats = ["card", "poster", "large-print"]
"""
# what the US guide's card back and poster print: 911, RAINN and the CCRI helpline
US_NATIONAL = ("911", "1-800-656-HOPE (4673)", "1-844-878-2274")


def test_a_polish_school_with_two_contacts_gets_its_card_and_poster(tmp_path):
    """A long language and two local contacts: the card's back lets one QR code go (its
    site is printed) and the text runs under the other; the poster lets the organisation's
    last code go (its number is printed). Every number is printed, and verify passes."""
    path = tmp_path / "pl.toml"
    path.write_text(POLISH_SCHOOL.format(more=""), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--config", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    files = {p.name: p for p in (out / "us" / "pl").glob("*.pdf")}
    assert sorted(files) == ["card-cr80.pdf", "large-print-a4.pdf", "poster-a4.pdf"]
    card = read_pdf(files["card-cr80.pdf"])
    back = " ".join(card.pages[1].text.split())
    poster = " ".join(" ".join(p.text.split()) for p in read_pdf(files["poster-a4.pdf"]).pages)
    for text in (back, poster):
        for number in (*US_NATIONAL, "(312) 555-0142", "(312) 555-0187"):
            assert number in text
    assert "takeitdown.ncmec.org" in back  # the target of the code that gave way
    assert "https://sp12.example.org/pomoc" in poster
    # the large print's codes take a page of their own; they ran over its page number (the
    # nurse's code, the fifth in one column), which verify found: every number printed
    large = read_pdf(files["large-print-a4.pdf"])
    text = " ".join(" ".join(p.text.split()) for p in large.pages)
    for number in (*US_NATIONAL, "(312) 555-0142", "(312) 555-0187"):
        assert number in text
    res = CliRunner().invoke(main, ["verify", "--config", str(path), str(out)])
    assert res.exit_code == 0, res.output


def test_a_card_back_without_room_for_the_contacts_says_how_many_fit(tmp_path):
    more = "".join(
        f'\n[[contacts]]\nlabel = "Wychowawca klasy {n}, pani Nowak-Wiśniewska"\n'
        f'phone = "(312) 555-01{n}0"\nregion = "US"\n'
        for n in range(5, 9)
    )
    path = tmp_path / "pl.toml"
    path.write_text(POLISH_SCHOOL.format(more=more), encoding="utf-8")
    res = CliRunner().invoke(
        main, ["build", "--config", str(path), "--format", "card", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code != 0
    line = next(x for x in res.output.splitlines() if "card, paper cr80" in x)
    assert "the card's back has no room for 6 contacts in this language" in line
    assert "give at most " in line and "or shorter labels" in line
