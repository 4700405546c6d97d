"""build: from what was asked to files on disk.

``plan`` (names checked, config applied, the list of jobs) -> ``render`` (one PDF in memory,
with the record of what it printed) -> ``workers`` (jobs in worker processes, files written
atomically by this process) -> ``manifest`` (written last). The command line, the tests and
any other front end call :func:`build`, or :func:`make_plan` and :func:`run_plan` to see the
plan first::

    from leaflets.build import build

    result = build(guides="us", locales=["en", "es"], formats="card", out="out")
    for path in result.written:
        print(path)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..files import folder_lock
from .plan import DEFAULT_MAX_AGE_DAYS, Job, Plan, make_plan, prepare_out
from .render import Output, render_page, render_pdf
from .workers import BuildResult, Rendered, run


def run_plan(
    plan: Plan, jobs: int | None = None, on_done: Callable[[Rendered], None] | None = None
) -> BuildResult:
    """Make every file of `plan` in `jobs` worker processes (default: the number of CPUs)."""
    prepare_out(plan.out)
    with folder_lock(plan.out, "--out folder"):
        result = run(
            list(plan.jobs),
            plan.out,
            plan.registry,
            plan.guides,
            plan.allow_incomplete,
            plan.org,
            jobs or os.cpu_count() or 1,
            on_done,
        )
    result.notes, result.warnings = list(plan.notes), list(plan.warnings)
    return result


def build(
    guides: str | Sequence[str] | None = None,
    locales: str | Sequence[str] | None = None,
    formats: str | Sequence[str] | None = None,
    paper: str | None = None,
    bleed: bool | None = None,
    out: Path | str | None = None,
    config: Path | str | None = None,
    allow_incomplete: bool = False,
    max_age: int = DEFAULT_MAX_AGE_DAYS,
    strict: bool = False,
    jobs: int | None = None,
    on_done: Callable[[Rendered], None] | None = None,
    pdfx: bool = False,
) -> BuildResult:
    """Plan and build: see :func:`make_plan` for the arguments. Bad input raises a
    LeafletsError before anything is written; a file that fails is in ``failures`` and the
    others are written."""
    plan = make_plan(
        guides, locales, formats, paper, bleed, out, config, allow_incomplete, max_age, strict, pdfx
    )
    return run_plan(plan, jobs, on_done)


__all__ = [
    "BuildResult",
    "Job",
    "Output",
    "Plan",
    "Rendered",
    "build",
    "make_plan",
    "render_page",
    "render_pdf",
    "run_plan",
]
