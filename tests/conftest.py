"""Shared fixtures: cards built once per session, and readers that see a PDF as a person would
(text with positions, font sizes and faces; rendered pixels; decoded QR codes)."""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import subprocess
import sys
import tempfile
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
# start by the build's own pool (one worker a core, a language at a time): without it each
# test worker, and each build a test starts, converted the same fonts at the same moment.
_WARM = (
    "import sys\n"
    "from leaflets.build import build\n"
    "build(guides='all', locales='all', formats='card', out=sys.argv[1], jobs=int(sys.argv[2]))\n"
)


def pytest_sessionstart(session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # a test worker: the controller has warmed the cache before starting it
    if not getattr(session.config.option, "numprocesses", None):
        return  # one process (-n 0, a debugger): nothing made twice at once to save
    with tempfile.TemporaryDirectory(prefix="leaflets-warm-") as out:
        jobs = str(max(1, min(os.cpu_count() or 1, 4)))
        # a failure here is the tests' to find and name, not the warm-up's
        subprocess.run(
            [sys.executable, "-c", _WARM, out, jobs],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


MATRIX = ["build", "--guide", "all", "--locale", "all", "--format", "all", "--paper", "all"]
EPOCH = "1767225600"  # 2026-01-01, as a release build sets SOURCE_DATE_EPOCH
# one language of each script family the fonts serve, for both guides: Latin (en), Arabic
# (right to left, shaped), Bengali (Indic, shaped) and Japanese (CJK, subset): every format,
# every paper
ONE_JOB_LOCALES = ["en", "ar", "bn", "ja"]


@dataclass
class Release:
    out: Path  # the whole matrix, --jobs 2
    stderr: str
    one_job: Path  # ONE_JOB_LOCALES in one process (--jobs 1)


@pytest.fixture(scope="session")
def release(tmp_path_factory, worker_id) -> Release:
    """The whole matrix as a release builds it (--jobs 2, SOURCE_DATE_EPOCH set) and, at the
    same time, every format and paper of each script family in one process (--jobs 1): two
    processes' worth of work for two CPUs, so the second costs little extra time.

    Built once for the whole run: the first test worker to ask builds it, under a lock in
    the folder all workers share; the others wait for it and read it (test_release.py and
    test_scripts.py both read it, from whichever worker)."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    record = shared / "release.json"
    with (shared / "release.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.is_file():
            known = json.loads(record.read_text())
            return Release(Path(known["out"]), known["stderr"], Path(known["one_job"]))
        made = _build_release(shared / "release")
        record.write_text(
            json.dumps({"out": str(made.out), "stderr": made.stderr, "one_job": str(made.one_job)})
        )
        return made


def _build_release(root: Path) -> Release:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out, one_job, logs = root / "j2", root / "j1", root / "logs"
    for folder in (out, one_job, logs):
        folder.mkdir(parents=True)
    one_job_script = (
        "from leaflets.build import build\n"
        f"r = build(guides='all', locales={ONE_JOB_LOCALES!r}, formats='all', paper='all', "
        f"out={str(one_job)!r}, jobs=1)\n"
        "assert not r.failures, r.failures\n"
    )
    commands = {
        "j2": [sys.executable, str(ROOT / "make_leaflets.py"), *MATRIX, "-j", "2", "--out", out],
        "j1": [sys.executable, "-c", one_job_script],
    }
    procs = {}
    for name, args in commands.items():
        with (logs / name).open("w") as err:  # a file, not a pipe: neither waits on a reader
            procs[name] = subprocess.Popen(
                [str(a) for a in args], cwd=ROOT, env=env, stdout=err, stderr=err
            )
    try:
        for name, proc in procs.items():
            rc = proc.wait(timeout=600)
            assert rc == 0, (logs / name).read_text()[-2000:]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return Release(out, (logs / "j2").read_text(), one_job)


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
