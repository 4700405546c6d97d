"""Running the jobs: each PDF rendered in memory (in worker processes), written by this
process alone through a temporary file and an atomic rename, so stopping the workers can never
leave half a PDF. Failures are collected, the other files kept; the manifest is written last.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError, CatalogError, LeafletsError, OutputError
from ..files import MANIFEST, remove_own_temporaries, write_atomic
from ..formats import FORMATS, WEB_FORMATS
from ..i18n.localise import LocalisedGuide, localise
from ..sources.guide import Guide
from ..sources.registry import Registry
from . import images, manifest
from .plan import Job
from .render import render_page, render_pdf

if TYPE_CHECKING:
    from ..sources.config import OrgConfig


@dataclass(frozen=True)
class Context:
    """What every worker needs, sent once when it starts: the registry and organisation of
    each build folder ("" for a build of one)."""

    folders: dict[str, tuple[Registry, OrgConfig | None]]
    guides: dict[str, Guide]
    allow_incomplete: bool
    parent: int = 0  # the build's process: a worker whose parent is no longer it exits


@dataclass(frozen=True)
class Part:
    """The jobs of one build folder: `folder` under the output folder ("" for the output
    folder itself), with its registry and organisation."""

    folder: str
    registry: Registry
    org: OrgConfig | None
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class Rendered:
    job: Job
    data: bytes | None
    failures: tuple[str, ...]
    review: str = ""
    pages: int = 0
    catalog: str = ""
    printed: tuple[str, ...] = ()
    coded: tuple[str, ...] = ()
    image: bytes | None = None  # the PNG rendered from the PDF (social images)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)  # PNGs rendered from written PDFs
    failures: list[str] = field(default_factory=list)  # one line per file that failed
    notes: list[str] = field(default_factory=list)  # papers and catalogs skipped
    warnings: list[str] = field(default_factory=list)  # registry entries due for a re-check


_context: Context | None = None
_QUEUED_PER_WORKER = 4  # jobs handed to the pool a worker, ahead of those it has made
_localised: dict[tuple[str, str], LocalisedGuide | tuple[str, ...]] = {}


def _start_worker(context: Context, in_worker: bool = True) -> None:
    """Each worker keeps the context, and loads catalogs and fonts once, on first use."""
    global _context
    _context = context
    _localised.clear()
    if in_worker:  # the parent stops the workers; Ctrl-C and SIGTERM are its to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if hasattr(signal, "pthread_sigmask"):  # blocked by _forking, from the fork till now
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        _die_with_parent(context.parent)


# Ctrl-C and SIGTERM, blocked in the parent while the pool forks a worker: until the worker's
# initializer has set them as a worker's, a worker stopped by the parent (a build that ends
# early) would raise KeyboardInterrupt in the parent's handler, wherever it was, and print
# "Exception ignored in ..." over the build's one line. Blocked, they wait for the
# initializer, which ignores Ctrl-C and lets SIGTERM end the worker.
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _submitted(pool, job: Job):
    """`pool.submit(_render, job)`, which forks a worker when the pool has too few."""
    if not hasattr(signal, "pthread_sigmask"):
        return pool.submit(_render, job)
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        return pool.submit(_render, job)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _die_with_parent(parent: int) -> None:
    """A worker whose parent was killed (kill -9, out of memory) exits instead of running on:
    Linux tells it with PR_SET_PDEATHSIG; elsewhere a thread watches for a new parent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="leaflets-parent-watch").start()


def _render(job: Job) -> Rendered:
    ctx = _context
    assert ctx is not None, "a worker renders only after _start_worker"
    key = (job.guide, job.locale)
    if key not in _localised:
        try:
            _localised[key] = localise(ctx.guides[job.guide], job.locale, ctx.allow_incomplete)
        except CatalogError as e:  # a bad catalog stops its locale, not the run
            _localised[key] = tuple(e.problems)
        except LeafletsError as e:
            _localised[key] = (str(e),)
    lg = _localised[key]
    if isinstance(lg, tuple):
        return Rendered(job, None, lg)
    registry, org = ctx.folders[job.org]
    image = None
    try:
        if job.format in WEB_FORMATS:
            out = render_page(lg, registry, WEB_FORMATS[job.format], org=org)
        else:
            fmt = FORMATS[job.format]
            out = render_pdf(lg, registry, fmt, job.paper, job.bleed, org=org, press=job.pdfx)
            # a social image: the PNG is rendered from the PDF that passed render_pdf's checks
            image = images.render_png(out.data, fmt.image, job.relpath) if fmt.image else None
    except LeafletsError as e:
        return Rendered(job, None, (str(e),))
    return Rendered(
        job, out.data, (), lg.status, out.pages, lg.catalog, out.printed, out.coded, image
    )


def run(
    jobs: list[Job],
    out: Path,
    registry: Registry,
    guides: dict[str, Guide],
    allow_incomplete: bool = False,
    org: OrgConfig | None = None,
    workers: int = 1,
    on_done: Callable[[Rendered], None] | None = None,
) -> BuildResult:
    """Render every job (in `workers` processes) and write each file atomically as it
    arrives; the manifest is written last."""
    part = Part("", registry, org, tuple(jobs))
    return run_parts([part], out, guides, allow_incomplete, workers, on_done)


