"""Reading a PDF as a stranger would: its text in logical order and as printed lines (pdfium),
its pages rendered and every 2-D code on them decoded (zxing-cpp), and its structure (pikepdf:
boxes, fonts, links, actions, layers, metadata). Imports no layout code.

Reading is bounded: a file, a page or a rendering larger than :data:`LIMITS` is a finding,
never a hang or an out-of-memory kill (check_paths also runs each file in a process of its own
with a time and memory limit).
"""

from __future__ import annotations

import bisect
import ctypes
import io
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp

from ..paper import MM as PT_PER_MM
from ..sources import links, phones

LABEL_BAND_MM = 12.0  # how far below a QR code its label is looked for


@dataclass(frozen=True)
class Limits:
    """What verify reads, at most; beyond it a file is a finding, not a hang."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 100
    max_side_mm: float = 1300.0  # longer than A0 (1189 mm)
    max_pixels: int = 60_000_000  # one rendering of one page
    max_chars: int = 100_000  # text characters on one page
    max_objects: int = 2_000_000  # objects in the file
    max_depth: int = 32  # nested form XObjects, action chains
    max_content_bytes: int = 16 * 1024 * 1024  # drawing instructions of one page, decoded
    seconds: float = 300.0  # one file, in its own process (check_paths)
    deep_dpi: float = 400.0  # --deep: pages rendered for OCR and small codes (A4 and up: 250)
    memory: int = 4 * 1024 * 1024 * 1024  # one file's process


LIMITS = Limits()


class Unreadable(Exception):
    """The file cannot be read (or not within the limits): one finding, the reason."""


@dataclass(frozen=True)
class Finding:
    file: str
    page: int | None  # 1-based
    level: str  # "error" or "warning"
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:page {self.page}" if self.page else self.file
        text = f"{where}: {self.level}: {self.message}"
        return " ".join(text.split())  # one line, whatever a file name or payload holds

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Code:
    """A 2-D code found on a rendered page."""

    format: str  # as zxing-cpp names it: "QR Code", "Micro QR Code", "Data Matrix", "Aztec", ...
    payload: str
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points (y up)
    label: str  # the text printed just below it
    error: str = ""  # for a code-shaped region that did not decode: why
    small: bool = False  # found in a small region read again at a high resolution


@dataclass(frozen=True)
class Annotation:
    subtype: str  # "Link", "Widget", ...
    rect: tuple[float, float, float, float]
    action: str  # "" (none, or a destination in the file), "URI", "JavaScript", "Launch", ...
    target: str  # the URI of a URI action; what else an action names
    text: str  # the text printed under its rectangle
    contents: str = ""  # what a viewer shows of it (/Contents: a comment's text)


@dataclass
class PageRead:
    number: int
    text: str  # pdfium's logical order
    seen: str  # segments read left to right, one per line: numbers and links as printed
    qr: list[Code]  # every code found (QR and others)
    width: float
    height: float
    trimbox: tuple[float, float, float, float] | None
    bleedbox: tuple[float, float, float, float] | None
    cropbox: tuple[float, float, float, float] | None = None
    mediabox: tuple[float, float, float, float] | None = None
    hidden: str = ""  # text outside the visible area (CropBox and TrimBox), one line a segment
    annotations: list[Annotation] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # the page's own actions (/AA)
    too_big: str = ""  # why the page was not (fully) read, if a limit was hit
    segments: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    layers_differ: bool = False  # optional content prints other than it shows
    printed: str | None = None  # --deep: the text OCR reads on the print rendering
    printed_lines: dict[int, str] = field(default_factory=dict)  # --deep: segment -> its OCR
    unseen: list[tuple[str, str]] = field(default_factory=list)  # (number or link, why not seen)
    blank_lines: list[str] = field(default_factory=list)  # lines of text that show no ink
    user_unit: float = 1.0  # /UserUnit: the page prints this many times its size


@dataclass(frozen=True)
class Expected:
    """What a file must be, from what verify was asked to check (the manifest it was built
    with), never from the file's own claim."""

    guide: str
    locale: str
    format: str
    paper: str
    review: str
    resources: tuple[str, ...]  # the registry entries the build recorded it printing as text
    codes: tuple[str, ...] = ()  # and as QR codes
    catalog: str = ""  # the SHA-256 of the catalog it was built from ("" for English)
    pixels: tuple[int, ...] = ()  # a PNG: its (width, height) as the build made it
    source: str = ""  # a PNG: the PDF it was rendered from (its path)


@dataclass
class PDFRead:
    path: Path
    pages: list[PageRead]
    lang: str | None
    info: dict[str, str]
    fonts: dict[str, bool]  # font name -> embedded
    meta: dict[str, str] = field(default_factory=dict)  # from leaflets' Keywords
    actions: list[str] = field(default_factory=list)  # document actions, scripts, attachments
    encrypted: bool = False  # owner-password protected (read all the same)
    fonts_used: set[str] = field(default_factory=set)  # fonts a content stream draws with
    conflicting: list[str] = field(default_factory=list)  # Keywords given twice, differently
    loops: list[str] = field(default_factory=list)  # forms that draw themselves
    hidden_layers: list[str] = field(default_factory=list)  # optional content off by default
    expected: Expected | None = None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


# ----------------------------------------------------------------------------- reading


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every *.pdf under each folder, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.suffix.lower() == ".pdf" and x.is_file())
        else:
            out.append(p)
    return out


# A link broken over lines: leaflets breaks links before a '/' (no line of text starts with
# one) or after a '-', which pdfium reports as U+FFFE (it takes it for hyphenation).
_WRAPPED_AT_SLASH = re.compile(r"(\S*\.\S*)\r?\n(?=/\S)")


def join_wrapped_links(text: str) -> str:
    """Text with links that were broken over lines joined back, as a reader reads them."""
    return _WRAPPED_AT_SLASH.sub(r"\1", text.replace("\ufffe", "-"))


def _dpi(width: float, height: float) -> float:
    """Enough pixels for the smallest codes we print, not more (big pages cost time)."""
    area_in2 = width * height / 72 / 72
    return 300 if area_in2 < 40 else 200 if area_in2 < 150 else 150


def _rect(value) -> tuple[float, float, float, float] | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError, pikepdf.PdfError):
        return None
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _box(page: pikepdf.Dictionary, name: str) -> tuple[float, float, float, float] | None:
    """A page box, inherited from the page tree as PDF allows; None if absent or broken."""
    node, depth = page, 0
    while node is not None and depth < LIMITS.max_depth:
        if name in node:
            return _rect(node[name])
        node = node.get("/Parent")
        depth += 1
    return None


def _name(value) -> str:
    return str(value).lstrip("/") if value is not None else ""


