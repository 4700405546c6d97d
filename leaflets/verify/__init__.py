"""verify: read PDFs back as a stranger would and compare what a reader sees with the registry.

``read`` (text, rendered pages, decoded codes, structure) -> ``rules`` (one check each,
returning findings) and ``manifest`` (a build folder's record of each file). Imports only
sources/ and the paper table: never the layout code whose output it judges.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Iterable
from multiprocessing.connection import wait
from pathlib import Path

from ..sources.registry import Registry
from .html import check_html, html_pages, is_html
from .images import check_image, image_files, is_image
from .manifest import MANIFEST, read_manifest
from .ocr import require_tesseract
from .pdfx import preflight
from .read import LIMITS, Expected, Finding, Limits, PDFRead, Unreadable, collect, read_pdf
from .rules import RULES, check_review


def check_file(
    path: Path,
    registry: Registry,
    require_reviewed: bool = False,
    expected: Expected | None = None,
    limits: Limits = LIMITS,
    deep: bool = False,
    pdfx: bool = False,
) -> list[Finding]:
    """All findings for one file (with `deep`, also what OCR reads on its print renderings;
    with `pdfx`, every breach of PDF/X-4 in CMYK: verify.pdfx);
    a file that is not a readable PDF, or that verify cannot read within its limits, is one
    finding (an error). A web page (.html) is read by verify.html."""
    if is_html(path):
        return check_html(path, registry, require_reviewed, expected, limits)
    if is_image(path):  # a social image: its codes, its size, the PDF it came from
        return check_image(path, registry, expected, limits)
    try:
        doc = read_pdf(path, limits, deep)
    except Unreadable as e:
        return [Finding(str(path), None, "error", "pdf", str(e))]
    except MemoryError:
        return [Finding(str(path), None, "error", "limits", "needs more memory than verify allows")]
    except Exception as e:  # noqa: BLE001 -- whatever a hostile file does, it is a finding
        message = f"could not be read ({type(e).__name__}: {e}); it is not checked"
        return [Finding(str(path), None, "error", "pdf", message)]
    doc.expected = expected
    out: list[Finding] = []
    for rule in RULES:
        out += rule(doc, registry)
    if pdfx:
        out += preflight(path)
    return out + check_review(doc, require_reviewed)


def _child(conn, path, registry, require_reviewed, expected, limits, deep, pdfx=False) -> None:
    """Check one file in a process of its own, within the memory limit."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ValueError, OSError):
        pass  # a platform without the limit still has the time limit
    try:
        conn.send(check_file(path, registry, require_reviewed, expected, limits, deep, pdfx))
    except BaseException as e:  # noqa: BLE001 -- the parent turns anything into a finding
        conn.send([Finding(str(path), None, "error", "limits", f"could not be checked ({e})")])
    finally:
        conn.close()


def check_isolated(
    paths: list[Path],
    registry: Registry | dict[Path, Registry],
    require_reviewed: bool,
    expected: dict[Path, Expected],
    limits: Limits = LIMITS,
    workers: int | None = None,
    deep: bool = False,
    pdfx: bool = False,
) -> dict[Path, list[Finding]]:
    """Each file checked in a forked process of its own (up to `workers` at once), killed
    when it runs out of time or memory: a hostile file is a finding, and the rest of the
    folder is still checked. Where the platform cannot fork, files are checked in turn here.
    `registry` may be one per file (a build of many organisations: each its own contacts)."""
    if not isinstance(registry, dict):
        registry = dict.fromkeys(paths, registry)
    if "fork" not in multiprocessing.get_all_start_methods():
        # no fork (Windows): each file in this process, with the reading limits but no
        # time or memory limit of its own
        return {
            p: check_file(
                p, registry[p], require_reviewed, expected.get(p.resolve()), limits, deep, pdfx
            )
            for p in paths
        }
    fork = multiprocessing.get_context("fork")
    workers = workers or os.cpu_count() or 1
    results: dict[Path, list[Finding]] = {}
    queue = list(paths)
    running: dict = {}  # reader connection -> (process, path)
    try:
        while queue or running:
            while queue and len(running) < workers:
                path = queue.pop(0)
                reader, writer = fork.Pipe(duplex=False)
                args = (
                    writer,
                    path,
                    registry[path],
                    require_reviewed,
                    expected.get(path.resolve()),
                    limits,
                    deep,
                    pdfx,
                )
                process = fork.Process(target=_child, args=args, daemon=True)
                process.start()
                writer.close()
                running[reader] = (process, path, time.monotonic())
            ready = wait(list(running), timeout=0.5)
            for reader in ready:
                process, path, _ = running.pop(reader)
                try:
                    results[path] = reader.recv()
                except (EOFError, OSError):
                    results[path] = _not_read(
                        path,
                        f"verify's reader stopped (exit code {process.exitcode}): the file "
                        "needs more memory than verify allows, or crashed the reader",
                    )
                reader.close()
                process.join()
            now = time.monotonic()
            for reader, (process, path, started) in list(running.items()):
                if now - started > limits.seconds:
                    process.kill()
                    process.join()
                    reader.close()
                    del running[reader]
                    results[path] = _not_read(
                        path, f"not checked: reading it took longer than {limits.seconds:g} s"
                    )
    finally:
        # however this ends (Ctrl-C, an error of its own), no reader outlives it: the
        # command line ends with os._exit, which runs no exit handler that would stop them
        for reader, (process, _, _) in running.items():
            process.kill()
            process.join()
            reader.close()
    return results