def run_parts(
    parts: list[Part],
    out: Path,
    guides: dict[str, Guide],
    allow_incomplete: bool = False,
    workers: int = 1,
    on_done: Callable[[Rendered], None] | None = None,
) -> BuildResult:
    """Render the jobs of every part in one pool of `workers` processes (each worker loads a
    language's catalog and fonts once, whichever organisation it draws for) and write each
    file atomically as it arrives into its part's folder; each folder's manifest is written
    last."""
    folders = {p.folder: p for p in parts}
    context = Context(
        {p.folder: (p.registry, p.org) for p in parts}, guides, allow_incomplete, os.getpid()
    )
    result = BuildResult()
    failures: dict[str, None] = {}
    # a folder's manifest entries until its last file arrives: then its manifest is written
    # and they are dropped, so that a build of many organisations holds only those under way
    entries: dict[str, list[dict]] = {p.folder: [] for p in parts}
    left = {p.folder: len(p.jobs) for p in parts}
    written: set[str] = set()  # folders whose manifest is written

    def write_manifest(p: Part) -> None:
        folder = out / p.folder
        if entries[p.folder] or (folder / MANIFEST).exists():
            try:
                manifest.write_manifest(folder, entries[p.folder], p.registry)
            except OSError as e:
                raise OutputError(
                    f"{folder / MANIFEST}: cannot be written ({e.strerror or e}); the "
                    "PDFs are complete, but verify cannot check them against the build"
                ) from None
        written.add(p.folder)
        del entries[p.folder]

    def receive(r: Rendered) -> None:
        where = f"{r.job.org}: " if r.job.org else ""
        failures.update(dict.fromkeys(where + f for f in r.failures))
        if r.data is not None:
            path = out / r.job.org / r.job.relpath
            try:
                write_atomic(path, r.data)
            except OSError as e:
                raise OutputError(
                    f"{path}: cannot be written ({e.strerror or e}); the files written so far "
                    "are complete; free the space or fix the folder and build again"
                ) from None
            result.written.append(path)
            entries[r.job.org].append(
                manifest.entry(
                    r.job.relpath,
                    r.data,
                    r.pages,
                    r.job.described,
                    r.review,
                    r.catalog,
                    r.printed,
                    r.coded,
                    folders[r.job.org].registry,
                )
            )
            if r.image is not None:  # written after its PDF, listed with where it came from
                png = out / r.job.org / r.job.image_relpath
                try:
                    write_atomic(png, r.image)
                except OSError as e:
                    raise OutputError(
                        f"{png}: cannot be written ({e.strerror or e}); free the space or fix "
                        "the folder and build again"
                    ) from None
                result.images.append(png)
                entries[r.job.org].append(
                    manifest.image_entry(
                        entries[r.job.org][-1], r.job.image_relpath, r.image, r.data
                    )
                )
        left[r.job.org] -= 1
        if not left[r.job.org] and len(parts) > 1:  # a build of many: this folder is done
            write_manifest(folders[r.job.org])
        if on_done:
            on_done(r)

    def own(p: Part) -> list[Path]:
        """The files this build writes into a part's folder."""
        paths = [out / j.org / j.relpath for j in p.jobs] + [out / p.folder / MANIFEST]
        return paths + [out / j.org / j.image_relpath for j in p.jobs if j.format in FORMATS]

    for p in parts:  # one folder at a time: the temporaries of a folder are beside its files
        remove_own_temporaries(own(p))
    jobs = (j for p in parts for j in p.jobs)
    try:
        _render_all(jobs, sum(len(p.jobs) for p in parts), context, workers, receive)
    finally:
        # each manifest is true to what is on disk even when the build stops half-way: the
        # files written now, and those of an earlier build still as it wrote them
        result.failures = list(failures)
        try:
            for p in parts:
                if p.folder not in written:
                    write_manifest(p)
        finally:
            for p in parts:
                remove_own_temporaries(own(p))
    return result


def _one_of(paths: list[str]) -> str:
    if not paths:
        return "a file"
    if len(paths) == 1:
        return paths[0]
    return "one of " + ", ".join(paths[:4]) + (" ..." if len(paths) > 4 else "")


def _render_all(jobs, count: int, context, workers, receive) -> None:
    """Render `count` jobs (an iterable, read as they are handed out) and receive each."""
    if workers <= 1 or count <= 1:
        _start_worker(context, in_worker=False)
        for job in jobs:
            receive(_render(job))
    else:
        # jobs of one guide and language go to one worker where possible (its catalog and
        # fonts are loaded once): hand them out in that order. Leaving for any reason (Ctrl-C,
        # SIGTERM, a worker killed) stops the workers: nothing is half-written, since only
        # this process writes.
        # imported here to keep start-up fast: a build of one file (or --jobs 1) has no pool
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        ordered = iter(sorted(jobs, key=lambda j: (j.guide, j.locale, j.org)))
        workers = min(workers, count)
        methods = multiprocessing.get_all_start_methods()
        context_ = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = ProcessPoolExecutor(
            workers, mp_context=context_, initializer=_start_worker, initargs=(context,)
        )
        # a few jobs a worker are handed out at a time, more as they come back: the build
        # holds the files under way, not every job's future and file until the end
        in_flight: dict = {}  # future -> job, in the order handed out
        try:
            # inside the try: a worker can die before the last job is handed out, and
            # submit() then raises the same BrokenProcessPool
            for job in itertools.islice(ordered, workers * _QUEUED_PER_WORKER):
                in_flight[_submitted(pool, job)] = job
            while in_flight:
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in [f for f in in_flight if f in finished]:  # in the order handed out
                    r = future.result()
                    del in_flight[future]
                    receive(r)
                    job = next(ordered, None)
                    if job is not None:
                        in_flight[_submitted(pool, job)] = job
        except BrokenProcessPool:
            # jobs go to the workers in the order submitted: the first ones not done were
            # those being made
            busy = [j.relpath for j in in_flight.values()][:workers]
            raise BuildError(
                "a worker process died (killed, or out of memory) while making "
                f"{_one_of(busy)}; the files written are complete; build again, or with "
                "--jobs 1"
            ) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                child.terminate()
            for child in multiprocessing.active_children():
                child.join(5)
