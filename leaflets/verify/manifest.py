"""A build folder's manifest.json: the files it lists are there, unchanged, and each is checked
against what the build recorded of it (its edition, format, paper, review status and the
registry entries it printed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..files import MANIFEST
from .read import Expected, Finding


def _inside(folder: Path, rel: object) -> Path:
    """A manifest path, which must stay inside its folder ("../../etc/passwd" is refused)."""
    target = (folder / str(rel)).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ValueError(f"the path {rel!r} is outside the folder")
    return target


def read_manifest(folder: Path) -> tuple[dict[Path, Expected], list[Finding]]:
    """What each listed file must be, and the manifest's own findings (a file missing or
    changed since the build, an unreadable manifest). No manifest: nothing expected."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}, []
    try:
        manifest = json.loads(path.read_text("utf-8"))
        files = manifest["files"]
        expected = {
            _inside(folder, e["path"]): Expected(
                str(e["guide"]),
                str(e["locale"]),
                str(e["format"]),
                str(e["paper"]),
                str(e["review"]),
                tuple(str(r) for r in e["resources"]),
                tuple(str(r) for r in e.get("codes", ())),
                str(e.get("catalog", "")),
                tuple(int(v) for v in e.get("pixels", ())),
                str(_inside(folder, e["from"])) if "from" in e else "",
            )
            for e in files
        }
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        message = f"is not a leaflets manifest ({type(e).__name__}: {e})"
        return {}, [Finding(str(path), None, "error", "manifest", message)]
    out = []
    for entry in files:
        target = _inside(folder, entry["path"])
        if not target.is_file():
            out.append(
                Finding(
                    str(target), None, "error", "manifest", "is listed in manifest.json but missing"
                )
            )
            continue
        data = target.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get(
            "size"
        ):
            out.append(
                Finding(
                    str(target),
                    None,
                    "error",
                    "manifest",
                    "differs from manifest.json (sha256): it changed after the build",
                )
            )
    return expected, out
