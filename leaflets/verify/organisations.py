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
    findings: list[Finding] = []
    asked: list[Path] = []  # what is checked: one call, so that every file shares the workers
    folders: dict[Path, Organisation] = {}  # an organisation's folder -> the organisation
    for path in paths:
        if path.is_dir() and path.name in by_slug:  # one organisation's own folder
            folders[path] = by_slug[path.name]
            asked.append(path)
            continue
        if path.is_file():
            owner = next((p for p in path.parents if p.name in by_slug), None)
            if owner is not None:
                folders[owner] = by_slug[owner.name]
            asked.append(path)
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
            folders[folder] = o
            asked.append(folder)
        for child in sorted(path.iterdir()) if path.is_dir() else ():
            if child.name not in by_slug and child.name != PREVIEWS and child.is_dir():
                asked.append(child)  # not an organisation's: the registry alone
    files: list[Path] = []
    if asked:
        registries = {folder: o.config.registry(base) for folder, o in folders.items()}
        files, found = check_paths(asked, base, require_reviewed, deep, registries=registries)
        roots = {folder.resolve(): o for folder, o in folders.items()}
        for x in found:
            where = Path(x.file).resolve()
            org = next((roots[d] for d in [where, *where.parents] if d in roots), None)
            findings.append(_named(x, org, owners) if org is not None else x)
    if not asked:
        where = ", ".join(str(p) for p in paths)
        findings.append(Finding(where, None, "error", "pdf", "no PDF file found to check"))
    elif files:  # (none at all is check_paths' own finding) an organisation's empty folder
        held = {d for f in files for d in f.resolve().parents}
        findings += [
            Finding(str(folder), None, "error", "pdf", "no PDF file found to check")
            for folder in folders
            if folder.is_dir() and folder.resolve() not in held
        ]
    return files, findings


def _named(x: Finding, org: Organisation, owners: dict[str, Organisation]) -> Finding:
    """A finding of `org`'s folder, saying whose number it is when it is another
    organisation's."""
    printed = {r.digits for r in phones.digit_runs(x.message)}
    others = [o for digits, o in owners.items() if o is not org and digits in printed]
    if not others:
        return x
    other = others[0]
    return dataclasses.replace(
        x,
        message=f"{x.message}; it is the number of {other.config.name} (row "
        f"{other.row}), printed for {org.config.name} (row {org.row})",
    )