def _not_read(path: Path, why: str) -> list[Finding]:
    """The one finding of a file verify's reader could not read to the end."""
    return [Finding(str(path), None, "error", "limits", why)]


def _manifest_folder(path: Path) -> Path | None:
    """The build folder a PDF belongs to: the nearest folder above it (within the build's
    <guide>/<locale>/ layout) with a manifest.json."""
    for parent in list(path.resolve().parents)[:3]:
        if (parent / MANIFEST).is_file():
            return parent
    return None


def check_paths(
    paths: Iterable[Path],
    registry: Registry,
    require_reviewed: bool = False,
    deep: bool = False,
    pdfx: bool = False,
    registries: dict[Path, Registry] | None = None,
) -> tuple[list[Path], list[Finding]]:
    """Every PDF under `paths` (files or folders), each checked against what the manifest.json
    of its build folder recorded of it when it has one (for a folder asked for, every file
    the manifest lists must be there, unchanged, and every PDF in it listed). No PDF at all is
    a finding. `registries` gives the files under a folder a registry of their own (an
    organisation's contacts); the rest are checked against `registry`."""
    paths = list(paths)
    files = collect(paths) + html_pages(paths) + image_files(paths)
    asked = [p.resolve() for p in paths if p.is_dir()]
    findings: list[Finding] = []
    expected: dict[Path, Expected] = {}
    manifests: dict[Path, dict[Path, Expected]] = {}
    wanted = {f.resolve() for f in files}
    for f in files:
        folder = _manifest_folder(f)
        if folder is None:
            continue
        if folder not in manifests:
            listed, problems = read_manifest(folder)
            manifests[folder] = listed
            whole = any(folder.is_relative_to(a) for a in asked)
            findings += [x for x in problems if whole or Path(x.file).resolve() in wanted]
        if f.resolve() in manifests[folder]:
            expected[f.resolve()] = manifests[folder][f.resolve()]
        elif manifests[folder] or (folder / MANIFEST).is_file():
            findings.append(
                Finding(str(f), None, "error", "manifest", f"is not listed in {folder / MANIFEST}")
            )
    if not files:
        where = ", ".join(str(p) for p in paths)
        findings.append(Finding(where, None, "error", "pdf", "no PDF file found to check"))
    if deep:
        require_tesseract()
    roots = {k.resolve(): v for k, v in (registries or {}).items()}
    per_file = {
        f: next((roots[d] for d in f.resolve().parents if d in roots), registry) for f in files
    }
    results = check_isolated(files, per_file, require_reviewed, expected, deep=deep, pdfx=pdfx)
    for f in files:
        findings += results[f]
    return files, findings


__all__ = [
    "LIMITS",
    "Expected",
    "Finding",
    "Limits",
    "PDFRead",
    "check_file",
    "check_isolated",
    "check_paths",
    "collect",
    "read_pdf",
]
