"""Social images (PNG) read back: the size the build recorded, every code in them decoded
against the registry, and, in a build folder, the pixels of the PDF they were rendered from.

The PDF itself is checked like every other; an image is what was posted, so it must be that
PDF's page and nothing else: a PNG changed after the build differs from the manifest's hash
(verify.manifest) and from a fresh rendering of its PDF (here).
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageChops

from ..files import PREVIEW_DIR
from ..sources.registry import Registry
from .read import _2D_CODES, Expected, Finding, Limits
from .rules import opens

# pixels that may differ from a fresh rendering (another pdfium build antialiases edges a
# little differently), as a share of the image, and by how much a channel may differ
CHANGED_SHARE, CHANGED_LEVEL = 0.002, 48


def is_image(path: Path) -> bool:
    return path.suffix.lower() == ".png"


def image_files(paths) -> list[Path]:
    """Every *.png under the folders given (a build folder's gallery thumbnails left out)."""
    out = []
    for p in paths:
        if not p.is_dir():
            continue
        for folder, dirs, names in os.walk(p, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d != PREVIEW_DIR)
            out += [Path(folder, n) for n in sorted(names) if n.lower().endswith(".png")]
    return sorted(out)


def check_image(
    path: Path, registry: Registry, expected: Expected | None, limits: Limits
) -> list[Finding]:
    def finding(message: str, level: str = "error") -> Finding:
        return Finding(str(path), None, level, "image", message)

    try:
        if path.stat().st_size > limits.max_bytes:
            return [finding("is larger than verify reads; it is not checked")]
        with Image.open(path) as im:
            if im.format != "PNG":
                return [finding(f"is not a PNG image (it is {im.format or 'unknown'})")]
            if im.width * im.height > limits.max_pixels:
                return [finding(f"is {im.width} x {im.height} px, more than verify reads")]
            image = im.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        return [finding(f"could not be read as an image ({type(e).__name__}); it is not checked")]
    out: list[Finding] = []
    if expected is not None and expected.pixels and image.size != tuple(expected.pixels):
        w, h = expected.pixels
        out.append(
            finding(f"is {image.width} x {image.height} px, but the build made it {w} x {h} px")
        )
    by_payload = {opens(r.qr): r for r in registry if r.qr}
    seen: set[str] = set()
    for bc in zxingcpp.read_barcodes(image, formats=_2D_CODES, return_errors=True):
        if not bc.valid:  # noise in text, or a damaged code: then a recorded one is missing
            if expected is None:
                out.append(finding("something like a code in the image does not decode", "warning"))
            continue
        res = by_payload.get(opens(bc.text))
        if res is None:
            out.append(
                finding(f"its QR code opens {bc.text!r}, which no registry entry has as its code")
            )
            continue
        seen.add(res.id)
    if expected is None:
        if not seen:
            out.append(finding("has no QR code verify can read, and no manifest", "warning"))
        return out
    for rid in expected.codes:
        if rid in registry.resources and rid not in seen:
            res = registry[rid]
            out.append(finding(f"the QR code of {res.name} ({res.qr}) cannot be read in it"))
    for rid in sorted(seen - set(expected.codes)):
        out.append(finding(f"has a QR code of {registry[rid].name} that its PDF does not record"))
    if expected.source:
        out += _against_pdf(Path(expected.source), image, finding)
    return out


def _against_pdf(pdf: Path, image: Image.Image, finding) -> list[Finding]:
    """The image is its PDF's first page, rendered to its size."""
    try:
        doc = pdfium.PdfDocument(pdf)
    except (pdfium.PdfiumError, OSError) as e:
        return [finding(f"the PDF it was rendered from ({pdf.name}) cannot be read ({e})")]
    try:
        page = doc[0]
        width, _ = page.get_size()
        fresh = page.render(scale=image.width / width, may_draw_forms=False).to_pil()
        fresh = fresh.convert("RGB")
        page.close()
    finally:
        doc.close()
    if fresh.size != image.size:
        return [finding(f"is not the size its PDF ({pdf.name}) renders to")]
    diff = ImageChops.difference(fresh, image).convert("L")
    changed = diff.point(lambda v: 255 if v > CHANGED_LEVEL else 0).histogram()[255]
    if changed > CHANGED_SHARE * image.width * image.height:
        return [
            finding(
                f"differs from the PDF it was rendered from ({pdf.name}) in {changed} pixels: "
                "it is not what was verified"
            )
        ]
    return []
