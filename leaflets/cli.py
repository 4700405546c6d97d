"""The command line: thin. It parses options, calls the package's Python API (leaflets.build,
leaflets.verify, leaflets.i18n), and turns a LeafletsError into one line on stderr and an exit
code; bad input never ends in a traceback.

Exit codes: 0 done and clean; 1 a build or verify that found problems; 2 a usage or input
error (nothing was built); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from .errors import LeafletsError, OutputError, UsageError
from .files import write_atomic
from .paper import PAPERS

EXIT_INTERRUPTED = 130


class Command(click.Command):
    """Refuses an option that takes one value when it is given twice: click would keep the
    last one silently (``--paper a4 --paper cr80`` built cr80 alone)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        single = {
            name: p
            for p in self.params
            if isinstance(p, click.Option) and not (p.multiple or p.is_flag or p.count)
            for name in p.opts
        }
        given: dict[str, list[str]] = {}
        for i, arg in enumerate(args):
            if arg == "--":
                break
            name, eq, value = arg.partition("=")
            if name in single:
                value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
                given.setdefault(single[name].opts[-1], []).append(value)
        for name, values in given.items():
            if len(values) > 1:
                raise click.UsageError(
                    f"{name} is given {len(values)} times ({', '.join(values)}); it takes one "
                    "value: give it once (or all), or run the command once for each",
                    ctx,
                )
        return super().parse_args(ctx, args)


class Group(click.Group):
    """Turns LeafletsError, and a subcommand's usage error, into one line and an exit code."""

    command_class = Command
    group_class = type  # a subgroup (i18n) is a Group too, and its commands Commands

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


