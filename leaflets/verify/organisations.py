"""Verifying a build of many organisations (``build --organisations``): each organisation's
folder is checked against the registry with that organisation's own contacts, so that a
school's number on another school's card is a finding naming whose number it is."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..sources import phones
from ..sources.organisations import Organisation
from ..sources.registry import Registry
from . import check_paths
from .read import Finding

PREVIEWS = "previews"


def check_organisations(
    paths: list[Path],
    organisations: list[Organisation],
    base: Registry,
    require_reviewed: bool = False,
    deep: bool = False,
) -> tuple[list[Path], list[Finding]]:
    """Every file under `paths`, each checked with the contacts of the organisation whose
    folder (``DIR/<name>/``) holds it; files outside every organisation's folder are checked
    against the registry alone. A folder the sheet names that is not there is a finding."""
    by_slug = {o.slug: o for o in organisations}
    owners = {}  # a local number's digits -> the organisation it belongs to
    for o in organisations:
        for c in o.config.contacts:
            owners[phones.keypad_digits(phones.normalise(c.display))] = o
    files: list[Path] = []
    findings: list[Finding] = []
    loose: list[Path] = []
    rest = (base, require_reviewed, deep, owners, files, findings)
    for path in paths:
        if path.is_dir() and path.name in by_slug:  # one organisation's own folder
            _check(by_slug[path.name], [path], *rest)
            continue
        if path.is_file():
            owner = next((by_slug[p.name] for p in path.parents if p.name in by_slug), None)
            if owner is None:
                loose.append(path)
            else:
                _check(owner, [path], *rest)
            continue
        for o in organisations:
            folder = path / o.slug
            if not folder.is_dir():
                findings.append(
                    Finding(
                        str(folder),
                        None,
                        "error",
                        "organisations",
                        f"row {o.row} ({o.config.name}) has no folder here; build it or "
                        "remove the row",
                    )
                )
                continue
            _check(o, [folder], *rest)
        for child in sorted(path.iterdir()) if path.is_dir() else ():
            if child.name not in by_slug and child.name != PREVIEWS and child.is_dir():
                loose.append(child)
    if loose:
        f, x = check_paths(loose, base, require_reviewed, deep)
        files += f
        findings += x
    if not files:
        where = ", ".join(str(p) for p in paths)
        findings.append(Finding(where, None, "error", "pdf", "no PDF file found to check"))
    return files, findings


def _check(org, where, base, require_reviewed, deep, owners, files, findings) -> None:
    f, found = check_paths(where, org.config.registry(base), require_reviewed, deep)
    files += f
    for x in found:
        printed = {r.digits for r in phones.digit_runs(x.message)}
        others = [o for digits, o in owners.items() if o is not org and digits in printed]
        if others:
            other = others[0]
            x = dataclasses.replace(
                x,
                message=f"{x.message}; it is the number of {other.config.name} (row "
                f"{other.row}), printed for {org.config.name} (row {org.row})",
            )
        findings.append(x)
