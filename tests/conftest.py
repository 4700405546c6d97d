"""Shared fixtures: cards built once per session, and readers that see a PDF as a person would
(text with positions, font sizes and faces; rendered pixels; decoded QR codes)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from click.testing import CliRunner

from leaflets.build import render_pdf
from leaflets.cli import main
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.guide import load_guides
from leaflets.sources.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
MM = 72 / 25.4


# The fonts a fresh machine converts first (the CJK collection subset to each catalog's
# characters, a second or more a face) and the catalog checks, made once before the tests
# start, in as many processes as there are cores: without it each test worker, and each
# build a test starts, converted the same fonts at the same moment.
_WARM = (
    "import sys\n"
    "from leaflets.build import render_pdf\n"
    "from leaflets.formats import FORMATS\n"
    "from leaflets.i18n import localise\n"
    "from leaflets.sources.guide import load_guides\n"
    "from leaflets.sources.registry import default_registry\n"
    "reg = default_registry()\n"
    "guides = {g.id: g for g in load_guides(None, reg)}\n"
    "for pair in sys.argv[1:]:\n"
    "    gid, locale = pair.split('/')\n"
    "    render_pdf(localise(guides[gid], locale), reg, FORMATS['card'], 'cr80')\n"
)


def pytest_sessionstart(session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # a test worker: the controller has warmed the cache before starting it
    if not getattr(session.config.option, "numprocesses", None):
        return  # one process (-n 0, a debugger): nothing made twice at once to save
    from leaflets.i18n import available_locales
    from leaflets.sources.guide import guide_ids

    pairs = [f"{g}/{loc}" for g in guide_ids() for loc in available_locales(g)]
    cjk = [p for p in pairs if p.split("/")[1].split("-")[0] in ("zh", "ja", "ko")]
    rest = [p for p in pairs if p not in cjk]
    n = max(1, min(os.cpu_count() or 1, 4))
    shares = [cjk[i::n] + rest[i::n] for i in range(n)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WARM, *share],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for share in shares
        if share
    ]
    for proc in procs:
        proc.wait()  # a failure here is the tests' to find and name, not the warm-up's


@pytest.fixture(scope="session")
def registry():
    return default_registry()


@pytest.fixture(scope="session")
def guides(registry):
    return {g.id: g for g in load_guides(None, registry)}


def build_card(guide, registry, path: Path, locale: str = "en") -> Path:
    """Render a card from the given guide and registry (tests pass tampered copies)."""
    write_atomic(path, render_pdf(localise(guide, locale), registry, FORMATS["card"], "cr80").data)
    return path


def build_english_matrix(out: Path, *options: str) -> Path:
    """English: every guide, format and paper, built through the command line (with its
    manifest); `options` such as --bleed."""
    args = ["build", "--guide", "all", "--locale", "en", "--format", "all", "--paper", "all"]
    res = CliRunner().invoke(main, [*args, *options, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="session")
def matrix(tmp_path_factory) -> Path:
    """English: every guide, format and paper, built once (with its manifest)."""
    return build_english_matrix(tmp_path_factory.mktemp("matrix"))


@pytest.fixture(scope="session")
def cards(tmp_path_factory, guides, registry) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("cards")
    return {
        gid: build_card(g, registry, out / gid / "en" / "card-cr80.pdf")
        for gid, g in guides.items()
    }


@dataclass
class Char:
    ch: str
    box: tuple[float, float, float, float]  # left, bottom, right, top (points)
    size: float
    font: str
    weight: int


def chars(pdf_path: Path, page_index: int) -> list[Char]:
    """Every character on a page with its box, font size, font name and weight."""
    pdf = pdfium.PdfDocument(pdf_path)
    tp = pdf[page_index].get_textpage()
    out = []
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.strip():
            continue
        pdfium_c.FPDFText_GetFontInfo(tp.raw, i, buf, 256, ctypes.byref(flags))
        out.append(
            Char(
                ch,
                tp.get_charbox(i),
                pdfium_c.FPDFText_GetFontSize(tp.raw, i),
                buf.value.decode(),
                pdfium_c.FPDFText_GetFontWeight(tp.raw, i),
            )
        )
    return out


def page_text(pdf_path: Path, page_index: int) -> str:
    pdf = pdfium.PdfDocument(pdf_path)
    return pdf[page_index].get_textpage().get_text_range()


def pdf_text(pdf_path: Path) -> str:
    """The text of every page in pdfium's reading order (nothing rendered: cheap)."""
    pdf = pdfium.PdfDocument(pdf_path)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def render(pdf_path: Path, page_index: int, dpi: int = 300):
    pdf = pdfium.PdfDocument(pdf_path)
    return pdf[page_index].render(scale=dpi / 72).to_pil()


def qr_codes(pdf_path: Path, page_index: int, dpi: int = 300):
    """Decoded QR codes: (payload, version, size in mm of the symbol, bbox in pixels)."""
    img = render(pdf_path, page_index, dpi)
    out = []
    for bc in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode):
        xs = [p.x for p in (bc.position.top_left, bc.position.bottom_right)]
        ys = [p.y for p in (bc.position.top_left, bc.position.bottom_right)]
        version = int(bc.extra["Version"])
        # the position is the symbol's outer corners (quiet zone excluded)
        out.append(
            (
                bc.text,
                version,
                (xs[1] - xs[0]) / dpi * 25.4,
                (min(xs), min(ys), max(xs), max(ys)),
                img,
            )
        )
    return out
