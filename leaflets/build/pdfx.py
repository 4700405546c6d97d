"""PDF/X-4 for a print shop (``build --pdfx``): what reportlab cannot write, added with pikepdf
to the tagged file, and the colour it could not convert itself.

The pages are already drawn in DeviceCMYK (the theme's ``press``: render.document.Theme). This
step converts every RGB image (a logo, a picture inside an SVG logo) to the profile's CMYK with
Pillow's ImageCms, keeping its soft mask; adds the output intent (``/S /GTS_PDFX`` with the
profile embedded as ``/DestOutputProfile``), ``/Trapped /False`` and ``GTS_PDFXVersion`` in the
Info dictionary, the PDF/X identification, dates and ``pdf:Trapped`` in the XMP beside the
PDF/UA one, and writes PDF 1.6. It then refuses (a BuildError) a file that still names an RGB
colour space anywhere, lacks a TrimBox or BleedBox, or has a font that is not embedded: the
build never writes a "PDF/X" file it did not make one. ``verify --pdfx`` is the full
preflight, run on any file.
"""

from __future__ import annotations

import io
import re
import zlib
from functools import cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..colour import DEFAULT_PROFILE, Press, load_press
from ..errors import BuildError, ConfigError
from ..files import data_path, xmlns
from ..text.markup import escape

PDFX_VERSION = "PDF/X-4"
_RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def default_profile() -> Path:
    return data_path("icc", DEFAULT_PROFILE)


@cache
def press_for(path: str | None = None) -> Press:
    """The press of an ICC output profile (the shipped one by default), once per process.
    Raises ConfigError (one line, saying where a printer's profile goes) if it is missing,
    unreadable or not a CMYK output profile."""
    try:
        return load_press(path or default_profile())
    except ValueError as e:
        raise ConfigError([f"print.icc_profile: {e}"]) from None


@cache
def _compressed(icc: bytes) -> bytes:
    """The profile as Flate data, compressed once per process (1 MB: a third of a second)."""
    return zlib.compress(icc, 9)


def _is_rgb_space(cs) -> bool:
    """An RGB colour space: DeviceRGB, CalRGB, ICCBased with 3 components, or Indexed /
    DeviceN / Separation over one."""
    if isinstance(cs, Name):
        return str(cs) in _RGB_SPACES
    if isinstance(cs, Array) and len(cs):
        kind = str(cs[0])
        if kind in _RGB_SPACES:
            return True
        if kind == "/ICCBased":
            return int(cs[1].get("/N", 0)) == 3
        if kind == "/Indexed":
            return _is_rgb_space(cs[1])
        if kind in ("/Separation", "/DeviceN"):
            return _is_rgb_space(cs[2])
    return False


def _xobjects(resources, seen: set) -> list:
    """Every image XObject reachable from `resources` (through forms, patterns, annotation
    appearances too)."""
    out = []
    if not isinstance(resources, Dictionary):
        return out
    for kind in ("/XObject", "/Pattern"):
        for _, obj in (resources.get(kind) or Dictionary()).items():
            if not isinstance(obj, (pikepdf.Stream, Dictionary)) or obj.objgen in seen:
                continue
            if obj.objgen != (0, 0):
                seen.add(obj.objgen)
            if obj.get("/Subtype") == Name.Image:
                out.append(obj)
            elif "/Resources" in obj:
                out += _xobjects(obj.Resources, seen)
    return out


def _convert_image(pdf: pikepdf.Pdf, image: pikepdf.Stream, press: Press) -> None:
    """An RGB image re-encoded as 8-bit DeviceCMYK through the profile (Flate)."""
    pil = pikepdf.PdfImage(image).as_pil_image()
    cmyk = press.image(pil)
    image.write(zlib.compress(cmyk.tobytes(), 9), filter=Name.FlateDecode)
    image.ColorSpace = Name.DeviceCMYK
    image.BitsPerComponent = 8
    image.Width, image.Height = cmyk.size
    for key in ("/Decode", "/DecodeParms"):
        if key in image:
            del image[key]


def _pdf_date(value: str) -> str:
    """A PDF date (D:20000101000000+00'00') as an XMP date."""
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([Zz+-])?(\d{2})?'?(\d{2})?", value)
    if not m:
        raise BuildError(f"cannot read the file's date {value!r} for its PDF/X metadata")
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    tz = "Z" if sign in (None, "Z", "z") else f"{sign}{tzh or '00'}:{tzm or '00'}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tz}"


