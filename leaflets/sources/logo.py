"""An organisation's logo, checked before anything is drawn with it.

A logo is the one picture a config brings onto the page, so it is read as a stranger's file:
it must open and decode completely (a damaged PNG, a truncated JPEG, a decompression bomb are
each one line here, never a grey box or a traceback at render time), be fine enough to print,
and carry nothing that only the registry may print: no QR code or barcode, no text (an SVG's
text would be drawn in a font we do not embed, and may say anything), no picture from outside
the logo's own folder.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import warnings
from pathlib import Path

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # 5000 x 5000; more is a mistake or a decompression bomb
# The largest size a logo is printed at (a tabloid poster's header), for the resolution check.
LOGO_MAX_PRINT_MM = 28.0
LOGO_MIN_DPI = 150


def logo_problem(path: Path) -> str | None:
    """Why `path` cannot be printed as a logo, or None when it can."""
    if not path.is_file():
        return f"file {path} not found; give a path relative to the config file"
    if path.stat().st_size > LOGO_MAX_BYTES:
        return f"{path.name} is over {LOGO_MAX_BYTES // 1024 // 1024} MB; use a smaller file"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        bad, ratio, picture = _svg_problem(path)
    elif suffix in (".png", ".jpg", ".jpeg"):
        bad, ratio, picture = _raster_problem(path, suffix[1:].upper())
    else:
        return f"{path.name}: use a PNG, JPEG or SVG file"
    if bad:
        return bad
    if not 0.2 <= ratio <= 6:
        return (
            f"{path.name} is {ratio:.1f} times as wide as it is high; crop it to the logo "
            "(at most 6:1)"
        )
    codes = _codes_in(picture)
    if codes:
        return (
            f"{path.name} holds a code ({codes[0]}); a logo may not carry one (numbers and "
            "links come from the registry and the config's contacts)"
        )
    shown = _text_in(picture)
    if shown:
        return (
            f"{path.name} shows {shown}; a logo may not carry a number or an address (put it "
            "in a contact, where it is checked)"
        )
    return None


def can_read_text() -> bool:
    """Tesseract is installed, so a logo's pictured text can be read (see :func:`_text_in`)."""
    return shutil.which(os.environ.get("TESSERACT", "tesseract")) is not None


def _text_in(picture) -> str:
    """What a reader would dial or type in the text a logo shows (read with Tesseract where
    it is installed), or "" for none. Without Tesseract the build says that the logo's text
    was not read, and ``verify --deep`` reads the printed page."""
    if not can_read_text():
        return ""
    try:
        # imported here to keep start-up fast: only a logo is read this way
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = os.environ.get("TESSERACT", "tesseract")
        scale = max(1.0, 400 / max(1, picture.height))
        big = picture.resize((round(picture.width * scale), round(picture.height * scale)))
        text = pytesseract.image_to_string(big, config="--psm 11", timeout=30)
    except (RuntimeError, OSError, ImportError):
        return ""
    # imported here to keep start-up fast, with pytesseract above
    from .reading import untrusted_text_problems

    problems = [p for p in untrusted_text_problems(text, None) if "contains the" in p]
    return problems[0].split(";")[0].removeprefix("contains ") if problems else ""


def _raster_problem(path: Path, kind: str):
    # imported here to keep start-up fast: only a config with a logo needs Pillow
    from PIL import Image, UnidentifiedImageError

    unreadable = f"{path.name} is not a readable {kind} image; export it again"
    too_large = (
        f"{path.name} has more pixels than a logo needs (at most "
        f"{LOGO_MAX_PIXELS // 1_000_000} million); scale it down"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_large, 0, None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return unreadable, 0, None
    try:
        with im:
            w, h = im.size
            if im.format not in ("PNG", "JPEG") or (kind == "PNG") != (im.format == "PNG"):
                return f"{path.name} is a {im.format} file, not a {kind}; export it again", 0, None
            if w * h > LOGO_MAX_PIXELS:
                return too_large, 0, None
            im.verify()  # checksums of every chunk
        with Image.open(path) as im:
            im.load()  # decodes everything: corrupt data or a truncated file fails here
            picture = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return unreadable, 0, None
    need = round(LOGO_MIN_DPI * LOGO_MAX_PRINT_MM / 25.4)
    if h < need:
        return (
            f"{path.name} is {w} x {h} pixels: too coarse to print at {LOGO_MAX_PRINT_MM:g}"
            f" mm high (needs {need} pixels high for {LOGO_MIN_DPI} dpi); use a larger "
            "image or an SVG",
            0,
            None,
        )
    background = Image.new("RGBA", picture.size, "white")
    return None, w / h, Image.alpha_composite(background, picture).convert("L")


def _svg_problem(path: Path):
    try:
        # imported here to keep start-up fast: only a config with an SVG logo needs it
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
    except Exception as e:  # noqa: BLE001 -- any parse failure is the user's file
        return f"{path.name} is not a readable SVG ({type(e).__name__}); export it again", 0, None
    if drawing is None or not all(
        isinstance(v, int | float) and math.isfinite(v) and 1 <= v <= 100_000
        for v in (drawing.width, drawing.height)
    ):
        return (
            f"{path.name} is not a readable SVG (give it a width and height of at least 1 and "
            "at most 100,000); export it again",
            0,
            None,
        )
    # imported here to keep start-up fast, like svglib above
    from reportlab.graphics.shapes import Image as ImageShape
    from reportlab.graphics.shapes import String

    folder = path.parent.resolve()
    for node in _nodes(drawing):
        if isinstance(node, String):
            return (
                f"{path.name} has text ({node.text[:30]!r}); convert its text to outlines "
                "(paths) in your editor: a logo's text is not drawn in the embedded fonts",
                0,
                None,
            )
        if isinstance(node, ImageShape):
            source = node.path
            if isinstance(source, str | Path):
                where = Path(source).resolve()
                if not where.is_relative_to(folder):
                    return (
                        f"{path.name} draws the picture {Path(source).name!r} from outside its "
                        "own folder; embed the picture in the SVG or leave it out",
                        0,
                        None,
                    )
    try:
        picture = _svg_picture(drawing)
    except Exception as e:  # noqa: BLE001 -- a drawing that cannot be drawn is the file's fault
        return f"{path.name} cannot be drawn ({type(e).__name__}); export it again", 0, None
    return None, drawing.width / drawing.height, picture


def _nodes(group):
    for node in getattr(group, "contents", ()):
        yield node
        yield from _nodes(node)


def _svg_picture(drawing):
    """The SVG drawn at about 600 pixels on its longer side, as a grey-scale picture."""
    # imported here to keep start-up fast: only a config with an SVG logo needs them
    import pypdfium2 as pdfium
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(drawing.width, drawing.height))
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    try:
        scale = 600 / max(drawing.width, drawing.height)
        return pdf[0].render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil().convert("L")
    finally:
        pdf.close()


def _codes_in(picture) -> list[str]:
    """The kinds of code zxing-cpp finds in `picture` (QR, Data Matrix, barcodes...)."""
    import zxingcpp  # imported here to keep start-up fast: only a logo is searched for codes

    if max(picture.size) > 2000:
        picture = picture.copy()
        picture.thumbnail((2000, 2000))
    try:
        found = zxingcpp.read_barcodes(picture)
    except (ValueError, RuntimeError):
        return []
    return [str(c.format).split(".")[-1] for c in found]
