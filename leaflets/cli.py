"""The command line: thin. It parses options, calls leaflets.*, and turns a LeafletsError into
one line on stderr and an exit code; bad input never ends in a traceback.

Heavy modules (reportlab, pypdfium2) are imported inside the commands that need them, so
``--help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import LeafletsError


class Group(click.Group):
    """Turns LeafletsError, and a subcommand's usage error, into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LeafletsError as e:
            for line in str(e).splitlines():  # a catalog error has one line per problem
                click.echo(f"error: {line}", err=True)
            ctx.exit(e.exit_code)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else ctx.command_path
            click.echo(f"error: {e.format_message()} (see '{where} --help')", err=True)
            ctx.exit(e.exit_code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leaflets")
def main() -> None:
    """leaflets: print-ready, translated safety guidance with verified helplines.

    Build wallet cards, card sheets, posters and tri-fold leaflets of the `us` and
    `uk-young-people` editions in every translated language, with your organisation's name,
    logo and contacts if you like (init-config), then check any PDF with `verify`: every
    phone number, link and QR code must match the registry (leaflets/resources.toml).

    \b
      python make_leaflets.py build --guide all --locale all --format all --paper all --out out
      python make_leaflets.py verify out
      python make_leaflets.py preview out
    """


@main.command()
@click.option(
    "--guide",
    default="all",
    show_default=True,
    help="Edition to build: us, uk-young-people, or all.",
)
@click.option(
    "--locale",
    default="en",
    show_default=True,
    help="Language as a BCP 47 tag (en, es, pt-BR), or all.",
)
@click.option(
    "--format",
    "format_",
    default="all",
    show_default=True,
    help="Format: card, card-sheet, poster, leaflet, or all.",
)
@click.option(
    "--paper",
    default="all",
    show_default=True,
    help="Paper: a4, letter, a3, tabloid (cr80 is the card's own), or all papers "
    "each format comes on.",
)
@click.option(
    "--bleed",
    is_flag=True,
    help="Print-shop variant: 3 mm bleed, crop marks, TrimBox = the paper. Without it "
    "each page is exactly its paper, for office printers (cards always have "
    "bleed).",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Build catalogs with untranslated or fuzzy messages; English fills the gaps "
    "and the page says so.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An organisation's config (see init-config): its name, logo and local "
    "contacts on every format, and what to build. Options given on the command "
    "line win over the config's [build] and [print].",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="out",
    show_default=True,
    help="Folder to write DIR/<guide>/<locale>/<format>-<paper>.pdf.",
)
@click.option(
    "--jobs",
    "-j",
    "workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option(
    "--max-age",
    type=click.IntRange(0),
    default=180,
    show_default=True,
    help="Warn about registry entries verified longer ago than this many days.",
)
@click.option(
    "--strict", is_flag=True, help="Make stale registry entries an error (for release CI)."
)
@click.pass_context
def build(
    ctx: click.Context,
    guide: str,
    locale: str,
    format_: str,
    paper: str,
    bleed: bool,
    out: Path,
    allow_incomplete: bool,
    config_path: Path | None,
    workers: int | None,
    max_age: int,
    strict: bool,
) -> None:
    """Build PDFs for the chosen guides, languages, formats and papers.

    Every number and link comes from the registry (and an organisation's config). Files are
    written atomically; a failing job is reported in one line and the others are still
    written. Exit code 1 if any failed, 2 for an invalid config.
    """
    from . import build as b
    from .content import default_registry, guide_ids, load_guides
    from .formats import FORMATS
    from .i18n import available_locales, buildable

    registry = default_registry()
    org = None
    guide_names, locale_names, format_names = [guide], [locale], [format_]
    if config_path:
        from .config import load_config

        org = load_config(config_path)
        registry = org.registry(registry)

        def default(name: str) -> bool:
            return ctx.get_parameter_source(name) == click.core.ParameterSource.DEFAULT

        if default("guide"):
            guide_names = list(org.guides)
        if default("locale"):
            locale_names = list(org.locales)
        if default("format_"):
            format_names = list(org.formats)
        if default("paper"):
            paper = org.paper
        if default("bleed"):
            bleed = org.bleed
        if default("out") and org.out:
            out = org.out
    wanted = guide_ids() if "all" in guide_names else guide_names
    guides = load_guides(wanted, registry)
    formats = list(FORMATS) if "all" in format_names else format_names
    papers = [] if paper == "all" else [paper]
    all_jobs, notes = [], []
    for loc in locale_names:
        if loc != "all" and not any(buildable(loc, g.id) for g in guides):
            have = sorted({x for g in guides for x in available_locales(g.id)})
            raise LeafletsError(
                f"locale {loc}: no catalog for {', '.join(wanted)} (available: {', '.join(have)})"
            )
    for g in guides:
        locales = []
        for loc in locale_names:
            if loc == "all":
                locales += available_locales(g.id)
            elif buildable(loc, g.id):
                locales.append(loc)
            else:
                notes.append(f"note: guide {g.id} has no {loc} catalog; skipped")
        jobs, n = b.plan(
            [g],
            list(dict.fromkeys(locales)),
            formats,
            papers,
            bleed,
            explicit_paper=paper != "all" and "all" not in format_names,
            office_paper=org is not None,
        )
        all_jobs += jobs
        notes += [x for x in n if x not in notes]
    stale = b.stale_entries(registry, {g.id for g in guides}, max_age)
    if stale and strict:
        raise LeafletsError(stale[0] + (f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""))
    for line in stale:
        click.echo(f"warning: {line}", err=True)
    _check_out(out)
    for n in notes:
        click.echo(n, err=True)
    import os

    workers = workers or os.cpu_count() or 1
    progress = _Progress(all_jobs)
    try:
        with _terminate_as_interrupt():
            result = b.run(
                all_jobs,
                out,
                registry,
                {g.id: g for g in guides},
                allow_incomplete,
                org,
                workers,
                progress.done,
            )
    except KeyboardInterrupt:
        progress.close()
        click.echo(
            "interrupted: the workers were stopped; every file written is complete, "
            "no temporary file is left",
            err=True,
        )
        sys.exit(130)
    progress.close()
    for f in result.failures:
        click.echo(f"error: {f}", err=True)
    click.echo(
        f"{len(result.written)} file(s) written to {out}, "
        f"{len(all_jobs) - len(result.written)} failed",
        err=True,
    )
    if result.failures:
        sys.exit(1)


class _Progress:
    """A progress line on a terminal; in CI (no terminal) one line per finished edition and
    language."""

    def __init__(self, jobs) -> None:
        import time

        self.total = len(jobs)
        self.done_count = self.failed = 0
        self.start = time.monotonic()
        self.left: dict[tuple[str, str], int] = {}
        for j in jobs:
            self.left[(j.guide, j.locale)] = self.left.get((j.guide, j.locale), 0) + 1
        self.tty = sys.stderr.isatty()

    def done(self, rendered) -> None:
        import time

        self.done_count += 1
        self.failed += rendered.data is None
        key = (rendered.job.guide, rendered.job.locale)
        self.left[key] -= 1
        if self.tty:
            elapsed = time.monotonic() - self.start
            eta = elapsed / self.done_count * (self.total - self.done_count)
            click.echo(
                f"\r{self.done_count}/{self.total} files, {self.failed} failed, "
                f"about {eta:.0f} s left ",
                err=True,
                nl=False,
            )
        elif self.left[key] == 0:
            click.echo(f"built {key[0]}/{key[1]}", err=True)

    def close(self) -> None:
        if self.tty and self.total:
            click.echo("", err=True)


class _terminate_as_interrupt:
    """SIGTERM stops a build the way Ctrl-C does."""

    def __enter__(self):
        import signal

        def raise_interrupt(signum, frame):
            raise KeyboardInterrupt

        self.previous = signal.signal(signal.SIGTERM, raise_interrupt)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        signal.signal(signal.SIGTERM, self.previous)


@main.command("init-config")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="leaflets.toml")
def init_config(path: Path) -> None:
    """Write a commented example config to PATH (default leaflets.toml) to edit: the
    organisation's name and logo, local contacts, paper and colour, and what to build."""
    from .build import write_atomic
    from .config import EXAMPLE_PATH

    if path.exists():
        raise LeafletsError(f"{path}: already exists; choose another name or edit it")
    write_atomic(path, EXAMPLE_PATH.read_bytes())
    click.echo(f"{path}: written; edit it, then: python make_leaflets.py build --config {path}")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise LeafletsError(f"--out {out}: exists and is not a folder; choose another path")
    try:
        out.mkdir(parents=True, exist_ok=True)
        import tempfile

        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise LeafletsError(
            f"--out {out}: cannot write there ({e.strerror}); choose another folder"
        ) from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (for CI).")
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check against another registry file.",
)
@click.option(
    "--require-reviewed",
    is_flag=True,
    help="Treat draft (unreviewed) translations as errors, not warnings.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The organisation's config the PDFs were built with: its local contacts "
    "count as known numbers.",
)
def verify(
    paths: tuple[Path, ...],
    as_json: bool,
    registry_path: Path | None,
    require_reviewed: bool,
    config_path: Path | None,
) -> None:
    """Read PDFs back as a stranger would and check every number, link and QR code.

    PATHS are PDF files or folders (searched recursively). For each page it extracts the
    text, renders the page and decodes every QR code, then checks them against the registry,
    and checks the required helplines, embedded fonts, page size and language; a folder's
    manifest.json hashes are checked too. One line per finding; exit code 1 when anything is
    wrong, 0 when clean.
    """
    import json

    from . import verify as v
    from .content import default_registry, load_registry

    registry = load_registry(registry_path) if registry_path else default_registry()
    if config_path:
        from .config import load_config

        registry = load_config(config_path).registry(registry)
    files = v.collect(paths)
    findings = [f for p in paths if p.is_dir() for f in v.check_manifest(p)]
    for f in files:
        findings += v.check_file(f, registry, require_reviewed)
    if as_json:
        click.echo(
            json.dumps(
                {"files": [str(f) for f in files], "findings": [x.as_dict() for x in findings]},
                indent=2,
            )
        )
    else:
        for x in findings:
            click.echo(str(x))
        errors = sum(1 for x in findings if x.level == "error")
        click.echo(
            f"{len(files)} file(s) checked, {errors} error(s), {len(findings) - errors} warning(s)",
            err=True,
        )
    if any(x.level == "error" for x in findings):
        sys.exit(1)


