"""Faults around a build, from the reliability review: the output folder (only this build's
temporary files removed, one build at a time, a manifest true to what is on disk), a full
disk, a file where a folder should be, a killed worker, a killed parent. Each is one line and
an exit code, never a traceback, and nothing already written is lost."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from leaflets import files
from leaflets.cli import main

from .conftest import ROOT

CARDS = ["build", "--guide", "all", "--locale", "en", "--format", "card", "--jobs", "1"]


def _build(out: Path, *extra: str):
    return CliRunner().invoke(main, [*CARDS, "--out", str(out), *extra])


def _errors(res) -> list[str]:
    """The error lines of a run (progress lines such as "built us/en" aside)."""
    return [x for x in res.stderr.splitlines() if not x.startswith(("built ", "1 file(s)"))]


def test_only_this_builds_own_temporary_files_are_removed(tmp_path):
    out = tmp_path / "out"
    theirs = [
        out / ".notes.tmp",
        out / ".foo.bar.tmp",
        out / "docs" / ".git" / "objects" / ".pack.tmp",
        out / "us" / "en" / ".card-cr80.pdf.draft.tmp",
        out / "us" / "en" / ".poster-a4.pdf.abcdefgh.leaflets-tmp",  # not a file of this build
    ]
    ours = out / "us" / "en" / ".card-cr80.pdf.k3j_x9q2.leaflets-tmp"  # left by a killed build
    for p in [*theirs, ours]:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    res = _build(out)
    assert res.exit_code == 0, res.output
    assert all(p.read_text() == "x" for p in theirs)
    assert not ours.exists()


def test_a_second_build_into_the_same_folder_fails_at_once_with_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with files.folder_lock(out, "--out folder"):
        res = _build(out)
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {out}: another build is writing into this folder; wait for it to finish or "
        "choose another --out folder"
    ]
    assert not list(out.rglob("*.pdf"))
    assert _build(out).exit_code == 0  # the lock goes with the build that held it


def test_a_rebuild_that_fails_half_way_leaves_a_manifest_true_to_the_disk(tmp_path):
    out = tmp_path / "out"
    assert _build(out).exit_code == 0
    listed = {e["path"] for e in json.loads((out / "manifest.json").read_text())["files"]}
    assert listed == {"uk-young-people/en/card-cr80.pdf", "us/en/card-cr80.pdf"}
    # out/us becomes a file: the rebuild writes uk-young-people, then cannot write us
    for p in sorted((out / "us").rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    (out / "us").rmdir()
    (out / "us").write_text("not a folder")
    res = _build(out)
    assert res.exit_code == 2 and "Traceback" not in res.output
    (line,) = _errors(res)
    assert line.startswith(f"error: {out / 'us' / 'en' / 'card-cr80.pdf'}: cannot be written")
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["path"] for e in manifest["files"]] == ["uk-young-people/en/card-cr80.pdf"]
    res = CliRunner().invoke(main, ["verify", str(out)])
    assert res.exit_code == 0, res.output


def test_a_full_disk_is_one_line_and_the_files_written_stay(tmp_path, monkeypatch):
    out = tmp_path / "out"
    real = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) > 1:  # the first file goes to disk, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    res = _build(out)
    assert res.exit_code == 2 and "Traceback" not in res.output
    (line,) = _errors(res)
    assert "cannot be written (No space left on device)" in line
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF-")
    assert not [p for p in out.rglob("*") if "tmp" in p.name]


def test_a_manifest_that_is_a_folder_is_one_line(tmp_path):
    out = tmp_path / "out"
    (out / "manifest.json").mkdir(parents=True)
    res = _build(out)
    assert res.exit_code == 2 and "Traceback" not in res.output
    (line,) = _errors(res)
    assert "manifest.json" in line


def test_init_config_where_it_cannot_write_is_one_line(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    res = CliRunner().invoke(main, ["init-config", str(afile / "org.toml")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1


def _workers_of(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _start_matrix(out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "make_leaflets.py"), "build", "--guide", "all"]
        + ["--locale", "all", "--format", "all", "--paper", "all", "--jobs", "2"]
        + ["--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_workers(proc: subprocess.Popen) -> list[int]:
    """The pool's two worker processes: forked children with the build's own command line
    (not a resource tracker, which some Pythons start)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            own = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            workers = [w for w in _workers_of(proc.pid) if _cmdline(w) == own]
        except OSError:
            workers = []
        if len(workers) >= 2:
            return workers
        time.sleep(0.05)
    pytest.fail("the build started no workers")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_killed_worker_is_one_line_naming_what_it_was_making(tmp_path):
    proc = _start_matrix(tmp_path / "out")
    try:
        worker = _wait_for_workers(proc)[0]
        os.kill(worker, signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()
    assert proc.returncode == 1 and "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: a worker process died (killed, or out of memory) while ")
    assert ".pdf" in last


