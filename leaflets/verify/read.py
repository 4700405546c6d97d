"""Reading a PDF as a stranger would: its text in logical order and as printed lines (pdfium),
its pages rendered and every QR code on them decoded (zxing-cpp), and its structure (pypdf:
boxes, fonts, /Lang, metadata). Imports no layout code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import zxingcpp

from ..paper import MM as PT_PER_MM
from ..sources import links

LABEL_BAND_MM = 12.0  # how far below a QR code its label is looked for


@dataclass(frozen=True)
class Finding:
    file: str
    page: int | None  # 1-based
    level: str  # "error" or "warning"
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:page {self.page}" if self.page else self.file
        return f"{where}: {self.level}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class QRCode:
    payload: str
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points (y up)
    label: str  # the text printed just below it


@dataclass
class PageRead:
    number: int
    text: str  # pdfium's logical order
    seen: str  # segments read left to right, one per line: numbers and links as printed
    qr: list[QRCode]
    width: float
    height: float
    trimbox: tuple[float, float, float, float] | None
    bleedbox: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class Expected:
    """What a file must be, from what verify was asked to check (the manifest it was built
    with), never from the file's own claim."""

    guide: str
    locale: str
    format: str
    paper: str
    review: str
    resources: tuple[str, ...]  # the registry entries the build recorded it printing


@dataclass
class PDFRead:
    path: Path
    pages: list[PageRead]
    lang: str | None
    info: dict[str, str]
    fonts: dict[str, bool]  # font name -> embedded
    meta: dict[str, str] = field(default_factory=dict)  # from leaflets' Keywords

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    expected: Expected | None = None


# ----------------------------------------------------------------------------- reading


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every *.pdf under each folder, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.pdf") if x.is_file())
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
    """Enough pixels for the smallest QR modules we print, not more (big pages cost time)."""
    area_in2 = width * height / 72 / 72
    return 300 if area_in2 < 40 else 200 if area_in2 < 150 else 150


def _box(page, name: str) -> tuple[float, float, float, float] | None:
    box = page.get(name)
    return tuple(float(v) for v in box) if box is not None else None