def _action(action, depth: int = 0) -> list[tuple[str, str]]:
    """(kind, target) of an action and of the actions it chains (/Next); GoTo inside the
    file is harmless and left out."""
    if depth > LIMITS.max_depth or not isinstance(action, pikepdf.Dictionary):
        return [("broken", "an action nested too deeply")] if depth else []
    kind = _name(action.get("/S"))
    out = []
    if kind == "URI":
        out.append(("URI", str(action.get("/URI", ""))))
    elif kind == "GoTo":
        pass
    elif kind:
        target = action.get("/F") or action.get("/JS") or action.get("/URI") or ""
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/F") or target.get("/UF") or ""
        if isinstance(target, pikepdf.Stream):
            target = target.read_bytes()[:200].decode("latin-1", "replace")
        out.append((kind, str(target)[:200]))
    nxt = action.get("/Next")
    for a in nxt if isinstance(nxt, pikepdf.Array) else [nxt] if nxt is not None else []:
        out += _action(a, depth + 1)
    return out


def _additional(aa) -> list[str]:
    """The actions of an /AA (additional actions) dictionary, described."""
    if not isinstance(aa, pikepdf.Dictionary):
        return []
    out = []
    for trigger, action in aa.items():
        for kind, target in _action(action) or [("GoTo", "")]:
            out.append(
                f"{kind} action on {trigger.lstrip('/')}" + (f" ({target})" if target else "")
            )
    return out


def _document_actions(pdf: pikepdf.Pdf) -> list[str]:
    """Everything a viewer may run or open by itself: the open action, additional actions,
    document scripts, embedded files, forms."""
    root = pdf.Root
    out = []
    opening = root.get("/OpenAction")
    if isinstance(opening, pikepdf.Dictionary):
        out += [
            f"opening action {kind}" + (f" ({target})" if target else "")
            for kind, target in _action(opening)
        ]
    out += _additional(root.get("/AA"))
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            out.append("document JavaScript")
        if "/EmbeddedFiles" in names:
            out.append("embedded files")
    if "/AF" in root or "/Collection" in root:
        out.append("embedded files (associated files or a portfolio)")
    out += _outline_actions(root.get("/Outlines"))
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and (
        form.get("/Fields") or "/XFA" in form or "/CO" in form
    ):
        out.append("an interactive form" + (" (XFA)" if "/XFA" in form else ""))
    base = root.get("/URI")
    if isinstance(base, pikepdf.Dictionary) and "/Base" in base:
        out.append(f"a base address for its links ({base.Base})")
    return out


def _outline_actions(outlines) -> list[str]:
    """Actions of bookmark (outline) items, walked with a seen-set and within the limits."""
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while stack and len(seen) < 10_000:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or (item.is_indirect and item.objgen in seen):
            continue
        if item.is_indirect:
            seen.add(item.objgen)
        for kind, target in _action(item.get("/A")) if "/A" in item else []:
            out.append(f"a bookmark with a {kind} action" + (f" ({target})" if target else ""))
        stack += [item.get("/Next"), item.get("/First")]
    return out


def _hidden_layers(pdf: pikepdf.Pdf) -> list[str]:
    """The names of the optional content groups (layers) a viewer hides until a reader
    switches them on: those the default configuration lists as off, or starts off."""
    props = pdf.Root.get("/OCProperties")
    config = props.get("/D") if isinstance(props, pikepdf.Dictionary) else None
    if not isinstance(config, pikepdf.Dictionary):
        return []
    groups = config.get("/OFF")
    if _name(config.get("/BaseState")) == "OFF":
        groups = props.get("/OCGs")
    out = []
    for group in groups if isinstance(groups, pikepdf.Array) else []:
        if isinstance(group, pikepdf.Dictionary):
            try:
                out.append(str(group.get("/Name", "?"))[:60])
            except (ValueError, TypeError, pikepdf.PdfError):
                out.append("?")
    return out[:20]


def _form_loops(pdf: pikepdf.Pdf, limit: int = 20_000) -> list[str]:
    """Form XObjects that draw themselves, directly or through others (a loop a viewer must
    cut short): one line each, walked depth first within the depth limit."""
    out: list[str] = []
    done: set[tuple[int, int]] = set()
    visits = 0

    def forms(resources):
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            return []
        return [
            (str(k), xo)
            for k, xo in xobjects.items()
            if isinstance(xo, pikepdf.Stream) and _name(xo.get("/Subtype")) == "Form"
        ]

    def visit(name, xo, path: list, depth: int) -> None:
        nonlocal visits
        visits += 1
        if visits > limit or depth > LIMITS.max_depth:
            return
        key = xo.objgen
        if key in path:
            out.append(f"a form XObject ({name}) that draws itself")
            return
        if key in done:
            return
        for k, child in forms(xo.get("/Resources")):
            visit(k, child, path + [key], depth + 1)
        done.add(key)

    for page in pdf.pages:
        for k, xo in forms(page.obj.get("/Resources")):
            visit(k, xo, [], 0)
    return sorted(set(out))


