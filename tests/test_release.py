"""Release builds: reproducible across --jobs, a manifest that checks, interrupt-safe, stale
registry entries, the preview gallery."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from leaflets import i18n
from leaflets.build import manifest as b
from leaflets.cli import main
from leaflets.formats import FORMATS

from .conftest import MATRIX, ONE_JOB_LOCALES, ROOT


def _relpaths(out: Path, pattern: str = "*.pdf") -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(pattern))


# each edition and language: every format on every paper, and a PNG of each social image
PDFS_EACH = sum(len(f.papers) for f in FORMATS.values())
PNGS_EACH = sum(len(f.papers) for f in FORMATS.values() if f.image)


@pytest.mark.slow
def test_jobs_1_and_2_are_byte_identical(release, guides):
    files = _relpaths(release.one_job)
    # the one-process build covers every format on every paper in each script family
    every_file = {f"{f}-{p}.pdf" for f in FORMATS for p in FORMATS[f].papers}
    editions = {
        (g, loc)
        for g in guides
        for loc in ONE_JOB_LOCALES
        if loc == "en" or loc in i18n.available_locales(g)
    }
    assert {tuple(f.split("/")[:2]) for f in files} == editions
    assert {f.split("/")[2] for f in files} == every_file
    assert len(files) == len(editions) * len(every_file) == len(editions) * PDFS_EACH
    pngs = _relpaths(release.one_job, "*.png")
    assert len(pngs) == len(editions) * PNGS_EACH
    # and each of its files is byte for byte the one the two workers made
    differ = [
        f
        for f in files + pngs
        if (release.one_job / f).read_bytes() != (release.out / f).read_bytes()
    ]
    assert differ == [], differ[:10]
    # as is what the manifests record of them
    one, full = (
        json.loads((d / "manifest.json").read_text()) for d in (release.one_job, release.out)
    )
    full_entries = {e["path"]: e for e in full.pop("files")}
    assert one.pop("files") == [full_entries[f] for f in sorted(files + pngs)]
    assert one == full  # the tool's versions and the registry's digest


def _check_manifest(out: Path, registry) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    pngs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert [e["path"] for e in manifest["files"]] == sorted(_relpaths(out) + pngs)
    for e in manifest["files"]:
        data = (out / e["path"]).read_bytes()
        assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["size"] == len(data)
        if e["path"].endswith(".png"):  # a social image, rendered from the PDF beside it
            assert e["from"] == e["path"].removesuffix(".png") + ".pdf"
            continue
        assert e["pages"] == len(pypdf.PdfReader(out / e["path"]).pages)
        assert e["review"] in ("draft", "reviewed")
        assert e["resources"] and all(
            registry[r].verified.isoformat() == d for r, d in e["resources"].items()
        )
    assert manifest["registry_sha256"] == registry.digest
    assert manifest["tool"]["leaflets"] and manifest["tool"]["reportlab"]
    card = next(e for e in manifest["files"] if e["path"] == "us/en/card-cr80.pdf")
    assert set(card["resources"]) >= {"emergency-us", "rainn", "ccri", "take-it-down"}


@pytest.mark.slow
def test_every_latin_and_cyrillic_language_of_the_release_verifies(release, registry):
    """Every format and paper of the Latin and Cyrillic languages, as the release built them,
    verifies clean (drafts aside)."""
    from leaflets.verify import check_paths

    from .test_i18n import LATIN, QUICK_LATIN

    folders = [
        release.out / g / loc
        for g in ("us", "uk-young-people")
        for loc in LATIN
        if loc not in QUICK_LATIN and (release.out / g / loc).is_dir()
    ]
    assert len(folders) >= len(LATIN) - len(QUICK_LATIN)
    files, findings = check_paths(folders, registry)
    assert len(files) >= 9 * len(folders)
    assert [str(f) for f in findings if f.level == "error"] == []


def test_the_manifest_lists_every_file_with_its_hash(matrix, registry):
    _check_manifest(matrix, registry)  # English: every guide, format and paper


@pytest.mark.slow
def test_the_release_manifest_lists_every_file_with_its_hash(release, registry):
    _check_manifest(release.out, registry)  # every language too
    # 16 PDFs and 2 PNGs for each of 28 editions and languages
    assert (PDFS_EACH, PNGS_EACH) == (16, 2)
    assert len(_relpaths(release.out)) == 28 * PDFS_EACH
    assert len(_relpaths(release.out, "*.png")) == 28 * PNGS_EACH


@pytest.mark.slow
def test_ci_output_is_one_line_per_edition_and_language(release):
    built = [line for line in release.stderr.splitlines() if line.startswith("built ")]
    assert "built us/en" in built and "built uk-young-people/cy" in built
    assert len(built) == len(set(built)) == 28
    last = release.stderr.strip().splitlines()[-1]
    assert last == (
        f"{28 * PDFS_EACH} file(s) written to {release.out},"
        f" with {28 * PNGS_EACH} PNG image(s) rendered from them, 0 failed"
    )


def test_verify_checks_the_manifest(matrix, tmp_path):
    import shutil

    out = tmp_path / "copy"
    kept = ["us/en/card-cr80.pdf", "us/en/poster-a4.pdf"]
    for f in kept:
        (out / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(matrix / f, out / f)
    manifest = json.loads((matrix / "manifest.json").read_text())
    manifest["files"] = [e for e in manifest["files"] if e["path"] in kept]
    assert len(manifest["files"]) == 2
    (out / "manifest.json").write_text(json.dumps(manifest))
    runner = CliRunner()
    assert runner.invoke(main, ["verify", str(out)]).exit_code == 0
    with (out / "us" / "en" / "poster-a4.pdf").open("ab") as f:
        f.write(b"\n% changed\n")
    res = runner.invoke(main, ["verify", str(out)])
    assert res.exit_code == 1
    assert "poster-a4.pdf: error: differs from manifest.json (sha256)" in res.output


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from its third field (state, ppid, ...), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()  # the name in (...) may hold anything


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, each with its start time (field 22), so that a
    pid used again by another process is not taken for it."""
    out = {}
    for d in Path("/proc").iterdir():
        fields = _stat(int(d.name)) if d.name.isdigit() else None
        if fields and int(fields[1]) == pid:
            out[int(d.name)] = fields[19]
    return out


