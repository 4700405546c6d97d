"""The package as a user installs it: a wheel built from the checkout, installed (not editable)
in a fresh virtual environment, run from a folder outside the checkout, prints cards in every
script and verifies them. The CJK fonts come from their own distribution (the [cjk] extra)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from leaflets.formats import FORMATS

from .conftest import ROOT

pytestmark = pytest.mark.slow

MAX_WHEEL_MB = 5  # every font but CJK, every catalog: about 3 MB


def _run(args, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kw)
    assert res.returncode == 0, f"{args}\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    dist = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (setuptools, a test requirement) is already here
    for source in (ROOT, ROOT / "fonts" / "cjk"):
        _run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", dist, source])
    return {
        "leaflets": next(dist.glob("leaflets-*.whl")),
        "cjk": next(dist.glob("leaflets_cjk_fonts-*.whl")),
    }


def test_the_sdist_holds_the_data_a_wheel_is_built_from(tmp_path):
    _run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--outdir", tmp_path, ROOT])
    sdist = next(tmp_path.glob("leaflets-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "LICENSE",
        "leaflets/data/resources.toml",
        "leaflets/data/guides/uk-young-people.toml",
        "fonts/fonts.toml",
        "fonts/NotoSansArabic-Regular.ttf",
        "locales/uk-young-people.pot",
        "locales/cy/LC_MESSAGES/uk-young-people.po",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.endswith(".ttc")]


def test_the_wheel_holds_its_data_and_not_the_cjk_fonts(wheels):
    names = set(zipfile.ZipFile(wheels["leaflets"]).namelist())
    for needed in (
        "leaflets/data/resources.toml",
        "leaflets/data/guides/us.toml",
        "leaflets/data/config-example.toml",
        "leaflets/data/fonts/fonts.toml",
        "leaflets/data/fonts/OFL.txt",
        "leaflets/data/fonts/NotoSans-Regular.ttf",
        "leaflets/data/fonts/NotoSansBengali-Bold.ttf",
        "leaflets/data/locales/us.pot",
        "leaflets/data/locales/ar/LC_MESSAGES/us.po",
        "leaflets/data/locales/bn/LC_MESSAGES/uk-young-people.po",
    ):
        assert needed in names
    assert not [n for n in names if n.endswith(".ttc")]
    assert wheels["leaflets"].stat().st_size < MAX_WHEEL_MB * 1024 * 1024
    cjk = set(zipfile.ZipFile(wheels["cjk"]).namelist())
    assert {"leaflets_cjk_fonts/NotoSansCJK-Regular.ttc", "leaflets_cjk_fonts/OFL.txt"} <= cjk


def test_the_installed_wheel_prints_every_script_outside_the_checkout(tmp_path, wheels):
    env_dir = tmp_path / "venv"
    # a fresh environment that sees this one's dependencies (reportlab, pdfium, ...), so that
    # only the wheel and its [cjk] extra are installed into it, not editable, not the checkout
    venv.create(env_dir, with_pip=True, system_site_packages=True)
    python = env_dir / "bin" / "python"
    wheel = wheels["leaflets"]
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--find-links",
            wheel.parent,
            f"{wheel}[cjk]",
        ]
    )
    work = tmp_path / "school"  # an empty folder far from the checkout
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LEAFLETS_FONTS")}
    env["HOME"] = str(tmp_path / "home")
    run = {"cwd": work, "env": env}
    where = _run([python, "-c", "import leaflets; print(leaflets.__file__)"], **run)
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    script = (
        "from leaflets.build import build\n"
        "cards = build(locales=['en', 'ar', 'bn', 'zh-Hans'], formats='card', out='out', jobs=2)\n"
        "rest = build(guides='us', locales='en', out='out', jobs=2)\n"
        "assert not cards.failures + rest.failures\n"
        "print(len(set(cards.written + rest.written)))\n"
    )
    # a card in en and ar of both editions, zh-Hans of the US one and bn of the UK one; and
    # every format on every paper of the US edition in English (16 PDFs, and 2 PNGs rendered
    # from the social images): 6 cards, the US English one among the 16
    pdfs = sum(len(f.papers) for f in FORMATS.values())
    pngs = sum(len(f.papers) for f in FORMATS.values() if f.image)
    assert (pdfs, pngs) == (16, 2)
    assert _run([python, "-c", script], **run).stdout.strip() == str(6 + pdfs - 1)
    for rel in ("us/en", "us/ar", "us/zh-Hans", "uk-young-people/ar", "uk-young-people/bn"):
        assert (work / "out" / rel / "card-cr80.pdf").is_file()
    res = _run([env_dir / "bin" / "leaflets", "verify", "out"], **run)
    assert f"{6 + pdfs - 1 + pngs} file(s) checked, 0 error(s)" in res.stderr
    # without the CJK fonts, Chinese is one line saying what to install; that file fails
    # (exit code 1) and the others of the build would still be written
    _run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "leaflets-cjk-fonts"])
    res = subprocess.run(
        [
            env_dir / "bin" / "leaflets",
            "build",
            "--guide",
            "us",
            "--locale",
            "zh-Hans",
            "--format",
            "card",
            "--out",
            "out2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        **run,
    )
    assert res.returncode == 1, res.stderr
    assert "pip install 'leaflets[cjk]'" in res.stderr and "Traceback" not in res.stderr