def _fonts(pdf: pikepdf.Pdf) -> dict[str, bool]:
    """Every font of every page and form XObject, and whether its program is embedded.
    Self-referencing and deeply nested forms are visited once each, within the depth limit."""
    found: dict[str, bool] = {}
    seen: set[tuple[int, int]] = set()

    def visit(resources, depth: int) -> None:
        if not isinstance(resources, pikepdf.Dictionary) or depth > LIMITS.max_depth:
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for font in fonts.values():
                if not isinstance(font, pikepdf.Dictionary):
                    continue
                name = str(font.get("/BaseFont", "?"))
                subtype = _name(font.get("/Subtype"))
                desc_font = font
                if subtype == "Type0":
                    kids = font.get("/DescendantFonts")
                    first = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
                    desc_font = first if isinstance(first, pikepdf.Dictionary) else None
                desc = desc_font.get("/FontDescriptor") if desc_font is not None else None
                embedded = isinstance(desc, pikepdf.Dictionary) and any(
                    k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if subtype == "Type3":
                    embedded = True
                found[name] = found.get(name, True) and embedded
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xo in xobjects.values():
                if isinstance(xo, pikepdf.Stream) and _name(xo.get("/Subtype")) == "Form":
                    if xo.objgen in seen:
                        continue
                    seen.add(xo.objgen)
                    visit(xo.get("/Resources"), depth + 1)

    for page in pdf.pages:
        visit(page.obj.get("/Resources"), 0)
    return found


def _fonts_used(pdf: pikepdf.Pdf) -> set[str]:
    """The fonts the pages' content streams (and their forms) show text in: a font selected
    with Tf and then used by Tj, TJ, ' or " with something to show."""
    used: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def visit(holder, resources, depth: int) -> None:
        if depth > LIMITS.max_depth or not isinstance(resources, pikepdf.Dictionary):
            return
        fonts = resources.get("/Font")
        try:
            ops = pikepdf.parse_content_stream(holder, "Tf Tj TJ ' \"")
        except (pikepdf.PdfError, TypeError, ValueError):
            ops = []
        current = None
        for operands, operator in ops:
            if str(operator) == "Tf":
                current = operands[0] if operands else None
                continue
            shown = operands[-1] if operands else None
            if current is None or not shown or not isinstance(fonts, pikepdf.Dictionary):
                continue
            if isinstance(shown, pikepdf.Array) and not any(
                isinstance(x, pikepdf.String) and len(bytes(x)) for x in shown
            ):
                continue
            font = fonts.get(current)
            if isinstance(font, pikepdf.Dictionary):
                used.add(str(font.get("/BaseFont", "?")))
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xo in xobjects.values():
                if isinstance(xo, pikepdf.Stream) and _name(xo.get("/Subtype")) == "Form":
                    if xo.objgen in seen:
                        continue
                    seen.add(xo.objgen)
                    visit(xo, xo.get("/Resources"), depth + 1)

    for page in pdf.pages:
        visit(page, page.obj.get("/Resources"), 0)
    return used


def _contents(annot: pikepdf.Dictionary) -> str:
    try:
        return str(annot.get("/Contents", ""))[:2000]
    except (ValueError, TypeError, pikepdf.PdfError):
        return ""


def _annotations(page: pikepdf.Dictionary) -> list[tuple[str, tuple, str, str, str]]:
    """(subtype, rect, action kind, target, contents) of each annotation of a page."""
    out = []
    annots = page.get("/Annots")
    for annot in annots if isinstance(annots, pikepdf.Array) else []:
        if not isinstance(annot, pikepdf.Dictionary):
            continue
        subtype = _name(annot.get("/Subtype")) or "?"
        said = _contents(annot)
        if subtype == "Link" and "/AP" in annot:
            out.append((subtype, _rect(annot.get("/Rect")) or (0.0,) * 4, "Appearance", "", said))
        rect = _rect(annot.get("/Rect")) or (0.0, 0.0, 0.0, 0.0)
        actions = _action(annot.get("/A")) if "/A" in annot else []
        actions += [(a.split(" ", 1)[0], "") for a in _additional(annot.get("/AA"))]
        if not actions:
            out.append((subtype, rect, "", "", said))
        for kind, target in actions:
            out.append((subtype, rect, kind, target, said))
    return out


def _to_device(
    page, bitmap_w: int, bitmap_h: int, x: float, y: float, rotate: int = 0
) -> tuple[int, int]:
    """PDF page coordinates to a pixel of a rendering of the whole page (turned a further
    `rotate` quarter turns)."""
    dx, dy = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(
        page.raw, 0, 0, bitmap_w, bitmap_h, rotate, x, y, ctypes.byref(dx), ctypes.byref(dy)
    )
    return dx.value, dy.value


def _to_page(
    page, bitmap_w: int, bitmap_h: int, x: float, y: float, rotate: int = 0
) -> tuple[float, float]:
    """A pixel of a rendering of the whole page to PDF page coordinates (rotation and
    CropBox offset included)."""
    px, py = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDF_DeviceToPage(
        page.raw,
        0,
        0,
        bitmap_w,
        bitmap_h,
        rotate,
        int(x),
        int(y),
        ctypes.byref(px),
        ctypes.byref(py),
    )
    return px.value, py.value


_2D_CODES = [
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.MicroQRCode,
    zxingcpp.BarcodeFormat.RMQRCode,
    zxingcpp.BarcodeFormat.DataMatrix,
    zxingcpp.BarcodeFormat.Aztec,
    zxingcpp.BarcodeFormat.PDF417,
    zxingcpp.BarcodeFormat.MicroPDF417,
    zxingcpp.BarcodeFormat.MaxiCode,
]


# Barcodes a phone camera may read too: any of them on a leaflet is a finding.
_LINEAR_CODES = [
    zxingcpp.BarcodeFormat.Code128,
    zxingcpp.BarcodeFormat.Code39,
    zxingcpp.BarcodeFormat.Code93,
    zxingcpp.BarcodeFormat.Codabar,
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
    zxingcpp.BarcodeFormat.ITF,
    zxingcpp.BarcodeFormat.DataBar,
    zxingcpp.BarcodeFormat.DataBarExp,
]
_ALL_CODES = _2D_CODES + _LINEAR_CODES


def _codes(page, image, segments, rotate: int = 0) -> list[Code]:
    """Every 2-D code and barcode zxing-cpp finds on a rendering, decoded or not."""
    out = []
    w, h = image.size
    # without zxing's downscaled second look: pages are rendered at a resolution codes read
    # at, and it makes reading barcodes too almost free
    found = zxingcpp.read_barcodes(
        image, formats=_ALL_CODES, return_errors=True, try_downscale=False
    )
    for bc in found:
        if not bc.valid and bc.format in _LINEAR_CODES:
            continue  # half a barcode is mostly text or rules
        pos = bc.position
        corners = [
            _to_page(page, w, h, p.x, p.y, rotate)
            for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)
        ]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        bbox = (min(xs), min(ys), max(xs), max(ys))
        error = "" if bc.valid else str(bc.error) or "it does not decode"
        out.append(Code(_name(bc.format), bc.text, bbox, label_under(segments, bbox), error))
    return out


SMALL_CODE_MM = 8.0  # pictures and fine patterns up to this size are read again, closer
SMALL_CODE_PX = 300  # pixels across such a region is rendered at (at most 2400 dpi)


def _page_objects(pg, limit: int):
    """(paint order, object, type) of every object of the page, at most `limit`, form
    XObjects walked into (within the depth limit) where they are painted."""
    n = 0
    stack = [(pg.raw, 0, False, 0)]  # (holder, next child, is a form, depth)
    while stack and n < limit:
        holder, k, form, depth = stack.pop()
        count = (
            pdfium_c.FPDFFormObj_CountObjects(holder)
            if form
            else pdfium_c.FPDFPage_CountObjects(holder)
        )
        if k >= count:
            continue
        obj = (
            pdfium_c.FPDFFormObj_GetObject(holder, k)
            if form
            else pdfium_c.FPDFPage_GetObject(holder, k)
        )
        stack.append((holder, k + 1, form, depth))
        n += 1
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < LIMITS.max_depth:
            stack.append((obj, 0, True, depth + 1))
        yield n, obj, kind


