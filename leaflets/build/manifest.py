"""The manifest of a release build, and how fresh the registry is.

``manifest.json`` is written last and atomically; with the same inputs it is byte-identical.
It lists each file with its hash, pages, edition, language, format, paper, review status and
the registry entries the file printed (the document's own record), with their verified dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..files import write_atomic
from ..sources.registry import Registry

MANIFEST = "manifest.json"
_DEPENDENCIES = (
    "reportlab",
    "segno",
    "babel",
    "click",
    "pypdf",
    "pypdfium2",
    "zxing-cpp",
    "phonenumbers",
    "fonttools",
    "uharfbuzz",
    "python-bidi",
    "svglib",
    "pillow",
)


def entry(
    relpath: str,
    data: bytes,
    pages: int,
    job: dict[str, object],
    review: str,
    printed: tuple[str, ...],
    registry: Registry,
) -> dict:
    """One file of the manifest."""
    return {
        "path": relpath,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "pages": pages,
        **job,
        "review": review,
        "resources": {rid: registry[rid].verified.isoformat() for rid in printed},
    }


def versions() -> dict[str, str]:
    out = {"leaflets": __version__}
    for name in _DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _earlier(path: Path, out: Path, rebuilt: set[str]) -> list[dict]:
    """Entries of an earlier build into the same folder whose files are still there as it
    wrote them (a second build of other formats adds to the manifest, it does not hide the
    first build's files from verify)."""
    try:
        files = json.loads(path.read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    kept = []
    for e in files if isinstance(files, list) else []:
        try:
            if e["path"] in rebuilt:
                continue
            data = (out / e["path"]).read_bytes()
        except (OSError, KeyError, TypeError):
            continue
        if hashlib.sha256(data).hexdigest() == e.get("sha256"):
            kept.append(e)
    return kept


def write_manifest(out: Path, entries: list[dict], registry: Registry) -> Path:
    """DIR/manifest.json, written last and atomically; byte-identical for the same inputs."""
    path = out / MANIFEST
    entries = entries + _earlier(path, out, {e["path"] for e in entries})
    manifest = {
        "tool": versions(),
        "registry_sha256": registry.digest,
        "files": sorted(entries, key=lambda e: e["path"]),
    }
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return path


def build_date() -> dt.date:
    """The build's date: SOURCE_DATE_EPOCH's when set, so a release build is repeatable."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()


def stale_entries(
    registry: Registry, editions: set[str], max_age_days: int, today: dt.date | None = None
) -> list[str]:
    """One line for each registry entry of these editions checked longer ago than allowed."""
    today = today or build_date()
    out = []
    for r in registry:
        if r.is_local or not set(r.editions) & editions:
            continue
        age = (today - r.verified).days
        if age > max_age_days:
            out.append(
                f"registry entry {r.id} was last verified on {r.verified.isoformat()}, "
                f"{age} days ago (limit {max_age_days}); re-check it at: {r.source}"
            )
    return out
