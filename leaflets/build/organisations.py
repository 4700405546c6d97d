"""Many organisations in one build: a plan per row of the CSV (each checked before any work),
run one after another into ``DIR/<organisation>/``, each folder with its own manifest, and
``DIR/organisations.json`` listing them."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, OutputError
from ..files import folder_lock, write_atomic
from ..formats import names
from ..sources.organisations import Organisation, load_organisations
from .plan import DEFAULT_MAX_AGE_DAYS, Job, Plan, make_plan, prepare_out
from .workers import BuildResult, Part, Rendered, run_parts

INDEX = "organisations.json"


@dataclass(frozen=True)
class OrganisationsPlan:
    source: Path
    out: Path
    organisations: tuple[Organisation, ...]
    plans: tuple[Plan, ...]

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(j for p in self.plans for j in p.jobs)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for p in self.plans for n in p.notes))

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for p in self.plans for w in p.warnings))


def make_organisations_plan(
    source: Path | str,
    guides: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    paper: str | None = None,
    bleed: bool | None = None,
    out: Path | str | None = None,
    allow_incomplete: bool = False,
    max_age: int = DEFAULT_MAX_AGE_DAYS,
    strict: bool = False,
    pdfx: bool = False,
) -> OrganisationsPlan:
    """A plan per organisation of the CSV. A row's paper and locales are used where the
    command line gives none; every row, and every plan, is checked before anything is
    written (a bad row is one line naming the row and column)."""
    source = Path(source)
    out = Path(out) if out is not None else Path("out")
    orgs = load_organisations(source, names())
    plans, problems = [], []
    loaded: dict = {}  # each guide read once, checked against every organisation's registry
    for org in orgs:
        try:
            plans.append(
                make_plan(
                    guides,
                    locales,
                    formats,
                    paper,
                    bleed,
                    out / org.slug,
                    org.config,
                    allow_incomplete,
                    max_age,
                    strict,
                    pdfx,
                    loaded_guides=loaded,
                )
            )
        except ConfigError as e:
            problems += e.problems
    if problems:
        raise ConfigError(problems)
    return OrganisationsPlan(source, out, tuple(orgs), tuple(plans))


def run_organisations(
    plan: OrganisationsPlan,
    jobs: int | None = None,
    on_done: Callable[[Rendered], None] | None = None,
) -> BuildResult:
    """Build every organisation's files into its folder, in one pool of workers (a language's
    catalog and fonts are loaded once, not once per organisation); DIR/organisations.json
    lists the folders."""
    prepare_out(plan.out)
    parts = [
        Part(
            org.slug,
            p.registry,
            p.org,
            tuple(dataclasses.replace(j, org=org.slug) for j in p.jobs),
        )
        for org, p in zip(plan.organisations, plan.plans, strict=True)
    ]
    guides = {gid: g for p in plan.plans for gid, g in p.guides.items()}
    allow_incomplete = any(p.allow_incomplete for p in plan.plans)
    with folder_lock(plan.out, "--out folder"):
        workers = jobs or os.cpu_count() or 1
        result = run_parts(parts, plan.out, guides, allow_incomplete, workers, on_done)
        index = {
            "source": plan.source.name,
            "organisations": [
                {
                    "folder": org.slug,
                    "name": org.config.name,
                    "row": org.row,
                    "contacts": [c.id for c in org.config.contacts],
                }
                for org in plan.organisations
            ],
        }
        try:
            write_atomic(
                plan.out / INDEX, (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode()
            )
        except OSError as e:
            why = e.strerror or e
            raise OutputError(f"{plan.out / INDEX}: cannot be written ({why})") from None
    result.notes, result.warnings = list(plan.notes), list(plan.warnings)
    return result