def _small_regions(pg, limit: int = 20_000) -> list[tuple[tuple, bool]]:
    """Pictures and dense vector patterns (many sub-paths) of 0.8 to 8 mm on a side, about
    square: where a code too small for the page's rendering may be. (bounds, dense path)"""
    found = []
    tiny: list[tuple] = []
    lo, hi = 0.8 * PT_PER_MM, SMALL_CODE_MM * PT_PER_MM
    for _, obj, kind in _page_objects(pg, limit):
        if kind not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH):
            continue
        b = _bounds(obj)
        bw, bh = b[2] - b[0], b[3] - b[1]
        if 0 < bw < lo and 0 < bh < lo and len(tiny) < limit:
            tiny.append(b)  # a module of a code drawn one shape at a time, maybe
            continue
        if not (lo <= bw <= hi and lo <= bh <= hi and 0.6 <= bw / bh <= 1.6):
            continue
        dense = False
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if pdfium_c.FPDFPath_CountSegments(obj) < 60:
                continue
            dense = True
        found.append((b, dense))
    for box in _clusters(tiny, 0.5 * PT_PER_MM):
        bw, bh = box[2] - box[0], box[3] - box[1]
        if lo <= bw <= hi and lo <= bh <= hi and 0.6 <= bw / bh <= 1.6:
            found.append((box, True))
    return found[:50]


