"""The package's shape: imports run one way through the pipeline, a format is one module and
one table line (a format defined here, in the test, builds and verifies), files get the
user's umask, and a missing cache is no error."""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from leaflets.build import build
from leaflets.cli import main
from leaflets.formats import FORMATS, Format, register
from leaflets.paper import mm
from leaflets.render.blocks import qr_block
from leaflets.render.page import content_box, page
from leaflets.sources.placeholders import PLACEHOLDER, segments
from leaflets.text.fit import fit
from leaflets.text.markup import Para
from leaflets.verify import check_paths

from .conftest import ROOT

PACKAGE = ROOT / "leaflets"

# The pipeline's order: a module may import its own stage and the stages before it. verify
# stands apart (it may import only the base modules, sources/ and itself); only the front
# ends (the command line, the gallery) import it.
BASE = {"errors", "files", "paper", "colour", "versions", "__init__", "__version__", "data"}
STAGES = ["sources", "i18n", "text", "render", "formats", "build"]
FRONT = {"cli", "preview", "__main__"}


def stage_of(module: str) -> str:
    """'leaflets.sources.registry' -> 'sources'; 'leaflets.errors' -> 'base'."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top in BASE:
        return "base"
    if top in FRONT:
        return "front"
    return top


def rank(stage: str) -> int:
    if stage == "base":
        return 0
    if stage in STAGES:
        return 1 + STAGES.index(stage)
    return len(STAGES) + 1  # front


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module, name: str, is_package: bool):
    """(line, imported module, inside a function) of every import of the package's own code."""
    package = name if is_package else name.rpartition(".")[0]
    functions = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(f)
    }
    for node in ast.walk(tree):
        inside = id(node) in functions
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, inside
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.level and not node.module:
                for alias in node.names:  # from . import links
                    yield node.lineno, f"{target}.{alias.name}", inside
            else:
                yield node.lineno, target, inside


def violations(root: Path) -> list[str]:
    """Every import against the pipeline's order, and every import inside a function without
    a comment saying it keeps start-up fast."""
    out = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root)
        source = path.read_text("utf-8")
        lines = source.splitlines()
        here = stage_of(name)
        for lineno, target, inside in _imports(ast.parse(source), name, path.stem == "__init__"):
            if inside:
                above = lines[max(0, lineno - 4) : lineno]
                if not any("start-up" in line for line in above):
                    out.append(
                        f"{name}:{lineno}: import of {target} inside a function "
                        "without a comment that it keeps start-up fast"
                    )
            if not target.startswith("leaflets"):
                continue
            there = stage_of(target)
            if here == "verify":
                ok = there in ("base", "sources", "verify")
            elif there == "verify":
                ok = here == "front"
            else:
                ok = rank(there) <= rank(here)
            if not ok:
                out.append(f"{name}:{lineno}: {here} imports {target} ({there})")
    return out


def test_imports_run_one_way_through_the_pipeline():
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    "module, line, found",
    [
        ("sources/reverse.py", "from ..build import plan\n", "sources imports leaflets.build"),
        ("text/reverse.py", "from ..render.document import Document\n", "text imports"),
        ("verify/reverse.py", "from ..formats import FORMATS\n", "verify imports"),
        ("build/reverse.py", "from ..verify import check_paths\n", "build imports"),
        ("render/lazy.py", "def f():\n    from ..text import fit\n", "inside a function"),
    ],
)
def test_the_import_check_fails_on_a_reverse_import(tmp_path, module, line, found):
    copy = tmp_path / "leaflets"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    (copy / module).write_text(line)
    assert [v for v in violations(copy) if found in v]


# ----------------------------------------------------------------------------- a new format


class BookmarkFormat(Format):
    """A bookmark-sized block on A4: the headline, the first contact and one QR code. Defined
    here only, to prove a format needs nothing outside its own module and a table line."""

    name = "bookmark"
    description = "bookmark"
    papers = ("a4",)
    safe_mm = 6.0
    pages = 1

    def render(self, doc, canvas, spec) -> None:
        g, reg = doc.guide, doc.registry
        with page(canvas, doc, spec):
            x0, _, _, y1 = content_box(doc, spec)
            width = mm(60)
            paras = [Para.of(segments(g.card.headline, reg), bold=True, scale=1.3)]
            paras.append(Para.of(segments(g.card.contacts[0].text, reg), space_before=0.5))
            what = doc.what(self.name, spec.paper, "text")
            fitted = fit(paras, doc.typography(12, 8), width, mm(80), what)
            fitted.draw(canvas, x0, y1)
            code = g.card.qr[0]
            qr_block(
                canvas,
                doc,
                code.resource,
                code.label,
                x0,
                y1 - fitted.height - mm(5),
                width,
                mm(25),
                doc.typography(10, 8, 8),
                doc.what(self.name, spec.paper, "QR label"),
                mm(9),
            )


