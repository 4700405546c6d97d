"""The manifest of a release build, and how fresh the registry is.

``manifest.json`` is written last and atomically; with the same inputs it is byte-identical.
It lists each file with its hash, pages, edition, language, format, paper, review status and
the registry entries the file printed (the document's own record), with their verified dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from pathlib import Path

from .. import __version__
from ..files import MANIFEST, build_date, write_atomic
from ..sources.registry import Registry
from ..versions import version

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
    catalog: str,
    printed: tuple[str, ...],
    coded: tuple[str, ...],
    registry: Registry,
) -> dict:
    """One file of the manifest: `resources` are the registry entries whose number or link it
    prints as text (with their checked dates), `codes` those it prints as QR codes."""
    return {
        "path": relpath,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "pages": pages,
        **job,
        "review": review,
        "catalog": catalog,
        "resources": {rid: _checked(registry[rid]) for rid in printed},
        "codes": {rid: _checked(registry[rid]) for rid in coded},
    }


def image_entry(pdf_entry: dict, relpath: str, png: bytes, pdf: bytes) -> dict:
    """A PNG rendered from a PDF of the build: its own hash, size and pixels, and the PDF
    it came from (path and hash); what it shows is what that PDF prints."""
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
    return {
        **pdf_entry,
        "path": relpath,
        "sha256": hashlib.sha256(png).hexdigest(),
        "size": len(png),
        "pixels": [width, height],
        "from": pdf_entry["path"],
        "from_sha256": hashlib.sha256(pdf).hexdigest(),
    }


def _checked(resource) -> str:
    """When a printed entry was checked: the registry's date, or "config" for an
    organisation's own contact (checked by this build, so dated by nothing that changes from
    day to day)."""
    return "config" if resource.is_local else resource.verified.isoformat()


def versions() -> dict[str, str]:
    return {"leaflets": __version__} | {name: version(name) for name in _DEPENDENCIES}


def _earlier(path: Path, out: Path, rebuilt: set[str], head: dict) -> list[dict]:
    """Entries of an earlier build into the same folder whose files are still there as it
    wrote them, when it used the same registry and tools (a second build of other formats
    adds to the manifest; files of a build with another registry or version are left out, so
    verify names them as not listed)."""
    try:
        earlier = json.loads(path.read_text("utf-8"))
        files = earlier["files"]
        if any(earlier.get(k) != v for k, v in head.items()):
            return []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
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
    head = {"tool": versions(), "registry_sha256": registry.digest}
    entries = entries + _earlier(path, out, {e["path"] for e in entries}, head)
    manifest = {**head, "files": sorted(entries, key=lambda e: e["path"])}
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return path


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