def _clusters(boxes: list[tuple], cell: float, least: int = 20) -> list[tuple]:
    """Bounds of the groups of at least `least` small shapes that touch or nearly touch (on
    a grid of `cell`), in time linear in their number."""
    if len(boxes) < least:
        return []
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid: dict[tuple[int, int], int] = {}
    for i, b in enumerate(boxes):
        for gx in range(int(b[0] // cell) - 1, int(b[2] // cell) + 2):
            for gy in range(int(b[1] // cell) - 1, int(b[3] // cell) + 2):
                j = grid.setdefault((gx, gy), i)
                if j != i:
                    parent[root(i)] = root(j)
    groups: dict[int, list[tuple]] = {}
    for i, b in enumerate(boxes):
        groups.setdefault(root(i), []).append(b)
    return [_union(g) for g in groups.values() if len(g) >= least]


def _render_region(pg, box, scale: float, rotate: int = 0, **options):
    """A region of the page (PDF coordinates) rendered alone at `scale`, turned `rotate`
    quarter turns further: its place on a rendering of the whole page (rotation and CropBox
    offset included), cut out by pdfium's crop. None when it is off the page."""
    pw, ph = pg.get_size()
    if rotate % 2:
        pw, ph = ph, pw
    big_w, big_h = round(pw * scale), round(ph * scale)
    corners = [
        _to_device(pg, big_w, big_h, x, y, rotate)
        for x in (box[0], box[2])
        for y in (box[1], box[3])
    ]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    crop = (
        max(0.0, min(xs) / scale),
        max(0.0, (big_h - max(ys)) / scale),
        max(0.0, (big_w - max(xs)) / scale),
        max(0.0, min(ys) / scale),
    )
    if crop[0] + crop[2] >= pw or crop[1] + crop[3] >= ph:
        return None
    try:
        return pg.render(
            scale=scale, crop=crop, grayscale=True, rotation=rotate * 90, **options
        ).to_pil()
    except Exception:  # noqa: BLE001 -- a region pdfium will not render is not read
        return None


def _small_codes(pg, segments, budget_px: int) -> list[Code]:
    """Each small region rendered alone at a resolution at which a code in it decodes; a
    dense pattern or a code-like region that does not decode is a code that cannot be read."""
    out = []
    pw, ph = pg.get_size()
    for b, dense in _small_regions(pg):
        pad = 1.0 * PT_PER_MM
        side = max(b[2] - b[0], b[3] - b[1]) + 2 * pad
        scale = min(SMALL_CODE_PX / side, 2400 / 72)
        if (side * scale) ** 2 > budget_px:
            continue
        image = _render_region(pg, (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad), scale)
        if image is None:
            continue
        found = [bc for bc in zxingcpp.read_barcodes(image, formats=_2D_CODES, return_errors=True)]
        label = label_under(segments, b)
        for bc in found:
            error = "" if bc.valid else str(bc.error) or "it does not decode"
            out.append(Code(_name(bc.format), bc.text, b, label, error, small=True))
        if not any(bc.valid for bc in found) and (dense or found):
            out.append(
                Code("QR Code", "", b, label, "a fine square pattern that does not decode", True)
            )
    return out


def _inside(box, area) -> bool:
    """Wholly inside the visible area (a line that runs past its edge is not all seen)."""
    if area is None:
        return True
    return (
        area[0] - 1 <= box[0]
        and box[2] <= area[2] + 1
        and area[1] - 1 <= box[1]
        and box[3] <= area[3] + 1
    )


def _visible_area(crop, trim):
    """What a reader of the print sees: the CropBox, cut at the TrimBox."""
    boxes = [b for b in (crop, trim) if b is not None]
    if not boxes:
        return None
    return (
        max(b[0] for b in boxes),
        max(b[1] for b in boxes),
        min(b[2] for b in boxes),
        min(b[3] for b in boxes),
    )


# ----------------------------------------------------------------------------- visibility

_INVISIBLE_MODES = {3: "invisible text (render mode 3)", 7: "a clipping path only (render mode 7)"}
MIN_TEXT_PT = 3.0  # a number or link printed smaller than this (its letters' height) is unread
INK_LEVEL = 48  # grey levels between ink and its background
MAX_CHECKED = 4000  # characters of numbers and links checked for ink on one page
MAX_OCR_LINES = 200  # --deep: lines with a number or link read by OCR one by one, a page


@dataclass
class _Glyphs:
    """The characters of one printed number or link, as pdfium draws them."""

    text: str
    tight: list[tuple[float, float, float, float]]  # each glyph's own box
    loose: list[tuple[float, float, float, float]]  # each character's advance box
    modes: list[int]  # text render modes
    objects: list[int]  # the address of each character's text object
    line: bool = False  # a whole line with no number or link in it


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _glyphs_of_numbers_and_links(tp, segments) -> list[_Glyphs]:
    """The glyphs of every run of three or more digits and every link printed, for the ink
    checks (bounded by MAX_CHECKED characters a page)."""
    out: list[_Glyphs] = []
    budget = MAX_CHECKED
    for text, _, idx in segments:
        spans = [(r.start, r.end) for r in phones.digit_runs(text) if len(r.digits) >= 3]
        if "." in text:
            spans += [(lk.start, lk.end) for lk in links.find_links(text)]
        line = not spans
        if line and sum(c.isalnum() for c in text) < 3:
            continue  # a dash or a bullet alone: too little ink to judge
        for a, b in spans or [(0, len(text))]:
            chars = [i for i, c in zip(idx[a:b], text[a:b]) if i is not None and c.strip()]
            if not chars or budget < len(chars):
                continue
            budget -= len(chars)
            g = _Glyphs(text[a:b], [], [], [], [], line)
            known = _chars(tp)
            for i in chars:
                g.tight.append(tp.get_charbox(i))
                g.loose.append(known[i][1])
                obj = pdfium_c.FPDFText_GetTextObject(tp.raw, i)
                g.modes.append(pdfium_c.FPDFTextObj_GetTextRenderMode(obj) if obj else -1)
                g.objects.append(_address(obj))
            out.append(g)
    return out


def _bounds(obj) -> tuple[float, float, float, float]:
    v = [ctypes.c_float() for _ in range(4)]
    pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(x) for x in v))
    return (v[0].value, v[1].value, v[2].value, v[3].value)


def _painted(pg, limit: int = 50_000) -> tuple[dict[int, int], list[tuple[int, tuple]]]:
    """Paint order of the page's objects (forms walked into): the order of each text object
    (by address), and (order, bounds) of each picture, path or shading."""
    texts: dict[int, int] = {}
    others: list[tuple[int, tuple]] = []
    for n, obj, kind in _page_objects(pg, limit):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            texts[_address(obj)] = n
        elif kind in (
            pdfium_c.FPDF_PAGEOBJ_PATH,
            pdfium_c.FPDF_PAGEOBJ_IMAGE,
            pdfium_c.FPDF_PAGEOBJ_SHADING,
        ):
            others.append((n, _bounds(obj)))
    return texts, others


def _union(boxes):
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def _ink(pg, image, box) -> float | None:
    """The share of a box's pixels that differ from its background by INK_LEVEL or more,
    on the page's rendering; None when the box is under a pixel."""
    w, h = image.size
    corners = [_to_device(pg, w, h, x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    x0, y0, x1, y1 = max(0, min(xs)), max(0, min(ys)), min(w, max(xs) + 1), min(h, max(ys) + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    hist = image.crop((x0, y0, x1, y1)).histogram()[:256]
    total = sum(hist)
    acc, median = 0, 0
    for v, c in enumerate(hist):
        acc += c
        if acc * 2 >= total:
            median = v
            break
    ink = sum(hist[: max(median - INK_LEVEL + 1, 0)]) + sum(hist[median + INK_LEVEL :])
    return ink / total


def _unseen(pg, image, glyphs: list[_Glyphs], limits: Limits) -> list[tuple[str, str]]:
    """Numbers and links the text layer has that a reader of the page cannot see: invisible
    text, letters too small or squeezed to read, no ink where they stand (covered, the
    colour of the background, clipped away), or a picture or shape painted over them."""
    out = []
    painted = None
    for g in glyphs:
        shown = [m for m in g.modes if m not in _INVISIBLE_MODES]
        if not shown:
            out.append((g.text, f"it is {_INVISIBLE_MODES[g.modes[0]]}"))
            continue
        heights = sorted(b[3] - b[1] for b in g.loose)
        height = heights[len(heights) // 2]
        if g.line:
            # a line of words: only whether it shows at all (a font broken so that it draws
            # nothing, text covered or the colour of its background)
            drawn = [b for b in g.tight if b[2] > b[0] and b[3] - b[1] >= 0.1 * height]
            ink = _ink(pg, image, _union(drawn)) if drawn else 0.0
            if height >= MIN_TEXT_PT and ink is not None and ink < 0.02:
                out.append((g.text, "line"))
            continue
        if height < MIN_TEXT_PT:
            out.append((g.text, f"its letters are {height:.1f} pt high, too small to read"))
            continue
        widths = sum(max(b[2] - b[0], 0.0) for b in g.loose)
        if widths < 0.15 * height * len(g.loose):
            out.append((g.text, "its letters are squeezed to a sliver (horizontal scaling)"))
            continue
        drawn = [b for b in g.tight if b[2] > b[0] and b[3] - b[1] >= 0.1 * height]
        if not drawn:
            out.append((g.text, "its font draws nothing for its letters (empty glyphs)"))
            continue
        box = _union(drawn)
        ink = _ink(pg, image, box)
        if ink is not None and ink < 0.04:
            out.append(
                (
                    g.text,
                    "no ink shows where it stands (covered, the colour of its background, "
                    "or clipped away)",
                )
            )
            continue
        if painted is None:
            painted = _painted(pg)
        texts, others = painted
        order = max((texts.get(a, 0) for a in g.objects), default=0)
        area = max((box[2] - box[0]) * (box[3] - box[1]), 1e-6)
        if order and any(n > order and _overlap(b, box) >= 0.3 * area for n, b in others):
            out.append((g.text, "a picture or shape is painted over it: what shows may be another"))
    return out


def _read_page(i: int, pg, pk_page, limits: Limits, deep: bool = False) -> PageRead:
    w, h = pg.get_size()
    crop = _box(pk_page.obj, "/CropBox")
    trim = _box(pk_page.obj, "/TrimBox")
    bleed = _box(pk_page.obj, "/BleedBox")
    page = PageRead(i + 1, "", "", [], w, h, trim, bleed, crop, _box(pk_page.obj, "/MediaBox"))
    for subtype, rect, kind, target, said in _annotations(pk_page.obj):
        page.annotations.append(Annotation(subtype, rect, kind, target, "", said))
    page.actions = _additional(pk_page.obj.get("/AA"))
    try:
        page.user_unit = float(pk_page.obj.get("/UserUnit", 1.0))
    except (TypeError, ValueError, pikepdf.PdfError):
        page.user_unit = 0.0
    if max(w, h) / PT_PER_MM > limits.max_side_mm:
        page.too_big = (
            f"the page is {w / PT_PER_MM:.0f} x {h / PT_PER_MM:.0f} mm, larger than verify reads "
            f"({limits.max_side_mm:g} mm)"
        )
        return page
    tp = pg.get_textpage()
    try:
        if tp.count_chars() > limits.max_chars:
            page.too_big = (
                f"the page has {tp.count_chars()} characters of text, more than verify reads "
                f"({limits.max_chars})"
            )
            return page
        page.text = join_wrapped_links(tp.get_text_range())
        segments = _segments(tp)
        letters = _letters(tp) if page.annotations else []
        for k, a in enumerate(page.annotations):
            page.annotations[k] = Annotation(
                a.subtype, a.rect, a.action, a.target, _text_under(letters, a.rect), a.contents
            )
        area = _visible_area(crop, trim)
        shown3 = [seg for seg in segments if _inside(seg[1], area)]
        glyphs = _glyphs_of_numbers_and_links(tp, shown3)
    finally:
        tp.close()
    shown = [(t, b) for t, b, _ in shown3]
    page.hidden = "\n".join(t for t, b, _ in segments if not _inside(b, area))
    page.segments = [(re.sub(r"\)([0-9][0-9 -]*)\(", r"(\1)", t), b) for t, b in shown]
    seen = "\n".join(t for t, _ in shown)
    # pdfium mirrors the brackets of a number's gloss when the line is right to left
    page.seen = re.sub(r"\)([0-9][0-9 -]*)\(", r"(\1)", seen)
    dpi = _dpi(w, h)
    budget = (limits.max_pixels / max(w * h / 72 / 72, 1e-6)) ** 0.5
    if budget < min(dpi, 150):
        page.too_big = (
            f"rendering the page at {min(dpi, 150):g} dpi needs more than "
            f"{limits.max_pixels} pixels"
        )
        return page
    scale = min(dpi, budget) / 72
    image = pg.render(scale=scale, grayscale=True).to_pil()
    page.qr = _codes(pg, image, shown)
    for code in _small_codes(pg, shown, limits.max_pixels):
        if code.error and any(_same_place(code, k) and not k.error for k in page.qr):
            continue  # a picture inside a code the page's rendering read
        if not any(_same_place(code, k) and not k.error for k in page.qr):
            page.qr.append(code)
    if glyphs:
        unseen = _unseen(pg, image, glyphs, limits)
        page.unseen = [(t, why) for t, why in unseen if why != "line"]
        page.blank_lines = [t for t, why in unseen if why == "line"]
    if deep:
        _read_deep(pg, page, shown, budget, limits)
    return page


def _read_deep(pg, page: PageRead, shown, budget: float, limits: Limits) -> None:
    """--deep: the print rendering at a higher resolution, read with OCR, and searched again
    for codes too small for the first rendering."""
    from .ocr import read_image  # imported here to keep start-up fast: only --deep needs it

    small = page.width * page.height / 72 / 72 < 40
    dpi = min(limits.deep_dpi if small else 250.0, budget)
    turn = (360 - pg.get_rotation()) % 360  # read upright, as a reader turns the page
    image = pg.render(scale=dpi / 72, grayscale=True, optimize_mode="print", rotation=turn).to_pil()
    page.printed = read_image(image)
    w, h = image.size
    q = turn // 90
    lines = 0
    heights = sorted(b[3] - b[1] for _, b in page.segments)
    line_height = heights[len(heights) // 2] if heights else 0.0
    for k, (text, box) in enumerate(page.segments):
        if not any(c.isdigit() for c in text) and "." not in text:
            continue
        if not phones.find_numbers(phones.as_dialled(text), 3) and not links.find_links(text):
            continue
        lines += 1
        if lines > MAX_OCR_LINES:
            break  # the rest is read in the page's own OCR
        corners = [
            _to_device(pg, w, h, x, y, q)
            for x in (box[0] - 2, box[2] + 2)
            for y in (box[1] - 2, box[3] + 2)
        ]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        crop = (max(0, min(xs)), max(0, min(ys)), min(w, max(xs)), min(h, max(ys)))
        if crop[2] - crop[0] > 4 and crop[3] - crop[1] > 4:
            # a link joined back from two lines spans both: read as a block
            n = max(1, round((box[3] - box[1]) / line_height)) if line_height else 1
            line = image.crop(crop)
            if dpi < limits.deep_dpi:  # small print on a large page: this line alone, closer
                region = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
                line = (
                    _render_region(pg, region, limits.deep_dpi / 72, q, optimize_mode="print")
                    or line
                )
            page.printed_lines[k] = read_image(line, line=True, lines=min(n, 4))
    for code in _codes(pg, image, shown, q):
        if not any(_same_place(code, known) for known in page.qr):
            page.qr.append(code)
        elif code.error == "":
            page.qr = [code if _same_place(code, k) and k.error else k for k in page.qr]


def _same_place(a: Code, b: Code) -> bool:
    cx, cy = (a.bbox[0] + a.bbox[2]) / 2, (a.bbox[1] + a.bbox[3]) / 2
    return b.bbox[0] - 2 <= cx <= b.bbox[2] + 2 and b.bbox[1] - 2 <= cy <= b.bbox[3] + 2


def read_pdf(path: Path, limits: Limits = LIMITS, deep: bool = False) -> PDFRead:
    """Everything the rules look at (with `deep`, also what OCR reads on each print
    rendering). Raises Unreadable for a file that is not a readable PDF or is beyond the
    limits."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise Unreadable(f"is {size // 2**20} MB, larger than verify reads")
        data = path.read_bytes()
    except OSError as e:
        raise Unreadable(f"cannot be read ({e.strerror or e})") from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise Unreadable("is not a PDF (it does not start with %PDF-)")
    try:
        pk = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Unreadable("is protected by a password: verify cannot read it") from None
    except Exception as e:  # noqa: BLE001 -- a damaged file is a finding, never a traceback
        raise Unreadable(f"cannot be read as a PDF ({type(e).__name__}: {e})") from None
    with pk:
        if len(pk.objects) > limits.max_objects:
            raise Unreadable(f"has {len(pk.objects)} objects, more than verify reads")
        n_pages = len(pk.pages)
        if n_pages == 0:
            raise Unreadable("has no pages")
        if n_pages > limits.max_pages:
            raise Unreadable(f"has {n_pages} pages, more than verify reads ({limits.max_pages})")
        try:
            pdf = pdfium.PdfDocument(data)
        except Exception as e:  # noqa: BLE001 -- pdfium refuses what it cannot read
            raise Unreadable(f"cannot be read as a PDF ({type(e).__name__}: {e})") from None
        try:
            if n_pages != len(pdf):
                raise Unreadable("pikepdf and pdfium disagree on the page count: it is damaged")
            info = {}
            for k, v in pk.docinfo.items() if isinstance(pk.docinfo, pikepdf.Dictionary) else []:
                try:
                    info[str(k).lstrip("/")] = str(v)
                except (ValueError, TypeError, pikepdf.PdfError):
                    continue
            lang = pk.Root.get("/Lang")
            layers = "/OCProperties" in pk.Root
            pages = []
            for i in range(n_pages):
                drawn = content_bytes(pk.pages[i], limits)
                if drawn > limits.max_content_bytes:
                    raise Unreadable(
                        f"page {i + 1} holds more than {limits.max_content_bytes // 2**20} MB of "
                        "drawing instructions, more than verify reads (a page of leaflets "
                        "holds well under 1 MB)"
                    )
                pg = pdf[i]
                try:
                    page = _read_page(i, pg, pk.pages[i], limits, deep)
                    if layers and not page.too_big:
                        page.layers_differ = _layers_differ(pg, page)
                finally:
                    pg.close()
                pages.append(page)
            doc = PDFRead(
                path,
                pages,
                str(lang) if lang is not None else None,
                info,
                _fonts(pk),
                actions=_document_actions(pk),
                fonts_used=_fonts_used(pk),
                encrypted=pk.is_encrypted,
                loops=_form_loops(pk),
                hidden_layers=_hidden_layers(pk),
            )
        finally:
            pdf.close()
    keywords = info.get("Keywords", "")
    pairs = re.findall(r"(\w+)=(\S+)", keywords) if "leaflets" in keywords else []
    doc.meta = dict(pairs)
    doc.conflicting = sorted({k for k, v in pairs if doc.meta[k] != v})
    return doc


def content_bytes(page, limits: Limits = LIMITS) -> int:
    """The decoded size of everything a page draws: its content streams, and the form
    XObjects, patterns and annotation appearances they use, each counted once; it stops
    counting past the limit (a small file can inflate to gigabytes)."""
    total, seen = 0, set()
    todo = [(page.obj, 0)]
    while todo and total <= limits.max_content_bytes:
        obj, depth = todo.pop()
        if depth > limits.max_depth:
            continue
        try:
            key = obj.objgen if obj.is_indirect else None
            if key in seen:
                continue
            if key is not None:
                seen.add(key)
            if isinstance(obj, pikepdf.Stream):
                total += len(obj.read_bytes())
            if isinstance(obj, pikepdf.Array):
                todo += [(x, depth + 1) for x in obj]
                continue
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            for name in ("/Contents", "/Resources", "/XObject", "/Pattern", "/Annots", "/AP"):
                if name in obj:
                    child = obj[name]
                    if isinstance(child, pikepdf.Dictionary) and name in (
                        "/Resources",
                        "/XObject",
                        "/Pattern",
                        "/AP",
                    ):
                        todo += [(v, depth + 1) for _, v in child.items()]
                    else:
                        todo.append((child, depth + 1))
        except (pikepdf.PdfError, ValueError, TypeError, AttributeError):
            continue
    return total


def _layers_differ(pg, page: PageRead) -> bool:
    """Optional content (layers) can make a page print other than it shows: compare the view
    and print renderings."""
    scale = min(_dpi(page.width, page.height), 100) / 72
    view = pg.render(scale=scale, grayscale=True).to_pil()
    printed = pg.render(scale=scale, grayscale=True, optimize_mode="print").to_pil()
    return view.tobytes() != printed.tobytes()


# ----------------------------------------------------------------------------- segments


def _chars(tp) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every character of a text page by index, with its loose box (its advance), read from
    pdfium once for the page's several readers (each call crosses into pdfium)."""
    known = getattr(tp, "_leaflets_chars", None)
    if known is None:
        # by index: the whole-page string can differ in length
        known = [
            (tp.get_text_range(i, 1), tp.get_charbox(i, loose=True))
            for i in range(tp.count_chars())
        ]
        tp._leaflets_chars = known
    return known


def _letters(tp) -> list[tuple[float, float, str]]:
    """Every letter of the page with the middle of its box: (x, y, letter)."""
    return [
        ((bx0 + bx1) / 2, (by0 + by1) / 2, "-" if ch == "\ufffe" else ch)
        for ch, (bx0, by0, bx1, by1) in _chars(tp)
    ]


def _text_under(letters: list[tuple[float, float, str]], rect) -> str:
    """The letters whose middle lies inside `rect`, read as a person reads them: line by line
    from the top, each line left to right (pdfium's logical order reverses a number's digit
    groups inside a right-to-left line, so a link there would seem to sit over other text)."""
    x0, y0, x1, y1 = rect
    if not (x1 > x0 and y1 > y0):
        return ""
    rows: dict[int, list] = {}
    for cx, cy, ch in letters:
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            row = -round(cy)
            key = next((r for r in rows if abs(r - row) <= 2), row)
            rows.setdefault(key, []).append((cx, ch))
    return "\n".join("".join(c for _, c in sorted(rows[r])) for r in sorted(rows))


def _segments(tp) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The page's text read by eye: letters grouped into rows by height on the page, each row
    read left to right and cut into segments where a gap is wider than a column gap.

    This is how a reader sees numbers and links: left to right, whatever the language.
    pdfium's own logical order is good for running text but unreliable for left-to-right runs
    inside right-to-left lines (it reverses a number's digit groups), so numbers, links
    and labels are read from these segments. A link broken over two lines (the second part
    starts with '/') is joined back to the segment above it. Time grows as n log n.
    """
    lines: list[list] = [[]]
    turned: list[tuple[float, list]] = []  # text at an angle: (angle, letters in pdfium's order)
    turned_last = False
    for i, (ch, box) in enumerate(_chars(tp)):
        if ch in "\r\n":
            if lines[-1]:
                lines.append([])
            continue
        angle = pdfium_c.FPDFText_GetCharAngle(tp.raw, i)
        if not ch.strip() and turned_last:
            turned[-1][1].append((" ", None, None))
            continue
        turned_last = 0.02 < angle % (2 * math.pi) < 2 * math.pi - 0.02
        if turned_last:
            if not turned or abs(turned[-1][0] - angle) > 0.02:
                turned.append((angle, []))
            turned[-1][1].append((ch, box, i))
            continue
        if ch in links.INVISIBLE and lines[-1]:
            # no width and no box of its own: it stays with the letter it follows
            lines[-1][-1] = (lines[-1][-1][0] + ch, *lines[-1][-1][1:])
            continue
        if not ch.strip():
            continue
        # box: the advance (neighbouring letters touch)
        if box[3] - box[1] <= 0 or box[2] - box[0] < 0:
            # no box (text given by /ActualText in a form): it goes with the letter before
            if lines[-1]:
                lines[-1][-1] = (lines[-1][-1][0] + ch, *lines[-1][-1][1:])
            continue
        if lines[-1]:
            last = lines[-1][-1][1]
            if abs((last[1] + last[3]) - (box[1] + box[3])) / 2 > 0.5 * max(
                last[3] - last[1], box[3] - box[1]
            ):
                lines.append([])  # pdfium joined two printed lines (after a hyphen)
        lines[-1].append(("-" if ch == "\ufffe" else ch, box, i))
    out = []
    for items in lines:
        # pdfium's lines keep one baseline; read each left to right and cut it where the gap
        # is a column's (pdfium joins the labels of codes side by side into one line)
        items.sort(key=lambda cb: cb[1][0])
        current: list = []
        for ch, box, idx in items:
            if current:
                prev = current[-1][1]
                gap = box[0] - prev[2]
                height = min(box[3] - box[1], prev[3] - prev[1])  # the smaller letter's size
                if gap > max(2 * PT_PER_MM, 1.0 * height):  # another column
                    out.append(_segment(current))
                    current = []
                elif gap > 0.1 * height:  # a word space (the loose box is about 1.2 em)
                    current.append((" ", None, None))
            current.append((ch, box, idx))
        if current:
            out.append(_segment(current))
    for _, items in turned:
        out += [_segment(block) for block in _spaced(items) if any(b for _, b, _ in block)]
    return _join_continued_links(_merge_neighbours(out))


def _spaced(items: list) -> list[list]:
    """Text at an angle cut into blocks (where the next letter is far away), with pdfium's own
    spaces, and a space added where the step from one letter to the next is clearly longer
    than the usual step."""
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for _, b, _ in items if b is not None]
    steps = sorted(math.dist(a, b) for a, b in zip(centres, centres[1:]))
    usual = steps[len(steps) // 2] if steps else 0.0
    blocks: list[list] = [[]]
    last = None
    for ch, box, idx in items:
        out = blocks[-1]
        if box is None:
            if out and out[-1][0] != " ":
                out.append((" ", None, None))
            continue
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        step = math.dist(last, centre) if last is not None else 0.0
        if usual and step > 6 * usual:
            blocks.append([])
        elif usual and step > 1.8 * usual and out and out[-1][0] != " ":
            out.append((" ", None, None))
        blocks[-1].append((ch, box, idx))
        last = centre
    return blocks


def _cy(box) -> float:
    return (box[1] + box[3]) / 2


def _merge_neighbours(segments):
    """Segments on one baseline that nearly touch are one piece of text (pdfium sometimes
    cuts a printed line where one text object ends and the next begins)."""
    rows: list[list] = []
    for seg in sorted(segments, key=lambda tb: _cy(tb[1])):
        h = seg[1][3] - seg[1][1]
        if rows:
            ref = rows[-1][0][1]
            if abs(_cy(ref) - _cy(seg[1])) <= 0.3 * min(h, ref[3] - ref[1]):
                rows[-1].append(seg)
                continue
        rows.append([seg])
    out = []
    for row in rows:
        row.sort(key=lambda tb: tb[1][0])
        text, box, idx = row[0]
        for ntext, nbox, nidx in row[1:]:
            h = min(box[3] - box[1], nbox[3] - nbox[1])
            gap = nbox[0] - box[2]
            if -0.5 <= gap <= max(2 * PT_PER_MM, 1.0 * h):
                space = gap > 0.1 * h
                text += (" " if space else "") + ntext
                idx = idx + ([None] if space else []) + nidx
                box = (box[0], min(box[1], nbox[1]), max(box[2], nbox[2]), max(box[3], nbox[3]))
            else:
                out.append((text, box, idx))
                text, box, idx = ntext, nbox, nidx
        out.append((text, box, idx))
    return sorted(out, key=lambda tb: (-tb[1][3], tb[1][0]))


def _segment(items):
    """(text, box, the pdfium index of each character of the text or None)."""
    boxes = [b for _, b, _ in items if b is not None]
    return (
        "".join(c for c, _, _ in items),
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ),
        [i if k == 0 else None for c, _, i in items for k in range(len(c))],
    )


def _join_continued_links(segments, passes: int = 3):
    """A link broken over lines is joined back: leaflets breaks a link before a '/' or after
    a '-'. A segment whose last word is a link ending in '-' continues with the nearest
    segment below it; a segment that starts with '/' continues the nearest one above. Only
    the segments within three lines are looked at, so time stays n log n."""
    out = list(segments)

    def overlaps(a, b) -> bool:
        return a[0] < b[2] and a[2] > b[0]

    def lower(a, b) -> bool:  # a's line is under b's (loose boxes of two lines may touch)
        return _cy(a) < _cy(b) - 0.5 * (b[3] - b[1])

    for _ in range(passes):
        order = sorted(range(len(out)), key=lambda k: _cy(out[k][1]))
        ys = [_cy(out[k][1]) for k in order]

        def near(box, below: bool, order=order, ys=ys) -> list[int]:
            h = 3 * (box[3] - box[1])
            lo, hi = (_cy(box) - h, _cy(box)) if below else (_cy(box), _cy(box) + h)
            return order[bisect.bisect_left(ys, lo) : bisect.bisect_right(ys, hi)]

        changed = False
        for j in range(len(out)):
            text, box, idx = out[j]
            last = text.split(" ")[-1] if text else ""
            if not (last.endswith("-") and "/" in last and "." in last):
                continue
            below = [
                (i, out[i][1])
                for i in near(box, True)
                if i != j and out[i][0] and lower(out[i][1], box) and overlaps(out[i][1], box)
            ]
            if below:
                i, b = max(below, key=lambda ib: ib[1][3])
                out[j] = (
                    text + out[i][0],
                    (min(box[0], b[0]), b[1], max(box[2], b[2]), box[3]),
                    idx + out[i][2],
                )
                out[i] = ("", b, [])
                changed = True
        for i in range(len(out)):
            text, box, idx = out[i]
            if not text.startswith("/"):
                continue
            above = [
                (j, out[j][1])
                for j in near(box, False)
                if j != i
                and out[j][0]
                and lower(box, out[j][1])
                and overlaps(out[j][1], box)
                and "." in out[j][0].split(" ")[-1]
            ]
            if above:
                j, b = min(above, key=lambda jb: jb[1][1])
                out[j] = (
                    out[j][0] + text,
                    (min(box[0], b[0]), box[1], max(box[2], b[2]), b[3]),
                    out[j][2] + idx,
                )
                out[i] = ("", box, [])
                changed = True
        if not changed:
            break
    return [seg for seg in out if seg[0]]


def label_under(segments, bbox) -> str:
    """The text just under a QR code: the code's label. A segment belongs to the label when
    it spans the middle of the code, so another column of text or the label of a code beside
    it is not taken for it."""
    x0, y0, x1, _ = bbox
    centre, half = (x0 + x1) / 2, 0.2 * (x1 - x0)
    band = max(LABEL_BAND_MM * PT_PER_MM, 0.5 * (x1 - x0))  # labels grow with the code
    found = [
        (box[3], text)
        for text, box in segments
        if y0 - band <= (box[1] + box[3]) / 2 <= y0
        and box[0] <= centre + half
        and box[2] >= centre - half
    ]
    return " ".join(text for _, text in sorted(found, reverse=True))