@pytest.fixture
def bookmark():
    fmt = register(BookmarkFormat())
    yield fmt
    del FORMATS["bookmark"]


def test_a_format_defined_in_a_test_builds_and_verifies(tmp_path, bookmark, registry, guides):
    out = tmp_path / "out"
    result = build(guides="uk-young-people", formats="bookmark", out=out, jobs=1)
    assert result.failures == [] and result.written == [
        out / "uk-young-people" / "en" / "bookmark-a4.pdf"
    ]
    files, findings = check_paths([out], registry)
    assert files == result.written
    assert [(f.level, f.message) for f in findings] == [
        (
            "warning",
            "format 'bookmark' is not one the registry names requirements for: it was "
            "checked against its own manifest only",
        )
    ]
    # the manifest lists exactly what the bookmark prints: the contact's number and the code
    import json

    entry = json.loads((out / "manifest.json").read_text())["files"][0]
    g = guides["uk-young-people"]
    printed = {m.group(1) for m in PLACEHOLDER.finditer(g.card.contacts[0].text)}
    printed |= {m.group(1) for m in PLACEHOLDER.finditer(g.card.headline)}
    assert set(entry["resources"]) == printed | {g.card.qr[0].resource}
    assert entry["format"] == "bookmark" and entry["pages"] == 1
    # outside its build folder, verify cannot tell what a bookmark must carry: it says so
    alone = tmp_path / "alone.pdf"
    shutil.copy(result.written[0], alone)
    _, findings = check_paths([alone], registry)
    assert [f.message for f in findings if f.level == "error"] == [
        "format 'bookmark' is not one the registry says what to require of for "
        "uk-young-people: cannot tell which helplines it must carry; verify it in its build "
        "folder (with the manifest.json it was built with)"
    ]


def test_an_incomplete_format_is_refused_when_it_is_defined():
    with pytest.raises(TypeError, match="must declare pages"):

        class NoPages(Format):
            name = "sticker"
            description = "sticker"
            papers = ("a4",)
            safe_mm = 3.0

            def render(self, doc, canvas, spec) -> None: ...

    with pytest.raises(TypeError, match="not in the paper table"):

        class OddPaper(Format):
            name = "sticker"
            description = "sticker"
            papers = ("a7",)
            safe_mm = 3.0
            pages = 1

            def render(self, doc, canvas, spec) -> None: ...

    with pytest.raises(TypeError, match="must define render"):

        class NoRender(Format):
            name = "sticker"
            description = "sticker"
            papers = ("a4",)
            safe_mm = 3.0
            pages = 1


# ----------------------------------------------------------------------------- files


def test_every_output_file_is_readable_by_others_under_umask_022(tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        runner = CliRunner()
        res = runner.invoke(main, ["build", "--guide", "us", "--format", "card", "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert runner.invoke(main, ["preview", str(out)]).exit_code == 0
        assert runner.invoke(main, ["init-config", str(tmp_path / "x.toml")]).exit_code == 0
    finally:
        os.umask(old)
    written = [p for p in out.rglob("*") if p.is_file()] + [tmp_path / "x.toml"]
    assert {p.suffix for p in written} >= {".pdf", ".json", ".png", ".html", ".toml"}
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p


@pytest.mark.parametrize("cache", ["missing home", "unwritable cache"])
def test_a_missing_or_unwritable_cache_is_no_error(tmp_path, cache):
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "LEAFLETS_CACHE")}
    if cache == "missing home":  # a home that cannot be made, even by root (CI runs as root)
        env["HOME"] = "/proc/leaflets-no-such-home"
    else:  # a cache folder that cannot be made, even by root: its parent is a file
        (tmp_path / "afile").write_text("")
        env["LEAFLETS_CACHE"] = str(tmp_path / "afile" / "leaflets")
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "leaflets",
            "build",
            "--guide",
            "us",
            "--format",
            "card",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / "us" / "en" / "card-cr80.pdf").is_file()


def test_reportlabs_lazy_patterns_match_as_reportlab_made_them():
    """text.platypus imports reportlab's paragraph module with its URL and CJK patterns made
    lazy (compiled on first use); they match what reportlab's own patterns match, and every
    other pattern is compiled as before."""
    import re

    import reportlab.lib.textsplit as textsplit
    import reportlab.platypus.paragraph as paragraph

    from leaflets.text import platypus

    assert re.compile is platypus._compile
    for lazy in (paragraph.uri_pat, textsplit.rx):
        assert isinstance(lazy, platypus.LazyPattern)
        made = re.compile(lazy.pattern, lazy.flags)
        for text in ("https://takeitdown.ncmec.org/", "HTTPS://report.iwf.org.uk/en", "x", "ねこ"):
            assert bool(lazy.search(text)) == bool(made.search(text))
    assert isinstance(paragraph._hy_letters_pat, re.Pattern)