@main.group()
def i18n() -> None:
    """Translations: gettext catalogs in locales/<locale>/LC_MESSAGES/<guide>.po.

    \b
      i18n extract            write locales/<guide>.pot from the guides
      i18n init LOCALE        start a catalog (a draft) for a language
      i18n update             merge new English into every catalog (changes go fuzzy)
      i18n check              refuse numbers, links, markup and broken placeholders
      i18n stats              translated %, fuzzy and review status per catalog

    See docs/TRANSLATING.md.
    """


def _guides(guide: str):
    from .content import default_registry, load_guides

    return load_guides(None if guide == "all" else [guide], default_registry())


_guide_option = click.option(
    "--guide", default="all", show_default=True, help="Edition: us, uk-young-people, or all."
)


@i18n.command("extract")
@_guide_option
def i18n_extract(guide: str) -> None:
    """Write locales/<guide>.pot (only when its messages changed)."""
    from . import i18n as t

    for g in _guides(guide):
        path, changed = t.extract(g)
        click.echo(f"{path}: {'written' if changed else 'unchanged'}")


@i18n.command("init")
@click.argument("locale")
@_guide_option
def i18n_init(locale: str, guide: str) -> None:
    """Start the catalog of LOCALE (a BCP 47 tag such as es, pt-BR, cy), marked draft."""
    from . import i18n as t

    for g in _guides(guide):
        click.echo(str(t.init(g, locale)))


