"""verify: read PDFs back as a stranger would and compare what a reader sees with the registry.

``read`` (text, rendered pages, decoded codes, structure) -> ``rules`` (one check each,
returning findings) and ``manifest`` (a build folder's record of each file). Imports only
sources/ and the paper table: never the layout code whose output it judges.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..sources.registry import Registry
from .manifest import MANIFEST, read_manifest
from .read import Expected, Finding, PDFRead, read_pdf
from .rules import RULES, check_review


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every *.pdf under each folder, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.pdf") if x.is_file())
        else:
            out.append(p)
    return out


def check_file(
    path: Path,
    registry: Registry,
    require_reviewed: bool = False,
    expected: Expected | None = None,
) -> list[Finding]:
    """All findings for one file; a file that is not a readable PDF is one finding."""
    try:
        doc = read_pdf(path)
    except (ValueError, OSError) as e:
        return [Finding(str(path), None, "error", "pdf", str(e))]
    doc.expected = expected
    out: list[Finding] = []
    for rule in RULES:
        out += rule(doc, registry)
    return out + check_review(doc, require_reviewed)


def check_paths(
    paths: Iterable[Path], registry: Registry, require_reviewed: bool = False
) -> tuple[list[Path], list[Finding]]:
    """Every PDF under `paths` (files or folders), each checked against what its folder's
    manifest.json recorded of it when there is one. No PDF at all is a finding."""
    paths = list(paths)
    files = collect(paths)
    findings: list[Finding] = []
    expected: dict[Path, Expected] = {}
    for p in paths:
        if p.is_dir():
            listed, problems = read_manifest(p)
            expected.update(listed)
            findings += problems
            if (p / MANIFEST).is_file():
                findings += [
                    Finding(str(f), None, "error", "manifest", "is not listed in manifest.json")
                    for f in collect([p])
                    if f.resolve() not in listed
                ]
    if not files:
        where = ", ".join(str(p) for p in paths)
        findings.append(Finding(where, None, "error", "pdf", "no PDF file found to check"))
    for f in files:
        findings += check_file(f, registry, require_reviewed, expected.get(f.resolve()))
    return files, findings


__all__ = ["Expected", "Finding", "PDFRead", "check_file", "check_paths", "collect", "read_pdf"]