def _xmp(pdf: pikepdf.Pdf, created: str, modified: str) -> None:
    """The PDF/X-4 identification beside the PDF/UA one in the file's XMP packet."""
    meta = pdf.Root.get("/Metadata")
    if meta is None:  # an untagged file (render_pdf(tagged=False)): a packet of its own
        meta = pdf.Root.Metadata = pdf.make_stream(
            (
                '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
                '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
                f"<rdf:RDF{xmlns('rdf')}>\n"
                '</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
            ).encode(),
            Type=Name.Metadata,
            Subtype=Name.XML,
        )
    xml = meta.read_bytes().decode("utf-8")
    h = bytes(pdf.trailer.ID[0]).hex().ljust(32, "0")[:32]
    doc_id = f"uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    block = (
        f'<rdf:Description rdf:about=""{xmlns("pdfxid", "pdf", "xmpMM", "xmp")}>\n'
        f"<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>\n"
        "<pdf:Trapped>False</pdf:Trapped>\n"
        f"<xmp:CreateDate>{escape(created)}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{escape(modified)}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{escape(modified)}</xmp:MetadataDate>\n"
        f"<xmpMM:DocumentID>{doc_id}</xmpMM:DocumentID>\n"
        "<xmpMM:VersionID>1</xmpMM:VersionID>\n"
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
        "</rdf:Description>\n"
    )
    if "</rdf:RDF>" not in xml or "pdfxid:" in xml:
        raise BuildError("the tagged file's XMP cannot take the PDF/X identification")
    meta.write(xml.replace("</rdf:RDF>", block + "</rdf:RDF>", 1).encode("utf-8"))


def _rgb_in(holder, resources, seen: set) -> str | None:
    """The first RGB colour a content stream sets (an operator, or a colour space it names),
    looking into its form XObjects too; None if it sets none."""
    res = resources if isinstance(resources, Dictionary) else Dictionary()
    named = res.get("/ColorSpace") or Dictionary()
    for name, cs in named.items():
        if _is_rgb_space(cs):
            return f"colour space {name}"
    for operands, op in pikepdf.parse_content_stream(holder):
        op = str(op)
        if op in ("rg", "RG"):
            return f"the operator {op}"
        if op in ("cs", "CS") and operands and str(operands[0]) in _RGB_SPACES:
            return f"colour space {operands[0]}"
    for _, x in (res.get("/XObject") or Dictionary()).items():
        if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == Name.Form:
            if x.objgen in seen:
                continue
            seen.add(x.objgen)
            got = _rgb_in(x, x.get("/Resources"), seen)
            if got:
                return got
    return None


def _check(pdf: pikepdf.Pdf) -> list[str]:
    """What would make this file not PDF/X: RGB left in a content stream, form or image, a
    page without its boxes, a font not embedded (the full preflight is verify --pdfx)."""
    wrong = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Image:
            if _is_rgb_space(obj.get("/ColorSpace")):
                wrong.append("an RGB image is left in the file")
        elif isinstance(obj, Dictionary | pikepdf.Stream) and "/ColorSpace" in obj:
            if _is_rgb_space(obj.get("/ColorSpace")):  # a shading
                wrong.append("an RGB colour space is left in the file")
    seen: set = set()
    for n, page in enumerate(pdf.pages, 1):
        for box in ("/TrimBox", "/BleedBox"):
            if box not in page.obj:
                wrong.append(f"page {n} has no {box[1:]}")
        rgb = _rgb_in(page.obj, page.obj.get("/Resources"), seen)
        if rgb:
            wrong.append(f"page {n} still sets an RGB colour ({rgb})")
        for _, font in (page.obj.get("/Resources", {}).get("/Font") or Dictionary()).items():
            fonts = font.get("/DescendantFonts") or [font]
            for f in fonts:
                fd = f.get("/FontDescriptor")
                if fd is None or not any(
                    k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    wrong.append(f"page {n}: font {f.get('/BaseFont')} is not embedded")
    return list(dict.fromkeys(wrong))


def make_pdfx(data: bytes, press: Press, what: str) -> bytes:
    """The tagged file reportlab drew in CMYK, made PDF/X-4 (see the module's docstring)."""
    pdf = pikepdf.open(io.BytesIO(data))
    seen: set = set()
    for page in pdf.pages:
        images = _xobjects(page.obj.get("/Resources"), seen)
        for annot in page.obj.get("/Annots") or []:
            for _, ap in (annot.get("/AP") or Dictionary()).items():
                if isinstance(ap, pikepdf.Stream):
                    images += _xobjects(ap.get("/Resources"), seen)
        for image in images:
            if _is_rgb_space(image.get("/ColorSpace")):
                _convert_image(pdf, image, press)
    profile = pdf.make_stream(b"", N=4)
    profile.write(_compressed(press.icc), filter=Name.FlateDecode)
    name = press.description or press.name
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFX,
                OutputConditionIdentifier=String(name),
                OutputCondition=String(name),
                Info=String(name),
                DestOutputProfile=profile,
            )
        ]
    )
    info = pdf.trailer.Info
    info.Trapped = Name("/False")
    info.GTS_PDFXVersion = String(PDFX_VERSION)
    created = str(info.get("/CreationDate", ""))
    modified = str(info.get("/ModDate", created))
    if not created:
        raise BuildError(f"{what}: the file has no creation date, which PDF/X needs")
    if "/ModDate" not in info:
        info.ModDate = String(modified)
    _xmp(pdf, _pdf_date(created), _pdf_date(modified))
    wrong = _check(pdf)
    if wrong:
        raise BuildError(f"{what}: not PDF/X-4: {'; '.join(wrong)}")
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,
        compress_streams=True,
        force_version="1.6",
        object_stream_mode=pikepdf.ObjectStreamMode.preserve,
    )
    return out.getvalue()