def _still_there(children: dict[int, str]) -> list[int]:
    return [pid for pid, start in children.items() if (_stat(pid) or [None] * 20)[19] == start]


@pytest.mark.parametrize(
    "sig, to_group",
    [
        (signal.SIGINT, True),  # Ctrl-C in a terminal: the build and its workers get it
        (signal.SIGTERM, False),  # kill, a CI runner, a service manager: the build alone
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_an_interrupted_build_leaves_no_broken_or_temporary_file(tmp_path, sig, to_group):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "make_leaflets.py"), *MATRIX, "--jobs", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    err: list[str] = []
    workers: dict[int, str] = {}
    try:
        # until the first edition is finished: its files are written, the rest are not
        deadline = time.monotonic() + 120
        while not (err and err[-1].startswith("built ")):
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("no edition built within 120 s: " + "".join(err))
            assert line is not None, "the build ended before it was interrupted: " + "".join(err)
            err.append(line)
        workers = _children(proc.pid)
        assert len(workers) == 2, workers  # --jobs 2: the pool's two processes
        if to_group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        proc.wait(timeout=60)
        reader.join(timeout=30)  # EOF on stderr: no process holds it open any more
        assert not reader.is_alive(), "something still holds the build's stderr open"
    finally:
        if proc.poll() is None or _still_there(workers):  # a failed test leaves nothing
            os.killpg(proc.pid, signal.SIGKILL)  # the build's own process group, no other
            proc.wait(timeout=30)
        reader.join(timeout=30)
        proc.stderr.close()
    while (line := lines.get_nowait()) is not None:
        err.append(line)
    stderr = "".join(err)
    assert proc.returncode == 130, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == (
        "interrupted: the workers were stopped; every file written is complete, "
        "no temporary file is left"
    )
    assert "Traceback" not in stderr, stderr[-2000:]
    assert _still_there(workers) == []  # no worker outlives the build
    pdfs = sorted(out.rglob("*.pdf"))
    assert 9 <= len(pdfs) < 252  # the finished edition at least, and not the whole matrix
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]
    for pdf in pdfs:
        doc = pdfium.PdfDocument(pdf)  # every file written is whole
        assert len(doc) >= 1 and doc[0].get_textpage().count_chars() > 0, pdf
        doc.close()


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
        assert ref.startswith("./"), ref  # relative links only, never a scheme
        assert (out / unquote(ref)).is_file(), ref
    pdf_links = {unquote(r)[2:] for r in parser.refs if r.endswith(".pdf")}
    assert pdf_links == {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    assert "Español" in page and page.count('class="draft"') >= len(pdf_links)