def _fonts(reader) -> dict[str, bool]:
    """Every font resource of every page (and form XObject) and whether its program is embedded."""
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                name = str(font.get("/BaseFont", "?"))
                desc_font = font
                if font.get("/Subtype") == "/Type0":
                    desc_font = font["/DescendantFonts"][0].get_object()
                desc = desc_font.get("/FontDescriptor")
                embedded = desc is not None and any(
                    k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if font.get("/Subtype") == "/Type3":
                    embedded = True
                found[name] = found.get(name, True) and embedded
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xo = ref.get_object()
                if xo.get("/Subtype") == "/Form":
                    visit(xo.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def _segments(tp) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The page's text read by eye: letters grouped into rows by height on the page, each row
    read left to right and cut into segments where a gap is wider than a column gap.

    This is how a reader sees numbers and links: left to right, whatever the language.
    pdfium's own logical order is good for running text but unreliable for left-to-right runs
    inside right-to-left lines (it reverses a number's digit groups), so numbers, links
    and labels are read from these segments. A link broken over two lines (the second part
    starts with '/') is joined back to the segment above it.
    """
    lines: list[list] = [[]]
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)  # by index: the whole-page string can differ in length
        if ch in "\r\n":
            if lines[-1]:
                lines.append([])
            continue
        if ch in links.INVISIBLE and lines[-1]:
            # no width and no box of its own: it stays with the letter it follows
            lines[-1][-1] = (lines[-1][-1][0] + ch, lines[-1][-1][1])
            continue
        if not ch.strip():
            continue
        box = tp.get_charbox(i, loose=True)  # the advance: neighbouring letters touch
        if box[3] - box[1] <= 0 or box[2] - box[0] < 0:
            # no box (text given by /ActualText in a form): it goes with the letter before
            if lines[-1]:
                lines[-1][-1] = (lines[-1][-1][0] + ch, lines[-1][-1][1])
            continue
        if lines[-1]:
            last = lines[-1][-1][1]
            if abs((last[1] + last[3]) - (box[1] + box[3])) / 2 > 0.5 * max(
                last[3] - last[1], box[3] - box[1]
            ):
                lines.append([])  # pdfium joined two printed lines (after a hyphen)
        lines[-1].append(("-" if ch == "\ufffe" else ch, box))
    out = []
    for items in lines:
        # pdfium's lines keep one baseline; read each left to right and cut it where the gap
        # is a column's (pdfium joins the labels of codes side by side into one line)
        items.sort(key=lambda cb: cb[1][0])
        current: list = []
        for ch, box in items:
            if current:
                prev = current[-1][1]
                gap = box[0] - prev[2]
                height = min(box[3] - box[1], prev[3] - prev[1])  # the smaller letter's size
                if gap > max(2 * PT_PER_MM, 1.0 * height):  # another column
                    out.append(_segment(current))
                    current = []
                elif gap > 0.1 * height:  # a word space (the loose box is about 1.2 em)
                    current.append((" ", None))
            current.append((ch, box))
        if current:
            out.append(_segment(current))
    return _join_continued_links(_merge_neighbours(out))


def _merge_neighbours(segments):
    """Segments on one baseline that nearly touch are one piece of text (pdfium sometimes
    cuts a printed line where one text object ends and the next begins)."""
    out = sorted(segments, key=lambda tb: tb[1][0])
    merged = True
    while merged:
        merged = False
        for a in range(len(out)):
            text, box = out[a]
            if not text:
                continue
            for b in range(len(out)):
                ntext, nbox = out[b]
                if b == a or not ntext:
                    continue
                h = min(box[3] - box[1], nbox[3] - nbox[1])
                gap = nbox[0] - box[2]
                if abs(
                    (box[1] + box[3]) - (nbox[1] + nbox[3])
                ) / 2 <= 0.3 * h and -0.5 <= gap <= max(2 * PT_PER_MM, 1.0 * h):
                    joiner = " " if gap > 0.1 * h else ""
                    out[a] = (
                        text + joiner + ntext,
                        (box[0], min(box[1], nbox[1]), nbox[2], max(box[3], nbox[3])),
                    )
                    out[b] = ("", nbox)
                    text, box = out[a]
                    merged = True
    return sorted(((t, b) for t, b in out if t), key=lambda tb: (-tb[1][3], tb[1][0]))


def _segment(items) -> tuple[str, tuple[float, float, float, float]]:
    boxes = [b for _, b in items if b is not None]
    return (
        "".join(c for c, _ in items),
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ),
    )


def _join_continued_links(segments):
    """A link broken over lines is joined back: leaflets breaks a link before a '/' or after
    a '-'. A segment whose last word is a link ending in '-' continues with the nearest
    segment below it; a segment that starts with '/' continues the nearest one above."""
    out = list(segments)

    def overlaps(a, b) -> bool:
        return a[0] < b[2] and a[2] > b[0]

    def lower(a, b) -> bool:  # a's line is under b's (loose boxes of two lines may touch)
        return (a[1] + a[3]) / 2 < (b[1] + b[3]) / 2 - 0.5 * (b[3] - b[1])

    changed = True
    while changed:
        changed = False
        for j, (text, box) in enumerate(out):
            last = text.split(" ")[-1] if text else ""
            if not (last.endswith("-") and "/" in last and "." in last):
                continue
            below = [
                (i, b)
                for i, (t, b) in enumerate(out)
                if i != j and t and lower(b, box) and overlaps(b, box)
            ]
            if below:
                i, b = max(below, key=lambda ib: ib[1][3])
                out[j] = (text + out[i][0], (min(box[0], b[0]), b[1], max(box[2], b[2]), box[3]))
                out[i] = ("", b)
                changed = True
        for i, (text, box) in enumerate(out):
            if not text.startswith("/"):
                continue
            above = [
                (j, b)
                for j, (t, b) in enumerate(out)
                if j != i and t and lower(box, b) and overlaps(b, box) and "." in t.split(" ")[-1]
            ]
            if above:
                j, b = min(above, key=lambda jb: jb[1][1])
                out[j] = (out[j][0] + text, (min(box[0], b[0]), box[1], max(box[2], b[2]), b[3]))
                out[i] = ("", box)
                changed = True
    return [(t, b) for t, b in out if t]


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


def read_pdf(path: Path) -> PDFRead:
    """Everything the rules look at. Raises ValueError for a file that is not a readable PDF."""
    data = path.read_bytes()
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValueError("is not a PDF (it does not start with %PDF-)")
    try:
        reader = pypdf.PdfReader(path, strict=False)
        n_pages = len(reader.pages)
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # a damaged file must be a finding, never a traceback
        raise ValueError(f"cannot be read as a PDF ({type(e).__name__}: {e})") from None
    if n_pages != len(pdf):
        raise ValueError("pypdf and pdfium disagree on the page count: the file is damaged")
    info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    root = reader.trailer["/Root"]
    lang = str(root["/Lang"]) if "/Lang" in root else None
    pages = []
    for i in range(n_pages):
        pg = pdf[i]
        tp = pg.get_textpage()
        text = join_wrapped_links(tp.get_text_range())
        segments = _segments(tp)
        w, h = pg.get_size()
        dpi = _dpi(w, h)
        scale = dpi / 72
        image = pg.render(scale=scale).to_pil()
        codes = []
        for bc in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            pos = bc.position
            xs = [
                p.x / scale
                for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)
            ]
            ys = [
                h - p.y / scale
                for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)
            ]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            codes.append(QRCode(bc.text, (x0, y0, x1, y1), label_under(segments, (x0, y0, x1, y1))))
        pypage = reader.pages[i]
        seen = "\n".join(t for t, _ in segments)
        # pdfium mirrors the brackets of a number's gloss when the line is right to left
        seen = re.sub(r"\)([0-9][0-9 -]*)\(", r"(\1)", seen)
        pages.append(
            PageRead(
                i + 1, text, seen, codes, w, h, _box(pypage, "/TrimBox"), _box(pypage, "/BleedBox")
            )
        )
        tp.close()
        pg.close()
    pdf.close()
    meta = (
        dict(re.findall(r"(\w+)=(\S+)", info.get("Keywords", "")))
        if "leaflets" in info.get("Keywords", "")
        else {}
    )
    return PDFRead(path, pages, lang, info, _fonts(reader), meta)
