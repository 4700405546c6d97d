"""PDF/UA-1: the structure tree, link annotations and metadata of a tagged PDF, added with
pikepdf to the file reportlab wrote, from the record the document kept while a format drew
it (render.tagging).

What it adds: StructTreeRoot -> Document -> the elements in reading order, each marked-content
sequence and link annotation tied to its element through the ParentTree (a page's
``/StructParents``, an annotation's ``/StructParent``); a link annotation (``tel:`` or
``https:``, no border, ``/Contents`` saying what it does) over every printed number and link,
inside its Link element as an OBJR; ``/Tabs /S`` on every page; ``/MarkInfo``; XMP metadata
with the title and ``pdfuaid:part 1``. reportlab's TrueType subsets map their unused codes to
U+0000, which PDF/UA forbids: those entries are dropped. The output stays byte-identical for
the same input (no dates of its own, a document ID derived from the content).
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..files import xmlns
from ..render.tagging import MC, Annot, Node

_ZERO = re.compile(rb"^<[0-9A-Fa-f]+> <0000>\r?\n", re.M)
_COUNT = re.compile(rb"(\d+) beginbfchar\r?\n(.*?)endbfchar", re.S)


def _fix_to_unicode(pdf: pikepdf.Pdf) -> None:
    """Drop ToUnicode entries that map a code to U+0000 (reportlab writes them for the
    unused codes of each subset)."""
    seen = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            tu = font.get("/ToUnicode")
            if tu is None or tu.objgen in seen:
                continue
            seen.add(tu.objgen)
            data = tu.read_bytes()
            if b"<0000>" not in data:
                continue

            def block(m: re.Match) -> bytes:
                body = _ZERO.sub(b"", m.group(2))
                n = body.count(b"\n")
                return b"%d beginbfchar\n%sendbfchar" % (n, body) if n else b""

            tu.write(_COUNT.sub(block, data))


def _xmp(title: str, lang: str, author: str, subject: str, keywords: str, producer: str) -> bytes:
    def alt(value: str) -> str:
        return (
            f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li>'
            f'<rdf:li xml:lang="{escape(lang)}">{escape(value)}</rdf:li></rdf:Alt>'
        )

    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f"<rdf:RDF{xmlns('rdf')}>\n"
        f'<rdf:Description rdf:about=""{xmlns("dc", "pdf", "xmp", "pdfuaid")}>\n'
        f"<dc:title>{alt(title)}</dc:title>\n"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        f"<dc:description>{alt(subject)}</dc:description>\n"
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        "<dc:format>application/pdf</dc:format>\n"
        f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>\n"
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>\n"
        f"<xmp:CreatorTool>{escape(producer)}</xmp:CreatorTool>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


def tag(data: bytes, tree: Node, lang: str) -> bytes:
    """The PDF `data` with the structure `tree` (render.tagging.Tags.tree) written in."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = [p.obj for p in pdf.pages]
    info = pdf.docinfo
    _fix_to_unicode(pdf)

    root = pdf.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=Array(), ParentTree=Dictionary())
    )
    per_page: list[dict[int, pikepdf.Object]] = [{} for _ in pages]
    annots: list[tuple[pikepdf.Object, pikepdf.Object]] = []  # (annotation, its Link)

    def element(node: Node, parent) -> pikepdf.Object:
        el = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
        first_page = next((k.page for k in node.kids if isinstance(k, MC | Annot)), None)
        if first_page is not None:
            el.Pg = pages[first_page]
        if node.lang and node.role != "Link":  # a link's language is its annotation's text's
            el.Lang = String(node.lang)
        if node.actual:
            el.ActualText = String(node.actual)
        if node.role == "Figure":
            el.Alt = String(node.alt)
            if node.bbox:
                el.A = Dictionary(O=Name.Layout, BBox=Array([round(v, 2) for v in node.bbox]))
        if node.role == "L":
            el.A = Dictionary(O=Name.List, ListNumbering=Name("/" + (node.numbering or "None")))
        kids = Array()
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(element(kid, el))
            elif isinstance(kid, MC):
                per_page[kid.page][kid.mcid] = el
                if kid.page == first_page:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=pages[kid.page], MCID=kid.mcid))
            else:
                annot = _annotation(pdf, kid)
                if "/Annots" not in pages[kid.page]:
                    pages[kid.page].Annots = Array()
                pages[kid.page].Annots.append(annot)
                annots.append((annot, el))
                kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=pages[kid.page]))
        el.K = kids
        return el

    root.K.append(element(tree, root))
    nums = Array()
    for i, (page, marks) in enumerate(zip(pages, per_page, strict=True)):
        if sorted(marks) != list(range(len(marks))):
            raise ValueError(f"tagging: page {i + 1} has marked content outside the tree")
        page.StructParents = i
        page.Tabs = Name.S
        nums.extend([i, pdf.make_indirect(Array([marks[m] for m in sorted(marks)]))])
    for k, (annot, el) in enumerate(annots, len(pages)):
        annot.StructParent = k
        nums.extend([k, el])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = len(pages) + len(annots)

    cat = pdf.Root
    cat.StructTreeRoot = root
    cat.MarkInfo = Dictionary(Marked=True)
    cat.Lang = String(lang)
    cat.ViewerPreferences = Dictionary(DisplayDocTitle=True)

    def text(key: str) -> str:
        return str(info.get(key, ""))

    cat.Metadata = pdf.make_stream(
        _xmp(
            text("/Title"),
            lang,
            text("/Author"),
            text("/Subject"),
            text("/Keywords"),
            text("/Creator"),
        ),
        Type=Name.Metadata,
        Subtype=Name.XML,
    )
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,  # the XMP is ours, written above
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.preserve,  # the Info dictionary stays plain
    )
    return out.getvalue()


def _annotation(pdf: pikepdf.Pdf, a: Annot) -> pikepdf.Object:
    """A borderless, printable link annotation opening the registry's target (over each of
    its lines, when it is broken over several)."""
    quads = Array()
    for x0, y0, x1, y1 in a.boxes:
        quads.extend([round(v, 2) for v in (x0, y1, x1, y1, x0, y0, x1, y0)])
    return pdf.make_indirect(
        Dictionary(
            QuadPoints=quads,
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([round(v, 2) for v in a.rect]),
            Border=Array([0, 0, 0]),
            F=4,
            Contents=String(a.contents),
            A=Dictionary(S=Name.URI, URI=String(a.uri)),
        )
    )
