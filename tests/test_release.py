"""Release builds: reproducible across --jobs, a manifest that checks, interrupt-safe, stale
registry entries, the preview gallery."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from leaflets.build import manifest as b
from leaflets.cli import main

from .conftest import ROOT

MATRIX = ["build", "--guide", "all", "--locale", "all", "--format", "all", "--paper", "all"]


def _build(out: Path, workers: int, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "make_leaflets.py"),
            *MATRIX,
            "--jobs",
            str(workers),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    outs = []
    for workers in (1, 2):
        out = tmp_path_factory.mktemp(f"j{workers}")
        res = _build(out, workers, env)
        assert res.returncode == 0, res.stderr[-2000:]
        outs.append((out, res))
    return outs


def test_jobs_1_and_2_are_byte_identical(two_builds):
    (a, _), (c, _) = two_builds
    diff = subprocess.run(["diff", "-r", str(a), str(c)], capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout[:2000]


def test_the_manifest_lists_every_file_with_its_hash(two_builds, registry):
    out, _ = two_builds[0]
    manifest = json.loads((out / "manifest.json").read_text())
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert [e["path"] for e in manifest["files"]] == pdfs
    for e in manifest["files"]:
        data = (out / e["path"]).read_bytes()
        assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["size"] == len(data)
        assert e["pages"] == len(pypdf.PdfReader(out / e["path"]).pages)
        assert e["review"] in ("draft", "reviewed")
        assert e["resources"] and all(
            registry[r].verified.isoformat() == d for r, d in e["resources"].items()
        )
    assert manifest["registry_sha256"] == registry.digest
    assert manifest["tool"]["leaflets"] and manifest["tool"]["reportlab"]
    card = next(e for e in manifest["files"] if e["path"] == "us/en/card-cr80.pdf")
    assert set(card["resources"]) >= {"emergency-us", "rainn", "ccri", "take-it-down"}


def test_ci_output_is_one_line_per_edition_and_language(two_builds):
    _, res = two_builds[0]
    built = [line for line in res.stderr.splitlines() if line.startswith("built ")]
    assert "built us/en" in built and "built uk-young-people/cy" in built
    assert len(built) == len(set(built)) == 28
    last = res.stderr.strip().splitlines()[-1]
    assert last == f"252 file(s) written to {two_builds[0][0]}, 0 failed"


def test_verify_checks_the_manifest(two_builds, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(two_builds[0][0] / "us" / "en", out / "us" / "en")
    manifest = json.loads((two_builds[0][0] / "manifest.json").read_text())
    manifest["files"] = [e for e in manifest["files"] if e["path"].startswith("us/en/")]
    (out / "manifest.json").write_text(json.dumps(manifest))
    runner = CliRunner()
    assert runner.invoke(main, ["verify", str(out)]).exit_code == 0
    with (out / "us" / "en" / "poster-a4.pdf").open("ab") as f:
        f.write(b"\n% changed\n")
    res = runner.invoke(main, ["verify", str(out)])
    assert res.exit_code == 1
    assert "poster-a4.pdf: error: differs from manifest.json (sha256)" in res.output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_leaves_no_broken_or_temporary_file(tmp_path, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "make_leaflets.py"), *MATRIX, "--jobs", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.rglob("*.pdf"))) < 15:
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert err.strip().splitlines()[-1].startswith("interrupted: the workers were stopped")
    assert "Traceback" not in err
    pdfs = list(out.rglob("*.pdf"))
    assert 0 < len(pdfs) < 252
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for pdf in pdfs:
        assert len(pypdf.PdfReader(pdf).pages) >= 1  # every file written is whole
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-f", f"--out {out}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""  # no worker outlives the build


def test_an_unusable_out_is_one_line_before_any_work(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    res = CliRunner().invoke(main, ["build", "--out", str(afile / "sub")])
    assert res.exit_code == 2
    assert re.fullmatch(
        r"error: --out .*: cannot write there \(.*\); choose another folder", res.stderr.strip()
    )


def test_stale_registry_entries_warn_and_strict_fails(tmp_path, monkeypatch, registry):
    old = registry.replace("ccri", verified=dt.date(2020, 1, 1))
    lines = b.stale_entries(old, {"us"}, 180, today=dt.date(2026, 11, 25))
    assert lines == [
        "registry entry ccri was last verified on 2020-01-01, 2520 days ago "
        f"(limit 180); re-check it at: {registry['ccri'].source}"
    ]
    assert b.stale_entries(old, {"uk-young-people"}, 180, today=dt.date(2026, 11, 25)) == []
    import leaflets.build.plan

    monkeypatch.setattr(leaflets.build.plan, "default_registry", lambda: old)
    runner = CliRunner()
    res = runner.invoke(
        main, ["build", "--guide", "us", "--format", "card", "--out", str(tmp_path / "a")]
    )
    assert res.exit_code == 0 and "warning: registry entry ccri was last verified" in res.stderr
    res = runner.invoke(
        main,
        ["build", "--guide", "us", "--format", "card", "--strict", "--out", str(tmp_path / "b")],
    )
    assert res.exit_code == 1 and res.stderr.startswith("error: registry entry ccri")
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").rglob("*.pdf"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src"):
                self.refs.append(value)


def test_preview_gallery_links_and_images_exist(tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    assert (
        runner.invoke(
            main,
            [
                "build",
                "--guide",
                "all",
                "--locale",
                "es",
                "--format",
                "all",
                "--paper",
                "a4",
                "--out",
                str(out),
            ],
        ).exit_code
        == 0
    )
    res = runner.invoke(main, ["preview", str(out)])
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text("utf-8")
    parser = _Links()
    parser.feed(page)
    assert parser.refs
    for ref in parser.refs:
        assert not ref.startswith(("/", "http")), ref  # relative links only
        assert (out / ref).is_file(), ref
    pdf_links = {r for r in parser.refs if r.endswith(".pdf")}
    assert pdf_links == {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    assert "Español" in page and page.count('class="draft"') >= len(pdf_links)