def test_a_worker_that_dies_before_every_job_is_handed_out_is_one_line(tmp_path, monkeypatch):
    """The pool can break while jobs are still being submitted (a worker killed early, as on
    a loaded machine): submit() itself raises then, and that too is the one line."""
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    class Breaks(concurrent.futures.ProcessPoolExecutor):
        calls = 0

        def submit(self, *args, **kwargs):
            Breaks.calls += 1
            if Breaks.calls > 1:
                raise BrokenProcessPool("a child process terminated abruptly")
            return super().submit(*args, **kwargs)

    # build.workers imports the pool from concurrent.futures when it makes one
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Breaks)
    res = CliRunner().invoke(main, [*CARDS[:-2], "--jobs", "2", "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    lines = _errors(res)
    assert len(lines) == 1 and "a worker process died" in lines[0], res.stderr
    assert "Traceback" not in res.output


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_exit_when_the_build_is_killed(tmp_path):
    proc = _start_matrix(tmp_path / "out")
    try:
        workers = _wait_for_workers(proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
            time.sleep(0.05)
        left = [w for w in workers if Path(f"/proc/{w}/stat").exists()]
        zombies = [w for w in left if ") Z " in Path(f"/proc/{w}/stat").read_text()]
        assert left == zombies, f"workers still running after their parent died: {left}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.stderr.close()


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.refs += [v for k, v in attrs if k in ("href", "src") and v is not None]


def test_the_gallery_of_a_hostile_folder_has_only_safe_links_and_marks_bad_files(tmp_path):
    out = tmp_path / "out"
    assert _build(out).exit_code == 0
    good = (out / "us" / "en" / "card-cr80.pdf").read_bytes()
    odd = out / "odd"
    odd.mkdir()
    names = {
        "javascript:document.body.innerHTML='PWNED';var x={}.pdf": good,
        "a#b?c d.pdf": good,
        "<img src=x onerror=alert(1)>.pdf": good,
        "truncated.pdf": good[: len(good) // 3],
        "page.pdf": b"<html><script>alert(1)</script></html>",
        "new\nline.pdf": good,
    }
    for name, data in names.items():
        (odd / name).write_bytes(data)
    os.symlink(odd / "missing.pdf", odd / "dangling.pdf")
    os.symlink(odd, odd / "loop")
    os.mkfifo(odd / "fifo.pdf")
    (odd / os.fsdecode(b"caf\xe9.pdf")).write_bytes(good)
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(out / "us" / "en" / "card-cr80.pdf") as pdf:
        pdf.save(odd / "locked.pdf", encryption=pikepdf.Encryption(user="u", owner="o"))

    res = CliRunner().invoke(main, ["preview", str(out)])
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
    page = (out / "index.html").read_text("utf-8")
    parser = _Refs()
    parser.feed(page)
    for ref in parser.refs:
        assert ref.startswith("./") and re.fullmatch(r"[A-Za-z0-9/._~%-]+", ref), ref
    assert "<script" not in page and "onerror=" not in page.replace("onerror=alert", "")
    assert "<img src=x" not in page
    links = {unquote(r)[2:] for r in parser.refs if r.endswith(".pdf")}
    assert "odd/javascript:document.body.innerHTML='PWNED';var x={}.pdf" in links
    assert "odd/a#b?c d.pdf" in links
    for marked in (
        "truncated.pdf is damaged and cannot be opened",
        "page.pdf is not a PDF",
        "locked.pdf is encrypted with a password",
        "fifo.pdf is not a regular file",
        "dangling.pdf cannot be opened",
    ):
        assert marked in page, marked
    assert "caf\ufffd.pdf" in page


def test_out_may_not_be_the_root_or_leaflets_own_files(tmp_path):
    inside = str(ROOT / "locales" / "x")
    for bad, why in (("/", "is the root of a file system"), (inside, "inside leaflets' own")):
        res = CliRunner().invoke(main, [*CARDS, "--out", bad])
        assert res.exit_code == 2 and why in res.stderr
    assert not (ROOT / "locales" / "x").exists()


def test_the_gallery_shows_no_file_from_outside_and_trusts_no_planted_review(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["build", "--guide", "us", "--locale", "es", "--format", "card", "--out", str(out)]
    )
    assert res.exit_code == 0
    secret = tmp_path / "outside-secret.pdf"
    secret.write_bytes((out / "us" / "es" / "card-cr80.pdf").read_bytes())
    (out / "us" / "es" / "link-out.pdf").symlink_to(secret)
    manifest = json.loads((out / "manifest.json").read_text())
    for e in manifest["files"]:
        e["review"] = "reviewed"
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert CliRunner().invoke(main, ["preview", str(out)]).exit_code == 0
    page = (out / "index.html").read_text("utf-8")
    assert "link-out.pdf links to a file outside this folder; not shown" in page
    assert len(list((out / "previews").rglob("*.png"))) == 2  # the card's two pages only
    assert page.count('<span class="draft">DRAFT</span>') == 2  # the card and the link


def test_a_small_file_that_inflates_to_a_huge_page_is_one_finding_at_once(tmp_path):
    """A small file whose page holds 20 MB of drawing instructions: verify and preview say so
    before rendering it (which took minutes)."""
    pikepdf = pytest.importorskip("pikepdf")
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(243, 153))
    pdf.pages[0].obj.Contents = pdf.make_stream(b"0 0 m 1 1 l S\n" * 1_500_000)
    bomb = tmp_path / "odd" / "bomb.pdf"
    bomb.parent.mkdir()
    pdf.save(bomb, compress_streams=True)
    assert bomb.stat().st_size < 200_000
    res = CliRunner().invoke(main, ["verify", str(bomb)])
    assert res.exit_code == 1
    assert "page 1 holds more than 16 MB of drawing instructions" in res.output
    res = CliRunner().invoke(main, ["preview", str(tmp_path)])
    assert res.exit_code == 0
    page = (tmp_path / "index.html").read_text()
    assert "bomb.pdf is damaged, or draws too much to preview" in page
