"""A static gallery of a build: a PNG thumbnail of every page and DIR/index.html, a grid by
edition, language (in its own name) and format, with draft badges. It works offline and
uses relative links only, so it can be published next to the PDFs as it is."""

from __future__ import annotations

import html
import json
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium

from .files import MANIFEST, write_atomic
from .i18n.locales import language_name

THUMB_WIDTH_PX = 260
PREVIEW_DIR = "previews"


def _meta(pdf: Path, root: Path) -> dict:
    """guide/locale/format/paper from the path DIR/<guide>/<locale>/<format>-<paper>.pdf."""
    rel = pdf.relative_to(root)
    parts = rel.parts
    fmt, _, paper = pdf.stem.rpartition("-")
    return {
        "path": rel.as_posix(),
        "guide": parts[0] if len(parts) > 2 else "",
        "locale": parts[1] if len(parts) > 2 else "",
        "format": fmt,
        "paper": paper,
    }


def thumbnails(pdf: Path, root: Path) -> list[str]:
    """Render every page of `pdf` to PNG under DIR/previews/; returns their relative paths."""
    out = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, _ = page.get_size()
            image = page.render(scale=THUMB_WIDTH_PX / width).to_pil()
            rel = Path(PREVIEW_DIR) / pdf.relative_to(root).with_suffix("") / f"page-{i + 1}.png"
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            buf = BytesIO()
            image.save(buf, format="PNG", optimize=True)
            write_atomic(target, buf.getvalue())
            out.append(rel.as_posix())
            page.close()
    finally:
        doc.close()
    return out


def gallery(root: Path) -> Path:
    """Render the thumbnails of every PDF under `root` and write root/index.html."""
    manifest = {}
    if (root / MANIFEST).is_file():
        manifest = {e["path"]: e for e in json.loads((root / MANIFEST).read_text())["files"]}
    items = []
    for pdf in sorted(root.rglob("*.pdf")):
        if PREVIEW_DIR in pdf.relative_to(root).parts:
            continue
        meta = _meta(pdf, root)
        review = manifest.get(meta["path"], {}).get("review", "")
        meta["draft"] = review == "draft" or (not review and meta["locale"] not in ("", "en"))
        meta["thumbs"] = thumbnails(pdf, root)
        items.append(meta)
    write_atomic(root / "index.html", _html(items).encode("utf-8"))
    return root / "index.html"


def _html(items: list[dict]) -> str:
    e = html.escape
    sections = []
    for guide in sorted({i["guide"] for i in items}):
        rows = []
        for locale in sorted(
            {i["locale"] for i in items if i["guide"] == guide},
            key=lambda loc: (loc != "en", language_name(loc) if loc else ""),
        ):
            cells = []
            for item in (i for i in items if i["guide"] == guide and i["locale"] == locale):
                badge = '<span class="draft">DRAFT</span>' if item["draft"] else ""
                pages = "".join(
                    f'<img src="{e(t)}" alt="{e(item["format"])} {e(item["paper"])} page '
                    f'{n}" loading="lazy">'
                    for n, t in enumerate(item["thumbs"], 1)
                )
                cells.append(
                    f'<a class="file" href="{e(item["path"])}">{pages}'
                    f'<span class="name">{e(item["format"])} · {e(item["paper"])}</span>'
                    f"{badge}</a>"
                )
            name = language_name(locale) if locale else "?"
            rows.append(
                f'<section class="lang"><h3 lang="{e(locale)}">{e(name)} '
                f'<small>{e(locale)}</small></h3><div class="grid">{"".join(cells)}'
                "</div></section>"
            )
        sections.append(f"<section><h2>Edition {e(guide)}</h2>{''.join(rows)}</section>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>leaflets: preview of the build</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1f; }}
h2 {{ border-bottom: 3px solid #1f3a5f; padding-bottom: .3rem; }}
h3 small {{ color: #4a5563; font-weight: normal; }}
.grid {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.file {{ display: flex; flex-direction: column; gap: .3rem; text-decoration: none;
        color: inherit; border: 1px solid #ccd; padding: .4rem; border-radius: 4px;
        position: relative; max-width: {2 * THUMB_WIDTH_PX + 20}px; }}
.file img {{ width: {THUMB_WIDTH_PX // 2}px; border: 1px solid #eee; display: inline-block; }}
.name {{ font-size: .85rem; }}
.draft {{ position: absolute; top: .3rem; right: .3rem; background: #b3261e; color: #fff;
         font-weight: bold; font-size: .75rem; padding: .1rem .4rem; border-radius: 3px; }}
</style></head><body>
<h1>leaflets: preview of the build</h1>
<p>Every page of every PDF; click a file to open it. <span class="draft"
style="position: static">DRAFT</span> marks translations not yet reviewed.</p>
{"".join(sections)}
</body></html>
"""
