"""A static gallery of a build: a PNG thumbnail of every page and DIR/index.html, a grid by
edition, language (in its own name) and format, with draft badges. It works offline and
uses relative links only, so it can be published next to the PDFs as it is."""

from __future__ import annotations

import hashlib
import html
import json
import os
import stat
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pypdfium2 as pdfium

from .errors import LeafletsError, OutputError
from .files import MANIFEST, PREVIEW_DIR, write_atomic
from .i18n.locales import language_name
from .sources.reviews import find_review

THUMB_WIDTH_PX = 260
ORGANISATIONS = "organisations.json"  # written by build --organisations


MAX_PAGES = 12  # thumbnails per file; a longer file shows its first pages
MAX_BYTES = 100 * 1024 * 1024


def _shown(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 shown as U+FFFD, controls as '?'."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "?" for c in text)


def href(rel: str) -> str:
    """A safe relative URL for a path under the gallery's folder: './' first (so that no name
    reads as a scheme, 'javascript:...'), every byte outside [A-Za-z0-9/._~-] percent-encoded
    ('#' and '?' in a name stay part of it)."""
    raw = rel.encode("utf-8", "surrogateescape")
    return "./" + quote(raw, safe="/._~-")


def _meta(rel: str, organisations: dict[str, str]) -> dict:
    """organisation/guide/locale/format/paper from the path
    [<organisation>/]<guide>/<locale>/<format>-<paper>.pdf."""
    parts = rel.split("/")
    org = ""
    if len(parts) > 3 and parts[0] in organisations:
        org, parts = organisations[parts[0]], parts[1:]
    fmt, _, paper = parts[-1][: -len(".pdf")].rpartition("-")
    return {
        "path": rel,
        "organisation": org,
        "guide": _shown(parts[0]) if len(parts) > 2 else "",
        "locale": _shown(parts[1]) if len(parts) > 2 else "",
        "format": _shown(fmt or parts[-1]),
        "paper": _shown(paper) if fmt else "",
        "problem": "",
        "thumbs": [],
    }


def _pdfs(root: Path) -> list[str]:
    """The relative paths of the files named *.pdf under `root` (symbolic links to folders
    are not followed, so a loop cannot trap the walk; the previews folder is left out)."""
    out = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) == root and d == PREVIEW_DIR))
        for name in names:
            if name.lower().endswith(".pdf"):
                out.append(Path(folder, name).relative_to(root).as_posix())
    return sorted(out)


def _problem(path: Path, root: Path) -> str:
    """Why `path` cannot be shown ("" when it can be opened)."""
    try:
        st = path.stat()
        outside = not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return "cannot be opened (a broken link, or no permission)"
    if outside:
        return "links to a file outside this folder; not shown"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > MAX_BYTES:
        return f"is {st.st_size // 1024 // 1024} MB, too large to preview"
    with path.open("rb") as f:
        if not f.read(1024).lstrip(b"\0\t\n\r ").startswith(b"%PDF-"):
            return "is not a PDF"
    return ""


def thumbnails(pdf: Path, root: Path) -> list[str]:
    """Render the pages of `pdf` (at most MAX_PAGES) to PNG under DIR/previews/; returns
    their relative paths. The previews' own names are a hash of the PDF's path, so that no
    file name of any spelling reaches a URL of the gallery."""
    out = []
    rel = pdf.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
    folder = Path(PREVIEW_DIR) / hashlib.sha256(rel).hexdigest()[:16]
    import pikepdf  # imported here to keep start-up fast, like the renderer

    from .verify.read import LIMITS, content_bytes

    with pdf.open("rb") as f, pikepdf.open(f) as pk:  # a file object: any name's bytes
        for page in pk.pages[:MAX_PAGES]:
            if content_bytes(page) > LIMITS.max_content_bytes:
                raise ValueError("a page that draws too much")
    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(min(len(doc), MAX_PAGES)):
            page = doc[i]
            width, height = page.get_size()
            scale = THUMB_WIDTH_PX / max(width, 1)
            if width <= 0 or height <= 0 or height * scale > 20 * THUMB_WIDTH_PX:
                raise ValueError("a page of unusable size")
            image = page.render(scale=scale).to_pil()
            target = root / folder / f"page-{i + 1}.png"
            buf = BytesIO()
            image.save(buf, format="PNG", optimize=True)
            write_atomic(target, buf.getvalue())
            out.append((folder / target.name).as_posix())
            page.close()
    finally:
        doc.close()
    return out


def pikepdf_errors() -> tuple[type[Exception], ...]:
    import pikepdf  # imported here to keep start-up fast, like the renderer

    return (pikepdf.PdfError, pikepdf.PasswordError)


def _review_of(root: Path, prefix: str = "") -> dict[str, str]:
    """path -> "reviewed" for the files that the build's manifest lists as built from a
    reviewed catalog and that locales/reviews.toml has a sign-off for (a manifest can say
    anything; English needs none). Every other file shows the DRAFT badge."""
    try:
        files = json.loads((root / MANIFEST).read_text("utf-8"))["files"]
        out = {}
        for e in files:
            review, locale = str(e.get("review", "")), str(e.get("locale", ""))
            signed = locale == "en" or find_review(
                str(e.get("guide", "")), locale, str(e.get("catalog", ""))
            )
            out[prefix + str(e["path"])] = "reviewed" if review == "reviewed" and signed else ""
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError, LeafletsError):
        return {}


