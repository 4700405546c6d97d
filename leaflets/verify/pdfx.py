"""``verify --pdfx``: a PDF/X-4 preflight for a print shop's CMYK print, written here because no
free PDF/X validator runs offline.

It walks every content stream (pages, form XObjects, tiling patterns, annotation appearances,
Type 3 glyphs), every image and every resource, and lists each breach, one finding a line:

- colour: an RGB operator (``rg``, ``RG``), an RGB colour space set (``cs``/``CS``) or used by
  an image, inline image or shading (DeviceRGB, CalRGB, ICCBased with three components,
  Indexed, Separation or DeviceN over one of them), an RGB transparency group;
- small text (under 12 pt, as printed) in rich black: black to the eye, but in more than one
  plate (it blurs when the plates are a hair out of register);
- transparency PDF/X-4 does not allow: a blend mode outside PDF's standard ones, a transfer
  function or halftone in a graphics state, a soft mask or group blended in RGB;
- pages without a TrimBox or BleedBox, a BleedBox that does not hold the TrimBox;
- fonts not embedded;
- the output intent (``/S /GTS_PDFX``) missing, without an embedded CMYK profile
  (``/DestOutputProfile``), or the XMP without ``pdfxid:GTS_PDFXVersion`` PDF/X-4,
  ``pdf:Trapped``, ``xmp:CreateDate`` or ``xmp:ModifyDate``; ``/Trapped`` in the Info
  dictionary neither True nor False; an encrypted file.

"Black to the eye" is judged through the file's own output profile (L* under 20 and chroma
under 8, as build --pdfx decides what prints in K only), or, without a usable profile, as
any colour with at least 80 % K and another ink.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..files import xmp_namespaces
from .read import Finding

SMALL_TEXT_PT = 12.0
STANDARD_BLEND_MODES = {
    "/Normal",
    "/Compatible",
    "/Multiply",
    "/Screen",
    "/Overlay",
    "/Darken",
    "/Lighten",
    "/ColorDodge",
    "/ColorBurn",
    "/HardLight",
    "/SoftLight",
    "/Difference",
    "/Exclusion",
    "/Hue",
    "/Saturation",
    "/Color",
    "/Luminosity",
}
_RGB = {"/DeviceRGB", "/CalRGB", "/RGB"}  # /RGB: an inline image's abbreviation
NS = {p: xmp_namespaces()[p] for p in ("pdfxid", "pdf", "xmp")}
MAX_XMP = 4 * 1024 * 1024


def rgb_space(cs, resources=None, depth: int = 0) -> bool:
    """Whether a colour space (a name, maybe of a resource, or an array) is RGB or built on
    RGB."""
    if depth > 8 or cs is None:
        return False
    if isinstance(cs, Name):
        name = str(cs)
        if name in _RGB:
            return True
        named = (resources or {}).get("/ColorSpace", {}) if resources is not None else {}
        if isinstance(named, Dictionary) and name in named:
            return rgb_space(named[name], None, depth + 1)
        return False
    if isinstance(cs, Array) and len(cs):
        kind = str(cs[0])
        if kind in _RGB:
            return True
        if kind == "/ICCBased" and len(cs) > 1:
            try:
                return int(cs[1].get("/N", 0)) == 3
            except (TypeError, ValueError, AttributeError):
                return True  # cannot tell: fail closed
        if kind in ("/Indexed", "/I") and len(cs) > 1:
            return rgb_space(cs[1], resources, depth + 1)
        if kind in ("/Separation", "/DeviceN") and len(cs) > 2:
            return rgb_space(cs[2], resources, depth + 1)
        if kind == "/Pattern" and len(cs) > 1:
            return rgb_space(cs[1], resources, depth + 1)
    return False


class _Black:
    """Whether a CMYK colour looks black, through the output profile when one is usable."""

    def __init__(self, icc: bytes | None) -> None:
        self._t = None
        if icc:
            try:
                # imported here to keep start-up fast: only --pdfx needs colour maths
                from PIL import Image, ImageCms

                out = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                lab = ImageCms.createProfile("LAB")
                rel = ImageCms.Intent.RELATIVE_COLORIMETRIC
                self._t = ImageCms.buildTransform(out, lab, "CMYK", "LAB", rel)
                self._image, self._cms = Image, ImageCms
            except Exception:  # noqa: BLE001 -- an unusable profile is reported on its own
                self._t = None
        self._seen: dict[tuple, bool] = {}

    def __call__(self, cmyk: tuple[float, ...]) -> bool:
        key = tuple(round(v, 3) for v in cmyk)
        got = self._seen.get(key)
        if got is None:
            if self._t is not None:
                px = self._image.new("CMYK", (1, 1), tuple(round(v * 255) for v in key))
                L, a, b = self._cms.applyTransform(px, self._t).getpixel((0, 0))
                L, a, b = L * 100 / 255, a - 128, b - 128
                got = L < 20 and math.hypot(a, b) < 8
            else:  # no usable profile: 80 % K or more with another ink
                got = key[3] >= 0.8 and max(key[:3]) > 0
            self._seen[key] = got
        return got


def _num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _mul(a, b):
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


class Preflight:
    def __init__(self, path: Path, pdf: pikepdf.Pdf) -> None:
        self.path, self.pdf = str(path), pdf
        self.findings: list[Finding] = []
        self._said: set[tuple] = set()
        self._done: set[tuple] = set()
        self.black = _Black(None)

    def say(self, page: int | None, message: str) -> None:
        key = (page, message)
        if key not in self._said:
            self._said.add(key)
            self.findings.append(Finding(self.path, page, "error", "pdfx", message))

    # ---- document ---------------------------------------------------------------------
    def document(self) -> None:
        pdf = self.pdf
        if pdf.is_encrypted:
            self.say(None, "PDF/X: the file is encrypted")
        intents = [
            oi
            for oi in (pdf.Root.get("/OutputIntents") or [])
            if isinstance(oi, Dictionary) and oi.get("/S") == Name.GTS_PDFX
        ]
        if not intents:
            self.say(None, "PDF/X: no output intent (/OutputIntents with /S /GTS_PDFX)")
        else:
            oi = intents[0]
            if "/OutputConditionIdentifier" not in oi:
                self.say(None, "PDF/X: the output intent has no /OutputConditionIdentifier")
            prof = oi.get("/DestOutputProfile")
            if not isinstance(prof, pikepdf.Stream):
                self.say(None, "PDF/X: the output intent embeds no profile (/DestOutputProfile)")
            else:
                icc = b""
                try:
                    icc = prof.read_bytes()
                except pikepdf.PdfError:
                    self.say(None, "PDF/X: the output intent's profile cannot be read")
                if icc:
                    if icc[16:20] != b"CMYK" or int(prof.get("/N", 0)) != 4:
                        self.say(None, "PDF/X: the output intent's profile is not a CMYK profile")
                    else:
                        self.black = _Black(icc)
        info = pdf.trailer.get("/Info") or Dictionary()
        if str(info.get("/Trapped", "")) not in ("/True", "/False"):
            self.say(None, "PDF/X: /Trapped in the Info dictionary must be /True or /False")
        self.xmp()

    def xmp(self) -> None:
        meta = self.pdf.Root.get("/Metadata")
        if not isinstance(meta, pikepdf.Stream):
            self.say(None, "PDF/X: no XMP metadata (pdfxid:GTS_PDFXVersion)")
            return
        try:
            raw = meta.read_bytes()
            if len(raw) > MAX_XMP:
                raise ValueError
            root = ET.fromstring(raw.decode("utf-8").lstrip("\ufeff"))
        except (pikepdf.PdfError, ValueError, ET.ParseError, UnicodeDecodeError):
            self.say(None, "PDF/X: the XMP metadata cannot be read")
            return

        def value(prefix: str, name: str) -> str | None:
            tag = f"{{{NS[prefix]}}}{name}"
            for el in root.iter():
                if el.tag == tag:
                    return (el.text or "").strip()
                if tag in el.attrib:
                    return el.attrib[tag].strip()
            return None

        version = value("pdfxid", "GTS_PDFXVersion")
        if version is None:
            self.say(None, "PDF/X: the XMP has no pdfxid:GTS_PDFXVersion")
        elif not version.startswith("PDF/X-4"):
            self.say(None, f"PDF/X: the XMP says {version!r}, not PDF/X-4")
        if value("pdf", "Trapped") not in ("True", "False"):
            self.say(None, "PDF/X: the XMP has no pdf:Trapped True or False")
        for key in ("CreateDate", "ModifyDate"):
            if not value("xmp", key):
                self.say(None, f"PDF/X: the XMP has no xmp:{key}")

    # ---- pages ------------------------------------------------------------------------
    def pages(self) -> None:
        for n, page in enumerate(self.pdf.pages, 1):
            obj = page.obj
            self.boxes(n, obj)
            res = obj.get("/Resources")
            self.group(n, obj.get("/Group"), "the page's transparency group")
            self.stream(n, obj, res, "the page")
            for annot in obj.get("/Annots") or []:
                if not isinstance(annot, Dictionary):
                    continue
                for _, ap in (annot.get("/AP") or Dictionary()).items():
                    streams = ap.values() if isinstance(ap, Dictionary) else [ap]
                    for s in streams:
                        if isinstance(s, pikepdf.Stream):
                            self.stream(n, s, s.get("/Resources"), "an annotation's appearance")

    def boxes(self, n: int, obj) -> None:
        def box(key):
            b = obj.get(key)
            if b is None:
                return None
            try:
                x0, y0, x1, y1 = (float(v) for v in b)
            except (TypeError, ValueError):
                return None
            return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

        trim, bleed = box("/TrimBox"), box("/BleedBox")
        media = box("/MediaBox") or page_media(obj)
        if trim is None:
            self.say(n, "PDF/X: the page has no TrimBox")
        if bleed is None:
            self.say(n, "PDF/X: the page has no BleedBox")
        eps = 0.01
        if trim and bleed and not _holds(bleed, trim, eps):
            self.say(n, "PDF/X: the BleedBox does not contain the TrimBox")
        if trim and media and not _holds(media, trim, eps):
            self.say(n, "PDF/X: the TrimBox is not inside the MediaBox")

    def group(self, n: int, group, what: str) -> None:
        if isinstance(group, Dictionary) and rgb_space(group.get("/CS")):
            self.say(n, f"RGB: {what} blends in RGB (/CS {group.get('/CS')!s:.40})")

    def resources(self, n: int, res, what: str) -> None:
        """Fonts, images, shadings and graphics states of a resource dictionary (once each)."""
        if not isinstance(res, Dictionary):
            return
        for _, font in (res.get("/Font") or Dictionary()).items():
            self.font(n, font)
        for _, sh in (res.get("/Shading") or Dictionary()).items():
            if isinstance(sh, Dictionary | pikepdf.Stream) and rgb_space(sh.get("/ColorSpace")):
                self.say(n, f"RGB: a shading in {what} is in an RGB colour space")
        for _, pat in (res.get("/Pattern") or Dictionary()).items():
            if not isinstance(pat, Dictionary | pikepdf.Stream) or not self._first(pat):
                continue
            if int(pat.get("/PatternType", 0)) == 1 and isinstance(pat, pikepdf.Stream):
                self.stream(n, pat, pat.get("/Resources"), "a pattern")
            sh = pat.get("/Shading")
            if isinstance(sh, Dictionary | pikepdf.Stream) and rgb_space(sh.get("/ColorSpace")):
                self.say(n, "RGB: a shading pattern is in an RGB colour space")
        for _, gs in (res.get("/ExtGState") or Dictionary()).items():
            self.graphics_state(n, gs)
        for _, x in (res.get("/XObject") or Dictionary()).items():
            if not isinstance(x, pikepdf.Stream) or not self._first(x):
                continue
            sub = x.get("/Subtype")
            if sub == Name.Image:
                self.image(n, x, "an image")
            elif sub == Name.Form:
                if x.get("/Subtype2") == Name.PS or "/PS" in x:
                    self.say(n, "PDF/X: a PostScript XObject")
                self.group(n, x.get("/Group"), "a transparency group")
                self.stream(n, x, x.get("/Resources") or res, "a form XObject")
            elif sub == Name.PS:
                self.say(n, "PDF/X: a PostScript XObject")

    def _first(self, obj) -> bool:
        key = obj.objgen
        if key == (0, 0):
            return True
        if key in self._done:
            return False
        self._done.add(key)
        return True

    def font(self, n: int, font) -> None:
        if not isinstance(font, Dictionary) or not self._first(font):
            return
        sub = font.get("/Subtype")
        if sub == Name.Type3:
            for _, glyph in (font.get("/CharProcs") or Dictionary()).items():
                if isinstance(glyph, pikepdf.Stream):
                    self.stream(n, glyph, font.get("/Resources"), "a Type 3 glyph")
            return
        for f in font.get("/DescendantFonts") or [font]:
            fd = f.get("/FontDescriptor") if isinstance(f, Dictionary) else None
            if not isinstance(fd, Dictionary) or not any(
                k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                self.say(n, f"PDF/X: font {f.get('/BaseFont', '?')} is not embedded")

    def image(self, n: int, im, what: str) -> None:
        cs = im.get("/ColorSpace")
        if rgb_space(cs):
            self.say(n, f"RGB: {what} is in an RGB colour space ({str(cs)[:40]})")
        if "/Alternates" in im:
            self.say(n, f"PDF/X: {what} has /Alternates")
        if "/OPI" in im:
            self.say(n, f"PDF/X: {what} has an OPI reference")
        smask = im.get("/SMask")
        if isinstance(smask, pikepdf.Stream) and rgb_space(smask.get("/ColorSpace")):
            self.say(n, f"RGB: the soft mask of {what} is in an RGB colour space")

    def graphics_state(self, n: int, gs) -> None:
        if not isinstance(gs, Dictionary) or not self._first(gs):
            return
        bm = gs.get("/BM")
        modes = list(bm) if isinstance(bm, Array) else [bm] if bm is not None else []
        for m in modes:
            if str(m) not in STANDARD_BLEND_MODES:
                self.say(n, f"transparency: blend mode {m} is not allowed in PDF/X-4")
        for key in ("/TR", "/TR2"):
            if key in gs and gs[key] != Name.Default:
                self.say(n, f"PDF/X: a graphics state has a transfer function ({key[1:]})")
        if "/HTP" in gs:
            self.say(n, "PDF/X: a graphics state has a halftone phase (HTP)")
        smask = gs.get("/SMask")
        if isinstance(smask, Dictionary):
            g = smask.get("/G")
            if isinstance(g, pikepdf.Stream):
                self.group(n, g.get("/Group"), "a soft mask's group")
                if self._first(g):
                    self.stream(n, g, g.get("/Resources"), "a soft mask")
        elif smask is not None and smask != Name("/None"):
            self.say(n, "transparency: a soft mask that is neither a dictionary nor /None")

    def stream(self, n: int, holder, res, what: str) -> None:
        """One content stream: colour operators, colour spaces, and small text's colour."""
        self.resources(n, res, what)
        try:
            ops = pikepdf.parse_content_stream(holder)
        except (pikepdf.PdfError, ValueError) as e:
            self.say(n, f"PDF/X: {what} cannot be read ({str(e)[:60]}); it is not checked")
            return
        ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        fill: tuple = ("g", (0.0,))
        stroke: tuple = ("g", (0.0,))
        stack: list = []
        tm = lm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        size, mode, leading = 0.0, 0, 0.0
        for item in ops:
            if isinstance(item, pikepdf.ContentStreamInlineImage):
                iimg = item.iimage
                cs = iimg.obj.get("/CS", iimg.obj.get("/ColorSpace"))
                if rgb_space(cs, res):
                    self.say(n, f"RGB: an inline image in {what} is RGB")
                continue
            operands, op = item
            op = str(op)
            if op == "q":
                stack.append((ctm, fill, stroke))
            elif op == "Q" and stack:
                ctm, fill, stroke = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(_num(v) for v in operands), ctm)
            elif op in ("rg", "RG"):
                vals = " ".join(f"{_num(v):g}" for v in operands)
                kind = "fill" if op == "rg" else "stroke"
                self.say(n, f"RGB: an RGB {kind} colour ({vals} {op}) in {what}")
                if op == "rg":
                    fill = ("rgb", ())
                else:
                    stroke = ("rgb", ())
            elif op in ("k", "K"):
                c = ("cmyk", tuple(_num(v) for v in operands))
                fill, stroke = (c, stroke) if op == "k" else (fill, c)
            elif op in ("g", "G"):
                c = ("g", tuple(_num(v) for v in operands))
                fill, stroke = (c, stroke) if op == "g" else (fill, c)
            elif op in ("cs", "CS") and operands:
                if rgb_space(operands[0], res):
                    self.say(n, f"RGB: the colour space {operands[0]} in {what} is RGB")
                c = ("space", ())
                fill, stroke = (c, stroke) if op == "cs" else (fill, c)
            elif op == "sh" and operands:
                sh = (res or {}).get("/Shading", {}).get(str(operands[0])) if res else None
                if isinstance(sh, Dictionary | pikepdf.Stream) and rgb_space(sh.get("/ColorSpace")):
                    self.say(n, f"RGB: a shading in {what} is in an RGB colour space")
            elif op == "gs" and operands and res is not None:
                gs = (res.get("/ExtGState") or {}).get(str(operands[0]))
                self.graphics_state(n, gs)
            elif op == "BT":
                tm = lm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            elif op == "Tf" and len(operands) == 2:
                size = abs(_num(operands[1]))
            elif op == "Tr" and operands:
                mode = int(_num(operands[0]))
            elif op == "TL" and operands:
                leading = _num(operands[0])
            elif op == "Tm" and len(operands) == 6:
                tm = lm = tuple(_num(v) for v in operands)
            elif op in ("Td", "TD") and len(operands) == 2:
                tx, ty = _num(operands[0]), _num(operands[1])
                if op == "TD":
                    leading = -ty
                tm = lm = _mul((1, 0, 0, 1, tx, ty), lm)
            elif op in ("T*", "'", '"'):
                tm = lm = _mul((1, 0, 0, 1, 0, -leading), lm)
            if op in ("Tj", "TJ", "'", '"'):
                m = _mul(tm, ctm)
                printed = size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
                if printed < SMALL_TEXT_PT:
                    painted = []
                    if mode in (0, 2, 4, 6):
                        painted.append(fill)
                    if mode in (1, 2, 5, 6):
                        painted.append(stroke)
                    for kind, vals in painted:
                        inks = sum(1 for v in vals if v > 0.001)
                        if kind == "cmyk" and len(vals) == 4 and inks > 1 and self.black(vals):
                            cmyk = " ".join(f"{v:g}" for v in vals)
                            self.say(
                                n,
                                f"rich black: text at {printed:.1f} pt in {cmyk} (black in "
                                f"{inks} plates) in {what}; print text under "
                                f"{SMALL_TEXT_PT:g} pt in 100 % K (0 0 0 1)",
                            )


def _holds(outer, inner, eps: float) -> bool:
    return (
        outer[0] <= inner[0] + eps
        and outer[1] <= inner[1] + eps
        and outer[2] >= inner[2] - eps
        and outer[3] >= inner[3] - eps
    )


def page_media(obj):
    """A page's MediaBox, inherited from the page tree."""
    node, depth = obj, 0
    while isinstance(node, Dictionary) and depth < 32:
        if "/MediaBox" in node:
            try:
                x0, y0, x1, y1 = (float(v) for v in node.MediaBox)
                return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
            except (TypeError, ValueError):
                return None
        node, depth = node.get("/Parent"), depth + 1
    return None


def preflight(path: Path) -> list[Finding]:
    """Every PDF/X-4 breach of the file at `path`, one finding each (none: it passes)."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError, ValueError) as e:
        return [Finding(str(path), None, "error", "pdfx", f"PDF/X: cannot be opened ({e})")]
    with pdf:
        check = Preflight(path, pdf)
        check.document()
        check.pages()
        return check.findings