class _Names(click.Choice):
    """A case-insensitive choice of the names in one of the package's tables, or "all". The
    table is read when the choice is first needed (parsing, --help of the command), so that
    ``leaflets --help`` does not load the layout code."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names = names
        super().__init__([], case_sensitive=False)

    @property
    def choices(self) -> list[str]:  # type: ignore[override]
        return [*self._names(), "all"]

    @choices.setter
    def choices(self, value) -> None:  # click.Choice sets it; the table is the truth
        pass


def _guides_table() -> list[str]:
    from .sources.guide import guide_ids  # imported here to keep start-up fast

    return guide_ids()


def _formats_table() -> list[str]:
    from .formats import names  # imported here to keep start-up fast

    return names()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leaflets")
def main() -> None:
    """leaflets: print-ready, translated safety guidance with verified helplines.

    Build wallet cards, card sheets, posters and tri-fold leaflets of the `us` and
    `uk-young-people` editions in every translated language, with your organisation's name,
    logo and contacts if you like (init-config), then check any PDF with `verify`: every
    phone number, link and QR code must match the registry (leaflets/data/resources.toml).

    \b
      python make_leaflets.py build --guide all --locale all --format all --paper all --out out
      python make_leaflets.py verify out
      python make_leaflets.py preview out

    Exit codes: 0 done; 1 the build or verify found problems; 2 bad input (nothing built);
    130 interrupted.
    """


@main.command()
@click.option(
    "--guide",
    type=_Names(_guides_table),
    default="all",
    show_default=True,
    help="Edition to build.",
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
    type=_Names(_formats_table),
    default=["all"],
    multiple=True,
    show_default=True,
    help="Format to build; repeat it for several. all is every print format; the web page "
    "(html: DIR/<guide>/<locale>/index.html) is built when named: --format all --format html.",
)
@click.option(
    "--paper",
    type=_Names(lambda: PAPERS),
    default="all",
    show_default=True,
    help="Paper (cr80 is the card's own), or all papers each format comes on.",
)
@click.option(
    "--bleed",
    is_flag=True,
    help="Print-shop variant: 3 mm bleed, crop marks, TrimBox = the paper. Without it "
    "each page is exactly its paper, for office printers (cards always have "
    "bleed).",
)
@click.option(
    "--pdfx",
    is_flag=True,
    help="For a commercial printer: PDF/X-4 in CMYK (with --bleed's bleed and marks), "
    "black text, numbers and QR codes in 100 % K, the ICC output profile embedded "
    "(ISO Coated v2 300%, or the config's [print] icc_profile). See docs/PRINTING.md.",
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
    "--organisations",
    "organisations_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A CSV with one row per school or clinic (see init-config --organisations): each "
    "gets its own folder DIR/<name>/ with its name, logo and contacts on every file.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default="out",
    show_default=True,
    help="Folder to write DIR/<guide>/<locale>/<format>-<paper>.pdf (and index.html).",
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
    format_: tuple[str, ...],
    paper: str,
    bleed: bool,
    pdfx: bool,
    out: Path,
    allow_incomplete: bool,
    config_path: Path | None,
    organisations_path: Path | None,
    workers: int | None,
    max_age: int,
    strict: bool,
) -> None:
    """Build PDFs (and web pages) for the chosen guides, languages, formats and papers.

    Every number and link comes from the registry (and an organisation's config). Files are
    written atomically; a failing file is reported in one line and the others are still
    written. Exit code 1 if any failed, 2 for bad input (nothing is built).
    """
    # imported here to keep start-up fast: --help needs none of the build
    from .build import make_plan, run_plan

    def given(name: str, value):
        """An option's value when the user gave it, else None: the config's, or the default."""
        default = ctx.get_parameter_source(name) == click.core.ParameterSource.DEFAULT
        return None if default else value

    if organisations_path is not None:
        if config_path is not None:
            raise UsageError("--config and --organisations: give one of them")
        # imported here to keep start-up fast, like the build above
        from .build.organisations import make_organisations_plan, run_organisations

        plan = make_organisations_plan(
            organisations_path,
            given("guide", [guide]),
            given("locale", [locale]),
            given("format_", list(format_)),
            given("paper", paper),
            given("bleed", bleed),
            out,
            allow_incomplete,
            max_age,
            strict,
            pdfx,
        )
        run = run_organisations
    else:
        plan = make_plan(
            given("guide", [guide]),
            given("locale", [locale]),
            given("format_", list(format_)),
            given("paper", paper),
            given("bleed", bleed),
            given("out", out),
            config_path,
            allow_incomplete,
            max_age,
            strict,
            pdfx,
        )
        run = run_plan
    for line in plan.warnings:
        click.echo(f"warning: {line}", err=True)
    for n in plan.notes:
        click.echo(n, err=True)
    progress = _Progress(plan.jobs)
    try:
        with _terminate_as_interrupt():
            result = run(plan, workers, progress.done)
    except KeyboardInterrupt:
        progress.close()
        click.echo(
            "interrupted: the workers were stopped; every file written is complete, "
            "no temporary file is left",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    progress.close()
    for f in result.failures:
        click.echo(f"error: {f}", err=True)
    click.echo(
        f"{len(result.written)} file(s) written to {plan.out}, "
        + (f"with {len(result.images)} PNG image(s) rendered from them, " if result.images else "")
        + f"{len(plan.jobs) - len(result.written)} failed",
        err=True,
    )
    if result.failures:
        sys.exit(1)


class _Progress:
    """A progress line on a terminal; in CI (no terminal) one line per finished edition and
    language."""

    def __init__(self, jobs) -> None:
        self.total = len(jobs)
        self.done_count = self.failed = 0
        self.start = time.monotonic()
        self.left: dict[tuple[str, str], int] = {}
        for j in jobs:
            self.left[(j.guide, j.locale)] = self.left.get((j.guide, j.locale), 0) + 1
        self.tty = sys.stderr.isatty()

    def done(self, rendered) -> None:
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
        def raise_interrupt(signum, frame):
            raise KeyboardInterrupt

        self.previous = signal.signal(signal.SIGTERM, raise_interrupt)
        return self

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGTERM, self.previous)


@main.command("init-config")
@click.argument(
    "path", type=click.Path(dir_okay=False, path_type=Path), default=None, required=False
)
@click.option(
    "--organisations",
    is_flag=True,
    help="Write an example CSV of organisations instead (default organisations.csv), for "
    "build --organisations: one row per school or clinic.",
)
def init_config(path: Path | None, organisations: bool) -> None:
    """Write a commented example config to PATH (default leaflets.toml) to edit: the
    organisation's name and logo, local contacts, paper and colour, and what to build."""
    # imported here to keep start-up fast
    from .sources import organisations as sheet
    from .sources.config import EXAMPLE_PATH

    path = path or Path("organisations.csv" if organisations else "leaflets.toml")
    example = sheet.EXAMPLE_PATH if organisations else EXAMPLE_PATH
    if path.exists():
        raise OutputError(f"{path}: already exists; choose another name or edit it")
    try:
        write_atomic(path, example.read_bytes())
    except OSError as e:
        raise OutputError(
            f"{path}: cannot be written ({e.strerror or e}); choose another folder"
        ) from None
    option = "--organisations" if organisations else "--config"
    click.echo(f"{path}: written; edit it, then: python make_leaflets.py build {option} {path}")


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
    "--deep",
    is_flag=True,
    help="Also read every printed page with OCR (Tesseract) and check that each number and "
    "link the text layer reports is visibly printed, and that no number is printed that the "
    "text layer lacks; and look again for codes at a higher resolution. About 1-3 s a page.",
)
@click.option(
    "--pdfx",
    is_flag=True,
    help="Also preflight each PDF for a print shop (PDF/X-4 in CMYK): RGB colour or images, "
    "missing TrimBox or BleedBox, fonts not embedded, no output intent or PDF/X metadata, "
    "small text in rich black, transparency PDF/X-4 does not allow. One line per breach.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The organisation's config the PDFs were built with: its local contacts "
    "count as known numbers.",
)
@click.option(
    "--organisations",
    "organisations_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The CSV of organisations the folders were built from: each organisation's folder "
    "is checked with its own contacts, and another organisation's number is a finding.",
)
def verify(
    paths: tuple[Path, ...],
    as_json: bool,
    registry_path: Path | None,
    require_reviewed: bool,
    deep: bool,
    pdfx: bool,
    config_path: Path | None,
    organisations_path: Path | None,
) -> None:
    """Read PDFs and web pages back as a stranger would and check every number, link and QR
    code.

    PATHS are PDF or HTML files or folders (searched recursively). Web pages are parsed: their
    text and every link and image are checked the same way, and anything that runs, loads
    or sends something (script, event handlers, frames, forms, external images) is a
    finding. For each page it extracts the
    text, renders the page and decodes every QR code, then checks them against the registry,
    and checks the required helplines, embedded fonts, page size and language. In a build
    folder each file is checked against what its manifest.json recorded (its format, paper
    and every helpline it printed), and the manifest's hashes are checked. One line per
    finding; exit code 1 when anything is wrong (no PDF found included), 0 when clean.
    """
    # imported here to keep start-up fast: --help needs no PDF reader
    from .sources.config import load_config
    from .sources.registry import default_registry, load_registry
    from .verify import check_paths

    registry = load_registry(registry_path) if registry_path else default_registry()
    if config_path and organisations_path:
        raise UsageError("--config and --organisations: give one of them")
    if config_path:
        registry = load_config(config_path).registry(registry)
    if organisations_path:
        # imported here to keep start-up fast, like the verifier above
        from .sources.organisations import load_organisations
        from .verify.organisations import check_organisations

        orgs = load_organisations(organisations_path)
        files, findings = check_organisations(list(paths), orgs, registry, require_reviewed, deep)
        if pdfx:
            # imported here to keep start-up fast, like the verifier above
            from .verify.pdfx import preflight

            findings += [x for f in files if f.suffix.lower() == ".pdf" for x in preflight(f)]
    else:
        files, findings = check_paths(paths, registry, require_reviewed, deep, pdfx)
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
      i18n review LOCALE      sign off a catalog a person has reviewed (reviews.toml)

    See docs/TRANSLATING.md.
    """


def _guides(guide: str):
    from .sources.guide import load_guides  # imported here to keep start-up fast
    from .sources.registry import default_registry

    return load_guides(None if guide == "all" else [guide], default_registry())


_guide_option = click.option(
    "--guide", type=_Names(_guides_table), default="all", show_default=True, help="Edition."
)


@i18n.command("extract")
@_guide_option
def i18n_extract(guide: str) -> None:
    """Write locales/<guide>.pot (only when its messages changed)."""
    from .i18n import catalogs  # imported here to keep start-up fast

    for g in _guides(guide):
        path, changed = catalogs.extract(g)
        click.echo(f"{path}: {'written' if changed else 'unchanged'}")


@i18n.command("init")
@click.argument("locale")
@_guide_option
def i18n_init(locale: str, guide: str) -> None:
    """Start the catalog of LOCALE (a BCP 47 tag such as es, pt-BR, cy), marked draft."""
    from .i18n import catalogs  # imported here to keep start-up fast

    for g in _guides(guide):
        click.echo(str(catalogs.init(g, locale)))


@i18n.command("update")
@_guide_option
def i18n_update(guide: str) -> None:
    """Merge the current English into every catalog; changed strings become fuzzy."""
    from .i18n import catalogs  # imported here to keep start-up fast

    for g in _guides(guide):
        catalogs.extract(g)
        for path in catalogs.update(g):
            click.echo(f"{path}: updated")


@i18n.command("check")
@_guide_option
@click.option("--locale", default="all", show_default=True, help="One locale, or all.")
def i18n_check(guide: str, locale: str) -> None:
    """Check catalogs: placeholders kept, no numbers, links, e-mail or markup. One line per
    problem; exit 1 when any."""
    from .i18n.catalogs import iter_catalogs  # imported here to keep start-up fast
    from .i18n.checks import check_catalog

    count = 0
    catalogs = [(g, loc) for g, loc in iter_catalogs(_guides(guide)) if locale in ("all", loc)]
    if not catalogs:
        raise UsageError(f"locale {locale}: no catalog of {guide} to check")
    for g, loc in catalogs:
        problems, _, _ = check_catalog(g, loc)
        for p in problems:
            click.echo(str(p))
        count += len(problems)
    if count:
        click.echo(f"{count} problem(s)", err=True)
        sys.exit(1)


@i18n.command("review")
@click.argument("locale")
@click.option("--guide", type=_Names(_guides_table), required=True, help="Edition reviewed.")
@click.option("--reviewer", required=True, help="The reviewer's name, as they sign.")
@click.option(
    "--date",
    "when",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Day of the review (default today); never in the future.",
)
def i18n_review(locale: str, guide: str, reviewer: str, when) -> None:
    """Sign off the catalog of LOCALE for one edition, as a native speaker has reviewed it now.

    Writes a line to locales/reviews.toml with the reviewer, the date and the hash of the
    catalog's messages: commit it with the catalog. Any later change to a message makes the
    catalog a draft again until it is reviewed anew. See docs/TRANSLATING.md."""
    from .files import build_date  # imported here to keep start-up fast
    from .i18n.catalogs import available_locales
    from .i18n.checks import sign_off

    if guide == "all":
        raise UsageError("--guide: name the one edition whose catalog was reviewed")
    (g,) = _guides(guide)
    if locale not in available_locales(g.id)[1:]:
        raise UsageError(f"locale {locale}: no catalog of {g.id} to sign off")
    path, review = sign_off(g, locale, reviewer, when.date() if when else build_date())
    click.echo(
        f"{path}: {locale} {g.id} reviewed by {review.reviewer} on {review.date} "
        f"(catalog {review.catalog_sha256[:12]}...)"
    )


@i18n.command("stats")
@_guide_option
def i18n_stats(guide: str) -> None:
    """A table: locale, edition, translated %, fuzzy, untranslated, review status."""
    from .i18n.catalogs import iter_catalogs  # imported here to keep start-up fast
    from .i18n.checks import check_catalog

    rows = [("locale", "edition", "translated", "fuzzy", "untranslated", "review")]
    for g, loc in iter_catalogs(_guides(guide)):
        _, _, s = check_catalog(g, loc)
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
    from .preview import gallery  # imported here to keep start-up fast

    path = gallery(folder)
    click.echo(f"{path}: written")


def run() -> None:
    """The command line as a program (``leaflets``, ``python -m leaflets``, make_leaflets.py).

    A command ends with ``os._exit`` once its output is flushed: every file it writes is
    written, closed and renamed, and its workers and verify's readers stopped, before it
    returns, so all the interpreter's own exit would still do is take apart every object of
    the run (reportlab's fonts, the caches: about 40 ms, a seventh of a one-card build). Not
    under coverage or a profiler, which write what they found at the interpreter's exit. An
    interrupted build needs it too: after its workers were stopped mid-job, the interpreter's
    exit would wait on the process pool's manager thread, which can hang on a queue a stopped
    worker held."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # coverage or a profiler writes what it found at the interpreter's exit
    if code is not None and not isinstance(code, int):  # sys.exit("message"), as Python does
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), a closed stream
            code = code or 120  # what Python's own exit answers when it cannot flush
    os._exit(code or 0)