def _organisations(root: Path) -> dict[str, str]:
    """folder -> name of the organisations of a build --organisations ({} for one build)."""
    try:
        listed = json.loads((root / ORGANISATIONS).read_text("utf-8"))["organisations"]
        return {str(o["folder"]): str(o["name"]) for o in listed if "/" not in str(o["folder"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def gallery(root: Path) -> Path:
    """Render the thumbnails of every PDF under `root` and write root/index.html. A file that
    cannot be shown (damaged, encrypted, not a PDF, not a file) is listed with why."""
    reviews = _review_of(root)
    organisations = _organisations(root)
    for folder in organisations:
        reviews.update(_review_of(root / folder, f"{folder}/"))
    items = []
    for rel in _pdfs(root):
        meta = _meta(rel, organisations)
        review = reviews.get(rel, "")
        meta["draft"] = review != "reviewed" and meta["locale"] != "en"
        path = root / rel
        png = path.with_suffix(".png")  # a social image rendered from this PDF by the build
        if png.is_file() and not png.is_symlink() and png.stat().st_size <= MAX_BYTES:
            meta["image"] = rel.removesuffix(".pdf") + ".png"
        try:
            meta["problem"] = _problem(path, root)
            if not meta["problem"]:
                meta["thumbs"] = thumbnails(path, root)
        except pdfium.PdfiumError as e:
            meta["problem"] = (
                "is encrypted with a password"
                if "password" in str(e).lower()
                else "is damaged and cannot be opened"
            )
        except (OSError, ValueError, MemoryError):
            meta["problem"] = "is damaged, or draws too much to preview"
        except pikepdf_errors() as e:
            meta["problem"] = (
                "is encrypted with a password"
                if "password" in type(e).__name__.lower()
                else "is damaged and cannot be opened"
            )
        items.append(meta)
    try:
        write_atomic(root / "index.html", _html(items).encode("utf-8"))
    except OSError as e:
        raise OutputError(f"{root / 'index.html'}: cannot be written ({e.strerror or e})") from None
    return root / "index.html"


def _html(items: list[dict]) -> str:
    e = html.escape
    sections = []
    groups = sorted({(i["organisation"], i["guide"]) for i in items})
    for org, guide in groups:
        rows = []
        here = [i for i in items if (i["organisation"], i["guide"]) == (org, guide)]
        for locale in sorted(
            {i["locale"] for i in here},
            key=lambda loc: (loc != "en", language_name(loc) if loc else ""),
        ):
            cells = []
            for item in (i for i in here if i["locale"] == locale):
                badge = '<span class="draft">DRAFT</span>' if item["draft"] else ""
                pages = "".join(
                    f'<img src="{e(href(t))}" alt="{e(item["format"])} {e(item["paper"])} page '
                    f'{n}" loading="lazy">'
                    for n, t in enumerate(item["thumbs"], 1)
                )
                if item.get("image"):  # the PNG as posted, beside the page it came from
                    pages += (
                        f'<img class="png" src="{e(href(item["image"]))}" alt="'
                        f'{e(item["format"])} {e(item["paper"])} PNG image" loading="lazy">'
                    )
                label = " · ".join(e(x) for x in (item["format"], item["paper"]) if x)
                if item.get("image"):
                    label += " · PDF and PNG"
                problem = (
                    f'<span class="problem">{e(_shown(item["path"]))} {e(item["problem"])}</span>'
                    if item["problem"]
                    else ""
                )
                cells.append(
                    f'<a class="file" href="{e(href(item["path"]))}">{pages}'
                    f'<span class="name">{label}</span>{problem}{badge}</a>'
                )
            name = language_name(locale) if locale else "?"
            rows.append(
                f'<section class="lang"><h3 lang="{e(locale)}">{e(name)} '
                f'<small>{e(locale)}</small></h3><div class="grid">{"".join(cells)}'
                "</div></section>"
            )
        title = f"{e(org)} · Edition {e(guide)}" if org else f"Edition {e(guide)}"
        sections.append(f"<section><h2>{title}</h2>{''.join(rows)}</section>")
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
.file img.png {{ border: 2px solid #1f3a5f; }}
.problem {{ font-size: .85rem; color: #b3261e; max-width: {THUMB_WIDTH_PX}px;
           overflow-wrap: anywhere; }}
.draft {{ position: absolute; top: .3rem; right: .3rem; background: #b3261e; color: #fff;
         font-weight: bold; font-size: .75rem; padding: .1rem .4rem; border-radius: 3px; }}
</style></head><body>
<h1>leaflets: preview of the build</h1>
<p>Every page of every PDF, and each social image's PNG (framed) beside the PDF it was
rendered from; click a file to open it. <span class="draft"
style="position: static">DRAFT</span> marks translations not yet reviewed.</p>
{"".join(sections)}
</body></html>
"""