@i18n.command("update")
@_guide_option
def i18n_update(guide: str) -> None:
    """Merge the current English into every catalog; changed strings become fuzzy."""
    from . import i18n as t

    for g in _guides(guide):
        t.extract(g)
        for path in t.update(g):
            click.echo(f"{path}: updated")


@i18n.command("check")
@_guide_option
@click.option("--locale", default="all", show_default=True, help="One locale, or all.")
def i18n_check(guide: str, locale: str) -> None:
    """Check catalogs: placeholders kept, no numbers, links, e-mail or markup. One line per
    problem; exit 1 when any."""
    from . import i18n as t

    count = 0
    for g, loc in t.iter_catalogs(_guides(guide)):
        if locale not in ("all", loc):
            continue
        problems, _, _ = t.check_catalog(g, loc)
        for p in problems:
            click.echo(str(p))
        count += len(problems)
    if count:
        click.echo(f"{count} problem(s)", err=True)
        sys.exit(1)


@i18n.command("stats")
@_guide_option
def i18n_stats(guide: str) -> None:
    """A table: locale, edition, translated %, fuzzy, untranslated, review status."""
    from . import i18n as t

    rows = [("locale", "edition", "translated", "fuzzy", "untranslated", "review")]
    for g, loc in t.iter_catalogs(_guides(guide)):
        _, _, s = t.check_catalog(g, loc)
        review = s["status"] + (
            f" by {s['reviewer']} {s['reviewed_date']}" if s["status"] == "reviewed" else ""
        )
        rows.append(
            (
                loc,
                g.id,
                f"{100 * s['translated'] // max(s['total'], 1)}%",
                str(s["fuzzy"]),
                str(s["untranslated"]),
                review,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def preview(folder: Path) -> None:
    """Render a PNG thumbnail of every page of the PDFs in FOLDER and write FOLDER/index.html:
    a gallery by edition, language and format, with draft badges, each linking to its PDF.
    Static, offline, relative links only."""
    from .preview import gallery

    path = gallery(folder)
    click.echo(f"{path}: written")
